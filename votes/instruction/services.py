"""Feasibility instruction (issue 4 §4): services, assignment, instruction, finance validation,
publication to the authors, the history timeline and the Excel sheet.

Every write checks the role (votes.access) and the campaign's phase (votes.phases) here, so
views, commands and tests get the same refusals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from budget.imports.scdl import RowError, located
from budget.models import Authority
from budget.roles import INSTRUCTOR
from budget.templatetags.budget_tags import format_amount
from simulator.engine import Adjustment, PreparedBudget, SimulationError, simulate
from simulator.inputs import growth_rates, measure_adjustments, prepared_budget
from votes import access
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError, require_phase
from votes.emails import notify
from votes.instruction import sheet as sheet
from votes.instruction.models import Instruction, Service
from votes.proposals.models import Proposal

CENT = Decimal("0.01")
# The instructed saving is the full-year effect of the saving's third year: long enough for
# a measure starting mid-year and for linked impacts with a one-year lag to show.
ENGINE_HORIZON = 3
ENGINE_MEASURE = "proposition"

# history_change_reason of each write: the timeline names the action, and the publication
# finds the instructions whose author was already told (see instruction_publish).
REASON_ASSIGN = "assign"
REASON_SAVE = "save"
REASON_SUBMIT = "submit"
REASON_VALIDATE = "validate"
REASON_RETURN = "return"
REASON_IMPORT = "import"
REASON_PUBLISH = "publish"

Status = Instruction.Status
Validation = Instruction.Validation
FROZEN = (Validation.SUBMITTED, Validation.VALIDATED)
# Verdicts that must be explained to the author in public words.
NEEDS_REASONING = (Status.NOT_FEASIBLE, Status.OUT_OF_POWERS)


def _save(instance: Instruction, *, by, reason: str) -> None:
    # Outside a request (commands, tests) the middleware cannot name the user: say it here.
    instance._history_user = by
    instance._change_reason = reason
    instance.full_clean()
    instance.save()


def _cents(value: float) -> Decimal:
    # + 0 turns a negative zero into 0.00.
    return Decimal(repr(round(value, 2))).quantize(CENT, rounding=ROUND_HALF_UP) + 0


def money_text(value: Decimal | float | None) -> str:
    text = format_amount(value)
    return text if text == "—" else f"{text}\u00a0€"


# --- services -------------------------------------------------------------------------------


def _check_members(members: Iterable) -> list:
    members = list(members)
    outsiders = [user for user in members if not access.is_instructor(user)]
    if outsiders:
        names = ", ".join(user.get_username() for user in outsiders)
        raise ValidationError(
            {
                "members": _(
                    "Ces comptes n'ont pas le rôle d'instructeur et ne pourraient pas instruire : "
                    "%(names)s."
                )
                % {"names": names}
            }
        )
    return members


@transaction.atomic
def service_create(*, authority: Authority, name: str, by, members: Iterable = ()) -> Service:
    access.require(access.is_administrator(by))
    members = _check_members(members)
    _check_name_free(authority, name.strip())
    service = Service(authority=authority, name=name.strip())
    service.full_clean()
    service.save()
    service.members.set(members)
    return service


@transaction.atomic
def service_update(*, service: Service, name: str, by, members: Iterable = ()) -> Service:
    access.require(access.is_administrator(by))
    members = _check_members(members)
    service = Service.objects.select_for_update().get(pk=service.pk)
    _check_name_free(service.authority, name.strip(), exclude=service.pk)
    service.name = name.strip()
    service.full_clean()
    service.save()
    service.members.set(members)
    return service


def _check_name_free(authority: Authority, name: str, exclude: int | None = None) -> None:
    taken = Service.objects.filter(authority=authority, name__iexact=name).exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("Un service « %(name)s » existe déjà pour cette collectivité.")
                % {"name": name}
            }
        )


def instructor_candidates():
    return get_user_model().objects.filter(groups__name=INSTRUCTOR).order_by("username")


# --- assignment -----------------------------------------------------------------------------


def _assign(proposal: Proposal, service: Service, *, by, due_on: date | None) -> Instruction:
    campaign = proposal.campaign
    if service.authority_id != campaign.authority_id:
        raise ValidationError(
            _("Le service « %(service)s » n'appartient pas à la collectivité de la campagne.")
            % {"service": service.name}
        )
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise ValidationError(
            _("La proposition %(ref)s a été retirée par son auteur : elle ne s'instruit pas.")
            % {"ref": proposal.public_reference}
        )
    instruction = Instruction.objects.filter(proposal=proposal).first()
    if (
        instruction is not None
        and instruction.validation in FROZEN
        and proposal.service_id != service.pk
    ):
        raise ValidationError(
            _(
                "L'instruction de %(ref)s est soumise ou validée par la direction des finances : "
                "elle ne peut plus changer de service."
            )
            % {"ref": proposal.public_reference}
        )
    unchanged = proposal.service_id == service.pk and (
        due_on is None or due_on == (instruction.due_on if instruction else None)
    )
    if instruction is not None and unchanged:
        return instruction
    if proposal.service_id != service.pk:
        proposal.service = service
        proposal.save(update_fields=["service", "updated_at"])
    if instruction is None:
        instruction = Instruction(proposal=proposal, due_on=due_on)
    elif due_on is not None:
        instruction.due_on = due_on
    _save(instruction, by=by, reason=f"{REASON_ASSIGN}:{service.pk}")
    return instruction


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, service: Service, by, due_on: date | None = None
) -> Instruction:
    """Give a proposal to a service; its instruction row is created, to instruct."""
    require_not_frozen(proposal.campaign)
    access.require(access.is_administrator(by))
    # Two administrators assigning the same proposal at once would both create its instruction.
    proposal = Proposal.objects.select_for_update().select_related("campaign").get(pk=proposal.pk)
    require_phase(proposal.campaign, "assign")
    return _assign(proposal, service, by=by, due_on=due_on)


@transaction.atomic
def proposals_assign_bulk(
    *, proposals: Iterable[Proposal], service: Service, by, due_on: date | None = None
) -> list[Instruction]:
    """Assign several proposals of one campaign at once: all of them, or none."""
    access.require(access.is_administrator(by))
    ids = sorted({proposal.pk for proposal in proposals})
    if not ids:
        raise ValidationError(_("Cochez au moins une proposition."))
    locked = list(
        Proposal.objects.select_for_update().select_related("campaign").filter(pk__in=ids)
    )
    campaigns = {proposal.campaign_id for proposal in locked}
    if len(campaigns) != 1:
        raise ValidationError(_("Les propositions doivent appartenir à une même campagne."))
    require_not_frozen(locked[0].campaign)
    require_phase(locked[0].campaign, "assign")
    problems: list[str] = []
    instructions = []
    for proposal in locked:
        try:
            instructions.append(_assign(proposal, service, by=by, due_on=due_on))
        except ValidationError as error:
            problems += error.messages
    if problems:
        raise ValidationError(problems)
    return instructions


# --- the engine-computed saving -------------------------------------------------------------


@dataclass(frozen=True)
class EngineSaving:
    """A saving proposal's yearly net saving (full-year effect), split as the engine sees it."""

    net: Decimal
    direct: Decimal
    induced: Decimal
    first_year_net: Decimal


