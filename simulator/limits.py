"""Caps that other apps put on a scenario, read without the simulator knowing those apps.

A campaign (votes app) may cap how many policy areas a scenario touches (domain.md §5). The
simulator builds on the budget app only: the app that sets a cap registers how to read it when
it is ready, and the simulator asks every registered reader.
"""

from __future__ import annotations

from collections.abc import Callable

from budget.models import Budget

PolicyAreaLimit = Callable[[Budget], int | None]

_policy_area_limits: list[PolicyAreaLimit] = []


def register_policy_area_limit(reader: PolicyAreaLimit) -> None:
    """Add a reader of the policy-area cap; registering the same reader twice is harmless."""
    if reader not in _policy_area_limits:
        _policy_area_limits.append(reader)


def policy_area_limit(budget: Budget) -> int | None:
    """The strictest cap any registered reader sets on the budget's scenarios, or None."""
    limits = [limit for reader in _policy_area_limits if (limit := reader(budget)) is not None]
    return min(limits) if limits else None
