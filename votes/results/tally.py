"""The published tally rules (issue 5 §4): pure functions over plain data, no ORM inside.

One tie rule everywhere, at every step of every rule: more approvals first, then the lower
amount (cost, or instructed saving), then the lower reference number. A threshold removes
proposals before any rule runs; without one, a proposal with zero approvals can be selected
(as in CONSUL).

Rules, per category (each category is its own election):
- ``greedy`` for projects: walk down the tie order, select what fits in what is left.
- ``greedy`` for savings: walk down the tie order, select until the cumulative instructed
  saving reaches the target; the rest are "target already reached".
- ``mes`` for savings: the Method of Equal Shares with the target as the budget (each voter of
  the category holds an equal share of the target and "pays" for the savings they approve), so
  that every sizeable group of voters sees some of its savings kept; then, as for projects,
  completed in the tie order: here by the greedy savings rule until the target is reached.

Savings have their own threshold (issue 14): at least T % of the ballots expressed in the
category (ballots approving at least one of its measures), and never fewer than one approval:
a saving cuts a public service, so a measure nobody approved is never kept. The number of
approvals this takes (the effective threshold) is in the result, with T and the ballots.
- ``mes`` for projects: the Method of Equal Shares with cost utilities, then the greedy rule on
  the money left, as pabutools' ``completion_by_rule_combination(method_of_equal_shares,
  greedy_utilitarian_welfare)`` with ``Cost_Sat`` computes it. The envelope is shared equally
  among the ballots that approve at least one project of the category that passed the
  threshold. Money is exact (``Fraction``): a tie between two prices must be a real tie.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import ceil

from votes.results.equal_shares import equal_shares

ONLINE = "online"
CODE = "code"
PAPER = "paper"
IMPORT = "import"
CHANNELS: tuple[str, ...] = (ONLINE, CODE, PAPER, IMPORT)

PROJECTS = "projects"
SAVINGS = "savings"

GREEDY = "greedy"
MES = "mes"
METHODS: tuple[str, ...] = (GREEDY, MES)


class Status(StrEnum):
    SELECTED = "selected"
    DOES_NOT_FIT = "does_not_fit"
    BELOW_THRESHOLD = "below_threshold"
    TARGET_REACHED = "target_reached"


class Stage(StrEnum):
    """Which part of ``mes`` selected a project (None for the greedy rules)."""

    EQUAL_SHARES = "equal_shares"
    COMPLETION = "completion"


@dataclass(frozen=True)
class Proposal:
    reference: int
    # The cost of a project, or the instructed yearly saving of a savings measure.
    amount: Decimal | int
    category: str
    source_id: str | None = None


@dataclass(frozen=True)
class CategoryRule:
    name: str
    kind: str = PROJECTS
    envelope: Decimal | int | None = None
    target: Decimal | int | None = None
    threshold: int | None = None
    # Savings only: T, the share (in %) of the category's expressed ballots a measure needs,
    # and the number of those ballots (computed from ``ballots`` by ``tally`` when missing).
    threshold_percent: Decimal | int | None = None
    ballots: int | None = None
    # Only matters when ballots are cast; carried so results can print the whole rule.
    knapsack: bool = False


@dataclass(frozen=True)
class Row:
    # The order in which the rule considered the proposal: the tie order for greedy; for mes,
    # the selection order (equal shares, then completion), then the rest in the tie order.
    rank: int
    reference: int
    source_id: str | None
    approvals: int
    approvals_by_channel: dict[str, int]
    amount: Decimal
    status: Status
    # Projects: what is left of the envelope once this row has been considered.
    envelope_left: Decimal | None = None
    # Savings: the cumulative instructed saving once this row has been considered.
    cumulative_saving: Decimal | None = None
    stage: Stage | None = None


@dataclass(frozen=True)
class CategoryResult:
    name: str
    kind: str
    method: str
    envelope: Decimal | None
    target: Decimal | None
    threshold: int | None
    knapsack: bool
    rows: list[Row]
    selected: list[int]
    spent: Decimal | None = None
    envelope_left: Decimal | None = None
    saved: Decimal | None = None
    target_met: bool | None = None
    gap: Decimal | None = None
    # mes only: the number of ballots the envelope (or the target) was shared among.
    voters: int | None = None
    # Savings: the threshold in % and the ballots it is a share of (``threshold`` is then
    # the number of approvals it takes, at least 1).
    threshold_percent: Decimal | None = None
    ballots: int | None = None
    approvals_by_channel: dict[str, int] = field(default_factory=dict)

    def row(self, reference: int) -> Row:
        for row in self.rows:
            if row.reference == reference:
                return row
        raise KeyError(reference)


def tie_key(*, approvals: int, amount: Decimal | int, reference: int) -> tuple:
    """Sort key of the one tie rule: more approvals, then lower amount, then lower reference."""
    return (-approvals, amount, reference)


def approvals_from_ballots(
    ballots: Iterable[Collection[int]], *, channel: str = IMPORT
) -> dict[int, dict[str, int]]:
    """Approvals per reference for ballots that all came through one channel."""
    counts: Counter[int] = Counter()
    for ballot in ballots:
        counts.update(set(ballot))
    return {reference: {channel: count} for reference, count in counts.items()}


def tally(
    *,
    proposals: Sequence[Proposal],
    approvals: Mapping[int, Mapping[str, int]],
    rules: Sequence[CategoryRule],
    method: str = GREEDY,
    ballots: Iterable[Collection[int]] | None = None,
) -> list[CategoryResult]:
    """Tally every category of a campaign, in the order of ``rules``.

    ``approvals`` maps a reference to its approvals per channel (missing means zero).
    ``ballots`` (one collection of approved references per voter, any categories) is needed
    by ``mes``, and by a savings threshold in % whose rule does not give its ``ballots``.
    """
    _check_method(method)
    names = {rule.name for rule in rules}
    by_category: dict[str, list[Proposal]] = {rule.name: [] for rule in rules}
    references = [proposal.reference for proposal in proposals]
    if len(set(references)) != len(references):
        raise ValueError("a reference appears twice in the campaign")
    for proposal in proposals:
        if proposal.category not in names:
            raise ValueError(
                f"proposal {proposal.reference}: unknown category {proposal.category!r}"
            )
        by_category[proposal.category].append(proposal)
    grouped: dict[str, Counter[frozenset[int]]] | None = None
    counting = any(_needs_ballot_count(rule) for rule in rules)
    if method == MES or counting:
        if ballots is None:
            raise ValueError(
                "mes needs the ballots" if method == MES else "a threshold in % needs the ballots"
            )
        grouped = split_ballots(ballots, proposals)
    if counting:
        assert grouped is not None
        rules = [
            replace(rule, ballots=sum(grouped.get(rule.name, Counter()).values()))
            if _needs_ballot_count(rule)
            else rule
            for rule in rules
        ]
    return [
        _tally_category(
            rule=rule,
            proposals=by_category[rule.name],
            approvals=approvals,
            method=method,
            grouped=None if grouped is None else grouped.get(rule.name, Counter()),
        )
        for rule in rules
    ]


def _needs_ballot_count(rule: CategoryRule) -> bool:
    return rule.kind == SAVINGS and rule.threshold_percent is not None and rule.ballots is None


def savings_threshold(rule: CategoryRule) -> int:
    """The approvals a saving needs: the count threshold, T % of the category's expressed
    ballots rounded up (exactly T % passes), and at least one approval, whichever is most."""
    need = max(rule.threshold or 0, 1)
    if rule.threshold_percent is not None:
        if rule.ballots is None:
            raise ValueError(f"category {rule.name!r}: a threshold in % needs the ballots")
        share = Fraction(Decimal(rule.threshold_percent)) * rule.ballots / 100
        need = max(need, ceil(share))
    return need


def split_ballots(
    ballots: Iterable[Collection[int]], proposals: Sequence[Proposal]
) -> dict[str, Counter[frozenset[int]]]:
    """Per category, each distinct ballot (its approvals there) and how many voters cast it.

    Voters who approve nothing in a category are not in it. Identical ballots are counted
    once with their number: equal shares treats them alike at every step, and there are far
    fewer distinct ballots than voters in a category.
    """
    category_of = {proposal.reference: proposal.category for proposal in proposals}
    split: dict[str, Counter[frozenset[int]]] = {}
    try:
        for ballot in ballots:
            parts: dict[str, list[int]] = {}
            for reference in ballot:
                parts.setdefault(category_of[reference], []).append(reference)
            for category, part in parts.items():
                if category not in split:
                    split[category] = Counter()
                split[category][frozenset(part)] += 1
    except KeyError as error:
        raise ValueError(f"a ballot approves unknown reference {error.args[0]}") from None
    return split


def tally_category(
    *,
    rule: CategoryRule,
    proposals: Sequence[Proposal],
    approvals: Mapping[int, Mapping[str, int]],
    method: str = GREEDY,
    ballots: Iterable[Collection[int]] | None = None,
) -> CategoryResult:
    """Tally one category. For ``mes``, ``ballots`` are the voters' approvals in it."""
    grouped = None if ballots is None else Counter(frozenset(ballot) for ballot in ballots)
    if grouped is not None and _needs_ballot_count(rule):
        rule = replace(rule, ballots=sum(grouped.values()))
    return _tally_category(
        rule=rule, proposals=proposals, approvals=approvals, method=method, grouped=grouped
    )


