from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budget.imports.params import simulator_params_import
from budget.management.commands._budget_arg import budget_from_arg


class Command(BaseCommand):
    help = _("Importe les paramètres du simulateur (classeur Excel), tout ou rien.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("budget", help=_("Numéro ou identifiant du budget."))
        parser.add_argument("path", metavar="FILE.xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Tout vérifier sans rien enregistrer.")
        )

    def handle(self, *args, **options) -> None:
        budget = budget_from_arg(options["budget"])
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        report = simulator_params_import(
            budget=budget, data=path.read_bytes(), dry_run=options["dry_run"]
        )
        if not report.ok:
            lines = [
                _("Classeur refusé, rien n'a été enregistré (%(count)s problèmes) :")
                % {"count": len(report.errors)}
            ]
            lines += [f"  {error.message}" for error in report.errors]
            raise CommandError("\n".join(lines))
        summary = _(
            "%(lines)s lignes modifiées, %(rules)s règles d'impact (%(old)s remplacées)."
        ) % {
            "lines": report.lines_updated,
            "rules": report.rules_created,
            "old": report.rules_deleted,
        }
        if report.levers is not None:
            summary += " " + _("%(count)s levier(s) de recettes.") % {"count": report.levers}
        if report.dry_run:
            summary = (
                _("Vérification seulement (--dry-run), rien n'a été enregistré.") + " " + summary
            )
        self.stdout.write(summary)
