from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.guarantor.factories import guarantor_of, make_guarantor
from votes.guarantor.models import Guarantor, GuarantorRemark
from votes.guarantor.services import (
    REMARK_MAX_LENGTH,
    guarantor_assign,
    guarantor_remove,
    remark_publish,
)

pytestmark = pytest.mark.django_db


# --- assignment -------------------------------------------------------------------------------


def test_an_administrator_assigns_a_guarantor_to_one_campaign():
    campaign = make_campaign()
    admin = make_user(roles=(ADMINISTRATOR,))
    user = make_user()

    guarantor = guarantor_assign(campaign=campaign, user=user, title="  Garante CNDP ", by=admin)

    assert (guarantor.campaign, guarantor.user, guarantor.title) == (campaign, user, "Garante CNDP")
    assert guarantor.assigned_by == admin


@pytest.mark.parametrize("roles", [(), (FINANCE,), (MODERATOR,), (OFFICER,)])
def test_only_an_administrator_assigns(roles):
    campaign = make_campaign()

    with pytest.raises(PermissionDenied):
        guarantor_assign(
            campaign=campaign, user=make_user(), title="Garant", by=make_user(roles=roles)
        )

    assert not Guarantor.objects.exists()


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE, MODERATOR, OFFICER])
def test_a_team_member_cannot_be_the_guarantor(role):
    campaign = make_campaign()
    member = make_user(username="marie", roles=(role,))

    with pytest.raises(ValidationError) as refused:
        guarantor_assign(
            campaign=campaign, user=member, title="Garant", by=make_user(roles=(ADMINISTRATOR,))
        )

    assert refused.value.message_dict["user"] == [
        f"« marie » fait partie de l'équipe (rôle {role}) : un garant est indépendant et ne "
        "peut pas en être."
    ]
    assert not Guarantor.objects.exists()


def test_a_superuser_cannot_be_the_guarantor():
    boss = make_user(username="root", is_superuser=True)

    with pytest.raises(ValidationError) as refused:
        guarantor_assign(
            campaign=make_campaign(), user=boss, title="G", by=make_user(roles=(ADMINISTRATOR,))
        )

    assert "superutilisateur" in refused.value.message_dict["user"][0]
    assert not Guarantor.objects.exists()


def test_the_title_is_required():
    with pytest.raises(ValidationError) as refused:
        guarantor_assign(
            campaign=make_campaign(),
            user=make_user(),
            title="  ",
            by=make_user(roles=(ADMINISTRATOR,)),
        )

    assert refused.value.message_dict["title"] == [
        "Indiquez la qualité du garant (signée sous ses remarques)."
    ]
    assert not Guarantor.objects.exists()


def test_the_same_person_is_assigned_once():
    campaign = make_campaign()
    user = make_guarantor(campaign)

    with pytest.raises(ValidationError) as refused:
        guarantor_assign(
            campaign=campaign, user=user, title="Encore", by=make_user(roles=(ADMINISTRATOR,))
        )

    assert "est déjà garant de cette campagne" in refused.value.message_dict["user"][0]
    assert Guarantor.objects.count() == 1


def test_removing_a_guarantor_keeps_their_remarks():
    campaign = make_campaign()
    user = make_guarantor(campaign)
    remark = remark_publish(campaign=campaign, by=user, text="Tout est en ordre.")

    guarantor_remove(guarantor=guarantor_of(campaign, user), by=make_user(roles=(ADMINISTRATOR,)))

    assert not Guarantor.objects.exists()
    assert GuarantorRemark.objects.get().pk == remark.pk


def test_only_an_administrator_removes_a_guarantor():
    campaign = make_campaign()
    user = make_guarantor(campaign)

    with pytest.raises(PermissionDenied):
        guarantor_remove(guarantor=guarantor_of(campaign, user), by=user)

    assert Guarantor.objects.count() == 1


# --- remarks ----------------------------------------------------------------------------------


