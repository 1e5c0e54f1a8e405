"""OpenDocument spreadsheets (.ods): the grids of ``sheets`` rendered through odfpy.

The same sheets, number formats, looks and print layout as the XLSX writer, for authorities
that work in LibreOffice: pandas' ODS writer knows no page setup, odfpy writes the XML.

Text is always an ODF string cell (``office:value-type="string"``): a cell only runs as a
formula when it carries ``table:formula``, which nothing here writes, so text people typed
("=HYPERLINK(…)") stays text. Money stays a number with a euro number style.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from odf import number as num
from odf.config import (
    ConfigItem,
    ConfigItemMapEntry,
    ConfigItemMapIndexed,
    ConfigItemMapNamed,
    ConfigItemSet,
)
from odf.dc import Title
from odf.meta import UserDefined
from odf.namespaces import LOEXTNS, STYLENS
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    DefaultStyle,
    FooterStyle,
    HeaderFooterProperties,
    Map,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    RegionCenter,
    RegionLeft,
    RegionRight,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TextProperties,
)
from odf.style import (
    Footer as OdfFooter,
)
from odf.table import (
    ContentValidation,
    ContentValidations,
    DatabaseRange,
    DatabaseRanges,
    ErrorMessage,
    HelpMessage,
    TableCell,
    TableColumn,
    TableHeaderRows,
    TableRow,
)
from odf.table import Table as OdfTable
from odf.teletype import addTextToElement
from odf.text import P, PageCount, PageNumber, SheetName

from budget.spreadsheets.sheets import Footer, Grid, Look, Styled

# Characters XML 1.0 forbids: dropped rather than failing the whole file.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An Excel character width in centimetres (the width of "0" in 11-point text, with padding).
CHAR_CM = 0.19
PADDING_CM = 0.13


def _text(value: Any) -> str:
    return _XML_FORBIDDEN.sub("", str(value))


def _paragraphs(text: str) -> list[P]:
    paragraphs = []
    for line in _text(text).split("\n"):
        paragraph = P()
        addTextToElement(paragraph, line)  # keeps runs of spaces and tabs
        paragraphs.append(paragraph)
    return paragraphs


def _cell_address(sheet: str, row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return "'{}'.{}{}".format(sheet.replace("'", "''"), letters, row)


class _Styles:
    """The automatic styles of the document, each made once and named by what it holds."""

    def __init__(self, doc: OpenDocumentSpreadsheet) -> None:
        self.doc = doc
        self._made: dict[Any, str] = {}

    def _add(self, key: Any, prefix: str, build, *, common: bool = False) -> str:
        name = self._made.get(key)
        if name is None:
            name = f"{prefix}{len(self._made) + 1}"
            (self.doc.styles if common else self.doc.automaticstyles).addElement(build(name))
            self._made[key] = name
        return name

    def column(self, width: float) -> str:
        def build(name: str) -> Style:
            style = Style(name=name, family="table-column")
            style.addElement(
                TableColumnProperties(columnwidth=f"{width * CHAR_CM + PADDING_CM:.2f}cm")
            )
            return style

        return self._add(("column", round(width, 2)), "co", build)

    def row(self, height: float) -> str:
        def build(name: str) -> Style:
            style = Style(name=name, family="table-row")
            style.addElement(
                TableRowProperties(rowheight=f"{height:.1f}pt", useoptimalrowheight="false")
            )
            return style

        return self._add(("row", round(height, 1)), "ro", build)

    def table(self, master: str) -> str:
        def build(name: str) -> Style:
            style = Style(name=name, family="table", masterpagename=master)
            style.addElement(TableProperties(display="true"))
            return style

        return self._add(("table", master), "ta", build)

    def number(self, code: str) -> str:
        # Common styles: odfpy keeps only the automatic styles a cell names, and would drop
        # the style of positive amounts that a negative one maps to.
        return self._add(
            ("number", code), "N", lambda name: _number_style(name, code, self), common=True
        )

    def cell(self, look: Look, number_format: str | None) -> str | None:
        if look == Look() and not number_format:
            return None
        data_style = self.number(number_format) if number_format else None

        def build(name: str) -> Style:
            options = {"name": name, "family": "table-cell"}
            if data_style:
                options["datastylename"] = data_style
            style = Style(**options)
            cell = {}
            if look.fill:
                cell["backgroundcolor"] = f"#{look.fill}"
            if look.wrap:
                cell["wrapoption"] = "wrap"
            if look.top:
                cell["verticalalign"] = "top"
            if cell:
                style.addElement(TableCellProperties(**cell))
            text = {}
            if look.bold:
                text.update(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
            if look.size != 11:
                text["fontsize"] = f"{look.size:g}pt"
            if look.color:
                text["color"] = f"#{look.color}"
            if text:
                style.addElement(TextProperties(**text))
            return style

        return self._add(("cell", look, number_format), "ce", build)


def _number_parts(code: str) -> tuple[int, bool]:
    """Decimals and thousands grouping of an Excel number code's first section."""
    first = code.split(";")[0]
    match = re.search(r"\.(0+)", first)
    return (len(match.group(1)) if match else 0), "," in first