def _tally_category(
    *,
    rule: CategoryRule,
    proposals: Sequence[Proposal],
    approvals: Mapping[int, Mapping[str, int]],
    method: str,
    grouped: Counter[frozenset[int]] | None,
) -> CategoryResult:
    _check_method(method)
    candidates = [_Candidate.build(proposal, approvals) for proposal in proposals]
    references = [candidate.reference for candidate in candidates]
    if len(set(references)) != len(references):
        raise ValueError(f"category {rule.name!r}: a reference appears twice")
    candidates.sort(key=lambda c: c.key)
    if rule.kind == SAVINGS:
        if rule.target is None:
            raise ValueError(f"category {rule.name!r}: a savings category needs a target")
        if method == MES:
            if grouped is None:
                raise ValueError("mes needs the ballots")
            return _mes(rule, candidates, grouped)
        return _greedy_savings(rule, candidates)
    if rule.kind != PROJECTS:
        raise ValueError(f"category {rule.name!r}: unknown kind {rule.kind!r}")
    if rule.envelope is None:
        raise ValueError(f"category {rule.name!r}: a projects category needs an envelope")
    if method == MES:
        if grouped is None:
            raise ValueError("mes needs the ballots")
        return _mes(rule, candidates, grouped)
    return _greedy_projects(rule, candidates)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown rule {method!r} (expected one of {', '.join(METHODS)})")


