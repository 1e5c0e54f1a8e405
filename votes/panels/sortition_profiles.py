"""Maximin by profiles: the maximin lottery computed over the volunteers' profiles, for large
pools (thousands of volunteers) where the library's maximin, which works volunteer by
volunteer, would take hours.

A profile is one combination of the quota attributes' values (« femme, 35-49 ans, La Gare »):
the quotas cannot tell apart two volunteers of the same profile. So a lottery can be described
by how many of each profile a panel takes, then who, uniformly among the profile's volunteers.
Any lottery over panels can be made so without lowering the smallest chance (mixing the
volunteers of a profile evenly only averages their chances), hence:

- the smallest chance of being drawn is exactly the one the library's maximin reaches (the
  same optimum: maximin's guarantee, computed on the profiles instead of the people: 71 for
  gender, six age bands and four areas, against 5,000 volunteers);
- on top of it, two volunteers of the same profile always have exactly the same chance;
- like maximin, nothing brings the chances above the smallest closer together.

The time grows with the number of profiles, not of volunteers: seconds for a hundred, minutes
for a thousand (bench/README.md).

The computation is the library's (column generation, as in Flanigan et al., Nature 2021):
a linear program chooses the profiles' weights; an integer program finds the panel profile
that the weights favour most and adds it, until no profile would raise the smallest chance.
Both run on HiGHS, the library's default solver, driven here with whole arrays (seeded; the
constraints in a canonical order: the same model gives the same answer).
Then one profile mix is drawn from the lottery with the seeded generator, and within each
profile the volunteers are drawn in id order with the same generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from django.utils.translation import gettext as _

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


class _Program:
    """A HiGHS model driven with whole arrays: building solver expressions term by term (the
    library's way) costs more than solving, once there are hundreds of profiles."""

    def __init__(self, lower, upper, *, integer: bool = False) -> None:
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", 0)
        self.size = len(lower)
        self.columns = np.arange(self.size, dtype=np.int32)
        self.highs.addVars(self.size, np.asarray(lower, float), np.asarray(upper, float))
        if integer:
            kinds = np.array([highspy.HighsVarType.kInteger] * self.size)
            self.highs.changeColsIntegrality(self.size, self.columns, kinds)

    def row(self, lower: float, upper: float, columns, values) -> None:
        columns = np.asarray(columns, dtype=np.int32)
        self.highs.addRow(lower, upper, len(columns), columns, np.asarray(values, float))

    def solve(self, costs, *, maximise: bool) -> list[float] | None:
        """The optimal values of the columns, or None when the model is infeasible."""
        self.highs.changeColsCost(self.size, self.columns, np.asarray(costs, float))
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS ended with {status}")
        return list(self.highs.getSolution().col_value)


def _mix_model(profiles: list[Profile], attributes: Sequence[str], quotas, size: int):
    """Integer program over panel profiles: how many of each volunteer profile."""
    model = _Program([0] * len(profiles), [len(p.members) for p in profiles], integer=True)
    everybody = range(len(profiles))
    model.row(size, size, everybody, [1] * len(profiles))
    # In a canonical order: the order of the constraints can change which optimal panel
    # profile the solver returns, hence the lottery.
    for quota in sorted(quotas, key=lambda q: (q.attribute, natural_key(q.value))):
        index = attributes.index(quota.attribute)
        having = [i for i, p in enumerate(profiles) if p.values[index] == quota.value]
        if having:  # else no volunteer has it: a minimum above 0 was refused before
            model.row(quota.minimum, quota.maximum, having, [1] * len(having))
    return model


def _start_text(profiles: int, mixes: int) -> str:
    return _("%(profiles)s profils, %(mixes)s panels types de départ") % {
        "profiles": profiles,
        "mixes": mixes,
    }


def _mix(values: list[float]) -> tuple[int, ...]:
    return tuple(round(v) for v in values)


def maximin_lottery(
    profiles: list[Profile],
    attributes: Sequence[str],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    progress: Progress,
) -> Lottery:
    """The maximin lottery over panel profiles. Raises Infeasible when no panel exists."""
    count = len(profiles)
    model = _mix_model(profiles, attributes, quotas, size)
    if model.solve([1.0] * count, maximise=True) is None:
        raise Infeasible
    sizes = np.array([len(p.members) for p in profiles], dtype=float)
    mixes: list[tuple[int, ...]] = []
    known: set[tuple[int, ...]] = set()

    def add(mix: tuple[int, ...]) -> bool:
        if mix in known:
            return False
        known.add(mix)
        mixes.append(mix)
        return True

    # Every profile that some panel can hold gets into one of the starting panel profiles
    # (the most of it the quotas allow); those that stay at 0 can be in no panel: their
    # chance is 0, as in the library.
    covered_by_some: set[int] = set()
    uncoverable: set[int] = set()
    for index in range(count):
        if index in covered_by_some:
            continue
        costs = [0.0] * count
        costs[index] = 1.0
        mix = _mix(model.solve(costs, maximise=True) or [0] * count)
        if mix[index] == 0:
            uncoverable.add(index)
        add(mix)
        covered_by_some.update(i for i, n in enumerate(mix) if n)
        if len(mixes) % 20 == 0:
            progress(_start_text(count, len(mixes)))
    covered = [i for i in range(count) if i not in uncoverable]
    progress(_start_text(count, len(mixes)))

    # The dual (the library's "incremental model"): weights y on profiles, minimise z such
    # that every known panel profile's weighted share Σ y·count/size stays below z.
    # Column 0 is z, then one column per covered profile.
    dual = _Program([0.0] * (len(covered) + 1), [highspy.kHighsInf] + [1.0] * len(covered))
    dual.row(1, 1, range(1, len(covered) + 1), [1] * len(covered))
    dual_costs = [1.0] + [0.0] * len(covered)
    share = {i: 1 / sizes[i] for i in covered}

    def constrain(mix: tuple[int, ...]) -> None:
        columns = [0] + [k + 1 for k, i in enumerate(covered) if mix[i]]
        values = [-1.0] + [mix[i] * share[i] for i in covered if mix[i]]
        dual.row(-highspy.kHighsInf, 0, columns, values)

    for mix in mixes:
        constrain(mix)
    for iteration in range(1, MAX_ITERATIONS + 1):
        solution = dual.solve(dual_costs, maximise=False)
        if solution is None:
            raise RuntimeError("the maximin dual program is infeasible")
        bound, weights = solution[0], solution[1:]
        costs = [0.0] * count
        for k, i in enumerate(covered):
            costs[i] = weights[k] * share[i]
        mix = _mix(model.solve(costs, maximise=True) or [0] * count)
        value = sum(costs[i] * mix[i] for i in covered)
        if iteration % 10 == 1:
            progress(
                _("itération %(count)s, %(mixes)s panels types")
                % {"count": iteration, "mixes": len(mixes)}
            )
        if value <= bound + TOLERANCE or not add(mix):
            break
        constrain(mix)
    return _primal(profiles, covered, mixes)


def _primal(profiles: list[Profile], covered: list[int], mixes: list[tuple[int, ...]]) -> Lottery:
    """The panel profiles' probabilities that maximise the smallest chance of a volunteer.
    Columns: one per panel profile, then the smallest chance."""
    lowest = len(mixes)
    model = _Program([0.0] * (lowest + 1), [1.0] * (lowest + 1))
    model.row(1, 1, range(lowest), [1] * lowest)
    for i in covered:
        size = len(profiles[i].members)
        holding = [j for j, mix in enumerate(mixes) if mix[i]]
        values = [mixes[j][i] / size for j in holding]
        model.row(0, highspy.kHighsInf, [*holding, lowest], [*values, -1.0])
    solution = model.solve([0.0] * lowest + [1.0], maximise=True)
    if solution is None:
        raise RuntimeError("the maximin program is infeasible")
    raw = [max(v, 0.0) for v in solution[:lowest]]
    kept = [(mix, p) for mix, p in zip(mixes, raw, strict=True) if p >= NEGLIGIBLE]
    kept.sort()  # a canonical order for the draw below, whatever the solver's
    total = sum(p for _mix, p in kept)
    return Lottery(
        profiles=profiles,
        mixes=[mix for mix, _p in kept],
        probabilities=[p / total for _mix, p in kept],
        smallest_chance=solution[lowest],
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
