"""A campaign's census list (liste électorale, list of residents): only keyed hashes of it.

The list itself is never stored: each entry is the keyed hash of a person (votes/census/
keys.py), whether an account was verified against it, and whether that person has voted, on
which channel. An entry that voted is the one mark of "this person voted" every channel
checks under a row lock, so one person votes once whatever the channel.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from votes.campaigns.models import Campaign


class CensusList(models.Model):
    """Whether the campaign asks voters to be on a list, and the list's last upload."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="census")
    required = models.BooleanField(_("inscription sur la liste exigée"), default=False)
    rows = models.PositiveIntegerField(_("personnes sur la liste"), default=0)
    uploaded_at = models.DateTimeField(_("liste envoyée le"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoyée par"),
    )

    class Meta:
        verbose_name = _("liste des inscrits")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.rows}"


class CensusEntryQuerySet(models.QuerySet):
    def counts(self) -> dict[str, int]:
        """How many entries, verified accounts and votes by channel: numbers, never names."""
        found = self.aggregate(
            entries=Count("pk"),
            verified=Count("pk", filter=Q(verified_user__isnull=False)),
            voted=Count("pk", filter=Q(voted_at__isnull=False)),
            **{
                channel: Count("pk", filter=Q(channel=channel))
                for channel in CensusEntry.Channel.values
            },
        )
        return found


class CensusEntry(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("En ligne")
        CODE = "code", _("Code de vote")
        PAPER = "paper", _("Papier")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="census_entries")
    # HMAC-SHA256 of the normalised name, birth date and postcode (keys.census_key).
    key = models.CharField(max_length=64)
    # The account that proved to be this person; SET_NULL: a deleted account keeps the mark.
    verified_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="census_entries",
    )
    verified_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    voted_at = models.DateTimeField(_("a voté le"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=6, choices=Channel, blank=True)

    objects = CensusEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription sur la liste")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "key"], name="votes_censusentry_unique_key"
            ),
            # One entry per account and campaign (an entry holds one account by its key).
            models.UniqueConstraint(
                fields=["campaign", "verified_user"],
                condition=Q(verified_user__isnull=False),
                name="votes_censusentry_unique_account",
            ),
            models.CheckConstraint(
                condition=(Q(voted_at__isnull=True) & Q(channel=""))
                | (Q(voted_at__isnull=False) & ~Q(channel="")),
                name="votes_censusentry_vote_has_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.key[:8]}…"
