"""The draw (simulator/sortition.py): determinism, quotas, reserve, refusals, fingerprint."""

from __future__ import annotations

import hashlib
import random

import pytest

from votes.panels import sortition
from votes.panels.sortition import InfeasibleQuotas, Labels, Person, QuotaSpec, draw


def a_pool(n: int = 16, seed: int = 3) -> list[Person]:
    rng = random.Random(seed)
    return [
        Person(
            str(i),
            {
                "gender": "woman" if i % 2 else "man",
                "age": rng.choice(["jeune", "adulte", "senior"]),
                "area": rng.choice(["nord", "sud"]),
            },
        )
        for i in range(1, n + 1)
    ]


QUOTAS = [
    QuotaSpec("gender", "woman", 3, 3),
    QuotaSpec("gender", "man", 3, 3),
    QuotaSpec("age", "jeune", 1, 3),
    QuotaSpec("area", "nord", 2, 4),
]


def test_the_same_seed_gives_the_identical_panel_and_reserve():
    pool = a_pool()
    first = draw(pool, QUOTAS, size=6, seed="7 13 24 36 42", reserve=3)
    second = draw(list(reversed(pool)), QUOTAS[::-1], size=6, seed="7 13 24 36 42", reserve=3)
    assert first == second
    assert len(first.selected) == 6 and first.algorithm == "maximin"


def test_different_seeds_may_give_different_panels():
    pool = a_pool()
    panels = {tuple(draw(pool, QUOTAS, size=6, seed=f"graine {n}").selected) for n in range(3)}
    assert len(panels) > 1


def test_nash_is_deterministic_too():
    pool = a_pool(14)
    first = draw(pool, QUOTAS, size=6, seed="s", algorithm="nash")
    assert draw(pool, QUOTAS, size=6, seed="s", algorithm="nash") == first
    assert first.algorithm == "nash"


def test_the_panel_meets_every_quota():
    pool = a_pool()
    result = draw(pool, QUOTAS, size=6, seed="quotas")
    rows = sortition.composition(pool, QUOTAS, result.selected)
    assert [(r.attribute, r.value, r.selected) for r in rows if not r.met] == []
    assert {r.value: r.selected for r in rows if r.attribute == "gender"} == {
        "man": 3,
        "woman": 3,
    }


def test_the_reserve_is_ordered_by_the_hash_of_seed_and_id_and_disjoint_from_the_panel():
    pool = a_pool()
    result = draw(pool, QUOTAS, size=6, seed="réserve", reserve=5)
    rest = [p.id for p in pool if p.id not in result.selected]
    expected = sorted(rest, key=lambda i: hashlib.sha256(f"réserve:{i}".encode()).hexdigest())
    assert result.reserve == expected[:5]
    assert not set(result.reserve) & set(result.selected)
    assert draw(pool, QUOTAS, size=6, seed="réserve", reserve=5).reserve == result.reserve


def test_an_impossible_minimum_is_named_with_the_counts():
    pool = [Person(str(i), {"genre": "femme" if i <= 7 else "homme"}) for i in range(1, 31)]
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, [QuotaSpec("genre", "femme", 10, 10)], size=20, seed="x")
    assert caught.value.message == (
        "Quota impossible : genre = femme demande au moins 10 personnes, "
        "le vivier n'en compte que 7."
    )


def test_labels_name_attributes_and_values_in_messages():
    pool = [Person(str(i), {"gender": "man"}) for i in range(1, 6)]
    labels = Labels(attributes={"gender": "genre"}, values={("gender", "woman"): "femme"})
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, [QuotaSpec("gender", "woman", 1, 2)], size=3, seed="x", labels=labels)
    assert caught.value.message == (
        "Quota impossible : genre = femme demande au moins 1 personne, le vivier n'en compte "
        "aucune."
    )


def test_minimums_over_the_panel_size_are_refused():
    pool = a_pool()
    quotas = [QuotaSpec("gender", "woman", 4, 4), QuotaSpec("gender", "man", 4, 4)]
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, quotas, size=6, seed="x")
    assert caught.value.message == (
        "Quotas impossibles pour gender : leurs minimums font 8 personnes, plus que les 6 "
        "places du panel."
    )


