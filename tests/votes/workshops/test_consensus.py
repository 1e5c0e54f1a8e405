"""Consensus, split by kind and spread of a workshop's groups (pure: no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.workshops.consensus import (
    GroupChoice,
    KindShare,
    compare,
    consensus_threshold,
    kinds_of,
    median,
    spread,
)

POOL, LIGHTS, HEATING = 1, 2, 3
MEASURES = {POOL: "Piscine", LIGHTS: "Éclairage", HEATING: "Chauffage"}


def group(n: int, *measures: int, kind: str = "", full=None, first=None) -> GroupChoice:
    return GroupChoice(
        id=n,
        name=f"Table {n}",
        kind=kind,
        measures=frozenset(measures),
        full_year=None if full is None else Decimal(full),
        first_year=None if first is None else Decimal(first),
    )


@pytest.mark.parametrize(
    ("groups", "needed"), [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4)]
)
def test_consensus_needs_half_of_the_groups_rounded_up(groups, needed):
    assert consensus_threshold(groups) == needed


def test_without_groups_there_is_no_row_and_no_spread():
    comparison = compare([], MEASURES)

    assert comparison.rows == ()
    assert comparison.consensus_ids == []
    assert comparison.kinds == ()
    assert comparison.full_year.values == ()
    assert comparison.full_year.minimum is None and comparison.full_year.median is None
    assert comparison.full_year.width is None


def test_one_group_makes_every_measure_it_chose_a_consensus():
    comparison = compare([group(1, LIGHTS, full="30000", first="22500")], MEASURES)

    assert [(row.title, row.chosen, row.count) for row in comparison.rows] == [
        ("Éclairage", (True,), 1)
    ]
    assert comparison.consensus_ids == [LIGHTS]
    assert comparison.full_year.minimum == comparison.full_year.maximum == Decimal("30000")
    assert comparison.full_year.median == Decimal("30000")
    assert comparison.full_year.width == 0


def test_with_three_groups_two_make_a_consensus_and_one_does_not():
    comparison = compare(
        [group(1, POOL, LIGHTS), group(2, LIGHTS), group(3, HEATING)],
        MEASURES,
    )

    rows = {row.id: row for row in comparison.rows}
    assert comparison.threshold == 2
    assert rows[LIGHTS].consensus and rows[LIGHTS].count == 2
    assert not rows[POOL].consensus and not rows[HEATING].consensus
    assert comparison.consensus_ids == [LIGHTS]


def test_a_tie_at_exactly_half_is_a_consensus():
    comparison = compare(
        [group(1, POOL), group(2, POOL), group(3, LIGHTS), group(4, LIGHTS, HEATING)],
        MEASURES,
    )

    rows = {row.id: row for row in comparison.rows}
    assert comparison.threshold == 2
    assert rows[POOL].consensus and rows[LIGHTS].consensus
    assert not rows[HEATING].consensus


def test_the_matrix_has_a_cell_per_group_and_only_measures_someone_chose():
    comparison = compare([group(1, POOL), group(2, POOL, HEATING), group(3)], MEASURES)

    assert [(row.title, row.chosen) for row in comparison.rows] == [
        ("Piscine", (True, True, False)),
        ("Chauffage", (False, True, False)),
    ]


def test_rows_put_the_most_chosen_first_then_keep_the_catalogue_order():
    comparison = compare(
        [group(1, HEATING, LIGHTS), group(2, HEATING), group(3, POOL)],
        MEASURES,
    )

    assert [row.title for row in comparison.rows] == ["Chauffage", "Piscine", "Éclairage"]


def test_without_kinds_there_is_no_split():
    comparison = compare([group(1, POOL), group(2, LIGHTS)], MEASURES)

    assert comparison.kinds == ()
    assert all(row.by_kind == () for row in comparison.rows)


def test_the_split_by_kind_counts_groups_of_each_kind_choosing_each_measure():
    comparison = compare(
        [
            group(1, POOL, kind="women"),
            group(2, POOL, LIGHTS, kind="women"),
            group(3, LIGHTS, kind="men"),
            group(4, POOL),
        ],
        MEASURES,
        kind_order=["mixed", "women", "men"],
    )

    assert comparison.kinds == (("women", 2), ("men", 1), ("", 1))
    pool = next(row for row in comparison.rows if row.id == POOL)
    assert pool.by_kind == (
        KindShare("women", 2, 2),
        KindShare("men", 0, 1),
        KindShare("", 1, 1),
    )
    assert [share.percent for share in pool.by_kind] == [100, 0, 100]


def test_kinds_not_in_the_given_order_follow_in_order_of_appearance():
    groups = [group(1, kind="young"), group(2, kind="seniors"), group(3, kind="women")]

    assert kinds_of(groups, ["women"]) == (("women", 1), ("young", 1), ("seniors", 1))


@pytest.mark.parametrize(("chosen", "groups", "percent"), [(1, 3, 33), (2, 3, 67), (0, 0, 0)])
def test_shares_are_whole_percents_rounded_half_up(chosen, groups, percent):
    assert KindShare("women", chosen, groups).percent == percent


def test_the_spread_gives_each_group_min_max_median_and_who_is_at_each_end():
    comparison = compare(
        [
            group(1, POOL, full="40500", first="40500"),
            group(2, LIGHTS, full="30000", first="22500"),
            group(3, POOL, LIGHTS, full="70500", first="63000"),
            group(4, full="30000", first="0"),
        ],
        MEASURES,
    )

    full = comparison.full_year
    assert full.values == (Decimal("40500"), Decimal("30000"), Decimal("70500"), Decimal("30000"))
    assert (full.minimum, full.maximum, full.median) == (
        Decimal("30000"),
        Decimal("70500"),
        Decimal("35250.00"),
    )
    assert full.width == Decimal("40500")
    assert full.lowest == ("Table 2", "Table 4") and full.highest == ("Table 3",)
    first = comparison.first_year
    assert (first.minimum, first.median, first.maximum) == (
        Decimal("0"),
        Decimal("31500.00"),
        Decimal("63000"),
    )


def test_a_scenario_the_engine_refused_is_left_out_of_the_spread_not_counted_as_zero():
    result = spread(["A", "B", "C"], [Decimal("10"), None, Decimal("30")])

    assert result.values == (Decimal("10"), None, Decimal("30"))
    assert (result.minimum, result.median, result.maximum) == (
        Decimal("10"),
        Decimal("20.00"),
        Decimal("30"),
    )
    assert result.counted == 2


def test_every_scenario_refused_gives_no_spread():
    result = spread(["A"], [None])

    assert result.minimum is None and result.width is None and result.counted == 0


def test_the_median_of_an_odd_count_is_the_middle_value():
    assert median([Decimal("3"), Decimal("1"), Decimal("2")]) == Decimal("2")
    assert median([]) is None