def proposal_adjustments(proposal: Proposal) -> list[Adjustment]:
    """The engine's adjustments of a saving: its own lines, else its simulator measure's."""
    rows = list(proposal.adjustments.select_related("line"))
    if rows:
        return [
            Adjustment(
                line=row.line.code,
                amount=None if row.amount is None else float(row.amount),
                percent=None if row.percent is None else float(row.percent),
                start_year=row.start_year,
                recurring=row.recurring,
                first_year_share=float(row.first_year_share),
                measure=ENGINE_MEASURE,
            )
            for row in rows
        ]
    if proposal.measure_id is not None:
        return measure_adjustments(proposal.measure)
    return []


def proposal_engine_saving(
    proposal: Proposal, *, prepared: PreparedBudget | None = None
) -> EngineSaving | None:
    """None when the saving has nothing for the engine (the instructor types the figure).

    Raises SimulationError when the engine refuses the adjustments.
    """
    if proposal.kind != Proposal.Kind.SAVING:
        return None
    adjustments = proposal_adjustments(proposal)
    if not adjustments:
        return None
    budget = proposal.campaign.budget
    if budget is None:
        raise SimulationError(
            _("La campagne n'a pas de budget : l'économie ne peut pas être calculée.")
        )
    result = simulate(
        prepared or prepared_budget(budget),
        adjustments=adjustments,
        horizon=ENGINE_HORIZON,
        debt_start=float(budget.debt_start),
        growth_rates=growth_rates(budget),
    )
    return EngineSaving(
        net=_cents(result.full_year_net_saving),
        direct=_cents(result.full_year_direct_saving),
        induced=_cents(result.full_year_induced_saving),
        first_year_net=_cents(result.first_year_net_saving),
    )


