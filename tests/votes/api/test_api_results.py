"""/api/v1/campaigns/<slug>/results/: public from the tally on, as the results page.

The figures are the open-data campaign's, worked out by hand in its builder: Sport (envelope
100,000 €, at least 2 voices): P1 (3 voices, 60,000.50 €) selected, 39,999.50 € left; P2
(2 voices, 50,000 €) does not fit; P3 (1 voice) below the threshold. Savings (target
20,000 €): P5 (2 voices, 15,000 €) selected, target missed by 5,000 €. One void paper ballot."""

from __future__ import annotations

import pytest

from tests.votes.api.builders import answered_campaign, api, draft_campaign
from tests.votes.opendata.test_opendata_files import BEFORE_TALLY, opendata_campaign
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def results(client, campaign):
    return client.get(api("campaign_results", slug=campaign.slug))


@pytest.mark.parametrize("phase", [p for p in BEFORE_TALLY if p != Phase.DRAFT])
def test_the_results_are_not_found_before_the_tally(client, phase):
    s = opendata_campaign(phase)

    response = results(client, s.campaign)

    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_draft_has_no_results(client):
    assert results(client, draft_campaign()).status_code == 404


def test_the_results_follow_the_published_rule(client):
    s = opendata_campaign(Phase.TALLY)

    body = results(client, s.campaign).json()
    sport, savings = body["categories"]

    assert body["method"] == "greedy"
    assert body["participation"] == {
        "total": 5,
        "valid": 4,
        "void": 1,
        "by_channel": {"online": 2, "code": 1, "paper": 1, "import": 0},
    }
    assert [(r["reference"], r["approvals"], r["status"]) for r in sport["rows"]] == [
        ("P-0001", 3, "selected"),
        ("P-0002", 2, "does_not_fit"),
        ("P-0003", 1, "below_threshold"),
    ]
    assert sport["rows"][0]["amount"] == "60000.50"
    assert sport["rows"][0]["approvals_by_channel"] == {
        "online": 1,
        "code": 1,
        "paper": 1,
        "import": 0,
    }
    assert sport["spent"] == "60000.50"
    assert sport["envelope_left"] == "39999.50"
    assert savings["saved"] == "15000.00"
    assert savings["target"] == "20000.00"
    assert savings["target_met"] is False
    assert savings["gap"] == "5000.00"


def test_the_hidden_and_unfeasible_proposals_are_not_in_the_results(client):
    s = opendata_campaign(Phase.TALLY)

    content = results(client, s.campaign).content.decode()

    assert "Proposition masquée" not in content
    assert "Piscine olympique" not in content


def test_the_citizen_label_waits_for_the_publication_of_the_answers(client):
    s = answered_campaign(phase=Phase.COUNCIL)

    before = results(client, s.campaign).json()["categories"][0]["rows"]
    s.campaign.phase = Phase.ANSWERED
    s.campaign.save(update_fields=["phase"])
    after = results(client, s.campaign).json()["categories"][0]["rows"]

    assert [row["adopted"] for row in before] == [None, None, None]
    assert [row["adopted"] for row in after] == [True, False, False]


def test_equal_shares_results_come_with_money_as_decimal_strings(client):
    s = opendata_campaign(Phase.TALLY)
    s.campaign.tally_rule = "mes"
    s.campaign.save(update_fields=["tally_rule"])

    body = results(client, s.campaign).json()
    sport = body["categories"][0]

    assert body["method"] == "mes"
    assert sport["method"] == "mes"
    assert sport["rows"][0]["reference"] == "P-0001"
    assert sport["rows"][0]["status"] == "selected"
    for value in (sport["spent"], sport["envelope_left"], sport["rows"][0]["amount"]):
        assert isinstance(value, str) and value.count(".") == 1
        assert len(value.split(".")[1]) == 2
