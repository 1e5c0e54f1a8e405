"""The history of an instruction: how each write is recorded (its row locked, its change
reason named) and how the records read back as a timeline (who changed what and when).

Every write of an instruction goes through ``history_save`` with one of the REASON_* names:
the timeline names the action from it, and the publication finds from it the instructions
whose author was already told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from votes.instruction import sheet
from votes.instruction.figures import money_text
from votes.instruction.models import Instruction, Service

Status = Instruction.Status
Validation = Instruction.Validation


# history_change_reason of each write: the timeline names the action, and the publication
# finds the instructions whose author was already told (see instruction_publish).
REASON_ASSIGN = "assign"
REASON_SAVE = "save"
REASON_SUBMIT = "submit"
REASON_VALIDATE = "validate"
REASON_RETURN = "return"
REASON_IMPORT = "import"
REASON_PUBLISH = "publish"


def history_save(instance: Instruction, *, by, reason: str) -> None:
    # Outside a request (commands, tests) the middleware cannot name the user: say it here.
    instance._history_user = by
    instance._change_reason = reason
    instance.full_clean()
    instance.save()


def locked_instruction(instruction: Instruction) -> Instruction:
    # of=("self",): only the instruction row is locked; the joins only read.
    return (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("proposal__campaign")
        .get(pk=instruction.pk)
    )


# --- the timeline ---------------------------------------------------------------------------

TIMELINE_FIELDS = [
    "status",
    "instructed_cost",
    "cost_schedule",
    "induced_operating_cost",
    "instructed_saving",
    "direct_saving",
    "induced_saving",
    "duration",
    "conditions",
    "public_reasoning",
    "internal_notes",
    "validation",
    "return_comment",
    "instructed_by",
    "validated_by",
    "validated_at",
    "due_on",
]
MONEY_FIELDS = {
    "instructed_cost",
    "induced_operating_cost",
    "instructed_saving",
    "direct_saving",
    "induced_saving",
}
USER_FIELDS = {"instructed_by", "validated_by"}


def _field_labels() -> dict[str, str]:
    labels = {name: str(Instruction._meta.get_field(name).verbose_name) for name in TIMELINE_FIELDS}
    labels.update(
        {
            "instructed_by": _("instruite par"),
            "validated_by": _("validée par"),
            "validated_at": _("validée le"),
        }
    )
    return labels


def _action_label(reason: str | None, history_type: str, services: dict[int, str]) -> str:
    if reason and reason.startswith(REASON_ASSIGN):
        _prefix, _colon, pk = reason.partition(":")
        name = services.get(int(pk)) if pk.isdigit() else None
        return _("Attribuée au service « %(service)s »") % {"service": name or "?"}
    labels = {
        REASON_SAVE: _("Instruction enregistrée"),
        REASON_SUBMIT: _("Soumise à la direction des finances"),
        REASON_VALIDATE: _("Validée par la direction des finances"),
        REASON_RETURN: _("Renvoyée au service"),
        REASON_IMPORT: _("Mise à jour par import du tableur"),
        REASON_PUBLISH: _("Publiée ; l'auteur est prévenu"),
    }
    if reason in labels:
        return labels[reason]
    return _("Créée") if history_type == "+" else _("Modifiée")


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    at: datetime
    user: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(name: str, value, users: dict[int, str]) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    if name == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if name == "validation":
        return str(Validation(value).label) if value in Validation.values else str(value)
    if name in MONEY_FIELDS:
        return money_text(value)
    if name == "cost_schedule":
        return sheet.schedule_text(value)
    if name in USER_FIELDS:
        return users.get(value, "?")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _user_name(user) -> str:
    if user is None:
        return _("système")
    return user.get_full_name() or user.get_username()


def instruction_timeline(instruction: Instruction) -> list[TimelineEntry]:
    """Who changed what and when, newest first, from the instruction's history."""
    records = list(
        instruction.history.select_related("history_user").order_by("history_date", "history_id")
    )
    user_ids = {getattr(record, f"{name}_id") for record in records for name in USER_FIELDS} - {
        None
    }
    users = {user.pk: _user_name(user) for user in get_user_model().objects.filter(pk__in=user_ids)}
    service_ids = {
        int(pk)
        for record in records
        if (record.history_change_reason or "").startswith(f"{REASON_ASSIGN}:")
        and (pk := record.history_change_reason.partition(":")[2]).isdigit()
    }
    services = dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "name"))
    labels = _field_labels()
    defaults = {name: Instruction._meta.get_field(name).get_default() for name in TIMELINE_FIELDS}
    entries = []
    previous = None
    for record in records:
        if previous is None:
            changed = [
                (name, None, getattr(record, f"{name}_id" if name in USER_FIELDS else name))
                for name in TIMELINE_FIELDS
                if getattr(record, f"{name}_id" if name in USER_FIELDS else name)
                not in (None, "", {}, defaults[name])
            ]
        else:
            delta = record.diff_against(previous, included_fields=TIMELINE_FIELDS)
            changed = [(change.field, change.old, change.new) for change in delta.changes]
        entries.append(
            TimelineEntry(
                at=record.history_date,
                user=_user_name(record.history_user),
                action=_action_label(record.history_change_reason, record.history_type, services),
                changes=[
                    Change(
                        field=name,
                        label=labels[name],
                        old=_display(name, old, users),
                        new=_display(name, new, users),
                    )
                    for name, old, new in sorted(
                        changed, key=lambda item: TIMELINE_FIELDS.index(item[0])
                    )
                ],
            )
        )
        previous = record
    entries.reverse()
    return entries