# --- checking the figures -------------------------------------------------------------------


def _schedule(value: dict | None, errors: dict[str, list[str]]) -> dict[int, Decimal]:
    schedule: dict[int, Decimal] = {}
    for year, amount in (value or {}).items():
        try:
            year_number = int(year)
            money = Decimal(str(amount))
        except (TypeError, ValueError, ArithmeticError):
            errors.setdefault("cost_schedule", []).append(
                _("Échéancier illisible : %(year)s → %(amount)s.")
                % {"year": year, "amount": amount}
            )
            continue
        if year_number < 1 or not money.is_finite() or money < 0:
            errors.setdefault("cost_schedule", []).append(
                _("Échéancier : l'année %(year)s a un montant ou une année non valable.")
                % {"year": year}
            )
            continue
        schedule[year_number] = money.quantize(CENT, rounding=ROUND_HALF_UP)
    return schedule


def checked_figures(
    *,
    proposal: Proposal,
    status: str,
    instructed_cost: Decimal | None,
    cost_schedule: dict | None,
    induced_operating_cost: Decimal | None,
    instructed_saving: Decimal | None,
    duration: str,
    conditions: str,
    public_reasoning: str,
    internal_notes: str,
    prepared: PreparedBudget | None = None,
) -> dict:
    """The Instruction field values to write, or ValidationError keyed by field name."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if status not in Status.values:
        refuse("status", _("Avis inconnu : %(value)s.") % {"value": status})
    public_reasoning = (public_reasoning or "").strip()
    conditions = (conditions or "").strip()
    if status in NEEDS_REASONING and not public_reasoning:
        refuse(
            "public_reasoning",
            _(
                "La motivation publique est obligatoire pour l'avis « %(status)s » : "
                "l'auteur et les citoyens la liront."
            )
            % {"status": Status(status).label},
        )
    if status == Status.FEASIBLE_CONDITIONS and not conditions:
        refuse("conditions", _("Indiquez les conditions de faisabilité."))
    for name, value in (
        ("instructed_cost", instructed_cost),
        ("induced_operating_cost", induced_operating_cost),
    ):
        if value is not None and value < 0:
            refuse(name, _("Le montant ne peut pas être négatif."))
    feasible = status in Instruction.FEASIBLE
    is_project = proposal.kind == Proposal.Kind.PROJECT
    if is_project and feasible and instructed_cost is None:
        refuse(
            "instructed_cost",
            _("Le coût instruit est obligatoire pour un projet faisable."),
        )
    schedule = _schedule(cost_schedule, errors)
    if schedule:
        total = sum(schedule.values(), Decimal(0))
        if instructed_cost is None:
            refuse(
                "instructed_cost",
                _("Un échéancier demande le coût instruit total."),
            )
        elif total != instructed_cost:
            refuse(
                "cost_schedule",
                _(
                    "Le total de l'échéancier (%(total)s) ne correspond pas au coût instruit "
                    "(%(cost)s)."
                )
                % {"total": money_text(total), "cost": money_text(instructed_cost)},
            )
    direct = induced = None
    if is_project:
        instructed_saving = None
    else:
        try:
            computed = proposal_engine_saving(proposal, prepared=prepared)
        except SimulationError as error:
            computed = None
            for message in error.messages:
                refuse(
                    "instructed_saving",
                    _("Le calcul de l'économie par le simulateur échoue : %(message)s")
                    % {"message": message},
                )
        if computed is not None:
            instructed_saving = computed.net
            direct, induced = computed.direct, computed.induced
        elif feasible and instructed_saving is None and "instructed_saving" not in errors:
            refuse(
                "instructed_saving",
                _("L'économie nette par an est obligatoire pour une économie faisable."),
            )
    if errors:
        raise ValidationError(errors)
    return {
        "status": status,
        "instructed_cost": instructed_cost,
        "cost_schedule": {str(year): str(amount) for year, amount in sorted(schedule.items())},
        "induced_operating_cost": induced_operating_cost,
        "instructed_saving": instructed_saving,
        "direct_saving": direct,
        "induced_saving": induced,
        "duration": (duration or "").strip(),
        "conditions": conditions,
        "public_reasoning": public_reasoning,
        "internal_notes": (internal_notes or "").strip(),
    }


# --- instructing and validating -------------------------------------------------------------


def _locked(instruction: Instruction) -> Instruction:
    # of=("self",): only the instruction row is locked; the joins only read.
    return (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("proposal__campaign")
        .get(pk=instruction.pk)
    )


def _require_editable(instruction: Instruction) -> None:
    if instruction.validation == Validation.VALIDATED:
        raise ValidationError(
            _(
                "Cette instruction est validée par la direction des finances : "
                "elle ne peut plus être modifiée."
            )
        )
    if instruction.validation == Validation.SUBMITTED:
        raise ValidationError(
            _(
                "Cette instruction est soumise à la direction des finances : attendez sa "
                "validation ou son renvoi pour la modifier."
            )
        )


@transaction.atomic
def instruction_save(
    *,
    instruction: Instruction,
    by,
    status: str,
    instructed_cost: Decimal | None = None,
    cost_schedule: dict | None = None,
    induced_operating_cost: Decimal | None = None,
    instructed_saving: Decimal | None = None,
    duration: str = "",
    conditions: str = "",
    public_reasoning: str = "",
    internal_notes: str = "",
) -> Instruction:
    """The assigned service's instructor records the verdict and figures.

    A saving built from the simulator gets its yearly net saving from the engine (any typed
    `instructed_saving` is ignored); other savings take the typed figure.
    """
    require_not_frozen(instruction.proposal.campaign)
    # The finance validator and the instructor acting at once: the row lock makes the
    # validation see either the figures before this save or after it, never half of them,
    # and the save sees a validation that happened first (and then refuses).
    instruction = _locked(instruction)
    proposal = instruction.proposal
    access.require(access.can_instruct(by, proposal))
    require_phase(proposal.campaign, "instruct")
    _require_editable(instruction)
    values = checked_figures(
        proposal=proposal,
        status=status,
        instructed_cost=instructed_cost,
        cost_schedule=cost_schedule,
        induced_operating_cost=induced_operating_cost,
        instructed_saving=instructed_saving,
        duration=duration,
        conditions=conditions,
        public_reasoning=public_reasoning,
        internal_notes=internal_notes,
    )
    for name, value in values.items():
        setattr(instruction, name, value)
    instruction.instructed_by = by
    _save(instruction, by=by, reason=REASON_SAVE)
    return instruction


@transaction.atomic
def instruction_submit(*, instruction: Instruction, by) -> Instruction:
    """The instructor hands the instruction to the finance service."""
    require_not_frozen(instruction.proposal.campaign)
    instruction = _locked(instruction)
    access.require(access.can_instruct(by, instruction.proposal))
    require_phase(instruction.proposal.campaign, "instruct")
    _require_editable(instruction)
    if instruction.status == Status.TO_INSTRUCT:
        raise ValidationError(_("Choisissez un avis avant de soumettre l'instruction."))
    instruction.validation = Validation.SUBMITTED
    _save(instruction, by=by, reason=REASON_SUBMIT)
    return instruction


def _require_submitted(instruction: Instruction) -> None:
    if instruction.validation != Validation.SUBMITTED:
        raise ValidationError(
            _(
                "Seule une instruction soumise par son service peut être validée ou renvoyée "
                "(celle-ci est « %(state)s »)."
            )
            % {"state": instruction.get_validation_display()}
        )


@transaction.atomic
def instruction_validate(*, instruction: Instruction, by) -> Instruction:
    """The finance service validates the figures: only validated instructions count."""
    require_not_frozen(instruction.proposal.campaign)
    access.require(access.is_finance(by))
    # See instruction_save: the lock guarantees the figures validated are the ones read.
    instruction = _locked(instruction)
    require_phase(instruction.proposal.campaign, "validate_instruction")
    _require_submitted(instruction)
    if instruction.status == Status.TO_INSTRUCT:
        raise ValidationError(_("Une instruction sans avis ne peut pas être validée."))
    if instruction.instructed_by_id is not None and instruction.instructed_by_id == by.pk:
        raise ValidationError(
            _("Vous avez instruit cette proposition : une autre personne doit la valider.")
        )
    instruction.validation = Validation.VALIDATED
    instruction.validated_by = by
    instruction.validated_at = timezone.now()
    _save(instruction, by=by, reason=REASON_VALIDATE)
    return instruction


@transaction.atomic
def instruction_return(*, instruction: Instruction, by, comment: str) -> Instruction:
    """The finance service sends the instruction back to its service, saying why."""
    require_not_frozen(instruction.proposal.campaign)
    access.require(access.is_finance(by))
    instruction = _locked(instruction)
    require_phase(instruction.proposal.campaign, "validate_instruction")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Expliquez au service pourquoi l'instruction lui est renvoyée.")}
        )
    _require_submitted(instruction)
    instruction.validation = Validation.RETURNED
    instruction.return_comment = comment
    _save(instruction, by=by, reason=REASON_RETURN)
    return instruction


# --- publication at the end of the instruction phase ---------------------------------------


@dataclass
class PublishReport:
    published: int = 0
    emailed: int = 0
    without_address: int = 0


def published_instruction_ids(campaign: Campaign) -> set[int]:
    """Instructions of the campaign whose publication (and author e-mail) is on record."""
    return set(
        Instruction.objects.filter(
            proposal__campaign=campaign, published_at__isnull=False
        ).values_list("id", flat=True)
    )


def instruction_is_public(instruction: Instruction) -> bool:
    """Shown on the public proposal page: validated, and the instruction phase is over or
    the administrator published it."""
    if not instruction.is_validated:
        return False
    campaign = instruction.proposal.campaign
    if campaign.reached(Phase.VOTING):
        return True
    return instruction.published_at is not None


@transaction.atomic
def instruction_publish(*, campaign: Campaign, by, site_url: str = "") -> PublishReport:
    """Publish the validated instructions and tell each author, once.

    Called by the administrator from the instruction dashboard, and when the campaign leaves
    the instruction phase. Instructions already published are skipped: no second e-mail.
    `site_url` ("https://example.org/") makes the link in the e-mail absolute.
    """
    access.require(access.is_administrator(by))
    # Two administrators publishing at once would each e-mail every author: serialise them.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.reached(Phase.INSTRUCTION):
        raise PhaseError(
            _(
                "Impossible de publier les instructions : la campagne « %(campaign)s » est en "
                "phase « %(phase)s » (possible à partir de la phase : %(allowed)s)."
            )
            % {
                "campaign": campaign.title,
                "phase": campaign.get_phase_display(),
                "allowed": Phase.INSTRUCTION.label,
            }
        )
    done = published_instruction_ids(campaign)
    instructions = (
        Instruction.objects.filter(
            proposal__campaign=campaign,
            proposal__status=Proposal.Status.PUBLISHED,
            validation=Validation.VALIDATED,
        )
        .exclude(pk__in=done)
        .select_related("proposal__author", "proposal__campaign")
        .order_by("proposal__reference")
    )
    report = PublishReport()
    for instruction in instructions:
        instruction.published_at = timezone.now()
        _save(instruction, by=by, reason=REASON_PUBLISH)
        report.published += 1
        proposal = instruction.proposal
        address = proposal.author.email if proposal.author_id else ""
        if not address:
            report.without_address += 1
            continue
        context = {
            "proposal": proposal,
            "instruction": instruction,
            "campaign": campaign,
            "url": site_url.rstrip("/") + proposal.get_absolute_url(),
            "on_ballot": instruction.is_feasible,
        }
        subject = _("Votre proposition %(ref)s a été instruite") % {
            "ref": proposal.public_reference
        }
        # Sent once the publication is committed: no e-mail about a rolled-back publication.
        transaction.on_commit(
            partial(
                notify,
                to=[address],
                subject=subject,
                template="votes/emails/instruction_published.txt",
                context=context,
            )
        )
        report.emailed += 1
    return report


# --- the history timeline -------------------------------------------------------------------

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


# --- dashboard ------------------------------------------------------------------------------


@dataclass
class ServiceRow:
    name: str
    counts: dict[str, int]
    total: int
    overdue: int


@dataclass
class Dashboard:
    total: int
    unassigned: int
    by_status: list[tuple[str, int]]
    by_validation: list[tuple[str, int]]
    services: list[ServiceRow]
    waiting: list[Instruction]
    overdue: list[Instruction]
    published: int


def instruction_dashboard(campaign: Campaign, *, today: date | None = None) -> Dashboard:
    """Counts by verdict, by validation state and by service; what waits and what is late."""
    today = today or timezone.localdate()
    proposals = campaign.proposals.exclude(status=Proposal.Status.WITHDRAWN)
    instructions = list(
        Instruction.objects.filter(proposal__in=proposals)
        .select_related("proposal__service", "proposal__category")
        .order_by("proposal__reference")
    )
    by_status = Counter(instruction.status for instruction in instructions)
    by_validation = Counter(instruction.validation for instruction in instructions)
    services: dict[str, ServiceRow] = {}
    overdue = [
        instruction
        for instruction in instructions
        if instruction.due_on is not None
        and instruction.due_on < today
        and instruction.validation != Validation.VALIDATED
    ]
    late = {instruction.pk for instruction in overdue}
    for instruction in instructions:
        service = instruction.proposal.service
        name = service.name if service else _("(sans service)")
        row = services.setdefault(
            name,
            ServiceRow(name=name, counts=dict.fromkeys(Validation.values, 0), total=0, overdue=0),
        )
        row.counts[instruction.validation] += 1
        row.total += 1
        row.overdue += instruction.pk in late
    return Dashboard(
        total=proposals.count(),
        unassigned=proposals.filter(service__isnull=True).count(),
        by_status=[(str(label), by_status[value]) for value, label in Status.choices],
        by_validation=[(str(label), by_validation[value]) for value, label in Validation.choices],
        services=sorted(services.values(), key=lambda row: row.name),
        waiting=[i for i in instructions if i.validation == Validation.SUBMITTED],
        overdue=overdue,
        published=len(published_instruction_ids(campaign)),
    )


# --- the Excel sheet ------------------------------------------------------------------------


def _sheet_proposals(campaign: Campaign, by):
    proposals = (
        campaign.proposals.exclude(status=Proposal.Status.WITHDRAWN)
        .select_related("category", "service", "instruction")
        .order_by("reference")
    )
    if not (access.is_administrator(by) or access.is_finance(by)):
        proposals = proposals.filter(service__members=by)
    return proposals


def instruction_sheet_export(*, campaign: Campaign, by) -> bytes:
    """One row per proposal; an instructor gets only their services' proposals."""
    access.require(access.is_administrator(by) or access.is_finance(by) or access.is_instructor(by))
    rows = []
    for proposal in _sheet_proposals(campaign, by):
        instruction = getattr(proposal, "instruction", None) or Instruction(proposal=proposal)
        rows.append(
            sheet.SheetRow(
                reference=proposal.public_reference,
                title=proposal.title,
                category=proposal.category.name,
                kind=str(proposal.get_kind_display()),
                service=proposal.service.name if proposal.service else "",
                validation=str(instruction.get_validation_display()),
                due_on=instruction.due_on,
                status=str(instruction.get_status_display()),
                instructed_cost=instruction.instructed_cost,
                cost_schedule=instruction.cost_schedule or {},
                induced_operating_cost=instruction.induced_operating_cost,
                instructed_saving=instruction.instructed_saving,
                direct_saving=instruction.direct_saving,
                induced_saving=instruction.induced_saving,
                duration=instruction.duration,
                conditions=instruction.conditions,
                public_reasoning=instruction.public_reasoning,
                internal_notes=instruction.internal_notes,
            )
        )
    return sheet.build_sheet(rows, title=campaign.title)


