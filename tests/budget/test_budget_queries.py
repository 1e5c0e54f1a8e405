"""The named reads of budgets (budget.models), on small built data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from budget.models import Budget
from tests.factories import make_authority, make_budget, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets() -> tuple[Budget, Budget]:
    authority = make_authority()
    published = make_budget(authority=authority, year=2025, published=True)
    unpublished = make_budget(authority=authority, year=2026, published=False)
    return published, unpublished


def test_the_public_sees_the_published_budgets_only(budgets):
    published, _unpublished = budgets

    assert list(Budget.objects.visible_to(AnonymousUser())) == [published]
    assert list(Budget.objects.visible_to(make_user())) == [published]


@pytest.mark.parametrize(
    "user_fields", [{"roles": ("administrator",)}, {"roles": ("finance",)}, {"is_staff": True}]
)
def test_the_staff_sees_the_unpublished_ones_too(budgets, user_fields):
    user = make_user(**user_fields)

    assert set(Budget.objects.visible_to(user)) == set(budgets)
