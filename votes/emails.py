"""Notification e-mails (plain text, French), sent through Django's configured backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def notify(*, to: list[str], subject: str, template: str, context: dict) -> int:
    """Send one e-mail per recipient (no address is ever shown to another recipient)."""
    recipients = [address for address in to if address]
    body = render_to_string(template, context)
    sent = 0
    for address in recipients:
        sent += send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False
        )
    return sent
