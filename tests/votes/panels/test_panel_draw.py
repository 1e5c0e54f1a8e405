"""panel_draw and panel_draw_publish: what a draw records, its refusals, one publication."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.votes.panels.factories import facilitator, make_quota, make_volunteer, panel_campaign
from votes.panels import services as panels
from votes.panels import sortition
from votes.panels.models import PanelDraw

pytestmark = pytest.mark.django_db


def _draw(campaign, **extra):
    extra.setdefault("size", 4)
    extra.setdefault("reserve_size", 2)
    extra.setdefault("seed", "Loto 7 13 24")
    extra.setdefault("algorithm", "maximin")
    return panels.panel_draw(campaign=campaign, by=facilitator(), **extra)


def test_a_draw_records_the_anonymised_pool_its_fingerprint_and_the_result():
    campaign = panel_campaign()
    draw = _draw(campaign)
    ids = [str(v.pk) for v in campaign.volunteers.order_by("pk")]
    assert [row["id"] for row in draw.pool] == ids
    assert set(draw.pool[0]) == {"id", "gender"}  # only the quota attributes, never a name
    assert (
        draw.pool_sha256
        == hashlib.sha256(sortition.pool_csv(panels.draw_people(draw)).encode()).hexdigest()
    )
    assert draw.quotas == [
        {"attribute": "gender", "value": "man", "min": 2, "max": 2},
        {"attribute": "gender", "value": "woman", "min": 2, "max": 2},
    ]
    assert len(draw.selected) == 4 and len(draw.reserve) == 2
    assert not draw.published


def test_the_recorded_draw_is_what_the_published_files_reproduce():
    campaign = panel_campaign()
    draw = _draw(campaign)
    again = sortition.draw(
        panels.draw_people(draw),
        panels.draw_quotas(draw),
        size=draw.size,
        seed=draw.seed,
        reserve=draw.reserve_size,
        algorithm=draw.algorithm,
    )
    assert (again.selected, again.reserve) == (draw.selected, draw.reserve)


def test_the_seed_is_stripped():
    draw = _draw(panel_campaign(), seed="  Loto 7  ")
    assert draw.seed == "Loto 7"


def test_infeasible_quotas_are_refused_with_named_quotas_and_nothing_is_written():
    campaign = panel_campaign(women=1)
    with pytest.raises(ValidationError) as caught:
        _draw(campaign)
    assert caught.value.messages == [
        "Quota impossible : genre = femme demande au moins 2 personnes, le vivier n'en compte "
        "que 1.",
        "Quotas impossibles pour genre : même au maximum, ils ne donnent que 3 personnes pour "
        "les 4 places du panel.",
    ]
    assert not PanelDraw.objects.exists()


def test_areas_keep_their_case_in_messages():
    campaign = panel_campaign()
    make_quota(campaign, "area", "Les Prés", 1, 1)
    with pytest.raises(ValidationError) as caught:
        _draw(campaign)
    assert caught.value.messages == [
        "Quota impossible : commune ou quartier = Les Prés demande au moins 1 personne, le "
        "vivier n'en compte aucune."
    ]


def test_volunteers_past_their_retention_date_are_not_drawn():
    campaign = panel_campaign()
    expired = make_volunteer(campaign, retain_until=timezone.localdate() - dt.timedelta(days=1))
    draw = _draw(campaign)
    assert str(expired.pk) not in [row["id"] for row in draw.pool]


def test_an_unknown_algorithm_is_refused():
    with pytest.raises(ValidationError, match="Algorithme inconnu"):
        _draw(panel_campaign(), algorithm="legacy")


def test_publishing_makes_the_draw_public():
    campaign = panel_campaign()
    draw = _draw(campaign)
    panels.panel_draw_publish(draw=draw)
    assert panels.published_draw(campaign) == draw


def test_a_second_draw_cannot_be_published():
    campaign = panel_campaign()
    first = _draw(campaign)
    panels.panel_draw_publish(draw=first)
    second = _draw(campaign, seed="autre")
    with pytest.raises(ValidationError, match="Un tirage est déjà publié"):
        panels.panel_draw_publish(draw=second)
    second.refresh_from_db()
    assert not second.published
    # Publishing the published one again changes nothing.
    panels.panel_draw_publish(draw=first)


def test_members_come_with_their_volunteers_and_deleted_ones_are_marked():
    campaign = panel_campaign()
    draw = _draw(campaign)
    gone = campaign.volunteers.get(pk=int(draw.selected[0]))
    panels.volunteer_delete(volunteer=gone)
    selected, reserve = panels.draw_members(draw)
    assert [m.rank for m in selected] == [1, 2, 3, 4]
    assert selected[0].volunteer is None
    assert all(m.volunteer is not None for m in selected[1:] + reserve)


def test_the_composition_counts_the_panel_per_quota():
    draw = _draw(panel_campaign())
    (gender,) = panels.draw_composition(draw)
    assert gender.label == "Genre"
    assert [(label, row.selected, row.pool) for label, row in gender.rows] == [
        ("Homme", 2, 5),
        ("Femme", 2, 5),
    ]


def test_without_quotas_nor_reserve_it_is_a_plain_lottery():
    campaign = panel_campaign()
    campaign.quotas.all().delete()
    draw = _draw(campaign, reserve_size=0)
    assert (draw.quotas, draw.reserve, len(draw.selected)) == ([], [], 4)
    assert sortition.pool_csv(panels.draw_people(draw)).splitlines()[0] == "id"
