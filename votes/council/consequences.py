"""The budgetary consequences of the adopted proposals (issue 16 §7): what they cost, save and
set off over the years of the plan, as the simulator engine computes them (reads only).

"Adopted" is the council's answers when it has given some (adopted, with or without changes),
else the winners of the results (what the council is asked to adopt). Each proposal becomes
one lever of the simulator:

- a saving: its line adjustments (copied from the simulator at deposit) and, for a revenue
  proposal, its lever at the value proposed; the budget's impact rules add their linked
  impacts;
- a project: its investment cost (instructed, else the author's estimate), one-off on the
  years of its schedule (year 1 without one), on the budget's main adjustable investment
  line; then its yearly operating cost, recurring from the year after the works, on the main
  adjustable line of general charges (chapter 011). Only the section of a line matters to the
  ratios (an investment never moves the épargne brute; an operating cost does), so the line
  is the budget's largest of its kind rather than one a service would have to choose.

The same levers feed the scenario the finance service builds (votes/council/scenario.py) and
the council file's « Conséquences budgétaires » sheet (report_consequences.py), so the two
always agree. The ratios are budget/finance.py's, per year, through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from budget.models import Budget, BudgetLine
from simulator.engine import MAX_HORIZON, Adjustment, Ratios, SimulationError, simulate
from simulator.engine.levers import LeverChoice
from simulator.inputs import (
    PROPERTY_TAX_SLUG,
    budget_levers,
    growth_rates,
    prepared_budget,
    tax_lever,
)
from simulator.state import ScenarioState
from votes.campaigns.models import Campaign
from votes.council.choices import ADOPTED_DECISIONS
from votes.proposals.models import Proposal
from votes.proposals.revenue import proposal_lever_choices
from votes.proposals.savings import DEFAULT_IMPACT_HORIZON, proposal_engine_adjustments

ADOPTED = "adopted"  # the council's adopted answers
WINNERS = "winners"  # the winners of the results, before the council answered

INVESTMENT_CHAPTERS = ("23", "21", "20")  # works in progress first, then equipment
OPERATING_CHAPTER = "011"


def basis_label(basis: str) -> str:
    return {
        ADOPTED: _("les propositions adoptées par le conseil"),
        WINNERS: _("les propositions retenues par le vote (le conseil n'a pas encore répondu)"),
    }[basis]


def adopted_proposals(campaign: Campaign) -> tuple[str, list[Proposal]]:
    """(basis, proposals): the council's adopted answers once it answered, else the winners."""
    proposals = Proposal.objects.filter(campaign=campaign).select_related(
        "campaign__budget", "instruction"
    )
    if proposals.filter(council_answer__isnull=False).exists():
        chosen = proposals.filter(council_answer__decision__in=ADOPTED_DECISIONS)
        return ADOPTED, list(chosen.order_by("reference"))
    from votes.results.services import campaign_results

    ids = [
        outcome.proposals[reference].id
        for outcome in campaign_results(campaign=campaign).categories
        for reference in outcome.result.selected
    ]
    return WINNERS, list(proposals.filter(pk__in=ids).order_by("reference"))


@dataclass(frozen=True)
class ProposalLever:
    """One adopted proposal as a lever of the simulator."""

    proposal: Proposal
    slug: str  # the engine's measure name, and the saved measure's slug
    adjustments: list[Adjustment] = field(default_factory=list)
    lever: LeverChoice | None = None
    missing: str = ""  # why (part of) it is not in the scenario, "" when all of it is

    @property
    def title(self) -> str:
        return f"{self.proposal.public_reference} — {self.proposal.title}"[:200]


def measure_slug(campaign: Campaign, proposal: Proposal) -> str:
    return f"adopte-{campaign.pk}-{proposal.reference}"


