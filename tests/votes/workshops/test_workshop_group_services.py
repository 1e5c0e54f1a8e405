"""A group's writes: joining by code, its choices saved at once, its name, its arguments."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError

from simulator.models import Measure, MeasureAdjustment
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.models import GroupArgument
from votes.workshops.services import (
    ARGUMENT_MAX_LENGTH,
    SESSION_KEY,
    clean_argument,
    group_argument_set,
    group_choices_save,
    group_join,
    group_leave,
    group_rename,
    session_group,
    workshop_close,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return make_workshop_setup()


@pytest.fixture
def group(setup):
    return make_group(setup, join_code="CANARD")


def test_joining_keeps_the_group_in_the_session(group):
    session = SessionStore()

    joined = group_join(session=session, raw_code=" can-ard ")

    assert joined == group
    assert session[SESSION_KEY] == group.pk
    assert session_group(session) == group


def test_a_browser_is_in_one_group_at_a_time(setup, group):
    other = make_group(setup, "Table 2", join_code="MARCHE")
    session = SessionStore()
    group_join(session=session, raw_code="CANARD")

    group_join(session=session, raw_code="MARCHE")

    assert session_group(session) == other


def test_an_unknown_code_says_so_and_joins_nothing(group):
    session = SessionStore()

    with pytest.raises(ValidationError) as error:
        group_join(session=session, raw_code="MARCHE")

    assert error.value.messages == [
        "Aucun groupe n'a le code MARCHE : vérifiez-le auprès de l'animateur ou de l'animatrice."
    ]
    assert SESSION_KEY not in session


def test_leaving_forgets_the_group(group):
    session = SessionStore()
    group_join(session=session, raw_code="CANARD")

    group_leave(session=session)

    assert session_group(session) is None


def test_a_deleted_group_is_no_longer_in_the_session(group):
    session = SessionStore()
    group_join(session=session, raw_code="CANARD")
    group.delete()

    assert session_group(session) is None


def test_ticked_measures_are_saved_to_the_scenario_at_once(setup, group):
    group_choices_save(group=group, measures=["eclairage-nuit", "piscine-lundi"])

    group.refresh_from_db()
    assert set(group.scenario.measures.values_list("slug", flat=True)) == {
        "eclairage-nuit",
        "piscine-lundi",
    }
    assert group.last_change_at is not None

    group_choices_save(group=group, measures=["piscine-lundi"])

    assert list(group.scenario.measures.values_list("slug", flat=True)) == ["piscine-lundi"]


def test_only_published_catalogue_measures_of_the_budget_can_be_chosen(setup, group):
    hidden = Measure.objects.create(
        budget=setup.campaign.budget, slug="cache", title="Cachée", published=False
    )
    MeasureAdjustment.objects.create(measure=hidden, line=setup.lines["staff"], amount=-1000)

    group_choices_save(group=group, measures=["cache", "inconnue", "piscine-lundi"])

    assert list(group.scenario.measures.values_list("slug", flat=True)) == ["piscine-lundi"]


def test_the_group_keeps_the_campaign_target_whatever_it_posts(setup, group):
    group_choices_save(group=group, measures=["piscine-lundi"])

    group.scenario.refresh_from_db()
    assert group.scenario.target == 50000
    assert not group.scenario.adjustments.exists()


def test_a_closed_workshop_refuses_every_change(setup, group):
    group_choices_save(group=group, measures=["piscine-lundi"])
    workshop_close(workshop=setup.workshop, by=setup.facilitator)

    with pytest.raises(ValidationError, match="Cet atelier est clos"):
        group_choices_save(group=group, measures=["eclairage-nuit"])
    with pytest.raises(ValidationError, match="Cet atelier est clos"):
        group_rename(group=group, title="Autre nom")
    with pytest.raises(ValidationError, match="Cet atelier est clos"):
        group_argument_set(group=group, measure=setup.pool, text="Parce que.")

    group.scenario.refresh_from_db()
    assert list(group.scenario.measures.values_list("slug", flat=True)) == ["piscine-lundi"]
    assert group.scenario.title == "Choix de « Table 1 »"
    assert not GroupArgument.objects.exists()


def test_the_group_names_its_choices(group):
    group_rename(group=group, title="  La sobriété d'abord ")

    group.refresh_from_db()
    assert group.scenario.title == "La sobriété d'abord"
    assert group.last_change_at is not None


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", "Donnez un nom à vos choix."),
        ("x" * 121, "120 caractères au plus (vous en avez écrit 121)."),
    ],
)
def test_a_bad_name_is_refused_and_nothing_is_written(group, title, message):
    with pytest.raises(ValidationError) as error:
        group_rename(group=group, title=title)

    assert error.value.message_dict["title"] == [message]
    group.refresh_from_db()
    assert group.scenario.title == "Choix de « Table 1 »"
    assert group.last_change_at is None


def test_an_argument_is_saved_for_a_chosen_measure(setup, group):
    group_choices_save(group=group, measures=["piscine-lundi"])

    group_argument_set(group=group, measure=setup.pool, text="  Peu de monde le lundi.\r\n  ")
    group_argument_set(group=group, measure=setup.pool, text="Peu de monde le lundi matin.")

    argument = GroupArgument.objects.get()
    assert (argument.group, argument.measure) == (group, setup.pool)
    assert argument.text == "Peu de monde le lundi matin."


def test_an_argument_needs_the_measure_to_be_chosen(setup, group):
    with pytest.raises(ValidationError) as error:
        group_argument_set(group=group, measure=setup.pool, text="Parce que.")

    assert error.value.messages == [
        "Cochez d'abord la mesure « Fermer la piscine le lundi » pour expliquer ce choix."
    ]
    assert not GroupArgument.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  \n ", "Écrivez en quelques mots pourquoi votre groupe a choisi cette mesure."),
        (
            "x" * (ARGUMENT_MAX_LENGTH + 1),
            "Un argument tient en 600 caractères au plus (vous en avez écrit 601) : "
            "raccourcissez-le.",
        ),
    ],
)
def test_a_bad_argument_is_refused_and_nothing_is_written(setup, group, text, message):
    group_choices_save(group=group, measures=["piscine-lundi"])
    group_argument_set(group=group, measure=setup.pool, text="Le premier argument.")

    with pytest.raises(ValidationError) as error:
        group_argument_set(group=group, measure=setup.pool, text=text)

    assert error.value.message_dict["text"] == [message]
    assert GroupArgument.objects.get().text == "Le premier argument."


def test_an_argument_is_kept_as_plain_text_without_control_characters():
    assert clean_argument("a\x00b\u202ec\r\nd\n\n\n\ne  ") == "abc\nd\n\ne"
    assert clean_argument("<b>gras</b> & co") == "<b>gras</b> & co"
