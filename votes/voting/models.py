from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budget.models import Commune
from votes.campaigns.models import Campaign, Category
from votes.proposals.models import Proposal


class PollingStation(models.Model):
    """A bureau de vote where poll officers record paper ballots."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stations")
    name = models.CharField(_("nom"), max_length=120)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stations", verbose_name=_("assesseurs")
    )
    # Closing the station (its count signed off) ends its paper ballots: until then its batch
    # of paper ballots is pending and the results cannot go to the council.
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bureau de vote")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="votes_station_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class VotingCodeBatch(models.Model):
    """Codes printed for a workshop or a polling station (meinBerlin-style)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="code_batches")
    label = models.CharField(_("libellé"), max_length=120)
    size = models.PositiveIntegerField(_("nombre de codes"))
    # Codes are stored as HMAC-SHA256(salt, normalised code): the salt is per batch.
    salt = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The plain codes are wiped once the sheet has been produced: a lost sheet means revoke.
    printed_at = models.DateTimeField(_("imprimés le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqués le"), null=True, blank=True)
    # Closing a batch after the vote retires its unused codes for good (the batch is no longer
    # open); the results cannot go to the council while a batch is open.
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot de codes de vote")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="votes_codebatch_size_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class VotingCode(models.Model):
    batch = models.ForeignKey(VotingCodeBatch, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    plain = models.CharField(max_length=20, blank=True)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de vote")
        constraints = [
            # Plain codes never outlive the printing of their sheet.
            models.CheckConstraint(
                condition=Q(plain="") | Q(used_at__isnull=True), name="votes_code_plain_unused"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.pk}"


class BallotQuerySet(models.QuerySet):
    def valid(self) -> BallotQuerySet:
        """Not declared void (only a paper ballot can be)."""
        return self.filter(is_void=False)

    def void(self) -> BallotQuerySet:
        return self.filter(is_void=True)


class Ballot(models.Model):
    """One voter's choices in a campaign, whatever the channel."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("En ligne")
        CODE = "code", _("Code de vote")
        PAPER = "paper", _("Papier")
        IMPORT = "import", _("Import")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    channel = models.CharField(_("canal"), max_length=6, choices=Channel)
    # SET_NULL: deleting an account keeps its (then anonymous) ballot in the count.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballots",
    )
    code = models.OneToOneField(
        VotingCode, on_delete=models.PROTECT, null=True, blank=True, related_name="ballot"
    )
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    # What the voter keeps to check later that the ballot was counted (reveals no choice).
    receipt = models.CharField(_("reçu"), max_length=24, unique=True, null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    is_void = models.BooleanField(_("nul"), default=False)
    void_reason = models.TextField(_("motif de nullité"), blank=True)
    source_voter_id = models.CharField(_("identifiant source"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "voter"],
                condition=Q(voter__isnull=False),
                name="votes_ballot_unique_voter",
            ),
            models.CheckConstraint(
                condition=Q(is_void=False) | Q(channel="paper"),
                name="votes_ballot_void_only_paper",
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(channel="code"),
                name="votes_ballot_code_channel",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "channel"])]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.get_channel_display()} #{self.pk}"


class BallotLine(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="lines")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ballot_lines")
    # Denormalised from the proposal: caps are counted per category under a row lock.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("choix du bulletin")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "proposal"], name="votes_ballotline_unique_proposal"
            ),
        ]
        indexes = [models.Index(fields=["proposal"])]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.proposal_id}"


class PaperVoter(models.Model):
    """The station's register: who voted on paper (so they cannot vote online, and back)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="paper_voters")
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="register")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For people who bring their voting-code card: the code is spent by the paper ballot, so it
    # cannot vote online afterwards (and a code that voted online is refused here).
    code = models.OneToOneField(
        VotingCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paper_voter",
        verbose_name=_("code de vote"),
    )
    # For people without an account: normalised name + birth date + commune.
    name_key = models.CharField(_("nom normalisé"), max_length=200, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("émargement papier")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=Q(user__isnull=False),
                name="votes_papervoter_unique_user",
            ),
            models.UniqueConstraint(
                fields=["campaign", "name_key", "birth_date", "commune"],
                condition=~Q(name_key=""),
                name="votes_papervoter_unique_person",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | Q(code__isnull=False)
                | (~Q(name_key="") & Q(birth_date__isnull=False)),
                name="votes_papervoter_identified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station}: {self.user or self.name_key or self.code}"
