"""Results of the satisfaction questionnaire, with the statistics' small-cell rule.

``evaluation_counts(campaign)`` reads the answers into a plain dict (JSON-safe, stored in
the council snapshot as it is): every count of people goes through
``votes.statistics.shape.suppress_group``, so a count under 5 is None ("< 5") and a cell
hidden for its sake is "masked". ``evaluation_tables`` and ``evaluation_chart`` turn that
dict into the tables and the chart the statistics page and the council file print.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import FONT, Chart
from votes.evaluation.models import SCALE_MAX, SCALE_MIN, EvaluationAnswer, EvaluationQuestion
from votes.statistics.shape import THRESHOLD, suppress_group
from votes.statistics.tables import Table, cell

SCALE = range(SCALE_MIN, SCALE_MAX + 1)
SCALE_COLOURS = ["#b3591e", "#d9a05b", "#8a94a6", "#5f8fc9", "#1f4e8c"]


def evaluation_counts(campaign) -> dict[str, Any]:
    moments = list(
        campaign.evaluation_responses.values_list("moment", flat=True).order_by("moment")
    )
    by_moment = Counter(moments)
    codes = ["vote", "workshop"]
    shown, total = suppress_group([by_moment[code] for code in codes], len(moments))
    answers = list(EvaluationAnswer.objects.filter(response__campaign=campaign))
    questions = []
    for question in campaign.evaluation_questions.all():
        mine = [a for a in answers if a.question_id == question.pk]
        entry: dict[str, Any] = {
            "text": question.text,
            "kind": question.kind,
            "low_label": question.low_label,
            "high_label": question.high_label,
        }
        if question.kind == EvaluationQuestion.Kind.SCALE:
            scores = Counter(a.scale for a in mine)
            entry["counts"], entry["answered"] = suppress_group(
                [scores[n] for n in SCALE], len(mine)
            )
        else:
            entry["counts"], entry["answered"] = [], (len(mine) if len(mine) >= THRESHOLD else None)
        questions.append(entry)
    return {
        "responses": {"by_moment": dict(zip(codes, shown, strict=True)), "total": total},
        "questions": questions,
    }


def evaluation_texts(campaign, question: EvaluationQuestion) -> list[str] | None:
    """The free answers to a question, or None under 5 of them: a handful of sentences from
    one workshop could point at who wrote them."""
    texts = list(
        EvaluationAnswer.objects.filter(response__campaign=campaign, question=question)
        .exclude(text="")
        .order_by("?")  # no order that follows the order of answering
        .values_list("text", flat=True)
    )
    return texts if len(texts) >= THRESHOLD else None


def evaluation_tables(data: dict[str, Any] | None) -> list[Table]:
    """No table when the campaign has no questionnaire (nor a snapshot older than it)."""
    if not data or not data["questions"]:
        return []
    moments = data["responses"]["by_moment"]
    tables = [
        Table(
            "evaluation-reponses",
            _("Réponses au questionnaire de satisfaction"),
            [_("Moment"), _("Réponses")],
            [
                [_("Après le vote"), cell(moments["vote"])],
                [_("Fin d'atelier"), cell(moments["workshop"])],
                [_("Total"), cell(data["responses"]["total"])],
            ],
        )
    ]
    scales = [q for q in data["questions"] if q["kind"] == EvaluationQuestion.Kind.SCALE]
    if scales:
        tables.append(
            Table(
                "evaluation-notes",
                _("Notes de satisfaction (1 = %(low)s, 5 = %(high)s)")
                % {"low": _("le moins"), "high": _("le plus")},
                [_("Question"), *[str(n) for n in SCALE], _("Réponses")],
                [
                    [
                        _label(q),
                        *[cell(count) for count in q["counts"]],
                        cell(q["answered"]),
                    ]
                    for q in scales
                ],
            )
        )
    texts = [q for q in data["questions"] if q["kind"] == EvaluationQuestion.Kind.TEXT]
    if texts:
        tables.append(
            Table(
                "evaluation-textes",
                _("Questions ouvertes"),
                [_("Question"), _("Réponses écrites")],
                [[q["text"], cell(q["answered"])] for q in texts],
            )
        )
    return tables


def _label(question: dict[str, Any]) -> str:
    if question["low_label"] or question["high_label"]:
        return f"{question['text']} ({question['low_label']} → {question['high_label']})"
    return question["text"]


def evaluation_chart(data: dict[str, Any]) -> Chart | None:
    """One stacked bar per scale question; a hidden cell is an empty bar (the table says
    "< 5" or "masqué"), so the figure holds nothing the table does not."""
    tables = [t for t in evaluation_tables(data) if t.code == "evaluation-notes"]
    if not tables:
        return None
    table = tables[0]
    figure = go.Figure()
    labels = [row[0] for row in table.rows]
    for index, score in enumerate(SCALE):
        values = [row[index + 1] if isinstance(row[index + 1], int) else 0 for row in table.rows]
        figure.add_trace(
            go.Bar(
                name=str(score),
                y=labels,
                x=values,
                orientation="h",
                marker_color=SCALE_COLOURS[index],
                hovertext=[str(row[index + 1]) for row in table.rows],
                hoverinfo="text+name",
            )
        )
    figure.update_layout(
        barmode="stack",
        font=FONT,
        height=120 + 40 * len(labels),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top"},
    )
    return Chart(
        id="stat-evaluation",
        title=table.title,
        figure=figure,
        columns=table.headers,
        rows=table.rows,
        numeric=set(range(1, len(table.headers))),
    )
