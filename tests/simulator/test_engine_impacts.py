"""Linked impacts: yearly and cumulative rules, lags, chains, loans and their interest."""

from __future__ import annotations

import pytest

from simulator.engine import (
    Adjustment,
    lines_from_records,
    prepare,
    rules_from_records,
    simulate,
)


def column(result, code, name):
    return result.line_years().query("code == @code")[name].tolist()


def pool_budget():
    return lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 2_000_000},
            {
                "code": "FD-64111-413",
                "chapter": "012",
                "account": "64111",
                "function": "413",
                "amount": 450_000,
                "label": "Personnel de la piscine",
            },
            {
                "code": "FR-70631-413",
                "chapter": "70",
                "account": "70631",
                "function": "413",
                "amount": 120_000,
                "label": "Entrées de la piscine",
            },
        ]
    )


def test_fewer_pool_hours_save_staff_costs_but_lose_ticket_revenue():
    # Each euro of staff cut loses 10 cents of tickets: the target follows the source's delta.
    rules = rules_from_records(
        [{"source": "FD-64111-413", "target": "FR-70631-413", "coefficient": 0.1}]
    )
    result = simulate(
        pool_budget(),
        rules,
        [Adjustment(line="FD-64111-413", amount=-45_000, measure="Piscine : horaires d'hiver")],
        horizon=2,
        debt_start=0,
    )
    data = result.as_dict()
    assert data["years"][0]["direct_delta"] == 45_000
    assert data["years"][0]["induced_delta"] == -4_500
    assert data["years"][0]["net_saving"] == 40_500
    tickets = data["lines"][1]
    assert tickets["code"] == "FR-70631-413"
    assert tickets["years"][0] == {
        "year": 1,
        "baseline": 120_000,
        "direct": 0,
        "induced": -4_500,
        "final": 115_500,
    }
    assert data["full_year_net_saving"] == 40_500
    assert (result.full_year_direct_saving, result.full_year_induced_saving) == (45_000, -4_500)
    assert data["years"][0]["rrf"] == 2_115_500


def test_a_negative_coefficient_moves_the_target_against_the_source():
    rules = rules_from_records(
        [{"source": "FD-64111-413", "target": "FR-70631-413", "coefficient": -0.1}]
    )
    result = simulate(
        pool_budget(),
        rules,
        [Adjustment(line="FD-64111-413", amount=-45_000)],
        horizon=1,
        debt_start=0,
    )
    # −0.1 × −45 000 = +4 500 of revenue: both effects are savings, 49 500 in all.
    assert column(result, "FR-70631-413", "induced") == [4_500]
    assert result.as_dict()["years"][0]["net_saving"] == 49_500


def chain_budget():
    # Listed out of order on purpose: the engine must follow the rules, not the file.
    return lines_from_records(
        [
            {"code": "FD-6288", "chapter": "011", "account": "6288", "amount": 80_000},
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 90_000},
            {"code": "FD-2158", "chapter": "011", "account": "615221", "amount": 100_000},
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 1_000_000},
        ]
    )


def test_a_chain_follows_each_lag_in_turn():
    rules = rules_from_records(
        [
            {"source": "FD-60612", "target": "FD-6288", "coefficient": 0.2, "lag": 2},
            {"source": "FD-2158", "target": "FD-60612", "coefficient": 0.5, "lag": 1},
        ]
    )
    result = simulate(
        chain_budget(),
        rules,
        [Adjustment(line="FD-2158", amount=-10_000)],
        horizon=5,
        debt_start=0,
    )
    # A: −10 000 a year; B = 0.5 × A one year later; C = 0.2 × B two years later.
    assert column(result, "FD-2158", "direct") == [-10_000] * 5
    assert column(result, "FD-60612", "induced") == [0, -5_000, -5_000, -5_000, -5_000]
    assert column(result, "FD-6288", "induced") == [0, 0, 0, -1_000, -1_000]
    years = result.as_dict()["years"]
    assert [y["induced_delta"] for y in years] == [0, 5_000, 5_000, 6_000, 6_000]
    assert [y["net_saving"] for y in years] == [10_000, 15_000, 15_000, 16_000, 16_000]


def test_a_target_follows_the_sum_of_what_its_sources_changed():
    rules = rules_from_records(
        [
            {"source": "FD-2158", "target": "FD-6288", "coefficient": 0.5},
            {"source": "FD-60612", "target": "FD-6288", "coefficient": 0.1},
        ]
    )
    result = simulate(
        chain_budget(),
        rules,
        [Adjustment(line="FD-2158", amount=-10_000), Adjustment(line="FD-60612", amount=-20_000)],
        horizon=1,
        debt_start=0,
    )
    assert column(result, "FD-6288", "induced") == [-5_000 - 2_000]


