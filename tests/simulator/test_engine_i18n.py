"""The engine's refusals and warnings follow the active language; French stays the default."""

from __future__ import annotations

import pytest
from django.utils import translation

from simulator.engine import Adjustment, SimulationError, lines_from_records, simulate


def budget():
    return lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 1_000_000},
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 900_000},
        ]
    )


def refusal(**options) -> list[str]:
    with pytest.raises(SimulationError) as error:
        simulate(budget(), None, [Adjustment(line="FD-0", amount=-1)], debt_start=0, **options)
    return error.value.messages


def test_a_refusal_is_in_french_by_default():
    assert refusal() == ["La ligne « FD-0 » n'existe pas dans ce budget."]


def test_a_refusal_is_in_english_for_an_english_visitor():
    with translation.override("en"):
        messages = refusal(horizon=11)

    assert messages == [
        "The horizon must be between 1 and 10 years (received: 11).",
        "Line “FD-0” does not exist in this budget.",
    ]


def test_a_warning_is_in_english_for_an_english_visitor():
    with translation.override("en"):
        result = simulate(budget(), None, [], horizon=1, debt_start=1_300_000)

    assert result.warnings == [
        "Debt payback period of 13,0 years in year 1, beyond the reference ceiling of 12 years."
    ]
