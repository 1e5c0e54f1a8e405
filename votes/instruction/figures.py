"""The figures of an instruction: the saving computed by the simulator's engine, and the
check of the figures an instructor types (or imports) before they are written.

Reads only: instructing.py and sheet_services.py write what ``checked_figures`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budget.templatetags.budget_tags import format_amount
from simulator.engine import Adjustment, PreparedBudget, SimulationError, simulate
from simulator.inputs import growth_rates, measure_adjustments, prepared_budget
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.proposals.revenue import proposal_lever_choices

Status = Instruction.Status

CENT = Decimal("0.01")
# The instructed saving is the full-year effect of the saving's third year: long enough for
# a measure starting mid-year and for linked impacts with a one-year lag to show.
ENGINE_HORIZON = 3
ENGINE_MEASURE = "proposition"

# Verdicts that must be explained to the author in public words.
NEEDS_REASONING = (Status.NOT_FEASIBLE, Status.OUT_OF_POWERS)


def _cents(value: float) -> Decimal:
    # + 0 turns a negative zero into 0.00.
    return Decimal(repr(round(value, 2))).quantize(CENT, rounding=ROUND_HALF_UP) + 0


def money_text(value: Decimal | float | None) -> str:
    text = format_amount(value)
    return text if text == "—" else f"{text}\u00a0€"


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
    if not adjustments and not proposal.lever:
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
        # A revenue proposal: the engine computes its net gain like a saving's.
        levers=proposal_lever_choices(proposal),
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
