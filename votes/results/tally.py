"""The published tally rules (issue 5 §4): pure functions over plain data, no ORM inside.

One tie rule everywhere, at every step of every rule: more approvals first, then the lower
amount (cost, or instructed saving), then the lower reference number. A threshold removes
proposals before any rule runs; without one, a proposal with zero approvals can be selected
(as in CONSUL).

Rules, per category (each category is its own election):
- ``greedy`` for projects: walk down the tie order, select what fits in what is left.
- ``greedy`` for savings: walk down the tie order, select until the cumulative instructed
  saving reaches the target; the rest are "target already reached".
- ``mes`` for projects: the Method of Equal Shares with cost utilities, then the greedy rule on
  the money left, as pabutools' ``completion_by_rule_combination(method_of_equal_shares,
  greedy_utilitarian_welfare)`` with ``Cost_Sat`` computes it. The envelope is shared equally
  among the ballots that approve at least one project of the category that passed the
  threshold. Money is exact (``Fraction``): a tie between two prices must be a real tie.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

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
    # mes only: the number of ballots the envelope was shared among.
    voters: int | None = None
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
    by ``mes`` only; savings categories always use the greedy savings rule.
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
    if method == MES and any(rule.kind == PROJECTS for rule in rules):
        if ballots is None:
            raise ValueError("mes needs the ballots")
        grouped = split_ballots(ballots, proposals)
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
    if rule.target is None:
        raise ValueError(f"category {rule.name!r}: a savings category needs a target")
    target = Decimal(rule.target)
    saved = Decimal(0)
    rows: list[Row] = []
    selected: list[int] = []
    for rank, candidate in enumerate(ordered, start=1):
        if not candidate.passes(rule.threshold):
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
        threshold=rule.threshold,
        knapsack=False,
        rows=rows,
        selected=selected,
        saved=saved,
        target_met=met,
        gap=Decimal(0) if met else target - saved,
        approvals_by_channel=_channel_totals(ordered),
    )


def _mes(
    rule: CategoryRule, ordered: list[_Candidate], grouped: Counter[frozenset[int]]
) -> CategoryResult:
    envelope = Decimal(rule.envelope)
    eligible = [c for c in ordered if c.passes(rule.threshold)]
    eligible_refs = frozenset(c.reference for c in eligible)

    counted: Counter[int] = Counter()
    # Only ballots with at least one eligible project share the envelope.
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

    picked = _equal_shares(envelope, eligible, groups, supporters)
    picked_set = set(picked)
    left = envelope - sum((c.amount for c in eligible if c.reference in picked_set), Decimal(0))

    rows: list[Row] = []
    selected: list[int] = []
    by_reference = {c.reference: c for c in eligible}
    running = envelope
    for reference in picked:
        candidate = by_reference[reference]
        running -= candidate.amount
        selected.append(reference)
        rows.append(
            _row(
                candidate,
                len(rows) + 1,
                Status.SELECTED,
                envelope_left=running,
                stage=Stage.EQUAL_SHARES,
            )
        )
    # Completion: the greedy rule on the money left, same tie order.
    rest: list[_Candidate] = []
    for candidate in eligible:
        if candidate.reference in picked_set:
            continue
        if candidate.amount <= left:
            left -= candidate.amount
            selected.append(candidate.reference)
            rows.append(
                _row(
                    candidate,
                    len(rows) + 1,
                    Status.SELECTED,
                    envelope_left=left,
                    stage=Stage.COMPLETION,
                )
            )
        else:
            rest.append(candidate)
    for candidate in rest:
        rows.append(_row(candidate, len(rows) + 1, Status.DOES_NOT_FIT, envelope_left=left))
    for candidate in ordered:
        if candidate.reference not in eligible_refs:
            rows.append(_row(candidate, len(rows) + 1, Status.BELOW_THRESHOLD, envelope_left=left))
    return CategoryResult(
        name=rule.name,
        kind=PROJECTS,
        method=MES,
        envelope=envelope,
        target=None,
        threshold=rule.threshold,
        knapsack=rule.knapsack,
        rows=rows,
        selected=selected,
        spent=envelope - left,
        envelope_left=left,
        voters=sum(restricted.values()),
        approvals_by_channel=_channel_totals(ordered),
    )


def _equal_shares(
    envelope: Decimal,
    eligible: list[_Candidate],
    groups: list[tuple[list[int], int]],
    supporters: dict[int, list[int]],
) -> list[int]:
    """The references MES selects, in selection order (before completion).

    ``groups`` are the distinct ballots (eligible references) with their number of voters;
    ``supporters`` maps a reference to the indices of the groups approving it. Every voter of
    a group has the same budget at every step, so budgets are kept per group.

    With cost utilities a voter's satisfaction from a project is its cost, so pabutools' price
    per unit of satisfaction is rho = q / cost, where q is what each supporter who can afford
    it pays. MES picks the lowest rho; the tie rule settles equal rho. Inside each project the
    supporters' budgets are a multiset (budget -> number of voters): budgets take few values.
    """
    picked: list[int] = []
    voters = sum(size for _, size in groups)
    if not voters:
        return picked
    # A free project some voters approve costs no one anything: pabutools takes it first.
    for candidate in eligible:
        if candidate.amount == 0 and supporters[candidate.reference]:
            picked.append(candidate.reference)
    start = Fraction(envelope) / voters
    budget = [start] * len(groups)
    cost = {c.reference: Fraction(c.amount) for c in eligible}
    key = {c.reference: c.key for c in eligible}
    open_refs = {c.reference for c in eligible if c.amount > 0 and supporters[c.reference]}
    wallets: dict[int, Counter[Fraction]] = {}
    # A lower bound of each project's rho: rho only grows as budgets shrink, so a project
    # whose bound already exceeds the best rho of the round needs no recomputation.
    bound: dict[int, Fraction] = {}
    for reference in open_refs:
        count = sum(groups[g][1] for g in supporters[reference])
        wallets[reference] = Counter({start: count})
        bound[reference] = Fraction(1, count)

    while open_refs:
        best: Fraction | None = None
        tied: list[int] = []
        for reference in sorted(open_refs, key=lambda r: (bound[r], key[r])):
            wallet = wallets[reference]
            price = cost[reference]
            if sum(value * count for value, count in wallet.items()) < price:
                open_refs.discard(reference)
                continue
            if best is not None and bound[reference] > best:
                break
            rho = _share(price, wallet) / price
            bound[reference] = rho
            if best is None or rho < best:
                best, tied = rho, [reference]
            elif rho == best:
                tied.append(reference)
        if best is None:
            break
        choice = min(tied, key=lambda r: key[r])
        share = best * cost[choice]
        picked.append(choice)
        open_refs.discard(choice)
        del wallets[choice]
        for group in supporters[choice]:
            before = budget[group]
            after = before - min(before, share)
            if after == before:
                continue
            budget[group] = after
            ballot, size = groups[group]
            for reference in ballot:
                wallet = wallets.get(reference)
                if wallet is not None:
                    wallet[before] -= size
                    if not wallet[before]:
                        del wallet[before]
                    wallet[after] += size
    return picked


def _share(price: Fraction, wallet: Counter[Fraction]) -> Fraction:
    """What each supporter still able to pay pays, the poorer ones paying all they have."""
    paid = Fraction(0)
    remaining = sum(wallet.values())
    for value in sorted(wallet):
        share = (price - paid) / remaining
        if share <= value:
            return share
        count = wallet[value]
        # If the first voter of a group cannot pay the share, none of the group can.
        paid += value * count
        remaining -= count
    raise AssertionError("affordable project without a share")  # pragma: no cover
