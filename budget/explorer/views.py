from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails
from django_tables2 import RequestConfig

from budget.explorer import charts
from budget.explorer.filters import BudgetLineFilter
from budget.explorer.tables import PER_PAGE, BudgetLineTable, export_rows, rows_to_csv, rows_to_xlsx
from budget.figures import figure_div
from budget.finance import DEPENSE, RECETTE, compute_ratios
from budget.frames import lines_frame
from budget.models import Budget, BudgetLine, ImpactRule
from budget.templatetags.budget_tags import money

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
# Rules are explained on a round 1 000 € change: easier to picture than a coefficient.
REFERENCE_CHANGE = Decimal("1000")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def home(request: HttpRequest) -> HttpResponse:
    budgets = Budget.objects.published().select_related("authority")
    if len(budgets) == 1:
        return redirect(budgets[0])
    return render(request, "budget/home.html", {"budgets": budgets})


def _get_budget(request: HttpRequest, slug: str) -> Budget:
    """The budget behind every explorer page; unpublished ones exist only for the staff."""
    budgets = Budget.objects.visible_to(request.user).select_related("authority")
    return get_object_or_404(budgets, slug=slug)


def _per_head(amount: float | Decimal | None, population: int | None) -> float | None:
    if amount is None or not population:
        return None
    return float(amount) / population


LEVEL_NAMES = {
    charts.VIEW_FUNCTION: [
        "",
        gettext_lazy("Section"),
        gettext_lazy("Fonction"),
        gettext_lazy("Chapitre"),
        gettext_lazy("Ligne"),
    ],
    charts.VIEW_NATURE: [
        "",
        gettext_lazy("Section"),
        gettext_lazy("Chapitre"),
        gettext_lazy("Compte"),
    ],
}


def _chart_context(request: HtmxHttpRequest, budget: Budget, frame: pd.DataFrame) -> dict:
    view = request.GET.get("vue")
    if view not in charts.VIEWS:
        view = charts.VIEW_FUNCTION
    direction = request.GET.get("sens")
    if direction not in charts.DIRECTIONS:
        direction = DEPENSE
    hierarchy = charts.budget_hierarchy(frame, view=view, direction=direction)
    rows = hierarchy.to_dict("records")
    level_names = [str(name) for name in LEVEL_NAMES[view]]
    level_names[0] = charts.root_label(direction)
    for row in rows:
        row["level"] = level_names[row["depth"]]
    chart_html = ""
    if len(rows) > 1:
        figure = charts.sunburst_figure(
            hierarchy, title=charts.sunburst_title(view=view, direction=direction)
        )
        chart_html = figure_div(figure, div_id="budget-sunburst", config=PLOTLY_CONFIG)
    real = frame[frame["kind"] == "reel"]
    return {
        "view": view,
        "direction": direction,
        "chart_html": chart_html,
        "chart_rows": rows,
        "chart_title": charts.sunburst_title(view=view, direction=direction),
        "negative_lines": int(((real["direction"] == direction) & (real["amount"] < 0)).sum()),
        "views": [
            (charts.VIEW_FUNCTION, _("Par fonction")),
            (charts.VIEW_NATURE, _("Par nature")),
        ],
        "directions": [(DEPENSE, _("Dépenses")), (RECETTE, _("Recettes"))],
    }


