"""Writes of the simulator app: scenarios saved from the screen's state, duplicated, shared."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext

from budget.models import Budget, BudgetLine
from simulator.models import Measure, Scenario, ScenarioAdjustment
from simulator.state import ScenarioState


def scenario_state(scenario: Scenario) -> ScenarioState:
    """The screen's state for a saved scenario (reads; lines and measures in one query each)."""
    return ScenarioState(
        measures=[m.slug for m in scenario.measures.order_by("position", "title")],
        line_percents={
            adj.line.code: adj.percent
            for adj in scenario.adjustments.select_related("line")
            if adj.percent is not None
        },
        horizon=scenario.horizon,
        target=scenario.target,
        tax_rate_change=scenario.tax_rate_change,
        levers=ScenarioState.from_dict({"levers": scenario.levers}).levers,
    )


@transaction.atomic
def scenario_save_state(
    *, scenario: Scenario, state: ScenarioState, title: str | None = None
) -> Scenario:
    """Replace a scenario's choices with the screen's state (the auto-save on every change).

    Unknown measure slugs and line codes are dropped: the state comes from a browser.
    """
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if title is not None:
        scenario.title = title.strip()[:200] or scenario.title
    scenario.horizon = state.horizon
    scenario.target = state.target
    scenario.tax_rate_change = state.tax_rate_change
    # Only the budget's levers: the state comes from a browser.
    known = {str(lever.get("slug")) for lever in scenario.budget.levers or []}
    scenario.levers = {slug: str(value) for slug, value in state.levers.items() if slug in known}
    scenario.full_clean()
    scenario.save()
    scenario.measures.set(Measure.objects.filter(budget=scenario.budget, slug__in=state.measures))
    scenario.adjustments.all().delete()
    lines = BudgetLine.objects.filter(
        budget=scenario.budget, code__in=list(state.line_percents), adjustable=True
    )
    ScenarioAdjustment.objects.bulk_create(
        ScenarioAdjustment(scenario=scenario, line=line, percent=state.line_percents[line.code])
        for line in lines
    )
    return scenario


@transaction.atomic
def scenario_create(
    *,
    budget: Budget,
    owner: AbstractBaseUser | None,
    state: ScenarioState,
    title: str = "",
) -> Scenario:
    scenario = Scenario.objects.create(
        budget=budget, owner=owner, title=title.strip()[:200] or gettext("Mon scénario")
    )
    return scenario_save_state(scenario=scenario, state=state)


@transaction.atomic
def scenario_duplicate(*, scenario: Scenario, owner: AbstractBaseUser) -> Scenario:
    return scenario_create(
        budget=scenario.budget,
        owner=owner,
        state=scenario_state(scenario),
        title=f"{scenario.title} (copie)",
    )


@transaction.atomic
def scenario_rename(*, scenario: Scenario, title: str) -> Scenario:
    scenario.title = title.strip()[:200] or scenario.title
    scenario.full_clean()
    scenario.save(update_fields=["title", "updated_at"])
    return scenario
