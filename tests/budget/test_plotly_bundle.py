"""The pages load a partial plotly.js (frontend/plotly/): every trace type the app draws, and
no other (issue 15 §5: the full bundle weighed 4.8 MB, 1.4 MB compressed)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUNDLE = ROOT / "static" / "vendor" / "plotly-arbitrages.min.js"
TRACES = {"bar", "funnel", "sankey", "scatter", "sunburst", "waterfall"}
# plotly.py's graph objects, as the figures are written (go.Bar(...)), and their trace type.
FIGURE_CALL = re.compile(r"\bgo\.([A-Z][A-Za-z]+)\(")
NOT_TRACES = {"Figure", "Layout"}


def bundled_traces() -> set[str]:
    text = BUNDLE.read_text(encoding="utf-8")
    return set(re.findall(r'moduleType:"trace",name:"([a-z]+)"', text))


def test_the_bundle_holds_exactly_the_listed_trace_types():
    assert bundled_traces() == TRACES


def test_every_trace_type_the_code_draws_is_in_the_bundle():
    drawn = set()
    for folder in ("budget", "simulator", "votes"):
        for path in (ROOT / folder).rglob("*.py"):
            drawn |= set(FIGURE_CALL.findall(path.read_text(encoding="utf-8")))
    drawn = {name.lower() for name in drawn - NOT_TRACES}

    assert drawn, "no figure found: the pattern no longer matches how figures are written"
    assert drawn <= bundled_traces(), (
        f"ajoutez {sorted(drawn - bundled_traces())} à frontend/plotly/index.js"
        " puis `make plotly-bundle`"
    )


def test_the_bundle_is_a_third_of_the_full_one_compressed():
    # The full plotly.js 4.1.1 is 1.47 MB gzipped; the partial one 0.48 MB.
    assert len(gzip.compress(BUNDLE.read_bytes())) < 600_000


def test_no_template_loads_the_full_bundle():
    for path in (ROOT / "templates").rglob("*.html"):
        assert "plotly.min.js" not in path.read_text(encoding="utf-8"), path