def _main_line(budget: Budget, *, section: str, chapters: tuple[str, ...]) -> BudgetLine | None:
    lines = [
        line
        for line in BudgetLine.objects.filter(
            budget=budget, section=section, direction=BudgetLine.Direction.DEPENSE
        )
        .real()
        .adjustable()
        if line.chapter in chapters
    ]
    if not lines:
        return None
    return min(lines, key=lambda line: (chapters.index(line.chapter), -line.amount, line.code))


def _schedule(proposal: Proposal) -> dict[int, Decimal]:
    """A project's investment by year of the plan: its instructed schedule, else its whole
    cost (instructed, else estimated) in year 1."""
    instruction = getattr(proposal, "instruction", None)
    schedule: dict[int, Decimal] = {}
    if instruction is not None and instruction.cost_schedule:
        for year, value in instruction.cost_schedule.items():
            try:
                schedule[int(year)] = Decimal(str(value))
            except (ArithmeticError, ValueError):
                continue
    if not schedule:
        cost = instruction.instructed_cost if instruction is not None else None
        cost = cost if cost is not None else proposal.estimate
        if cost:
            schedule[1] = Decimal(cost)
    return {year: value for year, value in schedule.items() if 1 <= year <= MAX_HORIZON and value}


def _project_lever(proposal: Proposal, slug: str, lines: dict[str, BudgetLine | None]):
    schedule = _schedule(proposal)
    instruction = getattr(proposal, "instruction", None)
    operating = instruction.induced_operating_cost if instruction is not None else None
    adjustments, missing = [], []
    if schedule:
        if lines["investment"] is None:
            missing.append(_("le budget n'a pas de ligne d'investissement ajustable"))
        else:
            adjustments += [
                Adjustment(
                    line=lines["investment"].code,
                    amount=float(value),
                    start_year=year,
                    recurring=False,
                    measure=slug,
                )
                for year, value in sorted(schedule.items())
            ]
    elif not operating:
        missing.append(_("ni coût instruit ni estimation"))
    if operating:
        if lines["operating"] is None:
            missing.append(_("le budget n'a pas de ligne de charges générales ajustable"))
        else:
            adjustments.append(
                Adjustment(
                    line=lines["operating"].code,
                    amount=float(operating),
                    start_year=min(MAX_HORIZON, max(schedule, default=0) + 1),
                    measure=slug,
                )
            )
    return ProposalLever(proposal, slug, adjustments, missing="; ".join(missing))


def proposal_levers(campaign: Campaign, proposals: list[Proposal]) -> list[ProposalLever]:
    """Each proposal as the simulator's lever (see the module's docstring)."""
    budget = campaign.budget
    lines = {
        "investment": _main_line(budget, section="investissement", chapters=INVESTMENT_CHAPTERS),
        "operating": _main_line(budget, section="fonctionnement", chapters=(OPERATING_CHAPTER,)),
    }
    levers = []
    for proposal in proposals:
        slug = measure_slug(campaign, proposal)
        if proposal.kind == Proposal.Kind.PROJECT:
            levers.append(_project_lever(proposal, slug, lines))
            continue
        adjustments = [
            Adjustment(
                line=a.line,
                amount=a.amount,
                percent=a.percent,
                start_year=a.start_year,
                recurring=a.recurring,
                first_year_share=a.first_year_share,
                measure=slug,
            )
            for a in proposal_engine_adjustments(proposal)
        ]
        try:
            choices = proposal_lever_choices(proposal)
        except SimulationError as error:
            levers.append(ProposalLever(proposal, slug, adjustments, missing=error.messages[0]))
            continue
        lever = choices[0] if choices else None
        missing = "" if adjustments or lever else _("aucun ajustement de ligne du simulateur")
        levers.append(ProposalLever(proposal, slug, adjustments, lever, missing))
    return levers


def plan_horizon(levers: list[ProposalLever]) -> int:
    """The simulator's default horizon, longer when a schedule or a start year needs it."""
    latest = max((a.start_year for item in levers for a in item.adjustments), default=1)
    return min(MAX_HORIZON, max(DEFAULT_IMPACT_HORIZON, latest))


