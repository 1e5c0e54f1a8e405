from __future__ import annotations

from decimal import Decimal

from budget.templatetags.budget_tags import money, number, percent


def test_it_groups_thousands_with_narrow_spaces_and_puts_the_euro_after():
    assert money(Decimal("1234567.49")) == "1\u202f234\u202f567\u00a0€"


def test_it_rounds_half_up_and_writes_a_decimal_comma():
    assert money(Decimal("1234.565"), 2) == "1\u202f234,57\u00a0€"


def test_it_writes_negative_amounts_with_a_minus_sign():
    assert number(Decimal("-28000")) == "−28\u202f000"


def test_it_shows_a_dash_for_missing_values():
    assert money(None) == "—"
    assert percent(None) == "—"


def test_it_turns_a_fraction_into_a_french_percentage():
    assert percent(0.1234) == "12,3\u00a0%"
