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
from votes.results import tally as rules
from votes.results.rule_words import percent_text
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
            for line in _figures(outcome.result):
                self.stdout.write(f"  {line}")
            for row in outcome.result.rows:
                proposal = outcome.proposals[row.reference]
                self.stdout.write(
                    f"  {row.rank:>4}  {proposal.public_reference}  {row.approvals:>7}  "
                    f"{row.amount:>14}  {status_label(row.status)}"
                )


def _figures(result: rules.CategoryResult) -> list[str]:
    """The rule's figures, as the results page prints them."""
    if result.kind == rules.PROJECTS:
        return [
            _("Enveloppe : %(envelope)s ; dépensé : %(spent)s ; reste : %(left)s")
            % {"envelope": result.envelope, "spent": result.spent, "left": result.envelope_left}
        ]
    lines = [
        _("Objectif : %(target)s ; économie retenue : %(saved)s ; %(outcome)s")
        % {
            "target": result.target,
            "saved": result.saved,
            "outcome": _("objectif atteint")
            if result.target_met
            else _("écart : %(gap)s") % {"gap": result.gap},
        },
    ]
    if result.threshold_percent is not None:
        lines.append(
            _("Seuil : %(percent)s des %(ballots)s bulletins exprimés, soit %(n)s voix au moins")
            % {
                "percent": percent_text(result.threshold_percent),
                "ballots": result.ballots or 0,
                "n": result.threshold,
            }
        )
    else:
        lines.append(_("Seuil : %(n)s voix au moins") % {"n": result.threshold})
    if result.method == rules.MES:
        lines.append(
            _("Objectif partagé entre %(voters)s votants (parts égales)")
            % {"voters": result.voters or 0}
        )
    return lines


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
