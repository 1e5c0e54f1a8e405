"""Small hand-written factories: tests build exactly the data they talk about."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, User

from budget.models import (
    Authority,
    Budget,
    BudgetLine,
    ImpactRule,
    RoleGrant,
    default_adjustable,
)

_seq = itertools.count(1)


def make_user(*, username: str | None = None, roles: tuple[str, ...] = (), **extra) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"user{n}",
        email=extra.pop("email", f"user{n}@example.org"),
        password=extra.pop("password", "mot-de-passe-solide-42"),
        **extra,
    )
    for role in roles:
        # get_or_create: transactional tests flush the groups the data migration created.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def grant_role(user: User, role: str, authority: Authority) -> RoleGrant:
    """The role in this authority only (budget/roles.py)."""
    return RoleGrant.objects.create(user=user, role=role, authority=authority)


def make_authority(**fields) -> Authority:
    n = next(_seq)
    fields.setdefault("name", f"Commune {n}")
    fields.setdefault("slug", f"commune-{n}")
    fields.setdefault("siren", f"{200000000 + n:09d}")
    fields.setdefault("population", 16000)
    return Authority.objects.create(**fields)


def make_budget(**fields) -> Budget:
    authority = fields.pop("authority", None) or make_authority()
    fields.setdefault("year", 2026)
    fields.setdefault("stage", Budget.Stage.PRIMITIF)
    fields.setdefault("slug", f"{authority.slug}-{fields['year']}-{fields['stage']}")
    fields.setdefault("debt_start", Decimal("0"))
    return Budget.objects.create(authority=authority, **fields)


def line_code(section: str, direction: str, account: str, function: str = "") -> str:
    prefix = ("F" if section == "fonctionnement" else "I") + (
        "D" if direction == "depense" else "R"
    )
    return f"{prefix}-{account}-{function}" if function else f"{prefix}-{account}"


def make_line(budget: Budget, **fields) -> BudgetLine:
    fields.setdefault("section", BudgetLine.Section.FONCTIONNEMENT)
    fields.setdefault("direction", BudgetLine.Direction.DEPENSE)
    fields.setdefault("kind", BudgetLine.Kind.REEL)
    fields.setdefault("chapter", "011")
    fields.setdefault("account", "60612")
    fields.setdefault("function", "")
    fields.setdefault("amount", Decimal("1000.00"))
    fields.setdefault(
        "code",
        line_code(fields["section"], fields["direction"], fields["account"], fields["function"]),
    )
    fields.setdefault(
        "adjustable",
        default_adjustable(
            kind=fields["kind"], chapter=fields["chapter"], account=fields["account"]
        ),
    )
    fields.setdefault("position", budget.lines.count())
    return BudgetLine.objects.create(budget=budget, **fields)


def make_rule(source: BudgetLine, target: BudgetLine, **fields) -> ImpactRule:
    fields.setdefault("coefficient", Decimal("1"))
    fields.setdefault("lag", 0)
    return ImpactRule.objects.create(budget=source.budget, source=source, target=target, **fields)
