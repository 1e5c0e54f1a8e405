"""council_preconditions: what must hold before the results go to the council, each with why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_instruction, make_proposal
from tests.votes.results.test_results_services import Projects, cast, projects_campaign
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import move_problems
from votes.council.models import CouncilSnapshot
from votes.council.services import Check, council_preconditions, council_problems
from votes.instruction.models import Instruction
from votes.results import services as results_services
from votes.results.services import BallotProposal
from votes.voting.models import PollingStation, VotingCodeBatch

pytestmark = pytest.mark.django_db

LABELS = [
    "Dépouillement calculé",
    "Instruction validée de chaque proposition retenue",
    "Bulletins papier arrêtés",
    "Lots de codes de vote clos",
]


def ready_campaign() -> Projects:
    """projects_campaign in tally (P1 and P3 selected), with a closed polling station and a
    closed code batch: every precondition holds."""
    s = projects_campaign(phase=Phase.TALLY)
    PollingStation.objects.create(campaign=s.campaign, name="Mairie", closed_at=timezone.now())
    VotingCodeBatch.objects.create(
        campaign=s.campaign,
        label="Atelier",
        size=10,
        salt="0" * 64,
        created_by=make_user(),
        closed_at=timezone.now(),
    )
    return s


def administrator():
    return make_user(roles=(ADMINISTRATOR,))


def open_batch(campaign: Campaign, label: str = "Salon") -> VotingCodeBatch:
    return VotingCodeBatch.objects.create(
        campaign=campaign, label=label, size=5, salt="1" * 64, created_by=make_user()
    )


def states(checks: list[Check]) -> list[bool]:
    return [check.ok for check in checks]


def test_a_campaign_ready_to_send_passes_every_precondition():
    s = ready_campaign()

    checks = council_preconditions(s.campaign)

    assert [check.label for check in checks] == LABELS
    assert states(checks) == [True, True, True, True]
    assert checks[0].reason == "Le dépouillement compte 7 bulletins exprimés."
    assert checks[1].reason == "Les 2 propositions retenues ont une instruction validée."
    assert council_problems(s.campaign) == []


def test_a_campaign_without_any_counted_ballot_has_no_tally_to_send():
    s = ready_campaign()
    s.campaign.ballots.all().delete()

    checks = council_preconditions(s.campaign)

    assert states(checks) == [False, True, True, True]
    assert checks[0].reason == (
        "Aucun bulletin exprimé n'a été compté : il n'y a pas de résultat à transmettre."
    )


def test_void_paper_ballots_alone_are_not_a_tally():
    s = ready_campaign()
    s.campaign.ballots.filter(is_void=False).delete()

    assert states(council_preconditions(s.campaign))[0] is False


def test_a_tally_that_fails_fails_both_tally_checks_with_its_reason():
    s = ready_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(tally_rule="lot")
    s.campaign.refresh_from_db()

    checks = council_preconditions(s.campaign)

    assert states(checks) == [False, False, True, True]
    assert checks[0].reason.startswith("Le dépouillement échoue : Règle de dépouillement inconnue")
    assert checks[1].reason == (
        "Sans dépouillement, les propositions retenues ne sont pas connues."
    )


def test_a_selected_proposal_without_a_validated_instruction_is_named(monkeypatch):
    s = ready_campaign()
    # The tally reads validated instructions only; a proposal slipping in anyway (an
    # inconsistent import, a future rule) must still stop the sending.
    stray = make_proposal(s.campaign, category=s.p1.category, estimate=Decimal(1000))
    make_instruction(stray, validation=Instruction.Validation.SUBMITTED)
    for _ in range(6):
        cast(s.campaign, [stray])
    real = results_services.ballot_proposals

    def with_stray(campaign):
        extra = BallotProposal(
            id=stray.id,
            reference=stray.reference,
            title=stray.title,
            source_id="",
            category_id=stray.category_id,
            kind=stray.kind,
            amount=Decimal(1000),
        )
        return [*real(campaign), extra]

    monkeypatch.setattr(results_services, "ballot_proposals", with_stray)

    checks = council_preconditions(s.campaign)

    assert states(checks) == [True, False, True, True]
    assert checks[1].reason == (
        "Ces propositions retenues n'ont pas d'instruction validée par la direction des "
        f"finances : {stray.public_reference}."
    )


def test_an_open_polling_station_is_a_pending_paper_batch():
    s = ready_campaign()
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)

    checks = council_preconditions(s.campaign)

    assert states(checks) == [True, True, False, True]
    assert checks[2].reason == (
        "Le bureau « Mairie » n'est pas clos : ses bulletins papier ne sont pas arrêtés."
    )


def test_every_open_station_is_listed():
    s = ready_campaign()
    PollingStation.objects.create(campaign=s.campaign, name="Gymnase")
    PollingStation.objects.create(campaign=s.campaign, name="Salle des fêtes")

    checks = council_preconditions(s.campaign)

    assert checks[2].reason == (
        "Ces bureaux ne sont pas clos : « Gymnase », « Salle des fêtes » ; leurs "
        "bulletins papier ne sont pas arrêtés."
    )


def test_an_open_code_batch_is_named():
    s = ready_campaign()
    open_batch(s.campaign, "Salon des seniors")

    checks = council_preconditions(s.campaign)

    assert states(checks) == [True, True, True, False]
    assert checks[3].reason == (
        "Le lot de codes « Salon des seniors » n'est pas clos : ses codes inutilisés ne sont "
        "pas retirés."
    )


def test_a_revoked_batch_is_not_open():
    s = ready_campaign()
    VotingCodeBatch.objects.filter(pk=open_batch(s.campaign).pk).update(revoked_at=timezone.now())

    assert states(council_preconditions(s.campaign)) == [True, True, True, True]


def test_every_open_batch_is_listed():
    s = ready_campaign()
    open_batch(s.campaign, "Salon")
    open_batch(s.campaign, "Marché")

    assert council_preconditions(s.campaign)[3].reason == (
        "Ces lots de codes ne sont pas clos : « Marché », « Salon » ; leurs codes inutilisés ne "
        "sont pas retirés."
    )


def test_stations_and_batches_of_another_campaign_do_not_count():
    s = ready_campaign()
    other = projects_campaign(phase=Phase.VOTING).campaign
    PollingStation.objects.create(campaign=other, name="Ailleurs")
    open_batch(other)

    assert council_problems(s.campaign) == []


def test_the_problems_are_the_reasons_of_the_failing_checks_only():
    s = ready_campaign()
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)
    open_batch(s.campaign, "Salon")

    assert council_problems(s.campaign) == [
        "Le bureau « Mairie » n'est pas clos : ses bulletins papier ne sont pas arrêtés.",
        "Le lot de codes « Salon » n'est pas clos : ses codes inutilisés ne sont pas retirés.",
    ]


def test_the_next_phase_button_shows_the_same_problems():
    s = ready_campaign()
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)

    assert move_problems(s.campaign, Phase.COUNCIL) == council_problems(s.campaign)


def test_checking_writes_nothing():
    s = ready_campaign()
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)

    council_preconditions(s.campaign)

    assert not CouncilSnapshot.objects.exists()
    assert Campaign.objects.get(pk=s.campaign.pk).phase == Phase.TALLY
