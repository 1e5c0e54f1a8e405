"""Charts of a simulation: result in, plotly figure and its data table out (no request here).

Each builder returns a `Chart`: the figure plus the rows of its accessible data table, so a
template can never show a chart without the table that says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from budget.figures import figure_div
from budget.finance import DEBT_CAPACITY_CEILING_YEARS
from simulator.engine import SimulationResult

SAVING = "#1e6b34"
COST = "#b3261e"
NEUTRAL = "#1f4e8c"
MUTED = "#8a94a6"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 15}
# No mode bar: its icon buttons crowd a projected screen and add tab stops; the data
# table under each chart is the way to read exact figures.
CONFIG = {"displayModeBar": False, "responsive": True, "locale": "fr"}
# Beyond this many lines a sankey becomes unreadable: the rest is grouped.
SANKEY_MAX_LINES = 12


@dataclass
class Chart:
    id: str
    title: str
    figure: go.Figure
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right

    def html(self) -> str:
        return figure_div(self.figure, div_id=self.id, config=CONFIG)


def euros(value: float) -> str:
    rounded = round(float(value))
    text = f"{abs(rounded):,}".replace(",", "\u202f")
    return f"{'−' if rounded < 0 else ''}{text}\u00a0€"


def _layout(figure: go.Figure, *, height: int = 360, **extra) -> go.Figure:
    extra.setdefault("margin", {"l": 10, "r": 10, "t": 30, "b": 10})
    figure.update_layout(
        font=FONT,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        **extra,
    )
    return figure


def _empty(message: str) -> go.Figure:
    """A chart with nothing to draw: its message, no axes."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 16, "color": MUTED})
    hidden = {"visible": False}
    return _layout(figure, height=160, xaxis=hidden, yaxis=hidden)


def full_year_split(result: SimulationResult) -> tuple[float, float]:
    """Direct and induced parts of the full-year saving (effet en année pleine)."""
    direct = float(result.full_year_direct_saving)
    return direct, float(result.full_year_net_saving) - direct


def waterfall(result: SimulationResult) -> Chart:
    direct, induced = full_year_split(result)
    net = float(result.full_year_net_saving)
    figure = go.Figure(
        go.Waterfall(
            x=[_("Effets directs"), _("Effets induits"), _("Économie nette")],
            y=[direct, induced, net],
            measure=["relative", "relative", "total"],
            text=[euros(direct), euros(induced), euros(net)],
            textposition="outside",
            increasing={"marker": {"color": SAVING}},
            decreasing={"marker": {"color": COST}},
            totals={"marker": {"color": NEUTRAL}},
            connector={"line": {"color": MUTED}},
            hoverinfo="x+text",
        )
    )
    rows = [
        [_("Effets directs"), euros(direct)],
        [_("Effets induits"), euros(induced)],
        [_("Économie nette (année pleine)"), euros(net)],
    ]
    if result.target is not None:
        figure.add_hline(
            y=result.target,
            line_dash="dash",
            line_color=COST if not result.target_met else SAVING,
            annotation_text=_("Objectif %(amount)s") % {"amount": euros(result.target)},
            annotation_position="top left",
        )
        rows.insert(0, [_("Objectif"), euros(result.target)])
    _layout(figure, yaxis={"title": _("€ par an"), "zeroline": True, "zerolinecolor": MUTED})
    return Chart(
        "chart-waterfall",
        _("Des effets directs à l'économie nette (année pleine)"),
        figure,
        [_("Étape"), _("Montant")],
        rows,
        {1},
    )


