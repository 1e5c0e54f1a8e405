"""One person, one vote whatever the channel: the census entry is checked and marked by the
online ballot's first choice, the paper register and the voting codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.votes.census.factories import JEANNE, make_census
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_ballot import one_code
from tests.votes.voting.test_paper_services import station_with_officer
from votes.census.models import CensusEntry
from votes.census.services import census_code_key, census_verify, mismatch_message
from votes.voting.ballots import ballot_add, voter_ineligibility
from votes.voting.codes import code_ballot_confirm, code_check
from votes.voting.models import Ballot, PaperVoter
from votes.voting.paper import PaperImportError, paper_ballot_record, paper_ballots_import

pytestmark = pytest.mark.django_db

NAME, BORN, POSTCODE = JEANNE


def setting():
    station, officer = station_with_officer()
    campaign = station.campaign
    make_census(campaign)
    return campaign, station, officer


def verified_voter(campaign):
    voter = make_voter(commune=make_commune(campaign.authority))
    census_verify(campaign=campaign, user=voter, name=NAME, birth_date=BORN, postcode=POSTCODE)
    return voter


def jeanne_on_paper(campaign, **changes):
    person = {
        "name": "Jeanne Louise Martin",
        "birth_date": BORN,
        "commune": make_commune(campaign.authority),
        "postcode": POSTCODE,
    }
    return person | changes


def test_online_then_paper_is_refused_and_the_officer_is_told_why():
    campaign, station, officer = setting()
    voter = verified_voter(campaign)
    ballot_add(campaign=campaign, user=voter, proposal=campaign.proposals.get(reference=1))
    with pytest.raises(ValidationError, match="déjà voté en ligne"):
        paper_ballot_record(
            station=station, officer=officer, references=[2], voter=jeanne_on_paper(campaign)
        )
    assert not PaperVoter.objects.exists()
    assert not Ballot.objects.filter(channel=Ballot.Channel.PAPER).exists()
    assert CensusEntry.objects.get(verified_user=voter).channel == CensusEntry.Channel.ONLINE


def test_paper_then_online_is_refused():
    campaign, station, officer = setting()
    voter = verified_voter(campaign)
    paper_ballot_record(
        station=station, officer=officer, references=[2], voter=jeanne_on_paper(campaign)
    )
    marked = CensusEntry.objects.get(verified_user=voter)
    assert marked.channel == CensusEntry.Channel.PAPER and marked.voted_at is not None
    problem = voter_ineligibility(campaign=campaign, user=voter)
    assert problem is not None and problem.code == "paper"
    with pytest.raises(ValidationError, match="ayant voté sur papier"):
        ballot_add(campaign=campaign, user=voter, proposal=campaign.proposals.get(reference=1))
    assert not Ballot.objects.filter(channel=Ballot.Channel.ONLINE).exists()


def test_paper_twice_is_refused_at_the_second_station_with_the_reason():
    campaign, station, officer = setting()
    other, other_officer = station_with_officer(campaign, name="École")
    paper_ballot_record(
        station=station, officer=officer, references=[1], voter=jeanne_on_paper(campaign)
    )
    # Another commune typed: the register's own check misses her, the list does not.
    with pytest.raises(ValidationError, match="déjà voté sur papier"):
        paper_ballot_record(
            station=other,
            officer=other_officer,
            references=[1],
            voter=jeanne_on_paper(campaign, name="MARTIN Jeanne-Louise"),
        )
    assert Ballot.objects.filter(channel=Ballot.Channel.PAPER).count() == 1


def test_a_person_not_on_the_list_cannot_vote_on_paper():
    campaign, station, officer = setting()
    with pytest.raises(ValidationError, match="pas sur la liste des inscrits"):
        paper_ballot_record(
            station=station,
            officer=officer,
            references=[1],
            voter=jeanne_on_paper(campaign, name="Jeanne Dupont"),
        )
    with pytest.raises(ValidationError, match="code postal du votant"):
        paper_ballot_record(
            station=station,
            officer=officer,
            references=[1],
            voter=jeanne_on_paper(campaign, postcode=""),
        )
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()
    assert not CensusEntry.objects.exclude(channel="").exists()


def test_an_unverified_account_on_paper_is_asked_for_the_persons_fields():
    campaign, station, officer = setting()
    voter = make_voter(commune=make_commune(campaign.authority))
    with pytest.raises(ValidationError, match="n'a pas vérifié son inscription"):
        paper_ballot_record(station=station, officer=officer, references=[1], voter={"user": voter})
    assert not Ballot.objects.exists()


def test_a_verified_account_on_paper_marks_its_entry():
    campaign, station, officer = setting()
    voter = verified_voter(campaign)
    paper_ballot_record(station=station, officer=officer, references=[1], voter={"user": voter})
    assert CensusEntry.objects.get(verified_user=voter).channel == CensusEntry.Channel.PAPER


def test_a_code_voter_gives_the_fields_and_the_entry_is_marked_code():
    campaign, station, officer = setting()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    key = census_code_key(campaign=campaign, name=NAME, birth_date=BORN, postcode=POSTCODE)
    with pytest.raises(ValidationError) as refused:
        code_ballot_confirm(code=code, choices=[1])
    assert refused.value.messages == [mismatch_message()]
    code_ballot_confirm(code=code, choices=[1], census_key=key)
    assert CensusEntry.objects.get(key=key).channel == CensusEntry.Channel.CODE
    # The same person then at the polling station: refused, with the reason.
    with pytest.raises(ValidationError, match="déjà voté avec un code"):
        paper_ballot_record(
            station=station, officer=officer, references=[2], voter=jeanne_on_paper(campaign)
        )


def test_a_code_voter_whose_entry_voted_elsewhere_gets_the_single_message():
    campaign, station, officer = setting()
    paper_ballot_record(
        station=station, officer=officer, references=[2], voter=jeanne_on_paper(campaign)
    )
    with pytest.raises(ValidationError) as refused:
        census_code_key(campaign=campaign, name=NAME, birth_date=BORN, postcode=POSTCODE)
    assert refused.value.messages == [mismatch_message()]


def test_a_voting_card_is_refused_on_paper_when_the_list_is_checked():
    campaign, station, officer = setting()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    with pytest.raises(ValidationError, match="pas par un code"):
        paper_ballot_record(station=station, officer=officer, references=[1], voter={"code": code})
    assert not Ballot.objects.exists()


def test_without_the_requirement_nothing_changes_for_paper_voters():
    station, officer = station_with_officer()
    campaign = station.campaign
    make_census(campaign, required=False)
    paper_ballot_record(
        station=station,
        officer=officer,
        references=[1],
        voter=jeanne_on_paper(campaign, name="Jeanne Dupont", postcode=""),
    )
    assert Ballot.objects.filter(channel=Ballot.Channel.PAPER).count() == 1


def test_a_station_file_checks_every_row_against_the_list_and_writes_nothing_on_a_problem():
    campaign, station, officer = setting()
    make_commune(campaign.authority, name="Saint-Éloi", insee_code="45999")
    content = (
        b"references;nom;date_naissance;commune;code_postal\n"
        b"1;Jeanne Louise Martin;12/03/1961;45999;45000\n"
        b"2;Jeanne Dupont;12/03/1961;45999;45000\n"
        b"2;Paul Durand;01/07/1990;45999;451\n"
    )
    with pytest.raises(PaperImportError) as refused:
        paper_ballots_import(station=station, officer=officer, content=content)
    assert refused.value.messages == [
        "Ligne 3 : Cette personne n'est pas sur la liste des inscrits de la campagne.",
        "Ligne 4 : Le code postal s'écrit avec cinq chiffres.",
    ]
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()
    assert not CensusEntry.objects.exclude(channel="").exists()
    good = content.decode().splitlines()[:2]
    paper_ballots_import(station=station, officer=officer, content="\n".join(good).encode())
    assert CensusEntry.objects.get(channel=CensusEntry.Channel.PAPER).voted_at is not None
