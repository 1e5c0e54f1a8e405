"""python manage.py export_pabulib CAMPAIGN [--category NAME] -o FILE.pb

Writes the campaign's projects categories, or a savings campaign's categories as an inverse
budget (META ``comment``), or one category, in the pabulib format, through
``votes.results.pabulib_services.pabulib_export``; pabutools' ``parse_pabulib`` reads the file
back with the same projects, costs and ballots.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.results.pabulib import write_pb
from votes.results.pabulib_services import pabulib_export


class Command(BaseCommand):
    help = _("Exporte une campagne au format pabulib (.pb).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help=_("identifiant de la campagne"))
        parser.add_argument("--category", help=_("nom de la rubrique à exporter seule"))
        parser.add_argument("-o", "--output", type=Path, required=True, help=_("fichier .pb"))

    def handle(self, *args, campaign: str, category: str | None, output: Path, **options):
        found = Campaign.objects.select_related("authority").filter(slug=campaign).first()
        if found is None:
            raise CommandError(_("Campagne inconnue : « %(slug)s ».") % {"slug": campaign})
        try:
            election = pabulib_export(campaign=found, category=category)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            output.write_text(write_pb(election), encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(file)s : %(error)s") % {"file": output, "error": error}
            ) from error
        self.stdout.write(
            _("%(file)s : %(projects)d projets, %(votes)d bulletins.")
            % {"file": output, "projects": len(election.projects), "votes": len(election.votes)}
        )
