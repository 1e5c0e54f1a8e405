"""campaign_create and campaign_update: the contract until the vote, the rules while allowed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_authority, make_budget, make_user
from tests.votes.factories import make_campaign, make_category, make_proposal
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.services import campaign_create, campaign_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


def create(**fields) -> Campaign:
    budget = fields.pop("budget", None) or make_budget()
    fields.setdefault("authority", budget.authority)
    fields.setdefault("kind", Campaign.Kind.SAVINGS)
    fields.setdefault("title", "Budget inversé")
    fields.setdefault("slug", "budget-inverse")
    return campaign_create(budget=budget, **fields)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def fresh(campaign: Campaign) -> Campaign:
    return Campaign.objects.get(pk=campaign.pk)


# --- creation --------------------------------------------------------------------------------


def test_a_new_campaign_starts_in_draft():
    campaign = create(framing="Les règles.", min_voter_age=18, supports_enabled=True)

    saved = fresh(campaign)
    assert saved.phase == Phase.DRAFT
    assert (saved.title, saved.slug, saved.framing) == (
        "Budget inversé",
        "budget-inverse",
        "Les règles.",
    )
    assert (saved.min_voter_age, saved.supports_enabled) == (18, True)


def test_it_refuses_a_budget_of_another_authority():
    foreign = make_budget(authority=make_authority(name="Saint-Aubin"))

    errors = errors_of(lambda: create(authority=make_authority(), budget=foreign))

    assert errors["budget"] == ["Ce budget est celui d'une autre collectivité (Saint-Aubin)."]
    assert not Campaign.objects.exists()


def test_it_refuses_a_slug_already_taken():
    make_campaign(slug="budget-inverse")

    errors = errors_of(lambda: create(slug="budget-inverse"))

    assert "existe déjà" in errors["slug"][0]
    assert Campaign.objects.count() == 1


def test_it_refuses_a_slug_the_management_pages_use():
    errors = errors_of(lambda: create(slug="nouvelle"))

    assert errors["slug"] == [
        "« nouvelle » est réservé par l'application : choisissez un autre identifiant."
    ]
    assert not Campaign.objects.exists()


def test_it_refuses_an_unreasonable_minimum_age():
    errors = errors_of(lambda: create(min_voter_age=150))

    assert errors
    assert not Campaign.objects.exists()


# --- changes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.FRAMING, Phase.PROPOSALS, Phase.INSTRUCTION])
def test_the_framing_text_and_the_rules_change_before_the_vote(admin, phase):
    campaign = make_campaign(phase=phase, framing="Ancien texte.")

    campaign_update(
        campaign=campaign,
        by=admin,
        title="Nouveau titre",
        framing="Nouveau texte.",
        min_voter_age=18,
        max_categories_per_voter=3,
    )

    saved = fresh(campaign)
    assert (saved.title, saved.framing) == ("Nouveau titre", "Nouveau texte.")
    assert (saved.min_voter_age, saved.max_categories_per_voter) == (18, 3)
    assert campaign.framing == "Nouveau texte."


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.TALLY, Phase.COUNCIL])
def test_the_rules_are_frozen_once_the_vote_opens(admin, phase):
    campaign = make_campaign(phase=phase, min_voter_age=16)

    errors = errors_of(lambda: campaign_update(campaign=campaign, by=admin, min_voter_age=18))

    assert errors["__all__"][0].startswith(
        "Impossible de modifier les règles de la campagne : la campagne"
    )
    assert fresh(campaign).min_voter_age == 16


def test_the_framing_text_is_frozen_once_the_vote_opens(admin):
    campaign = make_campaign(phase=Phase.VOTING, framing="Le texte voté.")

    errors = errors_of(lambda: campaign_update(campaign=campaign, by=admin, framing="Autre."))

    assert errors["__all__"] == [
        "Le contrat participatif ne peut plus changer une fois le vote ouvert : les votants se "
        "sont prononcés sur ce texte."
    ]
    assert fresh(campaign).framing == "Le texte voté."


def test_an_unchanged_value_is_not_a_change(admin):
    campaign = make_campaign(phase=Phase.VOTING, framing="Le texte voté.", min_voter_age=16)

    campaign_update(campaign=campaign, by=admin, framing="Le texte voté.", min_voter_age=16)

    assert fresh(campaign).framing == "Le texte voté."


def test_a_published_framing_text_cannot_be_erased(admin):
    campaign = make_campaign(phase=Phase.FRAMING, framing="Les règles.")

    errors = errors_of(lambda: campaign_update(campaign=campaign, by=admin, framing="  "))

    assert errors["framing"] == [
        "Le contrat participatif est publié : il peut être corrigé, pas effacé."
    ]
    assert fresh(campaign).framing == "Les règles."


def test_the_kind_cannot_change_once_there_are_proposals(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    make_proposal(campaign)

    errors = errors_of(
        lambda: campaign_update(campaign=campaign, by=admin, kind=Campaign.Kind.MIXED)
    )

    assert errors["kind"] == [
        "La campagne a déjà des propositions : son type ne peut plus changer "
        "(créez une autre campagne)."
    ]
    assert fresh(campaign).kind == Campaign.Kind.SAVINGS


def test_the_kind_must_suit_the_existing_categories(admin):
    campaign = make_campaign(phase=Phase.DRAFT)
    make_category(campaign, name="Sport", savings_target=Decimal("1000"))

    errors = errors_of(
        lambda: campaign_update(campaign=campaign, by=admin, kind=Campaign.Kind.PROJECTS)
    )

    assert errors["kind"] == ["Ces rubriques ne conviennent pas à ce type de campagne : Sport."]
    assert fresh(campaign).kind == Campaign.Kind.SAVINGS


def test_the_supports_phase_cannot_be_removed_once_reached(admin):
    campaign = make_campaign(phase=Phase.SUPPORTS, supports_enabled=True)

    errors = errors_of(lambda: campaign_update(campaign=campaign, by=admin, supports_enabled=False))

    assert "supports_enabled" in errors
    assert fresh(campaign).supports_enabled is True


def test_the_supports_phase_may_be_added_during_the_proposals(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=False)

    campaign_update(campaign=campaign, by=admin, supports_enabled=True)

    assert fresh(campaign).supports_enabled is True


def test_it_refuses_a_budget_of_another_authority_on_update(admin):
    campaign = make_campaign(phase=Phase.DRAFT)
    foreign = make_budget(authority=make_authority(name="Saint-Aubin"))

    errors = errors_of(lambda: campaign_update(campaign=campaign, by=admin, budget=foreign))

    assert errors["budget"] == ["Ce budget est celui d'une autre collectivité (Saint-Aubin)."]
    assert fresh(campaign).budget_id != foreign.pk


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_changes_a_campaign(roles):
    campaign = make_campaign(phase=Phase.DRAFT, title="Titre")

    with pytest.raises(PermissionDenied):
        campaign_update(campaign=campaign, by=make_user(roles=roles), title="Piraté")

    assert fresh(campaign).title == "Titre"


def test_it_refuses_fields_that_are_not_rules(admin):
    campaign = make_campaign(phase=Phase.DRAFT)

    with pytest.raises(TypeError):
        campaign_update(campaign=campaign, by=admin, phase=Phase.VOTING)

    assert fresh(campaign).phase == Phase.DRAFT
