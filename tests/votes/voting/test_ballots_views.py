"""The ballot screens: who reaches them, the htmx partials, the review and hidden counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Support
from votes.voting.ballots import ballot_add
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def on_ballot(campaign, category, title: str, cost: str = "5000"):
    proposal = make_proposal(campaign, category=category, title=title)
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal(cost)
    )
    return proposal


@pytest.fixture
def campaign() -> Campaign:
    return make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="bp-2026")


@pytest.fixture
def sport(campaign):
    return make_category(campaign, name="Sport", vote_cap=3)


@pytest.fixture
def voter(campaign):
    return make_voter(commune=make_commune(campaign.authority))


def url(name: str, campaign, reference: int | None = None) -> str:
    kwargs = {"slug": campaign.slug}
    if reference is not None:
        kwargs["reference"] = reference
    return reverse(f"votes:{name}", kwargs=kwargs)


# --- who reaches the ballot ---------------------------------------------------------------


def test_the_urls_are_in_french_under_the_campaign(campaign):
    assert url("ballot", campaign) == "/campagnes/bp-2026/vote/"
    assert url("ballot_review", campaign) == "/campagnes/bp-2026/vote/recapitulatif/"
    assert url("ballot_receipt", campaign) == "/campagnes/bp-2026/recu/"
    assert url("ballot_add", campaign, 7) == "/campagnes/bp-2026/vote/ajouter/7/"
    assert url("ballot_remove", campaign, 7) == "/campagnes/bp-2026/vote/retirer/7/"


@pytest.mark.parametrize("name", ["ballot", "ballot_review"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, campaign, name):
    response = client.get(url(name, campaign))

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/campagnes/bp-2026/vote/"


def test_an_anonymous_addition_is_sent_to_sign_in_and_writes_nothing(client, campaign, sport):
    proposal = on_ballot(campaign, sport, "Piscine")

    plain = client.post(url("ballot_add", campaign, proposal.reference))
    htmx = client.post(url("ballot_add", campaign, proposal.reference), **HTMX)

    assert plain["Location"] == "/connexion/?next=/campagnes/bp-2026/vote/"
    assert htmx["HX-Redirect"] == "/connexion/?next=/campagnes/bp-2026/vote/"
    assert Ballot.objects.count() == 0


def test_an_unconfirmed_voter_is_told_why_and_offered_a_new_link(client, campaign, sport):
    client.force_login(make_voter(commune=make_commune(campaign.authority), confirmed=False))

    response = client.get(url("ballot", campaign))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Vous ne pouvez pas voter en ligne" in page
    assert "Votre adresse e-mail n&#x27;est pas encore confirmée" in page
    assert reverse("votes:account_confirm_resend") in page


def test_a_voter_outside_the_territory_is_sent_to_their_data(client, campaign, sport):
    client.force_login(make_voter(outside_territory=True))

    response = client.get(url("ballot", campaign))

    assert response.status_code == 403
    page = response.content.decode()
    assert "hors du territoire" in page
    assert reverse("votes:account_mydata") in page


def test_the_ballot_before_the_vote_explains_the_phase(client, voter):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.INSTRUCTION)
    voter.profile.commune.authority = campaign.authority
    voter.profile.commune.save()
    client.force_login(voter)

    response = client.get(url("ballot", campaign))

    assert response.status_code == 403
    assert "Impossible de voter" in response.content.decode()


def test_the_ballot_of_a_draft_campaign_does_not_exist_for_voters(client, voter):
    draft = make_campaign(phase=Phase.DRAFT)
    client.force_login(voter)

    assert client.get(url("ballot", draft)).status_code == 404


def test_an_administrator_without_citizen_profile_is_told_so(client, campaign):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(url("ballot", campaign))

    assert response.status_code == 403
    assert "pas de profil d&#x27;habitant" in response.content.decode()


# --- the ballot page ----------------------------------------------------------------------


def test_the_ballot_lists_only_the_proposals_on_the_ballot_and_writes_nothing(
    client, campaign, sport, voter
):
    pool = on_ballot(campaign, sport, "Piscine", cost="120000")
    make_proposal(campaign, category=sport, title="Patinoire non instruite")
    client.force_login(voter)

    response = client.get(url("ballot", campaign))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="category-{sport.pk}"' in page
    assert "Aucun vote sur 3" in page
    assert "Piscine" in page and pool.public_reference in page
    assert "Coût : 120\u202f000\xa0€" in page
    assert f'id="choice-{pool.reference}"' in page
    assert "Patinoire non instruite" not in page
    assert Ballot.objects.count() == 0


def test_the_ballot_and_review_pages_do_not_query_per_proposal(
    client, campaign, sport, voter, django_assert_max_num_queries
):
    culture = make_category(campaign, name="Culture", vote_cap=None)
    for i in range(10):
        proposal = on_ballot(campaign, sport if i % 2 else culture, f"Projet {i}")
        if i < 6:
            ballot_add(campaign=campaign, user=voter, proposal=proposal)
    client.force_login(voter)

    # Session, user, profile, campaign, categories, lines, proposals: a fixed count, no loop.
    with django_assert_max_num_queries(12):
        assert client.get(url("ballot", campaign)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("ballot_review", campaign)).status_code == 200


def test_an_htmx_addition_swaps_the_card_and_its_counters_only(client, campaign, sport, voter):
    culture = make_category(campaign, name="Culture")
    pool = on_ballot(campaign, sport, "Piscine")
    on_ballot(campaign, sport, "Stade")
    on_ballot(campaign, culture, "Médiathèque")
    client.force_login(voter)

    response = client.post(url("ballot_add", campaign, pool.reference), **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    # Neither the category block nor its other proposals: the card, the counters, the slot.
    assert "<section" not in page
    assert "Stade" not in page and "Médiathèque" not in page
    assert page.count('<li class="card') == 1
    assert f'<li class="card chosen" id="card-{pool.reference}">' in page
    # The same id on the new button: focus stays on the proposal just chosen.
    assert f'id="choice-{pool.reference}"' in page
    assert "Retirer" in page
    assert f'<div id="tally-{sport.pk}" hx-swap-oob="outerHTML">' in page
    assert "1 vote sur 3" in page
    # An earlier refusal in the category is cleared.
    assert f'<div id="refusal-slot-{sport.pk}" hx-swap-oob="outerHTML"></div>' in page
    assert 'id="ballot-status" hx-swap-oob="innerHTML"' in page
    assert "« Piscine » est ajoutée à votre bulletin" in page
    assert BallotLine.objects.filter(ballot__voter=voter, proposal=pool).exists()


def test_an_htmx_refusal_fills_the_category_alert_and_swaps_nothing_else(
    client, campaign, sport, voter
):
    proposals = [on_ballot(campaign, sport, f"Projet {i}") for i in range(4)]
    for proposal in proposals[:3]:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)
    client.force_login(voter)

    response = client.post(url("ballot_add", campaign, proposals[3].reference), **HTMX)

    page = response.content.decode()
    # Nothing swapped in place: the button keeps the focus, only the slot is filled.
    assert response["HX-Reswap"] == "none"
    assert f'<div id="refusal-slot-{sport.pk}" hx-swap-oob="outerHTML">' in page
    assert 'role="alert"' in page
    assert (
        "Vous avez utilisé vos 3 votes dans « Sport » : retirez-en un pour choisir celui-ci."
        in page
    )
    assert "ballot-status" not in page
    assert "votes sur 3" not in page
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 3


def test_an_htmx_removal_swaps_the_card_and_its_counters(client, campaign, sport, voter):
    pool = on_ballot(campaign, sport, "Piscine")
    ballot_add(campaign=campaign, user=voter, proposal=pool)
    client.force_login(voter)

    response = client.post(url("ballot_remove", campaign, pool.reference), **HTMX)

    page = response.content.decode()
    assert "Aucun vote sur 3" in page
    assert "Ajouter" in page
    assert not BallotLine.objects.exists()


def test_without_javascript_an_addition_redirects_to_the_category(client, campaign, sport, voter):
    pool = on_ballot(campaign, sport, "Piscine")
    client.force_login(voter)

    response = client.post(url("ballot_add", campaign, pool.reference))

    assert response.status_code == 302
    assert response["Location"] == f"/campagnes/bp-2026/vote/#category-{sport.pk}"
    assert BallotLine.objects.count() == 1


def test_without_javascript_a_refusal_comes_back_as_a_message(client, campaign, sport, voter):
    proposal = make_proposal(campaign, category=sport, title="Pas instruite")
    client.force_login(voter)

    response = client.post(url("ballot_add", campaign, proposal.reference), follow=True)

    assert "n&#x27;est pas soumise au vote" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_an_unknown_reference_is_not_found(client, campaign, sport, voter):
    client.force_login(voter)

    assert client.post(url("ballot_add", campaign, 999), **HTMX).status_code == 404


def test_the_ballot_refuses_get_on_the_write_urls(client, campaign, sport, voter):
    pool = on_ballot(campaign, sport, "Piscine")
    client.force_login(voter)

    assert client.get(url("ballot_add", campaign, pool.reference)).status_code == 405
    assert not Ballot.objects.exists()


def test_knapsack_shows_the_remaining_envelope(client, campaign, voter):
    roads = make_category(
        campaign, name="Voirie", vote_cap=None, knapsack=True, envelope=Decimal("10000")
    )
    bridge = on_ballot(campaign, roads, "Passerelle", cost="6000")
    client.force_login(voter)

    page = client.post(url("ballot_add", campaign, bridge.reference), **HTMX).content.decode()

    assert f'<progress id="envelope-{roads.pk}" max="10000.00" value="6000.00">' in page
    # 10 000 € − 6 000 € = 4 000 € left.
    assert "Reste 4\u202f000\xa0€ sur 10\u202f000\xa0€" in page
    assert "1 vote (sans limite dans cette rubrique)" in page


# --- review -------------------------------------------------------------------------------


def test_the_review_shows_choices_by_category_the_receipt_and_edit_links(
    client, campaign, sport, voter
):
    culture = make_category(campaign, name="Culture")
    pool = on_ballot(campaign, sport, "Piscine")
    on_ballot(campaign, sport, "Stade")
    ballot = ballot_add(campaign=campaign, user=voter, proposal=pool)
    client.force_login(voter)

    response = client.get(url("ballot_review", campaign))

    assert response.status_code == 200
    page = response.content.decode()
    assert ballot.receipt in page
    assert "Votre bulletin compte 1 choix." in page
    assert "Piscine" in page and "Stade" not in page
    assert "Aucun choix dans cette rubrique." in page  # Culture
    assert f'href="/campagnes/bp-2026/vote/#category-{sport.pk}"' in page
    assert f'href="/campagnes/bp-2026/vote/#category-{culture.pk}"' in page


def test_the_review_after_the_close_shows_the_ballot_without_edit_links(
    client, campaign, sport, voter
):
    pool = on_ballot(campaign, sport, "Piscine")
    ballot = ballot_add(campaign=campaign, user=voter, proposal=pool)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.TALLY)
    client.force_login(voter)

    page = client.get(url("ballot_review", campaign)).content.decode()

    assert ballot.receipt in page
    assert "Le vote est clos" in page
    assert "#category-" not in page


def test_the_review_without_ballot_of_an_ineligible_voter_explains_why(client, campaign):
    client.force_login(make_voter(outside_territory=True))

    response = client.get(url("ballot_review", campaign))

    assert response.status_code == 403
    assert "hors du territoire" in response.content.decode()


# --- counts hidden while the vote is open -------------------------------------------------


def test_the_proposal_page_during_the_vote_says_how_to_vote_and_hides_supports(
    client, campaign, sport
):
    campaign.supports_enabled = True
    campaign.save()
    proposal = on_ballot(campaign, sport, "Piscine")
    Support.objects.create(proposal=proposal, user=make_user())

    page = client.get(proposal.get_absolute_url()).content.decode()

    assert "Le vote est ouvert : comment voter ?" in page
    assert "/connexion/?next=/campagnes/bp-2026/vote/" in page
    assert 'href="/campagnes/bp-2026/code/"' in page
    assert "1 soutien" not in page
    assert "Le nombre de soutiens est masqué pendant le vote." in page


def test_the_proposal_page_sends_a_signed_in_voter_to_the_ballot(client, campaign, sport, voter):
    proposal = on_ballot(campaign, sport, "Piscine")
    client.force_login(voter)

    page = client.get(proposal.get_absolute_url()).content.decode()

    assert 'href="/campagnes/bp-2026/vote/"' in page


def test_the_proposal_page_outside_the_vote_has_no_voting_block_and_shows_supports(client):
    campaign = make_campaign(phase=Phase.SUPPORTS, supports_enabled=True)
    proposal = make_proposal(campaign)
    Support.objects.create(proposal=proposal, user=make_user())

    page = client.get(proposal.get_absolute_url()).content.decode()

    assert "comment voter" not in page
    assert "1 soutien" in page


def test_the_ballot_page_shows_no_count_of_other_voters_choices(client, campaign, sport, voter):
    pool = on_ballot(campaign, sport, "Piscine")
    client.force_login(voter)
    before = client.get(url("ballot", campaign)).content.decode()
    for _ in range(3):
        ballot_add(campaign=campaign, user=make_voter(commune=voter.profile.commune), proposal=pool)

    after = client.get(url("ballot", campaign)).content.decode()

    # Nothing on the page moves when others vote (the CSRF token aside).
    def without_token(html: str) -> list[str]:
        return [line for line in html.splitlines() if "csrf" not in line.lower()]

    assert without_token(before) == without_token(after)
