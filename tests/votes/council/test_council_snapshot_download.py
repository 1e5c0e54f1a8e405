"""The public download of the snapshot: the stored bytes, so that anyone recomputes the
fingerprint printed on the results page."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.urls import reverse

from budget.roles import FINANCE
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator, ready_campaign
from tests.votes.factories import make_commune, make_voter
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import council_send
from votes.instruction.models import Instruction

pytestmark = pytest.mark.django_db


def url(campaign: Campaign) -> str:
    return reverse("votes:council_snapshot", kwargs={"slug": campaign.slug})


def sent_campaign():
    s = ready_campaign()
    Instruction.objects.filter(proposal__campaign=s.campaign).update(
        internal_notes="Devis confidentiel du prestataire."
    )
    return s, council_send(campaign=s.campaign, by=administrator())


def test_url_is_named():
    assert (
        reverse("votes:council_snapshot", kwargs={"slug": "bp"})
        == "/campagnes/bp/conseil/instantane.json"
    )


def test_there_is_nothing_to_download_before_the_sending(client):
    s = ready_campaign()
    client.force_login(administrator())

    assert client.get(url(s.campaign)).status_code == 404


def test_a_draft_campaign_has_no_public_snapshot(client):
    s, _snapshot = sent_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=Phase.DRAFT)
    client.force_login(administrator())

    assert client.get(url(s.campaign)).status_code == 404


def test_an_unknown_campaign_is_not_found(client):
    assert client.get("/campagnes/inconnue/conseil/instantane.json").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "citizen", "finance"])
def test_anyone_downloads_the_stored_bytes(client, who):
    s, snapshot = sent_campaign()
    if who == "citizen":
        client.force_login(make_voter(commune=make_commune(s.campaign.authority)))
    elif who == "finance":
        client.force_login(make_user(roles=(FINANCE,)))

    response = client.get(url(s.campaign))

    assert response.status_code == 200
    assert response.content == snapshot.content.encode("utf-8")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="conseil-{s.campaign.slug}.json"'
    )


def test_the_fingerprint_recomputed_from_the_download_is_the_one_shown(client):
    s, snapshot = sent_campaign()

    downloaded = client.get(url(s.campaign)).content
    results = client.get(reverse("votes:results", kwargs={"slug": s.campaign.slug}))

    recomputed = hashlib.sha256(downloaded).hexdigest()
    assert recomputed == snapshot.sha256
    page = results.content.decode()
    assert f"<code>{recomputed}</code>" in page
    assert "Résultats transmis au conseil le" in page
    assert "sha256sum conseil-" in page and "Get-FileHash" in page
    assert url(s.campaign) in page


def test_the_download_holds_the_public_instruction_and_no_internal_note(client):
    s, _snapshot = sent_campaign()

    downloaded = client.get(url(s.campaign)).content.decode("utf-8")

    data = json.loads(downloaded)
    first = next(p for p in data["proposals"] if p["reference"] == s.p1.public_reference)
    assert first["instruction"]["instructed_cost"] == "60000.00"
    assert first["approvals"] == {"online": 3, "code": 1, "paper": 1, "import": 0, "total": 5}
    assert "Devis confidentiel" not in downloaded


def test_the_results_page_has_no_fingerprint_before_the_sending(client):
    s = ready_campaign()

    page = client.get(reverse("votes:results", kwargs={"slug": s.campaign.slug})).content

    assert "Transmis au conseil" not in page.decode()
