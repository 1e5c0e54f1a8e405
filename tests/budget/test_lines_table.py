from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budget.models import Budget
from tests.factories import make_budget, make_line

pytestmark = pytest.mark.django_db


def codes_in(body: str) -> list[str]:
    """Line codes in table order (each code cell links to its line page)."""
    return re.findall(r'<a href="/budgets/[^/]+/lignes/([^/]+)/">', body)


@pytest.fixture
def budget() -> Budget:
    budget = make_budget(slug="ville-2026-bp")
    make_line(
        budget,
        chapter="011",
        chapter_label="Charges à caractère général",
        account="60612",
        account_label="Énergie - électricité",
        function="212",
        function_label="Écoles primaires",
        label="Électricité des écoles",
        amount=Decimal("120000"),
    )
    make_line(
        budget,
        chapter="012",
        account="64111",
        account_label="Rémunération principale",
        label="Salaires",
        amount=Decimal("250000"),
    )
    make_line(
        budget,
        direction="recette",
        chapter="70",
        account="7066",
        function="413",
        function_label="Piscine",
        label="Billetterie piscine",
        amount=Decimal("50000.50"),
    )
    make_line(
        budget,
        section="investissement",
        chapter="23",
        account="2313",
        function="212",
        label="Travaux école Jaurès",
        amount=Decimal("300000"),
    )
    make_line(
        budget,
        kind="ordre",
        chapter="042",
        account="6811",
        label="Amortissements",
        amount=Decimal("35000"),
    )
    return budget


def get(client, budget, query: str = "", **kwargs):
    return client.get(f"/budgets/{budget.slug}/lignes/{query}", **kwargs)


def test_it_lists_every_line_with_a_link_to_its_page(client, budget):
    response = get(client, budget)

    body = response.content.decode()
    assert response.status_code == 200
    assert codes_in(body) == ["FD-60612-212", "FD-64111", "FR-7066-413", "ID-2313-212", "FD-6811"]
    assert "<caption>Lignes du budget" in body
    assert '<th scope="col" class="orderable">' in body
    assert "Électricité des écoles" in body and "Énergie - électricité" in body
    assert "120\u202f000\u00a0€" in body
    assert '<span class="help">Non ventilé</span>' in body
    # No realised column for a budget primitif.
    assert "Réalisé" not in body


def test_it_filters_by_section_direction_chapter_and_kind(client, budget):
    assert codes_in(get(client, budget, "?section=investissement").content.decode()) == [
        "ID-2313-212"
    ]
    assert codes_in(get(client, budget, "?direction=recette").content.decode()) == ["FR-7066-413"]
    assert codes_in(get(client, budget, "?chapter=012").content.decode()) == ["FD-64111"]
    assert codes_in(get(client, budget, "?kind=ordre").content.decode()) == ["FD-6811"]
    assert codes_in(
        get(client, budget, "?section=fonctionnement&direction=depense&kind=reel").content.decode()
    ) == ["FD-60612-212", "FD-64111"]


def test_it_filters_by_function_including_lines_without_one(client, budget):
    assert codes_in(get(client, budget, "?function=212").content.decode()) == [
        "FD-60612-212",
        "ID-2313-212",
    ]
    assert codes_in(get(client, budget, "?function=aucune").content.decode()) == [
        "FD-64111",
        "FD-6811",
    ]


def test_it_searches_labels_account_labels_accounts_and_codes(client, budget):
    assert codes_in(get(client, budget, "?q=piscine").content.decode()) == ["FR-7066-413"]
    assert codes_in(get(client, budget, "?q=principale").content.decode()) == ["FD-64111"]
    assert codes_in(get(client, budget, "?q=2313").content.decode()) == ["ID-2313-212"]
    assert codes_in(get(client, budget, "?q=FD-68").content.decode()) == ["FD-6811"]
    assert codes_in(get(client, budget, "?q=travaux+jaurès").content.decode()) == ["ID-2313-212"]


def test_it_offers_the_budget_chapters_and_functions_as_choices(client, budget):
    body = get(client, budget).content.decode()

    assert '<option value="011">011 Charges à caractère général</option>' in body
    assert '<option value="413">413 Piscine</option>' in body
    assert '<option value="aucune">Non ventilé</option>' in body
    assert '<label for="id_q">Rechercher</label>' in body


def test_it_reports_an_invalid_filter_and_ignores_it(client, budget):
    body = get(client, budget, "?section=lune").content.decode()

    assert "Certains filtres sont invalides" in body
    assert len(codes_in(body)) == 5


def test_it_sorts_by_amount_both_ways(client, budget):
    ascending = codes_in(get(client, budget, "?sort=amount").content.decode())
    descending = codes_in(get(client, budget, "?sort=-amount").content.decode())

    assert ascending == ["FD-6811", "FR-7066-413", "FD-60612-212", "FD-64111", "ID-2313-212"]
    assert descending == list(reversed(ascending))
    assert 'aria-sort="ascending"' in get(client, budget, "?sort=amount").content.decode()


def test_it_ignores_an_unknown_sort_column(client, budget):
    response = get(client, budget, "?sort=password")

    assert response.status_code == 200
    assert len(codes_in(response.content.decode())) == 5