@dataclass
class _Candidate:
    reference: int
    source_id: str | None
    amount: Decimal
    by_channel: dict[str, int]
    approvals: int

    @classmethod
    def build(cls, proposal: Proposal, approvals: Mapping[int, Mapping[str, int]]) -> _Candidate:
        given = approvals.get(proposal.reference, {})
        unknown = set(given) - set(CHANNELS)
        if unknown:
            raise ValueError(f"proposal {proposal.reference}: unknown channel {sorted(unknown)}")
        by_channel = {channel: int(given.get(channel, 0)) for channel in CHANNELS}
        amount = Decimal(proposal.amount)
        if amount < 0:
            raise ValueError(f"proposal {proposal.reference}: negative amount")
        return cls(
            reference=proposal.reference,
            source_id=proposal.source_id,
            amount=amount,
            by_channel=by_channel,
            approvals=sum(by_channel.values()),
        )

    @property
    def key(self) -> tuple:
        return tie_key(approvals=self.approvals, amount=self.amount, reference=self.reference)

    def passes(self, threshold: int | None) -> bool:
        return threshold is None or self.approvals >= threshold


def _row(candidate: _Candidate, rank: int, status: Status, **values) -> Row:
    return Row(
        rank=rank,
        reference=candidate.reference,
        source_id=candidate.source_id,
        approvals=candidate.approvals,
        approvals_by_channel=dict(candidate.by_channel),
        amount=candidate.amount,
        status=status,
        **values,
    )


def _channel_totals(candidates: Sequence[_Candidate]) -> dict[str, int]:
    return {channel: sum(c.by_channel[channel] for c in candidates) for channel in CHANNELS}


def _greedy_projects(rule: CategoryRule, ordered: list[_Candidate]) -> CategoryResult:
    envelope = Decimal(rule.envelope)
    left = envelope
    rows: list[Row] = []
    selected: list[int] = []
    for rank, candidate in enumerate(ordered, start=1):
        if not candidate.passes(rule.threshold):
            status = Status.BELOW_THRESHOLD
        elif candidate.amount <= left:
            status = Status.SELECTED
            left -= candidate.amount
            selected.append(candidate.reference)
        else:
            status = Status.DOES_NOT_FIT
        rows.append(_row(candidate, rank, status, envelope_left=left))
    return CategoryResult(
        name=rule.name,
        kind=PROJECTS,
        method=GREEDY,
        envelope=envelope,
        target=None,
        threshold=rule.threshold,
        knapsack=rule.knapsack,
        rows=rows,
        selected=selected,
        spent=envelope - left,
        envelope_left=left,
        approvals_by_channel=_channel_totals(ordered),
    )


def _greedy_savings(rule: CategoryRule, ordered: list[_Candidate]) -> CategoryResult:
    target = Decimal(rule.target)
    threshold = savings_threshold(rule)
    saved = Decimal(0)
    rows: list[Row] = []
    selected: list[int] = []
    for rank, candidate in enumerate(ordered, start=1):
        if not candidate.passes(threshold):
            status = Status.BELOW_THRESHOLD
        elif saved >= target:
            status = Status.TARGET_REACHED
        else:
            status = Status.SELECTED
            saved += candidate.amount
            selected.append(candidate.reference)
        rows.append(_row(candidate, rank, status, cumulative_saving=saved))
    met = saved >= target
    return CategoryResult(
        name=rule.name,
        kind=SAVINGS,
        method=GREEDY,
        envelope=None,
        target=target,
        threshold=threshold,
        knapsack=False,
        rows=rows,
        selected=selected,
        saved=saved,
        target_met=met,
        gap=Decimal(0) if met else target - saved,
        approvals_by_channel=_channel_totals(ordered),
        threshold_percent=_percent(rule),
        ballots=rule.ballots,
    )


