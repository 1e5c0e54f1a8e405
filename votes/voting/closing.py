"""Closing polling stations and voting-code batches after the vote (issue 6 §1).

A station not closed is a batch of paper ballots still pending, and a code batch neither
closed nor revoked is still open: either stops the results from going to the council.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from votes.access import is_administrator, is_officer, require
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Phase
from votes.voting.models import PollingStation, VotingCodeBatch


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def require_station_open(station: PollingStation) -> None:
    """Called by the paper ballot services on the station row they locked."""
    if station.closed_at is not None:
        raise ValidationError(
            _(
                "Le bureau « %(name)s » est clos depuis le %(date)s : ses bulletins papier sont "
                "arrêtés, on ne peut plus en enregistrer."
            )
            % {"name": station.name, "date": _local(station.closed_at)},
            code="closed",
        )


@transaction.atomic
def station_close(
    *, station: PollingStation, by: AbstractBaseUser | AnonymousUser
) -> PollingStation:
    """Sign off a station's paper ballots: none can be recorded into it afterwards."""
    from votes.voting.ballots import campaign_held_open

    officer = is_officer(by, station) and station.officers.filter(pk=by.pk).exists()
    require(officer or is_administrator(by, station))
    # The campaign first, then the station: the order the paper services take them in.
    campaign = campaign_held_open(Campaign.objects.get(pk=station.campaign_id))
    require_not_frozen(campaign)
    # Locked: an officer recording a ballot while another closes the station would slip a
    # ballot in after the count was signed off; the paper services lock this row too.
    locked = PollingStation.objects.select_for_update().get(pk=station.pk)
    if campaign.phase not in (Phase.VOTING, Phase.TALLY):
        raise ValidationError(
            _(
                "Un bureau se clôt pendant le vote ou le dépouillement ; la campagne est en "
                "phase « %(phase)s »."
            )
            % {"phase": campaign.get_phase_display()}
        )
    if locked.closed_at is not None:
        raise ValidationError(
            _("Le bureau « %(name)s » est déjà clos depuis le %(date)s.")
            % {"name": locked.name, "date": _local(locked.closed_at)}
        )
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    station.closed_at = locked.closed_at
    return locked


@transaction.atomic
def code_batch_close(
    *, batch: VotingCodeBatch, by: AbstractBaseUser | AnonymousUser
) -> VotingCodeBatch:
    """After the vote, retire a batch's unused codes for good; used ones keep their ballots."""
    from votes.voting.ballots import campaign_held_open

    require(is_administrator(by, batch))
    # Held in its phase: a move back to voting meanwhile would let the codes vote again.
    campaign = campaign_held_open(Campaign.objects.get(pk=batch.campaign_id))
    require_not_frozen(campaign)
    # Locked: the same batch closed twice at once would record two closing times.
    locked = VotingCodeBatch.objects.select_for_update().get(pk=batch.pk)
    if campaign.phase != Phase.TALLY:
        raise ValidationError(
            _(
                "Un lot de codes se clôt après le vote, en phase « %(tally)s » ; la campagne est "
                "en phase « %(phase)s »."
            )
            % {"tally": Phase.TALLY.label, "phase": campaign.get_phase_display()}
        )
    if locked.revoked_at is not None:
        raise ValidationError(_("Ce lot est révoqué : ses codes ne votent déjà plus."))
    if locked.closed_at is not None:
        raise ValidationError(
            _("Le lot « %(label)s » est déjà clos depuis le %(date)s.")
            % {"label": locked.label, "date": _local(locked.closed_at)}
        )
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    # A never-printed batch still holds its plain codes: nobody will ever need them now.
    locked.codes.exclude(plain="").update(plain="")
    batch.closed_at = locked.closed_at
    return locked
