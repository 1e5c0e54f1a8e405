"""/gestion/ateliers/<id>/consolidation/: the facilitator picks measures, the panel proposes."""

from __future__ import annotations

import html

import pytest

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.proposals.models import Proposal
from votes.workshops.consolidation import workshop_consolidate
from votes.workshops.models import WorkshopGroup, WorkshopProposal
from votes.workshops.services import group_choices_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Table 1 chose the pool and the lights, Table 2 the lights, Table 3 nothing."""
    setup = make_workshop_setup()
    one = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)
    two = make_group(setup, "Table 2")
    make_group(setup, "Table 3")
    group_choices_save(group=one, measures=["piscine-lundi", "eclairage-nuit"])
    group_choices_save(group=two, measures=["eclairage-nuit"])
    setup.sport = setup.campaign.categories.get(name="Sport")
    return setup


def url(setup) -> str:
    return f"/gestion/ateliers/{setup.workshop.pk}/consolidation/"


def body(response) -> str:
    return html.unescape(response.content.decode())


def post(client, setup, measures, **data):
    data.setdefault("panel_name", "Panel citoyen")
    data.setdefault("category", setup.sport.pk)
    return client.post(url(setup), {"measures": [m.pk for m in measures], **data})


def test_every_chosen_measure_is_offered_with_the_consensus_preselected(client, setup):
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    lights = page[page.index(f'name="measures" value="{setup.lights.pk}"') :]
    assert lights.split(">", 1)[0].endswith("checked")
    assert "Éteindre l'éclairage la nuit — 2 groupes sur 3 · consensus" in page
    pool = page[page.index(f'name="measures" value="{setup.pool.pk}"') :]
    assert not pool.split(">", 1)[0].endswith("checked")
    assert "Fermer la piscine le lundi — 1 groupe sur 3</label>" in page
    assert 'name="panel_name" value="Panel citoyen"' in page
    assert '<option value="' + str(setup.sport.pk) + '">Sport</option>' in page
    assert "Aucune proposition pour l'instant." in page


def test_the_picked_measures_become_proposals_listed_with_links(client, setup):
    client.force_login(setup.facilitator)

    response = post(client, setup, [setup.lights, setup.pool], panel_name="Panel de l'Est")

    assert response.status_code == 302
    assert response["Location"] == url(setup) + "#propositions"
    lights, pool = Proposal.objects.order_by("reference")
    assert (lights.measure, pool.measure) == (setup.lights, setup.pool)
    assert {lights.author_label, pool.author_label} == {"Panel de l'Est"}
    page = body(client.get(response["Location"]))
    assert "2 propositions du panel créées : P-0001, P-0002." in page
    assert (
        f'<a href="{lights.get_absolute_url()}">P-0001 — Éteindre l\'éclairage la nuit</a>' in page
    )
    assert "Choisie par : Table 1, Table 2" in page
    # Carried measures are no longer offered.
    assert f'name="measures" value="{setup.lights.pk}"' not in page
    assert (
        "Toutes les mesures choisies par les groupes sont déjà des propositions du panel." in page
    )


def test_the_created_proposal_page_shows_the_panel_as_its_author(client, setup):
    client.force_login(setup.facilitator)
    post(client, setup, [setup.lights])

    page = body(client.get(Proposal.objects.get().get_absolute_url()))

    assert "Panel citoyen" in page
    assert "Table 1" in page


def test_nothing_picked_is_refused_in_place_and_nothing_is_written(client, setup):
    client.force_login(setup.facilitator)

    response = post(client, setup, [])

    assert response.status_code == 400
    page = body(response)
    assert "Le formulaire n'a pas été enregistré" in page
    assert "Cochez au moins une mesure à transformer en proposition du panel." in page
    assert not Proposal.objects.exists()


def test_a_missing_category_is_refused_in_place_and_nothing_is_written(client, setup):
    client.force_login(setup.facilitator)

    response = post(client, setup, [setup.lights], category="")

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in body(response)
    assert not Proposal.objects.exists()


def test_a_measure_no_group_chose_cannot_be_posted(client, setup):
    group_choices_save(group=setup.workshop.groups.get(name="Table 1"), measures=[])
    client.force_login(setup.facilitator)

    response = post(client, setup, [setup.pool])

    assert response.status_code == 400
    assert f"Sélectionnez un choix valide. {setup.pool.pk} n’en fait pas partie." in body(response)
    assert not Proposal.objects.exists()


def test_an_empty_panel_name_is_refused_in_place_and_nothing_is_written(client, setup):
    client.force_login(setup.facilitator)

    response = post(client, setup, [setup.lights], panel_name="  ")

    assert response.status_code == 400
    assert "Indiquez le nom du panel : il signe ses propositions." in body(response)
    assert not Proposal.objects.exists()


def test_outside_the_proposals_phase_the_page_warns_and_a_post_is_refused(client, setup):
    setup.campaign.phase = "supports"
    setup.campaign.save()
    client.force_login(setup.facilitator)

    warned = body(client.get(url(setup)))
    response = post(client, setup, [setup.lights])

    message = "Impossible de déposer une proposition : la campagne « %s » est en phase « Soutiens »"
    assert message % setup.campaign.title in warned
    assert response.status_code == 400
    assert message % setup.campaign.title in body(response)
    assert not Proposal.objects.exists()


def test_the_proposals_already_made_are_listed_and_not_offered_again(client, setup):
    workshop_consolidate(
        workshop=setup.workshop,
        by=setup.facilitator,
        measure_ids=[setup.lights.pk],
        panel_name="Panel citoyen",
        category=setup.sport,
    )
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    assert f'name="measures" value="{setup.lights.pk}"' not in page
    assert f'name="measures" value="{setup.pool.pk}"' in page
    assert "P-0001 — Éteindre l'éclairage la nuit" in page
    assert WorkshopProposal.objects.count() == 1


def test_an_administrator_consolidates_any_workshop(client, setup):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = post(client, setup, [setup.pool])

    assert response.status_code == 302
    assert Proposal.objects.get().author is None


@pytest.mark.parametrize(
    "roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,), (FACILITATOR,)]
)
def test_nobody_else_reaches_the_consolidation(client, setup, roles):
    # (FACILITATOR,): another facilitator, who does not run this workshop.
    client.force_login(make_user(roles=roles))

    assert client.get(url(setup)).status_code == 403
    assert post(client, setup, [setup.lights]).status_code == 403
    assert not Proposal.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, setup):
    response = post(client, setup, [setup.lights])

    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url(setup)}"
    assert not Proposal.objects.exists()
