"""What every part of the engine shares: its limits, its inputs, how it refuses a scenario
and how its messages write amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext


def _(message: str) -> str:
    """gettext, or the French source when Django is not set up (the benchmarks run without it)."""
    return gettext(message) if settings.configured else message


MAX_HORIZON = 10
MAX_LAG = 10
# Half a cent: below it a difference is floating-point noise, not money.
CENT_TOLERANCE = 0.005


class SimulationError(ValueError):
    """A scenario the engine refuses; `messages` lists every problem found.

    Messages are in the active language (French by default).
    """

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Adjustment:
    """A change to one line: `amount` euros or `percent` of the line's baseline, per year.

    `direct=False` marks a change the engine makes on the citizen's behalf (the tax lever):
    it is still a direct effect, but escapes the adjustable flag and the policy-area cap.
    """

    line: str
    amount: float | None = None
    percent: float | None = None
    start_year: int = 1
    recurring: bool = True
    first_year_share: float = 1.0
    measure: str | None = None
    direct: bool = True


def unique_messages(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def euros(value: float) -> str:
    """French amount for messages: "1 234 567 €", cents only when there are some."""
    cents = round(abs(float(value)) * 100)
    units, fraction = divmod(cents, 100)
    digits = f"{units:,}".replace(",", "\u202f")
    sign = "−" if value < 0 and cents else ""
    text = f"{sign}{digits},{fraction:02d}" if fraction else f"{sign}{digits}"
    return f"{text}\u00a0€"


def years_text(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
