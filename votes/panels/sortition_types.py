"""The vocabulary shared by the draw (sortition.py) and the library's driver
(sortition_library.py): who is drawn, what the quotas are, how messages name them.

Its own module so that the driver imports it without importing sortition.py, which imports
the driver on the first draw: the two then depend on this one, not on each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

# The draw by profiles (votes/panels/sortition_profiles.py), for large pools.
PROFILES = "maximin-profils"

# The draw's steps, for the job page: (number, total) with a French text. The first (reading
# the pool) and the last (saving) are the service's, around draw().
DRAW_STEPS = 6
STEP_POOL, STEP_QUOTAS, STEP_LOTTERY, STEP_PANEL, STEP_RESERVE, STEP_SAVE = range(DRAW_STEPS)
# progress(step, done, total): the step's French text, its number, the number of steps.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Person:
    """A volunteer as the draw sees them: an id and the values of the quota attributes."""

    id: str
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class QuotaSpec:
    attribute: str
    value: str
    minimum: int
    maximum: int


class InfeasibleQuotas(Exception):  # noqa: N818 (the brief's name; it is a refusal, not a bug)
    """The quotas cannot be met with this pool and size; the message names the quota(s)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems) or [message]


@dataclass
class Labels:
    """How messages name attributes and values (the raw text when nothing is given)."""

    attributes: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def quota(self, attribute: str, value: str) -> str:
        return f"{self.attribute(attribute)} = {self.values.get((attribute, value), value)}"

    def attribute(self, attribute: str) -> str:
        return self.attributes.get(attribute, attribute)


def natural_key(person_id: str) -> tuple[int, int, str]:
    """Numeric ids in number order (2 before 10), then the others in text order."""
    if person_id.isascii() and person_id.isdigit():
        return (0, int(person_id), person_id)
    return (1, 0, person_id)
