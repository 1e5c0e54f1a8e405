"""How one adjustment becomes yearly deltas: amount or percent, timing, first-year share."""

from __future__ import annotations

import pytest

from simulator.engine import Adjustment, lines_from_records, simulate


def budget():
    return lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 2_000_000},
            {
                "code": "FD-60612",
                "chapter": "011",
                "account": "60612",
                "amount": 200_000,
                "label": "Énergie - électricité",
            },
            {"code": "FR-7067", "chapter": "70", "account": "7067", "amount": 150_000},
        ]
    )


def direct(result, code):
    rows = result.line_years().query("code == @code")
    return rows["direct"].tolist()


def test_an_amount_is_the_same_every_year_and_a_percent_follows_the_baseline():
    result = simulate(
        budget(),
        None,
        [Adjustment(line="FD-60612", amount=-12_000), Adjustment(line="FR-7067", percent=10)],
        horizon=2,
        debt_start=0,
        growth_rates={"70": 0.1},
    )
    assert direct(result, "FD-60612") == [-12_000, -12_000]
    # 10 % of 150 000, then of 165 000.
    assert direct(result, "FR-7067") == pytest.approx([15_000, 16_500])
    # Saving: 12 000 less spending plus 15 000 more revenue.
    assert result.as_dict()["years"][0]["net_saving"] == 27_000


def test_a_recurring_adjustment_lasts_from_its_start_year():
    result = simulate(
        budget(),
        None,
        [Adjustment(line="FD-60612", amount=-10_000, start_year=2)],
        horizon=4,
        debt_start=0,
    )
    assert direct(result, "FD-60612") == [0, -10_000, -10_000, -10_000]


def test_a_one_off_adjustment_counts_in_its_start_year_only():
    result = simulate(
        budget(),
        None,
        [Adjustment(line="FD-60612", amount=-10_000, start_year=2, recurring=False)],
        horizon=4,
        debt_start=0,
    )
    assert direct(result, "FD-60612") == [0, -10_000, 0, 0]
    assert [y["net_saving"] for y in result.as_dict()["years"]] == [0, 10_000, 0, 0]


def test_the_first_year_share_scales_the_start_year_only():
    result = simulate(
        budget(),
        None,
        [Adjustment(line="FD-60612", amount=-12_000, start_year=1, first_year_share=0.25)],
        horizon=3,
        debt_start=0,
    )
    assert direct(result, "FD-60612") == [-3_000, -12_000, -12_000]
    assert result.first_year_net_saving == 3_000
    assert result.full_year_net_saving == 12_000


def test_the_full_year_effect_ignores_the_first_year_share_in_the_last_year():
    # A measure starting in the last year at a quarter: the full-year effect counts it whole.
    result = simulate(
        budget(),
        None,
        [Adjustment(line="FD-60612", amount=-12_000, start_year=3, first_year_share=0.25)],
        horizon=3,
        debt_start=0,
    )
    assert result.as_dict()["years"][2]["net_saving"] == 3_000
    assert result.first_year_net_saving == 0
    assert result.full_year_net_saving == 12_000


def test_the_full_year_effect_leaves_out_one_offs_starting_in_the_last_year():
    result = simulate(
        budget(),
        None,
        [
            Adjustment(line="FD-60612", amount=-10_000),
            Adjustment(line="FD-60612", amount=-5_000, start_year=3, recurring=False),
            Adjustment(line="FR-7067", amount=4_000, start_year=2, recurring=False),
        ],
        horizon=3,
        debt_start=0,
    )
    years = result.as_dict()["years"]
    assert [y["net_saving"] for y in years] == [10_000, 14_000, 15_000]
    assert result.full_year_net_saving == 10_000


def test_several_adjustments_on_one_line_add_up():
    result = simulate(
        budget(),
        None,
        [
            Adjustment(line="FD-60612", amount=-10_000, measure="LED"),
            Adjustment(line="FD-60612", percent=-5, measure="Sobriété"),
            Adjustment(line="FD-60612", amount=2_500, start_year=2, measure="Sobriété"),
        ],
        horizon=2,
        debt_start=0,
    )
    # −10 000 − 5 % × 200 000 = −20 000; +2 500 from year 2.
    assert direct(result, "FD-60612") == [-20_000, -17_500]
    effects = result.measure_effects.set_index(["measure", "year"])
    assert effects.loc[("LED", 2), "direct_delta"] == 10_000
    assert effects.loc[("Sobriété", 2), "direct_delta"] == 7_500


def test_it_reports_every_changed_line_with_its_years():
    result = simulate(
        budget(),
        None,
        [Adjustment(line=" FD-60612 ", amount=-1_000.005)],
        horizon=2,
        debt_start=0,
    )
    assert result.as_dict()["lines"] == [
        {
            "code": "FD-60612",
            "label": "Énergie - électricité",
            "years": [
                {
                    "year": 1,
                    "baseline": 200_000,
                    "direct": -1_000.0,
                    "induced": 0,
                    "final": 199_000,
                },
                {
                    "year": 2,
                    "baseline": 200_000,
                    "direct": -1_000.0,
                    "induced": 0,
                    "final": 199_000,
                },
            ],
        }
    ]


def test_a_zero_adjustment_changes_no_line():
    result = simulate(budget(), None, [Adjustment(line="FD-60612", percent=0)], debt_start=0)
    assert result.as_dict()["lines"] == []


def test_the_output_has_exactly_the_keys_of_the_simulate_command():
    data = simulate(budget(), None, [], horizon=1, debt_start=0, target=1).as_dict()
    assert list(data) == [
        "years",
        "target",
        "target_met",
        "first_year_net_saving",
        "full_year_net_saving",
        "lines",
        "warnings",
    ]
    assert list(data["years"][0]) == [
        "year",
        "rrf",
        "drf",
        "interest",
        "epargne_gestion",
        "epargne_brute",
        "epargne_nette",
        "taux_epargne_brute",
        "capital_repayment",
        "new_loans",
        "debt_end",
        "capacite_desendettement",
        "direct_delta",
        "induced_delta",
        "net_saving",
        "investment_net_delta",
    ]