def sankey(result: SimulationResult, measure_names: dict[str | None, str]) -> Chart:
    """Where the money moves: measures → lines they change → chapters (last year)."""
    prepared = result.prepared
    last = result.horizon - 1
    labels: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(kind: str, key: str, label: str) -> int:
        if (kind, key) not in index:
            index[(kind, key)] = len(labels)
            labels.append(label)
        return index[(kind, key)]

    links: dict[tuple[int, int], float] = {}
    signs: dict[tuple[int, int], float] = {}
    rows = []
    weights = prepared.saving_weights[0] + prepared.saving_weights[1]
    flows = []
    for k, measure in enumerate(result.measures):
        change = result.measure_direct[k][:, last] + result.measure_induced[k][:, last]
        for position in np.flatnonzero(np.abs(change) >= 0.5):
            line = result.rows[position]
            saving = float(change[position] * weights[line])
            if weights[line] == 0:
                saving = -float(change[position])  # chapter 16 or order: show the raw change
            flows.append((measure, line, saving))
    moved: dict[int, float] = {}
    for _measure, line, saving in flows:
        moved[line] = moved.get(line, 0.0) + abs(saving)
    shown = set(sorted(moved, key=lambda line: -moved[line])[:SANKEY_MAX_LINES])
    for measure, line, saving in flows:
        source = node("m", str(measure), measure_names.get(measure, str(measure)))
        code = str(prepared.codes[line])
        label = str(prepared.labels[line]) or code
        chapter = str(prepared.chapters[line])
        rows.append(
            [measure_names.get(measure, str(measure)), f"{label} ({code})", chapter, saving]
        )
        middle = node("l", code, label) if line in shown else node("l", "", _("Autres lignes"))
        end = node("c", chapter, _("Chapitre %(code)s") % {"code": chapter})
        for key in ((source, middle), (middle, end)):
            links[key] = links.get(key, 0.0) + abs(saving)
            signs[key] = signs.get(key, 0.0) + saving
    keys = list(links)
    if not keys:
        # plotly.js cannot lay out a sankey without nodes (it throws "Invalid array length"):
        # before any measure moves money, the chart says so instead.
        return Chart(
            "chart-sankey",
            _("Où l'argent bouge (année %(year)s) : mesures → lignes → chapitres")
            % {"year": result.horizon},
            _empty(_("Aucune mesure ne déplace encore d'argent.")),
            [_("Mesure"), _("Ligne"), _("Chapitre"), _("Effet sur l'épargne")],
            [],
            {3},
        )
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "pad": 18, "thickness": 16, "color": NEUTRAL},
            textfont={"size": 14, "color": "#1b1f24"},
            link={
                "source": [a for a, _ in keys],
                "target": [b for _, b in keys],
                "value": [links[key] for key in keys],
                "color": [
                    "rgba(30,107,52,0.45)" if signs[key] >= 0 else "rgba(179,38,30,0.45)"
                    for key in keys
                ],
                "customdata": [euros(signs[key]) for key in keys],
                "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}"
                "<extra></extra>",
            },
        )
    )
    _layout(figure, height=max(360, 34 * len(labels)))
    rows.sort(key=lambda row: -abs(row[3]))
    return Chart(
        "chart-sankey",
        _("Où l'argent bouge (année %(year)s) : mesures → lignes → chapitres")
        % {"year": result.horizon},
        figure,
        [_("Mesure"), _("Ligne"), _("Chapitre"), _("Effet sur l'épargne")],
        [[a, b, c, euros(d)] for a, b, c, d in rows],
        {3},
    )


def policy_areas(result: SimulationResult) -> Chart:
    """Operating spending by policy area, before and after the scenario (last year)."""
    totals = result.totals("function")
    last = totals[
        (totals["year"] == result.horizon)
        & (totals["section"] == "fonctionnement")
        & (totals["direction"] == "depense")
    ].copy()
    if "label" not in last.columns:
        last["label"] = ""
    last["name"] = [
        (
            f"{label}"
            if label
            else (_("Fonction %(code)s") % {"code": code} if code else _("Non ventilé"))
        )
        for code, label in zip(last["function"], last["label"], strict=True)
    ]
    last = last.sort_values("baseline")
    figure = go.Figure(
        [
            go.Bar(
                y=last["name"],
                x=last["baseline"],
                name=_("Avant"),
                orientation="h",
                marker_color=MUTED,
                hovertemplate=_("%{y} — avant : %{x:,.0f} €<extra></extra>"),
            ),
            go.Bar(
                y=last["name"],
                x=last["final"],
                name=_("Après"),
                orientation="h",
                marker_color=NEUTRAL,
                hovertemplate=_("%{y} — après : %{x:,.0f} €<extra></extra>"),
            ),
        ]
    )
    _layout(
        figure,
        height=max(320, 34 * len(last) + 80),
        barmode="group",
        legend={"orientation": "h", "y": 1.08},
        xaxis={"title": "€", "tickformat": ",.0f"},
        yaxis={"automargin": True},
    )
    rows = [
        [name, euros(b), euros(f), euros(f - b)]
        for name, b, f in zip(last["name"], last["baseline"], last["final"], strict=True)
    ][::-1]
    return Chart(
        "chart-areas",
        _("Dépenses de fonctionnement par politique publique, avant et après (année %(year)s)")
        % {"year": result.horizon},
        figure,
        [_("Politique publique"), _("Avant"), _("Après"), _("Écart")],
        rows,
        {1, 2, 3},
    )


