"""votes/notifications/reminders.py and `manage.py send_reminders`: N days before the vote
closes, one reminder to each person who followed or took part and has not voted; never two."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.concurrency import run_together
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.campaigns.models import Phase, PhaseSchedule
from votes.notifications.models import Follow, Kind, Preferences, Sent
from votes.notifications.reminders import reminder_due, reminders_send
from votes.proposals.models import Support
from votes.voting.models import Ballot

SITE = "https://example.org/"
# Transactional: each reminder is sent when its own transaction commits, as in production.
sending = pytest.mark.django_db(transaction=True)


def world(*, closes_in: int = 2, reminder_days: int | None = 3):
    campaign = make_campaign(phase=Phase.VOTING, title="Budget 2027", reminder_days=reminder_days)
    PhaseSchedule.objects.create(
        campaign=campaign,
        phase=Phase.VOTING,
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate() + timedelta(days=closes_in),
    )
    commune = make_commune(campaign.authority)
    people = {
        name: make_voter(commune=commune, email=f"{name}@exemple.fr", pseudonym=name)
        for name in ("suit", "auteur", "soutien", "a-vote", "refuse", "ailleurs")
    }
    for name in ("suit", "a-vote", "refuse"):
        Follow.objects.create(user=people[name], campaign=campaign)
    proposal = make_proposal(campaign, author=people["auteur"])
    Support.objects.create(proposal=proposal, user=people["soutien"])
    Ballot.objects.create(campaign=campaign, channel="online", voter=people["a-vote"])
    Preferences.objects.create(user=people["refuse"], vote_reminder=False)
    return campaign, people


@sending
def test_those_who_took_part_and_have_not_voted_are_reminded(mailoutbox):
    campaign, _people = world()
    report = reminders_send(site_url=SITE)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "auteur@exemple.fr",
        "soutien@exemple.fr",
        "suit@exemple.fr",
    ]
    assert (report.campaigns, report.sent) == (1, 3)
    message = mailoutbox[0]
    assert message.subject == "Plus que quelques jours pour voter — Budget 2027"
    assert f"{SITE}campagnes/{campaign.slug}/" in message.body
    assert f"<{SITE}notifications/desabonnement/" in message.extra_headers["List-Unsubscribe"]
    assert Sent.objects.filter(kind=Kind.VOTE_REMINDER).count() == 3


@sending
def test_the_command_run_twice_reminds_each_person_once(mailoutbox):
    world()
    out = io.StringIO()
    call_command("send_reminders", "--site-url", SITE, stdout=out)
    call_command("send_reminders", "--site-url", SITE, stdout=out)
    assert len(mailoutbox) == 3
    assert "3 rappel(s) envoyé(s) dans 1 campagne(s)" in out.getvalue()
    assert "0 rappel(s) envoyé(s) dans 1 campagne(s)" in out.getvalue()


@pytest.mark.django_db
def test_nothing_is_sent_before_the_window_or_without_an_end_date(mailoutbox):
    campaign, _people = world(closes_in=5)
    assert not reminder_due(campaign, timezone.localdate())
    assert reminders_send(site_url=SITE).sent == 0
    PhaseSchedule.objects.filter(campaign=campaign).update(ends_on=None)
    assert not reminder_due(campaign, timezone.localdate() + timedelta(days=4))
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_campaign_without_reminder_or_out_of_the_vote_sends_none(mailoutbox):
    campaign, _people = world(reminder_days=None)
    assert reminders_send(site_url=SITE).sent == 0
    campaign.reminder_days = 3
    campaign.phase = Phase.TALLY
    campaign.save(update_fields=["reminder_days", "phase"])
    assert reminders_send(site_url=SITE).sent == 0
    assert mailoutbox == []


@sending
def test_someone_who_changes_their_mind_is_reminded_by_the_next_run(mailoutbox):
    _campaign, people = world()
    reminders_send(site_url=SITE)
    mail.outbox.clear()
    Preferences.objects.filter(user=people["refuse"]).update(vote_reminder=True)
    assert reminders_send(site_url=SITE).sent == 1
    assert [m.to for m in mailoutbox] == [["refuse@exemple.fr"]]


def test_two_runs_at_the_same_instant_remind_each_person_once(concurrent_database, mailoutbox):
    world()
    results, errors = run_together(
        [lambda: reminders_send(site_url=SITE), lambda: reminders_send(site_url=SITE)]
    )
    assert errors == []
    assert sum(report.sent for report in results) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "auteur@exemple.fr",
        "soutien@exemple.fr",
        "suit@exemple.fr",
    ]
    assert Sent.objects.count() == 3
