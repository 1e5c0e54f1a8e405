"""Sending a notification: the person's choice first, then one e-mail through the task queue
(votes/emails.py) with a one-click unsubscribe link in the text and in List-Unsubscribe.

The link is signed (django.core.signing), carries the person and the kind (or "all"), and
needs no login: votes/notifications/views.py reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign, Phase
from votes.emails import enqueue
from votes.notifications.models import Follow, Kind, Preferences

UNSUBSCRIBE_SALT = "votes.notifications.unsubscribe"
ALL = "all"
ABOUT_MY_PROPOSALS = (Kind.PROPOSAL_ANSWER, Kind.PROPOSAL_COMMENT)


def unsubscribe_token(*, user: AbstractBaseUser, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link, or None when it was not signed by us or names no kind.
    No expiry: a message read months later still unsubscribes."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in {*Kind.values, ALL}:
        return None
    return user_id, kind


def unsubscribe_url(*, user: AbstractBaseUser, kind: str, site_url: str = "") -> str:
    base = (site_url or settings.SITE_URL).rstrip("/")
    token = unsubscribe_token(user=user, kind=kind)
    return base + reverse("votes:unsubscribe", kwargs={"token": token})


def wants(user: AbstractBaseUser, kind: str) -> bool:
    """Whether this person receives this kind: an address (confirmed for a citizen account,
    but for their proposals' news) and their choice (none recorded: yes, except the council's
    answers to voters, opt-in)."""
    if not user.email or not user.is_active:
        return False
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        profile = None
    # Not confirmed yet: only what concerns the person's own proposals (deposited with this
    # address, as the moderation's e-mails about them), never campaign news.
    if profile is not None and not profile.email_confirmed and kind not in ABOUT_MY_PROPOSALS:
        return False
    if kind == Kind.COUNCIL_ANSWERS:
        return bool(profile and profile.notify_results)
    # Through the relation, so that a list read with select_related costs no query per person.
    try:
        choices = user.notification_preferences
    except Preferences.DoesNotExist:
        return True
    return bool(getattr(choices, kind))


def notify_user(
    *,
    user: AbstractBaseUser,
    kind: str,
    subject: str,
    template: str,
    context: dict,
    site_url: str = "",
) -> bool:
    """One notification to one person, if they want it; returns whether it was enqueued.

    The person is read again: this may run after the commit of a long transaction, and a
    choice made meanwhile (an unsubscribe link followed) must hold.
    """
    user = (
        get_user_model()
        .objects.select_related("profile", "notification_preferences")
        .filter(pk=user.pk)
        .first()
    )
    if user is None or not wants(user, kind):
        return False
    one = unsubscribe_url(user=user, kind=kind, site_url=site_url)
    every = unsubscribe_url(user=user, kind=ALL, site_url=site_url)
    footer_context = {
        "unsubscribe_url": one,
        "unsubscribe_all_url": every,
        "kind_label": Kind(kind).label,
        "account_url": (site_url or settings.SITE_URL).rstrip("/")
        + reverse("votes:account_mydata"),
    }
    body = render_to_string(template, {**context, **footer_context}).rstrip()
    body += "\n\n" + render_to_string("votes/notifications/email_footer.txt", footer_context)
    # RFC 8058: a mail client's "unsubscribe" button posts to the link, no page to open.
    headers = {
        "List-Unsubscribe": f"<{one}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    enqueue(subject=str(subject), body=body, to=user.email, headers=headers)
    return True


def notify_on_commit(**kwargs) -> None:
    """notify_user once the caller's transaction commits: no e-mail about a rolled-back write."""
    transaction.on_commit(partial(notify_user, **kwargs))


def _absolute(path: str, site_url: str = "") -> str:
    return (site_url or settings.SITE_URL).rstrip("/") + path


# --- the notifications, one function each ----------------------------------------------------


@task
def notification_send(
    *, user_id: int, kind: str, subject: str, template: str, context: dict
) -> bool:
    """notify_user run by the worker: the person read, their choice checked, the message
    written there, not in the web request that caused it (the vote's first click)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    return notify_user(user=user, kind=kind, subject=subject, template=template, context=context)


def vote_recorded_notify(*, user: AbstractBaseUser, campaign: Campaign) -> None:
    """The ballot is recorded: never what it holds (the e-mail could be read by another).

    On the first click of every voter: the request only enqueues, once the ballot is
    committed (bench/vote_load.py's storm measured reading and writing the message in the
    request as a tenth of the addition's capacity)."""
    enqueued = partial(
        notification_send.enqueue,
        user_id=user.pk,
        kind=Kind.VOTE_RECORDED,
        subject=str(_("Votre vote est enregistré — %(campaign)s") % {"campaign": campaign.title}),
        template="votes/notifications/email_vote_recorded.txt",
        # Plain data: the task's arguments are stored as JSON.
        context={
            "campaign_title": campaign.title,
            "ballot_url": _absolute(reverse("votes:ballot", kwargs={"slug": campaign.slug})),
        },
    )
    transaction.on_commit(enqueued)


def phase_opened_notify(*, campaign: Campaign, phase: str, site_url: str = "") -> int:
    """Tell the followers of a campaign that a phase opened; returns how many were told."""
    followers = Follow.objects.of(campaign).select_related("user__profile").order_by("user_id")
    told = 0
    for follow in followers:
        if not wants(follow.user, Kind.PHASE_OPENED):
            continue
        notify_on_commit(
            user=follow.user,
            kind=Kind.PHASE_OPENED,
            subject=_("%(campaign)s : phase « %(phase)s » ouverte")
            % {"campaign": campaign.title, "phase": Phase(phase).label},
            template="votes/notifications/email_phase_opened.txt",
            context={
                "campaign": campaign,
                "phase": Phase(phase).label,
                "is_voting": phase == Phase.VOTING,
                "campaign_url": _absolute(campaign.get_absolute_url(), site_url),
            },
            site_url=site_url,
        )
        told += 1
    return told


def proposal_comment_notify(*, comment, site_url: str = "") -> bool:
    """A comment (or a reply) on a proposal: its author is told, unless they wrote it."""
    proposal = comment.proposal
    author = proposal.author
    if author is None or author.pk == comment.author_id:
        return False
    notify_on_commit(
        user=author,
        kind=Kind.PROPOSAL_COMMENT,
        subject=_("Nouveau commentaire sur votre proposition %(reference)s")
        % {"reference": proposal.public_reference},
        template="votes/notifications/email_proposal_comment.txt",
        context={
            "proposal": proposal,
            "comment": comment,
            "url": _absolute(f"{proposal.get_absolute_url()}#{comment.anchor}", site_url),
        },
        site_url=site_url,
    )
    return True


def recipients_wanting(users: Iterable[AbstractBaseUser], kind: str) -> list[AbstractBaseUser]:
    return [user for user in users if wants(user, kind)]
