"""A session never shows more through the API: every role of the back office, logged in,
reads what an anonymous visitor reads (no draft, no hidden proposal, no unpublished
instruction, answer or budget)."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.api.builders import answered_campaign, api, draft_campaign, unpublished_budget
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "roles", [(ADMINISTRATOR,), (MODERATOR,), (INSTRUCTOR,), (FINANCE,), (FACILITATOR,), (OFFICER,)]
)
def test_a_logged_in_role_reads_only_what_is_public(client, roles):
    s = answered_campaign(phase=Phase.COUNCIL)
    draft = draft_campaign()
    budget = unpublished_budget()
    anonymous = client.get(api("proposals")).json()
    client.force_login(make_user(roles=roles, is_staff=ADMINISTRATOR in roles))

    hidden = api("proposal", slug=s.campaign.slug, number=s.data.hidden.reference)
    assert client.get(api("campaign", slug=draft.slug)).status_code == 404
    assert client.get(api("budget", slug=budget.slug)).status_code == 404
    assert client.get(hidden).status_code == 404
    assert client.get(api("proposals")).json() == anonymous
    assert all(item["answer"] is None for item in anonymous["results"])
