"""`manage.py budget_summary BUDGET [--json]`: totals and ratios of one budget."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.finance import DEBT_CAPACITY_CEILING_YEARS, Ratios, compute_ratios
from budget.frames import lines_frame
from budget.management.commands._budget_arg import budget_from_arg
from budget.models import Budget
from budget.templatetags.budget_tags import format_amount, percent


def budget_ratios(budget: Budget) -> Ratios:
    return compute_ratios(lines_frame(budget), debt_start=float(budget.debt_start))


def _euros(value: float) -> str:
    return f"{format_amount(value, 2)} €"


class Command(BaseCommand):
    help = gettext_lazy(
        "Affiche les totaux et ratios financiers d'un budget (identifiant ou numéro)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("budget", help=_("identifiant (slug) ou numéro du budget"))
        parser.add_argument("--json", action="store_true", help=_("sortie JSON"))

    def handle(self, *args, **options) -> None:
        budget = budget_from_arg(options["budget"])
        ratios = budget_ratios(budget)
        if options["json"]:
            self.stdout.write(json.dumps(ratios.as_dict(rounded=True), ensure_ascii=False))
            return
        self.stdout.write(self.summary(budget, ratios))

    def summary(self, budget: Budget, ratios: Ratios) -> str:
        if ratios.capacite_desendettement is None:
            capacity = _("non définie (épargne brute nulle ou négative) — ALERTE")
        else:
            capacity = _("%(years)s ans") % {
                "years": format_amount(ratios.capacite_desendettement, 1)
            }
            if ratios.debt_capacity_alert:
                capacity += " — " + _("ALERTE : au-delà du plafond de %(ceiling)s ans") % {
                    "ceiling": DEBT_CAPACITY_CEILING_YEARS
                }
        rows = [
            (_("Recettes réelles de fonctionnement"), _euros(ratios.rrf)),
            (_("Dépenses réelles de fonctionnement"), _euros(ratios.drf)),
            (_("dont intérêts de la dette"), _euros(ratios.interest)),
            (_("Épargne de gestion"), _euros(ratios.epargne_gestion)),
            (_("Épargne brute"), _euros(ratios.epargne_brute)),
            (_("Taux d'épargne brute"), percent(ratios.taux_epargne_brute)),
            (_("Remboursement du capital"), _euros(ratios.capital_repayment)),
            (_("Épargne nette"), _euros(ratios.epargne_nette)),
            (_("Emprunts nouveaux"), _euros(ratios.new_loans)),
            (_("Encours de dette au 1er janvier"), _euros(ratios.debt_start)),
            (_("Encours de dette au 31 décembre"), _euros(ratios.debt_end)),
            (_("Capacité de désendettement"), capacity),
        ]
        width = max(len(label) for label, _value in rows)
        lines = [str(budget), "=" * len(str(budget))]
        lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
        return "\n".join(lines)