def _number_style(name: str, code: str, styles: _Styles):
    """An Excel number code as an ODF data style: the few codes the exports use (euro, plain
    numbers, percentages, dates)."""
    upper = code.upper()
    french = {"language": "fr", "country": "FR"}
    if upper.startswith("DD/MM/YYYY"):
        style = num.DateStyle(name=name, **french)
        parts = [num.Day(style="long"), num.Text(text="/"), num.Month(style="long")]
        parts += [num.Text(text="/"), num.Year(style="long")]
        if "HH:MM" in upper:
            parts += [num.Text(text=" "), num.Hours(style="long"), num.Text(text=":")]
            parts.append(num.Minutes(style="long"))
        for part in parts:
            style.addElement(part)
        return style
    decimals, grouping = _number_parts(code)
    figures = {"decimalplaces": decimals, "minintegerdigits": 1}
    if grouping:
        figures["grouping"] = "true"
    if "%" in code:
        style = num.PercentageStyle(name=name, **french)
        style.addElement(num.Number(**figures))
        style.addElement(num.Text(text="\u00a0%"))
        return style
    suffix = "\u00a0€" if "€" in code else ""
    if "[RED]" not in upper:
        style = num.NumberStyle(name=name, **french)
        style.addElement(num.Number(**figures))
        if suffix:
            style.addElement(num.Text(text=suffix))
        return style
    # Negative amounts in red: ODF maps values >= 0 to the style of positive ones.
    positive = f"{name}P0"
    plus = num.NumberStyle(name=positive, volatile="true", **french)
    plus.addElement(num.Number(**figures))
    plus.addElement(num.Text(text=suffix))
    styles.doc.styles.addElement(plus)
    style = num.NumberStyle(name=name, **french)
    style.addElement(TextProperties(color="#ff0000"))
    style.addElement(num.Text(text="-"))
    style.addElement(num.Number(**figures))
    style.addElement(num.Text(text=suffix))
    style.addElement(_map(positive))
    return style


def _map(applied: str):
    return Map(condition="value()>=0", applystylename=applied)


def _value_cell(styled: Styled, style: str | None, validation: str | None) -> TableCell:
    options: dict[str, Any] = {}
    if style:
        options["stylename"] = style
    if validation:
        options["contentvalidationname"] = validation
    value = styled.value
    if value is None or value == "":
        return TableCell(**options)
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **options)
        cell.addElement(P(text=_("VRAI") if value else _("FAUX")))
        return cell
    if isinstance(value, int | float | Decimal):
        kind = "percentage" if styled.number_format and "%" in styled.number_format else "float"
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return TableCell(valuetype=kind, value=text, **options)
    if isinstance(value, datetime):
        return TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"), **options)
    if isinstance(value, date):
        return TableCell(valuetype="date", datevalue=value.isoformat(), **options)
    cell = TableCell(valuetype="string", **options)
    for paragraph in _paragraphs(str(value)):
        cell.addElement(paragraph)
    return cell


