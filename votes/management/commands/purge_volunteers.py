"""`manage.py purge_volunteers [--dry-run]`: delete the volunteers past their retention date.

Scheduled every night (docs/operations.md); running it twice deletes nothing more.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from votes.panels.services import volunteers_purge


class Command(BaseCommand):
    help = gettext_lazy(
        "Supprime les volontaires des panels dont la date de conservation est passée."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Compte les volontaires concernés sans rien supprimer."),
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options) -> None:
        count = volunteers_purge(today=timezone.localdate(), dry_run=dry_run)
        if verbosity:
            message = (
                _("%(count)d volontaire(s) à supprimer (rien n'a été supprimé).")
                if dry_run
                else _("%(count)d volontaire(s) supprimé(s).")
            )
            self.stdout.write(message % {"count": count})
