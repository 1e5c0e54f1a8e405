"""Where the groups of a workshop agree (domain.md §8): their choices in, matrix and spread out.

No ORM here: `simulator.consolidation.workshop_comparison` reads the groups, their choices and
the engine's figures (`simulator.workshops.dashboard_rows`), then hands plain data to
`compare`; the rules below can be tested and timed alone.

Consensus: a measure chosen by at least half of the groups, half rounded up (2 of 3, 2 of 4,
3 of 5, 1 of 1). A measure no group chose is never a consensus, even without groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GroupChoice:
    id: int
    name: str
    kind: str = ""  # a WorkshopGroup.Kind value, "" when not set
    measures: frozenset[int] = frozenset()  # pks of the chosen measures
    full_year: Decimal | None = None  # net saving; None when the engine refused the scenario
    first_year: Decimal | None = None


@dataclass(frozen=True)
class KindShare:
    """How many groups of one kind chose a measure."""

    kind: str
    chosen: int
    groups: int

    @property
    def percent(self) -> int:
        """Whole percent, rounded half up (1 of 3 is 33 %, 2 of 3 is 67 %)."""
        if not self.groups:
            return 0
        return int((Decimal(self.chosen * 100) / self.groups).quantize(1, ROUND_HALF_UP))


@dataclass(frozen=True)
class MeasureRow:
    id: int
    title: str
    chosen: tuple[bool, ...]  # one cell per group, in the groups' order
    count: int
    consensus: bool
    by_kind: tuple[KindShare, ...] = ()  # in the comparison's kinds order; () without kinds


@dataclass(frozen=True)
class Spread:
    """The groups' net savings side by side: each group's, and the range they span."""

    values: tuple[Decimal | None, ...]  # one per group, in the groups' order
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    median: Decimal | None = None
    lowest: tuple[str, ...] = ()  # the names of the groups at the minimum
    highest: tuple[str, ...] = ()

    @property
    def width(self) -> Decimal | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum

    @property
    def counted(self) -> int:
        return sum(1 for value in self.values if value is not None)


@dataclass(frozen=True)
class Comparison:
    groups: tuple[GroupChoice, ...]
    rows: tuple[MeasureRow, ...]  # the measures at least one group chose, most chosen first
    threshold: int  # groups needed for a consensus
    kinds: tuple[tuple[str, int], ...] = ()  # (kind, number of groups); () when no kind is set
    full_year: Spread = field(default_factory=lambda: Spread(()))
    first_year: Spread = field(default_factory=lambda: Spread(()))

    @property
    def consensus_ids(self) -> list[int]:
        return [row.id for row in self.rows if row.consensus]

    @property
    def consensus_rows(self) -> list[MeasureRow]:
        return [row for row in self.rows if row.consensus]


def consensus_threshold(group_count: int) -> int:
    """At least half of the groups, half rounded up; never less than one group."""
    return max(1, (group_count + 1) // 2)


def median(values: Sequence[Decimal]) -> Decimal | None:
    """The middle value; for an even count, the mean of the two middle ones, to the cent."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(CENT, ROUND_HALF_UP)


def spread(names: Sequence[str], values: Sequence[Decimal | None]) -> Spread:
    """Min, max and median of the figures the engine gave; refused scenarios (None) are left
    out of those three, not counted as zero."""
    known = [(name, value) for name, value in zip(names, values, strict=True) if value is not None]
    if not known:
        return Spread(tuple(values))
    figures = [value for _name, value in known]
    low, high = min(figures), max(figures)
    return Spread(
        values=tuple(values),
        minimum=low,
        maximum=high,
        median=median(figures),
        lowest=tuple(name for name, value in known if value == low),
        highest=tuple(name for name, value in known if value == high),
    )


def kinds_of(
    groups: Sequence[GroupChoice], order: Sequence[str] = ()
) -> tuple[tuple[str, int], ...]:
    """The kinds present and their number of groups, when at least one group has a kind.

    Kinds come in `order` (the choices' order), then any other in order of appearance, and
    groups without a kind ("") last: they are a kind of their own in the split.
    """
    counts: dict[str, int] = {}
    for group in groups:
        counts[group.kind] = counts.get(group.kind, 0) + 1
    if set(counts) <= {""}:
        return ()
    ranked = [kind for kind in order if kind in counts]
    ranked += [kind for kind in counts if kind not in ranked and kind]
    if "" in counts:
        ranked.append("")
    return tuple((kind, counts[kind]) for kind in ranked)


def compare(
    groups: Sequence[GroupChoice],
    measures: Mapping[int, str],
    *,
    kind_order: Sequence[str] = (),
) -> Comparison:
    """The measures × groups matrix, the consensus, the split by kind and the spread.

    `measures` names every measure a group chose (pk → title), in the catalogue's order: rows
    follow it among measures chosen by as many groups, the most chosen first.
    """
    groups = tuple(groups)
    threshold = consensus_threshold(len(groups))
    kinds = kinds_of(groups, kind_order)
    rows = []
    for measure_id, title in measures.items():
        chosen = tuple(measure_id in group.measures for group in groups)
        count = sum(chosen)
        if not count:
            continue
        by_kind = tuple(
            KindShare(
                kind=kind,
                chosen=sum(
                    1
                    for group, ticked in zip(groups, chosen, strict=True)
                    if ticked and group.kind == kind
                ),
                groups=total,
            )
            for kind, total in kinds
        )
        rows.append(
            MeasureRow(
                id=measure_id,
                title=title,
                chosen=chosen,
                count=count,
                consensus=count >= threshold,
                by_kind=by_kind,
            )
        )
    rows.sort(key=lambda row: -row.count)  # stable: the catalogue's order among equals
    names = [group.name for group in groups]
    return Comparison(
        groups=groups,
        rows=tuple(rows),
        threshold=threshold,
        kinds=kinds,
        full_year=spread(names, [group.full_year for group in groups]),
        first_year=spread(names, [group.first_year for group in groups]),
    )
