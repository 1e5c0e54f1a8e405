"""Charts of the participation statistics: the statistics dict in, ``Chart``s out (pure).

Each chart carries the very table of ``votes.statistics_tables`` it draws, so the screen
never shows a figure without its data in words, and a hidden cell ("< 5", "masqué") is drawn
as an empty bar, never as its true value: the figure holds nothing the table does not.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import FONT, Chart
from votes.statistics.tables import (
    Table,
    cell,
    dimension_table,
    funnel_table,
    participants_table,
    rates_table,
)

RESIDENT_COLOUR = "#1f4e8c"
UNKNOWN_COLOUR = "#8a94a6"
# Outside contributions stand out in a warm colour, and by their name in the legend.
OUTSIDE_COLOUR = "#b3591e"
POPULATION_COLOURS = ["#1f4e8c", "#1e6b34", "#6b3fa0", "#b3591e", "#8a94a6", "#0f766e", "#374151"]
ROW_HEIGHT = 34


def _layout(figure: go.Figure, *, height: int, **extra) -> go.Figure:
    figure.update_layout(
        font=FONT,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        **extra,
    )
    return figure


def _value(count: int | str | None) -> int:
    return count if isinstance(count, int) else 0


def _hover(count: int | str | None) -> str:
    return str(cell(count))


def _chart(table: Table, figure: go.Figure, chart_id: str) -> Chart:
    return Chart(
        id=chart_id,
        title=table.title,
        figure=figure,
        columns=table.headers,
        rows=table.rows,
        numeric=set(range(1, len(table.headers))),
    )


def participants_chart(stats: dict[str, Any], *, chart_id: str = "stat-participants") -> Chart:
    """People per phase and channel: residents, unknown residence, and outside apart."""
    rows = stats["participants"]
    labels = [row["label"] for row in rows]
    figure = go.Figure()
    for key, name, colour in (
        ("resident", _("Résidents du territoire"), RESIDENT_COLOUR),
        ("unknown", _("Résidence inconnue"), UNKNOWN_COLOUR),
        ("outside", _("Hors territoire"), OUTSIDE_COLOUR),
    ):
        figure.add_trace(
            go.Bar(
                x=[_value(row[key]) for row in rows],
                y=labels,
                orientation="h",
                name=name,
                marker={"color": colour},
                customdata=[_hover(row[key]) for row in rows],
                hovertemplate="%{y}<br>" + name + " : %{customdata}<extra></extra>",
            )
        )
    _layout(
        figure,
        height=140 + ROW_HEIGHT * len(rows),
        barmode="group",
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1]},
        xaxis={"title": _("Personnes"), "gridcolor": "#e5e8ee"},
    )
    return _chart(participants_table(stats), figure, chart_id)


def dimension_chart(stats: dict[str, Any], code: str, *, chart_id: str | None = None) -> Chart:
    """Age bands, genders or communes: one bar series per population, the territory only
    (outside accounts are a row of the table, not mixed into these bars)."""
    block = stats[code]
    labels = [row["label"] for row in block["rows"]]
    figure = go.Figure()
    for index, population in enumerate(stats["populations"]):
        counts = [row["counts"][population["code"]] for row in block["rows"]]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=[_value(count) for count in counts],
                name=population["label"],
                marker={"color": POPULATION_COLOURS[index % len(POPULATION_COLOURS)]},
                customdata=[_hover(count) for count in counts],
                hovertemplate="%{x}<br>" + population["label"] + " : %{customdata}<extra></extra>",
            )
        )
    _layout(
        figure,
        height=420,
        barmode="group",
        yaxis={"title": _("Personnes"), "gridcolor": "#e5e8ee"},
    )
    return _chart(dimension_table(stats, code), figure, chart_id or f"stat-{code}")


def rates_chart(stats: dict[str, Any], *, chart_id: str = "stat-rates") -> Chart:
    """Voters per 1,000 inhabitants, commune by commune (those with a population)."""
    block = stats["commune"]
    voters = "voters" if any(p["code"] == "voters" for p in stats["populations"]) else None
    rows = [row for row in block["rows"] if row["population"]]
    figure = go.Figure()
    if voters is not None:
        values = [row["rates"][voters] for row in rows]
        figure.add_trace(
            go.Bar(
                x=[row["label"] for row in rows],
                y=[float(v) if v is not None else 0 for v in values],
                name=_("Votants pour 1 000 habitants"),
                marker={"color": RESIDENT_COLOUR},
                customdata=[v.replace(".", ",") if v else "—" for v in values],
                hovertemplate="%{x} : %{customdata}<extra></extra>",
            )
        )
    _layout(
        figure,
        height=380,
        yaxis={"title": _("Votants pour 1 000 habitants"), "gridcolor": "#e5e8ee"},
        showlegend=False,
    )
    return _chart(rates_table(stats), figure, chart_id)


def funnel_chart(stats: dict[str, Any], *, chart_id: str = "stat-funnel") -> Chart:
    """Proposals → feasible → on the ballot → selected → adopted (the steps reached)."""
    steps = [step for step in stats["funnel"] if step["count"] is not None]
    figure = go.Figure(
        go.Funnel(
            y=[step["label"] for step in steps],
            x=[step["count"] for step in steps],
            marker={"color": RESIDENT_COLOUR},
            textinfo="value+percent initial",
            hovertemplate="%{y} : %{x}<extra></extra>",
        )
    )
    _layout(figure, height=140 + 50 * max(len(steps), 1))
    return _chart(funnel_table(stats), figure, chart_id)


def statistics_charts(stats: dict[str, Any]) -> list[Chart]:
    """Every chart of the analysis screen, in its order."""
    return [
        participants_chart(stats),
        funnel_chart(stats),
        dimension_chart(stats, "age"),
        dimension_chart(stats, "gender"),
        dimension_chart(stats, "commune"),
        rates_chart(stats),
    ]
