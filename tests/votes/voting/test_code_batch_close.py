"""Closing a batch of voting codes after the vote: its unused codes are retired for good, the
ballots cast with its used codes stay counted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from budget.roles import FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_codes_services import facilitator, voting_campaign
from votes.campaigns.models import Campaign, Phase
from votes.results.services import approvals_by_channel
from votes.voting.closing import code_batch_close
from votes.voting.codes import code_ballot_confirm, code_batch_create, code_check
from votes.voting.models import Ballot, VotingCode, VotingCodeBatch

pytestmark = pytest.mark.django_db


def in_phase(campaign: Campaign, phase: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.refresh_from_db()


def voted_batch():
    """A printed batch of 3 codes, one of which voted for P-0001; the vote is then closed."""
    campaign = voting_campaign()
    codes = printed_codes(campaign)
    ballot = code_ballot_confirm(code=code_check(campaign=campaign, raw=codes[0]), choices=[1])
    in_phase(campaign, Phase.TALLY)
    return campaign, VotingCodeBatch.objects.get(campaign=campaign), codes, ballot


def closed_at(batch: VotingCodeBatch):
    return VotingCodeBatch.objects.get(pk=batch.pk).closed_at


def test_an_administrator_closes_a_batch_after_the_vote():
    _campaign, batch, _codes, _ballot = voted_batch()

    closed = code_batch_close(batch=batch, by=administrator())

    assert closed.closed_at is not None
    assert closed_at(batch) == closed.closed_at


def test_the_unused_codes_never_vote_again_even_if_the_vote_reopened():
    campaign, batch, codes, _ballot = voted_batch()
    code_batch_close(batch=batch, by=administrator())
    in_phase(campaign, Phase.VOTING)

    with pytest.raises(ValidationError) as caught:
        code_check(campaign=campaign, raw=codes[1])

    assert caught.value.code == "unknown"
    code = VotingCode.objects.filter(batch=batch, used_at__isnull=True).first()
    with pytest.raises(ValidationError):
        code_ballot_confirm(code=code, choices=[1])
    assert Ballot.objects.count() == 1


def test_the_ballots_of_used_codes_stay_counted():
    campaign, batch, _codes, ballot = voted_batch()
    p1 = campaign.proposals.get(reference=1)

    code_batch_close(batch=batch, by=administrator())

    assert Ballot.objects.get() == ballot
    assert approvals_by_channel(campaign)[p1.id] == {"code": 1}


def test_closing_wipes_the_plain_codes_of_a_batch_never_printed():
    campaign = voting_campaign()
    batch, _codes = code_batch_create(campaign=campaign, label="Oublié", size=3, by=facilitator())
    in_phase(campaign, Phase.TALLY)

    code_batch_close(batch=batch, by=administrator())

    assert not VotingCode.objects.filter(batch=batch).exclude(plain="").exists()


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.COUNCIL])
def test_it_closes_only_in_the_tally(phase):
    campaign, batch, _codes, _ballot = voted_batch()
    in_phase(campaign, phase)

    with pytest.raises(ValidationError) as caught:
        code_batch_close(batch=batch, by=administrator())

    assert caught.value.messages == [
        "Un lot de codes se clôt après le vote, en phase « Dépouillement » ; la campagne est en "
        f"phase « {Phase(phase).label} »."
    ]
    assert closed_at(batch) is None


def test_it_refuses_to_close_twice():
    _campaign, batch, _codes, _ballot = voted_batch()
    first = code_batch_close(batch=batch, by=administrator()).closed_at

    with pytest.raises(ValidationError) as caught:
        code_batch_close(batch=batch, by=administrator())

    assert caught.value.messages[0].startswith("Le lot « Atelier » est déjà clos depuis le ")
    assert closed_at(batch) == first


def test_a_revoked_batch_needs_no_closing():
    _campaign, batch, _codes, _ballot = voted_batch()
    VotingCodeBatch.objects.filter(pk=batch.pk).update(revoked_at=timezone.now())

    with pytest.raises(ValidationError) as caught:
        code_batch_close(batch=batch, by=administrator())

    assert caught.value.messages == ["Ce lot est révoqué : ses codes ne votent déjà plus."]
    assert closed_at(batch) is None


@pytest.mark.parametrize(
    "roles", [(), (FACILITATOR,), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]
)
def test_only_an_administrator_closes_a_batch(roles):
    _campaign, batch, _codes, _ballot = voted_batch()

    with pytest.raises(PermissionDenied):
        code_batch_close(batch=batch, by=make_user(roles=roles))

    assert closed_at(batch) is None


# --- views -----------------------------------------------------------------------------------


def url(batch: VotingCodeBatch) -> str:
    return reverse("votes:code_batch_close", kwargs={"slug": batch.campaign.slug, "pk": batch.pk})


def batches_url(campaign: Campaign) -> str:
    return reverse("votes:code_batches", kwargs={"slug": campaign.slug})


def test_url_is_named():
    assert (
        reverse("votes:code_batch_close", kwargs={"slug": "bp", "pk": 3})
        == "/gestion/campagnes/bp/codes/3/clore/"
    )


def test_an_administrator_closes_from_the_codes_page(client):
    campaign, batch, _codes, _ballot = voted_batch()
    client.force_login(administrator())

    page = client.get(batches_url(campaign)).content.decode()
    response = client.post(url(batch), follow=True)

    assert url(batch) in page
    assert "Révoquer" not in page
    assert response.redirect_chain == [(batches_url(campaign), 302)]
    body = response.content.decode()
    assert (
        "Lot « Atelier » clos. Codes inutilisés retirés, qui ne permettent plus de voter : 2. "
        "Votes exprimés avec ses codes, qui restent comptés : 1." in body
    )
    assert "Clos le" in body
    assert url(batch) not in body
    assert closed_at(batch) is not None


def test_closing_twice_shows_the_refusal(client):
    _campaign, batch, _codes, _ballot = voted_batch()
    code_batch_close(batch=batch, by=administrator())
    client.force_login(administrator())

    response = client.post(url(batch), follow=True)

    assert "est déjà clos depuis le" in response.content.decode()


def test_the_close_button_is_not_offered_during_the_vote(client):
    campaign = voting_campaign()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=facilitator())
    client.force_login(administrator())

    page = client.get(batches_url(campaign)).content.decode()

    assert url(batch) not in page
    assert "Révoquer" in page


def test_a_facilitator_sees_no_close_button_and_is_refused(client):
    campaign, batch, _codes, _ballot = voted_batch()
    client.force_login(facilitator())

    page = client.get(batches_url(campaign)).content.decode()
    response = client.post(url(batch))

    assert url(batch) not in page
    assert response.status_code == 403
    assert closed_at(batch) is None


def test_anonymous_users_are_sent_to_login(client):
    _campaign, batch, _codes, _ballot = voted_batch()

    response = client.post(url(batch))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    assert closed_at(batch) is None


@pytest.mark.parametrize(
    "roles",
    [None, (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)],
    ids=["citizen", "finance", "instructor", "moderator", "officer"],
)
def test_others_get_403(client, roles):
    campaign, batch, _codes, _ballot = voted_batch()
    if roles is None:
        user = make_voter(commune=make_commune(campaign.authority))
    else:
        user = make_user(roles=roles)
    client.force_login(user)

    assert client.post(url(batch)).status_code == 403
    assert closed_at(batch) is None


def test_closing_is_a_post(client):
    _campaign, batch, _codes, _ballot = voted_batch()
    client.force_login(administrator())

    assert client.get(url(batch)).status_code == 405
    assert closed_at(batch) is None
