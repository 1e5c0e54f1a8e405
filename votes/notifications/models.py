"""Notification e-mails: what each person chose to receive, the campaigns they follow, and
what was sent once and must never be sent again (the reminders)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from votes.campaigns.models import Campaign


class Kind(models.TextChoices):
    """Every notification a person may stop; each message carries its unsubscribe link."""

    VOTE_RECORDED = "vote_recorded", _("La confirmation de mon vote (sans dire pour quoi)")
    PHASE_OPENED = "phase_opened", _("L'ouverture d'une phase dans les campagnes que je suis")
    VOTE_REMINDER = "vote_reminder", _("Un rappel avant la clôture du vote, si je n'ai pas voté")
    PROPOSAL_ANSWER = (
        "proposal_answer",
        _("Les avis publiés sur mes propositions (instruction, réponse du conseil)"),
    )
    PROPOSAL_COMMENT = "proposal_comment", _("Les commentaires sur mes propositions")
    # Stored on the profile (Profile.notify_results, asked at sign-up): opt-in, off by default.
    COUNCIL_ANSWERS = (
        "council_answers",
        _("Les réponses du conseil dans les campagnes où j'ai voté"),
    )


# The kinds a row of Preferences holds, one boolean field named after each.
PREFERENCE_KINDS = [kind for kind in Kind if kind != Kind.COUNCIL_ANSWERS]


class Preferences(models.Model):
    """A person's choices; no row means every notification below is wanted (the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    vote_recorded = models.BooleanField(Kind.VOTE_RECORDED.label, default=True)
    phase_opened = models.BooleanField(Kind.PHASE_OPENED.label, default=True)
    vote_reminder = models.BooleanField(Kind.VOTE_REMINDER.label, default=True)
    proposal_answer = models.BooleanField(Kind.PROPOSAL_ANSWER.label, default=True)
    proposal_comment = models.BooleanField(Kind.PROPOSAL_COMMENT.label, default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("choix de notifications")
        verbose_name_plural = _("choix de notifications")

    def __str__(self) -> str:
        return str(self.user)


class FollowQuerySet(models.QuerySet):
    def of(self, campaign: Campaign) -> FollowQuerySet:
        return self.filter(campaign=campaign)


class Follow(models.Model):
    """A person follows a campaign: they are told when each phase opens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi de campagne")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campaign"], name="votes_follow_unique_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.campaign}"


class Sent(models.Model):
    """A notification that goes once per person and campaign (the reminder): the row is
    written in the transaction that enqueues the e-mail, and the constraint refuses a second
    one, even from two runs of `send_reminders` at the same instant."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification envoyée")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campaign", "kind"], name="votes_sent_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user} ({self.campaign})"
