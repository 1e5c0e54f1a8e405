"""Flags: every flag counts, per address and per account (then HTTP 429)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits
from votes import ratelimits
from votes.proposals.models import Flag

pytestmark = pytest.mark.django_db


def flag_urls(count: int) -> list[str]:
    campaign = make_campaign()
    urls = []
    for _ in range(count):
        proposal = make_proposal(campaign)
        urls.append(
            reverse(
                "votes:proposal_flag",
                kwargs={"slug": campaign.slug, "reference": proposal.reference},
            )
        )
    return urls


def test_the_flag_after_the_limit_writes_nothing(client, settings):
    small_limits(settings, "proposal_flag", ip=2)
    first, second, third = flag_urls(3)
    client.force_login(make_user())
    client.post(first, {"reason": "Spam"})
    client.post(second, {"reason": "Spam"})

    response = client.post(third, {"reason": "Spam"})

    assert_refused(response)
    assert Flag.objects.count() == 2


def test_another_address_still_flags(client, settings):
    small_limits(settings, "proposal_flag", ip=2)
    first, second, third = flag_urls(3)
    client.force_login(make_user())
    client.post(first, {"reason": "Spam"})
    client.post(second, {"reason": "Spam"})

    response = client.post(third, {"reason": "Spam"}, REMOTE_ADDR=OTHER_IP)

    assert response.status_code == 302
    assert Flag.objects.count() == 3


def test_one_account_is_stopped_and_another_still_flags(client, settings):
    small_limits(settings, "proposal_flag", ip=100, target=2)
    first, second, third = flag_urls(3)
    client.force_login(make_user())
    client.post(first, {"reason": "Spam"}, REMOTE_ADDR="198.51.100.1")
    client.post(second, {"reason": "Spam"}, REMOTE_ADDR="198.51.100.2")

    assert_refused(client.post(third, {"reason": "Spam"}, REMOTE_ADDR=OTHER_IP))
    client.force_login(make_user())
    assert client.post(third, {"reason": "Spam"}).status_code == 302
    assert Flag.objects.count() == 3


def test_an_htmx_flag_over_the_limit_reloads_the_page_with_the_message(
    client, settings, monkeypatch
):
    small_limits(settings, "proposal_flag", ip=1)
    monkeypatch.setattr(ratelimits, "_now", lambda: 1_800_000_000.0)  # an hour starts
    first, second = flag_urls(2)
    client.force_login(make_user())
    client.post(first, {"reason": "Spam"}, headers={"HX-Request": "true"})

    response = client.post(second, {"reason": "Spam"}, headers={"HX-Request": "true"})

    assert_refused(response)
    assert response["HX-Refresh"] == "true"
    assert Flag.objects.count() == 1
    page = client.get(second.replace("signaler/", ""))
    assert [str(message) for message in page.context["messages"]] == [
        "Trop de tentatives : réessayez dans 60 minutes."
    ]
