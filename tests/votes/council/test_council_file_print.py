"""The demo's council file printed by LibreOffice (issue 17): XLSX and ODS alike, each sheet
fits one page wide (no vertical strips) and takes no more pages than its rows need."""

from __future__ import annotations

import pytest

from budget.spreadsheets import writer
from tests.budget.spreadsheets.printing import assert_prints_whole, print_to_pdf, squeezed
from tests.votes.demo_council import demo_at_council
from votes.council.report import council_workbook
from votes.council.services import council_data
from votes.results.exports import results_workbook
from votes.results.services import campaign_results

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


@pytest.fixture
def demo(settings):
    # Without DEBUG, load_demo creates no accounts: the campaign loader makes its own.
    settings.DEBUG = False
    return demo_at_council()


def test_the_demo_council_file_prints_whole_in_xlsx_and_ods(demo, tmp_path):
    campaign, snapshot = demo
    data, _snapshot = council_data(campaign)
    xlsx = council_workbook(data, fingerprint=snapshot.sha256)
    ods = council_workbook(data, fingerprint=snapshot.sha256, file_format=writer.ODS)

    assert_prints_whole(xlsx, xlsx, "xlsx", tmp_path / "xlsx")
    assert_prints_whole(xlsx, ods, "ods", tmp_path / "ods")


def test_every_printed_page_of_the_council_file_carries_the_fingerprint(demo, tmp_path):
    campaign, snapshot = demo
    data, _snapshot = council_data(campaign)
    ods = council_workbook(data, fingerprint=snapshot.sha256, file_format=writer.ODS)

    pages = print_to_pdf(ods, "ods", tmp_path)

    assert pages
    for text in pages:
        assert squeezed(snapshot.sha256) in squeezed(text)
        assert campaign.title in text


def test_the_demo_results_export_prints_whole(demo, tmp_path):
    campaign, _snapshot = demo
    xlsx = results_workbook(campaign_results(campaign=campaign))

    assert_prints_whole(xlsx, xlsx, "xlsx", tmp_path)
