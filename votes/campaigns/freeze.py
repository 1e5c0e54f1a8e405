"""The freeze: once the results went to the council, ballots, instructions and tally are final.

A campaign-state check, called by every service that writes ballots, codes, paper ballots or
instructions; it lives here, under those services, rather than with the council's snapshot
(council/services.py), which reads results and statistics that these services write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign


class FrozenError(ValidationError):
    """A write refused because the campaign's results went to the council."""


def is_frozen(campaign: Campaign) -> bool:
    """True once the results went to the council: ballots, instructions, tally are final."""
    # The stored snapshot (council.CouncilSnapshot, related name council_snapshot) is the
    # freeze; read through the campaign so that this module needs no council import.
    return Campaign.objects.filter(pk=campaign.pk, council_snapshot__isnull=False).exists()


def frozen_error(campaign: Campaign) -> FrozenError:
    """The refusal of a write once the results went to the council."""
    return FrozenError(
        _(
            "Les résultats de la campagne « %(campaign)s » ont été transmis au conseil : "
            "bulletins, instructions et dépouillement ne peuvent plus être modifiés."
        )
        % {"campaign": campaign.title}
    )


def require_not_frozen(campaign: Campaign) -> None:
    """Called by every service that writes ballots, codes, paper ballots or instructions."""
    if is_frozen(campaign):
        raise frozen_error(campaign)
