"""The consolidated table of a metropolis (an EPCI) and its member communes (pure).

Plain rows in (one per campaign, or per commune's part of a campaign the EPCI shares among its
communes), groups with their totals out. Nothing here reads the database: the rows are built
by votes/metropolis/reads.py from what the public may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class CampaignPart:
    """One campaign, or one commune's part of a shared campaign, as the public may see it."""

    group: str  # the commune it counts for; the EPCI's name for its own and its whole territory
    campaign: str
    slug: str
    part: str  # "" for a whole campaign; the commune, or the whole territory, of a shared one
    phase: str
    ballots: int | None  # None while the vote is not closed
    envelope: Decimal = ZERO  # the projects' envelopes
    target: Decimal = ZERO  # the savings targets
    adopted_count: int | None = None  # None until the council's answers are published
    adopted_cost: Decimal | None = None
    adopted_saving: Decimal | None = None


@dataclass
class Totals:
    parts: int = 0
    ballots: int = 0
    envelope: Decimal = ZERO
    target: Decimal = ZERO
    adopted_count: int = 0
    adopted_cost: Decimal = ZERO
    adopted_saving: Decimal = ZERO

    def add(self, row: CampaignPart) -> None:
        self.parts += 1
        self.ballots += row.ballots or 0
        self.envelope += row.envelope
        self.target += row.target
        self.adopted_count += row.adopted_count or 0
        self.adopted_cost += row.adopted_cost or ZERO
        self.adopted_saving += row.adopted_saving or ZERO


@dataclass
class Group:
    name: str
    rows: list[CampaignPart] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class Consolidation:
    groups: list[Group]
    totals: Totals


def consolidate(rows: Iterable[CampaignPart], *, first: str = "") -> Consolidation:
    """The rows by group (`first`, the EPCI, leads; then the communes by name), with the totals
    of each group and of all.

    A part whose vote is not closed, or whose answers are not published, adds nothing to the
    ballots, or to the adopted figures: a total never holds what the public cannot see yet.
    """
    groups: dict[str, Group] = {}
    totals = Totals()
    for row in rows:
        group = groups.setdefault(row.group, Group(name=row.group))
        group.rows.append(row)
        group.totals.add(row)
        totals.add(row)
    ordered = sorted(groups.values(), key=lambda g: (g.name != first, g.name.casefold()))
    return Consolidation(groups=ordered, totals=totals)
