"""A database too busy to take a write: 503 « réessayez » with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from config.busy import DatabaseBusyMiddleware
from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from tests.votes.voting.test_ballots_views import HTMX, on_ballot, url
from votes.campaigns.models import Campaign, Phase
from votes.voting.models import BallotLine


def middleware_answer(error: Exception):
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post("/campagnes/bp/vote/ajouter/1/")
    return middleware.process_exception(request, error)


@pytest.mark.parametrize(
    "message",
    [
        "database is locked",
        "database table is locked: votes_ballot",
        "canceling statement due to lock timeout",
    ],
)
def test_a_lock_error_becomes_a_french_503_with_retry_after(message):
    response = middleware_answer(OperationalError(message))

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Réessayez dans un instant" in page
    assert "n'a pas été enregistrée" in page


@pytest.mark.parametrize(
    "error", [OperationalError("no such table: votes_ballot"), ValueError("database is locked")]
)
def test_any_other_error_is_left_to_the_500_page(error):
    assert middleware_answer(error) is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_an_addition_waiting_past_the_busy_timeout_answers_503_and_writes_nothing(
    client, concurrent_database
):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="bp-2026")
    sport = make_category(campaign, name="Sport", vote_cap=3)
    pool = on_ballot(campaign, sport, "Piscine")
    voter = make_voter(commune=make_commune(campaign.authority))
    client.force_login(voter)
    options = connection.settings_dict["OPTIONS"]
    timeout = options["timeout"]
    # Someone else holds the write lock (a long import, say) longer than the busy timeout.
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    options["timeout"] = 0.2
    connection.close()
    try:
        response = client.post(url("ballot_add", campaign, pool.reference), **HTMX)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        options["timeout"] = timeout
        connection.close()

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Réessayez dans un instant" in response.content.decode()
    assert not BallotLine.objects.exists()
