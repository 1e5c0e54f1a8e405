"""The public explorer in a real browser, on the demo commune imported by the real importer.

Expected figures are recomputed here from the demo CSV with the csv module, independently of
the importer, the frames and the ratio engine.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings

from budget.models import BudgetLine
from simulator.management.commands.load_demo import demo_load
from tests.e2e.conftest import assert_accessible, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_CSV = Path(settings.BASE_DIR) / "fixtures" / "demo_budget.csv"
SLUG = "val-de-lorme-2026-bp"
# Set on window before an htmx interaction: a full page load would lose it.
NO_RELOAD_MARK = "window.__sameDocument = true"
SAME_DOCUMENT = "window.__sameDocument === true"


def demo_rows() -> list[dict[str, str]]:
    with DEMO_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def voted(row: dict[str, str]) -> Decimal:
    return Decimal(row["BGT_MTPREV"].replace(" ", "").replace(",", "."))


def real_sum(rows, *, section: str, direction: str, keep=lambda row: True) -> Decimal:
    return sum(
        (
            voted(row)
            for row in rows
            if row["BGT_SECTION"] == section
            and row["BGT_CODRD"] == direction
            and row["BGT_OPBUDG"] == "réel"
            and keep(row)
        ),
        Decimal("0"),
    )


def euros(value: Decimal) -> str:
    """French display of whole euros: thin no-break space between thousands, then " €"."""
    whole = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "−" if whole < 0 else ""
    return sign + f"{abs(int(whole)):,}".replace(",", "\u202f") + "\u00a0€"


def figure_value(page, selector: str) -> str:
    return page.locator(f"{selector} .value").inner_text().strip()


def click_sunburst_node(page, node_id: str) -> None:
    """A real mouse click in the middle of one sector of the plotly sunburst."""
    chart = page.locator("#budget-sunburst")
    chart.scroll_into_view_if_needed()
    point = page.evaluate(
        """(nodeId) => {
          const slices = [...document.querySelectorAll('#budget-sunburst g.slice')];
          const root = slices.find((g) => g.__data__.depth === 0).getBoundingClientRect();
          const slice = slices.find((g) => g.__data__.data.data.id === nodeId);
          if (!slice) { return null; }
          // pxmid: the middle of the sector, in pixels from the centre of the chart.
          const [dx, dy] = slice.__data__.pxmid;
          return {x: root.x + root.width / 2 + dx, y: root.y + root.height / 2 + dy};
        }""",
        node_id,
    )
    assert point is not None, f"aucun secteur {node_id} dans le graphique"
    page.mouse.click(point["x"], point["y"])


def test_the_overview_shows_the_demo_figures_and_drills_into_a_function(live_server, page):
    demo_load()
    rows = demo_rows()
    # domain.md §4, by hand: RRF without asset sales (775) nor carried-over results (002).
    rrf = real_sum(
        rows,
        section="fonctionnement",
        direction="recette",
        keep=lambda r: r["BGT_NATURE"] != "002" and not r["BGT_CONTNAT"].startswith("775"),
    )
    drf = real_sum(
        rows, section="fonctionnement", direction="dépense", keep=lambda r: r["BGT_NATURE"] != "002"
    )
    operating_spending = real_sum(rows, section="fonctionnement", direction="dépense")
    investment_spending = real_sum(rows, section="investissement", direction="dépense")

    page.goto(f"{live_server.url}/budgets/{SLUG}/")

    assert "Val-de-Lorme" in page.locator("h1").inner_text()
    assert figure_value(page, "[data-total=fonctionnement-depense]") == euros(operating_spending)
    assert figure_value(page, "[data-total=investissement-depense]") == euros(investment_spending)
    assert figure_value(page, "[data-ratio=rrf]") == euros(rrf)
    assert figure_value(page, "[data-ratio=drf]") == euros(drf)
    assert figure_value(page, "[data-ratio=epargne_brute]") == euros(rrf - drf)
    rate = ((rrf - drf) / rrf * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert figure_value(page, "[data-ratio=taux_epargne_brute]") == (
        f"{rate}".replace(".", ",") + "\u00a0%"
    )
    assert page.locator("[data-ratio=capacite_desendettement] .value").inner_text().endswith("ans")
    page.wait_for_selector("#budget-sunburst g.slice")
    assert_accessible(page)

    # General administration (function 020): one of the widest operating sectors, easy to hit.
    administration = "total/fonctionnement/020"
    click_sunburst_node(page, administration)
    wait_until(
        page,
        "(id) => document.getElementById('budget-sunburst').data[0].level === id",
        arg=administration,
    )
    # Once the zoom transition is over, the sector drawn at the centre is the function.
    wait_until(
        page,
        """(id) => {
          const slices = [...document.querySelectorAll('#budget-sunburst g.slice')];
          return slices.length > 0 && slices.every((g) => g.__data__.data.data.id !== 'total')
            && slices.some((g) => g.__data__.data.data.id === id && g.__data__.depth === 0);
        }""",
        arg=administration,
    )
    centre = page.evaluate(
        """() => [...document.querySelectorAll('#budget-sunburst g.slice')]
            .find((g) => g.__data__.depth === 0).textContent"""
    )
    assert centre.startswith("020 Administration générale de la collectivité")


def test_the_nature_toggle_redraws_the_chart_by_chapter_without_reloading(live_server, page):
    demo_load()
    chapters = {
        row["BGT_NATURE"]
        for row in demo_rows()
        if row["BGT_SECTION"] == "fonctionnement"
        and row["BGT_CODRD"] == "dépense"
        and row["BGT_OPBUDG"] == "réel"
        and voted(row) > 0
    }
    page.goto(f"{live_server.url}/budgets/{SLUG}/")
    page.wait_for_selector("#budget-sunburst g.slice")
    page.evaluate(NO_RELOAD_MARK)

    page.get_by_role("link", name="Par nature").click()

    page.wait_for_url("**vue=nature**")
    wait_until(
        page,
        """() => {
          const gd = document.getElementById('budget-sunburst');
          return gd && gd.layout && gd.layout.title.text === 'Dépenses réelles par nature'
            && gd.querySelector('g.slice') !== null;
        }""",
    )
    assert page.evaluate(SAME_DOCUMENT)
    assert page.get_by_role("link", name="Par nature").get_attribute("aria-current") == "true"
    assert page.get_by_role("link", name="Par fonction").get_attribute("aria-current") is None
    drawn = page.evaluate(
        """() => document.getElementById('budget-sunburst').data[0].ids
            .filter((id) => id.startsWith('total/fonctionnement/') && id.split('/').length === 3)
            .map((id) => id.split('/')[2])"""
    )
    assert set(drawn) == chapters
    # The data table behind the chart (in a closed <details>) follows the same view.
    caption = page.locator("#budget-chart table.hierarchy caption").text_content()
    assert caption.strip() == "Dépenses réelles par nature"
    assert_accessible(page)


def test_the_search_filter_updates_the_table_in_place(live_server, page):
    demo_load()
    electricity = [row for row in demo_rows() if "60612" in row["BGT_CONTNAT"]]
    assert len(electricity) > 1  # the demo has electricity bills in several policy areas
    page.goto(f"{live_server.url}/budgets/{SLUG}/lignes/")
    assert (
        page.locator("#lines-table .table-count")
        .inner_text()
        .startswith(f"{len(demo_rows())} lignes")
    )
    assert_accessible(page)
    page.evaluate(NO_RELOAD_MARK)

    page.get_by_label("Rechercher").fill("60612")

    page.wait_for_url("**q=60612**")
    wait_until(
        page,
        "(n) => document.querySelector('#lines-table .table-count').textContent.trim()"
        ".startsWith(n + ' lignes')",
        arg=len(electricity),
    )
    assert page.evaluate(SAME_DOCUMENT)
    codes = page.locator("#lines-table tbody tr td:first-child").all_inner_texts()
    assert len(codes) == len(electricity)
    assert all("-60612-" in code for code in codes)
    assert_accessible(page)


def test_a_line_page_explains_its_linked_impacts_in_plain_french(live_server, page):
    demo_load()
    loan = BudgetLine.objects.get(budget__slug=SLUG, code="IR-1641-01")
    outgoing = loan.outgoing_rules.select_related("target").get()
    incoming = loan.incoming_rules.select_related("source").get()
    # The demo's rules, as the finance service wrote them in the parameters workbook.
    assert (outgoing.coefficient, outgoing.lag, outgoing.cumulative) == (
        Decimal("0.035"),
        1,
        True,
    )
    assert (incoming.coefficient, incoming.lag, incoming.cumulative) == (Decimal("0.5"), 0, False)

    page.goto(f"{live_server.url}/budgets/{SLUG}/lignes/?q=1641")
    page.get_by_role("link", name="IR-1641-01").click()
    page.wait_for_url("**/lignes/IR-1641-01/")

    assert page.locator("h1").inner_text() == loan.display_label
    sentences = page.locator("ul.rule-sentences li").all_inner_texts()
    # 0.035 × 1 000 € = 35 €, one year later, and for as long as the loan stays lower.
    assert sentences[0] == (
        "Une baisse de 1\u202f000\u00a0€ de cette ligne entraîne une baisse de 35\u00a0€ de "
        f"« {outgoing.target.display_label} » l'année suivante. L'effet est cumulatif : il "
        "porte sur tout ce que la source a changé jusque-là, et dure tant que la baisse est "
        "maintenue."
    )
    # 0.5 × 1 000 € = 500 €, the same year.
    assert sentences[1] == (
        f"Une baisse de 1\u202f000\u00a0€ de « {incoming.source.display_label} » entraîne une "
        "baisse de 500\u00a0€ de cette ligne la même année."
    )
    page.wait_for_selector("#line-impacts .main-svg")
    assert_accessible(page)
