"""The public table of budget lines and its CSV / XLSX exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budget.models import BudgetLine
from budget.spreadsheets import writer
from budget.templatetags.budget_tags import money

PER_PAGE = 50
NUM = {"th": {"class": "num", "scope": "col"}, "td": {"class": "num"}}
COL = {"th": {"scope": "col"}}


class BudgetLineTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs=COL)
    label = tables.Column(
        verbose_name=_("Libellé"), accessor="display_label", order_by="label", attrs=COL
    )
    section = tables.Column(verbose_name=_("Section"), attrs=COL)
    direction = tables.Column(verbose_name=_("Sens"), attrs=COL)
    chapter = tables.Column(verbose_name=_("Chapitre"), attrs=COL)
    account = tables.Column(verbose_name=_("Compte"), attrs=COL)
    # empty_values=() so that lines without a function say "Non ventilé".
    function = tables.Column(verbose_name=_("Fonction"), attrs=COL, empty_values=())
    kind = tables.Column(verbose_name=_("Réel / ordre"), attrs=COL)
    amount = tables.Column(verbose_name=_("Montant voté"), attrs=NUM)
    realised = tables.Column(verbose_name=_("Réalisé"), attrs=NUM)
    adjustable = tables.Column(verbose_name=_("Ajustable"), attrs=COL)

    class Meta:
        model = BudgetLine
        fields = [
            "code",
            "label",
            "section",
            "direction",
            "chapter",
            "account",
            "function",
            "kind",
            "amount",
            "realised",
            "adjustable",
        ]
        template_name = "budget/_lines_table.html"
        attrs = {"class": "lines-table"}
        empty_text = _("Aucune ligne ne correspond à ces filtres.")

    def __init__(self, *args, budget_slug: str, with_realised: bool, caption: str, **kwargs):
        if not with_realised:
            kwargs["exclude"] = [*kwargs.get("exclude", ()), "realised"]
        super().__init__(*args, **kwargs)
        self.budget_slug = budget_slug
        self.caption = caption

    # The URL is built from the slug the view already has: record.get_absolute_url() would
    # load each line's budget, one query per row.
    def render_code(self, value: str) -> SafeString:
        url = reverse("budget:line", kwargs={"slug": self.budget_slug, "code": value})
        return format_html('<a href="{}">{}</a>', url, value)

    def value_code(self, value: str) -> str:
        return value

    def render_chapter(self, value: str, record: BudgetLine) -> SafeString:
        return _code_and_label(value, record.chapter_label)

    def value_chapter(self, value: str) -> str:
        return value

    def render_account(self, value: str, record: BudgetLine) -> SafeString:
        return _code_and_label(value, record.account_label)

    def value_account(self, value: str) -> str:
        return value

    def render_function(self, value: str, record: BudgetLine) -> SafeString:
        if not value:
            return format_html('<span class="help">{}</span>', gettext("Non ventilé"))
        return _code_and_label(value, record.function_label)

    def value_function(self, value: str) -> str:
        return value

    def render_amount(self, value: Decimal) -> str:
        return money(value)

    def value_amount(self, value: Decimal) -> Decimal:
        return value

    def render_realised(self, value: Decimal | None) -> str:
        return money(value)

    def value_realised(self, value: Decimal | None) -> Decimal | None:
        return value

    def render_adjustable(self, value: bool) -> SafeString:
        if value:
            return format_html('<span class="badge yes">{}</span>', gettext("Oui"))
        return format_html('<span class="badge">{}</span>', gettext("Non"))

    def value_adjustable(self, value: bool) -> str:
        return gettext("Oui") if value else gettext("Non")


def _code_and_label(code: str, label: str) -> SafeString:
    if not label:
        return format_html("{}", code)
    return format_html('{} <span class="help">{}</span>', code, label)


def export_rows(table: tables.Table) -> list[list]:
    """Header and every row of the table's data (all filtered rows, not only one page)."""
    return [list(row) for row in table.as_values()]


def _columns(rows: Sequence[Sequence]) -> list[writer.Column]:
    # The amount columns are those holding numbers: two decimals, as the table shows them.
    header, data = rows[0], rows[1:]
    amounts = {
        index
        for row in data
        for index, value in enumerate(row)
        if isinstance(value, Decimal | float)
    }
    return [
        writer.Column(str(name), writer.AMOUNT, decimals=2)
        if index in amounts
        else writer.Column(str(name))
        for index, name in enumerate(header)
    ]


def rows_to_csv(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM, `;` between fields, decimal commas: opens as-is in French Excel."""
    rows = list(rows)
    table = writer.Table(_columns(rows), rows[1:])
    return writer.csv_bytes(table, delimiter=";", decimal_comma=True, bom=True)


def rows_to_xlsx(rows: Iterable[Sequence], *, title: str, name: str = "") -> bytes:
    """The table's rows as a workbook; ``name`` (the budget's) heads every printed page."""
    rows = list(rows)
    sheet = writer.Sheet(str(title), _columns(rows), rows[1:])
    return writer.xlsx_bytes([sheet], footer=writer.Footer(name or str(title)))
