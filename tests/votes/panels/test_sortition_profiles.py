"""The draw by profiles (votes/panels/sortition_profiles.py): maximin's smallest chance,
equal chances within a profile, quotas met, determinism across processes, refusals."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sortition_algorithms import utils
from sortition_algorithms.committee_generation import find_distribution_maximin

from votes.panels import sortition, sortition_library, sortition_profiles
from votes.panels.sortition import InfeasibleQuotas, Person, QuotaSpec, draw

ROOT = Path(__file__).resolve().parents[3]
PROFILES = sortition.PROFILES
AGES = ["18-34", "35-64", "65+"]
AREAS = ["Centre", "Gare", "Hameaux"]


def a_pool(n: int, seed: int = 3) -> list[Person]:
    """Skewed on purpose: women, young people and the hamlets are rare."""
    rng = random.Random(seed)
    return [
        Person(
            str(i),
            {
                "gender": rng.choices(["woman", "man"], weights=[30, 70])[0],
                "age_band": rng.choices(AGES, weights=[1, 5, 3])[0],
                "area": rng.choices(AREAS, weights=[5, 3, 1])[0],
            },
        )
        for i in range(1, n + 1)
    ]


QUOTAS = [
    QuotaSpec("gender", "woman", 7, 8),
    QuotaSpec("gender", "man", 7, 8),
    QuotaSpec("age_band", "18-34", 5, 5),
    QuotaSpec("age_band", "35-64", 5, 6),
    QuotaSpec("age_band", "65+", 4, 5),
    QuotaSpec("area", "Centre", 4, 6),
    QuotaSpec("area", "Gare", 4, 6),
    QuotaSpec("area", "Hameaux", 4, 6),
]
ATTRIBUTES = ["age_band", "area", "gender"]


def lottery(pool, quotas=QUOTAS, size=15) -> sortition_profiles.Lottery:
    profiles = sortition_profiles.profiles_of(pool, ATTRIBUTES)
    return sortition_profiles.maximin_lottery(
        profiles, ATTRIBUTES, quotas, size=size, progress=lambda text: None
    )


def chances(result: sortition_profiles.Lottery) -> dict[str, float]:
    """Each volunteer's chance: the expected share of their profile that is drawn."""
    chance = {}
    for index, profile in enumerate(result.profiles):
        expected = sum(
            p * mix[index] for mix, p in zip(result.mixes, result.probabilities, strict=True)
        )
        for member in profile.members:
            chance[member] = expected / len(profile.members)
    return chance


def test_the_smallest_chance_is_the_one_of_the_library_maximin():
    pool = a_pool(90)
    features = sortition_library._features(pool, QUOTAS, 15)
    people = sortition_library._library_people(pool, ATTRIBUTES, features)
    previous = utils._random_provider
    utils._random_provider = sortition_library._SeededProvider(1)
    try:
        committees, probabilities, _report = find_distribution_maximin(features, people, 15, [])
    finally:
        utils._random_provider = previous
    library = Counter()
    for committee, probability in zip(committees, probabilities, strict=True):
        for person_id in committee:
            library[str(person_id)] += probability
    smallest = min(library[p.id] for p in pool)
    assert smallest < 15 / 90  # the quotas make some chances smaller than the average
    ours = lottery(pool)
    assert ours.smallest_chance == pytest.approx(smallest, abs=1e-6)
    assert min(chances(ours).values()) == pytest.approx(smallest, abs=1e-6)


def test_volunteers_of_the_same_profile_have_the_same_chance_and_the_chances_add_up():
    pool = a_pool(90)
    result = lottery(pool)
    assert sum(result.probabilities) == pytest.approx(1)
    chance = chances(result)
    assert sum(chance.values()) == pytest.approx(15)
    for profile in result.profiles:
        assert len({round(chance[m], 12) for m in profile.members}) == 1


def test_every_panel_profile_of_the_lottery_meets_the_quotas():
    result = lottery(a_pool(90))
    for mix in result.mixes:
        assert sum(mix) == 15
        for quota in QUOTAS:
            index = ATTRIBUTES.index(quota.attribute)
            count = sum(
                n
                for n, p in zip(mix, result.profiles, strict=True)
                if p.values[index] == quota.value
            )
            assert quota.minimum <= count <= quota.maximum


def test_the_draw_meets_the_quotas_and_is_the_same_whatever_the_order_of_the_pool():
    pool = a_pool(90)
    first = draw(pool, QUOTAS, size=15, seed="Loto 4 8 15", reserve=5, algorithm=PROFILES)
    again = draw(
        pool[::-1], QUOTAS[::-1], size=15, seed="Loto 4 8 15", reserve=5, algorithm=PROFILES
    )
    assert first == again and first.algorithm == PROFILES
    people = {p.id: p for p in pool}
    for quota in QUOTAS:
        count = sum(people[i].attributes[quota.attribute] == quota.value for i in first.selected)
        assert quota.minimum <= count <= quota.maximum
    assert len(first.reserve) == 5 and not set(first.reserve) & set(first.selected)


