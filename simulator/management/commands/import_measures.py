from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from simulator.catalogue import measure_catalogue_import
from simulator.management.commands.simulate import find_budget


class Command(BaseCommand):
    help = "Importe le catalogue de mesures d'un budget depuis Excel (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("budget", help="identifiant ou slug du budget")
        parser.add_argument("file", help="classeur .xlsx (feuilles mesures et ajustements)")
        parser.add_argument("--dry-run", action="store_true", help="vérifie sans rien écrire")

    def handle(self, *args, **options):
        budget = find_budget(options["budget"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        report = measure_catalogue_import(
            budget=budget, data=path.read_bytes(), dry_run=options["dry_run"]
        )
        if not report.ok:
            raise CommandError(
                "Rien n'a été importé :\n" + "\n".join(f"- {e.message}" for e in report.errors)
            )
        prefix = "Vérification seule (rien n'est écrit) : " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{report.created} mesure(s) créée(s), {report.updated} mise(s) à jour, "
            f"{len(report.deleted)} supprimée(s), {report.adjustments} ajustement(s)."
        )
        if report.deleted:
            self.stdout.write("Supprimées : " + ", ".join(report.deleted))
