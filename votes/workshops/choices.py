"""The settings groups made beyond catalogue measures — line sliders and revenue levers — read
from their scenarios, so that the consolidation can carry them into proposals like measures.

A setting is named by a key: "ligne:<code>" for a slider, "levier:<slug>" for a lever. Groups
rarely set the very same value: the proposal takes the *median* of the groups' values (the
lower middle one when they are even, so it is always a value some group chose), and says
every group's value in its text.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.models import Budget, BudgetLine
from simulator.engine.levers import Lever
from simulator.inputs import budget_levers, property_tax_lever
from simulator.screen import lever_value_text
from simulator.state import ScenarioState
from votes.workshops.models import WorkshopGroup

LINE_KEY = "ligne:"
LEVER_KEY = "levier:"


@dataclass(frozen=True)
class GroupSetting:
    """A slider or a lever, and what each group that touched it set."""

    key: str
    values: list[tuple[WorkshopGroup, Decimal]]  # in the groups' order
    line: BudgetLine | None = None
    lever: Lever | None = None

    @property
    def value(self) -> Decimal:
        return statistics.median_low(value for _group, value in self.values)

    @property
    def groups(self) -> list[WorkshopGroup]:
        return [group for group, _value in self.values]

    def value_text(self, value: Decimal) -> str:
        if self.lever is not None:
            return lever_value_text(self.lever, float(value))
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        return f"{sign}{abs(value).normalize():f}\u00a0%".replace(".", ",")

    @property
    def title(self) -> str:
        """The proposal's title: "Redevances de restauration scolaire : −10 %"."""
        name = self.lever.label if self.lever is not None else self.line.display_label
        return _("%(name)s : %(value)s") % {"name": name, "value": self.value_text(self.value)}

    def label(self, total: int) -> str:
        """The consolidation form's choice."""
        return ngettext(
            "%(title)s — %(count)s groupe sur %(total)s",
            "%(title)s — %(count)s groupes sur %(total)s",
            len(self.values),
        ) % {"title": self.title, "count": len(self.values), "total": total}

    def detail(self, group_count: int) -> str:
        """Which groups set it, at which value, and which value the proposal keeps."""
        values = ", ".join(
            f"{group.name} : {self.value_text(value)}" for group, value in self.values
        )
        return ngettext(
            "Réglage choisi par %(count)s groupe sur %(total)s (%(values)s) ; la proposition "
            "retient la valeur médiane, %(value)s.",
            "Réglage choisi par %(count)s groupes sur %(total)s (%(values)s) ; la proposition "
            "retient la valeur médiane, %(value)s.",
            len(self.values),
        ) % {
            "count": len(self.values),
            "total": group_count,
            "values": values,
            "value": self.value_text(self.value),
        }


def group_settings(budget: Budget, groups: list[WorkshopGroup]) -> dict[str, GroupSetting]:
    """Every slider and lever at least one group moved, sliders first (by line), then levers
    (in the parameters sheet's order). Expects workshop_groups' prefetched scenarios."""
    levers = budget_levers(budget)
    tax = property_tax_lever(budget)
    if tax is not None and all(lever.slug != tax.slug for lever in levers):
        levers.insert(0, tax)
    by_slug = {lever.slug: lever for lever in levers}
    line_values: dict[str, list[tuple[WorkshopGroup, Decimal]]] = {}
    lines: dict[str, BudgetLine] = {}
    lever_values: dict[str, list[tuple[WorkshopGroup, Decimal]]] = {}
    for group in groups:
        for adjustment in group.scenario.adjustments.all():
            if adjustment.percent:
                code = adjustment.line.code
                lines[code] = adjustment.line
                line_values.setdefault(code, []).append((group, adjustment.percent))
        for slug, value in ScenarioState.from_dict(
            {"levers": group.scenario.levers}
        ).levers.items():
            lever = by_slug.get(slug)
            if lever is not None and float(value) != lever.current:
                lever_values.setdefault(slug, []).append((group, value))
        # The property tax is set in points on the screen: as a lever, it is the new rate.
        if tax is not None and group.scenario.tax_rate_change:
            rate = Decimal(str(tax.current)) + group.scenario.tax_rate_change
            lever_values.setdefault(tax.slug, []).append((group, rate))
    settings = {
        LINE_KEY + code: GroupSetting(LINE_KEY + code, line_values[code], line=lines[code])
        for code in sorted(line_values)
    }
    for lever in levers:
        if lever.slug in lever_values:
            key = LEVER_KEY + lever.slug
            settings[key] = GroupSetting(key, lever_values[lever.slug], lever=lever)
    return settings
