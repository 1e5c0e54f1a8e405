"""A campaign shared by the communes of an EPCI (Consul's headings by district).

Each commune of the territory may have its own categories (``Category.commune``) beside the
whole territory's. A resident votes once in the campaign (one ballot per campaign and voter, as
everywhere) and that ballot holds the whole territory's categories and their own commune's
only. The resident's commune is the one their profile declares (``Profile.commune``, a commune
of the campaign's territory: the eligibility check of votes/voting/ballots.py requires it); on
paper, the account's profile or the commune written in the register. A voting code carries no
commune, so a code's ballot is not restricted by this rule (codes per commune would be the next
step).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from votes.accounts.models import Profile
from votes.campaigns.models import Category


def commune_refusal(*, category: Category, voter_commune_id: int | None) -> str | None:
    """Why a voter of this commune cannot choose in `category` (None when they can)."""
    if category.commune_id is None or category.commune_id == voter_commune_id:
        return None
    return _(
        "La rubrique « %(category)s » est réservée aux habitants de %(commune)s : votre "
        "bulletin ne peut contenir que les rubriques de tout le territoire et celles de votre "
        "commune."
    ) % {"category": category.name, "commune": category.commune.name}


def category_open_to(*, voter: AbstractBaseUser, category: Category) -> str | None:
    """Why `voter` cannot choose in `category` online (None when they can).

    Reads nothing for a category of the whole territory, so a campaign that is not shared pays
    no query for the rule.
    """
    if category.commune_id is None:
        return None
    commune_id = Profile.objects.filter(user=voter).values_list("commune_id", flat=True).first()
    return commune_refusal(category=category, voter_commune_id=commune_id)


def selection_commune_problems(
    *, categories: Iterable[Category], voter_commune_id: int | None
) -> list[str]:
    """The refusals of a whole ballot's categories, once per category (paper ballots)."""
    problems: list[str] = []
    seen: set[int] = set()
    for category in categories:
        if category.pk in seen:
            continue
        seen.add(category.pk)
        if problem := commune_refusal(category=category, voter_commune_id=voter_commune_id):
            problems.append(problem)
    return problems
