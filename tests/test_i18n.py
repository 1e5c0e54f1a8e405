"""English second: a visitor who picks English gets the English catalogue; French stays the default.

The catalogue itself is checked entry by entry (every msgid translated, nothing fuzzy, the
same placeholders on both sides), with a small .po reader: polib is not a dependency.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.factories import make_budget, make_line
from tests.simulator.factories import make_measure, pool_budget

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue():
    """`make test` compiles the catalogue first; a bare `pytest` may find none, or a stale one."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv"], verbosity=0)
        # Django caches each language's catalogue on first use: forget any loaded before the .mo.
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
    return MO


# --- a tiny .po reader ---------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgid, msgstr or msgstr[n], msgctxt, msgid_plural, flags."""
    entries: list[dict] = []
    entry: dict = {"flags": set()}
    field = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, field = {"flags": set()}, None
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            field = match.group(1)
            entry[field] = _unquote(match.group(2))
        elif line.startswith('"') and field:
            entry[field] += _unquote(line[1:-1])
        else:
            raise AssertionError(f"unreadable line in {path.name}: {raw!r}")
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def label(entry: dict) -> str:
    context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
    return context + entry["msgid"]


def test_the_reader_understands_multiline_plural_and_escaped_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Ligne %(row)s : "\n"« \\"x\\" »"\n'
        'msgstr "Row %(row)s: “\\"x\\"”"\n\n'
        'msgctxt "mois"\nmsgid "%(n)s an"\nmsgid_plural "%(n)s ans"\n'
        'msgstr[0] "%(n)s year"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )

    header, multiline, plural = read_po(po)

    assert header["msgstr"] == "Language: en\n"
    assert multiline["msgid"] == 'Ligne %(row)s : « "x" »'
    assert multiline["flags"] == {"fuzzy", "python-format"}
    assert plural["msgctxt"] == "mois"
    assert translations(plural) == ["%(n)s year", ""]


# --- the catalogue -------------------------------------------------------------------------


def test_the_english_catalogue_declares_its_language_and_plural_forms():
    header = read_po(PO)[0]

    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"]


def test_every_entry_of_the_english_catalogue_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)[1:]

    untranslated = [label(e) for e in entries if not all(s.strip() for s in translations(e))]
    fuzzy = [label(e) for e in entries if "fuzzy" in e["flags"]]
    assert len(entries) > 300  # the whole interface, not a stub
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_the_placeholders_of_their_msgid():
    named = re.compile(r"%\(\w+\)[sd]")
    braces = re.compile(r"\{\w+\}")
    mismatches = []
    for entry in read_po(PO)[1:]:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for pattern in (named, braces):
            expected = set().union(*(pattern.findall(s) for s in sources))
            for translated in translations(entry):
                found = set(pattern.findall(translated))
                # A singular may spell out "1" instead of its count, never invent a placeholder.
                if found - expected or (len(translations(entry)) == 1 and found != expected):
                    mismatches.append((label(entry), translated))
    assert mismatches == []


def test_the_compiled_catalogue_is_the_one_django_uses(compiled_catalogue):
    assert compiled_catalogue.stat().st_mtime >= PO.stat().st_mtime
    with translation.override("en"):
        assert translation.gettext("Les grandes masses") == "The big picture"
        assert translation.ngettext("%(counter)s ligne", "%(counter)s lignes", 2) == (
            "%(counter)s lines"
        )
    with translation.override("fr"):
        assert translation.gettext("Les grandes masses") == "Les grandes masses"


# --- the screens ---------------------------------------------------------------------------


@pytest.fixture
def small_budget(db):
    budget = make_budget()
    make_line(budget, chapter="011", account="60612", amount=Decimal("80000"))
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("100000"))
    return budget


def test_choosing_english_translates_the_budget_overview(client, small_budget):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    body = html.unescape(client.get(f"/budgets/{small_budget.slug}/").content.decode())

    assert '<html lang="en">' in body
    for english in ("The big picture", "Financial health", "Where the money goes"):
        assert english in body
    for french in ("Les grandes masses", "La santé financière", "Où va l'argent"):
        assert french not in body


def test_the_simulator_speaks_english_to_an_english_visitor(client, small_budget):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = html.unescape(client.get(f"/budgets/{small_budget.slug}/simulateur/").content.decode())

    assert '<html lang="en">' in body
    legend = re.search(r"<legend>(.*?)</legend>", body.split("Target and horizon", 1)[1], re.S)
    assert legend and legend.group(1).endswith(" prepared by the council departments")
    assert ">Measures<" in legend.group(1)
    assert "préparées par les services" not in body
    assert "Budget simulator" in body


def test_the_scenario_summary_is_written_in_english_for_an_english_visitor(client, db):
    budget, lines = pool_budget(savings_target=Decimal("50000"))
    make_measure(
        budget, lines["pool_staff"], slug="piscine-lundi", title="Pool", amount=Decimal("-45000")
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"measures": ["piscine-lundi"], "horizon": "3", "target": "50000"},
        headers={"HX-Request": "true"},
    )

    body = html.unescape(response.content.decode())
    # 45 000 of pool staff saved, 10 % of it lost in tickets (4 500): 40 500, 9 500 short.
    assert (
        f"Your scenario saves 40{NNBSP}500{NBSP}€ a year in a full year, including "
        f"−4{NNBSP}500{NBSP}€ of linked effects; it is 9{NNBSP}500{NBSP}€ short of the "
        f"50{NNBSP}000{NBSP}€ target." in body
    )
    assert "Scenario result" in body


def test_french_stays_the_default_language(client, small_budget):
    body = html.unescape(client.get(f"/budgets/{small_budget.slug}/").content.decode())

    assert '<html lang="fr">' in body
    assert "Les grandes masses" in body
    assert "The big picture" not in body


def test_french_is_back_after_switching_from_english(client, small_budget):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    body = html.unescape(client.get(f"/budgets/{small_budget.slug}/simulateur/").content.decode())

    assert '<html lang="fr">' in body
    assert "préparées par les services</legend>" in body
