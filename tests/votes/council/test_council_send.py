"""council_send: the snapshot stored with its fingerprint, the move to council, and no way
around it (the generic phase move takes the same path; no way back)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budget.roles import FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator, open_batch, ready_campaign
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move, council_send
from votes.council.models import CouncilSnapshot
from votes.council.services import snapshot_text
from votes.instruction.models import Instruction
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db


def phase_in_db(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).phase


def nothing_written(campaign: Campaign, phase: str = Phase.TALLY) -> bool:
    return (
        not CouncilSnapshot.objects.exists()
        and phase_in_db(campaign) == phase
        and not PhaseTransition.objects.filter(campaign=campaign).exists()
    )


def refused(campaign: Campaign, by) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        council_send(campaign=campaign, by=by)
    return caught.value.messages


def test_an_administrator_sends_the_results_to_the_council():
    s = ready_campaign()
    admin = administrator()

    snapshot = council_send(campaign=s.campaign, by=admin)

    assert snapshot == CouncilSnapshot.objects.get(campaign=s.campaign)
    assert snapshot.created_by == admin
    assert snapshot.sha256 == hashlib.sha256(snapshot.content.encode("utf-8")).hexdigest()
    assert phase_in_db(s.campaign) == Phase.COUNCIL
    assert s.campaign.phase == Phase.COUNCIL
    transition = PhaseTransition.objects.get(campaign=s.campaign)
    assert (transition.from_phase, transition.to_phase, transition.by) == (
        Phase.TALLY,
        Phase.COUNCIL,
        admin,
    )


def test_the_snapshot_is_the_canonical_json_of_what_went_to_council():
    s = ready_campaign()

    snapshot = council_send(campaign=s.campaign, by=administrator())

    data = json.loads(snapshot.content)
    assert snapshot_text(data) == snapshot.content
    assert data["format"] == "arbitrages.council-snapshot"
    assert data["campaign"]["slug"] == s.campaign.slug
    assert data["results"][0]["selected"] == [s.p1.public_reference, s.p3.public_reference]
    # The move itself is part of the record sent.
    assert data["campaign"]["transitions"][-1]["to"] == Phase.COUNCIL
    assert data["participation"]["total"] == 8


def test_the_snapshot_holds_no_internal_note():
    s = ready_campaign()
    Instruction.objects.filter(proposal__campaign=s.campaign).update(
        internal_notes="NOTE-INTERNE-CONFIDENTIELLE", return_comment="RENVOI-INTERNE"
    )

    content = council_send(campaign=s.campaign, by=administrator()).content

    assert "NOTE-INTERNE-CONFIDENTIELLE" not in content
    assert "RENVOI-INTERNE" not in content
    assert "internal_notes" not in content


def _no_ballot(s):
    s.campaign.ballots.all().delete()
    return "Aucun bulletin exprimé n'a été compté : il n'y a pas de résultat à transmettre."


def _open_station(s):
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)
    return "Le bureau « Mairie » n'est pas clos : ses bulletins papier ne sont pas arrêtés."


def _open_batch(s):
    open_batch(s.campaign, "Salon")
    return "Le lot de codes « Salon » n'est pas clos : ses codes inutilisés ne sont pas retirés."


def _broken_tally(s):
    Campaign.objects.filter(pk=s.campaign.pk).update(tally_rule="lot")
    s.campaign.refresh_from_db()
    return "Le dépouillement échoue : Règle de dépouillement inconnue"


@pytest.mark.parametrize("breaks", [_no_ballot, _open_station, _open_batch, _broken_tally])
def test_it_refuses_while_a_precondition_fails_and_writes_nothing(breaks):
    s = ready_campaign()
    expected = breaks(s)

    messages = refused(s.campaign, administrator())

    assert any(message.startswith(expected) for message in messages)
    assert nothing_written(s.campaign)


def test_it_lists_every_failing_reason_at_once():
    s = ready_campaign()
    station = _open_station(s)
    batch = _open_batch(s)

    assert refused(s.campaign, administrator()) == [station, batch]
    assert nothing_written(s.campaign)


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.INSTRUCTION])
def test_it_sends_only_from_the_tally(phase):
    s = ready_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=phase)
    s.campaign.refresh_from_db()

    messages = refused(s.campaign, administrator())

    assert messages == [
        "Les résultats se transmettent au conseil depuis la phase « Dépouillement » ; la "
        f"campagne est en phase « {Phase(phase).label} »."
    ]
    assert nothing_written(s.campaign, phase)


def test_it_sends_once():
    s = ready_campaign()
    first = council_send(campaign=s.campaign, by=administrator())

    messages = refused(s.campaign, administrator())

    assert messages[0].startswith("Les résultats ont déjà été transmis au conseil le ")
    assert list(CouncilSnapshot.objects.all()) == [first]
    assert PhaseTransition.objects.filter(campaign=s.campaign).count() == 1


@pytest.mark.parametrize("role", [FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER, None])
def test_only_an_administrator_sends(role):
    s = ready_campaign()
    user = make_user(roles=(role,) if role else ())

    with pytest.raises(PermissionDenied):
        council_send(campaign=s.campaign, by=user)

    assert nothing_written(s.campaign)


def test_the_next_phase_button_stores_the_snapshot_too():
    s = ready_campaign()
    admin = administrator()

    transition = campaign_move(campaign=s.campaign, to_phase=Phase.COUNCIL, by=admin)

    snapshot = CouncilSnapshot.objects.get(campaign=s.campaign)
    assert snapshot.created_by == admin
    assert json.loads(snapshot.content)["sent_at"] == transition.at.isoformat()
    assert phase_in_db(s.campaign) == Phase.COUNCIL


def test_the_next_phase_button_is_refused_like_the_sending():
    s = ready_campaign()
    expected = _open_station(s)

    with pytest.raises(ValidationError) as caught:
        campaign_move(campaign=s.campaign, to_phase=Phase.COUNCIL, by=administrator())

    assert caught.value.messages == [expected]
    assert nothing_written(s.campaign)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Phase.COUNCIL, Phase.TALLY),
        (Phase.COUNCIL, Phase.VOTING),
        (Phase.COUNCIL, Phase.DRAFT),
        (Phase.ANSWERED, Phase.COUNCIL),
        (Phase.ANSWERED, Phase.TALLY),
    ],
)
def test_there_is_no_way_back_once_sent(current, target):
    s = ready_campaign()
    admin = administrator()
    council_send(campaign=s.campaign, by=admin)
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=current)
    s.campaign.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        campaign_move(campaign=s.campaign, to_phase=target, by=admin, reason="Recompter.")

    assert caught.value.messages == [
        "Les résultats ont été transmis au conseil : l'instantané est définitif, la campagne "
        "ne peut plus revenir à une phase antérieure."
    ]
    assert phase_in_db(s.campaign) == current
    assert PhaseTransition.objects.filter(campaign=s.campaign).count() == 1
    assert CouncilSnapshot.objects.count() == 1


def test_the_snapshot_cannot_be_rewritten():
    s = ready_campaign()
    snapshot = council_send(campaign=s.campaign, by=administrator())
    snapshot.content = snapshot.content.replace("Sport", "Culture")

    with pytest.raises(ValidationError):
        snapshot.save()

    saved = CouncilSnapshot.objects.get()
    assert "Sport" in saved.content
    assert saved.created_at <= timezone.now()