def test_it_paginates_fifty_lines_per_page_whatever_per_page_says(client):
    budget = make_budget()
    for n in range(60):
        make_line(budget, account=f"6{n:04d}", amount=Decimal(n + 1))

    first = get(client, budget, "?per_page=1000").content.decode()
    second = get(client, budget, "?page=2").content.decode()
    beyond = get(client, budget, "?page=99")

    assert len(codes_in(first)) == 50
    assert len(codes_in(second)) == 10
    assert codes_in(second)[0] == "FD-60050"
    assert "60 lignes" in first
    assert 'aria-current="page"' in second and "Page précédente" in second
    assert beyond.status_code == 200


def test_the_htmx_request_returns_only_the_table(client, budget):
    response = get(client, budget, "?section=investissement", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="lines-table"')
    assert "<form" not in body and "<h1" not in body
    assert codes_in(body) == ["ID-2313-212"]
    assert "HX-Request" in response["Vary"]


def test_the_filter_form_works_with_and_without_javascript(client, budget):
    body = get(client, budget).content.decode()

    form = body[body.index('<form method="get" action="/budgets/ville-2026-bp/lignes/"') :]
    form = form[: form.index(">")]
    assert 'hx-get="/budgets/ville-2026-bp/lignes/"' in form
    assert 'hx-target="#lines-table"' in form and 'hx-push-url="true"' in form


def test_the_export_links_keep_the_filters(client, budget):
    body = get(client, budget, "?direction=depense&page=1").content.decode()

    assert 'href="/budgets/ville-2026-bp/lignes/?direction=depense&amp;export=csv"' in body
    assert 'href="/budgets/ville-2026-bp/lignes/?direction=depense&amp;export=xlsx"' in body


def test_it_exports_all_filtered_lines_as_csv_for_french_excel(client):
    budget = make_budget(slug="grande-2026-bp")
    for n in range(55):
        make_line(budget, account=f"6{n:04d}", label=f"Ligne {n}", amount=Decimal("1234.5"))
    make_line(budget, direction="recette", chapter="70", account="7066", amount=Decimal("9"))

    response = get(client, budget, "?direction=depense&export=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="grande-2026-bp-lignes.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Libellé", "Section"]
    assert len(rows) == 1 + 55  # every filtered row, not only the first page
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Code"] == "FD-60000"
    assert first["Montant voté"] == "1234,50"
    assert first["Section"] == "Fonctionnement"
    assert first["Ajustable"] == "Oui"
    assert first["Fonction"] == ""
    assert all(row[0].startswith("FD-") for row in rows[1:])


def test_it_exports_the_filtered_lines_as_xlsx(client, budget):
    response = get(client, budget, "?function=212&export=xlsx&sort=-amount")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Code" and "Montant voté" in rows[0]
    amount = rows[0].index("Montant voté")
    assert [row[0] for row in rows[1:]] == ["ID-2313-212", "FD-60612-212"]
    assert rows[1][amount] == 300000
    assert rows[2][amount] == 120000
    assert isinstance(rows[2][amount], float | int)


def test_a_compte_administratif_shows_and_exports_the_realised_amounts(client):
    budget = make_budget(stage=Budget.Stage.ADMINISTRATIF)
    make_line(budget, amount=Decimal("1000"), realised=Decimal("950.25"))

    body = get(client, budget).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(get(client, budget, "?export=csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )

    assert "Réalisé" in body and "950,25" not in body and "950\u00a0€" in body
    assert dict(zip(rows[0], rows[1], strict=True))["Réalisé"] == "950,25"


def test_the_number_of_queries_does_not_grow_with_the_lines(client, django_assert_max_num_queries):
    budget = make_budget()
    for n in range(200):
        make_line(budget, account=f"6{n:04d}", function=str(n % 7), amount=Decimal(n))

    # 6: the page's tooltips check once that the glossary held in memory is current, and the
    # footer reads the accessibility level.
    with django_assert_max_num_queries(6):
        response = get(client, budget, "?sort=-amount&page=2")
    with django_assert_max_num_queries(4):
        export = get(client, budget, "?export=csv")

    assert len(codes_in(response.content.decode())) == 50
    assert export.content.decode("utf-8-sig").count("\r\n") == 201


def test_an_unpublished_budget_has_no_public_table(client):
    budget = make_budget(published=False)

    assert get(client, budget).status_code == 404
    assert get(client, budget, "?export=csv").status_code == 404


def test_exports_never_turn_a_label_into_a_formula(client):
    budget = make_budget()
    make_line(budget, label='=HYPERLINK("http://example.org")', amount=Decimal("-10"))

    rows = list(
        csv.reader(
            io.StringIO(get(client, budget, "?export=csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    workbook = load_workbook(io.BytesIO(get(client, budget, "?export=xlsx").content))

    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Libellé"] == '\'=HYPERLINK("http://example.org")'
    assert line["Montant voté"] == "-10,00"  # numbers stay numbers
    cell = workbook.active["B2"]
    assert cell.value == '=HYPERLINK("http://example.org")'
    assert cell.data_type == "s"


def test_a_head_request_is_answered(client, budget):
    assert client.head(f"/budgets/{budget.slug}/lignes/").status_code == 200
