from django.apps import AppConfig


class BudgetConfig(AppConfig):
    verbose_name = "Budget"
    default_auto_field = "django.db.models.BigAutoField"
    name = "budget"
