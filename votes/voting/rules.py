"""The ballot's rules as pure functions: caps per category (at most, and at least, Decidim's
"minimum projects"), knapsack envelope, categories per voter. Voting codes and paper ballots
go through `choice_problems` when their whole ballot is recorded, online ballots through
`addition_problem` at each choice (and `ballot_minimum_problems` on their review page), so the
channels never disagree on what a valid ballot is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.templatetags.budget_tags import money


@dataclass(frozen=True)
class CategoryRule:
    id: int
    name: str
    cap: int | None  # approvals per voter; None = unlimited
    knapsack: bool = False
    envelope: Decimal | None = None
    # Choices a voter makes at least in the category when voting in it; 0 = no minimum.
    minimum: int = 0


@dataclass(frozen=True)
class Choice:
    reference: int
    category_id: int
    cost: Decimal  # the instructed cost (projects) or saving; used in knapsack mode only


def choice_problems(
    *,
    choices: Iterable[Choice],
    categories: Mapping[int, CategoryRule],
    max_categories: int | None = None,
) -> list[str]:
    """Every rule a set of choices breaks, in French, as a voter or an officer reads it."""
    choices = list(choices)
    problems: list[str] = []
    seen: set[int] = set()
    for choice in choices:
        if choice.reference in seen:
            problems.append(
                _("La proposition P-%(ref)04d est choisie deux fois.") % {"ref": choice.reference}
            )
        seen.add(choice.reference)
    by_category: dict[int, list[Choice]] = {}
    for choice in choices:
        by_category.setdefault(choice.category_id, []).append(choice)
    for category_id, chosen in by_category.items():
        rule = categories[category_id]
        if rule.cap is not None and len(chosen) > rule.cap:
            problems.append(
                ngettext(
                    "« %(category)s » : %(count)s choix pour %(cap)s vote au plus.",
                    "« %(category)s » : %(count)s choix pour %(cap)s votes au plus.",
                    rule.cap,
                )
                % {"category": rule.name, "count": len(chosen), "cap": rule.cap}
            )
        if rule.knapsack and rule.envelope is not None:
            total = sum((c.cost for c in chosen), Decimal("0"))
            if total > rule.envelope:
                problems.append(
                    _(
                        "« %(category)s » : les projets choisis coûtent %(total)s, "
                        "au-delà de l'enveloppe de %(envelope)s."
                    )
                    % {
                        "category": rule.name,
                        "total": money(total),
                        "envelope": money(rule.envelope),
                    }
                )
    problems += minimum_problems(by_category=by_category, categories=categories)
    if max_categories is not None and len(by_category) > max_categories:
        problems.append(
            ngettext(
                "%(count)s rubriques choisies : %(max)s rubrique au plus par votant.",
                "%(count)s rubriques choisies : %(max)s rubriques au plus par votant.",
                max_categories,
            )
            % {"count": len(by_category), "max": max_categories}
        )
    return problems


def minimum_problems(
    *, by_category: Mapping[int, list[Choice]], categories: Mapping[int, CategoryRule]
) -> list[str]:
    """The categories of a whole ballot chosen in, but below their minimum.

    A minimum binds a voter who votes in the category: choosing nothing there is allowed (one
    may vote in some categories only, and ``max_categories`` may even require it). Checked
    when a whole ballot is recorded (code, paper), never while an online ballot is being
    filled one choice at a time.
    """
    problems = []
    for category_id, rule in categories.items():
        count = len(by_category.get(category_id, []))
        if 0 < count < rule.minimum:
            problems.append(
                ngettext(
                    "Rubrique « %(category)s » : choisissez au moins %(n)d proposition.",
                    "Rubrique « %(category)s » : choisissez au moins %(n)d propositions.",
                    rule.minimum,
                )
                % {"category": rule.name, "n": rule.minimum}
            )
    return problems


def ballot_minimum_problems(
    *, choices: Iterable[Choice], categories: Mapping[int, CategoryRule]
) -> list[str]:
    """``minimum_problems`` of a list of choices (the online review page reads this)."""
    by_category: dict[int, list[Choice]] = {}
    for choice in choices:
        by_category.setdefault(choice.category_id, []).append(choice)
    return minimum_problems(by_category=by_category, categories=categories)


def addition_problem(
    *,
    current: Iterable[Choice],
    new: Choice,
    categories: Mapping[int, CategoryRule],
    max_categories: int | None = None,
) -> str | None:
    """Why one more choice is refused, with what to do about it (None when it is allowed)."""
    current = list(current)
    if any(c.reference == new.reference for c in current):
        return _("Cette proposition est déjà dans votre bulletin.")
    rule = categories[new.category_id]
    in_category = [c for c in current if c.category_id == new.category_id]
    if rule.cap is not None and len(in_category) >= rule.cap:
        return ngettext(
            "Vous avez utilisé votre %(cap)s vote dans « %(category)s » : retirez-le pour "
            "choisir celui-ci.",
            "Vous avez utilisé vos %(cap)s votes dans « %(category)s » : retirez-en un pour "
            "choisir celui-ci.",
            rule.cap,
        ) % {"cap": rule.cap, "category": rule.name}
    if rule.knapsack and rule.envelope is not None:
        spent = sum((c.cost for c in in_category), Decimal("0"))
        if spent + new.cost > rule.envelope:
            return _(
                "Ce projet coûte %(cost)s et il ne reste que %(left)s dans l'enveloppe de "
                "« %(category)s » : retirez un projet pour le choisir."
            ) % {
                "cost": money(new.cost),
                "left": money(rule.envelope - spent),
                "category": rule.name,
            }
    categories_used = {c.category_id for c in current}
    if (
        max_categories is not None
        and new.category_id not in categories_used
        and len(categories_used) >= max_categories
    ):
        return ngettext(
            "Vous votez déjà dans %(max)s rubrique, le maximum : retirez vos choix d'une "
            "rubrique pour voter dans « %(category)s ».",
            "Vous votez déjà dans %(max)s rubriques, le maximum : retirez vos choix d'une "
            "rubrique pour voter dans « %(category)s ».",
            max_categories,
        ) % {"max": max_categories, "category": rule.name}
    return None