def _percent(rule: CategoryRule) -> Decimal | None:
    return None if rule.threshold_percent is None else Decimal(rule.threshold_percent)


def _mes(
    rule: CategoryRule, ordered: list[_Candidate], grouped: Counter[frozenset[int]]
) -> CategoryResult:
    savings = rule.kind == SAVINGS
    # For savings the target plays the envelope's part: the voters share it equally.
    budget = Decimal(rule.target if savings else rule.envelope)
    threshold = savings_threshold(rule) if savings else rule.threshold
    eligible = [c for c in ordered if c.passes(threshold)]
    eligible_refs = frozenset(c.reference for c in eligible)

    counted: Counter[int] = Counter()
    # Only ballots with at least one eligible proposal share the budget.
    restricted: Counter[frozenset[int]] = Counter()
    for ballot, voters in grouped.items():
        for reference in ballot:
            counted[reference] += voters
        mine = ballot & eligible_refs
        if mine:
            restricted[mine] += voters
    unknown = set(counted) - {c.reference for c in ordered}
    if unknown:
        raise ValueError(f"category {rule.name!r}: a ballot approves unknown {sorted(unknown)}")
    for candidate in ordered:
        if counted[candidate.reference] != candidate.approvals:
            # The tie rule and the threshold read the approvals; equal shares reads the
            # ballots: they must tell the same story or the result means nothing.
            raise ValueError(
                f"category {rule.name!r}: proposal {candidate.reference} has "
                f"{candidate.approvals} approvals but {counted[candidate.reference]} ballots"
            )
    groups = [(sorted(ballot), voters) for ballot, voters in restricted.items()]
    supporters: dict[int, list[int]] = {c.reference: [] for c in eligible}
    for index, (ballot, _) in enumerate(groups):
        for reference in ballot:
            supporters[reference].append(index)

    picked = equal_shares(budget, eligible, groups, supporters)
    picked_set = set(picked)
    by_reference = {c.reference: c for c in eligible}
    rows: list[Row] = []
    selected: list[int] = []
    # Projects: what is left of the envelope; savings: the cumulative saving.
    running = Decimal(0) if savings else budget

    def take(candidate: _Candidate, stage: Stage) -> None:
        nonlocal running
        running += candidate.amount if savings else -candidate.amount
        selected.append(candidate.reference)
        rows.append(_row(candidate, len(rows) + 1, Status.SELECTED, stage=stage, **_after(running)))

    def _after(value: Decimal) -> dict[str, Decimal]:
        return {"cumulative_saving": value} if savings else {"envelope_left": value}

    for reference in picked:
        take(by_reference[reference], Stage.EQUAL_SHARES)
    # Completion, same tie order: projects take what fits in the money left; savings are kept
    # until the target is reached, as the greedy savings rule does.
    rest: list[_Candidate] = []
    for candidate in eligible:
        if candidate.reference in picked_set:
            continue
        if (running < budget) if savings else (candidate.amount <= running):
            take(candidate, Stage.COMPLETION)
        else:
            rest.append(candidate)
    left_out = Status.TARGET_REACHED if savings else Status.DOES_NOT_FIT
    for candidate in rest:
        rows.append(_row(candidate, len(rows) + 1, left_out, **_after(running)))
    for candidate in ordered:
        if candidate.reference not in eligible_refs:
            rows.append(_row(candidate, len(rows) + 1, Status.BELOW_THRESHOLD, **_after(running)))
    common = {
        "name": rule.name,
        "method": MES,
        "threshold": threshold,
        "rows": rows,
        "selected": selected,
        "voters": sum(restricted.values()),
        "approvals_by_channel": _channel_totals(ordered),
    }
    if savings:
        met = running >= budget
        return CategoryResult(
            kind=SAVINGS,
            envelope=None,
            target=budget,
            knapsack=False,
            saved=running,
            target_met=met,
            gap=Decimal(0) if met else budget - running,
            threshold_percent=_percent(rule),
            ballots=rule.ballots,
            **common,
        )
    return CategoryResult(
        kind=PROJECTS,
        envelope=budget,
        target=None,
        knapsack=rule.knapsack,
        spent=budget - running,
        envelope_left=running,
        **common,
    )
