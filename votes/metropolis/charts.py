"""The consolidated view's figure: ballots and adopted proposals per commune (pure), with the
very table it draws, so the page never shows a figure without its data in words."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from budget.templatetags.budget_tags import money
from simulator.charts import FONT, Chart
from votes.metropolis.consolidation import Consolidation

BALLOTS_COLOUR = "#1f4e8c"
ADOPTED_COLOUR = "#1e6b34"
ROW_HEIGHT = 40


def groups_chart(consolidation: Consolidation, *, chart_id: str = "metropole-communes") -> Chart:
    groups = consolidation.groups
    labels = [group.name for group in groups]
    figure = go.Figure()
    for name, values, colour in (
        (_("Bulletins"), [g.totals.ballots for g in groups], BALLOTS_COLOUR),
        (_("Propositions adoptées"), [g.totals.adopted_count for g in groups], ADOPTED_COLOUR),
    ):
        figure.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=name,
                marker={"color": colour},
                hovertemplate="%{y}<br>" + name + " : %{x}<extra></extra>",
            )
        )
    figure.update_layout(
        font=FONT,
        height=140 + ROW_HEIGHT * len(groups),
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        barmode="group",
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "automargin": True},
        xaxis={"gridcolor": "#e5e8ee"},
    )
    return Chart(
        id=chart_id,
        title=_("Bulletins et propositions adoptées par commune"),
        figure=figure,
        columns=[
            _("Commune"),
            _("Campagnes ou parts"),
            _("Bulletins"),
            _("Propositions adoptées"),
            _("Projets adoptés (coût)"),
            _("Économies adoptées (par an)"),
        ],
        rows=[
            [
                group.name,
                group.totals.parts,
                group.totals.ballots,
                group.totals.adopted_count,
                money(group.totals.adopted_cost),
                money(group.totals.adopted_saving),
            ]
            for group in groups
        ],
        numeric={1, 2, 3, 4, 5},
    )
