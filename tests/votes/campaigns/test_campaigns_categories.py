"""category_create / category_update / category_delete: rules by kind, frozen once voting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_proposal
from votes.campaigns.models import Campaign, Category, Phase
from votes.campaigns.services import category_create, category_delete, category_update

pytestmark = pytest.mark.django_db
FROZEN = "Les règles de vote ne peuvent plus changer une fois le vote ouvert : "


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def snapshot(category: Category) -> dict:
    return Category.objects.filter(pk=category.pk).values().get()


# --- creation --------------------------------------------------------------------------------


def test_it_creates_a_savings_category_after_the_others(admin):
    campaign = make_campaign(phase=Phase.DRAFT)
    make_category(campaign, name="Éducation")

    category = category_create(
        campaign=campaign,
        by=admin,
        name="Sport",
        description="Piscine et gymnases.",
        savings_target=Decimal("70000"),
        vote_cap=3,
    )

    saved = Category.objects.get(pk=category.pk)
    assert (saved.name, saved.savings_target, saved.vote_cap, saved.envelope) == (
        "Sport",
        Decimal("70000"),
        3,
        None,
    )
    assert saved.position == 1


def test_a_projects_category_may_use_the_knapsack_mode(admin):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.FRAMING)

    category = category_create(
        campaign=campaign, by=admin, name="Quartiers", envelope=Decimal("200000"), knapsack=True
    )

    assert Category.objects.get(pk=category.pk).knapsack is True


def test_the_knapsack_mode_is_refused_on_a_savings_category(admin):
    campaign = make_campaign(phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign,
            by=admin,
            name="Sport",
            savings_target=Decimal("70000"),
            knapsack=True,
        )
    )

    assert errors["knapsack"] == [
        "Le mode enveloppe n'existe que pour une rubrique de projets : une rubrique "
        "d'économies n'a pas d'enveloppe à ne pas dépasser."
    ]
    assert not Category.objects.exists()


def test_the_knapsack_mode_is_refused_on_the_savings_side_of_a_mixed_campaign(admin):
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign,
            by=admin,
            name="Économies",
            savings_target=Decimal("1"),
            knapsack=True,
        )
    )

    assert "knapsack" in errors
    assert not Category.objects.exists()


def test_a_savings_category_needs_a_target_and_no_envelope(admin):
    campaign = make_campaign(phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(campaign=campaign, by=admin, name="Sport", envelope=Decimal("5"))
    )

    assert errors["savings_target"] == [
        "Une rubrique d'économies a un objectif : indiquez son montant annuel."
    ]
    assert errors["envelope"] == [
        "Une campagne d'économies n'a pas d'enveloppe de projets : laissez vide."
    ]
    assert not Category.objects.exists()


def test_a_projects_category_needs_an_envelope_and_no_target(admin):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign, by=admin, name="Quartiers", savings_target=Decimal("5")
        )
    )

    assert errors["envelope"] == ["Une rubrique de projets a une enveloppe : indiquez son montant."]
    assert errors["savings_target"] == [
        "Une campagne de projets n'a pas d'objectif d'économies : laissez vide."
    ]
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    "amounts",
    [{}, {"envelope": Decimal("10"), "savings_target": Decimal("10")}],
    ids=["neither", "both"],
)
def test_a_mixed_campaign_category_is_either_projects_or_savings(admin, amounts):
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.DRAFT)

    errors = errors_of(lambda: category_create(campaign=campaign, by=admin, name="R", **amounts))

    assert errors["__all__"][0].startswith("Dans une campagne mixte, une rubrique est soit")
    assert not Category.objects.exists()


def test_a_mixed_campaign_has_both_kinds_of_categories(admin):
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.DRAFT)

    category_create(campaign=campaign, by=admin, name="Projets", envelope=Decimal("100000"))
    category_create(campaign=campaign, by=admin, name="Économies", savings_target=Decimal("5"))

    assert campaign.categories.count() == 2


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("savings_target", Decimal("-1"), "L'objectif d'économies ne peut pas être négatif."),
        ("vote_cap", 0, "Le nombre de votes par votant est d'au moins 1 (vide : sans limite)."),
        ("min_approvals", -3, "Le nombre minimal de voix ne peut pas être négatif."),
    ],
)
def test_it_mirrors_the_database_constraints(admin, field, value, message):
    campaign = make_campaign(phase=Phase.DRAFT)
    values = {"savings_target": Decimal("1000"), field: value}

    errors = errors_of(lambda: category_create(campaign=campaign, by=admin, name="R", **values))

    assert message in errors[field]
    assert not Category.objects.exists()


def test_a_negative_envelope_is_refused(admin):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.DRAFT)

    errors = errors_of(
        lambda: category_create(campaign=campaign, by=admin, name="R", envelope=Decimal("-5"))
    )

    assert errors["envelope"] == ["L'enveloppe ne peut pas être négative."]
    assert not Category.objects.exists()


def test_two_categories_of_a_campaign_cannot_share_a_name(admin):
    campaign = make_campaign(phase=Phase.DRAFT)
    make_category(campaign, name="Sport")

    errors = errors_of(
        lambda: category_create(
            campaign=campaign, by=admin, name="Sport", savings_target=Decimal("1")
        )
    )

    assert errors["name"] == ["Une autre rubrique de cette campagne s'appelle déjà « Sport »."]
    assert campaign.categories.count() == 1


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.TALLY, Phase.ANSWERED])
def test_no_category_is_added_once_voting_has_started(admin, phase):
    campaign = make_campaign(phase=phase)

    errors = errors_of(
        lambda: category_create(
            campaign=campaign, by=admin, name="Nouvelle", savings_target=Decimal("1")
        )
    )

    assert errors["__all__"] == [FROZEN + "aucune rubrique ne peut être ajoutée."]
    assert not Category.objects.exists()


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_writes_categories(roles):
    campaign = make_campaign(phase=Phase.DRAFT)
    category = make_category(campaign, vote_cap=2)
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        category_create(campaign=campaign, by=user, name="R", savings_target=Decimal("1"))
    with pytest.raises(PermissionDenied):
        category_update(category=category, by=user, vote_cap=3)
    with pytest.raises(PermissionDenied):
        category_delete(category=category, by=user)

    assert list(campaign.categories.values_list("vote_cap", flat=True)) == [2]


# --- changes ---------------------------------------------------------------------------------


def test_the_caps_may_change_until_the_vote_opens(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    category = make_category(campaign, vote_cap=2, savings_target=Decimal("50000"))

    category_update(category=category, by=admin, vote_cap=3, savings_target=Decimal("60000"))

    saved = Category.objects.get(pk=category.pk)
    assert (saved.vote_cap, saved.savings_target) == (3, Decimal("60000"))
    assert category.vote_cap == 3


@pytest.mark.parametrize(
    "kind,field,value",
    [
        (Campaign.Kind.SAVINGS, "vote_cap", 5),
        (Campaign.Kind.SAVINGS, "vote_cap", None),
        (Campaign.Kind.SAVINGS, "savings_target", Decimal("1")),
        (Campaign.Kind.SAVINGS, "min_approvals", 10),
        (Campaign.Kind.PROJECTS, "knapsack", True),
        (Campaign.Kind.PROJECTS, "envelope", Decimal("999999")),
    ],
)
def test_the_voting_rules_cannot_change_once_the_vote_is_open(admin, kind, field, value):
    campaign = make_campaign(kind=kind, phase=Phase.VOTING)
    category = make_category(campaign, name="Sport", vote_cap=2)
    before = snapshot(category)

    errors = errors_of(lambda: category_update(category=category, by=admin, **{field: value}))

    label = str(Category._meta.get_field(field).verbose_name)
    assert errors["__all__"] == [
        FROZEN + f"la rubrique « Sport » garde les règles annoncées aux votants ({label})."
    ]
    assert snapshot(category) == before


def test_the_name_and_description_may_be_corrected_during_the_vote(admin):
    campaign = make_campaign(phase=Phase.VOTING)
    category = make_category(campaign, name="Sprot", vote_cap=2)

    category_update(category=category, by=admin, name="Sport", description="Corrigé.", vote_cap=2)

    saved = Category.objects.get(pk=category.pk)
    assert (saved.name, saved.description, saved.vote_cap) == ("Sport", "Corrigé.", 2)


def test_an_update_is_checked_like_a_creation(admin):
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.DRAFT)
    category = make_category(campaign, envelope=None, savings_target=Decimal("10"))
    before = snapshot(category)

    errors = errors_of(lambda: category_update(category=category, by=admin, knapsack=True))

    assert "knapsack" in errors
    assert snapshot(category) == before


def test_an_update_refuses_unknown_fields(admin):
    category = make_category(make_campaign(phase=Phase.DRAFT))

    with pytest.raises(TypeError):
        category_update(category=category, by=admin, campaign=make_campaign())


# --- deletion --------------------------------------------------------------------------------


def test_an_empty_category_is_deleted(admin):
    category = make_category(make_campaign(phase=Phase.FRAMING))

    category_delete(category=category, by=admin)

    assert not Category.objects.exists()


def test_a_category_with_proposals_is_not_deleted(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    category = make_category(campaign, name="Sport")
    make_proposal(campaign, category=category)
    make_proposal(campaign, category=category)

    errors = errors_of(lambda: category_delete(category=category, by=admin))

    assert errors["__all__"] == [
        "La rubrique « Sport » contient 2 proposition(s) : déplacez-les avant de la supprimer."
    ]
    assert Category.objects.filter(pk=category.pk).exists()


def test_no_category_is_deleted_once_voting_has_started(admin):
    category = make_category(make_campaign(phase=Phase.VOTING), name="Sport")

    errors = errors_of(lambda: category_delete(category=category, by=admin))

    assert errors["__all__"] == [FROZEN + "la rubrique « Sport » ne peut plus être supprimée."]
    assert Category.objects.filter(pk=category.pk).exists()
