"""Properties of the engine over small random budgets and acyclic rule sets."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import Adjustment, lines_from_records, rules_from_records, simulate

# The autouse settings fixture of tests/conftest.py is harmless to share between examples.
property_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CHAPTERS = [
    ("fonctionnement", "depense", "011", "60612"),
    ("fonctionnement", "depense", "012", "64111"),
    ("fonctionnement", "depense", "66", "66111"),
    ("fonctionnement", "recette", "70", "70631"),
    ("fonctionnement", "recette", "013", "6419"),
    ("investissement", "depense", "23", "2313"),
    ("investissement", "depense", "16", "1641"),
    ("investissement", "recette", "16", "1641"),
]


@st.composite
def scenarios(draw):
    n = draw(st.integers(2, 7))
    records = []
    for i in range(n):
        section, direction, chapter, account = draw(st.sampled_from(CHAPTERS))
        records.append(
            {
                "code": f"L{i}",
                "section": section,
                "direction": direction,
                "chapter": chapter,
                "account": account,
                "function": draw(st.sampled_from(["20", "40", ""])),
                "amount": draw(st.integers(10_000_000, 100_000_000)) / 100,
                # No floor at all: these properties are about arithmetic, not refusals.
                "floor": -math.inf,
            }
        )
    # Acyclic by construction: rules only go from a lower to a higher rank.
    rank = draw(st.permutations(range(n)))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                lambda p: rank[p[0]] < rank[p[1]]
            ),
            max_size=8,
            unique=True,
        )
    )
    rules = rules_from_records(
        {
            "source": f"L{a}",
            "target": f"L{b}",
            "coefficient": draw(st.floats(-0.5, 0.5, allow_nan=False)),
            "lag": draw(st.integers(0, 3)),
            "cumulative": draw(st.booleans()),
        }
        for a, b in pairs
    )
    horizon = draw(st.integers(1, 4))
    adjustments = []
    for _ in range(draw(st.integers(1, 6))):
        value = draw(st.floats(-50_000, 50_000, allow_nan=False))
        change = {"amount": value} if draw(st.booleans()) else {"percent": value / 10_000}
        adjustments.append(
            Adjustment(
                line=f"L{draw(st.integers(0, n - 1))}",
                start_year=draw(st.integers(1, horizon)),
                recurring=draw(st.booleans()),
                first_year_share=draw(st.floats(0, 1)),
                measure=draw(st.sampled_from(["a", "b", None])),
                **change,
            )
        )
    return lines_from_records(records), rules, horizon, adjustments


def run(lines, rules, horizon, adjustments):
    return simulate(lines, rules, adjustments, horizon=horizon, debt_start=1_000_000)


def dense(result, name):
    return result.line_years(changed_only=False)[name].to_numpy()


@property_settings
@given(scenarios())
def test_no_adjustment_gives_the_baseline(scenario):
    lines, rules, horizon, _ = scenario
    result = run(lines, rules, horizon, [])
    years = result.line_years(changed_only=False)
    assert (years["final"] == years["baseline"]).all()
    assert (years["direct"] == 0).all() and (years["induced"] == 0).all()
    data = result.as_dict()
    assert data["lines"] == []
    assert all(y["net_saving"] == 0 and y["investment_net_delta"] == 0 for y in data["years"])
    assert data["full_year_net_saving"] == 0


@property_settings
@given(scenarios())
def test_net_saving_is_direct_plus_induced_every_year(scenario):
    result = run(*scenario)
    assert np.allclose(result.net_saving, result.direct_delta + result.induced_delta)
    for year in result.as_dict()["years"]:
        assert abs(year["net_saving"] - year["direct_delta"] - year["induced_delta"]) <= 0.011
    years = result.line_years(changed_only=False)
    assert np.allclose(years["final"], years["baseline"] + years["direct"] + years["induced"])


@property_settings
@given(scenarios())
def test_doubling_every_adjustment_doubles_every_delta(scenario):
    lines, rules, horizon, adjustments = scenario
    doubled = [
        dataclasses.replace(
            a,
            amount=None if a.amount is None else 2 * a.amount,
            percent=None if a.percent is None else 2 * a.percent,
        )
        for a in adjustments
    ]
    once, twice = run(lines, rules, horizon, adjustments), run(lines, rules, horizon, doubled)
    for name in ("direct", "induced"):
        assert np.allclose(dense(twice, name), 2 * dense(once, name), rtol=1e-9, atol=1e-6)
    assert np.allclose(twice.net_saving, 2 * once.net_saving, rtol=1e-9, atol=1e-6)
    assert np.allclose(
        twice.investment_net_delta, 2 * once.investment_net_delta, rtol=1e-9, atol=1e-6
    )
    assert math.isclose(
        twice.full_year_net_saving, 2 * once.full_year_net_saving, rel_tol=1e-9, abs_tol=1e-6
    )


@property_settings
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_adjustments_does_not_matter(scenario, random):
    lines, rules, horizon, adjustments = scenario
    shuffled = list(adjustments)
    random.shuffle(shuffled)
    first, second = run(lines, rules, horizon, adjustments), run(lines, rules, horizon, shuffled)
    for name in ("direct", "induced", "final"):
        assert np.allclose(dense(first, name), dense(second, name), rtol=1e-12, atol=1e-6)
    assert math.isclose(
        first.full_year_net_saving, second.full_year_net_saving, rel_tol=1e-12, abs_tol=1e-6
    )
    by_measure = ["measure", "year"]
    effects = [
        r.measure_effects.fillna({"measure": ""}).sort_values(by_measure, ignore_index=True)
        for r in (first, second)
    ]
    assert np.allclose(
        effects[0].drop(columns=by_measure), effects[1].drop(columns=by_measure), atol=1e-6
    )


@property_settings
@given(scenarios())
def test_the_effects_of_the_measures_add_up_to_the_scenario(scenario):
    result = run(*scenario)
    totals = result.measure_effects.groupby("year")[["direct_delta", "induced_delta"]].sum()
    assert np.allclose(totals["direct_delta"], result.direct_delta, atol=1e-6)
    assert np.allclose(totals["induced_delta"], result.induced_delta, atol=1e-6)
