"""The panel's training path (issue 7 §2): ordered pages with check questions, written by the
participation team and followed by the panel members through their personal link.

Team writes check the role here (administrator or facilitator), so views, commands and
tests get the same refusals. A page is "terminée" once per panel member: the first answers
are the ones recorded (the facilitator sees what the page taught at first reading); answering
again shows the corrections but changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from budget.roles import ADMINISTRATOR, FACILITATOR, require_role
from simulator.charts import FONT, MUTED, NEUTRAL, Chart
from votes.campaigns.models import Campaign
from votes.panels.models import PanelDraw, Volunteer
from votes.training.models import TrainingCompletion, TrainingPage, TrainingQuestion

MIN_CHOICES = 2
MAX_CHOICES = 6
MAX_BODY = 20_000


# --- pure checks ---------------------------------------------------------------------------


def answers_checked(correct: Sequence[int], answers: Sequence[int]) -> list[bool]:
    """Which answers are right, question by question (same order, same length)."""
    if len(correct) != len(answers):
        raise ValueError("one answer per question")
    return [given == right for right, given in zip(correct, answers, strict=True)]


def choices_errors(choices: Sequence[str], correct: int) -> dict[str, list[str]]:
    """What is wrong with a question's answers ("choices") and with the rank, from 0, of the
    right one ("correct"); empty when all is well."""
    errors: dict[str, list[str]] = {}
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        errors.setdefault("choices", []).append(
            _("Proposez entre %(min)s et %(max)s réponses, une par ligne.")
            % {"min": MIN_CHOICES, "max": MAX_CHOICES}
        )
    if any(not choice.strip() for choice in choices):
        errors.setdefault("choices", []).append(_("Une réponse proposée est vide."))
    if len({choice.strip().casefold() for choice in choices}) != len(choices):
        errors.setdefault("choices", []).append(_("Deux réponses proposées sont identiques."))
    if choices and not 0 <= correct < len(choices):
        errors["correct"] = [
            _("Le numéro de la bonne réponse doit être entre 1 et %(count)s.")
            % {"count": len(choices)}
        ]
    return errors


# --- the panel -------------------------------------------------------------------------------


def panel_draw_of(campaign: Campaign) -> PanelDraw | None:
    """The campaign's latest published draw: its panel and reserve follow the training."""
    return (
        PanelDraw.objects.filter(campaign=campaign, published=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def _ids(values: Sequence) -> list[str]:
    # The draw keeps ids as JSON: compared as text, whether written as numbers or strings.
    return [str(value) for value in values]


def is_panel_member(volunteer: Volunteer, draw: PanelDraw | None = None) -> bool:
    """Drawn into the panel or its reserve by the campaign's latest published draw."""
    draw = draw if draw is not None else panel_draw_of(volunteer.campaign)
    if draw is None:
        return False
    return str(volunteer.pk) in {*_ids(draw.selected), *_ids(draw.reserve)}


# --- team writes: pages -------------------------------------------------------------------------


def _require_team(by) -> None:
    require_role(by, ADMINISTRATOR, FACILITATOR)


def _free_slug(campaign: Campaign, title: str) -> str:
    base = slugify(title)[:90] or "page"
    taken = set(
        TrainingPage.objects.filter(campaign=campaign, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _lock_pages(campaign: Campaign) -> list[TrainingPage]:
    # Race: two team members adding or moving pages at once would read the same positions
    # and give two pages one rank (or one slug).
    return list(
        TrainingPage.objects.select_for_update()
        .filter(campaign=campaign)
        .order_by("position", "pk")
    )


def _renumber(pages: list[TrainingPage]) -> None:
    for position, page in enumerate(pages, start=1):
        if page.position != position:
            page.position = position
            page.save(update_fields=["position"])


def _check_body(title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("Donnez un titre à la page.")
    if not body.strip():
        errors["body"] = _("Écrivez le contenu de la page.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Le contenu dépasse %(max)s caractères : coupez la page en deux.") % {
            "max": MAX_BODY
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_page_create(*, campaign: Campaign, title: str, body: str, by) -> TrainingPage:
    """A new page at the end of the path."""
    _require_team(by)
    _check_body(title, body)
    pages = _lock_pages(campaign)
    page = TrainingPage(
        campaign=campaign,
        position=len(pages) + 1,
        title=title.strip(),
        slug=_free_slug(campaign, title),
        body=body.strip(),
    )
    page.full_clean()
    page.save()
    _renumber([*pages, page])
    return page


@transaction.atomic
def training_page_update(*, page: TrainingPage, title: str, body: str, by) -> TrainingPage:
    """New title and content; the slug stays, so that links already given keep working."""
    _require_team(by)
    _check_body(title, body)
    page.title = title.strip()
    page.body = body.strip()
    page.full_clean()
    page.save(update_fields=["title", "body"])
    return page


@transaction.atomic
def training_page_move(*, page: TrainingPage, offset: int, by) -> TrainingPage:
    """One place earlier (offset -1) or later (+1); the first and last pages stay put."""
    _require_team(by)
    pages = _lock_pages(page.campaign)
    index = next(i for i, p in enumerate(pages) if p.pk == page.pk)
    target = index + offset
    if 0 <= target < len(pages):
        pages[index], pages[target] = pages[target], pages[index]
    _renumber(pages)
    return next(p for p in pages if p.pk == page.pk)


@transaction.atomic
def training_page_delete(*, page: TrainingPage, by) -> None:
    """The page, its questions and the completions recorded for it."""
    _require_team(by)
    campaign = page.campaign
    _lock_pages(campaign)
    page.delete()
    _renumber(_lock_pages(campaign))


# --- team writes: questions ---------------------------------------------------------------------


def _question_fields(text: str, choices: Sequence[str], correct: int, explanation: str) -> dict:
    errors: dict[str, list[str]] = choices_errors(choices, correct)
    if not text.strip():
        errors["text"] = [_("Écrivez la question.")]
    if errors:
        raise ValidationError(errors)
    return {
        "text": text.strip(),
        "choices": [choice.strip() for choice in choices],
        "correct": correct,
        "explanation": explanation.strip(),
    }


@transaction.atomic
def training_question_create(
    *,
    page: TrainingPage,
    text: str,
    choices: Sequence[str],
    correct: int,
    explanation: str = "",
    by,
) -> TrainingQuestion:
    """A check question at the end of the page; `correct` is the rank (from 0) of the right
    answer among `choices`."""
    _require_team(by)
    fields = _question_fields(text, choices, correct, explanation)
    last = page.questions.aggregate(last=Max("position"))["last"] or 0
    question = TrainingQuestion(page=page, position=last + 1, **fields)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def training_question_update(
    *,
    question: TrainingQuestion,
    text: str,
    choices: Sequence[str],
    correct: int,
    explanation: str = "",
    by,
) -> TrainingQuestion:
    """Scores already recorded stay as they were: they say how the question was answered."""
    _require_team(by)
    for name, value in _question_fields(text, choices, correct, explanation).items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def training_question_delete(*, question: TrainingQuestion, by) -> None:
    _require_team(by)
    question.delete()


# --- the panel member -------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question: TrainingQuestion
    answer: int
    right: bool

    @property
    def answer_text(self) -> str:
        return self.question.choices[self.answer]

    @property
    def correct_text(self) -> str:
        return self.question.choices[self.question.correct]


@dataclass(frozen=True)
class PageResult:
    page: TrainingPage
    results: list[QuestionResult]
    completion: TrainingCompletion
    recorded: bool  # False: the page was already done, this try changed nothing

    @property
    def right(self) -> int:
        return sum(result.right for result in self.results)


@transaction.atomic
def training_page_complete(
    *, volunteer: Volunteer, page: TrainingPage, answers: Sequence[int]
) -> PageResult:
    """Check a panel member's answers (one per question, in order, each the rank of a choice)
    and record the page as done, with its score, the first time only."""
    if page.campaign_id != volunteer.campaign_id or not is_panel_member(volunteer):
        raise PermissionDenied
    questions = list(page.questions.all())
    if len(answers) != len(questions) or any(
        not isinstance(answer, int) or not 0 <= answer < len(question.choices)
        for question, answer in zip(questions, answers, strict=False)
    ):
        raise ValidationError(_("Répondez à chaque question avant de terminer la page."))
    checked = answers_checked([q.correct for q in questions], answers)
    # Race: the same form sent twice (a double click) — the unique constraint keeps one row,
    # get_or_create reads it back.
    completion, created = TrainingCompletion.objects.get_or_create(
        volunteer=volunteer, page=page, defaults={"correct_answers": sum(checked)}
    )
    results = [
        QuestionResult(question, answer, right)
        for question, answer, right in zip(questions, answers, checked, strict=True)
    ]
    return PageResult(page=page, results=results, completion=completion, recorded=created)


def path_of(volunteer: Volunteer) -> list[tuple[TrainingPage, TrainingCompletion | None]]:
    """The campaign's pages in order, each with the member's completion if done."""
    done = {c.page_id: c for c in volunteer.training_completions.all()}
    pages = TrainingPage.objects.filter(campaign=volunteer.campaign_id).annotate(
        question_count=Count("questions")
    )
    return [(page, done.get(page.pk)) for page in pages]


# --- the facilitator's follow-up -------------------------------------------------------------


@dataclass(frozen=True)
class MemberProgress:
    volunteer: Volunteer
    reserve: bool
    pages_done: int
    right: int
    asked: int  # questions of the pages done
    last_activity: dt.datetime | None


@dataclass(frozen=True)
class PageProgress:
    page: TrainingPage
    done: int


@dataclass(frozen=True)
class TrainingProgress:
    draw: PanelDraw | None
    members: list[MemberProgress]
    pages: list[PageProgress]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def training_progress(campaign: Campaign) -> TrainingProgress:
    """One row per panel member (panel, then reserve, in the draw's order) and one per page.
    Four queries whatever the panel's size."""
    pages = list(
        TrainingPage.objects.filter(campaign=campaign).annotate(question_count=Count("questions"))
    )
    draw = panel_draw_of(campaign)
    if draw is None:
        return TrainingProgress(None, [], [PageProgress(page, 0) for page in pages])
    order = [*_ids(draw.selected), *_ids(draw.reserve)]
    reserve = set(_ids(draw.reserve)) - set(_ids(draw.selected))
    numeric = [int(i) for i in order if i.isdigit()]
    volunteers = {str(v.pk): v for v in Volunteer.objects.filter(campaign=campaign, pk__in=numeric)}
    asked = {page.pk: page.question_count for page in pages}
    completions = TrainingCompletion.objects.filter(
        page__campaign=campaign, volunteer__in=numeric
    ).values_list("volunteer_id", "page_id", "correct_answers", "completed_at")
    by_member: dict[str, list[tuple]] = {}
    done_per_page = dict.fromkeys(asked, 0)
    for volunteer_id, page_id, right, at in completions:
        by_member.setdefault(str(volunteer_id), []).append((page_id, right, at))
        done_per_page[page_id] += 1
    members = []
    for key in dict.fromkeys(order):  # a volunteer deleted on request has no row
        volunteer = volunteers.get(key)
        if volunteer is None:
            continue
        done = by_member.get(key, [])
        members.append(
            MemberProgress(
                volunteer=volunteer,
                reserve=key in reserve,
                pages_done=len(done),
                right=sum(right for _page, right, _at in done),
                asked=sum(asked[page_id] for page_id, _right, _at in done),
                last_activity=max((at for _page, _right, at in done), default=None),
            )
        )
    return TrainingProgress(
        draw, members, [PageProgress(page, done_per_page[page.pk]) for page in pages]
    )


def completion_chart(progress: TrainingProgress) -> Chart:
    """Bars: how many panel members finished each page, out of the whole panel."""
    members = len(progress.members)
    labels = [f"{n}. {item.page.title}" for n, item in enumerate(progress.pages, start=1)]
    done = [item.done for item in progress.pages]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=done,
            marker={"color": NEUTRAL},
            text=[f"{count} / {members}" for count in done],
            textposition="outside",
            hoverinfo="x+text",
        )
    )
    figure.update_layout(
        font=FONT,
        height=360,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={
            "title": _("Membres du panel"),
            "range": [0, max(members, 1) * 1.15],
            "zeroline": True,
            "zerolinecolor": MUTED,
        },
    )
    rows = [
        [
            label,
            f"{count} / {members}",
            f"{round(100 * count / members)}\u00a0%" if members else "—",
        ]
        for label, count in zip(labels, done, strict=True)
    ]
    return Chart(
        "chart-training-completion",
        _("Pages terminées par les membres du panel"),
        figure,
        [_("Page"), _("Terminée par"), _("Part du panel")],
        rows,
        {1, 2},
    )
