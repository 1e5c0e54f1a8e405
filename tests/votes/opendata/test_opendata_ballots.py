"""The anonymised ballots of the open data, in pabulib format (issue 6 §5)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pabutools.election import parse_pabulib

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.opendata.test_opendata_files import SECRETS, cast, opendata_campaign
from votes.campaigns.models import Campaign, Phase
from votes.results.pabulib import parse_pb
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db


def url(campaign: Campaign) -> str:
    return reverse("votes:opendata_ballots", kwargs={"slug": campaign.slug})


def test_the_file_parses_back_with_the_counted_ballots_of_the_projects(client):
    s = opendata_campaign()

    response = client.get(url(s.campaign))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f'filename="{s.campaign.slug}-bulletins.pb"' in response["Content-Disposition"]
    election = parse_pb(response.content.decode("utf-8"))
    # The sport category only (savings are not pabulib projects); P4 is not on the ballot;
    # the void paper ballot is left out: 2 online, 1 code, 1 paper.
    assert [(p.project_id, p.cost, p.name) for p in election.projects] == [
        ("1", 60000.5, "Terrain, vestiaires"),
        ("2", 50000, "Piste"),
        ("3", 30000, "Tribune"),
    ]
    assert election.meta["num_votes"] == "4"
    assert len(election.votes) == 4


def test_the_voters_are_numbered_in_the_order_of_their_votes_not_of_the_database(client):
    s = opendata_campaign()
    # Cast last, this ballot comes first in the file: the numbers follow the content.
    late = cast(s.campaign, [s.p3], channel="paper")

    election = parse_pb(client.get(url(s.campaign)).content.decode("utf-8"))

    assert [(vote.voter_id, vote.projects) for vote in election.votes] == [
        ("1", ["1"]),
        ("2", ["1"]),
        ("3", ["3"]),
        ("4", ["1", "2"]),
        ("5", ["2", "3"]),
    ]
    assert late.pk > 5
    assert str(late.pk) not in {vote.voter_id for vote in election.votes}


def test_no_account_username_or_source_voter_id_is_written(client):
    s = opendata_campaign()
    imported = Ballot.objects.create(
        campaign=s.campaign, channel=Ballot.Channel.IMPORT, source_voter_id="voter-secret-77"
    )
    BallotLine.objects.create(ballot=imported, proposal=s.p2, category_id=s.p2.category_id)

    content = client.get(url(s.campaign)).content

    for secret in (*SECRETS, "voter-secret-77", "Votant", "Jeanne D."):
        assert secret.encode() not in content
    voter_ids = [vote.voter_id for vote in parse_pb(content.decode("utf-8")).votes]
    assert voter_ids == [str(n) for n in range(1, 6)]


def test_pabutools_reads_the_file(client, tmp_path):
    s = opendata_campaign()
    path = tmp_path / "bulletins.pb"
    path.write_bytes(client.get(url(s.campaign)).content)

    instance, profile = parse_pabulib(str(path))

    assert len(instance) == 3
    assert len(profile) == 4


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.INSTRUCTION, Phase.VOTING])
@pytest.mark.parametrize("roles", [None, (ADMINISTRATOR,)])
def test_the_ballots_are_not_found_before_the_tally(client, phase, roles):
    s = opendata_campaign(phase)
    if roles is not None:
        client.force_login(make_user(roles=roles))

    assert client.get(url(s.campaign)).status_code == 404


@pytest.mark.parametrize("roles", [None, (ADMINISTRATOR,)])
def test_the_ballots_of_a_draft_are_not_found(client, roles):
    s = opendata_campaign(Phase.DRAFT)
    if roles is not None:
        client.force_login(make_user(roles=roles))

    assert client.get(url(s.campaign)).status_code == 404


def test_the_ballots_cannot_be_posted(client):
    s = opendata_campaign()

    assert client.post(url(s.campaign)).status_code == 405
