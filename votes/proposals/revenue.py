"""Revenue proposals (issue 14): a citizen proposes a new or higher revenue — a tariff, a fee,
a tax rate — by setting one of the budget's levers (sheet `leviers` of the simulator
parameters) within its bounds.

Such a proposal is a saving (`Proposal.Kind.SAVING`) carrying `lever` and `lever_value`: the
services instruct it like a saving (the engine computes its net gain, votes/instruction/
figures.py), it goes on the ballot of a savings category and counts toward the savings target
as a net gain. A loan is a lever of the simulator, not a revenue that saves: its interest
costs, so it cannot be proposed this way.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from budget.models import Budget
from simulator.engine import SimulationError
from simulator.engine.levers import LOAN, Lever, LeverChoice
from simulator.inputs import budget_levers, property_tax_lever
from votes.campaigns.models import Campaign
from votes.proposals.models import Proposal


def revenue_levers(budget: Budget | None) -> list[Lever]:
    """The levers a citizen may propose to raise: the property-tax rate, the sheet's rates and
    prices; not loans."""
    if budget is None:
        return []
    levers = [lever for lever in budget_levers(budget) if lever.kind != LOAN]
    tax = property_tax_lever(budget)
    if tax is not None and all(lever.slug != tax.slug for lever in levers):
        levers.insert(0, tax)
    return levers


def check_revenue(
    campaign: Campaign,
    *,
    kind: str,
    lever: str,
    value: Decimal | None,
    has_simulator_source: bool,
    errors: dict,
) -> None:
    """A revenue proposal's lever and value: a lever of the campaign's budget, a higher value
    than today's, within the bounds the finance service set (never below zero)."""
    if not lever and value is None:
        return
    if kind != Proposal.Kind.SAVING:
        errors.setdefault("kind", []).append(
            _("Une recette se propose comme une économie : elle compte dans l'objectif.")
        )
    if has_simulator_source:
        errors.setdefault("__all__", []).append(
            _("Partez soit d'un levier de recettes, soit d'un scénario ou d'une mesure.")
        )
    found = {item.slug: item for item in revenue_levers(campaign.budget)}.get(lever)
    if found is None:
        errors.setdefault("lever", []).append(
            _("Choisissez un levier de recettes du budget de la campagne.")
        )
        return
    if value is None:
        errors.setdefault("lever_value", []).append(
            _("Indiquez le nouveau taux ou le nouveau tarif que vous proposez.")
        )
        return
    problems = found.value_problems(float(value))
    if problems:
        errors.setdefault("lever_value", []).extend(problems)
    elif float(value) <= found.current:
        errors.setdefault("lever_value", []).append(
            _(
                "Une recette nouvelle ou plus élevée : proposez plus que la valeur actuelle "
                "(%(current)s)."
            )
            % {"current": f"{found.current:g}".replace(".", ",")}
        )


def proposal_lever_choices(proposal: Proposal) -> list[LeverChoice]:
    """The engine's lever choice of a revenue proposal.

    Raises SimulationError when the budget no longer has the lever (a re-import removed it).
    """
    if not proposal.lever or proposal.lever_value is None:
        return []
    levers = {lever.slug: lever for lever in revenue_levers(proposal.campaign.budget)}
    lever = levers.get(proposal.lever)
    if lever is None:
        raise SimulationError(
            _("Le levier de recettes « %(lever)s » n'existe plus dans le budget.")
            % {"lever": proposal.lever}
        )
    return [LeverChoice(lever=lever, value=float(proposal.lever_value))]


def lever_label(proposal: Proposal) -> str:
    """ "Prix du repas à la cantine : 2 (actuel : 1,5)" for the proposal's pages."""
    try:
        choices = proposal_lever_choices(proposal)
    except SimulationError:
        return proposal.lever
    for choice in choices:
        return _("%(lever)s : %(value)s (actuel : %(current)s)") % {
            "lever": choice.lever.label,
            "value": f"{choice.value:g}".replace(".", ","),
            "current": f"{choice.lever.current:g}".replace(".", ","),
        }
    return ""
