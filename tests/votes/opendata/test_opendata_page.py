"""The public downloads page of a campaign (issue 6 §5): what each phase opens, the licence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.roles import (
    ADMINISTRATOR,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
)
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from tests.votes.opendata.test_opendata_files import SECRETS, cast, file_url, opendata_campaign
from tests.votes.results.test_results_services import on_ballot
from votes.campaigns.models import Campaign, Phase
from votes.council.services import snapshot_store
from votes.instruction.models import Instruction
from votes.opendata.services import LICENCE, LICENCE_URL

pytestmark = pytest.mark.django_db

TEAM = [ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER]
TABLES = ["propositions", "instructions", "resultats", "voix", "statistiques"]
OPEN_IN = {
    Phase.FRAMING: [],
    Phase.PROPOSALS: ["propositions"],
    Phase.SUPPORTS: ["propositions"],
    Phase.INSTRUCTION: ["propositions"],
    Phase.VOTING: ["propositions", "instructions"],
    Phase.TALLY: [*TABLES, "bulletins"],
    Phase.COUNCIL: [*TABLES, "bulletins", "instantane"],
    Phase.ANSWERED: [*TABLES, "bulletins", "instantane"],
}


def url(campaign: Campaign) -> str:
    return reverse("votes:opendata", kwargs={"slug": campaign.slug})


def send(campaign: Campaign, phase: str = Phase.COUNCIL):
    """The results stored for the council as the send action does, then the phase."""
    snapshot = snapshot_store(
        campaign=campaign, by=make_user(roles=(ADMINISTRATOR,)), now=timezone.now()
    )
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.phase = phase
    return snapshot


@pytest.mark.parametrize("phase", list(OPEN_IN))
def test_each_phase_opens_its_datasets(client, phase):
    s = opendata_campaign(Phase.TALLY if OPEN_IN[phase] == OPEN_IN[Phase.COUNCIL] else phase)
    if "instantane" in OPEN_IN[phase]:
        send(s.campaign, phase)

    response = client.get(url(s.campaign))

    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.slug for e in entries] == [*TABLES, "bulletins", "instantane"]
    assert [e.slug for e in entries if e.available] == OPEN_IN[phase]
    body = response.content.decode()
    for dataset in TABLES:
        link = f'href="{file_url(s.campaign, dataset)}"'
        assert (link in body) == (dataset in OPEN_IN[phase])
    ballots = reverse("votes:opendata_ballots", kwargs={"slug": s.campaign.slug})
    assert (f'href="{ballots}"' in body) == ("bulletins" in OPEN_IN[phase])


@pytest.mark.parametrize("phase", [Phase.FRAMING, Phase.PROPOSALS, Phase.VOTING])
def test_a_dataset_not_open_yet_says_from_which_phase(client, phase):
    s = opendata_campaign(phase)

    body = client.get(url(s.campaign)).content.decode()

    assert "Disponible à partir de la phase « Dépouillement »." in body
    assert "Disponible à partir de la phase « Transmis au conseil »." in body
    if phase == Phase.FRAMING:
        assert "Disponible à partir de la phase « Dépôt des propositions »." in body


def test_the_row_counts_are_shown(client):
    s = opendata_campaign()

    entries = {e.slug: e.rows for e in client.get(url(s.campaign)).context["entries"]}

    # 5 public proposals (the hidden one left out), 5 validated instructions, 4 proposals on
    # the ballot, 4 counted ballots with a project (the void one left out).
    assert entries["propositions"] == 5
    assert entries["instructions"] == 5
    assert entries["resultats"] == 4
    assert entries["voix"] == 4
    assert entries["bulletins"] == 4
    assert entries["statistiques"] > 20
    assert entries["instantane"] is None


def test_in_the_instruction_phase_only_the_published_instructions_are_open(client):
    s = opendata_campaign(Phase.INSTRUCTION)
    Instruction.objects.filter(proposal=s.p1).update(published_at=timezone.now())

    response = client.get(url(s.campaign))
    rows = client.get(file_url(s.campaign, "instructions")).content.decode().splitlines()

    assert "instructions" in [e.slug for e in response.context["entries"] if e.available]
    assert [row.split(",")[0] for row in rows[1:]] == ["P-0001"]
    proposals = client.get(file_url(s.campaign, "propositions")).content.decode()
    assert "P-0001,Terrain" not in proposals  # quoted: the title holds a comma
    assert ",Faisable\r\n" in proposals
    assert proposals.count("sans avis publié") == 4


def test_before_publication_the_instructions_say_when_they_open(client):
    s = opendata_campaign(Phase.INSTRUCTION)

    body = client.get(url(s.campaign)).content.decode()

    assert "Disponible dès que les instructions validées sont publiées." in body
    assert client.get(file_url(s.campaign, "instructions")).status_code == 404


def test_during_the_vote_the_proposals_show_no_count_and_no_result(client):
    s = opendata_campaign(Phase.VOTING)

    text = client.get(file_url(s.campaign, "propositions")).content.decode()

    assert text.count("soumise au vote") == 4
    assert "Non faisable" in text
    assert "retenu" not in text
    assert "Voix" not in text


def test_a_campaign_without_projects_has_no_pabulib_ballots(client):
    campaign = make_campaign(kind=Campaign.Kind.SAVINGS, phase=Phase.TALLY)
    category = make_category(campaign, savings_target=Decimal(50000))
    cast(campaign, [on_ballot(campaign, category, cost=Decimal(30000))])

    response = client.get(url(campaign))

    (entry,) = [e for e in response.context["entries"] if e.slug == "bulletins"]
    assert not entry.available
    assert "Sans objet : la campagne n&#x27;a pas de rubrique de projets" in (
        response.content.decode()
    )
    ballots = reverse("votes:opendata_ballots", kwargs={"slug": campaign.slug})
    assert client.get(ballots).status_code == 404


def test_the_page_carries_the_licence_the_producer_and_the_date(client):
    s = opendata_campaign()

    body = client.get(url(s.campaign)).content.decode()

    assert LICENCE in body
    assert f'<a href="{LICENCE_URL}" rel="license">{LICENCE_URL}</a>' in body
    assert f"<dd>{s.campaign.authority.name}</dd>" in body
    assert f"<dd>{timezone.localdate().isoformat()}</dd>" in body
    assert "Données en cours" in body


def test_after_sending_the_page_shows_the_fingerprint_and_links_the_snapshot(client):
    s = opendata_campaign()
    snapshot = send(s.campaign)

    body = client.get(url(s.campaign)).content.decode()

    download = reverse("votes:council_snapshot", kwargs={"slug": s.campaign.slug})
    assert f'href="{download}"' in body
    assert body.count(snapshot.sha256) == 3  # the dataset line, the check, the licence
    assert f"sha256sum conseil-{s.campaign.slug}.json" in body
    assert "tirés de l'instantané transmis" in body


def test_the_page_shows_nothing_private(client):
    s = opendata_campaign()

    body = client.get(url(s.campaign)).content.decode()

    for secret in SECRETS:
        assert secret not in body


@pytest.mark.parametrize("roles", [None, (), *[(role,) for role in TEAM]])
def test_the_page_is_the_same_for_everyone(client, roles):
    s = opendata_campaign()
    if roles is not None:
        client.force_login(make_user(roles=roles))

    response = client.get(url(s.campaign))

    assert response.status_code == 200
    assert [e.slug for e in response.context["entries"] if e.available] == OPEN_IN[Phase.TALLY]


@pytest.mark.parametrize("roles", [None, (), (ADMINISTRATOR,)])
def test_a_draft_has_no_downloads_page(client, roles):
    campaign = make_campaign(phase=Phase.DRAFT)
    if roles is not None:
        client.force_login(make_user(roles=roles))

    assert client.get(url(campaign)).status_code == 404


def test_an_unknown_campaign_has_no_downloads_page(client):
    assert client.get("/campagnes/absente/donnees/").status_code == 404


def test_the_page_cannot_be_posted(client):
    s = opendata_campaign()

    assert client.post(url(s.campaign)).status_code == 405


def test_the_campaign_page_and_the_results_page_link_to_it(client):
    s = opendata_campaign()
    link = f'href="{url(s.campaign)}"'

    campaign_page = client.get(reverse("votes:campaign", kwargs={"slug": s.campaign.slug}))
    results_page = client.get(reverse("votes:results", kwargs={"slug": s.campaign.slug}))

    assert link in campaign_page.content.decode()
    assert link in results_page.content.decode()


def test_a_draft_campaign_page_does_not_link_to_it(client):
    campaign = make_campaign(phase=Phase.DRAFT)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    body = client.get(reverse("votes:campaign", kwargs={"slug": campaign.slug})).content.decode()

    assert url(campaign) not in body


def test_the_page_reads_the_data_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    s = opendata_campaign()
    client.get(url(s.campaign))  # warm up (content types, sessions)
    with django_assert_max_num_queries(60) as few:
        client.get(url(s.campaign))
    for _ in range(5):
        proposal = on_ballot(s.campaign, s.p1.category, cost=Decimal(5))
        cast(s.campaign, [proposal, s.p1], channel="code")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(s.campaign))

    assert {e.slug: e.rows for e in response.context["entries"]}["propositions"] == 10
