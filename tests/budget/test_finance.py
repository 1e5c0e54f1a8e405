"""The French ratios of a budget (domain.md §4) on a plain lines frame, no simulation."""

from __future__ import annotations

import pandas as pd
import pytest

from budget.finance import (
    DEBT_CAPACITY_CEILING_YEARS,
    LINE_COLUMNS,
    RATIO_KEYS,
    compute_ratios,
    ratio_masks,
    ratios_from_sums,
)


def line(code, chapter, account, amount, *, kind="reel"):
    section = "fonctionnement" if code[0] == "F" else "investissement"
    direction = "recette" if code[1] == "R" else "depense"
    return {
        "code": code,
        "section": section,
        "direction": direction,
        "kind": kind,
        "chapter": chapter,
        "account": account,
        "function": "",
        "amount": float(amount),
    }


def health_budget() -> pd.DataFrame:
    """Every exclusion of §4 is present, so a wrong mask changes a figure."""
    return pd.DataFrame(
        [
            # operating revenue: 775 (disposals), 002 (carried result) and order lines excluded
            line("FR-73111", "731", "73111", 1_000_000),
            line("FR-6419", "013", "6419", 20_000),
            line("FR-775", "77", "775", 50_000),
            line("FR-002", "002", "002", 30_000),
            line("FR-722", "042", "722", 10_000, kind="ordre"),
            # operating expenditure
            line("FD-60612", "011", "60612", 300_000),
            line("FD-64111", "012", "64111", 400_000),
            line("FD-66111", "66", "66111", 40_000),
            line("FD-002", "002", "002", 5_000),
            line("FD-6811", "042", "6811", 60_000, kind="ordre"),
            # investment: repayments, refinancing (166) and cash-line drawings (16449)
            line("ID-1641", "16", "1641", 100_000),
            line("ID-166", "16", "166", 25_000),
            line("ID-16449", "16", "16449", 15_000),
            line("IR-1641", "16", "1641", 150_000),
            line("IR-166", "16", "166", 25_000),
            line("IR-16449", "16", "16449", 15_000),
            line("ID-2313", "23", "2313", 500_000),
        ],
        columns=LINE_COLUMNS,
    )


def test_it_computes_every_ratio_with_the_exclusions():
    ratios = compute_ratios(health_budget(), debt_start=1_000_000)

    assert ratios.rrf == 1_020_000  # 013 included; 775, 002 and the order line excluded
    assert ratios.drf == 740_000  # 002 and the order line excluded
    assert ratios.interest == 40_000
    assert ratios.epargne_gestion == 1_020_000 - 700_000
    assert ratios.epargne_brute == 280_000
    assert ratios.capital_repayment == 100_000  # 166 and 16449 excluded
    assert ratios.new_loans == 150_000
    assert ratios.epargne_nette == 180_000
    assert ratios.taux_epargne_brute == pytest.approx(280_000 / 1_020_000)
    assert ratios.debt_start == 1_000_000
    assert ratios.debt_end == 1_050_000
    assert ratios.capacite_desendettement == pytest.approx(1_050_000 / 280_000)
    assert not ratios.debt_capacity_alert


def test_the_masks_select_the_lines_behind_each_sum_in_ratio_key_order():
    frame = health_budget()
    masks = ratio_masks(frame)

    assert tuple(masks) == RATIO_KEYS
    assert list(frame.loc[masks["capital_repayment"], "code"]) == ["ID-1641"]
    assert list(frame.loc[masks["new_loans"], "code"]) == ["IR-1641"]
    assert list(frame.loc[masks["interest"], "code"]) == ["FD-66111"]


def test_another_amount_column_can_be_read():
    frame = health_budget()
    frame["realised"] = frame["amount"] / 2

    ratios = compute_ratios(frame, debt_start=0, amount="realised")

    assert ratios.rrf == 510_000
    assert ratios.drf == 370_000


def test_without_gross_savings_the_debt_capacity_is_undefined_and_alerts():
    ratios = ratios_from_sums(
        rrf=100, drf=100, interest=0, capital_repayment=0, new_loans=0, debt_start=50
    )

    assert ratios.epargne_brute == 0
    assert ratios.capacite_desendettement is None
    assert ratios.debt_capacity_alert


def test_without_operating_revenue_the_savings_rate_is_undefined():
    ratios = ratios_from_sums(
        rrf=0, drf=10, interest=0, capital_repayment=0, new_loans=0, debt_start=0
    )

    assert ratios.taux_epargne_brute is None


def test_a_debt_capacity_beyond_the_ceiling_alerts():
    ratios = ratios_from_sums(
        rrf=1_000, drf=900, interest=0, capital_repayment=0, new_loans=0, debt_start=1_300
    )

    assert ratios.capacite_desendettement == pytest.approx(13.0)
    assert DEBT_CAPACITY_CEILING_YEARS == 12
    assert ratios.debt_capacity_alert


def test_as_dict_rounds_amounts_to_the_cent_but_not_the_ratios():
    ratios = ratios_from_sums(
        rrf=300_000.004,
        drf=100_000,
        interest=0,
        capital_repayment=0,
        new_loans=0,
        debt_start=0.004,
    )

    data = ratios.as_dict()

    assert data["rrf"] == 300_000.0
    assert data["debt_end"] == 0.0
    assert data["taux_epargne_brute"] == ratios.taux_epargne_brute
    assert ratios.as_dict(rounded=False)["rrf"] == 300_000.004
