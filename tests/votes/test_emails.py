"""votes/emails.py: `notify` enqueues one e-mail per recipient; the worker sends them."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from tests.budget.jobs.factories import database_tasks, run_db_worker
from votes import emails

pytestmark = pytest.mark.django_db
TEMPLATE = "votes/emails/account_confirm.txt"
CONTEXT = {"pseudonym": "Camille", "url": "https://exemple.fr/c/", "days": 3}


def send(to: list[str]) -> int:
    return emails.notify(to=to, subject="Bonjour", template=TEMPLATE, context=CONTEXT)


def test_each_recipient_gets_an_e_mail_of_their_own_and_empty_addresses_are_skipped(mailoutbox):
    assert send(["a@exemple.fr", "", "b@exemple.fr"]) == 2
    assert [message.to for message in mailoutbox] == [["a@exemple.fr"], ["b@exemple.fr"]]
    assert "Camille" in mailoutbox[0].body and mailoutbox[0].subject == "Bonjour"


def test_with_the_database_backend_the_request_only_enqueues_and_the_worker_sends(mailoutbox):
    with database_tasks():
        assert send(["a@exemple.fr", "b@exemple.fr"]) == 2
        assert mailoutbox == []
        assert DBTaskResult.objects.filter(status="READY").count() == 2
        run_db_worker()
    assert sorted(message.to[0] for message in mail.outbox) == ["a@exemple.fr", "b@exemple.fr"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_recipient_the_server_refuses_is_logged_and_the_others_still_get_theirs(
    monkeypatch, mailoutbox, caplog
):
    class RefusingB(emails.EmailMessage):
        def send(self, fail_silently=False):
            if self.to == ["b@exemple.fr"]:
                raise ConnectionRefusedError("mail server down")
            return super().send(fail_silently)

    monkeypatch.setattr(emails, "EmailMessage", RefusingB)
    with caplog.at_level(logging.ERROR, logger="votes.emails"):
        assert send(["a@exemple.fr", "b@exemple.fr", "c@exemple.fr"]) == 3
    assert [message.to[0] for message in mailoutbox] == ["a@exemple.fr", "c@exemple.fr"]
    assert "mail server down" in caplog.text


def test_headers_ride_with_the_message(mailoutbox):
    emails.enqueue(
        subject="Bonjour", body="Texte", to="a@exemple.fr", headers={"List-Unsubscribe": "<u>"}
    )
    assert mailoutbox[0].extra_headers == {"List-Unsubscribe": "<u>"}
