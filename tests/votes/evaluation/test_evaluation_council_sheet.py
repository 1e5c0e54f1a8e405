"""The questionnaire in the council file: a « Satisfaction » sheet, read from the snapshot."""

from __future__ import annotations

import pytest

from tests.votes.council.test_council_report_workbook import savings_campaign, send, table, workbook
from tests.votes.evaluation.factories import answer, make_question
from votes.evaluation.models import EvaluationResponse

pytestmark = pytest.mark.django_db


def test_the_council_file_has_the_satisfaction_sheet_with_small_cells_hidden():
    s = savings_campaign()
    question = make_question(s.campaign, text="Satisfait ?")
    for _ in range(6):
        answer(question, scale=4)
    answer(question, scale=1)

    book = workbook(s.campaign)

    assert book.sheetnames[-2:] == ["Satisfaction", "Méthode"]
    rows = table(book["Satisfaction"], "Question")
    assert [cell.value for cell in rows[0].values()] == [
        "Satisfait ?",
        "< 5",
        "< 5",
        "< 5",
        "masqué",
        "< 5",
        7,
    ]


def test_once_sent_the_sheet_keeps_the_answers_of_the_snapshot():
    s = savings_campaign()
    question = make_question(s.campaign, text="Satisfait ?")
    for _ in range(5):
        answer(question, scale=5)
    send(s.campaign)
    for _ in range(5):
        answer(question, scale=2)

    rows = table(workbook(s.campaign)["Satisfaction"], "Question")

    assert rows[0]["Réponses"].value == 5
    assert EvaluationResponse.objects.count() == 10


def test_a_campaign_without_questionnaire_has_no_satisfaction_sheet():
    assert "Satisfaction" not in workbook(savings_campaign().campaign).sheetnames
