"""/api/v1/campaigns/: public campaigns with their phases and categories; never a draft."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from budget.models import Budget
from tests.factories import make_authority, make_budget, make_user
from tests.votes.api.builders import api, draft_campaign
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign, Phase, PhaseSchedule, PhaseTransition

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return sorted(item["slug"] for item in response.json()["results"])


def test_a_draft_campaign_is_neither_listed_nor_found(client):
    draft = draft_campaign()
    public = make_campaign(slug="ouverte")

    assert slugs(client.get(api("campaigns"))) == ["ouverte"]
    assert client.get(api("campaign", slug=draft.slug)).status_code == 404
    assert client.get(api("campaign", slug=public.slug)).status_code == 200


def test_a_draft_stays_hidden_from_a_logged_in_administrator(client):
    draft = draft_campaign()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    assert client.get(api("campaign", slug=draft.slug)).status_code == 404


def test_a_campaign_gives_its_rules_categories_and_phases(client):
    campaign = make_campaign(
        slug="budget-2027",
        phase=Phase.VOTING,
        kind=Campaign.Kind.PROJECTS,
        framing="Le conseil répond à chaque proposition.",
    )
    make_category(campaign, name="Sport", envelope=Decimal("100000.5"), vote_cap=2)
    PhaseSchedule.objects.create(
        campaign=campaign,
        phase=Phase.VOTING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 3, 15),
    )
    PhaseTransition.objects.create(
        campaign=campaign,
        from_phase=Phase.INSTRUCTION,
        to_phase=Phase.VOTING,
        by=make_user(username="admin.secret"),
        reason="MOTIF-INTERNE",
    )

    response = client.get(api("campaign", slug="budget-2027"))
    body = response.json()

    assert body["phase"] == "voting"
    assert body["phase_label"] == "Vote"
    assert body["framing"] == "Le conseil répond à chaque proposition."
    assert body["categories"][0]["name"] == "Sport"
    assert body["categories"][0]["envelope"] == "100000.50"
    assert body["categories"][0]["vote_cap"] == 2
    voting = next(p for p in body["phases"] if p["phase"] == "voting")
    assert voting == {
        "phase": "voting",
        "label": "Vote",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-15",
        "reached": True,
        "current": True,
    }
    assert [p["phase"] for p in body["phases"]][0] == "framing"
    assert next(p for p in body["phases"] if p["phase"] == "tally")["reached"] is False
    assert b"admin.secret" not in response.content
    assert b"MOTIF-INTERNE" not in response.content


def test_an_unpublished_budget_is_not_named(client):
    campaign = make_campaign()
    Budget.objects.filter(pk=campaign.budget_id).update(published=False)

    assert client.get(api("campaign", slug=campaign.slug)).json()["budget"] is None


def test_campaigns_filter_by_authority_phase_and_kind(client):
    budget = make_budget(authority=make_authority(slug="lorme"))
    make_campaign(slug="a", budget=budget, phase=Phase.VOTING)
    make_campaign(slug="b", budget=budget, phase=Phase.PROPOSALS)
    make_campaign(slug="c", phase=Phase.VOTING)
    make_campaign(slug="d", budget=budget, phase=Phase.VOTING, kind=Campaign.Kind.PROJECTS)

    assert slugs(client.get(api("campaigns"), {"authority": "lorme"})) == ["a", "b", "d"]
    assert slugs(client.get(api("campaigns"), {"phase": "voting"})) == ["a", "c", "d"]
    assert slugs(client.get(api("campaigns"), {"authority": "lorme", "kind": "projects"})) == ["d"]


def test_the_draft_phase_is_not_a_filter(client):
    draft_campaign()

    response = client.get(api("campaigns"), {"phase": "draft"})

    assert response.status_code == 400
    assert "draft" in response.json()["phase"][0]


def test_campaigns_are_read_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(6):
        make_category(make_campaign(slug=f"c{n}"))

    # The rate-limit counter in the database cache (6), the count, the campaigns, their
    # categories, their schedules.
    with django_assert_max_num_queries(10):
        response = client.get(api("campaigns"))

    assert response.json()["count"] == 6
