"""Issue 14: the savings rule from the database, in words on the results page, in the council
file, and in ``manage.py tally`` (text and --json) — the same figures everywhere."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.votes.council.test_council_report_workbook import table, workbook
from tests.votes.factories import make_campaign, make_category
from tests.votes.results.test_results_services import cast, on_ballot
from votes.campaigns.models import Campaign, Phase
from votes.results.services import campaign_results, campaign_tally
from votes.results.tally import Status

pytestmark = pytest.mark.django_db


def savings_campaign(*, campaign_percent=None, category_percent=None, rule="greedy"):
    """Target 50,000 €/year, 4 ballots expressed here (a fifth only in another category).
    S1 30,000 € 4 voices (100 %), S2 40,000 € 2 voices (50 %), S3 10,000 € 1 voice (25 %),
    S4 5,000 € no voice."""
    campaign = make_campaign(
        kind=Campaign.Kind.SAVINGS,
        phase=Phase.TALLY,
        tally_rule=rule,
        savings_threshold=campaign_percent,
    )
    category = make_category(
        campaign,
        name="Énergie",
        savings_target=Decimal(50000),
        savings_threshold=category_percent,
    )
    other = make_category(campaign, name="Voirie", savings_target=Decimal(1000))
    s1 = on_ballot(campaign, category, cost=Decimal(30000))
    s2 = on_ballot(campaign, category, cost=Decimal(40000))
    s3 = on_ballot(campaign, category, cost=Decimal(10000))
    s4 = on_ballot(campaign, category, cost=Decimal(5000))
    v1 = on_ballot(campaign, other, cost=Decimal(1000))
    cast(campaign, [s1, s2])
    cast(campaign, [s1, s2])
    cast(campaign, [s1, s3])
    cast(campaign, [s1])
    cast(campaign, [v1])
    return campaign, (s1, s2, s3, s4)


def energy(campaign, **kwargs):
    return campaign_tally(campaign=campaign, **kwargs)[0]


def test_without_threshold_a_saving_with_no_vote_is_not_kept():
    campaign, (s1, s2, s3, s4) = savings_campaign()

    result = energy(campaign)

    assert result.selected == [s1.reference, s2.reference]
    assert result.row(s4.reference).status == Status.BELOW_THRESHOLD
    assert result.threshold == 1 and result.threshold_percent is None


def test_the_campaign_threshold_applies_to_its_savings_categories():
    # 50 % of the 4 ballots expressed in « Énergie » = 2 voices: S3 (1) is below.
    campaign, (s1, s2, s3, _s4) = savings_campaign(campaign_percent=Decimal(50))

    result = energy(campaign)

    assert (result.ballots, result.threshold) == (4, 2)
    assert result.row(s2.reference).status == Status.SELECTED  # exactly 50 %
    assert result.row(s3.reference).status == Status.BELOW_THRESHOLD


def test_a_category_threshold_overrides_the_campaigns():
    campaign, (s1, s2, _s3, _s4) = savings_campaign(
        campaign_percent=Decimal(10), category_percent=Decimal("75.5")
    )

    result = energy(campaign)

    # 75.5 % of 4 = 3.02 → 4 voices: S1 (4) only; the target is missed.
    assert result.threshold == 4
    assert result.selected == [s1.reference]
    assert (result.target_met, result.gap) == (False, Decimal(20000))


def test_mes_on_a_savings_campaign_reads_the_ballots():
    campaign, (s1, s2, _s3, _s4) = savings_campaign(rule="mes")

    result = energy(campaign)

    # 12,500 € of the target each: the 4 pay 7,500 each for S1; S2 (2 × 5,000 left) and S3
    # (5,000 left) are out of reach; the completion adds S2, the next by voices: 70,000.
    assert result.method == "mes" and result.voters == 4
    assert [(r.reference, r.stage) for r in result.rows if r.status == Status.SELECTED] == [
        (s1.reference, "equal_shares"),
        (s2.reference, "completion"),
    ]
    assert (result.saved, result.target_met) == (Decimal(70000), True)


def results_page(client, campaign) -> str:
    return client.get(reverse("votes:results", kwargs={"slug": campaign.slug})).content.decode()


def test_the_results_page_states_the_threshold_with_its_figures(client):
    campaign, _ = savings_campaign(campaign_percent=Decimal("12.5"))

    body = results_page(client, campaign)

    assert "au moins 12,5 % des 4 bulletins exprimés dans la rubrique" in body
    assert "soit au moins 1 voix" in body
    assert "une mesure sans aucune voix n&#x27;est jamais retenue" in body


def test_the_results_page_states_equal_shares_for_savings(client):
    campaign, _ = savings_campaign(rule="mes")

    body = results_page(client, campaign)

    assert "Méthode des parts égales : l&#x27;objectif de 50" in body
    assert "entre les 4 votants de la rubrique" in body


def test_the_council_file_states_the_savings_rule_and_threshold():
    campaign, _ = savings_campaign(campaign_percent=Decimal(50), rule="mes")

    book = workbook(campaign)
    rules = {row["Élément"].value: row["Valeur"].value for row in table(book["Méthode"], "Élément")}
    categories = {row["Rubrique"].value: row for row in table(book["Méthode"], "Rubrique")}

    assert rules["Rubriques d'économies"].startswith("Méthode des parts égales")
    assert "arrondi au-dessus" in rules["Seuil des économies"]
    seuil = "Seuil des économies (part des bulletins exprimés)"
    assert categories["Énergie"][seuil].value == "50 %"


def test_tally_prints_the_same_figures_as_text_and_json():
    campaign, (s1, s2, _s3, _s4) = savings_campaign(campaign_percent=Decimal(50))
    text, raw = StringIO(), StringIO()

    call_command("tally", campaign.slug, stdout=text)
    call_command("tally", campaign.slug, "--json", stdout=raw)
    printed = json.loads(raw.getvalue())["categories"][0]

    assert "Seuil : 50 % des 4 bulletins exprimés, soit 2 voix au moins" in text.getvalue()
    assert "Objectif : 50000.00 ; économie retenue : 70000.00 ; objectif atteint" in (
        text.getvalue()
    )
    assert printed["kind"] == "savings"
    assert (printed["threshold"], printed["threshold_percent"], printed["ballots"]) == (2, 50, 4)
    assert (printed["saved"], printed["target_met"], printed["gap"]) == (70000, True, 0)
    assert printed["selected"] == [s1.reference, s2.reference]
    results = campaign_results(campaign=campaign)
    assert printed["selected"] == results.categories[0].result.selected
