"""Charts of a workshop's comparison: `simulator.consensus` data in, plotly and its table out."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import COST, FONT, MUTED, NEUTRAL, SAVING, Chart, euros
from votes.workshops.consensus import Comparison

# One colour per kind of group; the data table names them, the colours only tell them apart.
KIND_COLOURS = [NEUTRAL, "#8a5a00", SAVING, "#6b3fa0", COST, "#4a5260"]


def _money(value: Decimal | None) -> str:
    return "—" if value is None else euros(value)


def _layout(figure: go.Figure, **extra) -> go.Figure:
    figure.update_layout(
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        legend={"orientation": "h", "y": 1.12},
        **extra,
    )
    return figure


def gap_text(value: Decimal | None, target: Decimal | None) -> str:
    """How far a group's full-year saving is from the target ("+5 000 €" past it)."""
    if value is None or target is None:
        return "—"
    gap = value - target
    return ("+" if gap > 0 else "") + euros(gap)


def spread_chart(comparison: Comparison, target: Decimal | None) -> Chart:
    """One bar per group (full year, first year) against the target, and the median."""
    groups = comparison.groups
    names = [group.name for group in groups]
    full = [float(value or 0) for value in comparison.full_year.values]
    first = [float(value or 0) for value in comparison.first_year.values]
    met = [
        target is not None and value is not None and value >= target
        for value in comparison.full_year.values
    ]
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=full,
        name=_("Année pleine"),
        marker_color=[SAVING if ok else NEUTRAL for ok in met],
        text=[_money(value) for value in comparison.full_year.values],
        textposition="outside",
        hoverinfo="x+text",
    )
    figure.add_bar(x=names, y=first, name=_("Première année"), marker_color=MUTED)
    if target is not None:
        figure.add_hline(
            y=float(target),
            line_dash="dash",
            line_color=COST,
            annotation_text=_("Objectif %(amount)s") % {"amount": euros(target)},
            annotation_position="top left",
        )
    median = comparison.full_year.median
    if median is not None and len(groups) > 1:
        figure.add_hline(
            y=float(median),
            line_dash="dot",
            line_color=NEUTRAL,
            annotation_text=_("Médiane %(amount)s") % {"amount": euros(median)},
            annotation_position="bottom right",
        )
    _layout(
        figure,
        height=420,
        barmode="group",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        yaxis={
            "title": _("Économie nette (€ par an)"),
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
    )
    rows = [
        [group.name, _money(full_year), _money(first_year), gap_text(full_year, target)]
        for group, full_year, first_year in zip(
            groups, comparison.full_year.values, comparison.first_year.values, strict=True
        )
    ]
    return Chart(
        "chart-workshop-spread",
        _("Économie nette de chaque groupe face à l'objectif"),
        figure,
        [_("Groupe"), _("Année pleine"), _("Première année"), _("Écart à l'objectif")],
        rows,
        {1, 2, 3},
    )


def consensus_chart(comparison: Comparison, kind_labels: Mapping[str, str]) -> Chart:
    """The share of groups choosing each measure, split by kind of group when kinds are set."""
    rows = list(reversed(comparison.rows))  # plotly draws the first category at the bottom
    titles = [row.title for row in rows]
    total = len(comparison.groups)
    figure = go.Figure()
    figure.add_bar(
        y=titles,
        x=[round(row.count * 100 / total) for row in rows],
        orientation="h",
        name=_("Tous les groupes"),
        marker_color=[SAVING if row.consensus else NEUTRAL for row in rows],
        text=[f"{row.count}/{total}" for row in rows],
        textposition="outside",
        hoverinfo="y+text",
    )
    for index, (kind, _count) in enumerate(comparison.kinds):
        figure.add_bar(
            y=titles,
            x=[row.by_kind[index].percent for row in rows],
            orientation="h",
            name=kind_labels.get(kind) or _("Type non précisé"),
            marker_color=KIND_COLOURS[(index + 1) % len(KIND_COLOURS)],
            hoverinfo="y+x+name",
        )
    figure.add_vline(
        x=50,
        line_dash="dash",
        line_color=COST,
        annotation_text=_("Consensus : la moitié des groupes"),
        annotation_position="top",
    )
    _layout(
        figure,
        height=max(260, 120 + len(rows) * (30 + 14 * len(comparison.kinds))),
        barmode="group",
        margin={"l": 10, "r": 30, "t": 70, "b": 10},
        xaxis={"title": _("Part des groupes (%)"), "range": [0, 110], "ticksuffix": " %"},
        yaxis={"automargin": True},
    )
    columns = [_("Mesure"), _("Groupes"), _("Consensus")]
    columns += [
        _("Groupes « %(kind)s »") % {"kind": kind_labels.get(kind) or _("type non précisé")}
        for kind, _count in comparison.kinds
    ]
    table = [
        [
            row.title,
            _("%(count)s sur %(total)s") % {"count": row.count, "total": total},
            _("consensus") if row.consensus else "—",
            *[
                _("%(count)s sur %(total)s (%(percent)s\u00a0%%)")
                % {"count": share.chosen, "total": share.groups, "percent": share.percent}
                for share in row.by_kind
            ],
        ]
        for row in comparison.rows
    ]
    return Chart(
        "chart-workshop-consensus",
        _("Part des groupes qui choisissent chaque mesure"),
        figure,
        columns,
        table,
        {1, *range(3, 3 + len(comparison.kinds))},
    )
