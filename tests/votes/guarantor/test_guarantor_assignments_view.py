from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR, FINANCE
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.guarantor.factories import guarantor_of, make_guarantor
from votes.guarantor.models import Guarantor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    return client


def test_an_administrator_assigns_by_username_or_email(admin_client):
    campaign = make_campaign()
    user = make_user(username="claire", email="claire@cndp.example")

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/garants/",
        {"account": "CLAIRE@cndp.example", "title": "Garante CNDP"},
    )

    assert response.status_code == 302
    assert guarantor_of(campaign, user).title == "Garante CNDP"


def test_an_unknown_account_is_refused_in_place(admin_client):
    campaign = make_campaign()

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/garants/", {"account": "personne", "title": "G"}
    )

    assert response.status_code == 200
    assert "Aucun compte unique ne porte l&#x27;identifiant ou l&#x27;adresse « personne »." in (
        response.content.decode()
    )
    assert not Guarantor.objects.exists()


def test_a_team_member_is_refused_with_the_reason_on_the_account_field(admin_client):
    campaign = make_campaign()
    make_user(username="fin", roles=(FINANCE,))

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/garants/", {"account": "fin", "title": "G"}
    )

    assert response.status_code == 200
    assert "un garant est indépendant" in response.content.decode()
    assert response.context["form"].errors["account"]
    assert not Guarantor.objects.exists()


def test_an_administrator_removes_a_guarantor(admin_client):
    campaign = make_campaign()
    guarantor = guarantor_of(campaign, make_guarantor(campaign))

    response = admin_client.post(
        f"/gestion/campagnes/{campaign.slug}/garants/{guarantor.pk}/retirer/"
    )

    assert response.status_code == 302
    assert not Guarantor.objects.exists()


def test_a_guarantor_cannot_remove_themself(client):
    campaign = make_campaign()
    user = make_guarantor(campaign)
    client.force_login(user)

    response = client.post(
        f"/gestion/campagnes/{campaign.slug}/garants/{guarantor_of(campaign, user).pk}/retirer/"
    )

    assert response.status_code == 403
    assert Guarantor.objects.count() == 1
