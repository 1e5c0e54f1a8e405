"""Template filters for amounts, French style: "1 234 567 €", and glossary tooltips."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from budget.glossary.terms import lookup

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


# Unique ids for aria-describedby: a page may show the same term several times.
_definition_ids = itertools.count(1)


@register.simple_tag
def term(key: str, text: str | None = None) -> SafeString:
    """A glossary term with its definition as a tooltip reachable by keyboard.

    `{% term "épargne brute" %}` or `{% term "épargne brute" _("Épargne brute") %}` when the
    visible text differs from the glossary key (write it with `_()` so that makemessages finds
    it). The visible text goes through gettext here too, so a literal written without `_()`
    is still translated when the catalogue has it. Unknown terms are shown as plain text.
    """
    visible = str(key if text is None else text)
    if visible:  # gettext("") would be the catalogue's header
        visible = gettext(visible)
    entry = lookup(key)
    if entry is None:
        return format_html("{}", visible)
    definition_id = f"def-{next(_definition_ids)}"
    example = (
        format_html(' <span class="example">{}{}</span>', gettext("Exemple : "), entry["example"])
        if entry["example"]
        else ""
    )
    return format_html(
        '<span class="term" tabindex="0" aria-describedby="{id}">{text}'
        '<span class="definition" role="tooltip" id="{id}">{definition}{example}</span></span>',
        id=definition_id,
        text=visible,
        definition=entry["definition"],
        example=example,
    )


@register.filter
def coefficient(value) -> str:
    """A coefficient with the decimals it really has: 0.376500 -> "0,3765", 1.000000 -> "1"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{abs(number).normalize():f}".replace(".", ",")
    return f"−{text}" if number < 0 else text
