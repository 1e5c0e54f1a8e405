"""The demo workshop that `make run` loads: three tables to join, one already at work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from fixtures import demo_workshop
from votes.campaigns.models import Campaign
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup
from votes.workshops.services import dashboard_rows

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = False
    run("load_demo")
    return run("load_demo_campaign")


def test_the_demo_campaign_has_an_open_workshop_with_three_tables_one_at_work(demo):
    workshop = Workshop.objects.get()

    assert workshop.title == "Atelier du panel citoyen"
    assert workshop.campaign == Campaign.objects.get(slug="budget-inverse-2026")
    assert workshop.facilitator.username == "animateur-demo"
    assert workshop.facilitator.groups.filter(name="facilitator").exists()
    assert workshop.status == Workshop.Status.OPEN
    groups = list(workshop.groups.values_list("name", "kind", "join_code"))
    assert groups == [
        ("Table 1", "mixed", "CANARD"),
        ("Table 2", "women", "MARCHE"),
        ("Table 3", "young", "FACADE"),
    ]
    assert "codes CANARD, MARCHE, FACADE" in demo
    # Table 1 has started, the others have not.
    started, *others = WorkshopGroup.objects.order_by("position")

    assert started.scenario.title == "La sobriété d'abord"
    assert set(started.scenario.measures.values_list("slug", flat=True)) == {
        "eclairage-nuit",
        "chauffage-moins-un-degre",
    }
    assert GroupArgument.objects.get().group == started
    assert started.scenario.target == 300000
    assert all(not group.scenario.measures.exists() for group in others)
    rows = dashboard_rows(started.workshop)
    assert rows[0].full_year_net_saving > 0 and not rows[0].errors
    assert rows[1].full_year_net_saving == 0


def test_loading_again_changes_nothing(demo):
    before = list(WorkshopGroup.objects.values_list("pk", "join_code", "last_change_at"))

    out = run("load_demo_campaign")

    assert Workshop.objects.count() == 1
    assert list(WorkshopGroup.objects.values_list("pk", "join_code", "last_change_at")) == before
    assert "Atelier « Atelier du panel citoyen » déjà présent." in out
    assert demo_workshop.load(Campaign.objects.get()) == Workshop.objects.get()
    assert WorkshopGroup.objects.count() == 3
