"""python manage.py council_report CAMPAIGN -o FILE.xlsx (or FILE.ods, for LibreOffice)

Writes the council file (issue 6 §2) of a campaign from the tally on, in the format its name
says: a draft marked
"provisoire" on every sheet until the results are sent to the council, then the final file read
from the stored snapshot, with its fingerprint.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from votes.campaigns.models import Campaign, Phase
from votes.council.report import council_workbook
from votes.council.services import council_data


class Command(BaseCommand):
    help = _(
        "Écrit le fichier du conseil (XLSX, ou ODS si le nom finit par .ods) d'une campagne, à "
        "partir du dépouillement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help=_("identifiant de la campagne"))
        parser.add_argument(
            "-o", "--output", required=True, help=_("fichier XLSX (ou .ods) à écrire")
        )

    def handle(self, *args, campaign: str, output: str, **options) -> None:
        found = Campaign.objects.select_related("authority").filter(slug=campaign).first()
        if found is None:
            raise CommandError(_("Campagne inconnue : « %(slug)s ».") % {"slug": campaign})
        if not found.reached(Phase.TALLY):
            raise CommandError(
                _(
                    "La campagne « %(slug)s » est en phase « %(phase)s » : le rapport au "
                    "conseil n'existe qu'à partir du dépouillement."
                )
                % {"slug": campaign, "phase": found.get_phase_display()}
            )
        path = Path(output)
        if path.is_dir():
            raise CommandError(
                _("« %(path)s » est un dossier : donnez le nom du fichier XLSX à écrire.")
                % {"path": output}
            )
        data, snapshot = council_data(found)
        file_format = writer.ODS if path.suffix.lower() == ".ods" else writer.XLSX
        content = council_workbook(
            data, fingerprint=snapshot.sha256 if snapshot else None, file_format=file_format
        )
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire « %(path)s » : %(reason)s.")
                % {"path": output, "reason": error.strerror or error}
            ) from error
        if snapshot is None:
            self.stdout.write(
                _(
                    "Rapport provisoire écrit dans %(path)s : les résultats n'ont pas été "
                    "transmis au conseil."
                )
                % {"path": path}
            )
        else:
            self.stdout.write(
                _("Rapport définitif écrit dans %(path)s (empreinte SHA-256 %(sha)s).")
                % {"path": path, "sha": snapshot.sha256}
            )
