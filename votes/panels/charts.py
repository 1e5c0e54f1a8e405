"""The panel's composition against its quotas, as charts with their data tables (no request)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import MUTED, NEUTRAL, SAVING, Chart, _layout
from votes.panels.services import AttributeComposition


def composition_chart(group: AttributeComposition, index: int) -> Chart:
    """Bars: panel members per value; the quota's range as a line from minimum to maximum."""
    labels = [label for label, _row in group.rows]
    rows = [row for _label, row in group.rows]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name=_("Tirés au sort"),
            x=labels,
            y=[row.selected for row in rows],
            marker={"color": NEUTRAL},
            text=[str(row.selected) for row in rows],
            textposition="outside",
        )
    )
    figure.add_trace(
        go.Scatter(
            name=_("Quota (minimum – maximum)"),
            x=labels,
            y=[(row.minimum + row.maximum) / 2 for row in rows],
            mode="markers",
            marker={"symbol": "line-ew", "size": 28, "color": SAVING, "line": {"width": 3}},
            error_y={
                "type": "data",
                "symmetric": True,
                "array": [(row.maximum - row.minimum) / 2 for row in rows],
                "color": SAVING,
                "thickness": 3,
                "width": 14,
            },
            hovertext=[f"{row.minimum} – {row.maximum}" for row in rows],
            hoverinfo="x+text",
        )
    )
    _layout(
        figure,
        height=320,
        yaxis={"title": _("Personnes"), "rangemode": "tozero", "gridcolor": MUTED},
        legend={"orientation": "h", "y": -0.2},
    )
    return Chart(
        f"chart-panel-{index}",
        _("Composition du panel : %(attribute)s") % {"attribute": group.label},
        figure,
        [_("Valeur"), _("Minimum"), _("Maximum"), _("Tirés au sort"), _("Dans le vivier")],
        [[label, row.minimum, row.maximum, row.selected, row.pool] for label, row in group.rows],
        {1, 2, 3, 4},
    )
