from __future__ import annotations

from django.template import Context, Template

from budget import glossary
from budget.glossary import lookup


def render(source: str, **context) -> str:
    return Template("{% load budget_tags %}" + source).render(Context(context))


def test_every_key_term_of_the_explorer_has_an_entry():
    for term in [
        "fonctionnement",
        "investissement",
        "dépense",
        "recette",
        "réel",
        "ordre",
        "chapitre",
        "fonction",
        "compte",
        "article",
        "épargne de gestion",
        "épargne brute",
        "épargne nette",
        "taux d'épargne brute",
        "capacité de désendettement",
        "encours de dette",
        "impact induit",
        "ligne ajustable",
        "plancher",
        "€/habitant",
        "budget primitif",
        "compte administratif",
    ]:
        entry = lookup(term)
        assert entry is not None, term
        assert entry["definition"] and entry["example"]


def test_lookup_ignores_case_spaces_and_typographic_apostrophes():
    assert lookup("Taux d’épargne  brute") is lookup("taux d'épargne brute")
    assert lookup("  ÉPARGNE BRUTE ") is glossary.TERMS["épargne brute"]


def test_lookup_follows_aliases_and_knows_nothing_else():
    assert lookup("article") is glossary.TERMS["compte"]
    assert lookup("CAF brute") is glossary.TERMS["épargne brute"]
    assert lookup("licorne") is None


def test_lookup_sees_entries_added_while_running(monkeypatch):
    monkeypatch.setitem(
        glossary.TERMS, "fcTVA", {"definition": "Fonds de compensation.", "example": "16 %."}
    )

    assert lookup("FCTVA")["definition"] == "Fonds de compensation."


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


def test_two_tooltips_on_a_page_get_different_ids():
    html = render('{% term "ordre" %} {% term "ordre" %}')

    ids = [part.split('"')[0] for part in html.split('aria-describedby="')[1:]]
    assert len(ids) == 2 and ids[0] != ids[1]


def test_an_unknown_term_is_plain_escaped_text():
    # Text from a variable (a template literal would count as safe, as anywhere in Django).
    assert render('{% term "licorne" text %}', text="<b>Licorne</b>") == (
        "&lt;b&gt;Licorne&lt;/b&gt;"
    )


def test_the_visible_text_and_definitions_are_escaped(monkeypatch):
    monkeypatch.setitem(
        glossary.TERMS, "piège", {"definition": "<script>x</script>", "example": "a & b"}
    )

    html = render('{% term "piège" text %}', text="<i>piège</i>")

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;i&gt;piège&lt;/i&gt;" in html and "a &amp; b" in html
