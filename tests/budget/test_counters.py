"""budget/counters/services.py: the atomic counter of the rate limits, and its pruning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from budget.counters.models import Counter
from budget.counters.services import counter_add, counter_value, counters_prune

pytestmark = pytest.mark.django_db


def test_a_counter_starts_at_one_and_each_addition_returns_the_new_value():
    later = timezone.now() + dt.timedelta(hours=1)

    values = [counter_add(key="k", expires_at=later) for _ in range(3)]

    assert values == [1, 2, 3]
    assert counter_add(key="k", expires_at=later, amount=-1) == 2
    assert counter_value("k") == 2
    assert counter_value("unknown") == 0


def test_pruning_deletes_only_the_counters_whose_window_is_over():
    now = timezone.now()
    counter_add(key="over", expires_at=now - dt.timedelta(seconds=1))
    counter_add(key="current", expires_at=now + dt.timedelta(hours=1))

    assert counters_prune(before=now, dry_run=True) == 1
    assert Counter.objects.count() == 2
    assert counters_prune(before=now) == 1

    assert list(Counter.objects.values_list("key", flat=True)) == ["current"]


def test_the_nightly_prune_command_deletes_expired_counters(capsys):
    counter_add(key="over", expires_at=timezone.now() - dt.timedelta(minutes=5))

    call_command("prune_jobs")

    assert not Counter.objects.exists()
    assert "1 compteur(s) de limite expiré(s) supprimé(s)." in capsys.readouterr().out
