"""/gestion/ateliers/<id>/synthese/ (printable) and synthese.xlsx: what the workshop produced."""

from __future__ import annotations

import html
from io import BytesIO

import pytest
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.consolidation import workshop_consolidate
from votes.workshops.models import WorkshopGroup
from votes.workshops.services import group_argument_set, group_choices_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Table 1 (women) chose the pool and the lights, Table 2 the lights; the lights carried."""
    setup = make_workshop_setup()
    one = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)
    two = make_group(setup, "Table 2")
    group_choices_save(group=one, measures=["piscine-lundi", "eclairage-nuit"])
    group_choices_save(group=two, measures=["eclairage-nuit"])
    group_argument_set(group=one, measure=setup.lights, text="Les voisins le font déjà.")
    group_argument_set(group=two, measure=setup.lights, text='=HYPERLINK("http://x") sobriété')
    workshop_consolidate(
        workshop=setup.workshop,
        by=setup.facilitator,
        measure_ids=[setup.lights.pk],
        panel_name="Panel citoyen",
        category=setup.campaign.categories.get(name="Sport"),
    )
    return setup


def url(setup, suffix: str = "synthese/") -> str:
    return f"/gestion/ateliers/{setup.workshop.pk}/{suffix}"


def body(response) -> str:
    return html.unescape(response.content.decode())


def workbook(client, setup):
    response = client.get(url(setup, "synthese.xlsx"))
    assert response.status_code == 200
    return response, load_workbook(BytesIO(response.content))


def values(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_summary_has_the_groups_choices_arguments_matrix_and_proposals(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(url(setup))

    page = body(response)
    assert response.status_code == 200
    assert "<h1>Synthèse de l'atelier — Atelier du panel</h1>" in page
    assert "Médiathèque" in page
    table_1 = page[page.index('id="groupe-') : page.index("Table 2 :")]
    assert 'Table 1 <span class="badge">Femmes</span> : Choix de « Table 1 »' in table_1
    assert "Économie nette : 70\u202f500\u00a0€ par an en année pleine" in table_1
    assert "<strong>Fermer la piscine le lundi</strong>" in table_1
    assert "<blockquote>Les voisins le font déjà.</blockquote>" in table_1
    assert 'class="consensus-matrix"' in page and "consensus</span>" in page
    assert 'id="chart-workshop-spread"' in page
    assert "P-0001 — Éteindre l'éclairage la nuit</a>" in page
    assert "data-print>Imprimer / PDF" in page
    assert f'href="{url(setup, "synthese.xlsx")}"' in page


def test_the_summary_of_a_workshop_with_nothing_carried_says_so(client):
    setup = make_workshop_setup()
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    assert "Aucun groupe." in page
    assert "Aucune mesure n'a encore été transformée en proposition du panel." in page


def test_the_workbook_has_the_four_sheets(client, setup):
    client.force_login(setup.facilitator)

    response, book = workbook(client, setup)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="synthese-atelier-du-panel-{setup.workshop.pk}.xlsx"'
    )
    assert book.sheetnames == ["Groupes", "Mesures × groupes", "Arguments", "Propositions"]


def test_the_groups_sheet_has_each_group_figures(client, setup):
    client.force_login(setup.facilitator)

    _response, book = workbook(client, setup)

    rows = values(book["Groupes"])
    assert rows[0][:9] == (
        "Groupe",
        "Type",
        "Nom des choix",
        "Nombre de mesures",
        "Mesures choisies",
        "Économie nette en année pleine (€/an)",
        "Économie nette la première année (€)",
        "Objectif d'économies (€/an)",
        "Part de l'objectif",
    )
    one, two = rows[1:]
    assert one[:8] == (
        "Table 1",
        "Femmes",
        "Choix de « Table 1 »",
        2,
        "Fermer la piscine le lundi; Éteindre l'éclairage la nuit",
        70500,
        63000,
        50000,
    )
    assert one[8] == pytest.approx(1.41)
    assert book["Groupes"]["I2"].number_format == "0.0 %"
    assert two[0:2] == ("Table 2", None) and two[5] == 30000


def test_the_matrix_sheet_marks_choices_and_consensus(client, setup):
    client.force_login(setup.facilitator)

    _response, book = workbook(client, setup)

    rows = values(book["Mesures × groupes"])
    assert rows[0] == (
        "Mesure",
        "Table 1",
        "Table 2",
        "Groupes",
        "Part des groupes",
        "Consensus",
        "Part des groupes « Femmes »",
        "Part des groupes « type non précisé »",
    )
    assert rows[1] == ("Éteindre l'éclairage la nuit", "✓", "✓", 2, 1, "oui", 1, 1)
    assert rows[2] == ("Fermer la piscine le lundi", "✓", None, 1, 0.5, "oui", 1, 0)
    assert book["Mesures × groupes"]["E2"].number_format == "0.0 %"


def test_the_arguments_sheet_keeps_text_that_looks_like_a_formula_as_text(client, setup):
    client.force_login(setup.facilitator)

    _response, book = workbook(client, setup)

    sheet = book["Arguments"]
    assert values(sheet) == [
        ("Groupe", "Type", "Mesure", "Argument"),
        ("Table 1", "Femmes", "Éteindre l'éclairage la nuit", "Les voisins le font déjà."),
        ("Table 2", None, "Éteindre l'éclairage la nuit", '=HYPERLINK("http://x") sobriété'),
    ]
    assert sheet["D3"].data_type == "s"


def test_the_proposals_sheet_lists_the_panel_proposals_with_their_address(client, setup):
    client.force_login(setup.facilitator)

    _response, book = workbook(client, setup)

    rows = values(book["Propositions"])
    assert rows[0] == (
        "Référence",
        "Titre",
        "Rubrique",
        "Auteur",
        "Groupes",
        "Estimation (€/an)",
        "Adresse",
    )
    slug = setup.campaign.slug
    assert rows[1] == (
        "P-0001",
        "Éteindre l'éclairage la nuit",
        "Sport",
        "Panel citoyen",
        "Table 1, Table 2",
        30000,
        f"http://testserver/campagnes/{slug}/propositions/1/",
    )


def test_an_administrator_reads_any_summary(client, setup):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(url(setup)).status_code == 200
    assert client.get(url(setup, "synthese.xlsx")).status_code == 200


@pytest.mark.parametrize(
    "roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,), (FACILITATOR,)]
)
def test_nobody_else_reads_the_summary(client, setup, roles):
    # (FACILITATOR,): another facilitator, who does not run this workshop.
    client.force_login(make_user(roles=roles))

    assert client.get(url(setup)).status_code == 403
    assert client.get(url(setup, "synthese.xlsx")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, setup):
    for suffix in ("synthese/", "synthese.xlsx"):
        response = client.get(url(setup, suffix))

        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url(setup, suffix)}"
