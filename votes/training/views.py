"""The panel's training path: the members' pages (personal link, no account), the public
preview, the team's editing and the facilitator's follow-up.

Team pages: administrators and facilitators; anonymous visitors go to the login page, other
roles get 403. A personal link works only for a member of the campaign's latest published
draw (panel or reserve); anyone else gets a refusal page.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.roles import ADMINISTRATOR, FACILITATOR, has_role, require_role
from votes.campaigns.models import Campaign, Phase
from votes.panels.models import Volunteer
from votes.text import render_markdown
from votes.training import services as training
from votes.training.forms import TrainingAnswersForm, TrainingPageForm, TrainingQuestionForm
from votes.training.models import TrainingPage, TrainingQuestion


def _is_team(user) -> bool:
    return has_role(user, ADMINISTRATOR, FACILITATOR)


def _posted(request: HttpRequest):
    # Bound on every POST, even an empty one, so that it shows its "required" errors.
    return request.POST if request.method == "POST" else None


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)


def _team_campaign(request: HttpRequest, slug: str) -> Campaign:
    require_role(request.user, ADMINISTRATOR, FACILITATOR)
    return _campaign(slug)


def _page(campaign: Campaign, page_slug: str) -> TrainingPage:
    return get_object_or_404(TrainingPage, campaign=campaign, slug=page_slug)


def _manage_url(campaign: Campaign) -> str:
    return reverse("votes:training_manage", kwargs={"slug": campaign.slug})


def _page_url(page: TrainingPage) -> str:
    return reverse(
        "votes:training_page_edit",
        kwargs={"slug": page.campaign.slug, "page_slug": page.slug},
    )


# --- the panel member (personal link) -------------------------------------------------------


def _member(request: HttpRequest, token: UUID) -> Volunteer | HttpResponse:
    volunteer = get_object_or_404(
        Volunteer.objects.select_related("campaign__authority"), token=token
    )
    if not training.is_panel_member(volunteer):
        return render(
            request,
            "votes/training/refused.html",
            {"campaign": volunteer.campaign},
            status=403,
        )
    return volunteer


@require_GET
def training_home(request: HttpRequest, token: UUID) -> HttpResponse:
    volunteer = _member(request, token)
    if isinstance(volunteer, HttpResponse):
        return volunteer
    steps = training.path_of(volunteer)
    context = {
        "volunteer": volunteer,
        "campaign": volunteer.campaign,
        "steps": steps,
        "done": sum(completion is not None for _page, completion in steps),
        "next_page": next((page for page, completion in steps if completion is None), None),
    }
    return render(request, "votes/training/home.html", context)


@require_http_methods(["GET", "POST"])
def training_page(request: HttpRequest, token: UUID, page_slug: str) -> HttpResponse:
    volunteer = _member(request, token)
    if isinstance(volunteer, HttpResponse):
        return volunteer
    page = _page(volunteer.campaign, page_slug)
    questions = list(page.questions.all())
    form = TrainingAnswersForm(_posted(request), questions=questions)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = training.training_page_complete(
                volunteer=volunteer, page=page, answers=form.answers()
            )
        except ValidationError as error:
            _attach(form, error)
    pages = list(TrainingPage.objects.filter(campaign=volunteer.campaign_id))
    index = next(i for i, p in enumerate(pages) if p.pk == page.pk)
    context = {
        "volunteer": volunteer,
        "campaign": volunteer.campaign,
        "page": page,
        "body": render_markdown(page.body),
        "number": index + 1,
        "page_count": len(pages),
        "next_page": pages[index + 1] if index + 1 < len(pages) else None,
        "form": form,
        "result": result,
        "completion": result.completion
        if result
        else volunteer.training_completions.filter(page=page).first(),
    }
    template_name = "votes/training/page.html"
    if request.htmx:
        template_name += "#check"
    return render(request, template_name, context)


# --- the public preview ------------------------------------------------------------------------


@require_GET
def training_preview(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    if campaign.phase == Phase.DRAFT and not _is_team(request.user):
        raise Http404
    pages = [
        (page, render_markdown(page.body))
        for page in TrainingPage.objects.filter(campaign=campaign).prefetch_related("questions")
    ]
    return render(
        request,
        "votes/training/preview.html",
        {"campaign": campaign, "pages": pages, "can_edit": _is_team(request.user)},
    )


# --- the team: pages ----------------------------------------------------------------------------


@login_required
@require_GET
def training_manage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    pages = TrainingPage.objects.filter(campaign=campaign).prefetch_related("questions")
    return render(request, "votes/training/manage.html", {"campaign": campaign, "pages": pages})


@login_required
@require_http_methods(["GET", "POST"])
def training_page_add(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    form = TrainingPageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            page = training.training_page_create(
                campaign=campaign, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Page « %(title)s » ajoutée.") % {"title": page.title})
            return redirect(_page_url(page))
    return render(
        request,
        "votes/training/page_form.html",
        {"campaign": campaign, "page": None, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_page_edit(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    form = TrainingPageForm(_posted(request), page=page)
    if request.method == "POST" and form.is_valid():
        try:
            training.training_page_update(page=page, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Page « %(title)s » enregistrée.") % {"title": page.title})
            return redirect(_manage_url(campaign))
    return render(
        request,
        "votes/training/page_form.html",
        {
            "campaign": campaign,
            "page": page,
            "form": form,
            "questions": page.questions.all(),
            "preview": render_markdown(page.body),
        },
    )


@login_required
@require_POST
def training_page_move(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, _("Déplacement inconnu : rien n'a changé."))
    else:
        training.training_page_move(page=page, offset=offset, by=request.user)
    return redirect(_manage_url(campaign))


@login_required
@require_http_methods(["GET", "POST"])
def training_page_delete(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    if request.method == "POST":
        training.training_page_delete(page=page, by=request.user)
        messages.success(request, _("Page « %(title)s » supprimée.") % {"title": page.title})
        return redirect(_manage_url(campaign))
    return render(
        request,
        "votes/training/page_delete.html",
        {"campaign": campaign, "page": page, "completions": page.completions.count()},
    )


# --- the team: questions -------------------------------------------------------------------------


def _question(page: TrainingPage, pk: int) -> TrainingQuestion:
    return get_object_or_404(TrainingQuestion, page=page, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def training_question_add(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    form = TrainingQuestionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            training.training_question_create(page=page, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Question ajoutée."))
            return redirect(_page_url(page))
    return render(
        request,
        "votes/training/question_form.html",
        {"campaign": campaign, "page": page, "question": None, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_question_edit(
    request: HttpRequest, slug: str, page_slug: str, pk: int
) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    question = _question(page, pk)
    form = TrainingQuestionForm(_posted(request), question=question)
    if request.method == "POST" and form.is_valid():
        try:
            training.training_question_update(
                question=question, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Question enregistrée."))
            return redirect(_page_url(page))
    return render(
        request,
        "votes/training/question_form.html",
        {"campaign": campaign, "page": page, "question": question, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_question_delete(
    request: HttpRequest, slug: str, page_slug: str, pk: int
) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    page = _page(campaign, page_slug)
    question = _question(page, pk)
    if request.method == "POST":
        training.training_question_delete(question=question, by=request.user)
        messages.success(request, _("Question supprimée."))
        return redirect(_page_url(page))
    return render(
        request,
        "votes/training/question_delete.html",
        {"campaign": campaign, "page": page, "question": question},
    )


# --- the facilitator's follow-up ---------------------------------------------------------------


@login_required
@require_GET
def training_follow(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    progress = training.training_progress(campaign)
    return render(
        request,
        "votes/training/follow.html",
        {
            "campaign": campaign,
            "progress": progress,
            "chart": (
                training.completion_chart(progress) if progress.pages and progress.draw else None
            ),
        },
    )


_team = "gestion/campagnes/<slug:slug>/formation/"
_team_page = _team + "pages/<slug:page_slug>/"
urlpatterns = [
    path("formation/<uuid:token>/", training_home, name="training_home"),
    path("formation/<uuid:token>/<slug:page_slug>/", training_page, name="training_page"),
    path("campagnes/<slug:slug>/formation/", training_preview, name="training_preview"),
    path(_team, training_manage, name="training_manage"),
    path(_team + "ajouter/", training_page_add, name="training_page_add"),
    path(_team + "suivi/", training_follow, name="training_follow"),
    path(_team_page, training_page_edit, name="training_page_edit"),
    path(_team_page + "deplacer/", training_page_move, name="training_page_move"),
    path(_team_page + "supprimer/", training_page_delete, name="training_page_delete"),
    path(_team_page + "questions/ajouter/", training_question_add, name="training_question_add"),
    path(
        _team_page + "questions/<int:pk>/",
        training_question_edit,
        name="training_question_edit",
    ),
    path(
        _team_page + "questions/<int:pk>/supprimer/",
        training_question_delete,
        name="training_question_delete",
    ),
]
