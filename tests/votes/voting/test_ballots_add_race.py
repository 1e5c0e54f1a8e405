"""One voter clicking from several tabs at the same instant, through the htmx view: the cap
holds, every answer is an acceptance or a clear refusal, never a 500 (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.concurrency import run_together
from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from tests.votes.voting.test_ballots_views import HTMX, on_ballot, url
from votes.campaigns.models import Campaign, Phase
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database

TABS = 6


def test_six_tabs_adding_at_once_to_a_category_capped_at_two_store_two_and_refuse_four(
    concurrent_database,
):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="bp-2026")
    sport = make_category(campaign, name="Sport", vote_cap=2)
    proposals = [on_ballot(campaign, sport, f"Projet {i}") for i in range(TABS)]
    voter = make_voter(commune=make_commune(campaign.authority))
    first = Client()
    first.force_login(voter)
    tabs = [first]
    for _ in range(TABS - 1):
        tab = Client()
        tab.cookies = first.cookies  # the same browser: one session
        tabs.append(tab)

    responses, errors = run_together(
        [
            lambda t=t, p=p: t.post(url("ballot_add", campaign, p.reference), **HTMX)
            for t, p in zip(tabs, proposals, strict=True)
        ]
    )

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200] * TABS
    pages = [r.content.decode() for r in responses]
    accepted = [page for page in pages if "est ajoutée à votre bulletin" in page]
    refused = [page for page in pages if 'class="refusal"' in page]
    assert (len(accepted), len(refused)) == (2, TABS - 2)
    assert all("Vous avez utilisé vos 2 votes dans « Sport »" in page for page in refused)
    assert Ballot.objects.filter(campaign=campaign, voter=voter).count() == 1
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 2
