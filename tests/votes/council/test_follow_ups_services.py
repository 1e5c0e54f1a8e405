"""votes.council.follow_ups: status, progress and milestones of the adopted proposals."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from budget.roles import FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.council.test_answers_services import Council, answer_all, council_campaign
from votes.campaigns.workflow import council_answers_publish
from votes.council.follow_ups import follow_up_set, milestone_add, milestone_delete
from votes.council.models import FollowUp, Milestone

pytestmark = pytest.mark.django_db

Status = FollowUp.Status


def answered_campaign() -> Council:
    """P1 adopted, P2 adopted with changes, P3 deferred, P4 and P5 rejected; published."""
    c = council_campaign()
    answer_all(c)
    council_answers_publish(campaign=c.campaign, by=c.admin)
    c.campaign.refresh_from_db()
    for proposal in c.sent:
        proposal.campaign = c.campaign
    return c


def test_it_records_the_follow_up_of_an_adopted_proposal():
    c = answered_campaign()

    follow_up = follow_up_set(proposal=c.p1, by=c.admin, status=Status.IN_PROGRESS, progress=40)

    stored = FollowUp.objects.get(proposal=c.p1)
    assert stored == follow_up
    assert (stored.status, stored.progress, stored.updated_by) == (
        Status.IN_PROGRESS,
        40,
        c.admin,
    )


def test_adopted_with_changes_is_followed_too():
    c = answered_campaign()

    follow_up_set(proposal=c.p2, by=c.admin, status=Status.PLANNED, progress=0)

    assert FollowUp.objects.filter(proposal=c.p2).exists()


def test_it_updates_the_follow_up_in_place():
    c = answered_campaign()
    follow_up_set(proposal=c.p1, by=c.admin, status=Status.IN_PROGRESS, progress=40)

    follow_up_set(proposal=c.p1, by=c.admin, status=Status.DONE, progress=100)

    assert list(FollowUp.objects.values_list("status", "progress")) == [(Status.DONE, 100)]


@pytest.mark.parametrize("progress", [-1, 101, None])
def test_it_refuses_a_progress_out_of_range(progress):
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        follow_up_set(proposal=c.p1, by=c.admin, status=Status.IN_PROGRESS, progress=progress)

    assert error.value.message_dict["progress"] == ["L'avancement est un pourcentage, de 0 à 100."]
    assert not FollowUp.objects.exists()


def test_it_refuses_a_done_work_that_is_not_complete():
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        follow_up_set(proposal=c.p1, by=c.admin, status=Status.DONE, progress=80)

    assert error.value.message_dict["progress"] == [
        "Une réalisation terminée est avancée à 100 % : corrigez l'avancement ou l'état."
    ]
    assert not FollowUp.objects.exists()


def test_the_database_refuses_a_done_work_that_is_not_complete_too():
    c = answered_campaign()

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(proposal=c.p1, status=Status.DONE, progress=80, updated_by=c.admin)


def test_it_refuses_an_unknown_status():
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        follow_up_set(proposal=c.p1, by=c.admin, status="abandoned", progress=0)

    assert "État inconnu" in error.value.message_dict["status"][0]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("reference", [3, 4, 5])
def test_it_refuses_a_proposal_that_was_not_adopted(reference):
    c = answered_campaign()
    proposal = next(p for p in c.sent if p.reference == reference)

    with pytest.raises(ValidationError) as error:
        follow_up_set(proposal=proposal, by=c.admin, status=Status.PLANNED, progress=0)
    with pytest.raises(ValidationError):
        milestone_add(proposal=proposal, by=c.admin, on=date(2026, 3, 1), text="Étude.")

    assert error.value.messages == [
        f"La proposition {proposal.public_reference} n'a pas été adoptée par le conseil : "
        "seules les propositions adoptées ont un suivi de réalisation."
    ]
    assert not FollowUp.objects.exists()
    assert not Milestone.objects.exists()


def test_it_refuses_before_the_answers_are_published():
    c = council_campaign()
    answer_all(c)
    c.p1.campaign = c.campaign

    with pytest.raises(ValidationError) as error:
        follow_up_set(proposal=c.p1, by=c.admin, status=Status.PLANNED, progress=0)

    assert "commence une fois les avis du conseil publiés" in error.value.messages[0]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_follows_up(roles):
    c = answered_campaign()
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        follow_up_set(proposal=c.p1, by=user, status=Status.PLANNED, progress=0)
    with pytest.raises(PermissionDenied):
        milestone_add(proposal=c.p1, by=user, on=date(2026, 3, 1), text="Étude.")

    assert not FollowUp.objects.exists()


def test_a_milestone_starts_the_follow_up():
    c = answered_campaign()

    milestone = milestone_add(
        proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="  Étude   de faisabilité  "
    )

    assert milestone.text == "Étude de faisabilité"
    follow_up = FollowUp.objects.get(proposal=c.p1)
    assert (follow_up.status, follow_up.progress) == (Status.PLANNED, 0)
    assert list(follow_up.milestones.all()) == [milestone]


def test_milestones_are_listed_by_date():
    c = answered_campaign()
    late = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 9, 1), text="Travaux.")
    early = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="Étude.")

    assert list(FollowUp.objects.get().milestones.all()) == [early, late]


@pytest.mark.parametrize(
    ("on", "text", "field", "message"),
    [
        (None, "Étude.", "on", "Indiquez la date de l'étape."),
        (date(2026, 3, 1), "   ", "text", "Décrivez l'étape en quelques mots."),
        (date(2026, 3, 1), "x" * 301, "text", "L'étape est décrite en 300 caractères au plus."),
    ],
)
def test_it_refuses_a_bad_milestone(on, text, field, message):
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        milestone_add(proposal=c.p1, by=c.admin, on=on, text=text)

    assert error.value.message_dict[field] == [message]
    assert not Milestone.objects.exists()
    assert not FollowUp.objects.exists()


def test_it_deletes_a_milestone():
    c = answered_campaign()
    kept = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="Étude.")
    gone = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 4, 1), text="Erreur.")

    milestone_delete(milestone=gone, by=c.admin)

    assert list(Milestone.objects.all()) == [kept]


def test_only_an_administrator_deletes_a_milestone():
    c = answered_campaign()
    milestone = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="Étude.")

    with pytest.raises(PermissionDenied):
        milestone_delete(milestone=milestone, by=make_user(roles=(MODERATOR,)))

    assert Milestone.objects.count() == 1