def _page(doc: OpenDocumentSpreadsheet, footer: Footer, *, landscape: bool) -> str:
    """The master page of one orientation: A4, fitted to one page wide, with the footer."""
    name = "Paysage" if landscape else "Portrait"
    layout = PageLayout(name=f"pm-{name}")
    width, height = ("29.7cm", "21cm") if landscape else ("21cm", "29.7cm")
    properties = PageLayoutProperties(
        pagewidth=width,
        pageheight=height,
        printorientation="landscape" if landscape else "portrait",
        margintop="1.5cm",
        marginbottom="1.2cm",
        marginleft="1.5cm",
        marginright="1.5cm",
        printpageorder="ttb",
    )
    # One page wide, as many tall as needed: ODF 1.3's scale-to-X/Y, which odfpy (ODF 1.2)
    # does not know; LibreOffice reads both spellings.
    for namespace in (STYLENS, LOEXTNS):
        properties.attributes[(namespace, "scale-to-X")] = "1"
        properties.attributes[(namespace, "scale-to-Y")] = "0"
    layout.addElement(properties)
    footer_style = FooterStyle()
    footer_style.addElement(HeaderFooterProperties(minheight="0.8cm", margintop="0.3cm"))
    layout.addElement(footer_style)
    doc.automaticstyles.addElement(layout)

    small = Style(name=f"P-{name}", family="paragraph")
    small.addElement(TextProperties(fontsize="8pt"))
    small.addElement(ParagraphProperties())
    doc.automaticstyles.addElement(small)

    def paragraph(*parts) -> P:
        element = P(stylename=small)
        for part in parts:
            if isinstance(part, str):
                addTextToElement(element, _text(part))
            else:
                element.addElement(part)
        return element

    left = RegionLeft()
    left.addElement(paragraph(footer.name))
    if footer.fingerprint:
        left.addElement(paragraph(footer.fingerprint_text()))
    center = RegionCenter()
    # The fields' texts are what a reader without fields shows; LibreOffice fills them in
    # (one master page serves every sheet of its orientation, hence no sheet name here).
    center.addElement(paragraph(SheetName(text="???")))
    right = RegionRight()
    label = _("page %(page)s / %(pages)s")
    before, _sep, rest = label.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    right.addElement(paragraph(before, PageNumber(text="1"), middle, PageCount(text="1"), after))
    page_footer = OdfFooter()
    for region in (left, center, right):
        page_footer.addElement(region)
    master = MasterPage(name=name, pagelayoutname=layout)
    master.addElement(page_footer)
    doc.masterstyles.addElement(master)
    return name


def _validations(container, grid: Grid, number: int) -> dict[tuple[int, int], str]:
    """The drop-down lists, by the cells they cover."""
    covered: dict[tuple[int, int], str] = {}
    for index, validation in enumerate(grid.validations, start=1):
        choices = validation.choices
        name = f"val{number}-{index}"
        values = ";".join('"' + v.replace('"', '""') + '"' for v in choices.values)
        rule = ContentValidation(
            name=name,
            condition=f"of:cell-content-is-in-list({values})",
            allowemptycell="true",
            displaylist="unsorted",
            basecelladdress=_cell_address(grid.name, validation.first, validation.column),
        )
        if choices.prompt:
            help_ = HelpMessage(display="true")
            help_.addElement(P(text=_text(choices.prompt)))
            rule.addElement(help_)
        error = ErrorMessage(display="true", messagetype="stop")
        if choices.error_title:
            error.setAttribute("title", _text(choices.error_title))
        if choices.error:
            error.addElement(P(text=_text(choices.error)))
        rule.addElement(error)
        container.addElement(rule)
        for row in range(validation.first, validation.last + 1):
            covered[row, validation.column] = name
    return covered


