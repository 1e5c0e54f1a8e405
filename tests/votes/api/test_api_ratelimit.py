"""The API's rate limit per address (votes/ratelimits.py): a 429 with Retry-After and a
sentence, every endpoint counting, another address unaffected."""

from __future__ import annotations

import pytest

from tests.votes.api.builders import api
from tests.votes.factories import make_campaign
from tests.votes.ratelimit_helpers import MESSAGE, OTHER_IP, small_limits

pytestmark = pytest.mark.django_db


def test_the_request_past_the_limit_is_refused_with_retry_after(client, settings):
    small_limits(settings, "api", ip=3)
    campaign = make_campaign()

    answers = [
        client.get(api("campaigns")),
        client.get(api("campaign", slug=campaign.slug)),
        client.get(api("schema")),
        client.get(api("proposals")),
    ]

    assert [response.status_code for response in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["detail"].startswith(MESSAGE)


def test_another_address_is_not_stopped(client, settings):
    small_limits(settings, "api", ip=1)

    client.get(api("campaigns"))
    stopped = client.get(api("campaigns"))
    other = client.get(api("campaigns"), REMOTE_ADDR=OTHER_IP)

    assert stopped.status_code == 429
    assert other.status_code == 200


def test_a_refusal_is_logged_without_the_address(client, settings, caplog):
    small_limits(settings, "api", ip=1)

    client.get(api("campaigns"))
    client.get(api("campaigns"))

    refusals = [r for r in caplog.records if getattr(r, "event", "") == "rate_limited"]
    assert len(refusals) == 1
    assert refusals[0].limit == "api"
    assert "127.0.0.1" not in str(refusals[0].__dict__)
