"""The public consolidated page of a metropolis: its campaigns and its member communes', what
the public may see only (no draft, no participation before the vote closes, no answer before
it is published), and a shared campaign broken down per commune."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Authority
from budget.roles import ADMINISTRATOR
from tests.factories import make_authority, make_budget, make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilAnswer
from votes.instruction.models import Instruction
from votes.metropolis.consolidation import consolidate
from votes.metropolis.reads import consolidation_rows
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db


def answered(proposal, decision=CouncilAnswer.Decision.ADOPTED):
    CouncilAnswer.objects.create(
        proposal=proposal,
        decision=decision,
        answer="Motivé.",
        answered_by=make_user(roles=(ADMINISTRATOR,)),
    )


def instructed(campaign, category, cost: str):
    proposal = make_proposal(campaign, category=category, status="published")
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal(cost)
    )
    return proposal


def ballot(campaign, voter, *proposals):
    row = Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.ONLINE, voter=voter)
    for proposal in proposals:
        BallotLine.objects.create(ballot=row, proposal=proposal, category=proposal.category)
    return row


@pytest.fixture
def metropolis():
    epci = make_authority(name="Orléans Métropole", slug="orleans-metropole", kind="epci")
    territory = {
        "Saran": make_commune(epci, name="Saran", insee_code="45302"),
        "Ormes": make_commune(epci, name="Ormes", insee_code="45235"),
    }
    saran = make_authority(name="Ville de Saran", member_of=epci)
    make_commune(saran, name="Saran", insee_code="45302")
    ormes = make_authority(name="Ville d'Ormes", member_of=epci)
    make_commune(ormes, name="Ormes", insee_code="45235")
    return epci, territory, saran, ormes


def projects(authority, phase, title):
    # One budget per authority, shared by its campaigns.
    budget = authority.budgets.first() or make_budget(authority=authority)
    return make_campaign(
        authority=authority, budget=budget, kind=Campaign.Kind.PROJECTS, phase=phase, title=title
    )


@pytest.fixture
def campaigns(metropolis):
    epci, territory, saran, ormes = metropolis
    # Saran: answers published, one adopted project of 30 000 €, one rejected; two ballots.
    saran_campaign = projects(saran, Phase.ANSWERED, "Saran 2026")
    sport = make_category(saran_campaign, name="Sport", envelope=Decimal("80000"))
    kept, refused = (
        instructed(saran_campaign, sport, "30000"),
        instructed(saran_campaign, sport, "9000"),
    )
    answered(kept)
    answered(refused, CouncilAnswer.Decision.REJECTED)
    for _ in range(2):
        ballot(saran_campaign, make_voter(commune=territory["Saran"]), kept)
    # Ormes: answers recorded, not published yet (council phase): nothing adopted shows.
    ormes_campaign = projects(ormes, Phase.COUNCIL, "Ormes 2026")
    parks = make_category(ormes_campaign, name="Parcs", envelope=Decimal("40000"))
    secret = instructed(ormes_campaign, parks, "12345")
    answered(secret)
    ballot(ormes_campaign, make_voter(commune=territory["Ormes"]), secret)
    # A draft of Ormes and a campaign of a commune that is no member: never shown.
    projects(ormes, Phase.DRAFT, "Brouillon d'Ormes")
    projects(make_authority(name="Tours"), Phase.ANSWERED, "Tours 2026")
    # The metropolis's shared campaign: whole territory, Saran's and Ormes's categories.
    shared = projects(epci, Phase.ANSWERED, "Métropole partagée")
    whole = make_category(shared, name="Toute la métropole", envelope=Decimal("500000"))
    of_saran = make_category(
        shared, name="Saran", envelope=Decimal("60000"), commune=territory["Saran"]
    )
    of_ormes = make_category(
        shared, name="Ormes", envelope=Decimal("30000"), commune=territory["Ormes"]
    )
    tram, bench, garden = (
        instructed(shared, whole, "200000"),
        instructed(shared, of_saran, "5000"),
        instructed(shared, of_ormes, "7000"),
    )
    answered(garden)
    ballot(shared, make_voter(commune=territory["Saran"]), tram, bench)
    ballot(shared, make_voter(commune=territory["Ormes"]), tram)
    ballot(shared, make_voter(commune=territory["Ormes"]), garden)
    return epci


def test_the_rows_hold_the_public_campaigns_of_the_metropolis_and_its_members(campaigns):
    rows = consolidation_rows(campaigns)

    assert sorted((r.group, r.campaign, r.part) for r in rows) == [
        ("Orléans Métropole", "Métropole partagée", "tout le territoire"),
        ("Ville d'Ormes", "Métropole partagée", "Ormes"),
        ("Ville d'Ormes", "Ormes 2026", ""),
        ("Ville de Saran", "Métropole partagée", "Saran"),
        ("Ville de Saran", "Saran 2026", ""),
    ]


def test_a_shared_campaign_counts_each_ballot_once_in_the_commune_it_votes_for(campaigns):
    rows = {(r.campaign, r.part): r for r in consolidation_rows(campaigns)}

    whole = rows[("Métropole partagée", "tout le territoire")]
    saran = rows[("Métropole partagée", "Saran")]
    ormes = rows[("Métropole partagée", "Ormes")]
    assert (whole.ballots, saran.ballots, ormes.ballots) == (1, 1, 1)
    assert (whole.envelope, saran.envelope, ormes.envelope) == (
        Decimal("500000"),
        Decimal("60000"),
        Decimal("30000"),
    )
    assert (whole.adopted_count, saran.adopted_count, ormes.adopted_count) == (0, 0, 1)
    assert ormes.adopted_cost == Decimal("7000")


def test_answers_not_yet_published_are_never_counted(campaigns):
    rows = {(r.campaign, r.part): r for r in consolidation_rows(campaigns)}

    ormes = rows[("Ormes 2026", "")]
    assert ormes.ballots == 1  # the vote is closed
    assert (ormes.adopted_count, ormes.adopted_cost) == (None, None)
    totals = consolidate(consolidation_rows(campaigns)).totals
    assert totals.adopted_count == 2  # Saran's project and the shared campaign's Ormes one
    assert totals.adopted_cost == Decimal("37000")
    assert totals.ballots == 6


def test_participation_waits_for_the_vote_to_close(metropolis):
    epci, territory, saran, _ormes = metropolis
    open_vote = projects(saran, Phase.VOTING, "Saran en vote")
    category = make_category(open_vote, name="Sport")
    ballot(open_vote, make_voter(commune=territory["Saran"]), instructed(open_vote, category, "1"))

    (row,) = consolidation_rows(epci)

    assert row.ballots is None


def test_the_page_shows_the_table_the_chart_and_no_unpublished_answer(client, campaigns):
    response = client.get(reverse("votes:metropolis_consolidation", args=[campaigns.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Métropole partagée" in html and "Saran 2026" in html and "Ormes 2026" in html
    assert "Brouillon d&#x27;Ormes" not in html and "Tours 2026" not in html
    assert "12\u202f345" not in html  # Ormes's unpublished adopted project
    assert "30\u202f000\xa0€" in html  # Saran's published one
    assert 'data-plotly="' in html and "<script>" not in html
    assert "Total général" in html


def test_a_commune_or_an_epci_without_public_campaign_has_no_page(client, metropolis):
    epci, _territory, saran, _ormes = metropolis
    projects(epci, Phase.DRAFT, "Brouillon")

    assert (
        client.get(reverse("votes:metropolis_consolidation", args=[epci.slug])).status_code == 404
    )
    assert (
        client.get(reverse("votes:metropolis_consolidation", args=[saran.slug])).status_code == 404
    )


def test_the_campaign_pages_of_the_metropolis_and_its_members_link_to_it(client, campaigns):
    url = reverse("votes:metropolis_consolidation", args=[campaigns.slug])
    for campaign in Campaign.objects.filter(title__in=["Saran 2026", "Métropole partagée"]):
        page = client.get(reverse("votes:campaign", args=[campaign.slug])).content.decode()
        assert f'href="{url}"' in page
    shared = Campaign.objects.get(title="Métropole partagée")
    page = client.get(reverse("votes:campaign", args=[shared.slug])).content.decode()
    assert "réservée aux habitants de Saran" in page
    tours = Campaign.objects.get(title="Tours 2026")
    assert url not in client.get(reverse("votes:campaign", args=[tours.slug])).content.decode()
    assert Authority.objects.get(name="Tours").member_of is None
