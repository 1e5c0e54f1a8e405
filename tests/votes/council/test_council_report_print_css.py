"""The printable council report (issue 17): printed from the browser, it breaks where the council
file's sheets do (a section per sheet, each from a new A4 landscape page) and repeats each
table's header row on every page, as the workbook repeats its header rows."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from budget.roles import FINANCE
from tests.factories import make_user
from tests.votes.council.test_council_report_view import url
from tests.votes.results.test_results_services import projects_campaign
from votes.council.report import council_workbook
from votes.council.services import council_data

pytestmark = pytest.mark.django_db


def print_rules() -> str:
    """The body of the @media print block that styles the report."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    blocks = re.findall(r"@media print \{(.*?)\n\}", css, flags=re.S)
    (report,) = [block for block in blocks if ".report-page" in block]
    return report


def test_the_print_stylesheet_breaks_per_section_and_repeats_table_headers():
    rules = re.sub(r"\s+", " ", print_rules())

    assert ".report-section { break-before: page;" in rules
    assert ".report thead { display: table-header-group; }" in rules
    assert ".report tr, .report .chart-canvas { break-inside: avoid; }" in rules
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert "@page report { size: A4 landscape;" in css


def test_the_page_has_a_section_per_sheet_of_the_council_file_and_table_headers(client):
    s = projects_campaign()
    client.force_login(make_user(roles=(FINANCE,)))

    body = client.get(url(s.campaign)).content.decode()

    sections = re.findall(
        r'<section id="[^"]+" class="report-section"[^>]*>\s*<h2[^>]*>([^<]+)<', body
    )
    data, _snapshot = council_data(s.campaign)
    book = load_workbook(io.BytesIO(council_workbook(data, fingerprint=None)))
    assert sections == book.sheetnames
    assert body.count('<table class="report-table">') == body.count("<thead>") > 0
