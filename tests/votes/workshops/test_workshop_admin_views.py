"""/gestion/ateliers/: the facilitator prepares a workshop, its groups and their codes."""

from __future__ import annotations

import html

import pytest
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from simulator.models import Scenario
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.voting.models import VotingCodeBatch
from votes.workshops.models import Workshop, WorkshopGroup

pytestmark = pytest.mark.django_db
LIST = "/gestion/ateliers/"


@pytest.fixture
def setup():
    return make_workshop_setup()


def body(response) -> str:
    return html.unescape(response.content.decode())


def setup_url(setup) -> str:
    return f"/gestion/ateliers/{setup.workshop.pk}/"


def test_the_list_shows_the_facilitator_own_workshops(client, setup):
    make_workshop_setup(facilitator=make_user(roles=(FACILITATOR,)))
    client.force_login(setup.facilitator)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Vos ateliers" in body(response)
    assert body(response).count("Atelier du panel</a>") == 1
    assert "Préparer un atelier" in body(response)


def test_an_administrator_lists_every_workshop(client, setup):
    make_workshop_setup()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(LIST)

    assert "Tous les ateliers" in body(response)
    assert body(response).count("Atelier du panel</a>") == 2


def test_the_facilitator_creates_a_workshop_and_runs_it(client, setup):
    client.force_login(setup.facilitator)

    response = client.post(
        LIST,
        {
            "campaign": setup.campaign.pk,
            "title": "Deuxième atelier",
            "starts_at": "2026-10-10T14:00",
            "place": "Mairie",
        },
    )

    workshop = Workshop.objects.get(title="Deuxième atelier")
    assert response["Location"] == f"/gestion/ateliers/{workshop.pk}/"
    assert workshop.facilitator == setup.facilitator
    assert timezone.localtime(workshop.starts_at).hour == 14  # Paris time, as typed
    assert workshop.place == "Mairie"


def test_a_bad_workshop_is_refused_in_place_and_nothing_is_written(client, setup):
    client.force_login(setup.facilitator)

    response = client.post(LIST, {"campaign": setup.campaign.pk, "title": "", "starts_at": "hier"})

    assert response.status_code == 400
    assert "Le formulaire n'a pas été enregistré" in body(response)
    assert "Ce champ est obligatoire." in body(response)
    assert "Saisissez une date et une heure valides." in body(response)
    assert Workshop.objects.count() == 1


def test_a_campaign_without_budget_is_not_offered(client, setup):
    campaign = make_campaign(title="Sans budget")
    campaign.budget = None
    campaign.save()
    client.force_login(setup.facilitator)

    assert "Sans budget" not in body(client.get(LIST))


def test_the_setup_page_shows_each_code_large_with_its_qr_code(client, setup):
    make_group(setup, "Table 1", join_code="CANARD", kind="young")
    client.force_login(setup.facilitator)

    response = client.get(setup_url(setup))

    text = body(response)
    assert response.status_code == 200
    assert '<strong class="join-code">CANARD</strong>' in text
    assert "Jeunes" in text
    assert "http://testserver/atelier/?code=CANARD" in text
    assert 'aria-label="Code QR pour rejoindre le groupe « Table 1 »"' in text
    assert "<svg" in text
    assert "Clore l'atelier" in text


def test_the_facilitator_adds_a_group(client, setup):
    client.force_login(setup.facilitator)

    response = client.post(
        f"{setup_url(setup)}groupes/", {"name": "Table 1", "kind": "women"}, follow=True
    )

    group = WorkshopGroup.objects.get()
    assert (group.name, group.kind, group.workshop) == ("Table 1", "women", setup.workshop)
    assert f"Groupe « Table 1 » ajouté : son code est {group.join_code}." in body(response)
    assert group.scenario.owner is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": ""}, "Ce champ est obligatoire."),
        ({"name": "Table 1", "kind": "martiens"}, "Sélectionnez un choix valide."),
        ({"name": "Table 1", "kind": ""}, "existe déjà"),
    ],
)
def test_a_bad_group_is_refused_in_place_and_nothing_is_written(client, setup, data, message):
    make_group(setup, "Table 1")
    client.force_login(setup.facilitator)

    response = client.post(f"{setup_url(setup)}groupes/", data)

    assert response.status_code == 400
    assert message in body(response)
    assert WorkshopGroup.objects.count() == 1
    assert Scenario.objects.count() == 1


def test_the_facilitator_deletes_a_group(client, setup):
    group = make_group(setup, "Table 1")
    client.force_login(setup.facilitator)

    response = client.post(f"{setup_url(setup)}groupes/{group.pk}/supprimer/", follow=True)

    assert "Groupe « Table 1 » supprimé." in body(response)
    assert not WorkshopGroup.objects.exists() and not Scenario.objects.exists()


def test_a_group_of_another_workshop_cannot_be_deleted_from_this_one(client, setup):
    other = make_workshop_setup(facilitator=setup.facilitator)
    group = make_group(other, "Table 1")
    client.force_login(setup.facilitator)

    response = client.post(f"{setup_url(setup)}groupes/{group.pk}/supprimer/")

    assert response.status_code == 404
    assert WorkshopGroup.objects.count() == 1


