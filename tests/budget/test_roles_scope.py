"""budget/roles.py: a role held everywhere (its group), in one authority (RoleGrant) or in one
campaign (votes.CampaignRole, read through the registered source)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from budget.models import Budget
from budget.roles import (
    ADMINISTRATOR,
    COUNCIL,
    FINANCE,
    MODERATOR,
    authorities_for,
    campaigns_for,
    has_role,
    has_role_anywhere,
    require_role,
    set_request_scope,
)
from tests.factories import grant_role, make_authority, make_budget, make_user

pytestmark = pytest.mark.django_db


def _fresh(user):
    """A new copy of the account: the holdings are cached for one request on the object."""
    return type(user).objects.get(pk=user.pk)


def test_the_group_holds_the_role_in_every_authority():
    user = make_user(roles=(FINANCE,))
    a, b = make_authority(), make_authority()

    assert has_role(user, FINANCE, authority=a)
    assert has_role(user, FINANCE, authority=b)
    assert has_role(user, FINANCE)
    assert authorities_for(user, FINANCE) is None


def test_a_grant_holds_the_role_in_its_authority_only():
    a, b = make_authority(), make_authority()
    user = make_user()
    grant_role(user, FINANCE, b)
    user = _fresh(user)

    assert has_role(user, FINANCE, authority=b)
    assert has_role(user, FINANCE, authority=b.pk)
    assert not has_role(user, FINANCE, authority=a)
    assert not has_role(user, ADMINISTRATOR, authority=b)
    assert authorities_for(user, FINANCE) == {b.pk}
    assert authorities_for(user, ADMINISTRATOR) == set()


def test_without_an_authority_a_grant_counts_as_held_somewhere():
    user = make_user()
    grant_role(user, MODERATOR, make_authority())
    user = _fresh(user)

    assert has_role(user, MODERATOR)
    assert has_role_anywhere(user, MODERATOR)
    assert not has_role(user, FINANCE)


def test_the_request_scope_applies_when_no_authority_is_given():
    a, b = make_authority(), make_authority()
    user = make_user()
    grant_role(user, FINANCE, b)
    user = _fresh(user)

    set_request_scope(user, lambda: (a.pk, None))
    assert not has_role(user, FINANCE)
    assert has_role(user, FINANCE, authority=b)  # an explicit authority wins
    assert has_role_anywhere(user, FINANCE)
    with pytest.raises(PermissionDenied):
        require_role(user, FINANCE)


def test_the_request_scope_is_not_resolved_for_an_account_holding_the_role_everywhere():
    user = make_user(roles=(FINANCE,))

    def resolve():
        raise AssertionError("resolved")

    set_request_scope(user, resolve)
    assert has_role(user, FINANCE)


def test_several_grants_add_up():
    a, b, c = make_authority(), make_authority(), make_authority()
    user = make_user()
    grant_role(user, FINANCE, a)
    grant_role(user, ADMINISTRATOR, b)
    user = _fresh(user)

    assert authorities_for(user, FINANCE, ADMINISTRATOR) == {a.pk, b.pk}
    assert has_role(user, FINANCE, ADMINISTRATOR, authority=b)
    assert not has_role(user, FINANCE, ADMINISTRATOR, authority=c)
    assert campaigns_for(user, FINANCE) == ({a.pk}, set())


def test_a_superuser_holds_every_role_everywhere():
    user = make_user(is_superuser=True)

    assert has_role(user, COUNCIL, authority=make_authority())
    assert authorities_for(user, FINANCE) is None
    assert campaigns_for(user, FINANCE) is None


def test_an_anonymous_visitor_holds_nothing():
    visitor = AnonymousUser()

    assert not has_role(visitor, FINANCE)
    assert not has_role_anywhere(visitor, FINANCE)
    assert authorities_for(visitor, FINANCE) == set()
    assert campaigns_for(visitor, FINANCE) == (set(), set())


def test_the_holdings_cost_one_query_per_request(django_assert_num_queries):
    user = make_user(roles=(MODERATOR,))
    grant_role(user, FINANCE, make_authority())
    user = _fresh(user)

    with django_assert_num_queries(1):
        has_role(user, FINANCE)
        has_role(user, MODERATOR)
        authorities_for(user, FINANCE)


def test_a_role_is_granted_once_per_authority():
    user, authority = make_user(), make_authority()
    grant_role(user, FINANCE, authority)

    with pytest.raises(IntegrityError):
        grant_role(user, FINANCE, authority)


def test_an_unpublished_budget_is_seen_by_finance_of_its_authority_only():
    a, b = make_authority(), make_authority()
    hidden_a = make_budget(authority=a, published=False, year=2025)
    hidden_b = make_budget(authority=b, published=False)
    shown = make_budget(authority=a, year=2026)
    user = make_user()
    grant_role(user, FINANCE, b)
    user = _fresh(user)

    visible = set(Budget.objects.visible_to(user))

    assert visible == {hidden_b, shown}
    assert hidden_a not in visible
    assert set(Budget.objects.visible_to(make_user(roles=(FINANCE,)))) == {
        hidden_a,
        hidden_b,
        shown,
    }