def test_the_guarantor_publishes_a_dated_signed_remark():
    campaign = make_campaign()
    user = make_guarantor(campaign, title="Garante de la concertation")

    remark = remark_publish(campaign=campaign, by=user, text="  Le vote s'est bien passé.  ")

    assert remark.text == "Le vote s'est bien passé."
    assert (remark.signed_name, remark.signed_title) == (
        "Claire Garant",
        "Garante de la concertation",
    )
    assert remark.published_at is not None
    assert remark.author == user


@pytest.mark.parametrize("who", ["administrator", "other_guarantor", "anonymous", "nobody"])
def test_only_the_campaigns_guarantor_publishes(who):
    campaign = make_campaign()
    make_guarantor(campaign)
    other = make_campaign()
    user = {
        "administrator": make_user(roles=(ADMINISTRATOR,)),
        "other_guarantor": make_guarantor(other),
        "anonymous": AnonymousUser(),
        "nobody": make_user(),
    }[who]

    with pytest.raises(PermissionDenied):
        remark_publish(campaign=campaign, by=user, text="Je m'en mêle.")

    assert not GuarantorRemark.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "La remarque est vide."),
        (
            "x" * (REMARK_MAX_LENGTH + 1),
            f"La remarque dépasse {REMARK_MAX_LENGTH} caractères (5001).",
        ),
    ],
)
def test_a_bad_remark_is_refused_with_its_reason(text, message):
    campaign = make_campaign()
    user = make_guarantor(campaign)

    with pytest.raises(ValidationError) as refused:
        remark_publish(campaign=campaign, by=user, text=text)

    assert refused.value.message_dict["text"] == [message]
    assert not GuarantorRemark.objects.exists()


def test_a_correction_points_to_a_remark_of_the_same_campaign():
    campaign, other = make_campaign(), make_campaign()
    user = make_guarantor(campaign)
    other_remark = remark_publish(campaign=other, by=make_guarantor(other), text="Ailleurs.")

    with pytest.raises(ValidationError) as refused:
        remark_publish(campaign=campaign, by=user, text="Correction.", corrects=other_remark)

    assert refused.value.message_dict["corrects"] == ["Cette remarque n'est pas de cette campagne."]
    assert GuarantorRemark.objects.filter(campaign=campaign).count() == 0


def test_a_mistake_is_corrected_by_a_new_remark():
    campaign = make_campaign()
    user = make_guarantor(campaign)
    first = remark_publish(campaign=campaign, by=user, text="Trois bureaux.")

    second = remark_publish(campaign=campaign, by=user, text="Quatre bureaux.", corrects=first)

    first.refresh_from_db()
    assert first.text == "Trois bureaux."
    assert second.corrects == first


def test_a_published_remark_can_be_neither_changed_nor_deleted():
    campaign = make_campaign()
    remark = remark_publish(campaign=campaign, by=make_guarantor(campaign), text="Dit.")

    remark.text = "Autre chose."
    with pytest.raises(ValueError, match="ne se modifie pas"):
        remark.save()
    with pytest.raises(ValueError, match="ne se supprime pas"):
        remark.delete()

    assert GuarantorRemark.objects.get().text == "Dit."


def test_a_duplicate_that_slips_past_the_check_gets_the_same_message(monkeypatch):
    # Two administrators at once: both pass the existence check; the constraint decides.
    campaign = make_campaign()
    user = make_guarantor(campaign)
    monkeypatch.setattr(Guarantor.objects, "filter", lambda **kw: Guarantor.objects.none())

    with pytest.raises(ValidationError) as refused:
        guarantor_assign(
            campaign=campaign, user=user, title="Encore", by=make_user(roles=(ADMINISTRATOR,))
        )

    assert "est déjà garant de cette campagne" in refused.value.message_dict["user"][0]
    monkeypatch.undo()
    assert Guarantor.objects.count() == 1
