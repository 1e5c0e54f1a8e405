"""`manage.py purge_volunteers`: volunteers past their retention date are deleted, not flagged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.votes.factories import make_campaign
from tests.votes.panels.factories import make_volunteer
from votes.panels.models import Volunteer
from votes.panels.services import volunteers_purge

pytestmark = pytest.mark.django_db


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_volunteers", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def pool():
    campaign = make_campaign()
    today = timezone.localdate()
    return {
        "expired": make_volunteer(campaign, retain_until=today - dt.timedelta(days=1)),
        "last_day": make_volunteer(campaign, retain_until=today),
        "kept": make_volunteer(campaign, retain_until=today + dt.timedelta(days=30)),
    }


def test_volunteers_past_their_date_are_deleted_and_the_others_kept(pool):
    assert purge() == "1 volontaire(s) supprimé(s).\n"
    assert set(Volunteer.objects.values_list("pk", flat=True)) == {
        pool["last_day"].pk,
        pool["kept"].pk,
    }


def test_a_second_run_deletes_nothing_more(pool):
    purge()
    assert purge() == "0 volontaire(s) supprimé(s).\n"
    assert Volunteer.objects.count() == 2


def test_a_dry_run_counts_and_deletes_nothing(pool):
    assert purge("--dry-run") == "1 volontaire(s) à supprimer (rien n'a été supprimé).\n"
    assert Volunteer.objects.count() == 3


def test_the_service_deletes_across_campaigns():
    today = timezone.localdate()
    for _ in range(2):
        make_volunteer(make_campaign(), retain_until=today - dt.timedelta(days=400))
    assert volunteers_purge(today=today) == 2
    assert not Volunteer.objects.exists()
