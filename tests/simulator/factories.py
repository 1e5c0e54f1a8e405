"""A small pool budget shared by the simulator view tests (built in code, numbers by hand)."""

from __future__ import annotations

from decimal import Decimal

from simulator.models import Measure, MeasureAdjustment
from tests.factories import make_budget, make_line, make_rule


def pool_budget(**budget_fields):
    """Operating revenue 1 000 000 (taxes 900 000, pool tickets 100 000), spending 800 000
    (pool staff 300 000, electricity 100 000, other staff 350 000, interest 50 000),
    capital repayment 60 000, debt 1 000 000. One rule: pool staff → tickets × 0.1."""
    budget_fields.setdefault("debt_start", Decimal("1000000"))
    budget = make_budget(**budget_fields)
    lines = {
        "tax": make_line(
            budget,
            direction="recette",
            chapter="731",
            account="73111",
            amount=Decimal("900000"),
            label="Taxes foncières",
        ),
        "tickets": make_line(
            budget,
            direction="recette",
            chapter="70",
            account="70631",
            function="413",
            function_label="Piscines",
            amount=Decimal("100000"),
            label="Billetterie piscine",
        ),
        "pool_staff": make_line(
            budget,
            chapter="012",
            account="64111",
            function="413",
            function_label="Piscines",
            amount=Decimal("300000"),
            label="Personnel de la piscine",
            floor=Decimal("100000"),
        ),
        "electricity": make_line(
            budget,
            chapter="011",
            account="60612",
            function="814",
            function_label="Éclairage public",
            amount=Decimal("100000"),
            label="Électricité éclairage public",
        ),
        "staff": make_line(
            budget,
            chapter="012",
            account="64111",
            function="020",
            function_label="Administration générale",
            amount=Decimal("350000"),
            label="Personnel administratif",
        ),
        "interest": make_line(
            budget,
            chapter="66",
            account="66111",
            amount=Decimal("50000"),
            label="Intérêts des emprunts",
        ),
        "repayment": make_line(
            budget,
            section="investissement",
            chapter="16",
            account="1641",
            amount=Decimal("60000"),
            label="Remboursement du capital",
        ),
    }
    make_rule(lines["pool_staff"], lines["tickets"], coefficient=Decimal("0.1"))
    return budget, lines


def make_measure(budget, line, *, slug, title, policy_area="", **adjustment) -> Measure:
    measure = Measure.objects.create(
        budget=budget,
        slug=slug,
        title=title,
        policy_area=policy_area,
        description=f"Description de {title}",
    )
    MeasureAdjustment.objects.create(measure=measure, line=line, **adjustment)
    return measure


LEVERS = [
    {
        "slug": "teom",
        "kind": "taux",
        "label": "Taxe d'enlèvement des ordures ménagères",
        "line": "FR-7331",
        "current": "10",
        "minimum": "0",
        "maximum": "15",
        "step": "0.5",
        "base": "3000000",
        "households": "6000",
        "interest_rate": None,
        "interest_line": None,
    },
    {
        "slug": "cantine",
        "kind": "tarif",
        "label": "Prix du repas à la cantine",
        "line": "FR-7067-251",
        "current": "1.5",
        "minimum": "1",
        "maximum": "4",
        "step": "0.1",
        "base": "100000",
        "households": "6000",
        "interest_rate": None,
        "interest_line": None,
    },
    {
        "slug": "emprunt",
        "kind": "emprunt",
        "label": "Emprunts nouveaux",
        "line": "IR-1641",
        "current": None,
        "minimum": "0",
        "maximum": "2000000",
        "step": "50000",
        "base": None,
        "households": "5000",
        "interest_rate": "3.5",
        "interest_line": "FD-66111",
    },
]


def with_levers(budget, lines):
    """The pool budget with a household waste tax, a canteen price and new loans (the
    parameters sheet `leviers` as budget/imports/levers.py stores it)."""
    lines["teom"] = make_line(
        budget,
        direction="recette",
        chapter="73",
        account="7331",
        amount=Decimal("300000"),
        label="Taxe d'enlèvement des ordures ménagères",
        adjustable=False,
    )
    lines["canteen"] = make_line(
        budget,
        direction="recette",
        chapter="70",
        account="7067",
        function="251",
        function_label="Restauration scolaire",
        amount=Decimal("150000"),
        label="Redevances de restauration scolaire",
    )
    lines["loans"] = make_line(
        budget,
        section="investissement",
        direction="recette",
        chapter="16",
        account="1641",
        amount=Decimal("0"),
        label="Emprunts en euros",
        adjustable=False,
    )
    budget.levers = [dict(lever) for lever in LEVERS]
    budget.save(update_fields=["levers"])
    return budget, lines
