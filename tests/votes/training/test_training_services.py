from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.training.factories import make_draw, make_page, make_question, make_volunteer
from votes.training import services as training
from votes.training.models import TrainingCompletion, TrainingPage, TrainingQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_user(roles=(FACILITATOR,))


# --- pure checks -----------------------------------------------------------------------------


def test_answers_are_checked_question_by_question():
    assert training.answers_checked([0, 2, 1], [0, 1, 1]) == [True, False, True]
    with pytest.raises(ValueError):
        training.answers_checked([0, 1], [0])


def test_choices_errors_name_the_field_at_fault():
    assert training.choices_errors(["Oui", "Non"], 1) == {}
    assert "choices" in training.choices_errors(["Seule"], 0)
    assert "choices" in training.choices_errors(["Oui", "oui "], 0)
    assert "choices" in training.choices_errors(["a", "b", "c", "d", "e", "f", "g"], 0)
    assert training.choices_errors(["Oui", "Non"], 2) == {
        "correct": ["Le numéro de la bonne réponse doit être entre 1 et 2."]
    }


# --- pages -----------------------------------------------------------------------------------


def test_pages_are_added_at_the_end_with_a_slug_free_in_the_campaign(team):
    campaign = make_campaign()

    first = training.training_page_create(
        campaign=campaign, title="Le budget", body="Deux sections.", by=team
    )
    second = training.training_page_create(
        campaign=campaign, title="Le budget", body="Encore.", by=team
    )

    assert (first.position, first.slug) == (1, "le-budget")
    assert (second.position, second.slug) == (2, "le-budget-2")


def test_an_edit_keeps_the_slug_so_that_given_links_keep_working(team):
    page = training.training_page_create(
        campaign=make_campaign(), title="Le budget", body="Deux sections.", by=team
    )

    training.training_page_update(page=page, title="Autre titre", body="Texte.", by=team)

    page.refresh_from_db()
    assert (page.title, page.body, page.slug) == ("Autre titre", "Texte.", "le-budget")


def test_pages_move_one_place_and_the_ends_stay_put(team):
    campaign = make_campaign()
    a, _b, c = (make_page(campaign, title=t) for t in "ABC")

    training.training_page_move(page=c, offset=-1, by=team)
    training.training_page_move(page=a, offset=-1, by=team)

    assert [p.title for p in TrainingPage.objects.filter(campaign=campaign)] == ["A", "C", "B"]
    assert list(
        TrainingPage.objects.filter(campaign=campaign).values_list("position", flat=True)
    ) == [1, 2, 3]


def test_deleting_a_page_renumbers_the_others(team):
    campaign = make_campaign()
    _a, b, _c = (make_page(campaign, title=t) for t in "ABC")

    training.training_page_delete(page=b, by=team)

    assert list(
        TrainingPage.objects.filter(campaign=campaign).values_list("title", "position")
    ) == [("A", 1), ("C", 2)]


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "Texte.", "title"), ("Titre", "   ", "body"), ("Titre", "x" * 20_001, "body")],
)
def test_a_page_without_title_or_content_is_refused(team, title, body, field):
    campaign = make_campaign()

    with pytest.raises(ValidationError) as refusal:
        training.training_page_create(campaign=campaign, title=title, body=body, by=team)

    assert field in refusal.value.message_dict
    assert not TrainingPage.objects.exists()


@pytest.mark.parametrize("roles", [(), (FINANCE,), (MODERATOR,)])
def test_only_the_participation_team_writes_the_path(roles):
    campaign = make_campaign()
    page = make_page(campaign)
    question = make_question(page)
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        training.training_page_create(campaign=campaign, title="T", body="B", by=user)
    with pytest.raises(PermissionDenied):
        training.training_page_delete(page=page, by=user)
    with pytest.raises(PermissionDenied):
        training.training_question_update(
            question=question, text="Q ?", choices=["a", "b"], correct=0, by=user
        )
    assert TrainingPage.objects.count() == 1 and question.text.startswith("Question")


def test_an_administrator_writes_the_path_too():
    page = training.training_page_create(
        campaign=make_campaign(), title="T", body="B", by=make_user(roles=(ADMINISTRATOR,))
    )

    assert page.pk


# --- questions ------------------------------------------------------------------------------


def test_questions_keep_their_choices_and_the_rank_of_the_right_one(team):
    page = make_page(make_campaign())

    question = training.training_question_create(
        page=page,
        text=" Quelle section ? ",
        choices=[" Fonctionnement", "Investissement "],
        correct=1,
        explanation="Parce que.",
        by=team,
    )

    question.refresh_from_db()
    assert question.text == "Quelle section ?"
    assert question.choices == ["Fonctionnement", "Investissement"]
    assert (question.correct, question.position) == (1, 1)


@pytest.mark.parametrize(
    ("text", "choices", "correct", "field"),
    [
        ("", ["a", "b"], 0, "text"),
        ("Q ?", ["a"], 0, "choices"),
        ("Q ?", ["a", "A"], 0, "choices"),
        ("Q ?", ["a", "b"], 5, "correct"),
    ],
)
def test_a_bad_question_is_refused_and_nothing_written(team, text, choices, correct, field):
    page = make_page(make_campaign())

    with pytest.raises(ValidationError) as refusal:
        training.training_question_create(
            page=page, text=text, choices=choices, correct=correct, by=team
        )

    assert field in refusal.value.message_dict
    assert not TrainingQuestion.objects.exists()


