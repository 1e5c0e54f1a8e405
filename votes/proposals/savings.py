"""Savings sourced from the simulator: the adjustments they carry and their linked impacts.

A saving may start from a shared scenario or a catalogue measure; its line adjustments are
copied at deposit and run by the simulator engine on the campaign's budget for its page.
Also used by the workshops' consolidation, which deposits a panel's savings.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from simulator.engine import MAX_HORIZON, Adjustment, SimulationError, SimulationResult, simulate
from simulator.inputs import growth_rates, prepared_budget
from simulator.models import Measure, Scenario
from votes.campaigns.models import Campaign
from votes.proposals.models import Proposal, ProposalAdjustment
from votes.proposals.revenue import proposal_lever_choices

# --------------------------------------------------------------------------------------------
# Deposit: what a saving carries from the simulator
# --------------------------------------------------------------------------------------------


def source_adjustments(
    *, scenario: Scenario | None, measure: Measure | None
) -> list[ProposalAdjustment]:
    """The adjustments a saving carries from the simulator (unsaved rows, no proposal yet)."""
    sources = []
    if measure is not None:
        sources += list(measure.adjustments.all())
    if scenario is not None:
        sources += list(scenario.adjustments.all())
        for chosen in scenario.measures.prefetch_related("adjustments"):
            sources += list(chosen.adjustments.all())
    return [
        ProposalAdjustment(
            line_id=source.line_id,
            amount=source.amount,
            percent=source.percent,
            start_year=source.start_year,
            recurring=source.recurring,
            first_year_share=source.first_year_share,
        )
        for source in sources
    ]


def check_simulator_source(
    campaign: Campaign,
    *,
    kind: str,
    scenario: Scenario | None,
    measure: Measure | None,
    errors: dict,
) -> None:
    if scenario is None and measure is None:
        return
    if kind != Proposal.Kind.SAVING:
        errors.setdefault("kind", []).append(
            _("Seule une économie peut reprendre un scénario ou une mesure du simulateur.")
        )
    if scenario is not None and measure is not None:
        errors.setdefault("__all__", []).append(
            _("Partez soit d'un scénario, soit d'une mesure, pas des deux.")
        )
    budget_id = campaign.budget_id
    if scenario is not None and (budget_id is None or scenario.budget_id != budget_id):
        errors.setdefault("scenario", []).append(
            _("Ce scénario porte sur un autre budget que celui de la campagne.")
        )
    if measure is not None:
        if budget_id is None or measure.budget_id != budget_id:
            errors.setdefault("measure", []).append(
                _("Cette mesure porte sur un autre budget que celui de la campagne.")
            )
        elif not measure.published:
            errors.setdefault("measure", []).append(_("Cette mesure n'est pas publiée."))


# --------------------------------------------------------------------------------------------
# Reads: a saving's linked impacts, computed by the simulator engine
# --------------------------------------------------------------------------------------------

DEFAULT_IMPACT_HORIZON = 3


def proposal_engine_adjustments(proposal: Proposal) -> list[Adjustment]:
    return [
        Adjustment(
            line=adj.line.code,
            amount=None if adj.amount is None else float(adj.amount),
            percent=None if adj.percent is None else float(adj.percent),
            start_year=adj.start_year,
            recurring=adj.recurring,
            first_year_share=float(adj.first_year_share),
            measure=proposal.public_reference,
        )
        for adj in proposal.adjustments.select_related("line")
    ]


def proposal_simulation(proposal: Proposal) -> SimulationResult | None:
    """The proposal's adjustments run on its campaign's budget, or None when it has none.

    The horizon reaches the latest start year, so that a measure starting late still shows
    its full-year effect. Raises engine.SimulationError when the engine refuses them (a line
    no longer adjustable, a floor crossed since the deposit).
    """
    budget = proposal.campaign.budget
    adjustments = proposal_engine_adjustments(proposal)
    if budget is None or not (adjustments or proposal.lever):
        return None
    horizon = min(MAX_HORIZON, max(DEFAULT_IMPACT_HORIZON, *(a.start_year for a in adjustments), 1))
    return simulate(
        prepared_budget(budget),
        adjustments=adjustments,
        horizon=horizon,
        debt_start=float(budget.debt_start),
        growth_rates=growth_rates(budget),
        levers=proposal_lever_choices(proposal),
    )


__all__ = [
    "DEFAULT_IMPACT_HORIZON",
    "SimulationError",
    "check_simulator_source",
    "proposal_engine_adjustments",
    "proposal_simulation",
    "source_adjustments",
]
