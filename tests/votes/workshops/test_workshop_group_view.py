"""/atelier/groupe/: the group's simulator, saved to its own scenario on every change."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from simulator.models import Measure
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.models import GroupArgument
from votes.workshops.services import group_choices_save, workshop_close

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
SCREEN = "/atelier/groupe/"


@pytest.fixture
def setup():
    return make_workshop_setup()


@pytest.fixture
def group(setup):
    return make_group(setup, "Table 1", join_code="CANARD")


@pytest.fixture
def tablet(group) -> Client:
    tablet = Client()
    tablet.post("/atelier/", {"code": "CANARD"})
    return tablet


def body(response) -> str:
    return html.unescape(response.content.decode())


def chosen(group) -> list[str]:
    return list(group.scenario.measures.order_by("slug").values_list("slug", flat=True))


def test_the_screen_is_the_simulator_in_workshop_mode(tablet, group):
    response = tablet.get(SCREEN)

    text = body(response)
    assert response.status_code == 200
    assert 'class="simulator-page workshop-mode"' in text
    assert 'id="workshop-target"' in text and "Objectif 50\u202f000\u00a0€" in text
    assert "Fermer la piscine le lundi" in text and "40\u202f500\u00a0€/an" in text
    assert 'hx-post="/atelier/groupe/"' in text
    assert 'id="results"' in text and 'id="chart-waterfall"' in text
    assert "Nom de nos choix" in text
    # The group has no account: nothing on its screen leads to the scenario by id or link.
    assert f"/scenarios/{group.scenario_id}/" not in text
    assert str(group.scenario.share_token) not in text


def test_a_ticked_measure_is_saved_at_once_and_the_results_follow(tablet, group):
    response = tablet.post(SCREEN, {"measures": ["piscine-lundi"]}, headers=HTMX)

    text = body(response)
    assert response.status_code == 200
    assert chosen(group) == ["piscine-lundi"]
    group.refresh_from_db()
    assert group.last_change_at is not None
    assert text.lstrip().startswith('<section id="results"')
    assert "Votre scénario économise 40\u202f500\u00a0€ par an en année pleine" in text
    # The sticky target bar and the arguments come along, out of band.
    assert '<div id="workshop-target" class="workshop-target" hx-swap-oob="true">' in text
    assert 'value="81"' in text
    assert '<section id="arguments" class="workshop-arguments"' in text
    assert "Pourquoi nous choisissons « Fermer la piscine le lundi »" in text


def test_unticking_every_measure_is_saved_too(tablet, group):
    group_choices_save(group=group, measures=["piscine-lundi", "eclairage-nuit"])

    tablet.post(SCREEN, {}, headers=HTMX)

    assert chosen(group) == []


def test_without_javascript_the_form_saves_and_comes_back(tablet, group):
    response = tablet.post(SCREEN, {"measures": ["eclairage-nuit"]})

    assert response.status_code == 302 and response["Location"] == SCREEN
    assert chosen(group) == ["eclairage-nuit"]


def test_an_argument_is_written_for_a_chosen_measure(tablet, group):
    group_choices_save(group=group, measures=["piscine-lundi"])

    response = tablet.post(
        "/atelier/groupe/arguments/piscine-lundi/",
        {"text": "Le lundi, la piscine est presque vide."},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Argument enregistré." in body(response)
    assert body(response).lstrip().startswith('<form id="argument-piscine-lundi"')
    assert GroupArgument.objects.get().text == "Le lundi, la piscine est presque vide."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez en quelques mots pourquoi votre groupe a choisi cette mesure."),
        ("x" * 601, "Un argument tient en 600 caractères au plus (vous en avez écrit 601)"),
    ],
)
def test_a_bad_argument_is_shown_in_place_and_nothing_is_written(tablet, group, text, message):
    group_choices_save(group=group, measures=["piscine-lundi"])

    response = tablet.post("/atelier/groupe/arguments/piscine-lundi/", {"text": text}, headers=HTMX)

    assert response.status_code == 200  # htmx swaps 200 only: the message must show
    assert message in body(response)
    assert "Argument enregistré." not in body(response)
    assert not GroupArgument.objects.exists()


def test_an_argument_for_an_unchosen_measure_is_refused(tablet, group):
    response = tablet.post(
        "/atelier/groupe/arguments/piscine-lundi/", {"text": "Parce que."}, headers=HTMX
    )

    assert "Cochez d'abord la mesure « Fermer la piscine le lundi »" in body(response)
    assert not GroupArgument.objects.exists()


def test_an_argument_for_a_measure_of_another_budget_is_not_found(tablet, group):
    budget, lines = pool_budget()
    make_measure(budget, lines["staff"], slug="ailleurs", title="Ailleurs", amount=-1)

    response = tablet.post("/atelier/groupe/arguments/ailleurs/", {"text": "Non."})

    assert response.status_code == 404
    assert not GroupArgument.objects.exists()


def test_without_javascript_a_bad_argument_comes_back_as_a_message(tablet, group):
    group_choices_save(group=group, measures=["piscine-lundi"])

    response = tablet.post("/atelier/groupe/arguments/piscine-lundi/", {"text": " "}, follow=True)

    assert "Écrivez en quelques mots pourquoi" in body(response)
    assert not GroupArgument.objects.exists()


def test_the_group_renames_its_choices(tablet, group):
    response = tablet.post("/atelier/groupe/nom/", {"title": "La sobriété d'abord"}, headers=HTMX)

    text = body(response)
    assert "<h1>Table 1 : La sobriété d'abord</h1>" in text
    assert "Nom enregistré." in text
    group.scenario.refresh_from_db()
    assert group.scenario.title == "La sobriété d'abord"


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Donnez un nom à vos choix."), ("x" * 121, "120 caractères au plus")],
)
def test_a_bad_name_is_shown_in_place_and_nothing_is_written(tablet, group, title, message):
    response = tablet.post("/atelier/groupe/nom/", {"title": title}, headers=HTMX)

    assert message in body(response)
    assert "Nom enregistré." not in body(response)
    group.scenario.refresh_from_db()
    assert group.scenario.title == "Choix de « Table 1 »"


def test_a_group_sees_and_edits_only_its_own_scenario(setup, group, tablet):
    other = make_group(setup, "Table 2", join_code="MARCHE")
    group_choices_save(group=group, measures=["piscine-lundi"])
    other_tablet = Client()
    other_tablet.post("/atelier/", {"code": "MARCHE"})

    # Its screen shows its own scenario; nothing in a URL or a form names another group.
    screen = body(other_tablet.get(SCREEN))
    assert "<h1>Table 2 : Choix de « Table 2 »</h1>" in screen
    assert "Table 1" not in screen
    other_tablet.post(
        SCREEN, {"measures": ["eclairage-nuit"], "group": group.pk, "scenario": group.scenario_id}
    )
    assert (chosen(group), chosen(other)) == (["piscine-lundi"], ["eclairage-nuit"])
    # The saved-scenario pages need the scenario's owner, which a group scenario never has.
    assert other_tablet.get(f"/scenarios/{group.scenario_id}/").status_code == 302
    assert other_tablet.post(f"/scenarios/{group.scenario_id}/", {}).status_code == 302
    other_tablet.force_login(make_user())
    assert other_tablet.get(f"/scenarios/{group.scenario_id}/").status_code == 403
    assert (
        other_tablet.post(f"/scenarios/{group.scenario_id}/renommer/", {"title": "x"}).status_code
        == 403
    )
    other_tablet.post("/atelier/groupe/arguments/piscine-lundi/", {"text": "Écrit par la table 2."})
    assert not GroupArgument.objects.exists()
    assert chosen(group) == ["piscine-lundi"]


def test_a_closed_workshop_shows_the_choices_read_only(setup, group, tablet):
    group_choices_save(group=group, measures=["piscine-lundi"])
    workshop_close(workshop=setup.workshop, by=setup.facilitator)

    text = body(tablet.get(SCREEN))

    assert "Cet atelier est clos : vos choix sont enregistrés et restent visibles" in text
    assert "<fieldset disabled>" in text
    assert 'hx-post="/atelier/groupe/"' not in text
    assert "Renommer nos choix" not in text
    assert "Votre scénario économise 40\u202f500\u00a0€" in text


def test_a_change_sent_after_the_closing_is_refused_and_reloads_the_screen(setup, group, tablet):
    group_choices_save(group=group, measures=["piscine-lundi"])
    workshop_close(workshop=setup.workshop, by=setup.facilitator)

    response = tablet.post(SCREEN, {"measures": ["eclairage-nuit"]}, headers=HTMX)
    argument = tablet.post(
        "/atelier/groupe/arguments/piscine-lundi/", {"text": "Trop tard."}, headers=HTMX
    )
    rename = tablet.post("/atelier/groupe/nom/", {"title": "Trop tard"}, headers=HTMX)

    for refused in (response, argument, rename):
        assert refused["HX-Redirect"] == SCREEN
    assert chosen(group) == ["piscine-lundi"]
    assert not GroupArgument.objects.exists()
    group.scenario.refresh_from_db()
    assert group.scenario.title == "Choix de « Table 1 »"
    assert "Cet atelier est clos : les groupes ne peuvent plus rien modifier." in body(
        tablet.get(SCREEN)
    )


def test_only_catalogue_measures_appear_on_the_screen(setup, tablet):
    Measure.objects.create(
        budget=setup.campaign.budget, slug="brouillon", title="Brouillon", published=False
    )

    assert "Brouillon" not in body(tablet.get(SCREEN))