@dataclass
class SheetImportReport:
    errors: list[RowError] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _current(instruction: Instruction) -> dict:
    return {
        "status": instruction.status,
        "instructed_cost": instruction.instructed_cost,
        "cost_schedule": {
            int(year): Decimal(str(amount))
            for year, amount in (instruction.cost_schedule or {}).items()
        },
        "induced_operating_cost": instruction.induced_operating_cost,
        "instructed_saving": instruction.instructed_saving,
        "duration": _text(instruction.duration),
        "conditions": _text(instruction.conditions),
        "public_reasoning": _text(instruction.public_reasoning),
        "internal_notes": _text(instruction.internal_notes),
    }


def instruction_sheet_import(*, campaign: Campaign, data: bytes, by) -> SheetImportReport:
    """Apply an edited sheet: every row or none; rows left as exported are skipped."""
    require_not_frozen(campaign)
    access.require(access.is_administrator(by) or access.is_instructor(by))
    require_phase(campaign, "instruct")
    report = SheetImportReport()
    parsed, errors = sheet.read_sheet(
        data,
        statuses={value: str(label) for value, label in Status.choices},
        max_bytes=settings.BUDGET_IMPORT_MAX_BYTES,
    )
    if errors:
        report.errors = errors
        return report
    _sheet_write(campaign=campaign, rows=parsed, by=by, report=report)
    return report


