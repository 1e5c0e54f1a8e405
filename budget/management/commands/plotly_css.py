"""Write static/css/plotly.css: plotly.js's own page-wide rules, as a file.

plotly.js adds these rules through an inline `<style>`, which the Content-Security-Policy
refuses; it skips that when the page has an element `#plotly.js-style-global.no-inline-styles`
(templates/_plotly.html links this file with that id). The rules are read from the bundle
the app serves (static/vendor/plotly-arbitrages.min.js, built by `make plotly-bundle`), so that
they follow its version: run this command after rebuilding it (tests/budget/test_plotly_css.py
fails until then).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BUNDLE = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly-arbitrages.min.js"
TARGET = Path(settings.BASE_DIR) / "static" / "css" / "plotly.css"
START = '{"X,X div":'
# plotly.js writes "X" for its figures and "Y" for its notifier, then expands them. Keys are
# quoted, or bare when the minifier could (Y); values are in single or double quotes.
PAIR = re.compile(
    r'(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*)):'
    r"(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")[,}]"
)


def plotly_rules(bundle: str) -> list[tuple[str, str]]:
    start = bundle.find(START)
    if start < 0:
        raise CommandError(_("Règles de style introuvables dans plotly.min.js."))
    position, rules = start + 1, []
    while (match := PAIR.match(bundle, position)) is not None:
        selector = (match.group(1) or match.group(2)).replace('\\"', '"')
        body = match.group(3) if match.group(3) is not None else match.group(4)
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append((selector, body.replace("\\'", "'").replace('\\"', '"')))
        position = match.end()
        if bundle[position - 1] == "}":
            return rules
    raise CommandError(_("Règles de style de plotly.min.js illisibles."))


def plotly_css() -> str:
    header = (
        f"/* plotly.js {plotly_version()} page-wide rules, written by `manage.py plotly_css`"
        " (do not edit). */\n"
    )
    rules = plotly_rules(BUNDLE.read_text(encoding="utf-8"))
    # plotly.js inserts each rule at the top of its sheet: the last one written comes first.
    return header + "".join(f"{selector} {{ {body} }}\n" for selector, body in reversed(rules))


def plotly_version() -> str:
    head = BUNDLE.read_text(encoding="utf-8")[:200]
    found = re.search(r"plotly\.js v([\d.]+)", head)
    return found.group(1) if found else "?"


class Command(BaseCommand):
    help = gettext_lazy(
        "Écrit static/css/plotly.css à partir de plotly.js installé (CSP sans style en ligne)."
    )

    def handle(self, *args, **options) -> None:
        TARGET.write_text(plotly_css(), encoding="utf-8")
        self.stdout.write(str(TARGET))
