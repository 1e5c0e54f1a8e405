"""/gestion/services/…: the administrator's list of services, creation and edition."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import make_service
from votes.instruction.models import Service

pytestmark = pytest.mark.django_db

LIST = reverse("votes:instruction_services")
CREATE = reverse("votes:instruction_service_create")


@pytest.fixture
def admin(client):
    user = make_user(roles=(ADMINISTRATOR,))
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_login(client):
    service = make_service(make_authority())
    edit = reverse("votes:instruction_service_edit", kwargs={"pk": service.pk})

    for url in (LIST, CREATE, edit):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,), (MODERATOR,), ()])
def test_only_administrators_manage_services(client, roles):
    service = make_service(make_authority(), name="Voirie")
    client.force_login(make_user(roles=roles))
    edit = reverse("votes:instruction_service_edit", kwargs={"pk": service.pk})

    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"name": "X"}).status_code == 403
    assert client.post(edit, {"name": "Autre"}).status_code == 403
    service.refresh_from_db()
    assert service.name == "Voirie"


def test_the_list_shows_services_and_members(client, admin):
    instructor = make_user(username="ines", roles=(INSTRUCTOR,))
    make_service(make_authority(name="Lorme"), name="Voirie", members=[instructor])

    response = client.get(LIST)

    body = response.content.decode()
    assert "Voirie" in body and "Lorme" in body and "ines" in body


def test_an_administrator_creates_a_service(client, admin):
    authority = make_authority()
    instructor = make_user(roles=(INSTRUCTOR,))

    response = client.post(
        CREATE, {"authority": authority.pk, "name": "Sports", "members": [instructor.pk]}
    )

    assert response.status_code == 302
    service = Service.objects.get()
    assert (service.authority, service.name) == (authority, "Sports")
    assert list(service.members.all()) == [instructor]


def test_only_instructors_are_offered_as_members(client, admin):
    make_user(username="clerk")
    make_user(username="ines", roles=(INSTRUCTOR,))

    response = client.get(CREATE)

    choices = [user.get_username() for user in response.context["form"].fields["members"].queryset]
    assert choices == ["ines"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Sports"}, "authority", "Choisissez la collectivité du service."),
        ({"name": ""}, "name", "Donnez un nom au service."),
    ],
)
def test_bad_input_is_refused_in_place(client, admin, data, field, message):
    authority = make_authority()
    payload = {"authority": authority.pk, **data}
    if field == "authority":
        payload.pop("authority")

    response = client.post(CREATE, payload)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Service.objects.exists()


def test_a_duplicate_name_is_refused_in_place(client, admin):
    authority = make_authority()
    make_service(authority, name="Sports")

    response = client.post(CREATE, {"authority": authority.pk, "name": "Sports"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Un service « Sports » existe déjà pour cette collectivité."
    ]
    assert Service.objects.count() == 1


def test_an_administrator_edits_a_service(client, admin):
    service = make_service(make_authority(), name="Voirie")
    instructor = make_user(roles=(INSTRUCTOR,))
    edit = reverse("votes:instruction_service_edit", kwargs={"pk": service.pk})

    response = client.post(edit, {"name": "Voirie et réseaux", "members": [instructor.pk]})

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Voirie et réseaux"
    assert list(service.members.all()) == [instructor]


def test_an_unknown_service_is_404(client, admin):
    url = reverse("votes:instruction_service_edit", kwargs={"pk": 999})

    assert client.get(url).status_code == 404
