from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budget.models import Budget
from simulator import charts, exports, services
from simulator.engine import SimulationError
from simulator.inputs import run_scenario
from simulator.models import Scenario
from simulator.screen import (
    adjustable_lines,
    catalogue,
    lever_controls,
    measure_names,
    results_context,
)
from simulator.state import SLIDER_MAX, SLIDER_MIN, ScenarioState
from simulator.state import state_from_post as read_state_from_post

MAX_HORIZON_CHOICES = list(range(1, 11))


# --- access -------------------------------------------------------------------------------


def _get_budget(request: HttpRequest, slug: str) -> Budget:
    budgets = Budget.objects.visible_to(request.user).select_related("authority")
    return get_object_or_404(budgets, slug=slug)


def _get_own_scenario(request: HttpRequest, pk: int) -> Scenario:
    """A saved scenario its owner edits; nobody else may touch it (the share link is read-only)."""
    scenario = get_object_or_404(Scenario.objects.select_related("budget__authority"), pk=pk)
    if scenario.owner_id is None or scenario.owner_id != request.user.id:
        raise PermissionDenied
    return scenario


# --- state --------------------------------------------------------------------------------


def _session_key(budget: Budget) -> str:
    return f"simulator:{budget.slug}"


def _initial_state(budget: Budget) -> ScenarioState:
    return ScenarioState(target=budget.savings_target)


def _session_state(request: HttpRequest, budget: Budget) -> ScenarioState:
    data = request.session.get(_session_key(budget))
    return ScenarioState.from_dict(data) if data else _initial_state(budget)


def state_from_post(data, budget: Budget) -> ScenarioState:
    """The screen's form as a state (simulator/state.py reads it; the budget is for symmetry)."""
    return read_state_from_post(data)


# --- computing ----------------------------------------------------------------------------


def _page_context(budget: Budget, state: ScenarioState, **extra) -> dict:
    return {
        "budget": budget,
        "state": state,
        "catalogue": catalogue(budget, state),
        "line_groups": adjustable_lines(budget, state),
        "horizons": MAX_HORIZON_CHOICES,
        "slider_min": SLIDER_MIN,
        "slider_max": SLIDER_MAX,
        "tax_available": bool(budget.property_tax_base and budget.property_tax_rate),
        "levers": lever_controls(budget, state),
        **results_context(budget, state),
        **extra,
    }


# --- views --------------------------------------------------------------------------------


def simulator(request: HttpRequest, slug: str) -> HttpResponse:
    """The simulator screen; anyone can use it, the scenario lives in the session."""
    budget = _get_budget(request, slug)
    if request.method == "POST":
        state = state_from_post(request.POST, budget)
        request.session[_session_key(budget)] = state.as_dict()
        if request.htmx:
            return render(
                request, "simulator/simulator.html#results", results_context(budget, state)
            )
    else:
        if request.GET.get("reset"):
            request.session.pop(_session_key(budget), None)
        state = _session_state(request, budget)
    return render(
        request,
        "simulator/simulator.html",
        _page_context(budget, state, action=request.path, saved_scenario=None),
    )


@require_POST
@login_required
def scenario_save(request: HttpRequest, slug: str) -> HttpResponse:
    budget = _get_budget(request, slug)
    # Every change on the screen already went to the session: save what the visitor sees.
    state = _session_state(request, budget)
    scenario = services.scenario_create(
        budget=budget, owner=request.user, state=state, title=request.POST.get("title", "")
    )
    request.session.pop(_session_key(budget), None)
    messages.success(request, _("Scénario enregistré. Il est sauvegardé à chaque modification."))
    return redirect(scenario)


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved scenario, edited by its owner; every change is saved at once."""
    scenario = _get_own_scenario(request, pk)
    budget = scenario.budget
    if request.method == "POST":
        state = state_from_post(request.POST, budget)
        services.scenario_save_state(scenario=scenario, state=state)
        if request.htmx:
            return render(
                request, "simulator/simulator.html#results", results_context(budget, state)
            )
    else:
        state = services.scenario_state(scenario)
    return render(
        request,
        "simulator/simulator.html",
        _page_context(budget, state, action=request.path, saved_scenario=scenario),
    )


@require_POST
@login_required
def scenario_rename(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _get_own_scenario(request, pk)
    services.scenario_rename(scenario=scenario, title=request.POST.get("title", ""))
    messages.success(request, _("Scénario renommé."))
    return redirect(scenario)


@require_GET
def scenario_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only permalink: anyone with the link sees the results, nobody edits them."""
    scenario = get_object_or_404(
        Scenario.objects.select_related("budget__authority", "owner"), share_token=token
    )
    state = services.scenario_state(scenario)
    context = results_context(scenario.budget, state)
    context.update({"scenario": scenario, "budget": scenario.budget})
    return render(request, "simulator/shared.html", context)


@require_POST
@login_required
def scenario_duplicate(request: HttpRequest, token: str) -> HttpResponse:
    source = get_object_or_404(Scenario, share_token=token)
    copy = services.scenario_duplicate(scenario=source, owner=request.user)
    messages.success(request, _("Copie créée : vous pouvez la modifier."))
    return redirect(copy)


@login_required
def my_scenarios(request: HttpRequest) -> HttpResponse:
    scenarios = Scenario.objects.filter(owner=request.user).select_related("budget__authority")
    return render(request, "simulator/my_scenarios.html", {"scenarios": scenarios})


@require_GET
def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Two shared scenarios side by side (tokens in the query string)."""
    tokens = [request.GET.get("a", ""), request.GET.get("b", "")]
    compared = []
    for token in tokens:
        try:
            scenario = Scenario.objects.select_related("budget").get(share_token=token)
        except (Scenario.DoesNotExist, ValidationError):
            raise Http404(_("Scénario introuvable.")) from None
        state = services.scenario_state(scenario)
        compared.append({"scenario": scenario, **results_context(scenario.budget, state)})
    if compared[0]["scenario"].budget_id != compared[1]["scenario"].budget_id:
        messages.warning(request, _("Ces deux scénarios portent sur des budgets différents."))
    return render(
        request,
        "simulator/compare.html",
        {"compared": compared, "comparison": charts.comparison(compared)},
    )


def _export_response(
    scenario: Scenario, state: ScenarioState, fmt: str, filename: str
) -> HttpResponse:
    try:
        result, inputs = run_scenario(scenario.budget, state)
    except SimulationError as error:
        return HttpResponse("\n".join(error.messages), status=409, content_type="text/plain")
    if fmt == "json":
        payload = exports.scenario_json(scenario, state, result, inputs)
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.scenario_workbook(
                scenario,
                state,
                result,
                measure_names(inputs.measures, [c.lever for c in inputs.levers]),
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@require_GET
def scenario_export(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario.objects.select_related("budget"), share_token=token)
    state = services.scenario_state(scenario)
    return _export_response(scenario, state, fmt, slugify(scenario.title) or "scenario")


@require_GET
def session_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Export of the unsaved (session) scenario, so visitors without an account keep their work."""
    budget = _get_budget(request, slug)
    state = _session_state(request, budget)
    scenario = Scenario(budget=budget, title=_("Scénario non enregistré"), horizon=state.horizon)
    return _export_response(scenario, state, fmt, "scenario")
