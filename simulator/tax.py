"""The property-tax lever: a change of the rate in points becomes revenue on the tax line.

Kept apart from the engine because its figures are the ones citizens quote ("+38 € par foyer
et par an"): the arithmetic must be obvious at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

# M57/M14 account of the direct local taxes (taxes foncières): the default revenue line.
PROPERTY_TAX_ACCOUNT = "73111"
TAX_MEASURE = "Taux de taxe foncière"


@dataclass(frozen=True)
class TaxLever:
    """A change of the property-tax rate.

    `points` are percentage points (25 % → 26 % is +1), `base` the net taxable base in euros,
    `current_rate` the voted rate in percent, `average_bill` the average yearly bill per
    household in euros. `revenue_line` names the revenue line by code; by default the engine
    takes the budget's 73111 line.
    """

    points: float
    base: float
    current_rate: float
    revenue_line: str | None = None
    average_bill: float | None = None

    @property
    def revenue_delta(self) -> float:
        return float(self.base) * float(self.points) / 100

    @property
    def household_yearly_change(self) -> float | None:
        # A household's bill is its base times the rate: it moves in proportion to the rate.
        if self.average_bill is None or not float(self.current_rate) > 0:
            return None
        return float(self.average_bill) * float(self.points) / float(self.current_rate)

    def problems(self) -> list[str]:
        messages = [
            _("Taxe foncière : %(field)s n'est pas un nombre (reçu : %(value)s).")
            % {"field": field, "value": value}
            for field, value in (
                (_("la variation du taux en points"), self.points),
                (_("la base d'imposition"), self.base),
                (_("le taux actuel"), self.current_rate),
                (_("la cotisation moyenne"), self.average_bill),
            )
            if value is not None and not _is_number(value)
        ]
        if messages or self.points is None or self.base is None or self.current_rate is None:
            return messages or [_("Taxe foncière : points, base et taux actuel sont requis.")]
        if float(self.base) < 0:
            messages.append(_("Taxe foncière : la base d'imposition ne peut pas être négative."))
        if float(self.current_rate) < 0:
            messages.append(_("Taxe foncière : le taux actuel ne peut pas être négatif."))
        elif float(self.current_rate) + float(self.points) < 0:
            messages.append(
                _(
                    "Taxe foncière : une baisse de %(points)s points ferait passer le taux "
                    "actuel de %(rate)s %% sous zéro."
                )
                % {
                    "points": _number(-float(self.points)),
                    "rate": _number(float(self.current_rate)),
                }
            )
        if self.average_bill is not None and float(self.average_bill) < 0:
            messages.append(_("Taxe foncière : la cotisation moyenne ne peut pas être négative."))
        if self.average_bill is not None and float(self.current_rate) == 0:
            messages.append(
                _(
                    "Taxe foncière : avec un taux actuel nul, l'effet par foyer ne peut pas être "
                    "calculé."
                )
            )
        return messages


def household_change_text(change: float) -> str:
    """ "+38 € par foyer et par an" (rounded to the euro, sign always shown)."""
    rounded = round(change)
    sign = "+" if rounded >= 0 else "−"
    return f"{sign}{abs(rounded)}\u00a0€ par foyer et par an"


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
