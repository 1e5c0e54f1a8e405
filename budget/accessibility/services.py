"""The statement's one write: the team saves it (created on the first save)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from budget.accessibility.models import SITE, AccessibilityStatement
from budget.roles import ADMINISTRATOR, FACILITATOR, require_role_everywhere

# In the order the team's form shows them (budget/accessibility/forms.py reads this list).
FIELDS = (
    "entity",
    "level",
    "rate",
    "rgaa_version",
    "audited_by",
    "established_on",
    "non_compliant",
    "derogations",
    "exempt",
    "technologies",
    "test_environment",
    "tested_pages",
    "contact_email",
    "contact_address",
)


@transaction.atomic
def accessibility_statement_save(*, by: AbstractBaseUser, **fields) -> AccessibilityStatement:
    require_role_everywhere(by, ADMINISTRATOR, FACILITATOR)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"accessibility_statement_save() got unexpected fields: {sorted(unknown)}")
    # Two team members saving at once: the row lock makes the second one's save the last,
    # whole (never a mix of both forms).
    statement = (
        AccessibilityStatement.objects.select_for_update().filter(key=SITE).first()
        or AccessibilityStatement()
    )
    for name, value in fields.items():
        setattr(statement, name, value)
    statement.updated_by = by
    statement.full_clean()
    statement.save()
    return statement
