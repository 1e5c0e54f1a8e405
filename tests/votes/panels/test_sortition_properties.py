"""Property: on any pool whose quotas some panel meets, the draw meets every quota."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from votes.panels import sortition
from votes.panels.sortition import Person, QuotaSpec

GENDERS = ["f", "m"]
AGES = ["jeune", "adulte", "senior"]


@st.composite
def feasible_draws(draw):
    """A small pool, a panel size, and quotas built around a witness panel (so feasible)."""
    n = draw(st.integers(min_value=5, max_value=12))
    pool = [
        Person(
            str(i), {"genre": draw(st.sampled_from(GENDERS)), "age": draw(st.sampled_from(AGES))}
        )
        for i in range(1, n + 1)
    ]
    size = draw(st.integers(min_value=1, max_value=min(5, n)))
    witness = draw(st.permutations(pool))[:size]
    quotas = []
    for attribute, values in (("genre", GENDERS), ("age", AGES)):
        for value in values:
            if not draw(st.booleans()):
                continue
            have = sum(1 for p in witness if p.attributes[attribute] == value)
            low = have - draw(st.integers(min_value=0, max_value=have))
            high = have + draw(st.integers(min_value=0, max_value=2))
            quotas.append(QuotaSpec(attribute, value, low, high))
    reserve = draw(st.integers(min_value=0, max_value=n - size))
    seed = draw(st.text(min_size=1, max_size=12).filter(str.strip))
    return pool, quotas, size, reserve, seed


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_draws())
def test_every_quota_is_met_on_feasible_pools(case):
    pool, quotas, size, reserve, seed = case
    result = sortition.draw(pool, quotas, size=size, seed=seed, reserve=reserve)
    ids = {p.id for p in pool}
    assert len(result.selected) == len(set(result.selected)) == size
    assert set(result.selected) <= ids
    missed = [row for row in sortition.composition(pool, quotas, result.selected) if not row.met]
    assert missed == []
    assert len(result.reserve) == reserve
    assert not set(result.reserve) & set(result.selected)
    assert set(result.reserve) <= ids
