"""The Sortition Foundation's library (sortition-algorithms), driven for reproducible draws.

Only ``sortition.draw()`` imports this module, on the first draw (the library pulls gspread
and google-auth: a second or more), and calls it one draw at a time (its lock): the library's
random provider is process-wide. Why each piece is here:

- ids are given as ``_StableId``: the library keeps them in sets, whose iteration order (and
  with it the solver's model and the final lottery) would follow the per-process string hash;
- the random provider is our own seeded generator, not the global ``random`` module that the
  library's public switch (``set_random_provider``) would seed;
- the solvers' banners on the C-level stdout are silenced (they would corrupt ``--json``);
- the library's infeasibility report (a relaxed copy of the quotas) becomes a French sentence
  naming the quotas to relax;
- the library's progress events (its ``ProgressReporter``) become French steps for the job page.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import random
import sys
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _
from sortition_algorithms import utils
from sortition_algorithms.committee_generation.common import setup_committee_generation
from sortition_algorithms.core import find_random_sample
from sortition_algorithms.errors import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError
from sortition_algorithms.features import (
    FeatureCollection,
    FeatureValueMinMax,
    set_default_max_flex,
)
from sortition_algorithms.people import People

from votes.panels import sortition_profiles
from votes.panels.sortition_types import (
    DRAW_STEPS,
    PROFILES,
    STEP_LOTTERY,
    InfeasibleQuotas,
    Labels,
    Person,
    Progress,
    QuotaSpec,
    natural_key,
)

# The library logs its progress on stdout; what we need comes back as exceptions.
for _name in ("sortition_algorithms", "sortition_algorithms_user"):
    logging.getLogger(_name).handlers = [logging.NullHandler()]
    logging.getLogger(_name).propagate = False


class _StableId(str):
    """A person id whose hash depends only on its text, not on the process."""

    _hash: int

    def __new__(cls, text: str) -> _StableId:
        person_id = super().__new__(cls, text)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        # Computed once: the library hashes ids tens of thousands of times per draw.
        person_id._hash = int.from_bytes(digest, "big", signed=True)
        return person_id

    def __hash__(self) -> int:
        return self._hash


@contextlib.contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """The solvers print banners on the C-level stdout (HiGHS's copyright, Gurobi's licence)
    when first used: they would corrupt ``draw_panel --json``. They go to /dev/null."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _SeededProvider(utils.RandomProvider):
    """Like the library's GenRandom, but with a generator of its own instead of the global
    ``random`` module, which any other code in the process may use meanwhile."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def uniform(self, lower: float, upper: float) -> float:
        return self._random.uniform(lower, upper)

    def randbelow(self, upper: int) -> int:
        return self._random.randrange(upper)

    def randint(self) -> int:
        return self._random.randrange(self.max_int)

    def choice(self, seq):
        return self._random.choice(seq)


def _features(pool: Sequence[Person], quotas: Sequence[QuotaSpec], size: int) -> FeatureCollection:
    """Quotas as the library's features; a value of the pool without a quota is free (0..size)."""
    features: dict[str, dict] = {}
    attributes = sorted({q.attribute for q in quotas})
    for attribute in attributes:
        values = {q.value: q for q in quotas if q.attribute == attribute}
        present = {p.attributes[attribute] for p in pool}
        feature = {}
        for value in sorted(values.keys() | present, key=natural_key):
            quota = values.get(value)
            low, high = (quota.minimum, quota.maximum) if quota else (0, size)
            feature[value] = FeatureValueMinMax(min=low, max=high)
        features[attribute] = feature
    set_default_max_flex(features)
    return features


def _relaxation_message(
    original: FeatureCollection, relaxed: FeatureCollection, labels: Labels
) -> InfeasibleQuotas:
    changes = []
    for attribute, values in original.items():
        for value, minmax in values.items():
            new = relaxed[attribute][value]
            name = labels.quota(attribute, value)
            if new.min < minmax.min:
                changes.append(
                    _("%(quota)s : minimum de %(old)s à %(new)s")
                    % {"quota": name, "old": minmax.min, "new": new.min}
                )
            if new.max > minmax.max:
                changes.append(
                    _("%(quota)s : maximum de %(old)s à %(new)s")
                    % {"quota": name, "old": minmax.max, "new": new.max}
                )
    message = _(
        "Les quotas ne peuvent pas être respectés tous ensemble avec ce vivier : ils se "
        "contredisent d'un critère à l'autre. Il faudrait par exemple assouplir %(changes)s."
    ) % {"changes": " ; ".join(changes)}
    return InfeasibleQuotas(message, [message])


