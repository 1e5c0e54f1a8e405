"""static/css/plotly.css holds the rules of the installed plotly.js (the policy refuses the
<style> plotly.js would otherwise add)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from budget.management.commands.plotly_css import plotly_css, plotly_rules


def test_the_committed_stylesheet_matches_the_installed_plotly_js():
    committed = (Path(settings.BASE_DIR) / "static" / "css" / "plotly.css").read_text()

    assert committed == plotly_css(), "plotly a changé : lancez `manage.py plotly_css`."


def test_the_rules_are_expanded_as_plotly_js_does():
    bundle = 'x={"X,X div":\'margin:0;\',Y:"top:0;","X a:hover":"fill:#3c6dc5;"};'

    assert plotly_rules(bundle) == [
        (".js-plotly-plot .plotly,.js-plotly-plot .plotly div", "margin:0;"),
        (".plotly-notifier", "top:0;"),
        (".js-plotly-plot .plotly a:hover", "fill:#3c6dc5;"),
    ]


def test_a_bundle_without_the_rules_is_refused():
    with pytest.raises(CommandError, match="introuvables"):
        plotly_rules("var x = 1;")