def ratios(result: SimulationResult, baseline: SimulationResult) -> Chart:
    """Gross savings per year and the debt capacity against the 12-year national line."""
    years = [_("Année %(year)s") % {"year": y} for y in result.years]
    eb_before = [r.epargne_brute for r in baseline.ratios]
    eb_after = [r.epargne_brute for r in result.ratios]
    cap_after = [r.capacite_desendettement for r in result.ratios]
    figure = go.Figure(
        [
            go.Bar(
                x=years, y=eb_before, name=_("Épargne brute sans le scénario"), marker_color=MUTED
            ),
            go.Bar(
                x=years,
                y=eb_after,
                name=_("Épargne brute avec le scénario"),
                marker_color=NEUTRAL,
            ),
            go.Scatter(
                x=years,
                y=cap_after,
                name=_("Capacité de désendettement (années)"),
                yaxis="y2",
                mode="lines+markers",
                line={"color": COST, "width": 3},
            ),
            go.Scatter(
                x=years,
                y=[DEBT_CAPACITY_CEILING_YEARS] * len(years),
                name=_("Plafond national (%(years)s ans)") % {"years": DEBT_CAPACITY_CEILING_YEARS},
                yaxis="y2",
                mode="lines",
                line={"color": COST, "dash": "dot"},
            ),
        ]
    )
    top = max([c for c in cap_after if c is not None] + [DEBT_CAPACITY_CEILING_YEARS]) * 1.2
    _layout(
        figure,
        barmode="group",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        yaxis={"title": _("Épargne brute (€)"), "tickformat": ",.0f"},
        yaxis2={"title": _("Années"), "overlaying": "y", "side": "right", "range": [0, top]},
        height=460,
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
    )
    rows = []
    for y, before, after, r in zip(years, eb_before, eb_after, result.ratios, strict=True):
        capacity = r.capacite_desendettement
        rows.append(
            [
                y,
                euros(before),
                euros(after),
                "—"
                if r.taux_epargne_brute is None
                else f"{r.taux_epargne_brute * 100:.1f} %".replace(".", ","),
                _("non définie (épargne brute ≤ 0)")
                if capacity is None
                else _("%(years)s ans") % {"years": f"{capacity:.1f}".replace(".", ",")},
                euros(r.debt_end),
            ]
        )
    return Chart(
        "chart-ratios",
        _("Santé financière année par année"),
        figure,
        [
            _("Année"),
            _("Épargne brute sans le scénario"),
            _("Épargne brute avec"),
            _("Taux d'épargne brute"),
            _("Capacité de désendettement"),
            _("Dette en fin d'année"),
        ],
        rows,
        {1, 2, 3, 4, 5},
    )


def comparison(compared: list[dict]) -> Chart:
    """Net saving per year of several scenarios side by side."""
    figure = go.Figure()
    rows = []
    palette = [NEUTRAL, "#8a5a00", SAVING, COST]
    for i, item in enumerate(compared):
        result = item.get("result")
        if result is None:
            continue
        title = item["scenario"].title
        figure.add_bar(
            x=[_("Année %(year)s") % {"year": y} for y in result.years],
            y=list(result.net_saving),
            name=title,
            marker_color=palette[i % len(palette)],
        )
        rows.append(
            [title] + [euros(v) for v in result.net_saving] + [euros(result.full_year_net_saving)]
        )
    horizon = max((len(item["result"].years) for item in compared if item.get("result")), default=0)
    _layout(
        figure,
        barmode="group",
        legend={"orientation": "h", "y": 1.1},
        yaxis={"title": "€", "tickformat": ",.0f"},
    )
    return Chart(
        "chart-compare",
        _("Économie nette par année"),
        figure,
        [_("Scénario")]
        + [_("Année %(year)s") % {"year": y} for y in range(1, horizon + 1)]
        + [_("Année pleine")],
        rows,
        set(range(1, horizon + 2)),
    )
