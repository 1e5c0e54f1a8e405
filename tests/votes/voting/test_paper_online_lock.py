"""Online and paper are locked together for one person: a code or an account that voted
online is refused on paper, and back; the poll officer reads why, in French. The race between
the two channels is covered on PostgreSQL with threads.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from tests.concurrency import run_together
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_paper_services import station_with_officer
from votes.proposals.models import Proposal
from votes.voting.ballots import ballot_add, voter_ineligibility
from votes.voting.codes import code_ballot_confirm, code_check, code_for_paper
from votes.voting.models import Ballot, BallotLine, PaperVoter, VotingCode
from votes.voting.paper import paper_ballot_record

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test-postgres)"
)


def on_paper_with_code(station, officer, code_text: str) -> Ballot:
    code = code_for_paper(campaign=station.campaign, raw=code_text)
    return paper_ballot_record(
        station=station, officer=officer, references=[1], voter={"code": code}
    )


# --- codes ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_code_entered_on_paper_is_spent_and_cannot_vote_online():
    station, officer = station_with_officer()
    campaign = station.campaign
    (text,) = printed_codes(campaign, size=1)
    code = code_check(campaign=campaign, raw=text)  # typed online, not confirmed yet

    ballot = on_paper_with_code(station, officer, text)

    assert ballot.channel == Ballot.Channel.PAPER and not ballot.is_void
    assert PaperVoter.objects.get().code == code
    assert VotingCode.objects.get().used_at is not None
    message = "Ce code a déjà servi à voter sur papier au bureau « Mairie » le"
    with pytest.raises(ValidationError, match=message):
        code_check(campaign=campaign, raw=text)
    with pytest.raises(ValidationError, match=message):
        code_ballot_confirm(code=code, choices=[1])
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_a_code_that_voted_online_is_refused_on_paper_with_the_reason():
    station, officer = station_with_officer()
    campaign = station.campaign
    (text,) = printed_codes(campaign, size=1)
    code_ballot_confirm(code=code_check(campaign=campaign, raw=text), choices=[1])

    with pytest.raises(ValidationError, match="Ce code a déjà servi à voter en ligne le"):
        on_paper_with_code(station, officer, text)

    assert not PaperVoter.objects.exists()
    assert Ballot.objects.filter(channel=Ballot.Channel.PAPER).count() == 0


@pytest.mark.django_db
def test_a_code_registered_on_paper_is_refused_at_a_second_station():
    station, officer = station_with_officer()
    other, other_officer = station_with_officer(station.campaign, name="École")
    (text,) = printed_codes(station.campaign, size=1)
    on_paper_with_code(station, officer, text)

    with pytest.raises(ValidationError, match="déjà inscrit sur le registre du bureau « Mairie »"):
        on_paper_with_code(other, other_officer, text)


@pytest.mark.django_db
def test_the_officer_sees_in_the_form_why_a_code_cannot_vote_on_paper(client):
    station, officer = station_with_officer()
    campaign = station.campaign
    (text,) = printed_codes(campaign, size=1)
    code_ballot_confirm(code=code_check(campaign=campaign, raw=text), choices=[1])
    client.force_login(officer)

    response = client.post(
        reverse("votes:station", kwargs={"pk": station.pk}), {"code": text, "references": "2"}
    )

    assert response.status_code == 400
    assert "Ce code a déjà servi à voter en ligne le" in response.content.decode()
    assert not PaperVoter.objects.exists()


@pytest.mark.django_db
def test_an_unknown_code_is_refused_in_the_officers_form(client):
    station, officer = station_with_officer()
    printed_codes(station.campaign, size=1)
    client.force_login(officer)

    response = client.post(
        reverse("votes:station", kwargs={"pk": station.pk}),
        {"code": "K7QM-3XHT-9WPD", "references": "2"},
    )

    assert response.status_code == 400
    assert "Ce code est inconnu ou a été révoqué" in response.content.decode()


# --- accounts -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_account_that_voted_online_is_refused_on_paper_and_back():
    station, officer = station_with_officer()
    campaign = station.campaign
    online = make_voter(commune=make_commune(campaign.authority))
    paper = make_voter(commune=online.profile.commune)
    proposal = Proposal.objects.get(campaign=campaign, reference=1)
    ballot_add(campaign=campaign, user=online, proposal=proposal)
    paper_ballot_record(station=station, officer=officer, references=[1], voter={"user": paper})

    with pytest.raises(ValidationError, match="a déjà voté en ligne"):
        paper_ballot_record(
            station=station, officer=officer, references=[1], voter={"user": online}
        )
    assert voter_ineligibility(campaign=campaign, user=paper).code == "paper"
    with pytest.raises(ValidationError, match="déjà voté sur papier au bureau « Mairie »"):
        ballot_add(campaign=campaign, user=paper, proposal=proposal)


# --- the race between the two channels (PostgreSQL) -----------------------------------------

ROUNDS = 6


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("online_ballot_first", [False, True])
def test_an_online_addition_and_a_paper_registration_at_once_never_both_count(
    online_ballot_first,
):
    station, officer = station_with_officer()
    campaign = station.campaign
    proposals = list(Proposal.objects.filter(campaign=campaign).order_by("reference"))
    commune = make_commune(campaign.authority)
    for _round in range(ROUNDS):
        voter = make_voter(commune=commune)
        if online_ballot_first:
            # An existing online ballot with a choice taken off: the addition locks its row.
            ballot_add(campaign=campaign, user=voter, proposal=proposals[0])
            BallotLine.objects.filter(ballot__voter=voter).delete()

        results, errors = run_together(
            [
                lambda v=voter: ballot_add(campaign=campaign, user=v, proposal=proposals[1]),
                lambda v=voter: paper_ballot_record(
                    station=station, officer=officer, references=[2], voter={"user": v}
                ),
            ]
        )

        assert len(results) == 1 and len(errors) == 1, errors
        assert isinstance(errors[0], ValidationError), errors
        online_lines = BallotLine.objects.filter(ballot__voter=voter).count()
        on_paper = PaperVoter.objects.filter(user=voter).exists()
        assert (online_lines > 0) != on_paper
        message = errors[0].messages[0]
        assert "déjà voté sur papier" in message or "a déjà voté en ligne" in message


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_code_confirmed_online_and_entered_on_paper_at_once_votes_once():
    station, officer = station_with_officer()
    campaign = station.campaign
    texts = printed_codes(campaign, size=ROUNDS)
    for text in texts:
        code = code_check(campaign=campaign, raw=text)
        on_card = code_for_paper(campaign=campaign, raw=text)

        results, errors = run_together(
            [
                lambda c=code: code_ballot_confirm(code=c, choices=[3]),
                lambda c=on_card: paper_ballot_record(
                    station=station, officer=officer, references=[2], voter={"code": c}
                ),
            ]
        )

        assert len(results) == 1 and len(errors) == 1, errors
        assert isinstance(errors[0], ValidationError), errors
        assert "Ce code a déjà servi à voter" in errors[0].messages[0]
    assert Ballot.objects.filter(campaign=campaign).count() == ROUNDS
    assert VotingCode.objects.filter(used_at__isnull=True).count() == 0
