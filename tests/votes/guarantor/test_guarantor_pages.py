"""The guarantor's reading pages: who reaches them, and that they show what a guarantor reads
(hidden proposals and the moderation reasons, the phase log, the tally rule, the snapshot
fingerprint, the paper registers)."""

from __future__ import annotations

import pytest
from django.test import Client

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.proposals.models import ModerationAction, Proposal
from votes.voting.models import Ballot, PaperVoter, PollingStation

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("/garant/", {"guarantor", "guarantor_other"}),  # each sees their own list
    "dashboard": ("/garant/{slug}/", {"guarantor", "administrator"}),
    "proposals": ("/garant/{slug}/propositions/", {"guarantor", "administrator"}),
    "registers": ("/garant/{slug}/registres/", {"guarantor", "administrator"}),
    "anomalies": ("/garant/{slug}/anomalies/", {"guarantor", "administrator"}),
    "remark": ("/garant/{slug}/remarque/", {"guarantor"}),
    "assignments": ("/gestion/campagnes/{slug}/garants/", {"administrator"}),
}
ROLES = [
    "anonymous",
    "citizen",
    "guarantor",
    "guarantor_other",  # guarantor of another campaign
    "administrator",
    "finance",
    "instructor",
    "moderator",
    "facilitator",
    "officer",
]


def _user(role: str, campaign: Campaign):
    if role == "anonymous":
        return None
    if role == "guarantor":
        return make_guarantor(campaign)
    if role == "guarantor_other":
        return make_guarantor(make_campaign())
    if role == "citizen":
        return make_user()
    roles = {
        "administrator": ADMINISTRATOR,
        "finance": FINANCE,
        "instructor": INSTRUCTOR,
        "moderator": MODERATOR,
        "facilitator": FACILITATOR,
        "officer": OFFICER,
    }
    return make_user(roles=(roles[role],))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_only_to_its_readers(page, role):
    campaign = make_campaign(slug="bp-2026", phase=Phase.TALLY)
    user = _user(role, campaign)
    client = Client()
    if user is not None:
        client.force_login(user)
    path, allowed = PAGES[page]

    response = client.get(path.format(slug=campaign.slug))

    if role in allowed:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")
    else:
        assert response.status_code == 403


def test_the_home_lists_the_guaranteed_campaigns(client):
    campaign = make_campaign(title="Budget inversé 2026")
    make_guarantor(make_campaign(title="Autre commune"))  # someone else guarantees it
    client.force_login(make_guarantor(campaign))

    page = client.get("/garant/").content.decode()

    assert "Budget inversé 2026" in page
    assert "Autre commune" not in page


def test_the_dashboard_shows_the_rule_the_phase_log_and_the_fingerprint(client):
    campaign = make_campaign(
        phase=Phase.TALLY, tally_rule=Campaign.TallyRule.MES, savings_threshold=12
    )
    admin = make_user(username="admin1")
    PhaseTransition.objects.create(
        campaign=campaign,
        from_phase=Phase.VOTING,
        to_phase=Phase.TALLY,
        by=admin,
        reason="Fin du vote",
    )
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/garant/{campaign.slug}/").content.decode()

    assert "Méthode des parts égales (proportionnelle)" in page
    assert "Seuil des économies de la campagne : 12 % des bulletins de la rubrique." in page
    assert "Fin du vote" in page and "admin1" in page
    assert "Les résultats n'ont pas encore été transmis au conseil." in page
    assert f"/gestion/campagnes/{campaign.slug}/rapport/" in page
    assert "Publier une remarque" in page


def test_the_dashboard_shows_the_snapshot_fingerprint_once_sent(client):
    from votes.council.models import CouncilSnapshot

    campaign = make_campaign(phase=Phase.COUNCIL)
    content = '{"campagne": "x"}'
    snapshot = CouncilSnapshot.objects.create(
        campaign=campaign,
        content=content,
        sha256=CouncilSnapshot.fingerprint(content),
        created_by=make_user(),
    )
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/garant/{campaign.slug}/").content.decode()

    assert f"<code>{snapshot.sha256}</code>" in page


def test_an_administrator_sees_the_dashboard_without_the_remark_button(client):
    campaign = make_campaign()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    page = client.get(f"/garant/{campaign.slug}/").content.decode()

    assert "Publier une remarque" not in page


def test_the_proposals_page_shows_hidden_ones_with_the_moderation_reasons(client):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    hidden = make_proposal(campaign, title="Texte injurieux", status=Proposal.Status.HIDDEN)
    make_proposal(campaign, title="Retirée", status=Proposal.Status.WITHDRAWN)
    make_instruction(make_proposal(campaign, title="Instruite"))
    ModerationAction.objects.create(
        proposal=hidden,
        moderator=make_user(username="modo"),
        action="hide",
        reason="Propos injurieux envers un agent",
    )
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/garant/{campaign.slug}/propositions/").content.decode()

    assert "Texte injurieux" in page and "Masquée par la modération" in page
    assert "Retirée par son auteur" in page
    assert page.count("Propos injurieux envers un agent") == 2  # the table and the log
    assert "modo" in page
    assert f"/gestion/instruction/{campaign.slug}/3/" in page


def test_the_registers_page_lists_each_stations_entries_and_counts(client):
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie annexe")
    officer = make_user(username="assesseur1", roles=(OFFICER,))
    station.officers.add(officer)
    PaperVoter.objects.create(
        campaign=campaign, station=station, recorded_by=officer, user=make_user(username="jean")
    )
    Ballot.objects.create(campaign=campaign, channel="paper", station=station, is_void=True)
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/garant/{campaign.slug}/registres/").content.decode()

    assert "Mairie annexe" in page
    assert "1 émargements, 1 bulletins dont 1 nuls" in page
    assert "compte jean" in page and "assesseur1" in page


def test_the_campaign_page_links_its_guarantor_to_their_space(client):
    campaign = make_campaign()
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/campagnes/{campaign.slug}/").content.decode()

    assert f'href="/garant/{campaign.slug}/"' in page
