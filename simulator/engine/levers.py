"""Revenue levers beyond the property tax (issue 14): a rate on a base (household waste tax,
TEOM), a price per unit (school canteen, swimming pool, REOM fee) and new loans.

Pure: a lever is plain data from the simulator parameters workbook (sheet `leviers`), a
choice is the value a citizen sets (a new rate in percent, a new price in euros, an amount
borrowed in euros). Each choice becomes a revenue adjustment made on the citizen's behalf
(`direct=False`: the revenue line need not be adjustable, and a lever is no policy area).

A loan is revenue of the investment section (chapter 16) in year 1; its interest follows on
an operating expenditure line (chapter 66) as a *cumulative* linked impact, one year later,
as long as the loan runs: `lever_rules` gives the rule, which joins the budget's own rules
when the budget is prepared, so the engine shows the interest as an induced effect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from budget.finance import DEPENSE, FONCTIONNEMENT, INVESTISSEMENT, RECETTE, REEL
from simulator.engine.base import Adjustment, _
from simulator.engine.prepared import PreparedBudget

RATE = "taux"  # a rate in percent on a base in euros (TEOM)
PRICE = "tarif"  # a price in euros per unit, times units per year (canteen, pool, REOM)
LOAN = "emprunt"  # an amount borrowed in year 1, with interest from year 2
LEVER_KINDS = (RATE, PRICE, LOAN)
# The interest of a loan starts the year after it is drawn.
LOAN_INTEREST_LAG = 1


@dataclass(frozen=True)
class Lever:
    """A revenue lever as the finance service defines it.

    `current`: the rate (percent) or price (euros) in force; 0 for a loan. `minimum` and
    `maximum` bound the value a citizen may set (a rate or a price is never below 0, whatever
    the sheet says). `base`: the taxable base in euros (rate) or the units sold per year
    (price). `households`: the number of households the per-household figure divides by.
    `interest_line` and `interest_rate` (percent a year): a loan's interest.
    """

    slug: str
    kind: str
    label: str
    line: str
    current: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    base: float = 0.0
    households: float | None = None
    interest_line: str | None = None
    interest_rate: float | None = None
    step: float | None = None

    def revenue_delta(self, value: float) -> float:
        """The yearly change of the revenue line (the amount drawn, for a loan)."""
        if self.kind == RATE:
            return float(self.base) * (float(value) - float(self.current)) / 100
        if self.kind == PRICE:
            return (float(value) - float(self.current)) * float(self.base)
        return float(value)

    def yearly_interest(self, value: float) -> float:
        if self.kind != LOAN or not self.interest_rate:
            return 0.0
        return float(value) * float(self.interest_rate) / 100

    def household_yearly_change(self, value: float) -> float | None:
        """What a household pays more (or less) a year: the revenue, or a loan's interest."""
        if not self.households or float(self.households) <= 0:
            return None
        burden = self.yearly_interest(value) if self.kind == LOAN else self.revenue_delta(value)
        return burden / float(self.households)

    def floor(self) -> float:
        """The legal floor: a rate, a price or an amount borrowed is never negative."""
        return max(0.0, float(self.minimum)) if self.minimum is not None else 0.0

    def problems(self) -> list[str]:
        """What is wrong with the lever itself (the sheet checks the same on import)."""
        messages = []
        name = {"lever": self.label or self.slug}
        if self.kind not in LEVER_KINDS:
            messages.append(
                _("Levier « %(lever)s » : type inconnu « %(kind)s ».") % {**name, "kind": self.kind}
            )
        for field, value in (
            (_("la valeur actuelle"), self.current),
            (_("l'assiette"), self.base),
            (_("le minimum"), self.minimum),
            (_("le maximum"), self.maximum),
            (_("le nombre de foyers"), self.households),
            (_("le taux d'intérêt"), self.interest_rate),
        ):
            if value is not None and not _finite(value):
                messages.append(
                    _("Levier « %(lever)s » : %(field)s n'est pas un nombre (reçu : %(value)s).")
                    % {**name, "field": field, "value": value}
                )
        if messages:
            return messages
        if float(self.current) < 0 or float(self.base) < 0:
            messages.append(
                _(
                    "Levier « %(lever)s » : la valeur actuelle et l'assiette ne peuvent pas être "
                    "négatives."
                )
                % name
            )
        if (
            self.minimum is not None
            and self.maximum is not None
            and float(self.minimum) > float(self.maximum)
        ):
            messages.append(_("Levier « %(lever)s » : le minimum dépasse le maximum.") % name)
        if self.kind == LOAN and (self.interest_line is None or self.interest_rate is None):
            messages.append(
                _("Levier « %(lever)s » : un emprunt indique sa ligne d'intérêts et son taux.")
                % name
            )
        if self.interest_rate is not None and float(self.interest_rate) < 0:
            messages.append(
                _("Levier « %(lever)s » : le taux d'intérêt ne peut pas être négatif.") % name
            )
        return messages

    def value_problems(self, value) -> list[str]:
        """A citizen's value outside the legal floor or the sheet's bounds."""
        name = {"lever": self.label or self.slug}
        if not _finite(value):
            return [
                _("Levier « %(lever)s » : %(value)s n'est pas un nombre.")
                % {**name, "value": value}
            ]
        value = float(value)
        if value < 0:
            return [
                _("Levier « %(lever)s » : la valeur ne peut pas être négative (reçu : %(value)s).")
                % {**name, "value": _number(value)}
            ]
        low = self.floor()
        high = None if self.maximum is None else float(self.maximum)
        if value < low - 1e-9 or (high is not None and value > high + 1e-9):
            if high is None:
                return [
                    _("Levier « %(lever)s » : %(value)s est sous le minimum de %(min)s.")
                    % {**name, "value": _number(value), "min": _number(low)}
                ]
            return [
                _(
                    "Levier « %(lever)s » : %(value)s est hors des bornes fixées "
                    "(de %(min)s à %(max)s)."
                )
                % {**name, "value": _number(value), "min": _number(low), "max": _number(high)}
            ]
        return []