@require_safe
@vary_on_headers("HX-Request")
def overview(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    budget = _get_budget(request, slug)
    frame = lines_frame(budget)
    context = {"budget": budget, **_chart_context(request, budget, frame)}
    template_name = "budget/overview.html"
    if request.htmx and not request.htmx.history_restore_request:
        # The view/direction toggles swap the chart region only; a history restore after
        # hx-push-url needs the whole page.
        return render(request, template_name + "#chart", context)

    population = budget.authority.population
    totals = charts.section_totals(frame)
    context["totals"] = [
        {
            "section": section,
            "direction": direction,
            "amount": totals["reel"][section][direction],
            "per_head": _per_head(totals["reel"][section][direction], population),
        }
        for section in charts.SECTIONS
        for direction in charts.DIRECTIONS
    ]
    context["order_totals"] = totals["ordre"]
    context["has_order_lines"] = any(
        value for section in totals["ordre"].values() for value in section.values()
    )
    ratios = compute_ratios(frame, debt_start=float(budget.debt_start))
    context["ratios"] = ratios
    context["per_head"] = {
        name: _per_head(getattr(ratios, name), population)
        for name in (
            "rrf",
            "drf",
            "epargne_gestion",
            "epargne_brute",
            "epargne_nette",
            "debt_start",
            "debt_end",
        )
    }
    context["population"] = population
    return render(request, template_name, context)


@require_safe
@vary_on_headers("HX-Request")
def lines(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    budget = _get_budget(request, slug)
    filterset = BudgetLineFilter(
        request.GET or None, queryset=BudgetLine.objects.filter(budget=budget), budget=budget
    )
    table = BudgetLineTable(
        filterset.qs,
        budget_slug=budget.slug,
        with_realised=budget.uses_realised_amounts,
        caption=_("Lignes du budget %(budget)s") % {"budget": budget},
    )
    RequestConfig(request, paginate=False).configure(table)

    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        return _export_response(table, budget=budget, file_format=export)

    _paginate(table, request.GET.get("page"))
    context = {"budget": budget, "filter": filterset, "table": table}
    template_name = "budget/lines.html"
    if request.htmx and not request.htmx.history_restore_request:
        template_name += "#table"
    return render(request, template_name, context)


def _paginate(table: BudgetLineTable, page: str | None) -> None:
    # Done here rather than by RequestConfig, which would let ?per_page= lift the cap.
    number = int(page) if page and page.isdigit() and int(page) > 0 else 1
    try:
        table.paginate(page=number, per_page=PER_PAGE)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=PER_PAGE)


def _export_response(table: BudgetLineTable, *, budget: Budget, file_format: str) -> HttpResponse:
    rows = export_rows(table)
    filename = f"{budget.slug}-lignes.{file_format}"
    if file_format == "csv":
        response = HttpResponse(rows_to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            rows_to_xlsx(rows, title=_("Lignes"), name=str(budget)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _effective_amount(line: BudgetLine, budget: Budget) -> Decimal:
    """The amount the charts use: realised for a compte administratif when known."""
    if budget.uses_realised_amounts and line.realised is not None:
        return line.realised
    return line.amount


def _euros(value: Decimal) -> str:
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return money(cents, 0 if cents == cents.to_integral_value() else 2)


def describe_rule(
    *, coefficient: Decimal, lag: int, cumulative: bool, source: str | None, target: str | None
) -> str:
    """A rule in plain French; None for source or target means "this line".

    "Une baisse de 1 000 € de cette ligne entraîne une baisse de 300 € de « Billetterie
    piscine » l'année suivante."
    """
    source_text = _("cette ligne") if source is None else f"« {source} »"
    target_text = _("cette ligne") if target is None else f"« {target} »"
    if lag == 0:
        when = _("la même année")
    elif lag == 1:
        when = _("l'année suivante")
    else:
        when = _("%(lag)s ans plus tard") % {"lag": lag}
    effect = coefficient * REFERENCE_CHANGE
    if effect == 0:
        sentence = _(
            "Une baisse de %(change)s de %(source)s n'entraîne aucune variation de %(target)s."
        ) % {"change": _euros(REFERENCE_CHANGE), "source": source_text, "target": target_text}
    else:
        sentence = _(
            "Une baisse de %(change)s de %(source)s entraîne une %(direction)s de %(effect)s "
            "de %(target)s %(when)s."
        ) % {
            "change": _euros(REFERENCE_CHANGE),
            "source": source_text,
            # A positive coefficient moves the target the same way as the source.
            "direction": _("baisse") if effect > 0 else _("hausse"),
            "effect": _euros(abs(effect)),
            "target": target_text,
            "when": when,
        }
    if cumulative:
        sentence += " " + _(
            "L'effet est cumulatif : il porte sur tout ce que la source a changé jusque-là, "
            "et dure tant que la baisse est maintenue."
        )
    return sentence


def _rule_rows(
    rules: list[ImpactRule], *, outgoing: bool, line: BudgetLine, budget: Budget
) -> list[dict]:
    rows = []
    for rule in rules:
        other = rule.target if outgoing else rule.source
        rows.append(
            {
                "rule": rule,
                "other": other,
                "side": "outgoing" if outgoing else "incoming",
                "sentence": describe_rule(
                    coefficient=rule.coefficient,
                    lag=rule.lag,
                    cumulative=rule.cumulative,
                    source=None if outgoing else other.display_label,
                    target=other.display_label if outgoing else None,
                ),
                # What changes by 10 %: this line for its outgoing rules, the source otherwise.
                "base": _effective_amount(line if outgoing else other, budget),
            }
        )
    return rows


@require_safe
def line_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    budget = _get_budget(request, slug)
    line = BudgetLine.objects.filter(budget=budget, code=code).first()
    if line is None:
        raise Http404(_("Aucune ligne %(code)s dans ce budget.") % {"code": code})
    line.budget = budget  # already loaded: saves a query in get_absolute_url()
    outgoing = _rule_rows(
        list(line.outgoing_rules.select_related("target")),
        outgoing=True,
        line=line,
        budget=budget,
    )
    incoming = _rule_rows(
        list(line.incoming_rules.select_related("source")),
        outgoing=False,
        line=line,
        budget=budget,
    )
    effects_rows: list[dict] = []
    chart_html = ""
    if outgoing or incoming:
        rules = pd.DataFrame(
            [
                {
                    "side": row["side"],
                    "code": row["other"].code,
                    "label": row["other"].display_label,
                    "coefficient": float(row["rule"].coefficient),
                    "lag": row["rule"].lag,
                    "cumulative": row["rule"].cumulative,
                    "base": float(row["base"]),
                }
                for row in [*incoming, *outgoing]
            ]
        )
        effects = charts.impact_effects(rules)
        effects_rows = effects.to_dict("records")
        figure = charts.impacts_figure(effects, line_label=line.display_label)
        chart_html = figure_div(figure, div_id="line-impacts", config=PLOTLY_CONFIG)
    context = {
        "budget": budget,
        "line": line,
        "amount": _effective_amount(line, budget),
        "per_head": _per_head(_effective_amount(line, budget), budget.authority.population),
        "outgoing": outgoing,
        "incoming": incoming,
        "effects": effects_rows,
        "chart_html": chart_html,
        "change_share": charts.CHANGE_SHARE,
    }
    return render(request, "budget/line_detail.html", context)