def test_maximums_under_the_panel_size_are_refused():
    pool = a_pool()
    quotas = [QuotaSpec("gender", "woman", 0, 2), QuotaSpec("gender", "man", 0, 2)]
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, quotas, size=6, seed="x")
    assert "même au maximum, ils ne donnent que 4 personnes pour les 6 places" in str(caught.value)


def test_quotas_contradicting_each_other_are_named_with_a_relaxation():
    # The five women are the five young people: 3 women but at most 1 young person.
    pool = [
        Person(str(i), {"g": "f" if i <= 5 else "m", "a": "y" if i <= 5 else "o"})
        for i in range(1, 11)
    ]
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, [QuotaSpec("g", "f", 3, 3), QuotaSpec("a", "y", 1, 1)], size=6, seed="x")
    message = caught.value.message
    assert message.startswith("Les quotas ne peuvent pas être respectés tous ensemble")
    assert "g = f : minimum de 3 à 1" in message or "a = y : maximum de 1 à 3" in message


def test_a_pool_smaller_than_the_panel_and_its_reserve_is_refused():
    pool = a_pool(8)
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, [], size=6, seed="x", reserve=3)
    assert caught.value.message == (
        "Le vivier compte 8 volontaires : après les 6 tirés au sort, il en reste 2 pour une "
        "réserve de 3."
    )
    with pytest.raises(InfeasibleQuotas, match="moins que les 9 places"):
        draw(pool, [], size=9, seed="x")


def test_bad_inputs_are_value_errors():
    pool = a_pool(8)
    with pytest.raises(ValueError, match="Algorithme inconnu"):
        draw(pool, [], size=2, seed="x", algorithm="legacy")
    with pytest.raises(ValueError, match="en double"):
        draw([*pool, pool[0]], [], size=2, seed="x")
    with pytest.raises(ValueError, match="graine"):
        draw(pool, [], size=2, seed="  ")


def test_leximin_is_refused_without_its_solver(monkeypatch):
    monkeypatch.setattr(sortition, "leximin_available", lambda: False)
    assert sortition.available_algorithms() == ["maximin", "nash", "maximin-profils"]
    with pytest.raises(ValueError, match="Gurobi"):
        draw(a_pool(8), [], size=2, seed="x", algorithm="leximin")


@pytest.mark.skipif(not sortition.leximin_available(), reason="Gurobi is not installed")
def test_leximin_runs_where_gurobi_is_installed():
    pool = a_pool(8)
    quotas = [QuotaSpec("gender", "woman", 1, 1)]
    result = draw(pool, quotas, size=3, seed="x", algorithm="leximin")
    assert result.algorithm == "leximin" and len(result.selected) == 3


def test_the_fingerprint_is_the_sha256_of_the_published_pool_file():
    pool = a_pool(6)
    text = sortition.pool_csv(pool)
    assert text.splitlines()[0] == "id,age,area,gender"
    assert sortition.pool_fingerprint(pool) == hashlib.sha256(text.encode()).hexdigest()
    # Canonical: the order of the volunteers does not change it; a value does.
    assert sortition.pool_fingerprint(pool[::-1]) == sortition.pool_fingerprint(pool)
    changed = [Person("1", {**pool[0].attributes, "area": "ailleurs"}), *pool[1:]]
    assert sortition.pool_fingerprint(changed) != sortition.pool_fingerprint(pool)


def test_ids_are_in_number_order():
    assert sorted(["10", "2", "b", "1"], key=sortition.natural_key) == ["1", "2", "10", "b"]


def test_the_seed_number_comes_from_the_sha256_of_the_seed():
    digest = hashlib.sha256(b"Loto 7 13").digest()
    assert sortition.seed_number("Loto 7 13") == int.from_bytes(digest[:8], "big")


def test_values_differing_only_by_case_are_refused():
    # The library compares values without case: the quota would count both spellings.
    pool = [
        Person("1", {"area": "Nord"}),
        Person("2", {"area": "nord"}),
        Person("3", {"area": "Sud"}),
    ]
    with pytest.raises(ValueError, match="ne diffèrent que par les majuscules"):
        draw(pool, [QuotaSpec("area", "Nord", 1, 1)], size=2, seed="x")
