"""Workshops: the facilitator's pages (sessions, groups, live dashboard) and the group's screen.

The facilitator's pages need the facilitator or administrator role, and then the workshop's
own facilitator (simulator.workshops.can_run_workshop). The group's screen needs no account:
the group is the one this browser joined with its code; no URL names a group or a scenario,
so a browser cannot reach another group's choices.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from simulator import services
from simulator.models import Measure
from simulator.screen import catalogue, results_context
from votes import ratelimits
from votes.access import is_administrator, is_facilitator, require
from votes.workshops.forms import (
    ArgumentForm,
    GroupForm,
    JoinForm,
    RenameForm,
    WorkshopCreateForm,
    WorkshopEditForm,
    attach_errors,
)
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.progress import progress_chart, progress_percent, rows_fingerprint, to_money
from votes.workshops.services import (
    can_run_workshop,
    dashboard_rows,
    group_argument_set,
    group_arguments,
    group_choices_save,
    group_create,
    group_delete,
    group_join,
    group_leave,
    group_rename,
    session_group,
    workshop_close,
    workshop_create,
    workshop_update,
    workshops_for,
)

View = Callable[..., HttpResponse]
POLL_SECONDS = 5

# Group codes are counted together: one target for every workshop.
JOIN_TARGET = "workshops"


# --- access ----------------------------------------------------------------------------------


def facilitator_view(view: View) -> View:
    """Anonymous → login (htmx polls too), neither facilitator nor administrator → 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(f"{reverse('login')}?next={request.path}")
            return redirect_to_login(request.get_full_path())
        require(is_facilitator(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _get_workshop(request: HttpRequest, pk: int) -> Workshop:
    workshop = get_object_or_404(
        Workshop.objects.select_related("campaign__budget", "facilitator", "code_batch"), pk=pk
    )
    require(can_run_workshop(request.user, workshop))
    return workshop


# --- the facilitator: sessions and groups ----------------------------------------------------


@facilitator_view
@require_http_methods(["GET", "POST"])
def workshop_list(request: HttpRequest) -> HttpResponse:
    form = WorkshopCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = workshop_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Atelier « %(title)s » créé : ajoutez maintenant ses groupes.")
                % {"title": workshop.title},
            )
            return redirect("votes:workshop_setup", pk=workshop.pk)
    workshops = workshops_for(request.user).annotate(group_count=Count("groups"))
    return render(
        request,
        "votes/workshops/list.html",
        {"workshops": workshops, "form": form, "can_see_all": is_administrator(request.user)},
        status=400 if form.errors else 200,
    )


def join_url(request: HttpRequest, group: WorkshopGroup) -> str:
    return request.build_absolute_uri(reverse("votes:workshop_join")) + f"?code={group.join_code}"


def _setup(request: HttpRequest, workshop: Workshop, **overrides) -> HttpResponse:
    groups = []
    for group in workshop.groups.all():
        url = join_url(request, group)
        qr = segno.make(url, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr-code")
        groups.append({"group": group, "url": url, "qr": qr})
    is_open = workshop.status == Workshop.Status.OPEN
    context = {
        "workshop": workshop,
        "groups": groups,
        "is_open": is_open,
        "join_page": request.build_absolute_uri(reverse("votes:workshop_join")),
        "form": WorkshopEditForm(
            instance=Workshop.objects.get(pk=workshop.pk),
            can_hand_over=is_administrator(request.user),
        ),
        "group_form": GroupForm(),
    }
    context.update(overrides)
    errors = any(f.errors for f in (context["form"], context["group_form"]))
    return render(request, "votes/workshops/setup.html", context, status=400 if errors else 200)


@facilitator_view
@require_http_methods(["GET", "POST"])
def workshop_setup(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    if request.method != "POST":
        return _setup(request, workshop)
    form = WorkshopEditForm(
        request.POST,
        instance=Workshop.objects.get(pk=workshop.pk),
        can_hand_over=is_administrator(request.user),
    )
    if form.is_valid():
        try:
            workshop_update(
                workshop=workshop,
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Atelier enregistré."))
            return redirect("votes:workshop_setup", pk=workshop.pk)
    return _setup(request, workshop, form=form)


@facilitator_view
@require_POST
def workshop_group_add(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = group_create(workshop=workshop, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Groupe « %(name)s » ajouté : son code est %(code)s.")
                % {"name": group.name, "code": group.join_code},
            )
            return redirect(reverse("votes:workshop_setup", kwargs={"pk": pk}) + "#groupes")
    return _setup(request, workshop, group_form=form)


@facilitator_view
@require_POST
def workshop_group_delete(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    group = get_object_or_404(WorkshopGroup, pk=group_pk, workshop=workshop)
    try:
        group_delete(group=group, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Groupe « %(name)s » supprimé.") % {"name": group.name})
    return redirect(reverse("votes:workshop_setup", kwargs={"pk": pk}) + "#groupes")


@facilitator_view
@require_POST
def workshop_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    try:
        workshop_close(workshop=workshop, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Atelier clos : les groupes voient leurs choix sans pouvoir les modifier.")
        )
    return redirect("votes:workshop_setup", pk=pk)


# --- the facilitator: live dashboard ---------------------------------------------------------


@facilitator_view
@require_GET
@vary_on_headers("HX-Request")
def workshop_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Every group's progress; the table polls itself every few seconds (htmx)."""
    workshop = _get_workshop(request, pk)
    rows = dashboard_rows(workshop)
    fingerprint = rows_fingerprint(rows)
    if request.htmx and request.GET.get("v") == fingerprint:
        # Nothing changed since the last poll: htmx swaps nothing on 204, the chart stays.
        return HttpResponse(status=204)
    target = rows[0].target if rows else None
    template_name = "votes/workshops/dashboard.html"
    if request.htmx:
        template_name += "#progress"
    return render(
        request,
        template_name,
        {
            "workshop": workshop,
            "rows": rows,
            "target": target,
            "chart": progress_chart(rows, target) if rows else None,
            "poll_url": f"{request.path}?v={fingerprint}",
            "poll_seconds": POLL_SECONDS,
        },
    )


# --- the group's screen ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def workshop_join(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # Wrong codes are counted per address and over all workshops (the target): a group
        # code is short, guessing must stop however many addresses try.
        refusal = ratelimits.blocked(request, "workshop_join", target=JOIN_TARGET)
        if refusal:
            return ratelimits.refused(request, refusal)
        form = JoinForm(request.POST)
    else:
        form = JoinForm(initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            group = group_join(session=request.session, raw_code=form.cleaned_data["code"])
        except ValidationError as error:
            ratelimits.failed(request, "workshop_join", target=JOIN_TARGET)
            for message in error.messages:
                form.add_error("code", message)
        else:
            messages.success(request, _("Bienvenue, « %(name)s » !") % {"name": group.name})
            return redirect("votes:workshop_group")
    return render(
        request,
        "votes/workshops/join.html",
        {"form": form, "current": session_group(request.session)},
        status=400 if form.errors else 200,
    )


def _no_group(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Saisissez le code de votre groupe pour ouvrir son écran."))
    if request.htmx:
        return HttpResponseClientRedirect(reverse("votes:workshop_join"))
    return redirect("votes:workshop_join")


def _refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A closed workshop (or a stale screen): reload the screen, which says why."""
    for message in error.messages:
        messages.error(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(reverse("votes:workshop_group"))
    return redirect("votes:workshop_group")


def _argument_forms(group: WorkshopGroup) -> list[ArgumentForm]:
    texts = group_arguments(group)
    return [
        ArgumentForm(initial={"text": texts.get(measure.pk, "")}, measure=measure)
        for measure in group.scenario.measures.order_by("position", "title")
    ]


def _group_context(group: WorkshopGroup, *, full: bool) -> dict:
    """What the screen shows; `full` adds the catalogue (one engine run per measure)."""
    scenario = group.scenario
    budget = scenario.budget
    state = services.scenario_state(scenario)
    context = results_context(budget, state)
    result = context.get("result")
    progress = progress_percent(
        to_money(result.full_year_net_saving) if result else None, scenario.target
    )
    context.update(
        {
            "group": group,
            "workshop": group.workshop,
            "scenario": scenario,
            "read_only": group.workshop.status != Workshop.Status.OPEN,
            "progress": progress,
            "progress_bar": max(0, min(100, progress or 0)),
            "argument_forms": _argument_forms(group),
        }
    )
    if full:
        context["catalogue"] = catalogue(budget, state)
        context["rename_form"] = RenameForm(initial={"title": scenario.title})
    return context


@require_http_methods(["GET", "POST"])
def workshop_group(request: HttpRequest) -> HttpResponse:
    """The group's simulator: every change is saved to the group's scenario at once."""
    group = session_group(request.session)
    if group is None:
        return _no_group(request)
    if request.method == "POST":
        try:
            group = group_choices_save(group=group, measures=request.POST.getlist("measures"))
        except ValidationError as error:
            return _refused(request, error)
        if not request.htmx:
            return redirect("votes:workshop_group")
        context = _group_context(group, full=False)
        context["oob"] = True
        return render(request, "votes/workshops/group.html#update", context)
    return render(request, "votes/workshops/group.html", _group_context(group, full=True))


@require_POST
def workshop_group_rename(request: HttpRequest) -> HttpResponse:
    group = session_group(request.session)
    if group is None:
        return _no_group(request)
    form = RenameForm(request.POST)
    form.is_valid()  # always valid: the service checks the title
    try:
        group = group_rename(group=group, title=form.cleaned_data["title"])
    except ValidationError as error:
        if group.workshop.status != Workshop.Status.OPEN:
            return _refused(request, error)
        attach_errors(form, error)
    else:
        if not request.htmx:
            messages.success(request, _("Nom enregistré."))
            return redirect("votes:workshop_group")
        form = RenameForm(initial={"title": group.scenario.title})
    if not request.htmx:
        for message in form.errors.get("title", []):
            messages.error(request, message)
        return redirect("votes:workshop_group")
    context = {
        "group": group,
        "scenario": group.scenario,
        "rename_form": form,
        "renamed": not form.errors,
        "read_only": False,
    }
    return render(request, "votes/workshops/group.html#heading", context)


@require_POST
def workshop_group_argument(request: HttpRequest, slug: str) -> HttpResponse:
    group = session_group(request.session)
    if group is None:
        return _no_group(request)
    measure = get_object_or_404(
        Measure.objects.catalogue(), budget=group.scenario.budget_id, slug=slug
    )
    form = ArgumentForm(request.POST, measure=measure)
    form.is_valid()  # always valid: the service checks the text
    try:
        group_argument_set(group=group, measure=measure, text=form.cleaned_data["text"])
    except ValidationError as error:
        if group.workshop.status != Workshop.Status.OPEN:
            return _refused(request, error)
        attach_errors(form, error)
    if not request.htmx:
        if form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        else:
            messages.success(request, _("Argument enregistré."))
        return redirect(reverse("votes:workshop_group") + f"#argument-{measure.slug}")
    return render(
        request,
        "votes/workshops/group.html#argument",
        {"form": form, "saved": not form.errors, "read_only": False},
    )


@require_POST
def workshop_group_leave(request: HttpRequest) -> HttpResponse:
    group_leave(session=request.session)
    messages.success(request, _("Vous avez quitté le groupe. Son travail reste enregistré."))
    return redirect("votes:workshop_join")


urlpatterns = [
    path("gestion/ateliers/", workshop_list, name="workshop_list"),
    path("gestion/ateliers/<int:pk>/", workshop_setup, name="workshop_setup"),
    path("gestion/ateliers/<int:pk>/groupes/", workshop_group_add, name="workshop_group_add"),
    path(
        "gestion/ateliers/<int:pk>/groupes/<int:group_pk>/supprimer/",
        workshop_group_delete,
        name="workshop_group_delete",
    ),
    path("gestion/ateliers/<int:pk>/clore/", workshop_close_view, name="workshop_close"),
    path("gestion/ateliers/<int:pk>/suivi/", workshop_dashboard, name="workshop_dashboard"),
    path("atelier/", workshop_join, name="workshop_join"),
    path("atelier/groupe/", workshop_group, name="workshop_group"),
    path("atelier/groupe/nom/", workshop_group_rename, name="workshop_group_rename"),
    path(
        "atelier/groupe/arguments/<slug:slug>/",
        workshop_group_argument,
        name="workshop_group_argument",
    ),
    path("atelier/quitter/", workshop_group_leave, name="workshop_group_leave"),
]