@transaction.atomic
def _sheet_write(
    *, campaign: Campaign, rows: list[sheet.ParsedRow], by, report: SheetImportReport
) -> None:
    proposals = {
        proposal.reference: proposal
        for proposal in campaign.proposals.filter(
            reference__in=[row.reference for row in rows]
        ).select_related("campaign", "service")
    }
    # A finance validation landing while the sheet is applied would validate figures the
    # import is about to change: lock the instructions first.
    locked = {
        instruction.proposal_id: instruction
        for instruction in Instruction.objects.select_for_update().filter(
            proposal__in=proposals.values()
        )
    }
    administrator = access.is_administrator(by)
    prepared = None
    errors: list[RowError] = []
    writes: list[tuple[Instruction, dict]] = []
    for row in rows:
        reference = f"P-{row.reference:04d}"
        proposal = proposals.get(row.reference)
        if proposal is None:
            errors.append(
                located(
                    row.row,
                    "reference",
                    reference,
                    _("la proposition %(ref)s n'existe pas dans cette campagne.")
                    % {"ref": reference},
                )
            )
            continue
        instruction = locked.get(proposal.pk) or Instruction(proposal=proposal)
        current = _current(instruction)
        wanted = {**current, **row.values}
        # A project has no saving, and a simulator-built saving gets it from the engine: what
        # the sheet says there is not read.
        saving_ignored = proposal.kind == Proposal.Kind.PROJECT or bool(
            proposal_adjustments(proposal)
        )
        compared = [
            name for name in current if not (saving_ignored and name == "instructed_saving")
        ]
        if all(wanted[name] == current[name] for name in compared):
            report.unchanged += 1
            continue

        def refuse(
            message: str, column: str = "reference", value: str = reference, line: int = row.row
        ) -> None:
            errors.append(located(line, column, value, message))

        if proposal.service_id is None:
            refuse(
                _("la proposition %(ref)s n'est attribuée à aucun service.") % {"ref": reference}
            )
            continue
        if not (administrator or access.can_instruct(by, proposal)):
            refuse(
                _(
                    "la proposition %(ref)s est attribuée au service « %(service)s », dont vous "
                    "n'êtes pas membre : seuls ses instructeurs peuvent la modifier."
                )
                % {"ref": reference, "service": proposal.service.name}
            )
            continue
        if proposal.status == Proposal.Status.WITHDRAWN:
            refuse(_("la proposition %(ref)s a été retirée par son auteur.") % {"ref": reference})
            continue
        if instruction.validation == Validation.VALIDATED:
            refuse(
                _(
                    "l'instruction de %(ref)s est déjà validée par la direction des finances : "
                    "elle ne peut plus être modifiée."
                )
                % {"ref": reference}
            )
            continue
        if instruction.validation == Validation.SUBMITTED:
            refuse(
                _(
                    "l'instruction de %(ref)s est soumise à la direction des finances : "
                    "attendez sa validation ou son renvoi."
                )
                % {"ref": reference}
            )
            continue
        engine = saving_ignored and proposal.kind == Proposal.Kind.SAVING
        if engine and prepared is None and campaign.budget is not None:
            prepared = prepared_budget(campaign.budget)
        try:
            values = checked_figures(
                proposal=proposal,
                cost_schedule={str(y): str(a) for y, a in wanted["cost_schedule"].items()},
                prepared=prepared,
                **{k: v for k, v in wanted.items() if k != "cost_schedule"},
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = sheet.FIELD_COLUMNS.get(name, "")
                for message in messages:
                    refuse(message, column, str(row.values.get(name, "")))
            continue
        writes.append((instruction, values))
    if errors:
        report.errors = errors
        return
    for instruction, values in writes:
        for name, value in values.items():
            setattr(instruction, name, value)
        instruction.instructed_by = by
        _save(instruction, by=by, reason=REASON_IMPORT)
        report.updated.append(instruction.proposal.public_reference)
