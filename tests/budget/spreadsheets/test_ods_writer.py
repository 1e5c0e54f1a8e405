"""writer.ods_bytes: the OpenDocument twin of the XLSX writer, from the same sheet descriptions:
same values, number formats, print layout (A4, one page wide, header rows repeated, footer),
and typed text that never becomes a formula."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from budget.spreadsheets import writer as w
from budget.spreadsheets.reader import open_workbook

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def part(data: bytes, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def narrow_and_wide() -> bytes:
    narrow = w.Sheet(
        "Étroite",
        [w.Column("Libellé"), w.Column("Enveloppe ou objectif (€)", w.EURO, width=12)],
        [["Voirie", Decimal("1234.5")], ["Écoles", Decimal("-20")]],
        lines=[w.Line("Budget 2027", w.TITLE)],
    )
    wide = w.Sheet(
        "Large",
        [w.Column(f"Colonne {n}", width=20) for n in range(1, 9)],
        [[f"v{n}" for n in range(1, 9)]],
    )
    return w.ods_bytes(
        [narrow, wide], title="Budget 2027", footer=w.Footer("Commune — Budget 2027", "ab" * 32)
    )


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12", "-2+3", "@SUM(A1)", '=HYPERLINK("x")'])
def test_it_writes_dangerous_text_as_a_string_never_a_formula(text):
    data = w.ods_bytes([w.Sheet("S", [w.Column("T")], [[text]])])

    content = part(data, "content.xml")
    cells = content.iter(q("table:table-cell"))
    written = [c for c in cells if "".join(c.itertext()) == text]
    assert len(written) == 1
    assert written[0].get(q("office:value-type")) == "string"
    assert not any(c.get(q("table:formula")) for c in content.iter(q("table:table-cell")))
    reader, _error = open_workbook(data)
    assert list(reader.rows("S")) == [("T",), (text,)]


def test_it_keeps_money_a_number_with_a_french_euro_format():
    data = narrow_and_wide()

    content = part(data, "content.xml")
    money = [c for c in content.iter(q("table:table-cell")) if c.get(q("office:value"))]
    assert [(c.get(q("office:value-type")), c.get(q("office:value"))) for c in money] == [
        ("float", "1234.5"),
        ("float", "-20"),
    ]
    styles = part(data, "styles.xml")
    euro = [
        s
        for s in styles.iter(q("number:number-style"))
        if "€" in "".join(t.text or "" for t in s.iter(q("number:text")))
    ]
    assert euro and all(s.get(q("number:language")) == "fr" for s in euro)
    assert {
        n.get(q("number:decimal-places")) for s in euro for n in s.iter(q("number:number"))
    } == {"2"}


def test_it_prints_a4_one_page_wide_portrait_or_landscape_by_width():
    data = narrow_and_wide()

    styles = part(data, "styles.xml")
    layouts = {
        layout.get(q("style:name")): layout.find(q("style:page-layout-properties"))
        for layout in styles.iter(q("style:page-layout"))
    }
    masters = {
        m.get(q("style:name")): layouts[m.get(q("style:page-layout-name"))]
        for m in styles.iter(q("style:master-page"))
    }
    content = part(data, "content.xml")
    table_styles = {
        s.get(q("style:name")): s.get(q("style:master-page-name"))
        for s in content.iter(q("style:style"))
        if s.get(q("style:family")) == "table"
    }
    orientation = {}
    for table in content.iter(q("table:table")):
        page = masters[table_styles[table.get(q("table:style-name"))]]
        orientation[table.get(q("table:name"))] = page.get(q("style:print-orientation"))
        assert page.get(q("style:scale-to-X")) == "1"
        size = {page.get(q("fo:page-width")), page.get(q("fo:page-height"))}
        assert size == {"21cm", "29.7cm"}
    assert orientation == {"Étroite": "portrait", "Large": "landscape"}


def test_every_page_repeats_the_lines_and_the_header_row():
    data = narrow_and_wide()

    content = part(data, "content.xml")
    narrow = next(t for t in content.iter(q("table:table")) if t.get(q("table:name")) == "Étroite")
    repeated = narrow.find(q("table:table-header-rows"))
    texts = [
        ["".join(cell.itertext()) for cell in row.iter(q("table:table-cell"))]
        for row in repeated.iter(q("table:table-row"))
    ]
    assert texts == [["Budget 2027", ""], ["", ""], ["Libellé", "Enveloppe ou objectif (€)"]]


def test_the_footer_names_the_file_the_sheet_the_page_and_the_fingerprint():
    data = narrow_and_wide()

    footer = next(part(data, "styles.xml").iter(q("style:footer")))
    left = "".join(footer.find(q("style:region-left")).itertext())
    assert "Commune — Budget 2027" in left
    assert "Empreinte SHA-256 : abababab abababab" in left
    assert footer.find(f"{q('style:region-center')}//{q('text:sheet-name')}") is not None
    right = footer.find(q("style:region-right"))
    assert right.find(f".//{q('text:page-number')}") is not None
    assert right.find(f".//{q('text:page-count')}") is not None
    assert "page" in "".join(right.itertext())


def test_a_wrapped_header_gets_a_row_tall_enough():
    data = narrow_and_wide()

    content = part(data, "content.xml")
    heights = {
        s.get(q("style:name")): s.find(q("style:table-row-properties")).get(q("style:row-height"))
        for s in content.iter(q("style:style"))
        if s.get(q("style:family")) == "table-row"
    }
    narrow = next(t for t in content.iter(q("table:table")) if t.get(q("table:name")) == "Étroite")
    header_row = list(narrow.iter(q("table:table-row")))[2]
    # "Enveloppe ou objectif (€)" in a 12-character column: three lines of 15 points.
    assert float(heights[header_row.get(q("table:style-name"))].removesuffix("pt")) >= 45


def test_it_reads_back_as_written_values_dates_and_lines():
    sheet = w.Sheet(
        "Données",
        [w.Column("Texte"), w.Column("Montant", w.EURO), w.Column("Jour", w.DATE)],
        [["deux  espaces\net une ligne", Decimal("12.50"), date(2027, 1, 31)], ["", None, None]],
    )

    reader, error = open_workbook(w.ods_bytes([sheet]))

    assert error is None
    assert list(reader.rows("Données")) == [
        ("Texte", "Montant", "Jour"),
        ("deux  espaces\net une ligne", Decimal("12.5"), date(2027, 1, 31)),
    ]


def test_it_offers_the_column_choices_as_a_list_and_freezes_the_header():
    columns = [
        w.Column("Référence"),
        w.Column("Décision", choices=w.Choices(["Adoptée", "Rejetée"], error="Choisissez.")),
    ]
    data = w.ods_bytes([w.Sheet("Avis", columns, [["P-0001", ""]], freeze_columns=1)])

    content = part(data, "content.xml")
    rule = next(content.iter(q("table:content-validation")))
    assert rule.get(q("table:condition")) == 'of:cell-content-is-in-list("Adoptée";"Rejetée")'
    assert "Choisissez." in "".join(rule.find(q("table:error-message")).itertext())
    named = [c.get(q("table:content-validation-name")) for c in content.iter(q("table:table-cell"))]
    assert named.count(rule.get(q("table:name"))) == 1
    settings = part(data, "settings.xml")
    items = {
        item.get(q("config:name")): item.text
        for entry in settings.iter(q("config:config-item-map-entry"))
        if entry.get(q("config:name")) == "Avis"
        for item in entry.iter(q("config:config-item"))
    }
    assert (items["VerticalSplitPosition"], items["HorizontalSplitPosition"]) == ("1", "1")
