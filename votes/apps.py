from django.apps import AppConfig


class VotesConfig(AppConfig):
    verbose_name = "Campagnes et votes"
    default_auto_field = "django.db.models.BigAutoField"
    name = "votes"
