"""The management pages: campaign list, creation and the campaign form."""

from __future__ import annotations

import re

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_authority, make_budget, make_user
from tests.votes.factories import make_campaign
from votes.campaigns.models import Campaign, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    return client


def test_the_list_shows_every_campaign_with_drafts(admin_client):
    make_campaign(title="Budget inversé 2026", phase=Phase.INSTRUCTION)
    make_campaign(title="Campagne en préparation", phase=Phase.DRAFT)

    content = admin_client.get("/gestion/campagnes/").content.decode()

    assert "Budget inversé 2026" in content
    assert "Campagne en préparation" in content
    assert "Aperçu (brouillon)" in content


def test_an_administrator_creates_a_campaign_in_draft(admin_client):
    budget = make_budget()

    response = admin_client.post(
        "/gestion/campagnes/nouvelle/",
        {
            "authority": budget.authority.pk,
            "budget": budget.pk,
            "kind": Campaign.Kind.SAVINGS,
            "title": "Budget inversé 2026",
            "slug": "budget-inverse-2026",
            "framing": "",
            "min_voter_age": "16",
            "tally_rule": Campaign.TallyRule.GREEDY,
        },
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/gestion/campagnes/budget-inverse-2026/"
    assert (campaign.title, campaign.phase, campaign.budget) == (
        "Budget inversé 2026",
        Phase.DRAFT,
        budget,
    )


def test_an_invalid_creation_is_shown_in_place_and_nothing_is_written(admin_client):
    budget = make_budget(authority=make_authority(name="Saint-Aubin"))

    response = admin_client.post(
        "/gestion/campagnes/nouvelle/",
        {
            "authority": make_authority().pk,
            "budget": budget.pk,
            "kind": Campaign.Kind.SAVINGS,
            "title": "",
            "slug": "budget inversé !",
            "min_voter_age": "16",
            "tally_rule": Campaign.TallyRule.GREEDY,
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce budget est celui d&#x27;une autre collectivité (Saint-Aubin)." in content
    assert "Ce champ est obligatoire." in content
    assert "ne doit contenir que des lettres, des nombres" in content
    assert not Campaign.objects.exists()


def test_the_reserved_slug_is_refused_by_the_form(admin_client):
    budget = make_budget()

    response = admin_client.post(
        "/gestion/campagnes/nouvelle/",
        {
            "authority": budget.authority.pk,
            "budget": budget.pk,
            "kind": Campaign.Kind.SAVINGS,
            "title": "Nouvelle",
            "slug": "nouvelle",
            "min_voter_age": "16",
            "tally_rule": Campaign.TallyRule.GREEDY,
        },
    )

    assert response.status_code == 200
    assert "est réservé par l&#x27;application" in response.content.decode()
    assert not Campaign.objects.exists()


def form_data(campaign: Campaign, **changes) -> dict:
    data = {
        "title": campaign.title,
        "framing": campaign.framing,
        "kind": campaign.kind,
        "budget": campaign.budget_id,
        "min_voter_age": campaign.min_voter_age,
        "max_policy_areas": "",
        "max_categories_per_voter": "",
        "tally_rule": campaign.tally_rule,
    }
    if campaign.supports_enabled:
        data["supports_enabled"] = "on"
    data.update(changes)
    return data


def test_an_administrator_edits_the_framing_text_and_the_rules(admin_client):
    campaign = make_campaign(phase=Phase.PROPOSALS, framing="Ancien.")

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/",
        form_data(campaign, framing="Nouveau contrat.", min_voter_age="18"),
    )

    saved = Campaign.objects.get(pk=campaign.pk)
    assert response.status_code == 302
    assert (saved.framing, saved.min_voter_age) == ("Nouveau contrat.", 18)


def test_a_refused_edit_is_shown_in_place_and_nothing_is_written(admin_client):
    campaign = make_campaign(phase=Phase.FRAMING, framing="Les règles.")

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/", form_data(campaign, framing="", title="Autre")
    )

    assert response.status_code == 200
    assert "il peut être corrigé, pas effacé" in response.content.decode()
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.framing, saved.title) == ("Les règles.", campaign.title)


def test_during_the_vote_the_form_is_read_only_and_posted_values_are_ignored(admin_client):
    campaign = make_campaign(phase=Phase.VOTING, framing="Le texte voté.", min_voter_age=16)
    url = f"/gestion/campagnes/{campaign.slug}/"

    content = admin_client.get(url).content.decode()
    assert "Le vote est ouvert : le contrat participatif et les règles ne changent plus." in content
    assert re.search(r'<textarea name="framing"[^>]*\sdisabled', content)
    assert re.search(r'<input type="number" name="min_voter_age"[^>]*\sdisabled', content)

    admin_client.post(url, form_data(campaign, framing="Réécrit.", min_voter_age="18"))

    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.framing, saved.min_voter_age) == ("Le texte voté.", 16)


def test_the_list_costs_the_same_queries_for_many_campaigns(
    admin_client, django_assert_max_num_queries
):
    make_campaign()
    first = admin_client.get("/gestion/campagnes/")
    assert first.status_code == 200
    for _ in range(6):
        make_campaign()

    # Session, user, groups, one query for the campaigns with their counts, and the footer's
    # accessibility level.
    with django_assert_max_num_queries(6):
        admin_client.get("/gestion/campagnes/")


@pytest.mark.parametrize(
    ("phase", "shown", "hidden"),
    [
        (Phase.VOTING, ["/donnees/"], ["/avis/", "/suivi/", "/suites/"]),
        (Phase.COUNCIL, ["/avis/", "/donnees/"], ["/suivi/", "/suites/"]),
        (Phase.ANSWERED, ["/avis/", "/suivi/", "/suites/", "/donnees/"], []),
    ],
)
def test_the_tools_follow_the_phase_up_to_the_answers(admin_client, phase, shown, hidden):
    campaign = make_campaign(phase=phase)

    nav = admin_client.get(f"/gestion/campagnes/{campaign.slug}/").content.decode()
    nav = nav.split('aria-label="Outils de la campagne"')[1].split("</nav>")[0]

    for path in shown:
        assert f"{campaign.slug}{path}" in nav
    for path in hidden:
        assert f"{campaign.slug}{path}" not in nav


def test_the_tools_lead_to_the_panel_the_training_and_the_workshops(admin_client):
    campaign = make_campaign(phase=Phase.FRAMING)

    nav = admin_client.get(f"/gestion/campagnes/{campaign.slug}/").content.decode()
    nav = nav.split('aria-label="Outils de la campagne"')[1].split("</nav>")[0]

    assert f"/gestion/campagnes/{campaign.slug}/panel/" in nav
    assert f"/gestion/campagnes/{campaign.slug}/formation/" in nav
    assert "/gestion/ateliers/" in nav