def library_budget():
    return lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 3_000_000},
            {
                "code": "ID-2313",
                "chapter": "23",
                "account": "2313",
                "amount": 0,
                "label": "Travaux de la médiathèque",
            },
            {"code": "FD-64111", "chapter": "012", "account": "64111", "amount": 200_000},
            {"code": "FD-66111", "chapter": "66", "account": "66111", "amount": 30_000},
            {"code": "ID-1641", "chapter": "16", "account": "1641", "amount": 100_000},
            {"code": "IR-1641", "chapter": "16", "account": "1641", "amount": 50_000},
        ]
    )


def test_a_cumulative_rule_keeps_a_one_off_investment_running_every_year():
    rules = rules_from_records(
        [
            {
                "source": "ID-2313",
                "target": "FD-64111",
                "coefficient": 0.04,
                "lag": 1,
                "cumulative": True,
            }
        ]
    )
    result = simulate(
        library_budget(),
        rules,
        [Adjustment(line="ID-2313", amount=500_000, recurring=False)],
        horizon=4,
        debt_start=0,
    )
    # 4 % of the 500 000 spent so far, from the year after: 20 000 every year.
    assert column(result, "FD-64111", "induced") == [0, 20_000, 20_000, 20_000]
    years = result.as_dict()["years"]
    assert [y["investment_net_delta"] for y in years] == [-500_000, 0, 0, 0]
    assert [y["net_saving"] for y in years] == [0, -20_000, -20_000, -20_000]
    # The one-off started in year 1: the full-year effect keeps its running costs.
    assert result.full_year_net_saving == -20_000


def test_a_yearly_rule_after_a_one_off_investment_lasts_one_year():
    rules = rules_from_records(
        [{"source": "ID-2313", "target": "FD-64111", "coefficient": 0.04, "lag": 1}]
    )
    result = simulate(
        library_budget(),
        rules,
        [Adjustment(line="ID-2313", amount=500_000, recurring=False)],
        horizon=4,
        debt_start=0,
    )
    assert column(result, "FD-64111", "induced") == [0, 20_000, 0, 0]


def test_a_loan_financed_investment_raises_debt_and_interest_but_is_no_saving():
    rules = rules_from_records(
        [
            # The works are financed by a new loan, whose interest (3 %) starts the next year.
            {"source": "ID-2313", "target": "IR-1641", "coefficient": 1},
            {
                "source": "IR-1641",
                "target": "FD-66111",
                "coefficient": 0.03,
                "lag": 1,
                "cumulative": True,
            },
        ]
    )
    result = simulate(
        library_budget(),
        rules,
        [Adjustment(line="ID-2313", amount=300_000, recurring=False)],
        horizon=3,
        debt_start=1_000_000,
    )
    years = result.as_dict()["years"]
    assert [y["new_loans"] for y in years] == [350_000, 50_000, 50_000]
    # 1 000 000 − 100 000 + 350 000, then − 100 000 + 50 000 each year.
    assert [y["debt_end"] for y in years] == [1_250_000, 1_200_000, 1_150_000]
    assert [y["interest"] for y in years] == [30_000, 39_000, 39_000]
    # The loan is financing: only the works count, in the investment section.
    assert [y["investment_net_delta"] for y in years] == [-300_000, 0, 0]
    assert [y["net_saving"] for y in years] == [0, -9_000, -9_000]
    assert [y["epargne_brute"] for y in years] == [2_770_000, 2_761_000, 2_761_000]


def test_induced_effects_are_attributed_to_the_measure_that_caused_them():
    rules = rules_from_records(
        [{"source": "FD-64111-413", "target": "FR-70631-413", "coefficient": 0.1}]
    )
    result = simulate(
        pool_budget(),
        rules,
        [
            Adjustment(line="FD-64111-413", amount=-45_000, measure="piscine"),
            Adjustment(line="FR-73111", amount=10_000, measure="fiscalité"),
        ],
        horizon=1,
        debt_start=0,
    )
    effects = result.measure_effects.set_index("measure")
    assert effects.loc["piscine", "direct_delta"] == 45_000
    assert effects.loc["piscine", "induced_delta"] == -4_500
    assert effects.loc["fiscalité", "direct_delta"] == 10_000
    assert effects.loc["fiscalité", "induced_delta"] == 0


def test_a_prepared_budget_gives_the_same_result_as_the_frames():
    rules = rules_from_records(
        [{"source": "FD-64111-413", "target": "FR-70631-413", "coefficient": 0.1, "lag": 1}]
    )
    adjustments = [Adjustment(line="FD-64111-413", percent=-10)]
    prepared = prepare(pool_budget(), rules)
    first = simulate(prepared, adjustments=adjustments, horizon=3, debt_start=0).as_dict()
    again = simulate(prepared, adjustments=adjustments, horizon=3, debt_start=0).as_dict()
    from_frames = simulate(pool_budget(), rules, adjustments, horizon=3, debt_start=0).as_dict()
    assert first == again == from_frames
    assert first["years"][1]["induced_delta"] == pytest.approx(-4_500)
