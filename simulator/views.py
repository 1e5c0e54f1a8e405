from __future__ import annotations

import json
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budget.models import Budget, BudgetLine
from simulator import charts, exports, services
from simulator.engine import SimulationError
from simulator.inputs import LINE_ADJUSTMENTS, prepared_budget, run_measure_alone, run_scenario
from simulator.limits import policy_area_limit
from simulator.models import Measure, Scenario
from simulator.state import SLIDER_MAX, SLIDER_MIN, ScenarioState
from simulator.summary import summarise
from simulator.tax import TAX_MEASURE

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
    """The screen's form as a state; values out of range are brought back into range."""
    line_percents = {
        key.removeprefix("line__"): value
        for key, value in data.items()
        if key.startswith("line__") and value not in ("", "0")
    }
    return ScenarioState.from_dict(
        {
            "measures": data.getlist("measures"),
            "line_percents": line_percents,
            "horizon": data.get("horizon", 3),
            "target": data.get("target") or None,
            "tax_rate_change": data.get("tax_rate_change") or "0",
        }
    )


# --- computing ----------------------------------------------------------------------------


def _measure_names(measures: dict[str, Measure]) -> dict[str | None, str]:
    names: dict[str | None, str] = {slug: m.title for slug, m in measures.items()}
    names[LINE_ADJUSTMENTS] = _("Vos ajustements de lignes")
    names[TAX_MEASURE] = _("Taux de taxe foncière")
    return names


def results_context(budget: Budget, state: ScenarioState) -> dict:
    """Everything the results partial shows; refusals come back as messages, not errors."""
    prepared = prepared_budget(budget)
    try:
        result, inputs = run_scenario(
            budget, state, prepared=prepared, max_policy_areas=policy_area_limit(budget)
        )
    except SimulationError as error:
        return {"errors": error.messages, "state": state, "budget": budget}
    baseline, _baseline_inputs = run_scenario(
        budget, ScenarioState(horizon=state.horizon), prepared=prepared
    )
    names = _measure_names(inputs.measures)
    changed = result.line_years().sort_values(["code", "year"])
    lines: OrderedDict[str, dict] = OrderedDict()
    for row in changed.itertuples(index=False):
        entry = lines.setdefault(row.code, {"code": row.code, "label": row.label, "years": []})
        entry["years"].append(row)
    return {
        "budget": budget,
        "state": state,
        "result": result,
        "summary": summarise(result),
        "charts": [
            charts.waterfall(result),
            charts.sankey(result, names),
            charts.policy_areas(result),
            charts.ratios(result, baseline),
        ],
        "changed_lines": list(lines.values()),
        "years": result.years,
    }


def _catalogue(budget: Budget, state: ScenarioState) -> list[dict]:
    """Catalogue measures grouped by policy area, each with its own full-year saving."""
    prepared = prepared_budget(budget)
    groups: OrderedDict[str, list] = OrderedDict()
    for measure in (
        Measure.objects.catalogue().filter(budget=budget).prefetch_related("adjustments__line")
    ):
        try:
            result = run_measure_alone(budget, measure, prepared=prepared, horizon=state.horizon)
            saving = result.full_year_net_saving
        except SimulationError:
            saving = None
        groups.setdefault(measure.policy_area or _("Autres mesures"), []).append(
            {"measure": measure, "saving": saving, "checked": measure.slug in state.measures}
        )
    return [{"area": area, "items": items} for area, items in groups.items()]


def _adjustable_lines(budget: Budget, state: ScenarioState) -> list[dict]:
    groups: OrderedDict[str, dict] = OrderedDict()
    lines = (
        BudgetLine.objects.filter(budget=budget)
        .real()
        .adjustable()
        .order_by("function", "section", "direction", "position")
    )
    for line in lines:
        key = line.function or ""
        group = groups.setdefault(
            key,
            {
                "function": key,
                "label": line.function_label
                or (_("Non ventilé") if not key else _("Fonction %(code)s") % {"code": key}),
                "lines": [],
                "changed": 0,
            },
        )
        percent = state.line_percents.get(line.code)
        group["lines"].append({"line": line, "percent": percent or 0})
        if percent:
            group["changed"] += 1
    return list(groups.values())


def _page_context(budget: Budget, state: ScenarioState, **extra) -> dict:
    return {
        "budget": budget,
        "state": state,
        "catalogue": _catalogue(budget, state),
        "line_groups": _adjustable_lines(budget, state),
        "horizons": MAX_HORIZON_CHOICES,
        "slider_min": SLIDER_MIN,
        "slider_max": SLIDER_MAX,
        "tax_available": bool(budget.property_tax_base and budget.property_tax_rate),
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
            exports.scenario_workbook(scenario, state, result, _measure_names(inputs.measures)),
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
