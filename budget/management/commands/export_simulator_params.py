from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from budget.imports.params import simulator_params_export
from budget.management.commands._budget_arg import budget_from_arg


class Command(BaseCommand):
    help = _("Exporte les paramètres du simulateur d'un budget dans un classeur Excel.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("budget", help=_("Numéro ou identifiant du budget."))
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args, **options) -> None:
        budget = budget_from_arg(options["budget"])
        output = Path(options["output"])
        output.write_bytes(simulator_params_export(budget=budget))
        self.stdout.write(
            _("Paramètres de %(budget)s écrits dans %(path)s") % {"budget": budget, "path": output}
        )
