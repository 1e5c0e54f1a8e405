from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    verbose_name = "Simulateur"
    default_auto_field = "django.db.models.BigAutoField"
    name = "simulator"
