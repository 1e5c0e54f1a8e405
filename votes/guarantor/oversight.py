"""What the guarantor reads: the campaign's logs, and the anomalies found in them.

Everything is read from the records the other concepts already keep — the moderation
decisions (proposals), the instruction's history (django-simple-history), the phase moves
(campaigns), the paper ballots and registers (voting) — nothing is logged twice. An anomaly is
not a fault: it is a step back that a guarantor should be able to see and ask about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from votes.campaigns.models import Campaign, PhaseTransition
from votes.instruction.models import Instruction
from votes.proposals.models import ModerationAction, Proposal
from votes.voting.models import Ballot, PaperVoter, PollingStation

# A paper ballot is written in one statement; touched later than this, it was changed.
CHANGED_AFTER = timedelta(seconds=1)


class Kind:
    MODERATION = "moderation"
    INSTRUCTION = "instruction"
    VOID = "void"
    PHASE = "phase"
    PAPER = "paper"


KIND_LABELS = {
    Kind.MODERATION: gettext_lazy("Modération renversée"),
    Kind.INSTRUCTION: gettext_lazy("Instruction rouverte après validation"),
    Kind.VOID: gettext_lazy("Bulletin annulé (nul)"),
    Kind.PHASE: gettext_lazy("Retour à une phase précédente"),
    Kind.PAPER: gettext_lazy("Saisie papier corrigée"),
}


@dataclass(frozen=True)
class Anomaly:
    kind: str
    at: datetime
    who: str
    what: str
    reason: str = ""
    url: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _name(user) -> str:
    if user is None:
        return _("compte supprimé")
    return user.get_full_name() or user.get_username()


def moderation_log(campaign: Campaign):
    return (
        ModerationAction.objects.filter(proposal__campaign=campaign)
        .select_related("proposal", "moderator")
        .order_by("at", "id")
    )


def phase_log(campaign: Campaign):
    return PhaseTransition.objects.filter(campaign=campaign).select_related("by")


def proposals_with_moderation(campaign: Campaign):
    """Every proposal, hidden and withdrawn ones included, with its moderation decisions."""
    return (
        Proposal.objects.filter(campaign=campaign)
        .select_related("category", "service", "instruction")
        .annotate(open_flags=Count("flags", filter=Q(flags__handled=False)))
        .prefetch_related(
            Prefetch(
                "moderation_actions",
                queryset=ModerationAction.objects.select_related("moderator").order_by("at", "id"),
            )
        )
        .order_by("reference")
    )


@dataclass(frozen=True)
class StationRegister:
    station: PollingStation
    officers: list[str]
    entries: list[PaperVoter]
    ballots: int
    void: int


def paper_registers(campaign: Campaign) -> list[StationRegister]:
    stations = (
        PollingStation.objects.filter(campaign=campaign)
        .prefetch_related("officers")
        .annotate(
            ballot_count=Count("ballots", filter=Q(ballots__channel=Ballot.Channel.PAPER)),
            void_count=Count(
                "ballots",
                filter=Q(ballots__channel=Ballot.Channel.PAPER, ballots__is_void=True),
            ),
        )
    )
    entries = defaultdict(list)
    for entry in (
        PaperVoter.objects.filter(campaign=campaign)
        .select_related("recorded_by", "user", "commune", "code__batch")
        .order_by("recorded_at", "id")
    ):
        entries[entry.station_id].append(entry)
    return [
        StationRegister(
            station=station,
            officers=[_name(officer) for officer in station.officers.all()],
            entries=entries[station.pk],
            ballots=station.ballot_count,
            void=station.void_count,
        )
        for station in stations
    ]


# --- anomalies ------------------------------------------------------------------------------


def _moderation_reversals(campaign: Campaign) -> list[Anomaly]:
    found = []
    previous: dict[int, ModerationAction] = {}
    for action in moderation_log(campaign):
        before = previous.get(action.proposal_id)
        if before is not None and before.action != action.action:
            what = (
                _("Proposition n° %(ref)s « %(title)s » : masquée le %(date)s, puis rétablie.")
                if action.action == ModerationAction.Action.RESTORE
                else _("Proposition n° %(ref)s « %(title)s » : rétablie le %(date)s, puis masquée.")
            ) % {
                "ref": action.proposal.reference,
                "title": action.proposal.title,
                "date": f"{before.at:%d/%m/%Y %H:%M}",
            }
            found.append(
                Anomaly(
                    kind=Kind.MODERATION,
                    at=action.at,
                    who=_name(action.moderator),
                    what=what,
                    reason=action.reason,
                    url=reverse(
                        "votes:proposal",
                        kwargs={"slug": campaign.slug, "reference": action.proposal.reference},
                    ),
                )
            )
        previous[action.proposal_id] = action
    return found


def _instructions_reopened(campaign: Campaign) -> list[Anomaly]:
    found = []
    validated = Instruction.Validation.VALIDATED
    records = (
        Instruction.history.filter(proposal__campaign=campaign)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    last: dict[int, str] = {}
    references = dict(Proposal.objects.filter(campaign=campaign).values_list("pk", "reference"))
    for record in records:
        before = last.get(record.id)
        if before == validated and record.validation != validated:
            reference = references.get(record.proposal_id)
            found.append(
                Anomaly(
                    kind=Kind.INSTRUCTION,
                    at=record.history_date,
                    who=_name(record.history_user),
                    what=_("Proposition n° %(ref)s : validation « %(to)s » après « validée ».")
                    % {"ref": reference, "to": Instruction.Validation(record.validation).label},
                    reason=record.return_comment or (record.history_change_reason or ""),
                    url=reverse(
                        "votes:instruction_detail",
                        kwargs={"slug": campaign.slug, "reference": reference},
                    ),
                )
            )
        last[record.id] = record.validation
    return found


def _phases_moved_back(campaign: Campaign) -> list[Anomaly]:
    return [
        Anomaly(
            kind=Kind.PHASE,
            at=move.at,
            who=_name(move.by),
            what=_("De « %(from)s » vers « %(to)s ».")
            % {"from": move.get_from_phase_display(), "to": move.get_to_phase_display()},
            reason=move.reason,
        )
        for move in phase_log(campaign)
        if move.is_backward
    ]


def _recorders(campaign: Campaign) -> dict[int, object]:
    """Which officer recorded each paper ballot: a station's register entry and its ballot are
    written together, one after the other (voting/paper.py `_write`), so the n-th entry of a
    station's register goes with its n-th paper ballot. When the counts differ, no pairing is
    claimed."""
    entries = defaultdict(list)
    for entry in (
        PaperVoter.objects.filter(campaign=campaign).select_related("recorded_by").order_by("id")
    ):
        entries[entry.station_id].append(entry.recorded_by)
    ballots = defaultdict(list)
    for pk, station_id in (
        Ballot.objects.filter(campaign=campaign, channel=Ballot.Channel.PAPER)
        .order_by("id")
        .values_list("pk", "station_id")
    ):
        ballots[station_id].append(pk)
    pairs = {}
    for station_id, pks in ballots.items():
        if len(pks) == len(entries[station_id]):
            pairs.update(zip(pks, entries[station_id], strict=True))
    return pairs


def _paper_ballots(campaign: Campaign) -> list[Anomaly]:
    recorders = _recorders(campaign)
    found = []
    ballots = Ballot.objects.filter(campaign=campaign, channel=Ballot.Channel.PAPER)
    for ballot in ballots.select_related("station").order_by("created_at", "id"):
        station = ballot.station.name if ballot.station else "—"
        officer = recorders.get(ballot.pk)
        who = (
            _("%(officer)s (bureau « %(station)s »)")
            % {"officer": _name(officer), "station": station}
            if officer
            else _("bureau « %(station)s »") % {"station": station}
        )
        if ballot.is_void:
            found.append(
                Anomaly(
                    kind=Kind.VOID,
                    at=ballot.created_at,
                    who=who,
                    what=_("Bulletin papier n° %(pk)s déclaré nul.") % {"pk": ballot.pk},
                    reason=ballot.void_reason,
                )
            )
        if ballot.updated_at - ballot.created_at > CHANGED_AFTER:
            found.append(
                Anomaly(
                    kind=Kind.PAPER,
                    at=ballot.updated_at,
                    who=_("bureau « %(station)s »") % {"station": station},
                    what=_("Bulletin papier n° %(pk)s modifié après sa saisie (le %(date)s).")
                    % {"pk": ballot.pk, "date": f"{ballot.created_at:%d/%m/%Y %H:%M}"},
                )
            )
    return found


def campaign_anomalies(campaign: Campaign) -> list[Anomaly]:
    """Every anomaly of the campaign, the latest first."""
    found = [
        *_moderation_reversals(campaign),
        *_instructions_reopened(campaign),
        *_phases_moved_back(campaign),
        *_paper_ballots(campaign),
    ]
    return sorted(found, key=lambda anomaly: anomaly.at, reverse=True)
