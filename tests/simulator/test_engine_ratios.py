"""Ratios of domain.md §4 computed by the simulator on final amounts, year by year.

The ratios themselves, on one plain year, are tested in tests/budget/test_finance.py.
"""

from __future__ import annotations

import pytest

from budget.finance import compute_ratios
from simulator.engine import Adjustment, lines_from_records, simulate


def health_budget():
    """Every exclusion of §4 is present, so a wrong mask changes a figure."""
    return lines_from_records(
        [
            # operating revenue
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 1_000_000},
            {"code": "FR-6419", "chapter": "013", "account": "6419", "amount": 20_000},
            {"code": "FR-775", "chapter": "77", "account": "775", "amount": 50_000},
            {"code": "FR-002", "chapter": "002", "account": "002", "amount": 30_000},
            {
                "code": "FR-722",
                "chapter": "042",
                "account": "722",
                "amount": 10_000,
                "kind": "ordre",
            },
            # operating expenditure
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 300_000},
            {"code": "FD-64111", "chapter": "012", "account": "64111", "amount": 400_000},
            {"code": "FD-66111", "chapter": "66", "account": "66111", "amount": 40_000},
            {"code": "FD-002", "chapter": "002", "account": "002", "amount": 5_000},
            {
                "code": "FD-6811",
                "chapter": "042",
                "account": "6811",
                "amount": 60_000,
                "kind": "ordre",
            },
            # investment: repayments, refinancing (166) and cash-line drawings (16449)
            {"code": "ID-1641", "chapter": "16", "account": "1641", "amount": 100_000},
            {"code": "ID-166", "chapter": "16", "account": "166", "amount": 25_000},
            {"code": "ID-16449", "chapter": "16", "account": "16449", "amount": 15_000},
            {"code": "IR-1641", "chapter": "16", "account": "1641", "amount": 150_000},
            {"code": "IR-166", "chapter": "16", "account": "166", "amount": 25_000},
            {"code": "IR-16449", "chapter": "16", "account": "16449", "amount": 15_000},
            {"code": "ID-2313", "chapter": "23", "account": "2313", "amount": 500_000},
        ]
    )


def test_it_computes_every_ratio_of_the_baseline_with_the_exclusions():
    result = simulate(health_budget(), None, [], horizon=1, debt_start=1_000_000)
    year = result.as_dict()["years"][0]
    # RRF: 1 000 000 + 20 000 (013 included); 775, 002 and the order line excluded.
    assert year["rrf"] == 1_020_000
    # DRF: 300 000 + 400 000 + 40 000; 002 and the order line excluded.
    assert year["drf"] == 740_000
    assert year["interest"] == 40_000
    assert year["epargne_gestion"] == 1_020_000 - 700_000
    assert year["epargne_brute"] == 280_000
    assert year["capital_repayment"] == 100_000  # 166 and 16449 excluded
    assert year["new_loans"] == 150_000
    assert year["epargne_nette"] == 180_000
    assert year["taux_epargne_brute"] == pytest.approx(280_000 / 1_020_000)
    assert year["debt_end"] == 1_050_000
    assert year["capacite_desendettement"] == pytest.approx(1_050_000 / 280_000)


def test_it_carries_the_debt_from_one_year_to_the_next():
    result = simulate(health_budget(), None, [], horizon=3, debt_start=1_000_000)
    assert [y["debt_end"] for y in result.as_dict()["years"]] == [1_050_000, 1_100_000, 1_150_000]
    assert [r.debt_start for r in result.ratios] == [1_000_000, 1_050_000, 1_100_000]


def test_it_agrees_with_compute_ratios_on_the_baseline():
    lines = health_budget()
    result = simulate(lines, None, [], horizon=1, debt_start=1_000_000)
    assert result.ratios[0] == compute_ratios(lines, debt_start=1_000_000)


def test_ratios_follow_the_final_amounts():
    result = simulate(
        health_budget(),
        None,
        [Adjustment(line="FD-60612", amount=-20_000), Adjustment(line="FR-6419", amount=5_000)],
        horizon=1,
        debt_start=1_000_000,
    )
    year = result.as_dict()["years"][0]
    assert year["rrf"] == 1_025_000
    assert year["drf"] == 720_000
    assert year["epargne_brute"] == 305_000
    assert year["epargne_nette"] == 205_000


def test_amounts_are_rounded_to_the_cent_and_ratios_are_not():
    lines = lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 300_000},
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 100_000},
        ]
    )
    result = simulate(lines, None, [], horizon=1, debt_start=0.004)
    year = result.as_dict()["years"][0]
    assert year["debt_end"] == 0.0
    assert year["taux_epargne_brute"] == 200_000 / 300_000  # 0.666…, not 0.67


def test_growth_rates_apply_per_chapter_from_year_two():
    lines = lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 1_000_000},
            {"code": "FD-64111", "chapter": "012", "account": "64111", "amount": 400_000},
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 300_000},
        ]
    )
    result = simulate(
        lines,
        None,
        [Adjustment(line="FD-64111", percent=-10)],
        horizon=3,
        debt_start=0,
        growth_rates={"012": 0.02},
    )
    data = result.as_dict()
    staff = data["lines"][0]["years"]
    # 400 000, 400 000 × 1.02 = 408 000, 400 000 × 1.02² = 416 160; −10 % of each.
    assert [y["baseline"] for y in staff] == [400_000, 408_000, 416_160]
    assert [y["direct"] for y in staff] == [-40_000, -40_800, -41_616]
    assert [y["drf"] for y in data["years"]] == [660_000, 667_200, 674_544]
    # 011 has no rate: its baseline stays flat.
    assert (result.baseline[2] == 300_000).all()


def test_it_warns_when_gross_savings_vanish_or_debt_capacity_exceeds_twelve_years():
    lines = lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 1_000_000},
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 900_000},
        ]
    )
    # Épargne brute 100 000: 1 300 000 of debt is 13 years.
    result = simulate(
        lines,
        None,
        [Adjustment(line="FD-60612", amount=150_000, start_year=2)],
        horizon=2,
        debt_start=1_300_000,
    )
    assert result.ratios[0].capacite_desendettement == pytest.approx(13.0)
    assert result.ratios[1].capacite_desendettement is None
    assert result.warnings == [
        "Capacité de désendettement de 13,0 ans en année 1, au-delà du plafond de "
        "référence de 12 ans.",
        "Épargne brute négative ou nulle en année 2 (−50\u202f000\u00a0€) : la capacité de "
        "désendettement n'est pas définie.",
    ]


def test_totals_by_function_keep_spending_and_revenue_apart():
    lines = lines_from_records(
        [
            {
                "code": "FD-64111-413",
                "chapter": "012",
                "account": "64111",
                "function": "413",
                "amount": 450_000,
            },
            {
                "code": "FR-70631-413",
                "chapter": "70",
                "account": "70631",
                "function": "413",
                "amount": 120_000,
            },
            {
                "code": "FD-6811-413",
                "chapter": "042",
                "account": "6811",
                "function": "413",
                "amount": 80_000,
                "kind": "ordre",
            },
        ]
    )
    result = simulate(
        lines, None, [Adjustment(line="FD-64111-413", amount=-45_000)], horizon=1, debt_start=0
    )
    totals = result.totals("function").set_index(["direction", "function"])
    # The order line is not counted.
    assert totals.loc[("depense", "413"), "baseline"] == 450_000
    assert totals.loc[("depense", "413"), "final"] == 405_000
    assert totals.loc[("recette", "413"), "change"] == 0
