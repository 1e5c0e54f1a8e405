"""A campaign shared by the communes of an EPCI (Consul's headings by district).

Each commune of the territory may have its own categories (``Category.commune``) beside the
whole territory's. A resident votes once in the campaign (one ballot per campaign and voter, as
everywhere) and that ballot holds the whole territory's categories and their own commune's
only.

The resident's commune is the one their profile declares (``Profile.commune``); on paper, the
account's profile or the commune written in the register. A commune is known by its INSEE code:
a commune and its metropolis each list it in their territory (``budget.Commune`` rows of both
authorities), and a resident who chose "Saran" under the commune of Saran lives in the
metropolis's Saran as well (``resides_in``, read by the eligibility check). A voting code
carries no commune, so a code's ballot is not restricted by this rule (codes per commune would
be the next step).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from budget.models import Authority, Commune
from votes.accounts.models import Profile
from votes.campaigns.models import Category


def resides_in(*, commune: Commune, authority: Authority) -> bool:
    """Whether a resident of `commune` lives in `authority`'s territory (its own row, or a row
    of the same INSEE code: a member commune's resident lives in its metropolis)."""
    if commune.authority_id == authority.pk:
        return True
    return authority.communes.filter(insee_code=commune.insee_code).exists()


def commune_refusal(*, category: Category, voter_insee: str | None) -> str | None:
    """Why a resident of the commune of INSEE code `voter_insee` cannot choose in `category`
    (None when they can)."""
    if category.commune_id is None or category.commune.insee_code == voter_insee:
        return None
    return _(
        "La rubrique « %(category)s » est réservée aux habitants de %(commune)s : votre "
        "bulletin ne peut contenir que les rubriques de tout le territoire et celles de votre "
        "commune."
    ) % {"category": category.name, "commune": category.commune.name}


def voter_insee(voter: AbstractBaseUser) -> str | None:
    """The INSEE code of the commune the account's profile declares (None: none declared)."""
    return Profile.objects.filter(user=voter).values_list("commune__insee_code", flat=True).first()


def category_open_to(*, voter: AbstractBaseUser, category: Category) -> str | None:
    """Why `voter` cannot choose in `category` online (None when they can).

    Reads nothing for a category of the whole territory, so a campaign that is not shared pays
    no query for the rule.
    """
    if category.commune_id is None:
        return None
    return commune_refusal(category=category, voter_insee=voter_insee(voter))


def selection_commune_problems(
    *, categories: Iterable[Category], voter_insee: str | None
) -> list[str]:
    """The refusals of a whole ballot's categories, once per category (paper ballots)."""
    problems: list[str] = []
    seen: set[int] = set()
    for category in categories:
        if category.pk in seen:
            continue
        seen.add(category.pk)
        if problem := commune_refusal(category=category, voter_insee=voter_insee):
            problems.append(problem)
    return problems
