"""python manage.py tally CAMPAIGN [--rule greedy|mes] --json

Recomputes the tally from the ballots (``votes.services.results.campaign_results``) and prints
it: as JSON with ``--json`` (the shape of issue 5 §5), else as a short text per category.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.results.services import campaign_results, status_label, tally_json
from votes.results.tally import METHODS


class Command(BaseCommand):
    help = _("Dépouille une campagne à partir de ses bulletins.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help=_("identifiant de la campagne"))
        parser.add_argument(
            "--rule", choices=METHODS, help=_("règle (par défaut : celle de la campagne)")
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help=_("sortie JSON"))

    def handle(self, *args, campaign: str, rule: str | None, as_json: bool, **options) -> None:
        found = Campaign.objects.filter(slug=campaign).first()
        if found is None:
            raise CommandError(_("Campagne inconnue : « %(slug)s ».") % {"slug": campaign})
        try:
            results = campaign_results(campaign=found, rule=rule)
        except (ValidationError, ValueError) as error:
            messages = getattr(error, "messages", [str(error)])
            raise CommandError(" ".join(messages)) from error
        if as_json:
            self.stdout.write(_dumps(tally_json(results)))
            return
        for outcome in results.categories:
            self.stdout.write(f"{outcome.result.name} ({results.method})")
            for row in outcome.result.rows:
                proposal = outcome.proposals[row.reference]
                self.stdout.write(
                    f"  {row.rank:>4}  {proposal.public_reference}  {row.approvals:>7}  "
                    f"{row.amount:>14}  {status_label(row.status)}"
                )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
