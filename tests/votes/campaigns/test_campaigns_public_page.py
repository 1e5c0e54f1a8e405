"""/campagnes/ and /campagnes/<slug>/: rules, timeline, categories and links by phase."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign, Phase, PhaseSchedule

pytestmark = pytest.mark.django_db


def page(client, campaign: Campaign) -> str:
    response = client.get(f"/campagnes/{campaign.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_urls_are_named():
    assert reverse("votes:campaign_list") == "/campagnes/"
    assert reverse("votes:campaign", kwargs={"slug": "bp-2026"}) == "/campagnes/bp-2026/"


def test_the_list_shows_public_campaigns_only(client):
    make_campaign(title="Budget inversé 2026", phase=Phase.PROPOSALS)
    make_campaign(title="Campagne en préparation", phase=Phase.DRAFT)

    content = client.get("/campagnes/").content.decode()

    assert "Budget inversé 2026" in content
    assert "Campagne en préparation" not in content


@pytest.mark.parametrize("roles", [None, (), (INSTRUCTOR,)], ids=["anonymous", "voter", "team"])
def test_a_draft_is_not_found_by_the_public(client, roles):
    campaign = make_campaign(phase=Phase.DRAFT)
    if roles is not None:
        client.force_login(make_user(roles=roles))

    assert client.get(f"/campagnes/{campaign.slug}/").status_code == 404


def test_an_administrator_previews_a_draft(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    campaign = make_campaign(phase=Phase.DRAFT, title="Budget inversé 2026")

    content = page(client, campaign)

    assert "Budget inversé 2026" in content
    assert "Brouillon : cette page n'est pas encore publique" in content


def test_an_unknown_campaign_is_not_found(client):
    assert client.get("/campagnes/inconnue/").status_code == 404


def test_the_framing_text_is_rendered_and_sanitised(client):
    campaign = make_campaign(
        phase=Phase.FRAMING,
        framing=(
            "Le conseil **s'engage** à répondre.\n\n"
            "<script>alert('volé')</script>\n\n"
            "[Cliquez ici](javascript:alert(1)) ou "
            '<a href="javascript:alert(2)" onclick="alert(3)">là</a>'
        ),
    )

    content = page(client, campaign)

    assert "<strong>s'engage</strong>" in content
    assert "<script>alert" not in content
    assert "javascript:" not in content
    assert "onclick" not in content


def test_the_timeline_lists_the_phases_with_dates_and_marks_the_current_one(client):
    campaign = make_campaign(phase=Phase.INSTRUCTION, supports_enabled=False)
    PhaseSchedule.objects.create(
        campaign=campaign,
        phase=Phase.PROPOSALS,
        starts_on=date(2026, 9, 21),
        ends_on=date(2026, 10, 25),
    )
    PhaseSchedule.objects.create(campaign=campaign, phase=Phase.VOTING, starts_on=date(2026, 12, 5))

    content = page(client, campaign)

    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', content, re.S).group(1)
    steps = re.findall(r'<span class="step-label">(.*?)</span>', timeline)
    assert steps == [
        "Contrat participatif",
        "Dépôt des propositions",
        "Instruction par les services",
        "Vote",
        "Dépouillement",
        "Transmis au conseil",
        "Avis argumentés publiés",
    ]
    current = re.findall(
        r'<li class="step step-current" aria-current="step">\s*'
        r'<span class="step-label">(.*?)</span>',
        timeline,
    )
    assert current == ["Instruction par les services"]
    assert timeline.count('aria-current="step"') == 1
    assert "du 21 septembre 2026 au 25 octobre 2026" in timeline
    assert "à partir du 5 décembre 2026" in timeline


def test_the_timeline_shows_the_supports_phase_when_the_campaign_has_one(client):
    campaign = make_campaign(phase=Phase.SUPPORTS, supports_enabled=True)

    content = page(client, campaign)

    assert re.search(r'aria-current="step">\s*<span class="step-label">Soutiens</span>', content)


def test_the_categories_show_their_targets_and_caps_in_plain_words(client):
    campaign = make_campaign(phase=Phase.FRAMING, max_categories_per_voter=2)
    make_category(campaign, name="Éducation", savings_target=Decimal("80000"), vote_cap=3)
    make_category(campaign, name="Solidarités", savings_target=Decimal("30000"), vote_cap=1)
    make_category(campaign, name="Culture", savings_target=Decimal("5000"), vote_cap=None)

    content = page(client, campaign)

    assert "Éducation" in content and "80\u202f000\u00a0€" in content
    assert "3 votes au plus" in content
    assert "1 vote au plus" in content
    assert "autant de votes que de propositions" in content
    # 80 000 + 30 000 + 5 000
    assert "115\u202f000\u00a0€" in content
    assert "Chaque votant vote dans 2 rubriques au plus." in content
    assert "Vote ouvert à partir de 16 ans" in content


def test_a_projects_category_shows_its_envelope_and_knapsack_rule(client):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.FRAMING)
    make_category(
        campaign, name="Quartiers", envelope=Decimal("250000"), knapsack=True, min_approvals=50
    )

    content = page(client, campaign)

    assert "Enveloppe" in content and "250\u202f000\u00a0€" in content
    assert "dans la limite de l'enveloppe" in content
    assert "au moins 50 voix pour être retenue" in content
    assert "Objectif d'économies" not in content


LINKS = {
    "explore": "Explorer le budget",
    "simulate": "Simuler des choix budgétaires",
    "propose": "Déposer une proposition",
    "proposals": "Voir les propositions",
    "vote": "Voter : à venir",
    "vote_online": "Voter en ligne",
    "vote_code": "Voter avec un code",
    "receipt": "Vérifier mon reçu",
    "results": "Résultats",
}


@pytest.mark.parametrize(
    "phase,shown",
    [
        (Phase.FRAMING, {"explore", "simulate", "vote"}),
        (Phase.PROPOSALS, {"explore", "simulate", "propose", "proposals", "vote"}),
        (Phase.SUPPORTS, {"explore", "simulate", "proposals", "vote"}),
        (Phase.INSTRUCTION, {"explore", "simulate", "proposals", "vote"}),
        (Phase.VOTING, {"explore", "simulate", "proposals", "vote_online", "vote_code", "receipt"}),
        (Phase.TALLY, {"explore", "simulate", "proposals", "results"}),
        (Phase.ANSWERED, {"explore", "simulate", "proposals", "results"}),
    ],
)
def test_the_links_depend_on_the_phase(client, phase, shown):
    campaign = make_campaign(phase=phase, supports_enabled=True)

    content = page(client, campaign)
    participate = re.search(r'<ul class="campaign-links">(.*?)</ul>', content, re.S).group(1)

    for key, text in LINKS.items():
        assert (text in participate) == (key in shown), key


def test_the_links_point_to_the_budget_the_simulator_and_the_proposals(client):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    slug = campaign.budget.slug

    content = page(client, campaign)

    assert f'href="/budgets/{slug}/"' in content
    assert f'href="/budgets/{slug}/simulateur/"' in content
    assert f'href="/campagnes/{campaign.slug}/propositions/"' in content
    assert f'href="/campagnes/{campaign.slug}/propositions/nouvelle/"' in content


def test_the_vote_link_announces_its_opening_date(client):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    PhaseSchedule.objects.create(campaign=campaign, phase=Phase.VOTING, starts_on=date(2026, 12, 5))

    assert "Voter : à venir, à partir du 05/12/2026" in page(client, campaign)


def test_only_administrators_see_the_management_link(client):
    campaign = make_campaign(phase=Phase.FRAMING)
    admin_url = f"/gestion/campagnes/{campaign.slug}/"

    assert admin_url not in page(client, campaign)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert admin_url in page(client, campaign)


def test_the_list_costs_the_same_queries_for_many_campaigns(client, django_assert_num_queries):
    make_campaign(phase=Phase.FRAMING)
    # 2: the campaigns, and the footer's accessibility level (base.html, every page).
    with django_assert_num_queries(2) as few:
        client.get("/campagnes/")
    for _ in range(5):
        make_campaign(phase=Phase.PROPOSALS)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/campagnes/")


def test_during_the_vote_and_after_it_the_links_lead_to_the_ballot_and_the_results(client):
    voting = make_campaign(phase=Phase.VOTING)
    counted = make_campaign(phase=Phase.TALLY)

    during = page(client, voting)
    after = page(client, counted)

    assert f'href="/campagnes/{voting.slug}/vote/"' in during
    assert f'href="/campagnes/{voting.slug}/code/"' in during
    assert f'href="/campagnes/{voting.slug}/recu/"' in during
    assert f'href="/campagnes/{counted.slug}/resultats/"' in after


def test_facilitators_find_the_campaign_voting_codes_from_its_page(client):
    campaign = make_campaign(phase=Phase.VOTING)
    client.force_login(make_user(roles=("facilitator",)))

    content = page(client, campaign)

    assert f'href="/gestion/campagnes/{campaign.slug}/codes/"' in content
