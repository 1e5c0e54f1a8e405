from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from simulator.catalogue import measure_catalogue_export
from simulator.management.commands.simulate import find_budget


class Command(BaseCommand):
    help = "Exporte le catalogue de mesures d'un budget en Excel (feuilles mesures et ajustements)."

    def add_arguments(self, parser):
        parser.add_argument("budget", help="identifiant ou slug du budget")
        parser.add_argument("-o", "--output", required=True, help="fichier .xlsx à écrire")

    def handle(self, *args, **options):
        budget = find_budget(options["budget"])
        Path(options["output"]).write_bytes(measure_catalogue_export(budget=budget))
        self.stdout.write(f"Catalogue de « {budget} » écrit dans {options['output']}.")
