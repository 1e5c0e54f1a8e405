"""Paper ballots recorded by poll officers: the register, double voting, void ballots."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import FACILITATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_services import voting_campaign
from votes.campaigns.models import Phase
from votes.voting.models import Ballot, BallotLine, PaperVoter, PollingStation
from votes.voting.paper import normalise_name, paper_ballot_record, parse_references

pytestmark = pytest.mark.django_db


def station_with_officer(campaign=None, name="Mairie"):
    campaign = campaign or voting_campaign()
    station = PollingStation.objects.create(campaign=campaign, name=name)
    officer = make_user(roles=(OFFICER,))
    station.officers.add(officer)
    return station, officer


def person(campaign, **fields):
    fields.setdefault("name", "Jeanne Martin")
    fields.setdefault("birth_date", date(1961, 3, 12))
    if "commune" not in fields:
        fields["commune"] = make_commune(campaign.authority)
    return fields


def test_names_are_compared_without_accents_case_hyphens_or_extra_spaces():
    assert normalise_name("  Éloïse   DUPONT-Léger ") == "eloise dupont leger"
    assert normalise_name("eloise dupont leger") == normalise_name("ÉLOÏSE Dupont Léger")


def test_references_are_read_with_or_without_the_p_prefix():
    assert parse_references("P-0012, 15 ;p3") == [12, 15, 3]
    assert parse_references("  ") == []
    with pytest.raises(ValueError, match="douze"):
        parse_references("12, douze")


def test_an_officer_records_a_valid_ballot_and_the_voter_in_the_register():
    station, officer = station_with_officer()
    campaign = station.campaign
    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1, 4], voter=person(campaign)
    )
    assert ballot.channel == Ballot.Channel.PAPER and ballot.station == station
    assert ballot.voter is None and not ballot.is_void
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 4]
    row = PaperVoter.objects.get()
    assert row.name_key == "jeanne martin" and row.station == station
    assert row.recorded_by == officer


def test_an_officer_of_another_station_is_refused_and_nothing_is_written():
    station, _officer = station_with_officer()
    _other, other_officer = station_with_officer(station.campaign, name="École")
    with pytest.raises(PermissionDenied):
        paper_ballot_record(
            station=station,
            officer=other_officer,
            references=[1],
            voter=person(station.campaign),
        )
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_a_station_member_without_the_officer_role_is_refused():
    station, _officer = station_with_officer()
    member = make_user(roles=(FACILITATOR,))
    station.officers.add(member)
    with pytest.raises(PermissionDenied):
        paper_ballot_record(
            station=station, officer=member, references=[1], voter=person(station.campaign)
        )
    assert not Ballot.objects.exists()


def test_paper_ballots_are_recorded_only_during_the_vote():
    station, officer = station_with_officer(voting_campaign(phase=Phase.TALLY))
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(
            station=station, officer=officer, references=[1], voter=person(station.campaign)
        )
    assert "Impossible de voter" in error.value.messages[0]
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_the_same_person_cannot_vote_twice_on_paper_even_spelled_differently():
    station, officer = station_with_officer()
    other, other_officer = station_with_officer(station.campaign, name="École")
    campaign = station.campaign
    voter = person(campaign)
    paper_ballot_record(station=station, officer=officer, references=[1], voter=voter)
    again = {**voter, "name": "JEANNE  MARTIN"}
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(station=other, officer=other_officer, references=[2], voter=again)
    assert "déjà inscrite sur le registre du bureau « Mairie »" in error.value.messages[0]
    assert Ballot.objects.count() == 1 and PaperVoter.objects.count() == 1


def test_someone_who_voted_online_is_refused_at_the_station():
    station, officer = station_with_officer()
    campaign = station.campaign
    citizen = make_voter(commune=make_commune(campaign.authority))
    online = Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.ONLINE, voter=citizen)
    proposal = campaign.proposals.get(reference=1)
    BallotLine.objects.create(ballot=online, proposal=proposal, category=proposal.category)
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(
            station=station, officer=officer, references=[1], voter={"user": citizen}
        )
    assert "a déjà voté en ligne" in error.value.messages[0]
    assert Ballot.objects.count() == 1 and not PaperVoter.objects.exists()


def test_an_online_ballot_left_empty_does_not_block_paper_voting():
    station, officer = station_with_officer()
    campaign = station.campaign
    citizen = make_voter(commune=make_commune(campaign.authority))
    Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.ONLINE, voter=citizen)
    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1], voter={"user": citizen}
    )
    assert ballot.channel == Ballot.Channel.PAPER and not ballot.is_void
    assert PaperVoter.objects.get().user == citizen


def test_an_account_registered_on_paper_cannot_be_registered_again():
    station, officer = station_with_officer()
    citizen = make_voter(commune=make_commune(station.campaign.authority))
    paper_ballot_record(station=station, officer=officer, references=[1], voter={"user": citizen})
    assert PaperVoter.objects.get().user == citizen
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(
            station=station, officer=officer, references=[2], voter={"user": citizen}
        )
    assert "Ce compte est déjà inscrit" in error.value.messages[0]
    assert Ballot.objects.count() == 1


def test_a_ballot_over_the_cap_is_recorded_as_void_with_its_reason():
    station, officer = station_with_officer()
    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1, 2, 3], voter=person(station.campaign)
    )
    assert ballot.is_void
    assert "« Sport » : 3 choix pour 2 votes au plus." in ballot.void_reason
    assert "P-0001, P-0002, P-0003" in ballot.void_reason
    # A void ballot carries no line: no tally can count its ticks.
    assert not BallotLine.objects.exists()
    assert PaperVoter.objects.count() == 1


def test_an_unknown_reference_makes_the_ballot_void():
    station, officer = station_with_officer()
    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1, 42], voter=person(station.campaign)
    )
    assert ballot.is_void and "P-0042" in ballot.void_reason


def test_a_blank_ballot_is_void_and_says_so():
    station, officer = station_with_officer()
    ballot = paper_ballot_record(
        station=station, officer=officer, references=[], voter=person(station.campaign)
    )
    assert ballot.is_void and "Bulletin blanc" in ballot.void_reason


def test_a_voter_without_account_needs_name_birth_date_and_commune():
    station, officer = station_with_officer()
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(
            station=station,
            officer=officer,
            references=[1],
            voter={"name": "Jeanne Martin", "birth_date": date(1961, 3, 12), "commune": None},
        )
    assert "Identifiez le votant" in error.value.messages[0]
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_a_voter_under_the_minimum_age_is_refused():
    station, officer = station_with_officer()
    today = date.today()
    young = person(station.campaign, birth_date=date(today.year - 15, 1, 1))
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(station=station, officer=officer, references=[1], voter=young)
    assert "n'a pas 16 ans" in error.value.messages[0]
    assert not Ballot.objects.exists()


def test_a_commune_outside_the_territory_is_refused():
    station, officer = station_with_officer()
    elsewhere = make_commune(voting_campaign().authority)
    with pytest.raises(ValidationError) as error:
        paper_ballot_record(
            station=station,
            officer=officer,
            references=[1],
            voter=person(station.campaign, commune=elsewhere),
        )
    assert "n'est pas sur le territoire" in error.value.messages[0]
    assert not Ballot.objects.exists()
