"""Voting with a code: lookup (unknown, used, revoked), the caps, the final confirmation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.votes.voting.test_codes_services import facilitator, voting_campaign
from votes.campaigns.models import Phase
from votes.voting.ballots import normalise_receipt
from votes.voting.codes import (
    code_ballot_confirm,
    code_batch_create,
    code_batch_revoke,
    code_check,
    code_sheet_produce,
)
from votes.voting.codes import new_receipt as codes_new_receipt
from votes.voting.models import Ballot, BallotLine, VotingCode

pytestmark = pytest.mark.django_db


def printed_codes(campaign, size=3) -> list[str]:
    by = facilitator()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=size, by=by)
    return code_sheet_produce(batch=batch, by=by)


def one_code(campaign) -> str:
    return printed_codes(campaign)[0]


def refs(campaign, *numbers):
    """The references, checked to exist on this campaign's ballot."""
    assert set(numbers) <= set(campaign.proposals.values_list("reference", flat=True))
    return list(numbers)


def test_a_code_typed_in_lowercase_without_dashes_is_found():
    campaign = voting_campaign()
    code = one_code(campaign)
    found = code_check(campaign=campaign, raw=code.replace("-", " ").lower())
    assert found.batch.campaign == campaign


def test_an_unknown_code_is_refused_without_saying_more():
    campaign = voting_campaign()
    one_code(campaign)
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw="K7QM-3XHT-9WPD")
    assert error.value.messages == ["Ce code est inconnu ou a été révoqué : vérifiez sa saisie."]


def test_a_code_of_another_campaign_is_unknown_here():
    code = one_code(voting_campaign())
    with pytest.raises(ValidationError) as error:
        code_check(campaign=voting_campaign(), raw=code)
    assert "inconnu ou a été révoqué" in error.value.messages[0]


def test_a_revoked_code_gets_the_same_message_as_an_unknown_one():
    campaign = voting_campaign()
    batch, _codes = code_batch_create(campaign=campaign, label="Perdu", size=2, by=facilitator())
    codes = code_sheet_produce(batch=batch, by=facilitator())
    code_batch_revoke(batch=batch, by=facilitator())
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw=codes[0])
    assert error.value.messages == ["Ce code est inconnu ou a été révoqué : vérifiez sa saisie."]


def test_a_code_whose_sheet_was_never_produced_cannot_vote():
    campaign = voting_campaign()
    _batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=1, by=facilitator())
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw=codes[0])
    assert "inconnu ou a été révoqué" in error.value.messages[0]
    code = VotingCode.objects.get()
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=[1])
    assert "inconnu ou a été révoqué" in error.value.messages[0]
    assert not Ballot.objects.exists()


def test_a_malformed_code_says_what_a_code_looks_like():
    campaign = voting_campaign()
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw="K7QM-3XHT")
    assert "12 caractères" in error.value.messages[0]


def test_a_code_cannot_vote_outside_the_voting_phase():
    campaign = voting_campaign()
    code = one_code(campaign)
    campaign.phase = Phase.TALLY
    campaign.save()
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw=code)
    assert "Impossible de voter" in error.value.messages[0]


def test_confirming_writes_one_anonymous_ballot_and_spends_the_code():
    campaign = voting_campaign()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    ballot = code_ballot_confirm(code=code, choices=refs(campaign, 1, 2, 4))
    assert ballot.channel == Ballot.Channel.CODE
    assert ballot.voter is None and ballot.code == code
    assert ballot.receipt and ballot.confirmed_at
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 2, 4]
    code.refresh_from_db()
    assert code.used_at is not None


def test_a_used_code_is_refused_with_its_date():
    campaign = voting_campaign()
    raw = one_code(campaign)
    code_ballot_confirm(code=code_check(campaign=campaign, raw=raw), choices=refs(campaign, 1))
    with pytest.raises(ValidationError) as error:
        code_check(campaign=campaign, raw=raw)
    assert "déjà servi" in error.value.messages[0]
    code = VotingCode.objects.get(used_at__isnull=False)
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=refs(campaign, 2))
    assert "déjà servi" in error.value.messages[0]
    assert Ballot.objects.count() == 1 and BallotLine.objects.count() == 1


def test_the_cap_of_a_category_applies_to_code_ballots():
    campaign = voting_campaign()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=refs(campaign, 1, 2, 3))
    assert error.value.messages == ["« Sport » : 3 choix pour 2 votes au plus."]
    assert not Ballot.objects.exists()
    code.refresh_from_db()
    assert code.used_at is None


def test_the_knapsack_envelope_applies_to_code_ballots():
    campaign = voting_campaign()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    # 50 000 + 60 000 = 110 000 € > the 100 000 € envelope of « Parcs ».
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=refs(campaign, 5, 6))
    assert "au-delà de l'enveloppe" in error.value.messages[0]
    assert not Ballot.objects.exists()


def test_every_problem_is_listed_at_once():
    campaign = voting_campaign(max_categories_per_voter=1)
    code = code_check(campaign=campaign, raw=one_code(campaign))
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=[1, 2, 3, 5, 6, 99])
    messages = error.value.messages
    assert len(messages) == 4
    assert "P-0099" in messages[0]
    assert not Ballot.objects.exists()


def test_an_empty_code_ballot_is_refused():
    campaign = voting_campaign()
    code = code_check(campaign=campaign, raw=one_code(campaign))
    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=[])
    assert "au moins une proposition" in error.value.messages[0]
    assert not Ballot.objects.exists()


def test_a_code_ballot_receipt_is_one_the_receipt_page_finds():
    receipt = codes_new_receipt()

    assert normalise_receipt(receipt) == receipt
