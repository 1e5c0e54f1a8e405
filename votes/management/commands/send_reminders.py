"""`manage.py send_reminders`: e-mail the reminders due before a vote closes.

Scheduled every morning (docs/operations.md); idempotent: a second run, even at the same
instant, reminds nobody twice (votes/notifications/reminders.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from votes.notifications.reminders import reminders_send


class Command(BaseCommand):
    help = gettext_lazy(
        "Envoie les rappels de vote dus (N jours avant la clôture) à qui n'a pas encore voté."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help=gettext_lazy("Adresse du site, pour les liens des e-mails (SITE_URL)."),
        )

    def handle(self, *args, site_url: str, verbosity: int, **options) -> None:
        report = reminders_send(site_url=site_url)
        if verbosity:
            self.stdout.write(
                _(
                    "%(sent)d rappel(s) envoyé(s) dans %(campaigns)d campagne(s) ; "
                    "%(already)d déjà envoyé(s) par une autre exécution."
                )
                % {"sent": report.sent, "campaigns": report.campaigns, "already": report.already}
            )