def test_the_facilitator_edits_the_details_and_links_a_code_batch(client, setup):
    batch = VotingCodeBatch.objects.create(
        campaign=setup.campaign,
        label="Panel du 3 octobre",
        size=20,
        salt="x",
        created_by=setup.facilitator,
    )
    client.force_login(setup.facilitator)

    response = client.post(
        setup_url(setup),
        {
            "title": "Atelier n° 1",
            "starts_at": "2026-10-03T09:00",
            "place": "Mairie",
            "code_batch": batch.pk,
        },
        follow=True,
    )

    setup.workshop.refresh_from_db()
    assert (setup.workshop.title, setup.workshop.code_batch) == ("Atelier n° 1", batch)
    assert "Les membres du panel votent avec les codes du lot « Panel du 3 octobre »" in body(
        response
    )
    # Only an administrator may hand the workshop over: the field is not there.
    assert 'name="facilitator"' not in body(response)


def test_a_batch_of_another_campaign_is_not_a_choice(client, setup):
    batch = VotingCodeBatch.objects.create(
        campaign=make_campaign(), label="Autre", size=1, salt="x", created_by=setup.facilitator
    )
    client.force_login(setup.facilitator)

    response = client.post(
        setup_url(setup),
        {"title": "Atelier", "starts_at": "2026-10-03T09:00", "code_batch": batch.pk},
    )

    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in body(response)
    setup.workshop.refresh_from_db()
    assert setup.workshop.code_batch is None


def test_an_administrator_hands_the_workshop_to_another_facilitator(client, setup):
    colleague = make_user(username="camille", roles=(FACILITATOR,))
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    client.post(
        setup_url(setup),
        {"title": "Atelier", "starts_at": "2026-10-03T09:00", "facilitator": colleague.pk},
    )

    setup.workshop.refresh_from_db()
    assert setup.workshop.facilitator == colleague


def test_closing_the_workshop(client, setup):
    client.force_login(setup.facilitator)

    response = client.post(f"{setup_url(setup)}clore/", follow=True)

    setup.workshop.refresh_from_db()
    assert setup.workshop.status == Workshop.Status.CLOSED
    assert "Atelier clos" in body(response)
    assert "Ajouter le groupe" not in body(response)


URLS = ["", "groupes/", "clore/", "suivi/"]


@pytest.mark.parametrize("suffix", ["", "suivi/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, setup, suffix):
    response = client.get(setup_url(setup) + suffix)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_an_anonymous_visitor_cannot_list_or_create(client, setup):
    assert client.get(LIST)["Location"].startswith("/connexion/?next=")
    client.post(
        LIST, {"campaign": setup.campaign.pk, "title": "x", "starts_at": "2026-10-10T14:00"}
    )
    assert Workshop.objects.count() == 1


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,)])
def test_other_roles_are_refused_everywhere(client, setup, roles):
    group = make_group(setup, "Table 1")
    client.force_login(make_user(roles=roles))

    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"title": "x"}).status_code == 403
    for suffix in URLS:
        assert client.get(setup_url(setup) + suffix).status_code in (403, 405)
    assert client.post(f"{setup_url(setup)}groupes/", {"name": "T2"}).status_code == 403
    assert client.post(f"{setup_url(setup)}groupes/{group.pk}/supprimer/").status_code == 403
    assert client.post(f"{setup_url(setup)}clore/").status_code == 403
    assert WorkshopGroup.objects.count() == 1
    assert Workshop.objects.get().status == Workshop.Status.OPEN


def test_another_facilitator_cannot_touch_a_workshop_not_theirs(client, setup):
    group = make_group(setup, "Table 1")
    client.force_login(make_user(roles=(FACILITATOR,)))

    assert client.get(LIST).status_code == 200
    assert client.get(setup_url(setup)).status_code == 403
    assert client.post(setup_url(setup), {"title": "Pris"}).status_code == 403
    assert client.post(f"{setup_url(setup)}groupes/", {"name": "T2"}).status_code == 403
    assert client.post(f"{setup_url(setup)}groupes/{group.pk}/supprimer/").status_code == 403
    assert client.post(f"{setup_url(setup)}clore/").status_code == 403
    assert client.get(f"{setup_url(setup)}suivi/").status_code == 403
    setup.workshop.refresh_from_db()
    assert setup.workshop.title == "Atelier du panel"
    assert setup.workshop.status == Workshop.Status.OPEN
    assert WorkshopGroup.objects.count() == 1


def test_the_navigation_shows_the_workshops_to_facilitators_only(client, setup):
    client.force_login(setup.facilitator)
    assert 'href="/gestion/ateliers/">Ateliers</a>' in body(client.get(LIST))

    client.force_login(make_user(roles=(MODERATOR,)))
    assert 'href="/gestion/ateliers/"' not in body(client.get("/campagnes/"))
