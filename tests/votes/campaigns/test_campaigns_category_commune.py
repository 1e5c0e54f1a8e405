"""A shared campaign's categories: each may be reserved to one commune of the EPCI's
territory (Category.commune), through the service and the team's form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Authority
from budget.roles import ADMINISTRATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import make_campaign, make_category, make_commune
from votes.campaigns.forms import CategoryForm
from votes.campaigns.models import Campaign, Category, Phase
from votes.campaigns.services import category_create, category_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


@pytest.fixture
def epci_campaign():
    epci = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    make_commune(epci, name="Saran")
    make_commune(epci, name="Ormes")
    return make_campaign(authority=epci, kind=Campaign.Kind.PROJECTS, phase=Phase.FRAMING)


def test_a_category_is_reserved_to_a_commune_of_the_territory(admin, epci_campaign):
    saran = epci_campaign.authority.communes.get(name="Saran")

    category = category_create(
        campaign=epci_campaign, by=admin, name="Saran", envelope=Decimal("50000"), commune=saran
    )

    assert Category.objects.get(pk=category.pk).commune == saran


def test_a_commune_of_another_territory_is_refused_and_nothing_is_written(admin, epci_campaign):
    elsewhere = make_commune(make_authority(name="Tours"), name="Joué-lès-Tours")

    with pytest.raises(ValidationError) as refusal:
        category_create(
            campaign=epci_campaign,
            by=admin,
            name="Joué",
            envelope=Decimal("50000"),
            commune=elsewhere,
        )

    assert refusal.value.message_dict == {
        "commune": ["La commune Joué-lès-Tours n'est pas sur le territoire de Orléans Métropole."]
    }
    assert not Category.objects.exists()


def test_the_commune_is_a_voting_rule_frozen_once_the_vote_opens(admin, epci_campaign):
    category = make_category(epci_campaign, name="Quartiers")
    Campaign.objects.filter(pk=epci_campaign.pk).update(phase=Phase.VOTING)

    with pytest.raises(ValidationError) as refusal:
        category_update(
            category=category,
            by=admin,
            commune=epci_campaign.authority.communes.get(name="Ormes"),
        )

    assert refusal.value.messages == [
        "Les règles de vote ne peuvent plus changer une fois le vote ouvert : la rubrique "
        "« Quartiers » garde les règles annoncées aux votants (commune)."
    ]
    assert Category.objects.get(pk=category.pk).commune is None


def test_the_form_offers_the_territorys_communes_and_the_whole_territory(epci_campaign):
    form = CategoryForm(campaign=epci_campaign)

    field = form.fields["commune"]
    assert field.empty_label == "Tout le territoire"
    assert sorted(c.name for c in field.queryset) == ["Ormes", "Saran"]


def test_a_single_communes_campaign_has_no_commune_field():
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.FRAMING)
    make_commune(campaign.authority)

    assert "commune" not in CategoryForm(campaign=campaign).fields
