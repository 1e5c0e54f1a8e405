from django.apps import AppConfig


class BudgetConfig(AppConfig):
    verbose_name = "Budget"
    default_auto_field = "django.db.models.BigAutoField"
    name = "budget"

    def ready(self) -> None:
        # The glossary's held copy listens to requests and saves from the first one on.
        from budget.glossary import terms as glossary  # noqa: F401
