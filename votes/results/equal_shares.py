"""The Method of Equal Shares' core (pure, exact): which proposals the voters can pay for.

Shared by the projects rule (the budget is the envelope) and the savings rule (the budget is
the savings target) of ``votes.results.tally``; kept apart so that each file stays readable.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Protocol


class Candidate(Protocol):
    reference: int
    amount: Decimal

    @property
    def key(self) -> tuple: ...


def equal_shares(
    envelope: Decimal,
    eligible: list[Candidate],
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
