"""The satisfaction questionnaire's screens: the public answer form, the team's questions.

Answer-once guard: a session flag (``SESSION_KEY``, the campaigns this browser answered for),
kept in the visitor's session only, never on the response. It stops a second answer from the
same browser session, not from a new one: the rate limit per address bounds floods. A signed
token per ballot was not chosen: it would tie the answer to the ballot it was handed with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from votes import ratelimits
from votes.access import can_edit_evaluation, require
from votes.campaigns.models import Campaign
from votes.evaluation.forms import TEXT_HELP, QuestionForm, QuestionWordingForm, answer_fields
from votes.evaluation.models import EvaluationResponse
from votes.evaluation.services import (
    evaluation_question_create,
    evaluation_question_delete,
    evaluation_question_update,
    evaluation_response_record,
)

SESSION_KEY = "evaluation_answered"
View = Callable[..., HttpResponse]


def _moment(request: HttpRequest) -> str:
    moment = request.POST.get("moment") or request.GET.get("moment") or ""
    return moment if moment in EvaluationResponse.Moment.values else EvaluationResponse.Moment.VOTE


@require_http_methods(["GET", "POST"])
def evaluation_answer(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    questions = list(campaign.evaluation_questions.all())
    if not questions:
        raise Http404
    answered = campaign.pk in request.session.get(SESSION_KEY, [])
    context = {"campaign": campaign, "moment": _moment(request), "text_help": TEXT_HELP}
    if answered:
        if request.method == "POST":
            messages.error(request, _("Vous avez déjà répondu à ce questionnaire : merci !"))
        return render(request, "votes/evaluation/answer.html", context | {"answered": True})
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        refusal = ratelimits.hit(request, "evaluation_answer")
        if refusal:
            return ratelimits.refused(request, refusal)
        raw = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            evaluation_response_record(campaign=campaign, moment=context["moment"], raw=raw)
        except ValidationError as refusal_error:
            errors = refusal_error.message_dict if hasattr(refusal_error, "error_dict") else {}
            if not errors:
                errors = {"__all__": refusal_error.messages}
        else:
            # Race: two posts of one session at once may both be kept (the flag is read, then
            # written). Accepted: the guard is a courtesy against double clicks and re-sends,
            # the address's rate limit bounds the rest.
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), campaign.pk]
            messages.success(request, _("Merci : votre réponse anonyme est enregistrée."))
            return redirect("votes:evaluation_answer", slug=campaign.slug)
    fields = answer_fields(questions, request.POST if request.method == "POST" else None)
    for field in fields:
        field["errors"] = errors.get(field["name"], [])
    context |= {"fields": fields, "form_errors": errors.get("__all__", [])}
    return render(request, "votes/evaluation/answer.html", context, status=400 if errors else 200)


def evaluation_team_view(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(can_edit_evaluation(request.user))
        return view(request, *args, **kwargs)

    return wrapped


@evaluation_team_view
@require_http_methods(["GET", "POST"])
def evaluation_questions(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        question = evaluation_question_create(
            campaign=campaign, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Question « %(text)s » ajoutée.") % {"text": question.text})
        return redirect("votes:evaluation_questions", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "questions": list(campaign.evaluation_questions.all()),
    }
    return render(
        request,
        "votes/evaluation/questions.html",
        context,
        status=400 if form.errors else 200,
    )


@evaluation_team_view
@require_http_methods(["GET", "POST"])
def evaluation_question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    question = get_object_or_404(campaign.evaluation_questions.all(), pk=pk)
    form = QuestionWordingForm(
        request.POST if request.method == "POST" else None,
        instance=campaign.evaluation_questions.get(pk=pk),  # the form's own copy
    )
    if request.method == "POST" and form.is_valid():
        evaluation_question_update(question=question, by=request.user, **form.cleaned_data)
        messages.success(request, _("Question modifiée."))
        return redirect("votes:evaluation_questions", slug=campaign.slug)
    return render(
        request,
        "votes/evaluation/question_edit.html",
        {"campaign": campaign, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@evaluation_team_view
@require_POST
def evaluation_question_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    question = get_object_or_404(campaign.evaluation_questions.all(), pk=pk)
    evaluation_question_delete(question=question, by=request.user)
    messages.success(request, _("Question supprimée, avec ses réponses."))
    return redirect("votes:evaluation_questions", slug=campaign.slug)


urlpatterns = [
    path("campagnes/<slug:slug>/evaluation/", evaluation_answer, name="evaluation_answer"),
    path(
        "gestion/campagnes/<slug:slug>/evaluation/questions/",
        evaluation_questions,
        name="evaluation_questions",
    ),
    path(
        "gestion/campagnes/<slug:slug>/evaluation/questions/<int:pk>/",
        evaluation_question_edit,
        name="evaluation_question_edit",
    ),
    path(
        "gestion/campagnes/<slug:slug>/evaluation/questions/<int:pk>/supprimer/",
        evaluation_question_remove,
        name="evaluation_question_delete",
    ),
]
