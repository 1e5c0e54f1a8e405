"""Voting code batches: format, salted hashes, the sheet produced once, revocation."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FACILITATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.voting.codes import (
    ALPHABET,
    code_batch_create,
    code_batch_revoke,
    code_format_problem,
    code_sheet_produce,
    format_code,
    new_code,
    normalise_code,
)
from votes.voting.models import VotingCode, VotingCodeBatch

pytestmark = pytest.mark.django_db

LOOK_ALIKES = "0O1IL5S2Z8B"


def voting_campaign(**fields) -> Campaign:
    """A projects campaign in the voting phase with two categories of proposals on the ballot:
    « Sport » (2 votes at most, references 1-3) and « Parcs » (knapsack in 100 000 €,
    references 4-6 costing 40 000, 50 000 and 60 000 €)."""
    fields.setdefault("kind", Campaign.Kind.PROJECTS)
    fields.setdefault("phase", Phase.VOTING)
    campaign = make_campaign(**fields)
    sport = make_category(campaign, name="Sport", vote_cap=2, envelope=Decimal("200000"))
    parks = make_category(
        campaign, name="Parcs", vote_cap=None, knapsack=True, envelope=Decimal("100000")
    )
    for category, costs in ((sport, (10000, 20000, 30000)), (parks, (40000, 50000, 60000))):
        for cost in costs:
            proposal = make_proposal(campaign, category=category)
            make_instruction(
                proposal,
                validation=Instruction.Validation.VALIDATED,
                instructed_cost=Decimal(cost),
            )
    return campaign


def facilitator():
    return make_user(roles=(FACILITATOR,))


def test_a_new_code_has_twelve_symbols_without_look_alikes():
    for _ in range(200):
        code = new_code()
        assert len(code) == 12
        assert set(code) <= set(ALPHABET)
    assert not set(LOOK_ALIKES) & set(ALPHABET)


def test_codes_are_read_in_groups_of_four():
    assert format_code("K7QM3XHT9WPD") == "K7QM-3XHT-9WPD"


@pytest.mark.parametrize(
    "typed",
    ["K7QM-3XHT-9WPD", "k7qm 3xht 9wpd", "K7QM3XHT9WPD", " k7qm-3xht 9wpd ", "K7QM–3XHT–9WPD"],
)
def test_a_code_is_found_with_or_without_dashes_spaces_or_capitals(typed):
    assert normalise_code(typed) == "K7QM3XHT9WPD"
    assert code_format_problem(normalise_code(typed)) is None


def test_a_code_of_the_wrong_length_or_with_look_alikes_is_explained():
    assert "12 caractères" in code_format_problem("K7QM3XHT9W")
    assert "« O »" in code_format_problem("K7QM3XHT9WPO")


def test_a_batch_stores_hmac_hashes_and_the_plain_codes_until_printing():
    campaign = voting_campaign()
    batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=5, by=facilitator())
    assert batch.size == 5 and len(set(codes)) == 5
    assert all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code) for code in codes)
    rows = {row.plain: row for row in VotingCode.objects.filter(batch=batch)}
    for code in codes:
        plain = code.replace("-", "")
        expected = hmac.new(batch.salt.encode(), plain.encode(), hashlib.sha256).hexdigest()
        assert rows[plain].code_hash == expected
    assert len(batch.salt) == 64


def test_the_sheet_returns_the_codes_once_then_wipes_them():
    campaign = voting_campaign()
    by = facilitator()
    batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=4, by=by)
    printed = code_sheet_produce(batch=batch, by=by)
    assert sorted(printed) == sorted(codes)
    assert not VotingCode.objects.filter(batch=batch).exclude(plain="").exists()
    batch.refresh_from_db()
    assert batch.printed_at is not None


def test_a_second_printing_is_refused():
    campaign = voting_campaign()
    by = facilitator()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=by)
    code_sheet_produce(batch=batch, by=by)
    with pytest.raises(ValidationError) as error:
        code_sheet_produce(batch=batch, by=by)
    assert "révoquez le lot et générez-en un autre" in error.value.messages[0]


def test_a_revoked_batch_can_no_longer_be_printed_and_loses_its_plain_codes():
    campaign = voting_campaign()
    by = facilitator()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=3, by=by)
    code_batch_revoke(batch=batch, by=by)
    batch.refresh_from_db()
    assert batch.revoked_at is not None
    assert not VotingCode.objects.filter(batch=batch).exclude(plain="").exists()
    with pytest.raises(ValidationError) as error:
        code_sheet_produce(batch=batch, by=by)
    assert "révoqué" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        code_batch_revoke(batch=batch, by=by)
    assert "déjà révoqué" in error.value.messages[0]


def test_an_administrator_may_generate_codes():
    batch, codes = code_batch_create(
        campaign=voting_campaign(), label="Mairie", size=1, by=make_user(roles=(ADMINISTRATOR,))
    )
    assert len(codes) == 1 and batch.codes.count() == 1


@pytest.mark.parametrize("roles", [(), (OFFICER,)])
def test_only_facilitators_and_administrators_generate_codes(roles):
    with pytest.raises(PermissionDenied):
        code_batch_create(
            campaign=voting_campaign(), label="Atelier", size=3, by=make_user(roles=roles)
        )
    assert not VotingCodeBatch.objects.exists()


@pytest.mark.parametrize("size", [0, -1, 100_001])
def test_a_batch_size_outside_one_to_100000_is_refused(size):
    with pytest.raises(ValidationError) as error:
        code_batch_create(campaign=voting_campaign(), label="Atelier", size=size, by=facilitator())
    assert "de 1 à 100 000 codes" in error.value.message_dict["size"][0]
    assert not VotingCodeBatch.objects.exists()


def test_a_batch_needs_a_label():
    with pytest.raises(ValidationError) as error:
        code_batch_create(campaign=voting_campaign(), label="  ", size=3, by=facilitator())
    assert "libellé" in error.value.message_dict["label"][0]
    assert not VotingCode.objects.exists()


def test_codes_can_be_generated_before_the_vote_but_not_after_it():
    batch, _codes = code_batch_create(
        campaign=voting_campaign(phase=Phase.INSTRUCTION), label="Avant", size=1, by=facilitator()
    )
    assert batch.pk
    with pytest.raises(ValidationError) as error:
        code_batch_create(
            campaign=voting_campaign(phase=Phase.TALLY), label="Après", size=1, by=facilitator()
        )
    assert "est clos" in error.value.messages[0]
    assert VotingCodeBatch.objects.count() == 1


def test_a_hundred_codes_are_generated_quickly():
    started = time.perf_counter()
    _batch, codes = code_batch_create(
        campaign=voting_campaign(), label="Rapide", size=100, by=facilitator()
    )
    assert len(set(codes)) == 100
    assert time.perf_counter() - started < 1
