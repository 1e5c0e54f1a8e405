"""A plotly figure as a `<div>` that static/js/charts.js draws: no inline script.

plotly's own `to_html` writes an inline `<script>` and `style` attributes, which the
Content-Security-Policy (`SECURE_CSP` in config/settings.py) refuses. The figure travels in a
`data-plotly` attribute instead (escaped like any attribute), and one static script draws every
such `<div>` when the page loads and whenever htmx swaps new content in.
"""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.html import format_html
from django.utils.safestring import SafeString
from plotly.io.json import to_json_plotly


def figure_div(figure: go.Figure, *, div_id: str, config: dict) -> SafeString:
    spec = figure.to_plotly_json()
    payload = to_json_plotly(
        {"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": config}
    )
    return format_html(
        '<div id="{}" class="plotly-graph-div plotly-figure" data-plotly="{}"></div>',
        div_id,
        payload,
    )
