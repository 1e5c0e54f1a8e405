"""/api/v1/follow-ups/: the implementation of the adopted proposals, once the council's
answers are published; never a rejected, hidden or unpublished one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from tests.factories import make_user
from tests.votes.api.builders import answer, answered_campaign, api
from tests.votes.council.test_follow_ups_views import png_bytes
from votes.campaigns.models import Phase
from votes.council.models import CouncilAnswer, FollowUp
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def listed(client, **parameters) -> list[tuple[str, str]]:
    response = client.get(api("follow_ups"), parameters)
    assert response.status_code == 200
    return [(item["reference"], item["status"]) for item in response.json()["results"]]


def test_an_adopted_proposal_is_followed_once_the_answers_are_published(client):
    s = answered_campaign()

    item = client.get(api("follow_ups")).json()["results"][0]

    assert item["campaign"] == s.campaign.slug
    assert item["reference"] == "P-0001"
    assert item["title"] == "Terrain, vestiaires"
    assert item["decision"] == "adopted"
    assert item["status"] == "in_progress"
    assert item["progress"] == 40
    assert item["milestones"] == [
        {"on": "2027-01-15", "text": "Études"},
        {"on": "2027-03-01", "text": "Travaux"},
    ]
    assert "elu.secret" not in str(item)


def test_nothing_is_followed_before_the_answers_are_published(client):
    answered_campaign(phase=Phase.COUNCIL)

    assert listed(client) == []


def test_a_rejected_or_hidden_proposal_is_not_followed(client):
    s = answered_campaign()
    clerk = make_user()
    FollowUp.objects.create(proposal=s.data.p2, progress=10, updated_by=clerk)
    answer(s.data.p3, CouncilAnswer.Decision.ADOPTED, "Adoptée.", by=clerk)
    FollowUp.objects.create(proposal=s.data.p3, progress=5, updated_by=clerk)
    Proposal.objects.filter(pk=s.data.p3.pk).update(status=Proposal.Status.HIDDEN)

    assert listed(client) == [("P-0001", "in_progress")]


def test_follow_ups_filter_by_campaign_and_status(client):
    s = answered_campaign()

    assert listed(client, campaign=s.campaign.slug, status="in_progress") == [
        ("P-0001", "in_progress")
    ]
    assert listed(client, status="done") == []
    assert listed(client, campaign="ailleurs") == []
    assert client.get(api("follow_ups"), {"status": "fini"}).status_code == 400


def test_a_follow_up_gives_the_amount_spent_and_the_photo_as_an_absolute_url(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    s = answered_campaign()
    s.follow_up.spent = Decimal("12500.50")
    s.follow_up.photo_alt = "Les vestiaires en travaux"
    s.follow_up.photo.save("chantier.png", ContentFile(png_bytes()), save=True)

    item = client.get(api("follow_ups")).json()["results"][0]
    proposal = client.get(api("proposals"), {"campaign": s.campaign.slug}).json()["results"][0]

    assert item["spent"] == "12500.50"
    assert item["photo"] == f"http://testserver{s.follow_up.photo.url}"
    assert item["photo_alt"] == "Les vestiaires en travaux"
    assert proposal["follow_up"]["photo"] == item["photo"]
    assert proposal["follow_up"]["spent"] == "12500.50"


def test_without_photo_the_photo_is_null(client):
    answered_campaign()

    item = client.get(api("follow_ups")).json()["results"][0]

    assert (item["spent"], item["photo"], item["photo_alt"]) == ("0.00", None, "")
