"""python manage.py import_pabulib FILE.pb [--campaign SLUG]: a pabulib election as a campaign.

Creates a projects campaign in phase ``tally`` — a savings campaign when META ``comment`` says
"inverse budget" — (or, with ``--campaign`` naming an existing one, adds the election's
categories to it), through ``votes.results.pabulib_services.pabulib_import``.
Without ``--campaign`` the campaign's identifier is the file name's (pabulib names its files
country_unit_instance_subunit, which tells elections apart). The campaign belongs to an
authority named after META ``unit`` and ``country`` ("Amsterdam (Netherlands)"), created on
the first import and reused after; its title is META ``description`` and ``instance``.

The META section has no home in the campaign model: it is written into the campaign's
framing text (shown on its public page) and printed here.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.results.pabulib import PbError, parse_pb
from votes.results.pabulib_services import pabulib_import


class Command(BaseCommand):
    help = _("Importe une élection au format pabulib (.pb) comme campagne de projets.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("fichier .pb"))
        parser.add_argument(
            "--campaign",
            help=_("identifiant de la campagne à créer, ou à compléter si elle existe"),
        )

    def handle(self, *args, file: Path, campaign: str | None, **options) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Impossible de lire %(file)s : %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            election = parse_pb(text)
        except PbError as error:
            raise CommandError(f"{file.name} : {error}") from error
        slug = campaign or slugify(file.stem)[:100]
        if not slug:
            raise CommandError(_("Donnez un identifiant de campagne avec --campaign."))
        if campaign is None and Campaign.objects.filter(slug=slug).exists():
            raise CommandError(
                _(
                    "La campagne « %(slug)s » existe déjà : ce fichier a sans doute déjà été "
                    "importé. Pour y ajouter ses rubriques, passez --campaign %(slug)s."
                )
                % {"slug": slug}
            )
        try:
            report = pabulib_import(election=election, slug=slug)
        except PbError as error:
            raise CommandError(f"{file.name} : {error}") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        out = self.stdout
        verb = _("créée") if report.created else _("complétée")
        out.write(
            _("Campagne « %(title)s » (%(slug)s) %(verb)s, en phase de dépouillement.")
            % {"title": report.campaign.title, "slug": report.campaign.slug, "verb": verb}
        )
        out.write(_("Collectivité : %(name)s") % {"name": report.campaign.authority.name})
        out.write(
            _("Rubriques : %(names)s")
            % {"names": " ; ".join(category.name for category in report.categories)}
        )
        out.write(_("Projets : %(n)d") % {"n": report.projects})
        out.write(_("Bulletins importés : %(n)d") % {"n": report.ballots})
        out.write(_("Bulletins rejetés : %(n)d") % {"n": report.rejected})
        for cap, count in report.rejected_by_cap.items():
            out.write(_("  - dépassent %(cap)s : %(n)d") % {"cap": cap, "n": count})
        out.write(
            _("Bulletins nettoyés de projets en double : %(n)d") % {"n": report.duplicates_removed}
        )
        out.write(_("META (conservées dans le contrat participatif de la campagne) :"))
        for key, value in report.meta.items():
            out.write(f"  {key} = {value}")
