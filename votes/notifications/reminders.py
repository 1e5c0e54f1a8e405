"""The reminder before the vote closes, sent by `manage.py send_reminders` (a cron line,
docs/operations.md), to those who follow or took part in a campaign and have not voted.

Idempotent: each reminder writes a `Sent` row in the transaction that enqueues it, and the
constraint votes_sent_unique_kind refuses a second row; two runs at the same instant both try
to insert, the database lets one through, the other skips that person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign, Phase, PhaseSchedule
from votes.notifications.models import Kind, Sent
from votes.notifications.sending import notify_user, wants
from votes.voting.models import Ballot, PaperVoter


@dataclass
class ReminderReport:
    campaigns: int = 0
    sent: int = 0
    already: int = 0


def vote_closes_on(campaign: Campaign) -> date | None:
    row = PhaseSchedule.objects.filter(campaign=campaign, phase=Phase.VOTING).first()
    return row.ends_on if row else None


def reminder_due(campaign: Campaign, today: date) -> bool:
    """In the vote, with an end date in the calendar, at most `reminder_days` days before it."""
    if campaign.phase != Phase.VOTING or campaign.reminder_days is None:
        return False
    closes = vote_closes_on(campaign)
    if closes is None:
        return False
    return closes - timedelta(days=campaign.reminder_days) <= today <= closes


def reminder_candidates(campaign: Campaign) -> QuerySet:
    """Who followed or took part (proposed, supported, commented), has not voted (online or on
    paper with an account), and was not reminded yet."""
    took_part = (
        Q(follows__campaign=campaign)
        | Q(proposals__campaign=campaign)
        | Q(supports__proposal__campaign=campaign)
        | Q(comments__proposal__campaign=campaign)
    )
    voted = Exists(Ballot.objects.filter(campaign=campaign, voter=OuterRef("pk"))) | Exists(
        PaperVoter.objects.filter(campaign=campaign, user=OuterRef("pk"))
    )
    reminded = Exists(
        Sent.objects.filter(campaign=campaign, kind=Kind.VOTE_REMINDER, user=OuterRef("pk"))
    )
    return (
        get_user_model()
        .objects.filter(took_part, is_active=True)
        .exclude(email="")
        .exclude(voted)
        .exclude(reminded)
        .select_related("profile", "notification_preferences")
        .distinct()
        .order_by("pk")
    )


def _remind(user, campaign: Campaign, closes: date, site_url: str) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                Sent.objects.create(user=user, campaign=campaign, kind=Kind.VOTE_REMINDER)
        except IntegrityError:
            return False  # another run reminded this person meanwhile
        transaction.on_commit(
            lambda: notify_user(
                user=user,
                kind=Kind.VOTE_REMINDER,
                subject=_("Plus que quelques jours pour voter — %(campaign)s")
                % {"campaign": campaign.title},
                template="votes/notifications/email_vote_reminder.txt",
                context={
                    "campaign": campaign,
                    "closes_on": closes,
                    "ballot_url": site_url.rstrip("/")
                    + reverse("votes:ballot", kwargs={"slug": campaign.slug}),
                },
                site_url=site_url,
            )
        )
    return True


def reminders_send(*, site_url: str, today: date | None = None) -> ReminderReport:
    """Send every reminder due today; run it as often as you like."""
    today = today or timezone.localdate()
    report = ReminderReport()
    for campaign in Campaign.objects.filter(phase=Phase.VOTING, reminder_days__isnull=False):
        if not reminder_due(campaign, today):
            continue
        report.campaigns += 1
        closes = vote_closes_on(campaign)
        for user in reminder_candidates(campaign):
            # Those who do not want it get no row: should they change their mind before
            # the vote closes, the next run reminds them.
            if not wants(user, Kind.VOTE_REMINDER):
                continue
            if _remind(user, campaign, closes, site_url):
                report.sent += 1
            else:
                report.already += 1
    return report
