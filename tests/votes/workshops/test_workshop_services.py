"""Workshop and group services: who may run a workshop, groups and their scenarios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FACILITATOR, MODERATOR
from simulator.models import Scenario
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.voting.models import VotingCodeBatch
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.services import (
    JOIN_CODE_ALPHABET,
    campaign_target,
    group_create,
    group_delete,
    workshop_close,
    workshop_create,
    workshop_update,
    workshops_for,
)

pytestmark = pytest.mark.django_db

STARTS = timezone.make_aware(dt.datetime(2026, 10, 3, 9, 30))


@pytest.fixture
def setup():
    return make_workshop_setup()


def test_the_creator_facilitates_the_new_open_workshop(setup):
    workshop = setup.workshop

    assert workshop.facilitator == setup.facilitator
    assert workshop.status == Workshop.Status.OPEN
    assert (workshop.title, workshop.place) == ("Atelier du panel", "Médiathèque")


def test_only_facilitators_and_administrators_create_workshops(setup):
    with pytest.raises(PermissionDenied):
        workshop_create(
            campaign=setup.campaign,
            title="Atelier",
            starts_at=STARTS,
            by=make_user(roles=(MODERATOR,)),
        )
    admin = make_user(roles=(ADMINISTRATOR,))

    workshop = workshop_create(campaign=setup.campaign, title="Atelier", starts_at=STARTS, by=admin)

    assert workshop.facilitator == admin
    assert Workshop.objects.count() == 2


def test_a_campaign_without_budget_cannot_have_a_workshop():
    campaign = make_campaign()
    campaign.budget = None
    campaign.save()

    with pytest.raises(ValidationError) as error:
        workshop_create(
            campaign=campaign,
            title="Atelier",
            starts_at=STARTS,
            by=make_user(roles=(FACILITATOR,)),
        )

    assert "n'a pas de budget" in error.value.message_dict["campaign"][0]
    assert not Workshop.objects.exists()


def test_an_empty_title_is_refused(setup):
    with pytest.raises(ValidationError) as error:
        workshop_create(campaign=setup.campaign, title="  ", starts_at=STARTS, by=setup.facilitator)

    assert "title" in error.value.message_dict
    assert Workshop.objects.count() == 1


def test_the_campaign_target_is_the_sum_of_its_categories_targets(setup):
    assert campaign_target(setup.campaign) == Decimal("50000")


def test_without_category_targets_the_budget_target_counts():
    campaign = make_campaign()
    campaign.budget.savings_target = Decimal("12000")
    campaign.budget.save()

    assert campaign_target(campaign) == Decimal("12000")


def test_a_group_gets_a_code_and_an_ownerless_scenario_on_the_campaign_budget(setup):
    group = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)

    assert len(group.join_code) == 6 and set(group.join_code) <= set(JOIN_CODE_ALPHABET)
    scenario = group.scenario
    assert scenario.owner is None
    assert scenario.budget == setup.campaign.budget
    assert scenario.target == Decimal("50000")
    assert scenario.title == "Choix de « Table 1 »"
    assert not scenario.measures.exists()
    assert group.kind == "women"
    assert group.last_change_at is None


def test_groups_are_numbered_in_the_order_they_are_added(setup):
    first, second = make_group(setup, "Table 1"), make_group(setup, "Table 2")

    assert (first.position, second.position) == (0, 1)
    assert first.join_code != second.join_code


def test_two_groups_of_a_workshop_cannot_share_a_name(setup):
    make_group(setup, "Table 1")

    with pytest.raises(ValidationError):
        make_group(setup, " Table 1 ")

    assert WorkshopGroup.objects.count() == 1
    assert Scenario.objects.count() == 1


def test_a_fixed_code_must_be_a_valid_and_free_code(setup):
    make_group(setup, "Table 1", join_code="canard")

    with pytest.raises(ValidationError) as error:
        make_group(setup, "Table 2", join_code="CANARD")
    assert "join_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_group(setup, "Table 3", join_code="TABLE1")
    assert error.value.message_dict["join_code"][0].startswith(
        "Les codes de groupe ne contiennent jamais « 1 », « B », « L »"
    )

    assert list(WorkshopGroup.objects.values_list("join_code", flat=True)) == ["CANARD"]
    assert Scenario.objects.count() == 1


def test_another_facilitator_cannot_add_groups_to_a_workshop_not_theirs(setup):
    other = make_user(roles=(FACILITATOR,))

    with pytest.raises(PermissionDenied):
        group_create(workshop=setup.workshop, name="Table 1", by=other)

    assert not WorkshopGroup.objects.exists()


def test_an_administrator_runs_any_workshop(setup):
    admin = make_user(roles=(ADMINISTRATOR,))

    group = group_create(workshop=setup.workshop, name="Table 1", by=admin)

    assert group.workshop == setup.workshop


def test_deleting_a_group_deletes_its_scenario(setup):
    group = make_group(setup)
    make_group(setup, "Table 2")

    group_delete(group=group, by=setup.facilitator)

    assert list(WorkshopGroup.objects.values_list("name", flat=True)) == ["Table 2"]
    assert Scenario.objects.count() == 1


def test_closing_the_workshop_stops_new_and_deleted_groups(setup):
    group = make_group(setup)

    workshop_close(workshop=setup.workshop, by=setup.facilitator)

    setup.workshop.refresh_from_db()
    assert setup.workshop.status == Workshop.Status.CLOSED
    with pytest.raises(ValidationError, match="Cet atelier est clos"):
        make_group(setup, "Table 2")
    with pytest.raises(ValidationError, match="Cet atelier est clos"):
        group_delete(group=group, by=setup.facilitator)
    with pytest.raises(ValidationError, match="déjà clos"):
        workshop_close(workshop=setup.workshop, by=setup.facilitator)
    assert WorkshopGroup.objects.count() == 1


def test_another_facilitator_cannot_close_the_workshop(setup):
    with pytest.raises(PermissionDenied):
        workshop_close(workshop=setup.workshop, by=make_user(roles=(FACILITATOR,)))

    setup.workshop.refresh_from_db()
    assert setup.workshop.status == Workshop.Status.OPEN


def test_the_facilitator_updates_the_details_and_links_a_code_batch(setup):
    batch = VotingCodeBatch.objects.create(
        campaign=setup.campaign, label="Panel", size=20, salt="x", created_by=setup.facilitator
    )

    workshop_update(
        workshop=setup.workshop,
        by=setup.facilitator,
        title=" Atelier n° 1 ",
        place="Mairie",
        code_batch=batch,
    )

    setup.workshop.refresh_from_db()
    assert (setup.workshop.title, setup.workshop.place) == ("Atelier n° 1", "Mairie")
    assert setup.workshop.code_batch == batch


def test_a_code_batch_of_another_campaign_is_refused(setup):
    other = make_campaign()
    batch = VotingCodeBatch.objects.create(
        campaign=other, label="Autre", size=5, salt="x", created_by=setup.facilitator
    )

    with pytest.raises(ValidationError) as error:
        workshop_update(workshop=setup.workshop, by=setup.facilitator, code_batch=batch)

    assert error.value.message_dict["code_batch"] == [
        "Ce lot de codes de vote est celui d'une autre campagne."
    ]
    setup.workshop.refresh_from_db()
    assert setup.workshop.code_batch is None


def test_only_an_administrator_hands_a_workshop_over(setup):
    colleague = make_user(roles=(FACILITATOR,))
    with pytest.raises(PermissionDenied):
        workshop_update(workshop=setup.workshop, by=setup.facilitator, facilitator=colleague)
    with pytest.raises(ValidationError):
        workshop_update(
            workshop=setup.workshop,
            by=make_user(roles=(ADMINISTRATOR,)),
            facilitator=make_user(),
        )

    workshop_update(
        workshop=setup.workshop, by=make_user(roles=(ADMINISTRATOR,)), facilitator=colleague
    )

    setup.workshop.refresh_from_db()
    assert setup.workshop.facilitator == colleague


def test_facilitators_list_their_own_workshops_and_administrators_all(setup):
    other = make_user(roles=(FACILITATOR,))
    theirs = workshop_create(campaign=setup.campaign, title="Autre", starts_at=STARTS, by=other)

    assert list(workshops_for(setup.facilitator)) == [setup.workshop]
    assert list(workshops_for(other)) == [theirs]
    assert set(workshops_for(make_user(roles=(ADMINISTRATOR,)))) == {setup.workshop, theirs}
    assert not workshops_for(make_user(roles=(MODERATOR,))).exists()
