"""votes.statistics.counts on the database: who is counted where (phases, channels, age, gender,
commune, outside the territory), the funnel, and the snapshot's statistics read back."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase, PhaseSchedule
from votes.council.models import CouncilAnswer, CouncilSnapshot
from votes.council.services import snapshot_build, snapshot_text
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal, Support
from votes.statistics.counts import campaign_statistics, reported_statistics
from votes.voting.models import Ballot, BallotLine, PaperVoter, PollingStation

pytestmark = pytest.mark.django_db


class World:
    """A projects campaign voted in 2026 on two communes (Amont 1,000, Aval 4,000)."""

    def __init__(self, phase: str = Phase.TALLY, **fields) -> None:
        self.campaign = make_campaign(phase=phase, kind=Campaign.Kind.PROJECTS, **fields)
        PhaseSchedule.objects.create(
            campaign=self.campaign, phase=Phase.VOTING, starts_on=datetime.date(2026, 3, 1)
        )
        self.category = make_category(self.campaign, envelope=Decimal(100000))
        authority = self.campaign.authority
        self.amont = make_commune(authority, name="Amont", insee_code="45101", population=1000)
        self.aval = make_commune(authority, name="Aval", insee_code="45102", population=4000)
        self.station = PollingStation.objects.create(campaign=self.campaign, name="Mairie")
        self.officer = make_user()

    def resident(self, commune=None, **profile):
        return make_voter(commune=commune or self.amont, **profile)

    def outsider(self, **profile):
        return make_voter(outside_territory=True, **profile)

    def propose(self, author, **fields) -> Proposal:
        return make_proposal(self.campaign, category=self.category, author=author, **fields)

    def feasible(self, author=None, **fields) -> Proposal:
        proposal = self.propose(author, estimate=Decimal(1000), **fields)
        make_instruction(
            proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal(1000)
        )
        return proposal

    def vote_online(self, voter, proposals=()) -> Ballot:
        return self._ballot("online", proposals, voter=voter)

    def vote_code(self, proposals=()) -> Ballot:
        return self._ballot("code", proposals)

    def vote_paper(self, *, user=None, birth=None, commune=None, void=False, proposals=()):
        PaperVoter.objects.create(
            campaign=self.campaign,
            station=self.station,
            user=user,
            name_key="" if user else f"personne {PaperVoter.objects.count()}",
            birth_date=birth,
            commune=commune,
            recorded_by=self.officer,
        )
        return self._ballot(
            "paper", proposals, station=self.station, is_void=void, void_reason="x" if void else ""
        )

    def _ballot(self, channel, proposals, **fields) -> Ballot:
        ballot = Ballot.objects.create(campaign=self.campaign, channel=channel, **fields)
        BallotLine.objects.bulk_create(
            BallotLine(ballot=ballot, proposal=p, category_id=p.category_id) for p in proposals
        )
        return ballot

    def stats(self) -> dict:
        return campaign_statistics(self.campaign)


def participants(stats: dict, code: str) -> dict:
    return next(row for row in stats["participants"] if row["code"] == code)


def counts(stats: dict, table: str, code: str) -> dict:
    return next(row for row in stats[table]["rows"] if row["code"] == code)["counts"]


def funnel(stats: dict) -> dict:
    return {step["code"]: step["count"] for step in stats["funnel"]}


def test_it_counts_authors_once_whatever_the_status_of_their_proposals():
    world = World()
    authors = [world.resident() for _ in range(5)]
    for author in authors:
        world.propose(author)
    world.propose(authors[0])  # a second proposal: still one author
    world.propose(world.resident(), status=Proposal.Status.HIDDEN)
    world.propose(world.resident(), status=Proposal.Status.WITHDRAWN)

    stats = world.stats()

    assert participants(stats, "authors")["resident"] == 7
    assert stats["proposals_origin"]["resident"] == 8


def test_it_counts_voters_per_channel_with_code_ballots_as_unknown():
    world = World()
    for _ in range(6):
        world.vote_online(world.resident())
    for _ in range(5):
        world.vote_code()
    for _ in range(5):
        world.vote_paper(birth=datetime.date(1970, 1, 1), commune=world.aval)
    world.vote_paper(birth=datetime.date(1970, 1, 1), commune=world.aval, void=True)

    stats = world.stats()

    assert participants(stats, "online")["resident"] == 6
    assert participants(stats, "code") == {
        "code": "code",
        "label": "Votants par code",
        "resident": None,
        "unknown": 5,
        "territory": 5,
        "outside": None,
    }
    # The register counts the people, void ballots included; the ballots say valid or void.
    assert participants(stats, "paper")["resident"] == 6
    assert stats["paper_ballots"] == {"valid": 5, "void": None}
    assert participants(stats, "voters")["territory"] == 17
    assert participants(stats, "voters")["unknown"] == 5


def test_supporters_appear_only_when_the_campaign_has_supports():
    world = World(supports_enabled=True)
    proposal = world.propose(world.resident())
    for _ in range(5):
        Support.objects.create(proposal=proposal, user=world.resident())

    stats = world.stats()

    assert participants(stats, "supporters")["resident"] == 5
    assert "supporters" not in [p["code"] for p in World().stats()["populations"]]


def test_accounts_are_counted_once_across_phases():
    world = World()
    people = [world.resident() for _ in range(6)]
    for person in people:
        world.propose(person)
        world.vote_online(person)
    for _ in range(5):
        world.vote_code()

    stats = world.stats()

    assert participants(stats, "accounts")["resident"] == 6
    # Code voters cannot be matched to accounts: "everyone" is an upper bound.
    assert participants(stats, "everyone")["territory"] == 11


def test_ages_use_the_year_of_the_vote_and_paper_birth_dates():
    world = World()
    for _ in range(5):
        world.vote_online(world.resident(birth_year=2009))  # 17 in 2026
    for _ in range(5):
        world.vote_paper(birth=datetime.date(1960, 12, 31), commune=world.amont)  # 66
    for _ in range(5):
        world.vote_code()

    stats = world.stats()

    assert stats["reference_year"] == 2026
    assert counts(stats, "age", "16-17")["voters"] == 5
    assert counts(stats, "age", "65+")["paper"] == 5
    assert counts(stats, "age", "unknown")["code"] == 5
    assert stats["age"]["total"]["voters"] == 15


def test_gender_is_unknown_for_code_and_paper_voters_without_account():
    world = World()
    for _ in range(5):
        world.vote_online(world.resident(gender="woman"))
    for _ in range(6):
        world.vote_online(world.resident(gender="man"))
    for _ in range(3):
        world.vote_code()
    for _ in range(3):
        world.vote_paper(birth=datetime.date(1980, 1, 1), commune=world.amont)

    stats = world.stats()

    assert counts(stats, "gender", "woman")["voters"] == 5
    assert counts(stats, "gender", "man")["voters"] == 6
    assert counts(stats, "gender", "unknown")["voters"] == 6
    assert stats["gender"]["total"]["voters"] == 17


def test_it_compares_communes_with_their_population():
    world = World()
    for _ in range(10):
        world.vote_online(world.resident(world.amont))
    for _ in range(8):
        world.vote_online(world.resident(world.aval))

    commune = world.stats()["commune"]

    amont = next(row for row in commune["rows"] if row["insee"] == "45101")
    aval = next(row for row in commune["rows"] if row["insee"] == "45102")
    assert (amont["counts"]["online"], amont["population"], amont["rates"]["online"]) == (
        10,
        1000,
        "10.0",
    )
    assert aval["rates"]["online"] == "2.0"
    # The authority of the factories has 16,000 inhabitants.
    assert commune["population"] == 16000
    assert commune["rates"]["online"] == "1.1"


def test_a_campaign_flooded_from_outside_counts_the_flood_apart_and_flags_it():
    world = World(phase=Phase.PROPOSALS)
    for _ in range(8):
        world.propose(world.resident())
    for _ in range(25):
        outsider = world.outsider()
        world.propose(outsider)
        world.propose(outsider, status=Proposal.Status.HIDDEN)

    stats = world.stats()

    assert participants(stats, "authors")["territory"] == 8
    assert participants(stats, "authors")["outside"] == 25
    assert stats["proposals_origin"]["outside"] == 50
    assert stats["age"]["total"]["authors"] == 8
    assert stats["age"]["outside"]["authors"] == 25
    assert stats["commune"]["total"]["authors"] == 8
    assert stats["outside"]["notable"] is True
    assert stats["outside"]["flags"][0]["message"] == (
        "Attention : 50 propositions (86 %) viennent de comptes hors du territoire."
    )
    assert funnel(stats)["proposals"] == 33
    assert stats["funnel"][0]["outside"] == 25


def test_a_paper_voter_from_a_commune_of_another_authority_is_outside():
    world = World()
    elsewhere = make_commune(make_authority())
    for _ in range(5):
        world.vote_paper(birth=datetime.date(1980, 1, 1), commune=elsewhere)

    stats = world.stats()

    assert participants(stats, "paper")["outside"] == 5
    assert participants(stats, "paper")["territory"] is None


def test_a_resident_registered_under_a_member_commune_lives_in_the_metropolis():
    world = World()
    # The commune of Amont lists itself too (a member of the campaign's metropolis): the same
    # INSEE code on another authority's row is the same commune.
    town = make_authority(name="Ville d'Amont")
    amont_of_the_town = make_commune(town, name="Amont", insee_code=world.amont.insee_code)
    for _ in range(5):
        world.vote_online(world.resident(commune=amont_of_the_town))

    stats = world.stats()

    assert participants(stats, "online")["resident"] == 5
    assert participants(stats, "online")["outside"] is None
    assert counts(stats, "commune", "45101")["voters"] == 5


def test_the_funnel_follows_the_proposals_to_the_council():
    world = World(phase=Phase.TALLY)
    author = world.resident()
    voters = [world.resident() for _ in range(3)]
    kept = world.feasible(author)
    also = world.feasible(author)
    world.propose(author)  # not instructed
    world.propose(author, status=Proposal.Status.HIDDEN)
    for voter in voters:
        world.vote_online(voter, [kept, also])

    stats = world.stats()

    assert funnel(stats) == {
        "proposals": 3,
        "feasible": 2,
        "on_ballot": 2,
        "selected": 2,
        "adopted": None,
    }
    CouncilAnswer.objects.create(
        proposal=kept, decision="adopted", answer="Oui.", answered_by=make_user()
    )
    CouncilAnswer.objects.create(
        proposal=also, decision="rejected", answer="Non.", answered_by=make_user()
    )
    assert funnel(world.stats())["adopted"] == 1


def test_steps_not_reached_are_none():
    world = World(phase=Phase.INSTRUCTION)
    world.feasible(world.resident())

    assert funnel(world.stats()) == {
        "proposals": 1,
        "feasible": 1,
        "on_ballot": None,
        "selected": None,
        "adopted": None,
    }


def test_the_snapshot_stores_the_statistics_as_json():
    world = World()
    for _ in range(5):
        world.propose(world.resident())

    data = snapshot_build(world.campaign)

    assert data["statistics"] == world.stats()
    assert json.loads(snapshot_text(data))["statistics"] == data["statistics"]


def test_after_sending_the_statistics_come_from_the_snapshot_but_adopted_is_live():
    world = World(phase=Phase.COUNCIL)
    proposals = [world.feasible(world.resident()) for _ in range(6)]
    for _ in range(6):
        world.vote_online(world.resident(), proposals)
    text = snapshot_text(snapshot_build(world.campaign))
    CouncilSnapshot.objects.create(
        campaign=world.campaign,
        content=text,
        sha256=CouncilSnapshot.fingerprint(text),
        created_by=make_user(roles=(ADMINISTRATOR,)),
    )
    sent = json.loads(text)["statistics"]
    # Later changes in the database do not move the figures of the snapshot...
    for _ in range(9):
        world.vote_online(world.resident())
    CouncilAnswer.objects.create(
        proposal=proposals[0], decision="adopted", answer="Oui.", answered_by=make_user()
    )

    stats, snapshot = reported_statistics(world.campaign)

    assert snapshot is not None
    assert participants(stats, "online") == participants(sent, "online")
    assert participants(stats, "online")["resident"] == 6
    assert stats["age"] == sent["age"]
    # ... except the council's answers, which come after it.
    assert funnel(sent)["adopted"] is None
    assert funnel(stats)["adopted"] == 1
    assert participants(world.stats(), "online")["resident"] == 15


def test_accounts_are_read_in_batches_without_losing_any(monkeypatch):
    monkeypatch.setattr("votes.statistics.counts._Accounts.BATCH", 2)
    world = World()
    for _ in range(7):
        world.vote_online(world.resident())
    for _ in range(5):
        world.vote_online(world.outsider())

    stats = world.stats()

    assert participants(stats, "online")["resident"] == 7
    assert participants(stats, "online")["outside"] == 5
