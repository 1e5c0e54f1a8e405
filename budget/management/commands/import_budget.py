from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budget.imports.services import budget_import
from budget.models import Authority
from budget.spreadsheets.cells import parse_amount, size_problem


class Command(BaseCommand):
    help = _("Importe un fichier SCDL Budget (CSV ou XLSX), tout ou rien.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("Fichier CSV ou XLSX au format SCDL Budget."))
        parser.add_argument(
            "--authority",
            metavar="SLUG",
            help=_("Collectivité existante (sinon déduite de BGT_NOM et du SIRET)."),
        )
        parser.add_argument("--population", type=int, help=_("Population de la collectivité."))
        parser.add_argument(
            "--debt-start", metavar="AMOUNT", help=_("Encours de dette au 1er janvier (€).")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Tout vérifier sans rien enregistrer.")
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        # Refuse before reading a huge file into memory (the service checks again).
        limit = settings.BUDGET_IMPORT_MAX_BYTES
        if path.stat().st_size > limit:
            raise CommandError(size_problem(path.stat().st_size, limit))
        authority = None
        if options["authority"]:
            authority = Authority.objects.filter(slug=options["authority"]).first()
            if authority is None:
                raise CommandError(
                    _("Collectivité inconnue : %(slug)s") % {"slug": options["authority"]}
                )
        debt_start = None
        if options["debt_start"] is not None:
            debt_start = parse_amount(options["debt_start"])
            if debt_start is None:
                raise CommandError(
                    _("--debt-start : « %(value)s » n'est pas un montant.")
                    % {"value": options["debt_start"]}
                )
        progress = self._progress if options["verbosity"] > 1 else None
        report = budget_import(
            data=path.read_bytes(),
            filename=path.name,
            authority=authority,
            population=options["population"],
            debt_start=debt_start,
            dry_run=options["dry_run"],
            progress=progress,
        )
        if not report.ok:
            lines = [
                _("Fichier refusé, rien n'a été enregistré (%(count)s problèmes) :")
                % {"count": len(report.errors)}
            ]
            lines += [f"  {error.message}" for error in report.errors]
            raise CommandError("\n".join(lines))
        for item in report.detached:
            self.stderr.write(self.style.WARNING(f"  {item}"))
        summary = _(
            "%(count)s lignes : %(created)s nouvelles, %(updated)s mises à jour, "
            "%(deleted)s supprimées."
        ) % {
            "count": report.line_count,
            "created": report.created,
            "updated": report.updated,
            "deleted": report.deleted,
        }
        if report.dry_run:
            self.stdout.write(
                _("Vérification seulement (--dry-run), rien n'a été enregistré : %(slug)s")
                % {"slug": report.budget.slug}
            )
            self.stdout.write(summary)
            return
        self.stdout.write(summary)
        self.stdout.write(self.style.SUCCESS(report.budget.slug))

    def _progress(self, step: str, done: int, total: int) -> None:
        if not total:
            sys.stderr.write(f"{step}\n")
            return
        sys.stderr.write(f"\r{step} : {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
