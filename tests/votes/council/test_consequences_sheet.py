"""The council file's « Conséquences budgétaires » sheet (issue 16 §7), on the demo: the
épargne brute, its rate, the debt and the capacité de désendettement without and with the
winners, checked against figures worked out by hand from fixtures/demo_budget.csv."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.roles import FINANCE
from budget.spreadsheets import writer
from budget.spreadsheets.reader import open_workbook
from simulator.inputs import run_scenario
from simulator.services import scenario_state
from tests.factories import make_user
from tests.votes.demo_council import demo_at_council
from votes.council.report import council_workbook, report_seal, report_sheets
from votes.council.scenario import adopted_scenario_build
from votes.council.services import council_data

pytestmark = pytest.mark.django_db

SHEET = "Conséquences budgétaires"

# Worked out by hand from fixtures/demo_budget.csv (column BGT_MTPREV; no growth rates):
#
# BEFORE (year 1, and every year: the demo budget has no growth rates)
#   real operating revenue (31 lines, chapter 002 and account 775 left out) = 19 022 813,03
#   real operating expenditure (158 lines)                                  = 17 397 969,73
#   épargne brute = 19 022 813,03 − 17 397 969,73                            =  1 624 843,30
#   taux d'épargne brute = 1 624 843,30 / 19 022 813,03                      = 8,54 % → 8,5
#   debt at 31/12, year 1 = 11 986 452,37 (debt_start) − 1 052 340,18 (1641 repaid)
#                           + 1 551 125,08 (1641 borrowed)                   = 12 485 237,27
#   capacité de désendettement = 12 485 237,27 / 1 624 843,30                = 7,68 → 7,7 years
#
# AFTER, year 1: the demo's winners are the savings P-0001, P-0003, P-0008, P-0009, P-0016,
# P-0017, P-0024 (P-0019 and P-0031 carry no line adjustment: listed, not counted).
#   revenue:  P-0001 cantine 536 360,88 × 33,33 % × 0,4 (from September)       = +71 507,63
#             P-0003 accueils de loisirs 196 424,91 × 10 % × 0,4                =  +7 856,99
#             P-0008 induced: pool entries lose 25 % of the 48 000 of staff     = −12 000,00
#             total                                                            = +67 364,63
#   spending: P-0001 induced: food purchases −0,22 × 71 507,63                 = −15 731,68
#             P-0008 staff −48 000 × (1 + 37,65 % CNRACL + 14 % URSSAF + 6 % electricity)
#                                                                              = −75 672,00
#             P-0008 pool heating 178 224,99 × −12 %                           = −21 387,00
#             P-0009 subsidies (133 722,36 + 212 528,19 + 160 923,02) × −5 %   = −25 358,68
#                    induced: festivals +0,25 × 6 686,12 (cultural subsidies)  =  +1 671,53
#             P-0016 street lighting 308 886,24 × −25 % × 0,75                 = −57 916,17
#             P-0017 heating (48 862,80 + 139 688,43 + 50 979,60) × −7 %       = −16 767,16
#             P-0024 staff −62 000 × 0,5 × (1 + 37,65 % + 14 %)                = −47 011,50
#             total                                                            = −258 172,66
#   épargne brute = 1 624 843,30 + 67 364,63 + 258 172,66                      = 1 950 380,59
#     (the engine sums unrounded amounts: 1 950 380,58 to the cent)
#   taux = 1 950 380,58 / (19 022 813,03 + 67 364,63)                          = 10,22 % → 10,2
#   debt unchanged (savings borrow nothing)                                    = 12 485 237,27
#   capacité = 12 485 237,27 / 1 950 380,58                                    = 6,40 → 6,4 years
EXPECTED_YEAR_1 = {
    "Épargne brute": (Decimal("1624843.30"), Decimal("1950380.58")),
    "Taux d'épargne brute (%)": (Decimal("8.5"), Decimal("10.2")),
    "Encours de dette au 31 décembre": (Decimal("12485237.27"), Decimal("12485237.27")),
    "Capacité de désendettement (années)": (Decimal("7.7"), Decimal("6.4")),
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = False  # the campaign loader makes its own accounts
    return demo_at_council()


def year_one_rows(data: bytes) -> dict[str, tuple]:
    """The first data row (year 1) under each ratio's caption in the sheet."""
    reader, problem = open_workbook(data)
    assert problem is None
    rows = [list(row) for row in reader.rows(SHEET)]
    found = {}
    for index, row in enumerate(rows):
        if row and row[0] in EXPECTED_YEAR_1:
            header, first = rows[index + 1], rows[index + 2]
            assert header[:4] == [
                "Année du plan",
                "Sans les propositions",
                "Avec les propositions",
                "Écart",
            ]
            assert first[0] == 1
            found[row[0]] = tuple(Decimal(str(value)) for value in first[1:4])
    return found


@pytest.mark.parametrize("file_format", [writer.XLSX, writer.ODS])
def test_the_council_file_gives_the_ratios_before_and_after_the_winners(demo, file_format):
    campaign, snapshot = demo
    data, _stored = council_data(campaign)

    found = year_one_rows(
        council_workbook(data, fingerprint=snapshot.sha256, file_format=file_format)
    )

    assert set(found) == set(EXPECTED_YEAR_1)
    for label, (before, after) in EXPECTED_YEAR_1.items():
        assert found[label][:2] == (before, after), label
        assert found[label][2] == after - before, label


def test_the_consequences_are_frozen_in_the_snapshot(demo):
    campaign, snapshot = demo

    consequences = snapshot.data()["consequences"]

    assert consequences["basis"] == "winners"
    assert consequences["horizon"] == 3
    assert [year["year"] for year in consequences["years"]] == [1, 2, 3]
    first = consequences["years"][0]
    assert (first["before"]["epargne_brute"], first["after"]["epargne_brute"]) == (
        "1624843.30",
        "1950380.58",
    )
    left_out = {p["reference"]: p["missing"] for p in consequences["proposals"]}
    assert left_out["P-0019"] == "aucun ajustement de ligne du simulateur"
    assert left_out["P-0001"] == ""


def test_the_report_page_shows_the_sheet_in_its_place(demo):
    campaign, snapshot = demo
    data, stored = council_data(campaign)

    names = [sheet.name for sheet in report_sheets(data, report_seal(data, stored.sha256))]

    assert names.index(SHEET) == names.index("Propositions et instruction") + 1


def test_a_snapshot_older_than_the_sheet_gets_no_sheet(demo):
    campaign, _snapshot = demo
    data, stored = council_data(campaign)
    del data["consequences"]

    names = [sheet.name for sheet in report_sheets(data, report_seal(data, stored.sha256))]

    assert SHEET not in names


def test_the_scenario_the_finance_service_builds_gives_the_same_figures(demo):
    campaign, _snapshot = demo

    built = adopted_scenario_build(campaign=campaign, by=make_user(roles=(FINANCE,)))

    result, _inputs = run_scenario(campaign.budget, scenario_state(built.scenario))
    assert built.basis == "winners"
    assert built.scenario.measures.count() == 7  # P-0019 and P-0031 have no adjustment
    assert round(result.ratios[0].epargne_brute, 2) == 1950380.58
    assert round(result.ratios[0].capacite_desendettement, 1) == 6.4
