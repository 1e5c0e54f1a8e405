"""Charts of the published results: a category's results frame in, plotly figure out.

The frame has one row per proposal in the order the rule considered them, with the columns
``label`` (public reference), ``title``, ``approvals``, ``amount``, ``status`` (a
``votes.tally.Status`` value), ``status_label`` (French) and ``after`` (envelope left, or the
cumulative saving). Each builder returns a ``Chart`` that carries its data table, so that a
template cannot show the figure without the table saying the same thing.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import FONT, Chart, euros
from votes.results.tally import Status

# Distinct in lightness as well as hue, so that they stay apart in grey; the legend and the
# data table name each status in words anyway.
STATUS_COLOURS = {
    Status.SELECTED: "#1e6b34",
    Status.DOES_NOT_FIT: "#b3591e",
    Status.BELOW_THRESHOLD: "#8a94a6",
    Status.TARGET_REACHED: "#1f4e8c",
}
LEFT = "#d9dee7"
ROW_HEIGHT = 26


def _layout(figure: go.Figure, *, height: int, **extra) -> go.Figure:
    figure.update_layout(
        font=FONT,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        **extra,
    )
    return figure


def approvals_chart(frame: pd.DataFrame, *, chart_id: str) -> Chart:
    """Approvals per proposal, in rank order, one colour per status."""
    figure = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = frame[frame["status"] == status.value]
        if part.empty:
            continue
        figure.add_trace(
            go.Bar(
                x=part["approvals"],
                y=part["label"],
                orientation="h",
                name=str(part["status_label"].iloc[0]),
                marker={"color": colour},
                customdata=part["title"],
                hovertemplate="%{y} — %{customdata}<br>%{x} voix<extra></extra>",
            )
        )
    _layout(
        figure,
        height=120 + ROW_HEIGHT * max(len(frame), 1),
        barmode="overlay",
        yaxis={"categoryorder": "array", "categoryarray": list(frame["label"])[::-1]},
        xaxis={"title": _("Voix"), "gridcolor": "#e5e8ee"},
        legend={"orientation": "h", "y": -0.08, "yanchor": "top"},
    )
    rows = [[r.label, r.title, r.approvals, r.status_label] for r in frame.itertuples(index=False)]
    return Chart(
        id=chart_id,
        title=_("Voix par proposition"),
        figure=figure,
        columns=[_("Référence"), _("Titre"), _("Voix"), _("Statut")],
        rows=rows,
        numeric={2},
    )


def _stacked_selection(frame: pd.DataFrame, axis: str) -> tuple[pd.DataFrame, go.Figure, float]:
    """One bar segment per selected proposal, in selection order, and their total."""
    selected = frame[frame["status"] == Status.SELECTED.value]
    figure = go.Figure()
    for row in selected.itertuples(index=False):
        figure.add_trace(
            go.Bar(
                x=[float(row.amount)],
                y=[axis],
                orientation="h",
                name=row.label,
                marker={"color": STATUS_COLOURS[Status.SELECTED], "line": {"color": "white"}},
                hovertemplate=f"{row.label} — {euros(row.amount)}<extra></extra>",
                showlegend=False,
            )
        )
    total = float(selected["amount"].sum()) if not selected.empty else 0.0
    return selected, figure, total


def envelope_chart(frame: pd.DataFrame, *, envelope: float, chart_id: str) -> Chart:
    """How the envelope is spent: one segment per selected project, in selection order, then
    what is left."""
    selected, figure, spent = _stacked_selection(frame, _("Enveloppe"))
    left = max(envelope - spent, 0.0)
    figure.add_trace(
        go.Bar(
            x=[left],
            y=[_("Enveloppe")],
            orientation="h",
            name=_("Reste"),
            marker={"color": LEFT},
            hovertemplate=f"{_('Reste')} — {euros(left)}<extra></extra>",
            showlegend=False,
        )
    )
    _layout(figure, height=160, barmode="stack", xaxis={"title": _("€"), "range": [0, envelope]})
    rows = [
        [row.label, row.title, euros(row.amount), euros(row.after)]
        for row in selected.itertuples(index=False)
    ]
    rows.append([_("Reste"), "", euros(left), ""])
    return Chart(
        id=chart_id,
        title=_("Consommation de l'enveloppe"),
        figure=figure,
        columns=[_("Référence"), _("Titre"), _("Montant"), _("Enveloppe restante après")],
        rows=rows,
        numeric={2, 3},
    )


def target_chart(frame: pd.DataFrame, *, target: float, chart_id: str) -> Chart:
    """Savings: the cumulative saving of the selected measures against the target."""
    selected, figure, saved = _stacked_selection(frame, _("Économies"))
    figure.add_vline(x=target, line={"color": "#1f2937", "dash": "dash"})
    figure.add_annotation(x=target, y=1, yref="paper", text=_("Objectif"), showarrow=False)
    _layout(
        figure,
        height=160,
        barmode="stack",
        xaxis={"title": _("€ par an"), "range": [0, max(target, saved) * 1.05 or 1]},
    )
    rows = [
        [row.label, row.title, euros(row.amount), euros(row.after)]
        for row in selected.itertuples(index=False)
    ]
    rows.append([_("Objectif"), "", euros(target), ""])
    return Chart(
        id=chart_id,
        title=_("Économies cumulées et objectif"),
        figure=figure,
        columns=[_("Référence"), _("Titre"), _("Économie par an"), _("Économie cumulée")],
        rows=rows,
        numeric={2, 3},
    )
