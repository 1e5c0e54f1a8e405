"""Linked-impact rules: cycles refused with the cycle named, in the service and in clean()."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import ImpactRule
from budget.rules import RuleSpec, find_cycle, find_path, impact_rule_create, impact_rules_replace
from tests.factories import make_budget, make_line, make_rule, make_user


def test_find_cycle_returns_none_for_a_chain():
    assert find_cycle([("A", "B"), ("B", "C"), ("A", "C")]) is None


def test_find_cycle_names_the_cycle_from_where_it_starts():
    assert find_cycle([("X", "A"), ("A", "B"), ("B", "C"), ("C", "A")]) == ["A", "B", "C", "A"]


def test_find_cycle_sees_a_self_loop_and_ignores_unrelated_branches():
    assert find_cycle([("A", "A")]) == ["A", "A"]
    assert find_cycle([("A", "B"), ("C", "D"), ("D", "C")]) == ["C", "D", "C"]


def test_find_cycle_handles_long_chains_without_recursion_limits():
    edges = [(str(i), str(i + 1)) for i in range(5000)]

    assert find_cycle(edges) is None
    assert find_cycle([*edges, ("5000", "0")])[:3] == ["0", "1", "2"]


def test_find_path_gives_the_shortest_path():
    assert find_path([("A", "B"), ("B", "C"), ("A", "C")], "A", "C") == ["A", "C"]
    assert find_path([("A", "B")], "B", "A") is None


@pytest.fixture
def chain(db):
    """Three real lines of one budget with rules A → B → C."""
    budget = make_budget()
    a = make_line(budget, account="64111", chapter="012")
    b = make_line(budget, account="7066", chapter="70", direction="recette")
    c = make_line(budget, account="60612")
    make_rule(a, b, coefficient=Decimal("-0.2"))
    make_rule(b, c, coefficient=Decimal("0.1"))
    return a, b, c


def test_the_service_refuses_a_cycle_and_names_it(chain):
    a, b, c = chain

    with pytest.raises(ValidationError) as error:
        impact_rule_create(source=c, target=a, coefficient=Decimal("1"))

    assert error.value.messages == [
        "Cette règle créerait un cycle : FD-60612 → FD-64111 → FR-7066 → FD-60612."
    ]
    assert ImpactRule.objects.count() == 2


def test_clean_refuses_a_cycle_too(chain):
    a, b, c = chain
    rule = ImpactRule(budget=a.budget, source=c, target=a, coefficient=Decimal("1"))

    with pytest.raises(ValidationError) as error:
        rule.full_clean()

    assert error.value.message_dict["__all__"] == [
        "Cette règle créerait un cycle : FD-60612 → FD-64111 → FR-7066 → FD-60612."
    ]


def test_editing_a_rule_does_not_see_itself_as_a_cycle(chain):
    a, b, c = chain
    rule = ImpactRule.objects.get(source=a, target=b)
    rule.coefficient = Decimal("-0.3")

    rule.full_clean()  # no error


def test_the_service_saves_a_rule_with_a_negative_coefficient_and_a_lag(chain):
    a, b, c = chain

    rule = impact_rule_create(
        source=a,
        target=c,
        coefficient=Decimal("-1.5"),
        lag=2,
        cumulative=True,
        description="Moins d'agents, moins de chauffage",
    )

    rule.refresh_from_db()
    assert (rule.budget, rule.coefficient, rule.lag, rule.cumulative) == (
        a.budget,
        Decimal("-1.5"),
        2,
        True,
    )


def test_the_service_refuses_a_lag_over_10_years(chain):
    a, _b, c = chain

    with pytest.raises(ValidationError) as error:
        impact_rule_create(source=a, target=c, coefficient=Decimal("1"), lag=11)

    assert error.value.message_dict == {"lag": ["Le décalage doit être compris entre 0 et 10 ans."]}
    assert ImpactRule.objects.count() == 2


def test_clean_refuses_a_lag_over_10_years(chain):
    a, _b, c = chain
    rule = ImpactRule(budget=a.budget, source=a, target=c, coefficient=Decimal("1"), lag=11)

    with pytest.raises(ValidationError) as error:
        rule.full_clean()

    assert list(error.value.message_dict) == ["lag"]


def test_it_refuses_an_order_line(db):
    budget = make_budget()
    real = make_line(budget)
    order = make_line(budget, account="6811", chapter="042", kind="ordre")

    with pytest.raises(ValidationError) as error:
        impact_rule_create(source=real, target=order, coefficient=Decimal("1"))

    assert error.value.message_dict["target"] == [
        "La ligne FD-6811 est une opération d'ordre : une règle ne relie que des lignes réelles."
    ]
    assert ImpactRule.objects.count() == 0


def test_it_refuses_lines_of_two_budgets(db):
    line = make_line(make_budget())
    other = make_line(make_budget(), account="60611")

    with pytest.raises(ValidationError) as error:
        impact_rule_create(source=line, target=other, coefficient=Decimal("1"))

    assert error.value.message_dict["target"] == [
        "La source et la cible doivent être des lignes du même budget."
    ]
    assert ImpactRule.objects.count() == 0


def test_it_refuses_a_rule_from_a_line_to_itself(db):
    line = make_line(make_budget())

    with pytest.raises(ValidationError) as error:
        impact_rule_create(source=line, target=line, coefficient=Decimal("1"))

    assert "Une règle ne peut pas relier une ligne à elle-même (FD-60612 → FD-60612)." in (
        error.value.messages
    )
    assert ImpactRule.objects.count() == 0


def test_replacing_all_rules_refuses_a_cycle_in_the_new_set(chain):
    a, b, c = chain

    with pytest.raises(ValidationError) as error:
        impact_rules_replace(
            budget=a.budget,
            specs=[
                RuleSpec(source=a, target=c, coefficient=Decimal("1")),
                RuleSpec(source=c, target=a, coefficient=Decimal("1")),
            ],
        )

    assert error.value.messages == ["Ces règles forment un cycle : FD-64111 → FD-60612 → FD-64111."]
    assert ImpactRule.objects.count() == 2


def test_replacing_all_rules_swaps_them(chain):
    a, b, c = chain

    rules = impact_rules_replace(
        budget=a.budget, specs=[RuleSpec(source=c, target=a, coefficient=Decimal("2"), lag=1)]
    )

    assert [(r.source, r.target, r.lag) for r in ImpactRule.objects.all()] == [(c, a, 1)]
    assert len(rules) == 1


def test_the_admin_form_refuses_a_cycle(chain, client):
    a, b, c = chain
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/budget/impactrule/add/",
        {
            "budget": a.budget.pk,
            "source": c.pk,
            "target": a.pk,
            "coefficient": "1",
            "lag": "0",
            "description": "",
            "provenance": "",
        },
    )

    assert response.status_code == 200
    assert "Cette règle créerait un cycle : FD-60612 → FD-64111 → FR-7066 → FD-60612." in (
        response.content.decode()
    )
    assert ImpactRule.objects.count() == 2
