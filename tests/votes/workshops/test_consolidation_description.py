"""The panel proposal's text: the groups' words shown as typed, never as Markdown or HTML."""

from __future__ import annotations

import pytest

from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.text import render_markdown
from votes.workshops.consolidation import markdown_literal, proposal_description
from votes.workshops.models import GroupArgument
from votes.workshops.services import group_argument_set, group_choices_save


@pytest.mark.parametrize(
    ("typed", "markdown"),
    [
        ("Moins de pollution.", "Moins de pollution."),
        ("**gras** et _penché_", r"\*\*gras\*\* et \_penché\_"),
        ("[lien](javascript:alert(1))", r"\[lien\](javascript:alert(1))"),
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("# Titre", r"\# Titre"),
        ("- une liste", r"\- une liste"),
        ("12. un numéro", r"12\. un numéro"),
        ("> une citation", r"\> une citation"),
        ("`code`", r"\`code\`"),
        ("    retrait", "retrait"),
        ("a\u202eb\x07c", "a b c"),
    ],
)
def test_markdown_literal_escapes_what_markdown_would_interpret(typed, markdown):
    assert markdown_literal(typed) == markdown


@pytest.mark.django_db
def test_a_group_argument_renders_as_typed_without_link_script_or_heading():
    setup = make_workshop_setup()
    table = make_group(setup, "Table <b>1</b>")
    group_choices_save(group=table, measures=["eclairage-nuit"])
    typed = "# Pas un titre\n[clic](javascript:alert(1)) <script>alert(1)</script>\n- pas une liste"
    group_argument_set(group=table, measure=setup.lights, text=typed)

    text = proposal_description(
        workshop=setup.workshop,
        panel_name="Panel *citoyen*",
        measure=setup.lights,
        groups=[table],
        group_count=1,
        arguments=[(table, GroupArgument.objects.get().text)],
    )
    html = str(render_markdown(text))

    assert "<a" not in html and "<script" not in html and "<h1" not in html
    assert "<ul" not in html.split("<blockquote>")[1]
    assert "# Pas un titre" in html
    assert "[clic](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "- pas une liste" in html
    assert "<strong>Table &lt;b&gt;1&lt;/b&gt;</strong>" in html
    assert "Panel *citoyen*" in html
    # One paragraph per line the group wrote, all inside the quote.
    assert html.count("<blockquote>") == 1
    assert html.split("<blockquote>")[1].count("<p>") == 3