class _StepReporter:
    """The library's progress events as the lottery step's text on the job page. Its phases
    are named in English by the library; the known ones get a French text."""

    def __init__(self, algorithm: str, progress: Progress) -> None:
        self.algorithm, self.progress = algorithm, progress
        self.name, self.total = "", None

    def start_phase(
        self, name: str, total: int | None = None, *, message: str | None = None
    ) -> None:
        self.name, self.total = name, total
        self.update(0)

    def update(self, current: int, *, message: str | None = None) -> None:
        if self.name == "multiplicative_weights" and self.total:
            detail = _("recherche de panels variés, %(done)s sur %(total)s") % {
                "done": current,
                "total": self.total,
            }
        else:
            detail = _("optimisation, itération %(count)s") % {"count": current}
        self.progress(_lottery_text(self.algorithm, detail), STEP_LOTTERY, DRAW_STEPS)

    def end_phase(self) -> None:
        pass


def _lottery_text(algorithm: str, detail: str) -> str:
    return _("Calcul de la loterie (%(algorithm)s) : %(detail)s") % {
        "algorithm": algorithm,
        "detail": detail,
    }


def _library_people(
    people_sorted: Sequence[Person], quota_attributes: list[str], features: FeatureCollection
) -> People:
    people = People([])
    for row, person in enumerate(people_sorted, start=2):
        data = {name: person.attributes[name] for name in quota_attributes}
        people.add(_StableId(person.id), data, features, row)
    return people


def _by_profiles(
    people_sorted: Sequence[Person],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    seed: int,
    features: FeatureCollection,
    progress: Progress,
) -> list[str]:
    attributes = sorted({q.attribute for q in quotas})
    profiles = sortition_profiles.profiles_of(people_sorted, attributes)

    def report(detail: str) -> None:
        progress(_lottery_text(PROFILES, detail), STEP_LOTTERY, DRAW_STEPS)

    try:
        lottery = sortition_profiles.maximin_lottery(
            profiles, attributes, quotas, size=size, progress=report
        )
    except sortition_profiles.Infeasible:
        # The library's own check, volunteer by volunteer: it raises InfeasibleQuotasError
        # with the smallest relaxation of the quotas that would do, named to the team.
        setup_committee_generation(
            features, _library_people(people_sorted, attributes, features), size, []
        )
        raise InfeasibleQuotasCantRelaxError("no panel by profiles") from None
    return sortition_profiles.draw_from(lottery, random.Random(seed))


def select(
    people_sorted: Sequence[Person],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    seed: int,
    algorithm: str,
    labels: Labels,
    progress: Progress,
) -> list[str]:
    """The panel's ids (in id order), drawn by the library with the given integer seed."""
    quota_attributes = sorted({q.attribute for q in quotas})
    features = _features(people_sorted, quotas, size)
    previous = utils._random_provider
    # Private to the library but pinned (0.12.15): its public switch seeds the global
    # ``random`` module instead of a generator of our own.
    utils._random_provider = _SeededProvider(seed)
    try:
        with _c_stdout_silenced():
            if algorithm == PROFILES:
                return _by_profiles(
                    people_sorted,
                    quotas,
                    size=size,
                    seed=seed,
                    features=features,
                    progress=progress,
                )
            people = _library_people(people_sorted, quota_attributes, features)
            committees, _report = find_random_sample(
                features,
                people,
                size,
                [],
                selection_algorithm=algorithm,
                progress_reporter=_StepReporter(algorithm, progress),
            )
    except InfeasibleQuotasError as error:
        raise _relaxation_message(features, error.features, labels) from error
    except InfeasibleQuotasCantRelaxError as error:
        message = _(
            "Les quotas ne peuvent pas être respectés tous ensemble avec ce vivier, et aucun "
            "assouplissement simple ne suffit : revoyez les quotas."
        )
        raise InfeasibleQuotas(message) from error
    finally:
        utils._random_provider = previous
    return sorted((str(person_id) for person_id in committees[0]), key=natural_key)
