"""The demo's instruction sheet printed by LibreOffice (issue 17): its 18 columns fit one
landscape page wide, XLSX and ODS alike, the header row on every page."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR
from budget.spreadsheets import writer
from tests.budget.spreadsheets.printing import assert_prints_whole
from tests.factories import make_user
from tests.votes.demo_council import demo_campaign
from votes.instruction.sheet_services import instruction_sheet_export

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def test_the_demo_instruction_sheet_prints_whole_in_xlsx_and_ods(settings, tmp_path):
    settings.DEBUG = False
    campaign = demo_campaign()
    admin = make_user(roles=(ADMINISTRATOR,))
    xlsx = instruction_sheet_export(campaign=campaign, by=admin)
    ods = instruction_sheet_export(campaign=campaign, by=admin, file_format=writer.ODS)

    assert_prints_whole(xlsx, xlsx, "xlsx", tmp_path / "xlsx")
    assert_prints_whole(xlsx, ods, "ods", tmp_path / "ods")
