"""Linked-impact rules: cycle detection (pure) and the services that save rules.

A cycle (A → B → C → A) would make the simulator's propagation endless, so it is refused
when a rule is saved, whichever way it is saved (service, admin, Excel parameters).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.models import Budget, BudgetLine, ImpactRule

MAX_LAG = 10
_DONE = object()


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle of the directed graph as its path, e.g. ["A", "B", "C", "A"]; None if acyclic."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    finished: set[str] = set()
    for start in graph:
        if start in finished:
            continue
        # Iterative depth-first search: budgets can chain thousands of rules.
        path = [start]
        on_path = {start}
        pending = [iter(graph[start])]
        while pending:
            node = next(pending[-1], _DONE)
            if node is _DONE:
                pending.pop()
                done = path.pop()
                on_path.discard(done)
                finished.add(done)
            elif node in on_path:
                return path[path.index(node) :] + [node]
            elif node not in finished:
                path.append(node)
                on_path.add(node)
                pending.append(iter(graph[node]))
    return None


def find_path(edges: Iterable[tuple[str, str]], start: str, goal: str) -> list[str] | None:
    """The shortest path from start to goal, both included; None when goal is unreachable."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for following in graph.get(node, ()):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


def format_cycle(cycle: Sequence[str]) -> str:
    return " → ".join(cycle)


def cycle_message(cycle: Sequence[str]) -> str:
    return _("Cette règle créerait un cycle : %(cycle)s.") % {"cycle": format_cycle(cycle)}


def impact_rule_errors(rule: ImpactRule) -> dict[str, list[str]]:
    """What ImpactRule.clean() refuses; the lag range is left to the field's own validators."""
    errors: dict[str, list[str]] = {}
    if rule.source_id is None or rule.target_id is None:
        return errors  # the required-field errors already say it
    source, target = rule.source, rule.target
    if source.budget_id != target.budget_id:
        errors.setdefault("target", []).append(
            _("La source et la cible doivent être des lignes du même budget.")
        )
    elif rule.budget_id is not None and source.budget_id != rule.budget_id:
        errors.setdefault("source", []).append(
            _("Les lignes de la règle doivent appartenir au budget de la règle.")
        )
    for name, line in (("source", source), ("target", target)):
        if line.kind != BudgetLine.Kind.REEL:
            errors.setdefault(name, []).append(
                _(
                    "La ligne %(code)s est une opération d'ordre : une règle ne relie que des "
                    "lignes réelles."
                )
                % {"code": line.code}
            )
    if source.pk == target.pk:
        errors.setdefault("target", []).append(
            _("Une règle ne peut pas relier une ligne à elle-même (%(cycle)s).")
            % {"cycle": format_cycle([source.code, source.code])}
        )
    if errors:
        return errors
    edges = (
        ImpactRule.objects.filter(budget_id=source.budget_id)
        .exclude(pk=rule.pk)
        .values_list("source__code", "target__code")
    )
    # Existing rules are acyclic, so a cycle can only go through the new edge.
    path = find_path(edges, target.code, source.code)
    if path is not None:
        errors[NON_FIELD_ERRORS] = [cycle_message([source.code, *path])]
    return errors


@transaction.atomic
def impact_rule_create(
    *,
    source: BudgetLine,
    target: BudgetLine,
    coefficient: Decimal,
    lag: int = 0,
    cumulative: bool = False,
    description: str = "",
    provenance: str = "",
) -> ImpactRule:
    """Save one rule; raises ValidationError (French messages) when it is not acceptable."""
    # Two rules saved at the same instant (A → B and B → A) would each pass the cycle check
    # alone: the lock on the budget row makes the second one see the first.
    Budget.objects.select_for_update().filter(pk=source.budget_id).first()
    if not 0 <= lag <= MAX_LAG:
        raise ValidationError(
            {"lag": _("Le décalage doit être compris entre 0 et %(max)s ans.") % {"max": MAX_LAG}}
        )
    rule = ImpactRule(
        budget_id=source.budget_id,
        source=source,
        target=target,
        coefficient=coefficient,
        lag=lag,
        cumulative=cumulative,
        description=description,
        provenance=provenance,
    )
    rule.full_clean()
    rule.save()
    return rule


@dataclass
class RuleSpec:
    source: BudgetLine
    target: BudgetLine
    coefficient: Decimal
    lag: int = 0
    cumulative: bool = False
    description: str = ""
    provenance: str = ""


def rule_specs_problems(*, budget: Budget, specs: Sequence[RuleSpec]) -> list[str]:
    """Everything wrong with a whole set of rules meant to replace a budget's rules."""
    problems = []
    seen: set[tuple[int, int, int]] = set()
    for spec in specs:
        label = format_cycle([spec.source.code, spec.target.code])
        if spec.source.budget_id != budget.pk or spec.target.budget_id != budget.pk:
            problems.append(
                _("Règle %(rule)s : les deux lignes doivent appartenir au budget.")
                % {"rule": label}
            )
        if spec.source.pk == spec.target.pk:
            problems.append(
                _("Règle %(rule)s : une règle ne peut pas relier une ligne à elle-même.")
                % {"rule": label}
            )
        for line in (spec.source, spec.target):
            if line.kind != BudgetLine.Kind.REEL:
                problems.append(
                    _("Règle %(rule)s : la ligne %(code)s est une opération d'ordre.")
                    % {"rule": label, "code": line.code}
                )
        if not 0 <= spec.lag <= MAX_LAG:
            problems.append(
                _("Règle %(rule)s : le décalage doit être compris entre 0 et %(max)s ans.")
                % {"rule": label, "max": MAX_LAG}
            )
        key = (spec.source.pk, spec.target.pk, spec.lag)
        if key in seen:
            problems.append(
                _("Règle %(rule)s : elle figure deux fois avec le même décalage.") % {"rule": label}
            )
        seen.add(key)
    cycle = find_cycle((spec.source.code, spec.target.code) for spec in specs)
    if cycle is not None and len(cycle) > 2:
        problems.append(
            _("Ces règles forment un cycle : %(cycle)s.") % {"cycle": format_cycle(cycle)}
        )
    return problems


@transaction.atomic
def impact_rules_replace(*, budget: Budget, specs: Sequence[RuleSpec]) -> list[ImpactRule]:
    """Replace all the rules of a budget at once (all or nothing)."""
    # Same race as impact_rule_create: one writer of a budget's rule graph at a time.
    Budget.objects.select_for_update().filter(pk=budget.pk).first()
    problems = rule_specs_problems(budget=budget, specs=specs)
    if problems:
        raise ValidationError(problems)
    ImpactRule.objects.filter(budget=budget).delete()
    return ImpactRule.objects.bulk_create(
        [
            ImpactRule(
                budget=budget,
                source=spec.source,
                target=spec.target,
                coefficient=spec.coefficient,
                lag=spec.lag,
                cumulative=spec.cumulative,
                description=spec.description,
                provenance=spec.provenance,
            )
            for spec in specs
        ],
        batch_size=500,
    )
