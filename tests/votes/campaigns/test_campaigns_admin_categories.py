"""Categories on the management page: add (htmx or not), edit, delete, refusals in place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_proposal
from votes.campaigns.models import Campaign, Category, Phase

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    return client


def add_url(campaign: Campaign) -> str:
    return f"/gestion/campagnes/{campaign.slug}/rubriques/"


def test_an_administrator_adds_a_category(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign),
        {"name": "Sport", "description": "", "savings_target": "70 000", "vote_cap": "3"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#rubriques")
    category = Category.objects.get()
    assert (category.name, category.savings_target, category.vote_cap) == (
        "Sport",
        Decimal("70000"),
        3,
    )


def test_with_htmx_the_categories_section_comes_back_alone(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign),
        {"name": "Sport", "savings_target": "70000", "vote_cap": "3"},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="rubriques"')
    assert "<html" not in content
    assert "Rubrique « Sport » ajoutée." in content
    assert Category.objects.filter(name="Sport").exists()


def test_an_invalid_category_is_shown_in_place_and_nothing_is_written(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign), {"name": "", "savings_target": "", "vote_cap": "0"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="rubriques"')
    assert "Ce champ est obligatoire." in content
    assert "Une rubrique d&#x27;économies a un objectif : indiquez son montant annuel." in content
    assert not Category.objects.exists()


def test_a_savings_campaign_form_has_no_envelope_nor_knapsack(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    content = admin_client.get(f"/gestion/campagnes/{campaign.slug}/").content.decode()

    assert 'name="savings_target"' in content
    assert 'name="envelope"' not in content
    assert 'name="knapsack"' not in content


def test_the_knapsack_on_the_savings_side_of_a_mixed_campaign_is_refused_in_place(admin_client):
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign), {"name": "Économies", "savings_target": "5000", "knapsack": "on"}
    )

    assert response.status_code == 200
    assert "Le mode enveloppe n&#x27;existe que pour une rubrique de projets" in (
        response.content.decode()
    )
    assert not Category.objects.exists()


def test_adding_a_category_during_the_vote_is_refused_in_place(admin_client):
    campaign = make_campaign(phase=Phase.VOTING)

    response = admin_client.post(
        add_url(campaign), {"name": "Tardive", "savings_target": "1000"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Les règles de vote ne peuvent plus changer une fois le vote ouvert" in content
    assert not Category.objects.exists()


def edit_url(category: Category) -> str:
    return f"/gestion/campagnes/{category.campaign.slug}/rubriques/{category.pk}/"


def test_an_administrator_edits_a_category(admin_client):
    category = make_category(make_campaign(phase=Phase.INSTRUCTION), name="Sport", vote_cap=2)

    response = admin_client.post(
        edit_url(category), {"name": "Sport et culture", "savings_target": "70000", "vote_cap": "3"}
    )

    assert response.status_code == 302
    saved = Category.objects.get(pk=category.pk)
    assert (saved.name, saved.vote_cap, saved.savings_target) == (
        "Sport et culture",
        3,
        Decimal("70000"),
    )


def test_changing_a_cap_during_the_vote_is_refused_in_place(admin_client):
    category = make_category(
        make_campaign(phase=Phase.VOTING),
        name="Sport",
        vote_cap=2,
        savings_target=Decimal("70000"),
    )

    page = admin_client.get(edit_url(category)).content.decode()
    assert "Le vote est ouvert : le nom et la description peuvent être corrigés" in page
    response = admin_client.post(
        edit_url(category), {"name": "Sport", "savings_target": "70000", "vote_cap": "5"}
    )

    assert response.status_code == 200
    assert (
        "Les règles de vote ne peuvent plus changer une fois le vote ouvert : la rubrique "
        "« Sport » garde les règles annoncées aux votants (votes par votant)."
    ) in response.content.decode()
    assert Category.objects.get(pk=category.pk).vote_cap == 2


def delete_url(category: Category) -> str:
    return edit_url(category) + "supprimer/"


def test_an_administrator_deletes_an_empty_category(admin_client):
    category = make_category(make_campaign(phase=Phase.FRAMING), name="Sport")

    response = admin_client.post(delete_url(category), headers=HTMX)

    assert response.status_code == 200
    assert "Rubrique « Sport » supprimée." in response.content.decode()
    assert not Category.objects.exists()


def test_deleting_a_category_with_proposals_is_refused_in_place(admin_client):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    category = make_category(campaign, name="Sport")
    make_proposal(campaign, category=category)

    response = admin_client.post(delete_url(category))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="refusal" role="alert"' in content
    assert "La rubrique « Sport » contient 1 proposition(s)" in content
    assert Category.objects.filter(pk=category.pk).exists()


def test_deleting_a_category_during_the_vote_is_refused_in_place(admin_client):
    category = make_category(make_campaign(phase=Phase.VOTING), name="Sport")

    response = admin_client.post(delete_url(category), headers=HTMX)

    assert "la rubrique « Sport » ne peut plus être supprimée." in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()


def test_deleting_needs_a_post(admin_client):
    category = make_category(make_campaign(phase=Phase.FRAMING))

    assert admin_client.get(delete_url(category)).status_code == 405
    assert Category.objects.filter(pk=category.pk).exists()
