"""Notification e-mails (plain text, French), sent through Django's configured backend.

`notify` renders the message in the request (the context holds model objects) and enqueues
one task per recipient: the web request does not wait for the mail server, and a failure
(the server down) fails that one task, which can be sent again without mailing anyone twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string

logger = logging.getLogger("votes.emails")


@task
def email_send(*, subject: str, body: str, to: str, headers: dict[str, str] | None = None) -> int:
    """One e-mail to one address (no address is ever shown to another recipient).

    `headers`: e.g. List-Unsubscribe on the notifications (votes/notifications/sending.py).
    """
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or None
    )
    return message.send(fail_silently=False)


def enqueue(*, subject: str, body: str, to: str, headers: dict[str, str] | None = None) -> None:
    result = email_send.enqueue(subject=str(subject), body=body, to=to, headers=headers)
    if result.status == "FAILED":
        # The immediate backend keeps the error on the result: say it in the log as the
        # worker would.
        logger.error("E-mail to one recipient failed: %s", result.errors[-1].traceback)


def notify(*, to: list[str], subject: str, template: str, context: dict) -> int:
    """Enqueue one e-mail per recipient; returns how many were enqueued.

    With the immediate backend (development, tests) they are sent before this returns; with
    the database backend the worker sends them. Notifications a person may stop go through
    votes/notifications/sending.py instead (their choice, an unsubscribe link).
    """
    recipients = [address for address in to if address]
    body = render_to_string(template, context)
    for address in recipients:
        enqueue(subject=str(subject), body=body, to=address)
    return len(recipients)
