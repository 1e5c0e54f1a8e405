"""The team's screens of the agenda: list, create, edit (with who registered), delete.

One access check (`agenda_team_view`): anonymous → login; not an administrator or a
facilitator (votes.access.can_edit_agenda) → 403. The services check the right again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from budget.maps import map_div
from votes.access import can_edit_agenda, require
from votes.agenda.forms import EventForm
from votes.agenda.models import Event
from votes.agenda.services import EVENT_FIELDS, event_create, event_delete, event_update
from votes.campaigns.models import Campaign
from votes.proposals.location import picker

View = Callable[..., HttpResponse]


def agenda_team_view(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(can_edit_agenda(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)


def _event(campaign: Campaign, pk: int) -> Event:
    event = get_object_or_404(campaign.events.all(), pk=pk)
    event.campaign = campaign
    return event


def _pick_map(campaign: Campaign):
    return map_div(
        authority=campaign.authority,
        points=[],
        label=_("Carte : cliquez pour placer le lieu, ou utilisez le clavier"),
        pick=picker(marker_label=_("Lieu du rendez-vous")),
        div_id="location-map",
        described_by="map-pick-help",
    )


def _attach(form: EventForm, refusal: ValidationError) -> None:
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, problems in refusal.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@agenda_team_view
@require_safe
def agenda_admin(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    events = list(campaign.events.with_registered().order_by("starts_at", "pk"))
    return render(request, "votes/agenda/admin_list.html", {"campaign": campaign, "events": events})


@agenda_team_view
@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(
                campaign=campaign,
                by=request.user,
                **{name: form.cleaned_data[name] for name in EVENT_FIELDS},
            )
        except ValidationError as refusal:
            _attach(form, refusal)
        else:
            messages.success(request, _("Rendez-vous « %(title)s » ajouté.") % {"title": event})
            return redirect("votes:agenda_admin", slug=campaign.slug)
    return render(
        request,
        "votes/agenda/admin_form.html",
        {"campaign": campaign, "form": form, "map": _pick_map(campaign), "mode": "create"},
        status=400 if form.errors else 200,
    )


@agenda_team_view
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    event = _event(campaign, pk)
    form = EventForm(request.POST if request.method == "POST" else None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(
                event=event,
                by=request.user,
                **{name: form.cleaned_data[name] for name in EVENT_FIELDS},
            )
        except ValidationError as refusal:
            _attach(form, refusal)
        else:
            messages.success(request, _("Rendez-vous enregistré."))
            return redirect("votes:agenda_admin", slug=campaign.slug)
    return render(
        request,
        "votes/agenda/admin_form.html",
        {
            "campaign": campaign,
            "event": event,
            "form": form,
            "map": _pick_map(campaign),
            "mode": "edit",
            "registrations": list(event.registrations.active()),
        },
        status=400 if form.errors else 200,
    )


@agenda_team_view
@require_http_methods(["GET", "POST"])
def event_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    event = _event(campaign, pk)
    if request.method == "POST":
        event_delete(event=event, by=request.user)
        messages.success(
            request, _("Rendez-vous supprimé ; les personnes inscrites sont prévenues.")
        )
        return redirect("votes:agenda_admin", slug=campaign.slug)
    return render(
        request,
        "votes/agenda/admin_delete.html",
        {"campaign": campaign, "event": event, "registered": event.registrations.active().count()},
    )


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/agenda/", agenda_admin, name="agenda_admin"),
    path(
        "gestion/campagnes/<slug:slug>/agenda/nouveau/",
        event_create_view,
        name="agenda_event_create",
    ),
    path(
        "gestion/campagnes/<slug:slug>/agenda/<int:pk>/",
        event_edit_view,
        name="agenda_event_edit",
    ),
    path(
        "gestion/campagnes/<slug:slug>/agenda/<int:pk>/supprimer/",
        event_delete_view,
        name="agenda_event_delete",
    ),
]