def lever_values(levers: list[ProposalLever]) -> tuple[Decimal, dict[str, Decimal]]:
    """(property-tax points, other levers' values) as a scenario holds them. Two adopted
    proposals on one lever: the higher value stands (the engine takes one value a lever)."""
    chosen: dict[str, LeverChoice] = {}
    for item in levers:
        if item.lever is not None:
            slug = item.lever.lever.slug
            if slug not in chosen or item.lever.value > chosen[slug].value:
                chosen[slug] = item.lever
    points = Decimal("0")
    values: dict[str, Decimal] = {}
    for slug, choice in chosen.items():
        value = Decimal(str(choice.value))
        if slug == PROPERTY_TAX_SLUG:
            points = value - Decimal(str(choice.lever.current))
        else:
            values[slug] = value
    return points, values


def scenario_state(levers: list[ProposalLever]) -> ScenarioState:
    points, values = lever_values(levers)
    return ScenarioState(
        measures=[item.slug for item in levers if item.adjustments],
        horizon=plan_horizon(levers),
        tax_rate_change=points,
        levers=values,
    )


# --- the ratios before / after -----------------------------------------------------------------


def _money(value: float) -> str:
    return f"{Decimal(str(round(value, 2))).quantize(Decimal('0.01'))}"


def _ratio_row(ratios: Ratios) -> dict[str, str | None]:
    rate = ratios.taux_epargne_brute
    capacity = ratios.capacite_desendettement
    return {
        "rrf": _money(ratios.rrf),
        "drf": _money(ratios.drf),
        "epargne_brute": _money(ratios.epargne_brute),
        # Percent and years to one decimal, as the budget's documents give them.
        "taux_epargne_brute": None
        if rate is None
        else f"{Decimal(str(rate * 100)).quantize(Decimal('0.1'))}",
        "debt_end": _money(ratios.debt_end),
        "capacite_desendettement": None
        if capacity is None
        else f"{Decimal(str(capacity)).quantize(Decimal('0.1'))}",
    }


def consequences_build(campaign: Campaign) -> dict[str, Any] | None:
    """The ratios of each year of the plan without and with the adopted proposals, as JSON-ready
    data (money as text); None for a campaign without a budget."""
    budget = campaign.budget
    if budget is None:
        return None
    basis, proposals = adopted_proposals(campaign)
    levers = proposal_levers(campaign, proposals)
    state = scenario_state(levers)
    budget_lever_by_slug = {lever.slug: lever for lever in budget_levers(budget)}
    common = {
        "horizon": state.horizon,
        "debt_start": float(budget.debt_start),
        "growth_rates": growth_rates(budget),
    }
    prepared = prepared_budget(budget)
    data: dict[str, Any] = {
        "basis": basis,
        "budget": budget.slug,
        "budget_title": str(budget),
        "horizon": state.horizon,
        "proposals": [
            {
                "reference": item.proposal.public_reference,
                "title": item.proposal.title,
                "kind": item.proposal.kind,
                "in_scenario": bool(item.adjustments or item.lever),
                "missing": item.missing,
            }
            for item in levers
        ],
        "refused": [],
        "years": [],
    }
    before = simulate(prepared, **common)
    try:
        after = simulate(
            prepared,
            adjustments=[a for item in levers for a in item.adjustments],
            tax=tax_lever(budget, state.tax_rate_change),
            levers=[
                LeverChoice(lever=budget_lever_by_slug[slug], value=float(value))
                for slug, value in state.levers.items()
                if slug in budget_lever_by_slug
            ],
            **common,
        )
    except SimulationError as error:
        data["refused"] = error.messages
        after = None
    for year, ratios in enumerate(before.ratios, start=1):
        data["years"].append(
            {
                "year": year,
                "before": _ratio_row(ratios),
                "after": None if after is None else _ratio_row(after.ratios[year - 1]),
            }
        )
    return data
