from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from budget.glossary import terms as glossary
from budget.glossary.terms import lookup
from budget.models import GlossaryTerm
from budget.roles import FACILITATOR
from tests.factories import make_authority, make_budget, make_line, make_user

pytestmark = pytest.mark.django_db

ISSUE_TERMS = [
    "fonctionnement",
    "investissement",
    "épargne brute",
    "capacité de désendettement",
    "chapitre",
    "fonction",
    "impact induit",
]


def render(source: str, **context) -> str:
    return Template("{% load budget_tags %}" + source).render(Context(context))


def glossary_queries(captured) -> int:
    return sum("budget_glossaryterm" in query["sql"] for query in captured)


def test_every_key_term_of_the_explorer_and_the_issue_has_an_entry():
    for term in [
        *ISSUE_TERMS,
        "dépense",
        "recette",
        "réel",
        "ordre",
        "compte",
        "article",
        "épargne de gestion",
        "épargne nette",
        "taux d'épargne brute",
        "encours de dette",
        "ligne ajustable",
        "plancher",
        "€/habitant",
        "budget primitif",
        "compte administratif",
        "effet en première année",
    ]:
        entry = lookup(term)
        assert entry is not None, term
        assert entry["definition"] and entry["example"], term


def test_lookup_ignores_case_accents_spaces_and_typographic_apostrophes():
    assert lookup("Taux d’épargne  brute")["key"] == "taux-depargne-brute"
    assert lookup("  EPARGNE BRUTE ") == lookup("épargne brute")
    assert lookup("Capacite de desendettement")["term"] == "capacité de désendettement"


def test_lookup_follows_aliases_and_keys_and_knows_nothing_else():
    assert lookup("article")["key"] == "compte"
    assert lookup("CAF brute")["key"] == "epargne-brute"
    assert lookup("impact-induit")["term"] == "impact induit"
    assert lookup("licorne") is None
    assert lookup("") is None


def test_a_term_added_by_the_team_is_found_at_once():
    team = make_user(roles=(FACILITATOR,))
    assert lookup("FCTVA") is None

    glossary.glossary_term_create(
        term="FCTVA", definition="Fonds de compensation de la TVA.", example="16 %.", by=team
    )

    assert lookup("fctva")["definition"] == "Fonds de compensation de la TVA."


def test_an_edit_and_a_deletion_show_at_once():
    team = make_user(roles=(FACILITATOR,))
    entry = GlossaryTerm.objects.get(key="epargne-brute")
    assert "Recettes réelles" in lookup("épargne brute")["definition"]

    glossary.glossary_term_update(
        glossary_term=entry, term="épargne brute", definition="Nouvelle définition.", by=team
    )
    assert lookup("épargne brute")["definition"] == "Nouvelle définition."
    assert lookup("épargne brute")["example"] == ""

    glossary.glossary_term_delete(glossary_term=entry, by=team)
    assert lookup("épargne brute") is None
    assert lookup("CAF brute") is None


def test_a_reworded_term_keeps_its_key_and_answers_to_both_wordings():
    team = make_user(roles=(FACILITATOR,))
    entry = GlossaryTerm.objects.get(key="chapitre")

    glossary.glossary_term_update(
        glossary_term=entry, term="chapitre budgétaire", definition="Regroupement.", by=team
    )

    entry.refresh_from_db()
    assert entry.key == "chapitre"
    assert lookup("chapitre")["term"] == "chapitre budgétaire"
    assert lookup("Chapitre budgétaire")["key"] == "chapitre"


def test_a_change_made_by_another_process_shows_on_the_next_request(client):
    budget = make_budget()
    client.get(f"/budgets/{budget.slug}/")
    # queryset.update() sends no signal: like a save in another gunicorn worker.
    GlossaryTerm.objects.filter(key="epargne-brute").update(
        definition="Écrit par un autre processus.", updated_at=timezone.now()
    )

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    assert "Écrit par un autre processus." in body


def test_a_page_full_of_tooltips_reads_the_glossary_once(client):
    authority = make_authority(population=1000)
    budget = make_budget(authority=authority, debt_start=Decimal("500000"))
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("9e5"))
    make_line(budget, chapter="012", account="64111", amount=Decimal("250000"))
    glossary.forget()

    with CaptureQueriesContext(connection) as cold:
        first = client.get(f"/budgets/{budget.slug}/")
    with CaptureQueriesContext(connection) as warm:
        client.get(f"/budgets/{budget.slug}/")

    assert first.content.decode().count('<span class="term"') >= 20
    assert glossary_queries(cold.captured_queries) == 1
    assert glossary_queries(warm.captured_queries) == 1


def test_the_term_tag_renders_an_accessible_tooltip():
    html = render('{% term "épargne brute" %}')

    assert html.startswith('<span class="term" tabindex="0" aria-describedby="def-')
    assert '>épargne brute<span class="definition" role="tooltip" id="def-' in html
    assert "Recettes réelles de fonctionnement moins dépenses" in html
    assert "Exemple : RRF 10 M€ − DRF 9 M€" in html
    described_by = html.split('aria-describedby="')[1].split('"')[0]
    assert f'id="{described_by}"' in html


def test_the_visible_text_may_differ_from_the_key():
    html = render('{% term "épargne brute" "Épargne brute" %}')

    assert '<span class="term" tabindex="0"' in html
    assert '>Épargne brute<span class="definition"' in html


def test_the_visible_text_is_translated():
    with translation.override("en"):
        expected = translation.gettext("Épargne brute")
        if expected == "Épargne brute":
            pytest.skip("no compiled English catalogue")
        literal = render('{% term "épargne brute" "Épargne brute" %}')
        marked = render('{% term "épargne brute" _("Épargne brute") %}')

    assert f">{expected}<span" in literal
    assert f">{expected}<span" in marked


def test_two_tooltips_on_a_page_get_different_ids():
    html = render('{% term "ordre" %} {% term "ordre" %}')

    ids = re.findall(r'aria-describedby="([^"]+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


def test_an_unknown_term_is_plain_escaped_text():
    # Text from a variable (a template literal would count as safe, as anywhere in Django).
    assert render('{% term "licorne" text %}', text="<b>Licorne</b>") == (
        "&lt;b&gt;Licorne&lt;/b&gt;"
    )


def test_the_visible_text_and_definitions_are_escaped():
    GlossaryTerm.objects.create(key="piege", term="piège", definition="<script>x</script>")
    GlossaryTerm.objects.filter(key="piege").update(example="a & b")

    html = render('{% term "piège" text %}', text="<i>piège</i>")

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;i&gt;piège&lt;/i&gt;" in html and "a &amp; b" in html


def test_a_term_without_example_shows_no_example_label():
    GlossaryTerm.objects.create(key="fctva", term="FCTVA", definition="Fonds de compensation.")

    html = render('{% term "FCTVA" %}')

    assert "Fonds de compensation." in html and "Exemple" not in html
