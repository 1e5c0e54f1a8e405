"""An inverse budget's savings target: met or not, in full year and in the first year."""

from __future__ import annotations

from simulator.engine import Adjustment, lines_from_records, rules_from_records, simulate


def pool(target, *, first_year_share=1.0):
    lines = lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 2_000_000},
            {"code": "FD-64111-413", "chapter": "012", "account": "64111", "amount": 450_000},
            {"code": "FR-70631-413", "chapter": "70", "account": "70631", "amount": 120_000},
        ]
    )
    rules = rules_from_records(
        [{"source": "FD-64111-413", "target": "FR-70631-413", "coefficient": 0.1}]
    )
    adjustment = Adjustment(line="FD-64111-413", amount=-45_000, first_year_share=first_year_share)
    return simulate(lines, rules, [adjustment], horizon=3, debt_start=0, target=target)


def test_a_target_reached_has_no_gap():
    # 45 000 of staff less 4 500 of tickets: 40 500 a year.
    result = pool(40_000)
    assert result.target_met is True
    assert result.gap == 0
    assert result.first_year_target_met is True
    data = result.as_dict()
    assert data["target"] == 40_000
    assert data["target_met"] is True


def test_a_target_exactly_reached_is_met():
    assert pool(40_500).target_met is True


def test_a_target_missed_reports_the_gap():
    result = pool(50_000)
    assert result.target_met is False
    assert result.gap == 9_500
    assert result.as_dict()["target_met"] is False


def test_a_target_met_in_full_year_only_is_flagged():
    # Starting mid-year: half the effect in year 1, 20 250.
    result = pool(30_000, first_year_share=0.5)
    assert result.first_year_net_saving == 20_250
    assert result.full_year_net_saving == 40_500
    assert result.target_met is True
    assert result.first_year_target_met is False
    assert result.warnings == [
        "L'objectif est atteint en année pleine, mais pas dès la première année."
    ]


def test_without_a_target_nothing_is_judged():
    result = pool(None)
    assert result.target_met is None
    assert result.gap is None
    assert result.as_dict()["target"] is None
