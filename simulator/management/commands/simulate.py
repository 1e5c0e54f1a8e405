"""python manage.py simulate BUDGET SCENARIO.json [--horizon N] --json"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budget.models import Budget
from budget.templatetags.budget_tags import money as euros
from simulator.engine import Adjustment, SimulationError, simulate
from simulator.engine.levers import LeverChoice, household_text
from simulator.inputs import budget_levers, growth_rates, measure_adjustments, prepared_budget
from simulator.models import Measure
from simulator.tax import TaxLever

ADJUSTMENT_KEYS = {"line", "amount", "percent", "start_year", "recurring", "first_year_share"}


def find_budget(value: str) -> Budget:
    budgets = Budget.objects.select_related("authority")
    budget = budgets.filter(slug=value).first()
    if budget is None and value.isdigit():
        budget = budgets.filter(pk=int(value)).first()
    if budget is None:
        raise CommandError(
            f"Budget introuvable : « {value} » (ni identifiant ni slug).", returncode=2
        )
    return budget


def parse_scenario(data: object, budget: Budget) -> tuple[dict, list[Adjustment], TaxLever | None]:
    """The scenario file as engine inputs; every problem is reported at once."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise CommandError("Le scénario doit être un objet JSON.", returncode=2)
    unknown = sorted(
        set(data) - {"horizon", "target", "adjustments", "measures", "tax_rate_change", "levers"}
    )
    if unknown:
        problems.append(f"Clés inconnues dans le scénario : {', '.join(unknown)}.")
    adjustments: list[Adjustment] = []
    for n, item in enumerate(data.get("adjustments") or [], start=1):
        if not isinstance(item, dict) or "line" not in item:
            problems.append(f"Ajustement n° {n} : un objet avec au moins « line » est attendu.")
            continue
        extra = sorted(set(item) - ADJUSTMENT_KEYS)
        if extra:
            problems.append(f"Ajustement n° {n} : clés inconnues {', '.join(extra)}.")
            continue
        adjustments.append(
            Adjustment(
                line=str(item["line"]),
                amount=item.get("amount"),
                percent=item.get("percent"),
                start_year=item.get("start_year", 1),
                recurring=item.get("recurring", True),
                first_year_share=item.get("first_year_share", 1),
            )
        )
    slugs = data.get("measures") or []
    measures = {
        m.slug: m
        for m in Measure.objects.filter(budget=budget, slug__in=slugs).prefetch_related(
            "adjustments__line"
        )
    }
    for slug in slugs:
        if slug not in measures:
            problems.append(f"Mesure inconnue pour ce budget : « {slug} ».")
        else:
            adjustments += measure_adjustments(measures[slug])
    tax = None
    points = data.get("tax_rate_change")
    if points:
        if not (budget.property_tax_base and budget.property_tax_rate):
            problems.append(
                "Ce budget n'a pas de base ni de taux de taxe foncière : le levier fiscal "
                "n'est pas disponible."
            )
        else:
            tax = TaxLever(
                points=points,
                base=float(budget.property_tax_base),
                current_rate=float(budget.property_tax_rate),
                average_bill=(
                    float(budget.property_tax_average_bill)
                    if budget.property_tax_average_bill
                    else None
                ),
            )
    levers = data.get("levers") or {}
    if not isinstance(levers, dict):
        problems.append("« levers » doit être un objet : identifiant du levier → valeur.")
        levers = {}
    known = {lever.slug for lever in budget_levers(budget)}
    problems += [
        f"Levier inconnu pour ce budget : « {slug} »." for slug in levers if slug not in known
    ]
    if problems:
        raise CommandError("\n".join(problems), returncode=2)
    return data, adjustments, tax


class Command(BaseCommand):
    help = "Simule un scénario (fichier JSON) sur un budget et affiche le résultat."

    def add_arguments(self, parser):
        parser.add_argument("budget", help="identifiant ou slug du budget")
        parser.add_argument("scenario", help="fichier JSON du scénario")
        parser.add_argument("--horizon", type=int, help="remplace l'horizon du fichier")
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args, **options):
        budget = find_budget(options["budget"])
        path = Path(options["scenario"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}", returncode=2) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"JSON invalide dans {path} : {error}", returncode=2) from None
        data, adjustments, tax = parse_scenario(data, budget)
        horizon = options["horizon"] or data.get("horizon", 3)
        try:
            result = simulate(
                prepared_budget(budget),
                adjustments=adjustments,
                horizon=horizon,
                debt_start=float(budget.debt_start),
                growth_rates=growth_rates(budget),
                target=data.get("target"),
                tax=tax,
                # Values that are not numbers reach the engine, which refuses them with why.
                levers=[
                    LeverChoice(lever=lever, value=data["levers"][lever.slug])
                    for lever in budget_levers(budget)
                    if lever.slug in (data.get("levers") or {})
                ],
            )
        except SimulationError as error:
            raise CommandError("\n".join(error.messages), returncode=2) from None
        payload = result.as_dict()
        levers = [
            {
                "slug": effect.slug,
                "value": effect.value,
                "current": effect.current,
                "revenue_delta": round(effect.revenue_delta, 2),
                "yearly_interest": round(effect.yearly_interest, 2),
                "household_yearly_change": effect.household_yearly_change,
            }
            for effect in result.lever_effects
        ]
        if levers:  # only then: the documented keys stay as they were without levers
            payload["levers"] = levers
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Budget : {budget}")
        for year in payload["years"]:
            self.stdout.write(
                f"Année {year['year']} : économie nette {euros(year['net_saving'])} "
                f"(effets directs {euros(year['direct_delta'])}, "
                f"induits {euros(year['induced_delta'])}) ; "
                f"épargne brute {euros(year['epargne_brute'])}"
            )
        for effect in result.lever_effects:
            household = effect.household_yearly_change
            self.stdout.write(
                f"Levier {effect.label} : {effect.value:g} au lieu de {effect.current:g}, "
                f"{euros(effect.revenue_delta)} par an"
                + (f" ({household_text(household)})" if household is not None else "")
            )
        self.stdout.write(f"Effet en année pleine : {euros(payload['full_year_net_saving'])}")
        if payload["target"] is not None:
            verdict = "atteint" if payload["target_met"] else "non atteint"
            self.stdout.write(f"Objectif de {euros(payload['target'])} : {verdict}")
        for warning in payload["warnings"]:
            self.stderr.write(f"Attention : {warning}")