@dataclass(frozen=True)
class LeverChoice:
    lever: Lever
    value: float


@dataclass(frozen=True)
class LeverEffect:
    """What a lever brings, as the screen and the proposals show it."""

    slug: str
    label: str
    kind: str
    current: float
    value: float
    revenue_delta: float  # yearly revenue (the amount drawn, for a loan)
    yearly_interest: float  # a loan's yearly interest, 0 otherwise
    household_yearly_change: float | None


def lever_rules(levers: Iterable[Lever]) -> list[dict]:
    """The linked impacts the levers bring: a loan's interest, cumulative, one year later."""
    return [
        {
            "source": lever.line,
            "target": lever.interest_line,
            "coefficient": float(lever.interest_rate) / 100,
            "lag": LOAN_INTEREST_LAG,
            "cumulative": True,
        }
        for lever in levers
        if lever.kind == LOAN
        and lever.interest_line
        and lever.interest_rate is not None
        and _finite(lever.interest_rate)
        and float(lever.interest_rate) > 0
    ]


def _line_problems(prepared: PreparedBudget, lever: Lever) -> list[str]:
    name = {"lever": lever.label or lever.slug}
    messages = []
    frame = prepared.frame
    wanted = (
        [(lever.line, RECETTE, INVESTISSEMENT), (lever.interest_line, DEPENSE, FONCTIONNEMENT)]
        if lever.kind == LOAN
        else [(lever.line, RECETTE, FONCTIONNEMENT)]
    )
    for code, direction, section in wanted:
        if code is None:
            continue
        line = prepared.index.get(str(code).strip())
        if line is None:
            messages.append(
                _("Levier « %(lever)s » : la ligne « %(line)s » n'existe pas dans ce budget.")
                % {**name, "line": code}
            )
        elif (
            frame["kind"].iat[line] != REEL
            or frame["direction"].iat[line] != direction
            or frame["section"].iat[line] != section
        ):
            expected = {
                (RECETTE, FONCTIONNEMENT): _("une recette réelle de fonctionnement"),
                (RECETTE, INVESTISSEMENT): _("une recette réelle d'investissement"),
                (DEPENSE, FONCTIONNEMENT): _("une dépense réelle de fonctionnement"),
            }[(direction, section)]
            messages.append(
                _("Levier « %(lever)s » : la ligne %(line)s doit être %(expected)s.")
                % {**name, "line": prepared.line_ref(line), "expected": expected}
            )
    return messages


def check_levers(
    prepared: PreparedBudget, choices: Iterable[LeverChoice]
) -> tuple[list[str], list[Adjustment], list[LeverEffect]]:
    """Every problem of the chosen levers, their adjustments and what each brings."""
    messages: list[str] = []
    adjustments: list[Adjustment] = []
    effects: list[LeverEffect] = []
    for choice in choices:
        lever = choice.lever
        problems = lever.problems()
        if not problems:
            problems = _line_problems(prepared, lever) + lever.value_problems(choice.value)
        if problems:
            messages += problems
            continue
        value = float(choice.value)
        delta = lever.revenue_delta(value)
        effects.append(
            LeverEffect(
                slug=lever.slug,
                label=lever.label or lever.slug,
                kind=lever.kind,
                current=float(lever.current),
                value=value,
                revenue_delta=delta,
                yearly_interest=lever.yearly_interest(value),
                household_yearly_change=lever.household_yearly_change(value),
            )
        )
        if delta != 0:
            adjustments.append(
                Adjustment(
                    line=str(lever.line).strip(),
                    amount=delta,
                    # A loan is drawn once; a rate or a price holds every year.
                    recurring=lever.kind != LOAN,
                    measure=lever.slug,
                    direct=False,
                )
            )
    return messages, adjustments, effects


def household_text(change: float) -> str:
    """ "+12 € par foyer et par an" (rounded to the euro, sign always shown)."""
    rounded = round(change)
    sign = "+" if rounded >= 0 else "−"
    return f"{sign}{abs(rounded)}\u00a0€ " + _("par foyer et par an")


def _finite(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


__all__ = [
    "LEVER_KINDS",
    "LOAN",
    "PRICE",
    "RATE",
    "Lever",
    "LeverChoice",
    "LeverEffect",
    "check_levers",
    "household_text",
    "lever_rules",
]
