"""Roles (Django groups created by budget/migrations/0002_roles.py), their scope, and the
access helper.

A role is held in one of three ways:

- **everywhere**: the account is in the role's group (the setup before roles had a scope, so
  it stays the default and nothing changes for existing accounts);
- **in one authority**: a `budget.RoleGrant` (for example the finance officer of commune A,
  who sees nothing of commune B's instruction);
- **in one campaign**: a `votes.CampaignRole` (for example a moderator of one campaign only),
  loaded through the source votes registers with `register_role_source`, since budget/ does
  not import votes/.

`has_role` asks about one scope: an explicit `authority=` / `campaign=`, or else the object
the request is about (set by `votes/scope/middleware.py` from the URL, so that a check
written without an object is still scoped), or else none, and then any holding counts: the
caller then filters what it lists with `authorities_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
FACILITATOR = "facilitator"
INSTRUCTOR = "instructor"
FINANCE = "finance"
MODERATOR = "moderator"
OFFICER = "officer"
COUNCIL = "council"
ROLES = [ADMINISTRATOR, FACILITATOR, INSTRUCTOR, FINANCE, MODERATOR, OFFICER, COUNCIL]


class Role(models.TextChoices):
    ADMINISTRATOR = ADMINISTRATOR, _("administration (mission participation)")
    FACILITATOR = FACILITATOR, _("animation")
    INSTRUCTOR = INSTRUCTOR, _("instruction")
    FINANCE = FINANCE, _("direction des finances")
    MODERATOR = MODERATOR, _("modération")
    OFFICER = OFFICER, _("assesseur")
    COUNCIL = COUNCIL, _("conseil (élus, secrétariat)")


User = AbstractBaseUser | AnonymousUser


@dataclass
class Held:
    """Where an account holds one role."""

    everywhere: bool = False
    authorities: set[int] = field(default_factory=set)
    campaigns: set[int] = field(default_factory=set)
    # The authority of each campaign of `campaigns`, for the authority-level lists.
    campaign_authorities: set[int] = field(default_factory=set)


# Each source gives (role, authority id or None, campaign id or None) rows for one account;
# they are read in one UNION query, the one query the role check always cost.
RoleSource = Callable[[AbstractBaseUser], models.QuerySet]
_sources: list[RoleSource] = []


def register_role_source(source: RoleSource) -> None:
    if source not in _sources:
        _sources.append(source)


def _null() -> Cast:
    # Typed: PostgreSQL types a bare NULL of a UNION's first SELECT as text.
    return Cast(models.Value(None), output_field=models.BigIntegerField())


def _groups(user: AbstractBaseUser) -> models.QuerySet:
    null = _null()
    return user.groups.values_list("name", null, null)


def _grants(user: AbstractBaseUser) -> models.QuerySet:
    from budget.models import RoleGrant

    null = _null()
    return RoleGrant.objects.filter(user=user).values_list("role", "authority_id", null)


def _holdings(user: AbstractBaseUser) -> dict[str, Held]:
    held = getattr(user, "_role_holdings", None)
    if held is not None:
        return held
    # order_by(): a model's default ordering is not allowed inside a UNION.
    queries = [
        query.order_by()
        for query in [_groups(user), _grants(user), *(source(user) for source in _sources)]
    ]
    rows = queries[0].union(*queries[1:], all=True)
    held = {}
    for role, authority_id, campaign_id in rows:
        entry = held.setdefault(role, Held())
        if campaign_id is not None:
            entry.campaigns.add(campaign_id)
            entry.campaign_authorities.add(authority_id)
        elif authority_id is not None:
            entry.authorities.add(authority_id)
        else:
            entry.everywhere = True
    user._role_holdings = held  # cached for the request: checked on every back-office view
    return held


def _pk(obj) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.pk


def set_request_scope(user: User, resolve: Callable[[], tuple[int | None, int | None]]) -> None:
    """The object the request is about, as (authority id, campaign id), resolved only when an
    account holds a role somewhere but not everywhere (see the module docstring)."""
    user._role_scope = resolve


def _request_scope(user: User) -> tuple[int | None, int | None]:
    scope = getattr(user, "_role_scope", None)
    if scope is None:
        return None, None
    if callable(scope):
        scope = scope()
        user._role_scope = scope
    return scope


def has_role(user: User, *roles: str, authority=None, campaign=None) -> bool:
    """`authority` and `campaign` are objects or ids; a campaign needs its authority too."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    holdings = _holdings(user)
    relevant = [holdings[role] for role in roles if role in holdings]
    if not relevant:
        return False
    if any(held.everywhere for held in relevant):
        return True
    authority_id, campaign_id = _pk(authority), _pk(campaign)
    if authority_id is None and campaign_id is None:
        authority_id, campaign_id = _request_scope(user)
    if authority_id is None and campaign_id is None:
        return True  # no scope asked: held somewhere, and the caller filters what it lists
    return any(
        authority_id in held.authorities
        or (campaign_id is not None and campaign_id in held.campaigns)
        for held in relevant
    )


def has_role_anywhere(user: User, *roles: str) -> bool:
    """The navigation: the menu shows a back office that the account reaches somewhere."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role in _holdings(user) for role in roles)


def has_role_everywhere(user: User, *roles: str) -> bool:
    """What belongs to no authority (the glossary, the accessibility statement, another
    person's job): only an account holding the role in every authority changes it."""
    if not user.is_authenticated:
        return False
    holdings = _holdings(user)
    return user.is_superuser or any(holdings[role].everywhere for role in roles if role in holdings)


def require_role_everywhere(user: User, *roles: str) -> None:
    if not has_role_everywhere(user, *roles):
        raise PermissionDenied


def authorities_for(user: User, *roles: str) -> set[int] | None:
    """The authorities where the account holds one of the roles (a campaign role counts for
    its campaign's authority: filter further with `campaigns_for`); None means all of them."""
    if user.is_authenticated and user.is_superuser:
        return None
    if not user.is_authenticated:
        return set()
    found: set[int] = set()
    for role in roles:
        held = _holdings(user).get(role)
        if held is None:
            continue
        if held.everywhere:
            return None
        found |= held.authorities | held.campaign_authorities
    return found


def campaigns_for(user: User, *roles: str) -> tuple[set[int], set[int]] | None:
    """(authority ids, campaign ids) where the account holds one of the roles, a campaign
    being reached through either; None means every campaign."""
    if user.is_authenticated and user.is_superuser:
        return None
    if not user.is_authenticated:
        return set(), set()
    authorities: set[int] = set()
    campaigns: set[int] = set()
    for role in roles:
        held = _holdings(user).get(role)
        if held is None:
            continue
        if held.everywhere:
            return None
        authorities |= held.authorities
        campaigns |= held.campaigns
    return authorities, campaigns


def require_role(user: User, *roles: str, authority=None, campaign=None) -> None:
    if not has_role(user, *roles, authority=authority, campaign=campaign):
        raise PermissionDenied


def sees_unpublished(user: User, authority=None) -> bool:
    """Unpublished budgets exist only for the staff, the administrators and finance."""
    return user.is_authenticated and (
        user.is_staff or has_role(user, ADMINISTRATOR, FINANCE, authority=authority)
    )