def _table(styles: _Styles, grid: Grid, master: str, covered) -> OdfTable:
    table = OdfTable(name=_text(grid.name), stylename=styles.table(master))
    for column in range(1, grid.last_column + 1):
        width = grid.widths.get(column)
        if width is None:
            table.addElement(TableColumn())
        else:
            table.addElement(TableColumn(stylename=styles.column(width)))
    last_row = max(grid.last_row, max((v.last for v in grid.validations), default=0))
    header = None
    if grid.print_rows is not None:
        header = TableHeaderRows()
    for row in range(1, last_row + 1):
        height = grid.heights.get(row)
        element = TableRow(stylename=styles.row(height)) if height else TableRow()
        for column in range(1, max(grid.last_column, 1) + 1):
            styled = grid.cells.get((row, column), Styled(None))
            style = styles.cell(styled.look, styled.number_format)
            element.addElement(_value_cell(styled, style, covered.get((row, column))))
        if header is not None and grid.print_rows[0] <= row <= grid.print_rows[1]:
            header.addElement(element)
            if row == grid.print_rows[1]:
                table.addElement(header)
        else:
            table.addElement(element)
    return table


def _view_settings(doc, grids: Sequence[Grid]) -> None:
    """Frozen header rows and columns, as LibreOffice keeps them in settings.xml."""
    tables = ConfigItemMapNamed(name="Tables")
    for grid in grids:
        if grid.freeze is None:
            continue
        rows, columns = grid.freeze
        entry = ConfigItemMapEntry(name=_text(grid.name))
        items = {
            "HorizontalSplitMode": ("short", 2 if columns else 0),
            "VerticalSplitMode": ("short", 2 if rows else 0),
            "HorizontalSplitPosition": ("int", columns),
            "VerticalSplitPosition": ("int", rows),
            "ActiveSplitRange": ("short", 2),
            "PositionLeft": ("int", 0),
            "PositionRight": ("int", columns),
            "PositionTop": ("int", 0),
            "PositionBottom": ("int", rows),
        }
        for name, (kind, value) in items.items():
            entry.addElement(ConfigItem(name=name, type=kind, text=str(value)))
        tables.addElement(entry)
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(tables)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)


def write_ods(grids: Sequence[Grid], *, title: str, identifier: str, footer: Footer) -> bytes:
    doc = OpenDocumentSpreadsheet()
    if title:
        doc.meta.addElement(Title(text=_text(title)))
    if identifier:
        # ODF has no identifier field: a user-defined property, read back by the reader.
        doc.meta.addElement(UserDefined(name="Identifier", valuetype="string", text=identifier))
    # French display (decimal comma, spaces between thousands) wherever the file is opened.
    default = DefaultStyle(family="table-cell")
    default.addElement(TextProperties(language="fr", country="FR"))
    doc.styles.addElement(default)
    styles = _Styles(doc)
    masters = {
        landscape: _page(doc, footer, landscape=landscape)
        for landscape in {grid.landscape for grid in grids}
    }
    # The validations come before the tables in the document, as ODF orders them.
    container = ContentValidations()
    covered = [_validations(container, grid, number) for number, grid in enumerate(grids, 1)]
    if container.hasChildNodes():
        doc.spreadsheet.addElement(container)
    ranges = DatabaseRanges()
    for number, grid in enumerate(grids, start=1):
        master = masters[grid.landscape]
        doc.spreadsheet.addElement(_table(styles, grid, master, covered[number - 1]))
        if grid.autofilter is not None:
            first_row, first_column, last_row, last_column = grid.autofilter
            ranges.addElement(
                DatabaseRange(
                    name=f"__Anonymous_Sheet_DB__{number - 1}",
                    targetrangeaddress=_cell_address(grid.name, first_row, first_column)
                    + ":"
                    + _cell_address(grid.name, last_row, last_column),
                    displayfilterbuttons="true",
                )
            )
    if ranges.hasChildNodes():
        doc.spreadsheet.addElement(ranges)
    _view_settings(doc, grids)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
