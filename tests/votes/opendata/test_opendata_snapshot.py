"""Once the results went to the council, the open data comes from the stored snapshot."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.votes.opendata.test_opendata_files import (
    all_cells,
    cast,
    file_url,
    opendata_campaign,
    workbook,
)
from tests.votes.opendata.test_opendata_page import send
from votes.accounts.models import Profile
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

TABLES = ["propositions", "instructions", "resultats", "voix", "statistiques"]


def downloads(client, campaign) -> dict[str, object]:
    files = {}
    for dataset in TABLES:
        files[f"{dataset}.csv"] = client.get(file_url(campaign, dataset)).content
        files[f"{dataset};.csv"] = client.get(
            file_url(campaign, dataset) + "?sep=semicolon"
        ).content
        files[f"{dataset}.xlsx"] = all_cells(
            workbook(client.get(file_url(campaign, dataset, "xlsx")))
        )
    return files


def test_the_files_do_not_change_when_the_database_does_after_sending(client):
    s = opendata_campaign()
    send(s.campaign)
    before = downloads(client, s.campaign)

    # Writes the services would refuse once sent, made behind their back.
    Proposal.objects.filter(pk=s.p1.pk).update(title="Titre changé", place="Ailleurs")
    Instruction.objects.filter(proposal=s.p2).update(
        instructed_cost=Decimal(1), public_reasoning="Motivation changée."
    )
    Profile.objects.filter(user=s.author).update(pseudonym="Autre nom")
    for _ in range(6):
        cast(s.campaign, [s.p3], channel="code")
    Proposal.objects.filter(pk=s.s1.pk).update(status=Proposal.Status.HIDDEN)

    after = downloads(client, s.campaign)

    assert after == before
    assert b'"Terrain, vestiaires"' in after["propositions.csv"]
    assert b"Titre chang" not in after["resultats.csv"]
    assert b"Jeanne D." in after["propositions.csv"]


def test_before_sending_the_files_follow_the_database(client):
    s = opendata_campaign()
    before = client.get(file_url(s.campaign, "propositions")).content

    Proposal.objects.filter(pk=s.p1.pk).update(title="Titre changé")

    after = client.get(file_url(s.campaign, "propositions")).content
    assert after != before
    assert "Titre changé".encode() in after


def test_the_workbook_licence_names_the_snapshot_fingerprint_and_date(client):
    s = opendata_campaign()
    snapshot = send(s.campaign)

    book = workbook(client.get(file_url(s.campaign, "resultats", "xlsx")))

    licence = {row[0]: row[1] for row in book["Licence"].iter_rows(values_only=True)}
    assert licence["Empreinte SHA-256 de l'instantané transmis au conseil"] == snapshot.sha256
    assert licence["Date des données"] == timezone.localdate(snapshot.created_at).isoformat()


def test_the_fingerprint_shown_is_the_one_of_the_downloaded_snapshot(client):
    s = opendata_campaign()
    send(s.campaign)

    shown = client.get(reverse("votes:opendata", kwargs={"slug": s.campaign.slug})).context[
        "snapshot"
    ]
    download = client.get(reverse("votes:council_snapshot", kwargs={"slug": s.campaign.slug}))

    assert hashlib.sha256(download.content).hexdigest() == shown.sha256
