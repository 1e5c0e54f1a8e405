"""The consolidated table of a metropolis as an XLSX workbook."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_authority
from tests.votes.factories import make_campaign
from votes.campaigns.models import Phase
from votes.metropolis.consolidation import CampaignPart, consolidate
from votes.metropolis.exports import consolidation_rows_for_sheet


def test_the_sheet_has_a_line_per_campaign_a_total_per_commune_and_the_overall_total():
    table = consolidate(
        [
            CampaignPart(
                group="Saran",
                campaign="Saran 2026",
                slug="saran",
                part="",
                phase="Vote",
                ballots=None,
                envelope=Decimal("50000"),
            ),
            CampaignPart(
                group="Ormes",
                campaign="Ormes 2026",
                slug="ormes",
                part="",
                phase="Avis argumentés publiés",
                ballots=12,
                adopted_count=1,
                adopted_cost=Decimal("9000"),
                adopted_saving=Decimal("0"),
            ),
        ]
    )

    rows = consolidation_rows_for_sheet(table)

    assert [row[:2] for row in rows] == [
        ["Ormes", "Ormes 2026"],
        ["Total Ormes", ""],
        ["Saran", "Saran 2026"],
        ["Total Saran", ""],
        ["Total général", ""],
    ]
    assert rows[2][4] is None  # the vote is open: no count, an empty cell
    assert rows[-1][4:] == [12, Decimal("50000"), 0, 1, Decimal("9000"), Decimal("0")]


@pytest.mark.django_db
def test_the_workbook_is_downloaded_from_the_public_page(client):
    epci = make_authority(name="Orléans Métropole", slug="orleans-metropole", kind="epci")
    make_campaign(authority=epci, phase=Phase.PROPOSALS, title="Métropole 2026")

    response = client.get(reverse("votes:metropolis_consolidation_xlsx", args=[epci.slug]))

    assert response.status_code == 200
    assert 'filename="consolidation-orleans-metropole.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Métropole 2026" in values and "Total général" in values


@pytest.mark.django_db
def test_no_workbook_for_an_epci_with_drafts_only(client):
    epci = make_authority(kind="epci")
    make_campaign(authority=epci, phase=Phase.DRAFT)

    response = client.get(reverse("votes:metropolis_consolidation_xlsx", args=[epci.slug]))

    assert response.status_code == 404
