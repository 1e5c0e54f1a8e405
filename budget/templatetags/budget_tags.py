"""Template filters for amounts, French style: "1 234 567 €"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return NBSP.join(parts)


def format_amount(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    quant = Decimal(1).scaleb(-decimals)
    number = number.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "−" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    text = _group(integer)
    if decimals:
        text += "," + fraction
    return f"{sign}{text}"


@register.filter
def money(value, decimals: int = 0) -> str:
    """An amount in euros: `{{ line.amount|money }}` -> "1 234 €"."""
    text = format_amount(value, int(decimals))
    return text if text == "—" else f"{text}\u00a0€"


@register.filter
def number(value, decimals: int = 0) -> str:
    return format_amount(value, int(decimals))


@register.filter
def percent(value, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.1234 -> "12,3 %"."""
    if value is None or value == "":
        return "—"
    return f"{format_amount(Decimal(str(value)) * 100, int(decimals))}\u00a0%"
