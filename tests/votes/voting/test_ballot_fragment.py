"""votes.voting.ballot_fragment writes the same HTML as the ballot template's partials.

The htmx answer of the common click is written in Python (issue 13 §2), the ballot page by the
template: both must say the same thing. Compared after removing the layout whitespace around
tags and the CSRF token's mask (different at every call).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from votes.campaigns.models import Campaign, Category
from votes.proposals.models import Proposal
from votes.voting import ballot_fragment as fragment
from votes.voting.views_ballots import Block, Item

pytestmark = pytest.mark.django_db  # the navigation's context processor reads the database

TITLE = '<b>« L\'été » & "co"</b>'


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", str(html))
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html).strip()


def request():
    made = RequestFactory().post("/campagnes/bp-2026/vote/ajouter/7/")
    made.user = AnonymousUser()
    made.session = SessionBase()
    made._messages = FallbackStorage(made)
    return made


def objects(*, kind="project", lever="", cap=3, knapsack=False, envelope=None, minimum=None):
    campaign = Campaign(id=4, slug="bp-2026", title="BP 2026")
    category = Category(
        id=12,
        campaign=campaign,
        name="Sport & « loisirs »",
        vote_cap=cap,
        knapsack=knapsack,
        envelope=envelope,
        min_votes=minimum,
    )
    proposal = Proposal(
        id=30, campaign=campaign, category=category, reference=7, title=TITLE, kind=kind
    )
    proposal.lever = lever
    return campaign, category, proposal


def template_choice(campaign, category, proposal, *, amount, chosen, count, spent, done):
    block = Block(category=category, items=[], count=count, spent=spent, refusal="")
    context = {
        "campaign": campaign,
        "block": block,
        "announcement": done,
        "oob": True,
        "item": Item(proposal, amount, chosen),
    }
    return render_to_string("votes/ballots/ballot.html#choice", context, request=request())


def python_choice(campaign, proposal, *, amount, chosen, count, spent, done):
    return fragment.choice(
        request=request(),
        campaign_slug=campaign.slug,
        proposal=proposal,
        amount=amount,
        chosen=chosen,
        count=count,
        spent=spent,
        announcement=done,
    )


CASES = {
    "a project under a cap, one vote": ({}, True, 1, Decimal("5000.00")),
    "a project under a cap, none yet (the card offers « Ajouter »)": ({}, False, 0, Decimal("0")),
    "a saving without a cap": ({"kind": "saving", "cap": None}, True, 2, Decimal("800.50")),
    "no cap, no vote": ({"cap": None}, False, 0, Decimal("0")),
    "a revenue lever": ({"kind": "saving", "lever": "tfpb"}, True, 1, Decimal("1200.00")),
    "knapsack with its envelope": (
        {"knapsack": True, "envelope": Decimal("1000000.00")},
        True,
        2,
        Decimal("12345.67"),
    ),
    "a minimum not reached yet": ({"minimum": 3}, True, 1, Decimal("10.00")),
    "a minimum reached": ({"minimum": 2, "cap": None}, True, 2, Decimal("10.00")),
    "a minimum of one, no vote": ({"minimum": 1}, False, 0, Decimal("0")),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("case", CASES)
def test_the_answer_to_a_click_is_the_templates_partial(case, language):
    options, chosen, count, spent = CASES[case]
    campaign, category, proposal = objects(**options)
    amount = Decimal("1234567.89")
    done = "« <L'été> » est ajoutée à votre bulletin."

    with translation.override(language):
        expected = template_choice(
            campaign,
            category,
            proposal,
            amount=amount,
            chosen=chosen,
            count=count,
            spent=spent,
            done=done,
        )
        written = python_choice(
            campaign, proposal, amount=amount, chosen=chosen, count=count, spent=spent, done=done
        )

    assert normalised(written) == normalised(expected)
    assert 'id="ballot-status" hx-swap-oob' in written


@pytest.mark.parametrize("text", ["", "Vous avez utilisé vos 3 votes dans « <Sport> » : l'autre"])
def test_the_refusal_slot_is_the_templates_partial(text):
    campaign, category, _proposal = objects()
    block = Block(category=category, items=[], count=0, spent=Decimal("0"), refusal=text)
    context = {"campaign": campaign, "block": block, "announcement": "", "oob": True}

    expected = render_to_string("votes/ballots/ballot.html#refusal", context, request=request())

    assert normalised(fragment.refusal(category=category, text=text)) == normalised(expected)
