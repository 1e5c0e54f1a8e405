"""The "Mes données" download holds the person's comments, followed campaigns and choices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.votes.debate.factories import Debate
from votes.notifications.models import Follow, Preferences

pytestmark = pytest.mark.django_db


def test_the_download_holds_comments_follows_and_choices(client):
    debate = Debate()
    first = debate.comment("Bonne idée.")
    debate.comment("Précision.", parent=first)
    Follow.objects.create(user=debate.reader, campaign=debate.campaign)
    Preferences.objects.create(user=debate.reader, vote_reminder=False)
    client.force_login(debate.reader)

    data = client.get(reverse("votes:account_mydata_json")).json()

    assert [(c["body"], c["reply_to"]) for c in data["comments"]] == [
        ("Bonne idée.", None),
        ("Précision.", first.pk),
    ]
    assert data["comments"][0]["reference"] == "P-0001"
    assert data["notifications"]["followed_campaigns"] == [debate.campaign.slug]
    assert data["notifications"]["choices"]["vote_reminder"] is False
    assert data["notifications"]["choices"]["vote_recorded"] is True


def test_without_choices_recorded_the_download_says_none(client):
    debate = Debate()
    client.force_login(debate.author)
    data = client.get(reverse("votes:account_mydata_json")).json()
    assert data["comments"] == []
    assert data["notifications"] == {"followed_campaigns": [], "choices": None}
