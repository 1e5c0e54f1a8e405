"""Issue 14: the minimum of votes per category and the savings threshold in the category form
and services: min ≤ max, min ≥ 0, a threshold between 0 and 100 %, frozen once voting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.campaigns.test_campaigns_admin_categories import HTMX, add_url
from tests.votes.campaigns.test_campaigns_categories import FROZEN, errors_of, snapshot
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.forms import CategoryForm
from votes.campaigns.models import Campaign, Category, Phase
from votes.campaigns.services import campaign_update, category_create, category_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_the_form_saves_a_minimum_and_a_threshold(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign),
        {
            "name": "Énergie",
            "savings_target": "50000",
            "vote_cap": "3",
            "min_votes": "2",
            "savings_threshold": "12.5",
        },
    )

    assert response.status_code == 302
    category = Category.objects.get()
    assert (category.min_votes, category.savings_threshold) == (2, Decimal("12.5"))


def test_the_form_refuses_a_minimum_above_the_maximum_and_writes_nothing(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign),
        {"name": "Énergie", "savings_target": "50000", "vote_cap": "2", "min_votes": "3"},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Le minimum (3 votes par votant) dépasse le maximum (2)" in content
    assert not Category.objects.exists()


def test_the_form_refuses_a_threshold_over_100_and_writes_nothing(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT)

    response = admin_client.post(
        add_url(campaign),
        {
            "name": "É",
            "savings_target": "1",
            "vote_cap": "2",
            "min_votes": "0",
            "savings_threshold": "120",
        },
        headers=HTMX,
    )

    assert "entre 0 et 100" in response.content.decode()
    assert not Category.objects.exists()


def test_a_projects_category_form_has_a_minimum_but_no_savings_threshold():
    form = CategoryForm(campaign=make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.DRAFT))

    assert "min_votes" in form.fields
    assert "savings_threshold" not in form.fields


def test_the_service_refuses_a_negative_minimum(admin):
    campaign = make_campaign(phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign, by=admin, name="É", savings_target=Decimal(1), min_votes=-1
        )
    )

    assert errors["min_votes"] == ["Le nombre minimal de votes par votant est d'au moins 0."]
    assert not Category.objects.exists()


def test_a_threshold_in_percent_is_refused_on_a_projects_category(admin):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign,
            by=admin,
            name="Sport",
            envelope=Decimal(1),
            savings_threshold=Decimal(10),
        )
    )

    assert "ne vaut que pour une rubrique d'économies" in errors["savings_threshold"][0]
    assert not Category.objects.exists()


def test_the_database_refuses_a_minimum_above_the_maximum():
    category = make_category(make_campaign(phase=Phase.DRAFT), vote_cap=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(pk=category.pk).update(min_votes=3)


def test_the_minimum_and_threshold_are_frozen_once_the_vote_opens(admin):
    campaign = make_campaign(phase=Phase.VOTING)
    category = make_category(campaign, vote_cap=3)
    before = snapshot(category)

    for change in ({"min_votes": 1}, {"savings_threshold": Decimal(5)}):
        errors = errors_of(
            lambda change=change: category_update(category=category, by=admin, **change)
        )
        assert errors["__all__"][0].startswith(FROZEN)
    assert snapshot(category) == before


def test_the_campaign_threshold_is_a_rule_frozen_with_the_others(admin):
    campaign = make_campaign(phase=Phase.VOTING)

    with pytest.raises(ValidationError):
        campaign_update(campaign=campaign, by=admin, savings_threshold=Decimal(10))

    campaign.refresh_from_db()
    assert campaign.savings_threshold is None


def test_the_campaign_threshold_is_checked_between_0_and_100(admin):
    campaign = make_campaign(phase=Phase.DRAFT)

    errors = errors_of(
        lambda: campaign_update(campaign=campaign, by=admin, savings_threshold=Decimal(101))
    )

    assert any("entre 0 et 100" in m for messages in errors.values() for m in messages)
    campaign.refresh_from_db()
    assert campaign.savings_threshold is None
