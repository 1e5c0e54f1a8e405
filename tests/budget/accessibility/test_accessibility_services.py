from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from budget.accessibility.models import AccessibilityStatement
from budget.accessibility.services import accessibility_statement_save
from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE
from tests.factories import make_user

pytestmark = pytest.mark.django_db

Level = AccessibilityStatement.Level


def fields(**overrides) -> dict:
    values = {
        "entity": "Ville de Montargis",
        "level": Level.PARTIAL,
        "rate": Decimal("72.5"),
        "audited_by": "Access42",
        "established_on": date(2026, 11, 2),
        "contact_email": "accessibilite@montargis.example",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_saves_the_one_statement(role):
    user = make_user(roles=(role,))

    accessibility_statement_save(by=user, **fields())
    accessibility_statement_save(by=user, **fields(rate=Decimal("80")))

    statement = AccessibilityStatement.objects.get()
    assert (statement.level, statement.rate, statement.updated_by) == (Level.PARTIAL, 80, user)
    assert statement.technologies == "HTML5, CSS, JavaScript, SVG"


@pytest.mark.parametrize("roles", [(), (FINANCE,)])
def test_others_cannot_save_it(roles):
    with pytest.raises(PermissionDenied):
        accessibility_statement_save(by=make_user(roles=roles), **fields())

    assert not AccessibilityStatement.objects.exists()


@pytest.mark.parametrize(
    ("level", "rate", "message"),
    [
        (Level.TOTAL, Decimal("99"), "« Totalement conforme » demande un taux de 100 %."),
        (
            Level.PARTIAL,
            Decimal("40"),
            "« Partiellement conforme » demande un taux d'au moins 50 % et de moins de 100 %.",
        ),
        (
            Level.PARTIAL,
            None,
            "« Partiellement conforme » demande un taux d'au moins 50 % et de moins de 100 %.",
        ),
        (
            Level.NONE,
            Decimal("60"),
            "Avec un taux de 50 % ou plus, le site est au moins partiellement conforme.",
        ),
    ],
)
def test_the_level_must_match_the_rate(level, rate, message):
    with pytest.raises(ValidationError) as refused:
        accessibility_statement_save(
            by=make_user(roles=(ADMINISTRATOR,)), **fields(level=level, rate=rate)
        )

    assert refused.value.message_dict["level"] == [message]
    assert not AccessibilityStatement.objects.exists()


def test_the_database_refuses_a_level_that_does_not_match_its_rate():
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessibilityStatement.objects.create(**fields(level=Level.TOTAL, rate=Decimal("50")))


def test_the_database_keeps_one_statement_per_site():
    AccessibilityStatement.objects.create(**fields())

    with pytest.raises(IntegrityError), transaction.atomic():
        AccessibilityStatement.objects.create(**fields())


def test_no_audit_means_non_conforme():
    accessibility_statement_save(
        by=make_user(roles=(ADMINISTRATOR,)), **fields(level=Level.NONE, rate=None, audited_by="")
    )

    assert AccessibilityStatement.objects.current().get_level_display() == "non conforme"


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError, match="unexpected fields"):
        accessibility_statement_save(by=make_user(roles=(ADMINISTRATOR,)), colour="red")