def test_different_seeds_give_different_panels():
    pool = a_pool(90)
    panels = {
        tuple(draw(pool, QUOTAS, size=15, seed=f"graine {n}", algorithm=PROFILES).selected)
        for n in range(3)
    }
    assert len(panels) == 3


def test_a_fresh_process_with_another_string_hashing_gives_the_same_panel(tmp_path):
    pool = a_pool(90)
    expected = draw(pool, QUOTAS, size=15, seed="Loto", reserve=3, algorithm=PROFILES)
    (tmp_path / "vivier.csv").write_text(sortition.pool_csv(pool), encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(sortition.quotas_csv(QUOTAS), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "manage.py", "draw_panel", "--pool", str(tmp_path / "vivier.csv")]
        + ["--quotas", str(tmp_path / "quotas.csv"), "--size", "15", "--reserve", "3"]
        + ["--seed", "Loto", "--algorithm", PROFILES, "--json"],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(completed.stdout)
    assert out["selected"] == expected.selected and out["reserve"] == expected.reserve
    assert out["algorithm"] == PROFILES


def test_quotas_contradicting_each_other_are_named_with_a_relaxation():
    # The five women are the five young people: 3 women but at most 1 young person.
    pool = [
        Person(str(i), {"g": "f" if i <= 5 else "m", "a": "y" if i <= 5 else "o"})
        for i in range(1, 11)
    ]
    quotas = [QuotaSpec("g", "f", 3, 3), QuotaSpec("a", "y", 1, 1)]
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, quotas, size=6, seed="x", algorithm=PROFILES)
    message = caught.value.message
    assert message.startswith("Les quotas ne peuvent pas être respectés tous ensemble")
    assert "g = f : minimum de 3 à 1" in message or "a = y : maximum de 1 à 3" in message


def test_an_impossible_minimum_is_named_before_any_solver_runs():
    with pytest.raises(InfeasibleQuotas, match="Genre = Autre demande au moins 2 personnes"):
        draw(
            a_pool(20),
            [QuotaSpec("gender", "other", 2, 3)],
            size=5,
            seed="x",
            algorithm=PROFILES,
            labels=sortition.Labels({"gender": "Genre"}, {("gender", "other"): "Autre"}),
        )


def test_without_quotas_everybody_has_the_same_chance():
    pool = [Person(str(i), {}) for i in range(1, 31)]
    result = draw(pool, [], size=10, seed="x", algorithm=PROFILES)
    assert len(result.selected) == 10


def test_the_steps_are_reported_in_order():
    heard = []
    draw(
        a_pool(90),
        QUOTAS,
        size=15,
        seed="x",
        reserve=2,
        algorithm=PROFILES,
        progress=lambda step, done, total: heard.append((done, total, step)),
    )
    steps = [done for done, _total, _step in heard]
    assert steps == sorted(steps) and {total for _done, total, _step in heard} == {6}
    assert heard[0][2] == "Vérification des quotas"
    lottery = [text for *_, text in heard if text.startswith("Calcul de la loterie")]
    assert lottery and all(
        t.startswith("Calcul de la loterie (maximin-profils) : ") for t in lottery
    )
    assert any(t.endswith(" panels types de départ") for t in lottery)
    assert any(
        t.startswith("Calcul de la loterie (maximin-profils) : itération 1, ") for t in lottery
    )
    assert heard[-1][2] == "Liste de réserve"


def test_the_library_reports_its_rounds_as_french_steps():
    heard = []
    draw(
        a_pool(40),
        QUOTAS[:2],
        size=15,
        seed="x",
        progress=lambda step, done, total: heard.append(step),
    )
    assert any("recherche de panels variés" in step for step in heard)
    assert any(step.startswith("Calcul de la loterie (maximin) : optimisation") for step in heard)


def test_a_pool_of_five_thousand_and_a_panel_of_five_hundred_take_seconds():
    rng = random.Random(0)
    pool = [
        Person(
            str(i),
            {
                "gender": rng.choice(["woman", "man"]),
                "age_band": rng.choice(["16-17", "18-24", "25-34", "35-49", "50-64", "65+"]),
                "area": rng.choice(["Centre-bourg", "La Gare", "Les Prés", "Hameaux"]),
            },
        )
        for i in range(1, 5001)
    ]
    quotas = [QuotaSpec("gender", g, 240, 260) for g in ("woman", "man")]
    for attribute in ("age_band", "area"):
        for value, count in Counter(p.attributes[attribute] for p in pool).items():
            share = 500 * count / 5000
            quotas.append(QuotaSpec(attribute, value, int(share * 0.9), int(share * 1.1) + 1))
    started = time.perf_counter()
    result = draw(pool, quotas, size=500, seed="ville", reserve=50, algorithm=PROFILES)
    # Seconds on an idle machine; the bound leaves room for a loaded CI runner.
    assert time.perf_counter() - started < 60
    assert len(result.selected) == 500 and len(result.reserve) == 50
