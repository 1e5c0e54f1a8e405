"""Maximin by profiles: the maximin lottery computed over the volunteers' profiles, for large
pools (thousands of volunteers) where the library's maximin, which works volunteer by
volunteer, would take hours.

A profile is one combination of the quota attributes' values (« femme, 35-49 ans, La Gare »):
the quotas cannot tell apart two volunteers of the same profile. So a lottery can be described
by how many of each profile a panel takes, then who, uniformly among the profile's volunteers.
Any fair lottery over panels can be made so without lowering anybody's smallest chance (mixing
the volunteers of a profile evenly only averages their chances), hence:

- the smallest chance of being drawn is exactly the one the library's maximin reaches (the
  same optimum: maximin's guarantee, computed on a few dozen profiles instead of thousands of
  people);
- on top of it, two volunteers of the same profile always have exactly the same chance.

The computation is the library's (column generation, as in Flanigan et al., Nature 2021):
a linear program chooses the profiles' weights; an integer program finds the panel profile
that the weights favour most and adds it, until no profile would raise the smallest chance.
Both run on HiGHS through the library's solver layer (seeded; the constraints in a canonical
order: the same model gives the same answer).
Then one profile mix is drawn from the lottery with the seeded generator, and within each
profile the volunteers are drawn in id order with the same generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sortition_algorithms.committee_generation.solver import (
    SolverSense,
    SolverStatus,
    create_solver,
    solver_sum,
)

from votes.panels.sortition_types import Person, QuotaSpec, natural_key

# The lottery stops when no new panel profile would raise the smallest chance by more than
# this (in probability: one chance in a million).
TOLERANCE = 1e-6
# A panel profile whose weight in the lottery is below this is dropped (numerical noise).
NEGLIGIBLE = 1e-9
MAX_ITERATIONS = 10_000

Progress = Callable[[str], None]


class Infeasible(Exception):  # noqa: N818 (a refusal: the caller names the quotas)
    """No panel meets the quotas."""


@dataclass(frozen=True)
class Profile:
    values: tuple[str, ...]  # one per quota attribute, in attribute order
    members: tuple[str, ...]  # ids in id order


@dataclass(frozen=True)
class Lottery:
    """Panel profiles (how many of each volunteer profile) and their probabilities."""

    profiles: list[Profile]
    mixes: list[tuple[int, ...]]
    probabilities: list[float]
    smallest_chance: float


def profiles_of(pool: Sequence[Person], attributes: Sequence[str]) -> list[Profile]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for person in pool:
        key = tuple(person.attributes[name] for name in attributes)
        groups.setdefault(key, []).append(person.id)
    return [
        Profile(values=key, members=tuple(sorted(groups[key], key=natural_key)))
        for key in sorted(groups)
    ]


def _solver():
    # Seeded: HiGHS otherwise takes its random seed from the library's provider.
    return create_solver(backend="highspy", seed=0)


def _mix_model(profiles: list[Profile], attributes: Sequence[str], quotas, size: int):
    """Integer program over panel profiles: how many of each volunteer profile."""
    solver = _solver()
    counts = [solver.add_integer_var(lb=0.0, ub=float(len(p.members))) for p in profiles]
    solver.add_constr(solver_sum(counts) == size)
    # In a canonical order: the order of the constraints can change which optimal panel
    # profile the solver returns, hence the lottery.
    for quota in sorted(quotas, key=lambda q: (q.attribute, natural_key(q.value))):
        index = attributes.index(quota.attribute)
        having = [
            c for c, p in zip(counts, profiles, strict=True) if p.values[index] == quota.value
        ]
        if not having:
            continue  # no volunteer has it: a minimum above 0 was refused before
        solver.add_constr(solver_sum(having) >= quota.minimum)
        solver.add_constr(solver_sum(having) <= quota.maximum)
    return solver, counts


def _mix_of(solver, counts) -> tuple[int, ...]:
    return tuple(round(solver.get_value(c)) for c in counts)


def maximin_lottery(
    profiles: list[Profile],
    attributes: Sequence[str],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    progress: Progress,
) -> Lottery:
    """The maximin lottery over panel profiles. Raises Infeasible when no panel exists."""
    solver, counts = _mix_model(profiles, attributes, quotas, size)
    solver.set_objective(solver_sum(counts), SolverSense.MAXIMIZE)
    if solver.optimize() != SolverStatus.OPTIMAL:
        raise Infeasible
    sizes = [len(p.members) for p in profiles]
    mixes: list[tuple[int, ...]] = []
    known: set[tuple[int, ...]] = set()

    def add(mix: tuple[int, ...]) -> bool:
        if mix in known:
            return False
        known.add(mix)
        mixes.append(mix)
        return True

    # Start from, for every profile, a panel with as many of it as the quotas allow: the
    # profiles that stay at 0 there can be in no panel (their chance is 0, as in the library).
    covered = []
    for index, count in enumerate(counts):
        solver.set_objective(count, SolverSense.MAXIMIZE)
        solver.optimize()
        mix = _mix_of(solver, counts)
        if mix[index] > 0:
            covered.append(index)
        add(mix)
    progress(f"{len(profiles)} profils, {len(mixes)} panels types de départ")

    # The dual (the library's "incremental model"): weights y on profiles, minimise z such
    # that every known panel profile's weighted share Σ y·count/size stays below z.
    dual = _solver()
    upper = dual.add_continuous_var(lb=0.0, ub=float("inf"))
    weights = {i: dual.add_continuous_var(lb=0.0, ub=1.0) for i in covered}
    dual.add_constr(solver_sum(weights.values()) == 1)

    def constrain(mix: tuple[int, ...]) -> None:
        dual.add_constr(solver_sum(weights[i] * (mix[i] / sizes[i]) for i in covered) <= upper)

    for mix in mixes:
        constrain(mix)
    for iteration in range(1, MAX_ITERATIONS + 1):
        dual.set_objective(upper, SolverSense.MINIMIZE)
        if dual.optimize() != SolverStatus.OPTIMAL:
            raise RuntimeError("the maximin dual program has no optimum")
        values = {i: dual.get_value(weights[i]) for i in covered}
        bound = dual.get_value(upper)
        solver.set_objective(
            solver_sum((values[i] / sizes[i]) * counts[i] for i in covered), SolverSense.MAXIMIZE
        )
        solver.optimize()
        mix = _mix_of(solver, counts)
        value = sum(values[i] * mix[i] / sizes[i] for i in covered)
        if iteration % 5 == 1:
            progress(f"itération {iteration}, {len(mixes)} panels types")
        if value <= bound + TOLERANCE or not add(mix):
            break
        constrain(mix)
    return _primal(profiles, covered, mixes)


def _primal(profiles: list[Profile], covered: list[int], mixes: list[tuple[int, ...]]) -> Lottery:
    """The panel profiles' probabilities that maximise the smallest chance of a volunteer."""
    solver = _solver()
    shares = [solver.add_continuous_var(lb=0.0, ub=1.0) for _ in mixes]
    solver.add_constr(solver_sum(shares) == 1)
    lowest = solver.add_continuous_var(lb=0.0, ub=1.0)
    for i in covered:
        size = len(profiles[i].members)
        solver.add_constr(
            lowest <= solver_sum(s * (mix[i] / size) for s, mix in zip(shares, mixes, strict=True))
        )
    solver.set_objective(lowest, SolverSense.MAXIMIZE)
    if solver.optimize() != SolverStatus.OPTIMAL:
        raise RuntimeError("the maximin program has no optimum")
    raw = [max(solver.get_value(s), 0.0) for s in shares]
    kept = [(mix, p) for mix, p in zip(mixes, raw, strict=True) if p >= NEGLIGIBLE]
    kept.sort()  # a canonical order for the draw below, whatever the solver's
    total = sum(p for _mix, p in kept)
    return Lottery(
        profiles=profiles,
        mixes=[mix for mix, _p in kept],
        probabilities=[p / total for _mix, p in kept],
        smallest_chance=solver.get_value(lowest),
    )


def draw_from(lottery: Lottery, rng: random.Random) -> list[str]:
    """One panel profile drawn with its probability, then its members drawn in each profile."""
    point = rng.random()
    chosen = lottery.mixes[-1]
    cumulative = 0.0
    for mix, probability in zip(lottery.mixes, lottery.probabilities, strict=True):
        cumulative += probability
        if point < cumulative:
            chosen = mix
            break
    selected: list[str] = []
    for profile, count in zip(lottery.profiles, chosen, strict=True):
        selected.extend(rng.sample(profile.members, count))
    return sorted(selected, key=natural_key)
