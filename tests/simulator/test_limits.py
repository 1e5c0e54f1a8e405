"""The simulator's hook for caps set by other apps: it reads them without importing those apps."""

from __future__ import annotations

import pytest

from simulator import limits
from tests.simulator.factories import pool_budget
from tests.votes.factories import make_campaign
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(monkeypatch):
    """A clean registry for the test; the votes app's own reader comes back afterwards."""
    registered: list = []
    monkeypatch.setattr(limits, "_policy_area_limits", registered)
    return registered


def test_without_a_reader_there_is_no_cap(readers):
    budget, _lines = pool_budget()

    assert limits.policy_area_limit(budget) is None


def test_the_strictest_cap_wins_and_a_reader_counts_once(readers):
    budget, _lines = pool_budget()
    three, none = (lambda budget: 3), (lambda budget: None)
    limits.register_policy_area_limit(three)
    limits.register_policy_area_limit(none)
    limits.register_policy_area_limit(lambda budget: 2)
    limits.register_policy_area_limit(three)

    assert len(readers) == 3
    assert limits.policy_area_limit(budget) == 2


def test_the_votes_app_registers_the_cap_of_the_open_campaign_only():
    budget, _lines = pool_budget()
    make_campaign(budget=budget, max_policy_areas=4, phase=Phase.DRAFT)
    assert limits.policy_area_limit(budget) is None

    make_campaign(budget=budget, max_policy_areas=2)
    assert limits.policy_area_limit(budget) == 2
