"""Finding the BUDGET argument of the parameters commands: an id or a slug."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from budget.models import Budget


def budget_from_arg(value: str) -> Budget:
    query = Budget.objects.select_related("authority")
    budget = query.filter(slug=value).first()
    if budget is None and value.isdigit():
        budget = query.filter(pk=int(value)).first()
    if budget is None:
        raise CommandError(
            _("Budget inconnu : %(value)s (indiquez son numéro ou son identifiant).")
            % {"value": value}
        )
    return budget