# --- the panel ------------------------------------------------------------------------------


def test_panel_members_are_those_of_the_latest_published_draw():
    campaign = make_campaign()
    old, drawn, reserve, outsider = (make_volunteer(campaign) for _ in range(4))
    make_draw(campaign, [old])
    make_draw(campaign, [drawn], [reserve])
    make_draw(campaign, [outsider], published=False)

    assert training.is_panel_member(drawn) and training.is_panel_member(reserve)
    assert not training.is_panel_member(old)
    assert not training.is_panel_member(outsider)


def test_nobody_is_a_panel_member_before_a_draw_is_published():
    campaign = make_campaign()
    volunteer = make_volunteer(campaign)
    make_draw(campaign, [volunteer], published=False)

    assert not training.is_panel_member(volunteer)


# --- completing a page ------------------------------------------------------------------------


@pytest.fixture
def member_and_page():
    campaign = make_campaign()
    volunteer = make_volunteer(campaign)
    make_draw(campaign, [volunteer])
    page = make_page(campaign)
    make_question(page, correct=0)
    make_question(page, correct=2)
    return volunteer, page


def test_a_page_is_recorded_done_with_its_score(member_and_page):
    volunteer, page = member_and_page

    result = training.training_page_complete(volunteer=volunteer, page=page, answers=[0, 1])

    assert result.recorded and result.right == 1
    assert [r.right for r in result.results] == [True, False]
    assert result.results[1].correct_text == "Peut-être"
    completion = TrainingCompletion.objects.get()
    assert (completion.volunteer, completion.page, completion.correct_answers) == (
        volunteer,
        page,
        1,
    )


def test_answering_again_shows_the_corrections_but_keeps_the_first_score(member_and_page):
    volunteer, page = member_and_page
    training.training_page_complete(volunteer=volunteer, page=page, answers=[1, 1])

    again = training.training_page_complete(volunteer=volunteer, page=page, answers=[0, 2])

    assert not again.recorded and again.right == 2
    assert again.completion.correct_answers == 0
    assert TrainingCompletion.objects.get().correct_answers == 0


@pytest.mark.parametrize("answers", [[0], [0, 1, 2], [0, 3], [0, -1], [0, "1"]])
def test_missing_or_impossible_answers_record_nothing(member_and_page, answers):
    volunteer, page = member_and_page

    with pytest.raises(ValidationError) as refusal:
        training.training_page_complete(volunteer=volunteer, page=page, answers=answers)

    assert refusal.value.messages == ["Répondez à chaque question avant de terminer la page."]
    assert not TrainingCompletion.objects.exists()


def test_a_page_without_questions_is_done_with_no_score(member_and_page):
    volunteer, page = member_and_page
    plain = make_page(page.campaign)

    result = training.training_page_complete(volunteer=volunteer, page=plain, answers=[])

    assert result.recorded and TrainingCompletion.objects.get().correct_answers == 0


def test_someone_outside_the_panel_or_the_campaign_records_nothing(member_and_page):
    volunteer, page = member_and_page
    outsider = make_volunteer(page.campaign)
    other_page = make_page(make_campaign())

    with pytest.raises(PermissionDenied):
        training.training_page_complete(volunteer=outsider, page=page, answers=[0, 2])
    with pytest.raises(PermissionDenied):
        training.training_page_complete(volunteer=volunteer, page=other_page, answers=[])
    assert not TrainingCompletion.objects.exists()


# --- the follow-up ---------------------------------------------------------------------------


def test_progress_has_one_row_per_panel_member_in_draw_order(django_assert_num_queries):
    campaign = make_campaign()
    ana, bob, cloe, outsider = (make_volunteer(campaign, name=n) for n in "ABCD")
    make_draw(campaign, [bob, ana], [cloe])
    first, second, _third = (make_page(campaign) for _ in range(3))
    make_question(first, correct=0)
    make_question(first, correct=0)
    make_question(second, correct=1)
    training.training_page_complete(volunteer=ana, page=first, answers=[0, 1])
    training.training_page_complete(volunteer=ana, page=second, answers=[1])
    training.training_page_complete(volunteer=cloe, page=first, answers=[0, 0])
    TrainingCompletion.objects.create(volunteer=outsider, page=first, correct_answers=2)

    with django_assert_num_queries(4):
        progress = training.training_progress(campaign)

    rows = [(m.volunteer.name, m.reserve, m.pages_done, m.right, m.asked) for m in progress.members]
    assert rows == [("B", False, 0, 0, 0), ("A", False, 2, 2, 3), ("C", True, 1, 2, 2)]
    assert progress.members[1].last_activity is not None
    assert progress.members[0].last_activity is None
    assert [p.done for p in progress.pages] == [2, 1, 0]


def test_the_completion_chart_has_one_bar_and_one_table_row_per_page():
    campaign = make_campaign()
    members = [make_volunteer(campaign) for _ in range(4)]
    make_draw(campaign, members)
    page = make_page(campaign, title="Deux sections")
    make_page(campaign, title="Épargne brute")
    training.training_page_complete(volunteer=members[0], page=page, answers=[])

    chart = training.completion_chart(training.training_progress(campaign))

    assert list(chart.figure.data[0].y) == [1, 0]
    assert chart.rows == [
        ["1. Deux sections", "1 / 4", "25\u00a0%"],
        ["2. Épargne brute", "0 / 4", "0\u00a0%"],
    ]
