"""The demo panel (fixtures/demo_panel.py): a pool, quotas and one published draw, once."""

from __future__ import annotations

import io

import pytest

from budget.roles import ADMINISTRATOR
from fixtures import demo_campaign, demo_panel
from tests.factories import make_user
from tests.votes.factories import make_campaign
from votes.panels import services as panels
from votes.panels.models import PanelDraw, Quota, Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_panel_is_loaded_once():
    make_user(username=demo_campaign.ADMIN, roles=(ADMINISTRATOR,))
    campaign = make_campaign()
    out = io.StringIO()
    draw = demo_panel.load(campaign, stdout=out)
    assert Volunteer.objects.filter(campaign=campaign).count() == 60
    assert Quota.objects.filter(campaign=campaign).count() == len(demo_panel.QUOTAS)
    assert draw.published and draw.seed == demo_panel.SEED
    assert (len(draw.selected), len(draw.reserve)) == (12, 4)
    assert all(row.met for group in panels.draw_composition(draw) for _label, row in group.rows)
    assert "60 volontaires, 12 quotas, un tirage publié de 12 personnes" in out.getvalue()

    assert demo_panel.load(campaign, stdout=out) is None
    assert Volunteer.objects.filter(campaign=campaign).count() == 60
    assert PanelDraw.objects.filter(campaign=campaign).count() == 1
    assert "déjà présent" in out.getvalue()
