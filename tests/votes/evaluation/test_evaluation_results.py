"""The questionnaire's results: counted with the statistics' small-cell rule."""

from __future__ import annotations

import pytest

from tests.votes.evaluation.factories import answer, make_question
from tests.votes.factories import make_campaign
from votes.evaluation.results import (
    evaluation_chart,
    evaluation_counts,
    evaluation_tables,
    evaluation_texts,
)

pytestmark = pytest.mark.django_db


def test_scores_under_five_are_hidden_and_the_total_masks_what_it_would_give_back():
    campaign = make_campaign()
    question = make_question(campaign)
    for _ in range(7):
        answer(question, scale=5)
    for _ in range(2):
        answer(question, scale=3, moment="workshop")

    data = evaluation_counts(campaign)

    # 9 answers, 7 of them "5": printing the 7 would give back the 2 "3" by subtraction.
    assert data["questions"][0]["counts"] == [None, None, None, None, "masked"]
    assert data["questions"][0]["answered"] == 9
    # The same rule per moment: the 7 after the vote would give back the 2 of a workshop.
    assert data["responses"] == {"by_moment": {"vote": "masked", "workshop": None}, "total": 9}


def test_counts_of_five_or_more_are_shown_and_empty_cells_cost_nothing():
    campaign = make_campaign()
    question = make_question(campaign)
    for _ in range(6):
        answer(question, scale=4)
    for _ in range(5):
        answer(question, scale=5)

    data = evaluation_counts(campaign)

    assert data["questions"][0]["counts"] == [None, None, None, 6, 5]
    assert data["questions"][0]["answered"] == 11


def test_the_tables_print_less_than_five_and_masked():
    campaign = make_campaign()
    scale = make_question(campaign, low_label="pas du tout", high_label="tout à fait")
    text = make_question(campaign, kind="text", text="Un mot ?")
    for _ in range(7):
        answer(scale, scale=5)
    for _ in range(2):
        answer(scale, scale=1)
    answer(text, text="Bien")

    tables = {t.code: t for t in evaluation_tables(evaluation_counts(campaign))}

    assert tables["evaluation-notes"].rows == [
        [
            "Êtes-vous satisfait de la démarche ? (pas du tout → tout à fait)",
            "< 5",
            "< 5",
            "< 5",
            "< 5",
            "masqué",
            9,
        ]
    ]
    assert tables["evaluation-textes"].rows == [["Un mot ?", "< 5"]]
    assert tables["evaluation-reponses"].rows[-1] == ["Total", 10]


def test_no_questionnaire_gives_no_table_and_no_chart():
    data = evaluation_counts(make_campaign())

    assert evaluation_tables(data) == []
    assert evaluation_chart(data) is None


def test_the_chart_draws_a_hidden_cell_as_an_empty_bar():
    campaign = make_campaign()
    question = make_question(campaign)
    for _ in range(7):
        answer(question, scale=5)
    answer(question, scale=2)

    chart = evaluation_chart(evaluation_counts(campaign))

    bars = {trace.name: list(trace.x) for trace in chart.figure.data}
    assert bars == {"1": [0], "2": [0], "3": [0], "4": [0], "5": [0]}
    assert chart.rows[0][1:] == ["< 5", "< 5", "< 5", "< 5", "masqué", 8]


def test_free_texts_are_listed_only_from_five_answers():
    campaign = make_campaign()
    text = make_question(campaign, kind="text", text="Un mot ?")
    for n in range(4):
        answer(text, text=f"avis {n}")

    assert evaluation_texts(campaign, text) is None

    answer(text, text="avis 4")

    assert sorted(evaluation_texts(campaign, text)) == [f"avis {n}" for n in range(5)]
