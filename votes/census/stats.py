"""The census list in the participation statistics: totals only, never a name.

Whole-list totals (entries, verified accounts, votes by channel) reveal nobody, so they are
printed as they are; the small-cell rule of votes/statistics/shape.py is for groups.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.census.models import CensusEntry, CensusList
from votes.statistics.tables import Table


def census_table(campaign: Campaign) -> Table | None:
    """The list's counts, or None when the campaign has no list."""
    if not CensusList.objects.filter(campaign=campaign, uploaded_at__isnull=False).exists():
        return None
    counts = CensusEntry.objects.filter(campaign=campaign).counts()
    return Table(
        code="census",
        title=_("Liste des inscrits"),
        headers=[_("Inscriptions"), _("Nombre")],
        rows=[
            [_("Inscriptions enregistrées"), counts["entries"]],
            [_("Comptes vérifiés"), counts["verified"]],
            [_("Ont voté en ligne"), counts["online"]],
            [_("Ont voté avec un code"), counts["code"]],
            [_("Ont voté sur papier"), counts["paper"]],
            [_("Ont voté, tous canaux"), counts["voted"]],
        ],
    )
