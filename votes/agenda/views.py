"""Public pages of the agenda: the agenda of a campaign, an event and its registration, the
cancellation link, and the iCalendar files (a feed per campaign, a .ics per event)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from budget.maps import map_div
from votes import ratelimits
from votes.agenda import calendar
from votes.agenda.forms import RegistrationForm
from votes.agenda.maps import event_points
from votes.agenda.models import Event, Registration
from votes.agenda.services import registration_cancel, registration_create, seats_left
from votes.campaigns.models import Campaign
from votes.text import render_markdown


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaigns = Campaign.objects.visible_to(request.user).select_related("authority")
    return get_object_or_404(campaigns, slug=slug)


def _event(campaign: Campaign, pk: int) -> Event:
    event = get_object_or_404(campaign.events.all(), pk=pk)
    event.campaign = campaign
    return event


@require_safe
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    upcoming = list(campaign.events.upcoming().with_registered())
    past = list(campaign.events.past())
    for event in [*upcoming, *past]:
        event.campaign = campaign
    return render(
        request,
        "votes/agenda/agenda.html",
        {
            "campaign": campaign,
            "upcoming": upcoming,
            "past": past,
            "map": map_div(
                authority=campaign.authority,
                points=event_points(upcoming),
                label=_("Carte des rendez-vous à venir"),
                div_id="agenda-map",
            ),
            "located": [e for e in upcoming if e.has_point],
        },
    )


def _own_registration(request: HttpRequest, event: Event) -> Registration | None:
    if not request.user.is_authenticated:
        return None
    return event.registrations.active().filter(user=request.user).first()


def _event_context(request: HttpRequest, event: Event, form: RegistrationForm | None) -> dict:
    return {
        "campaign": event.campaign,
        "event": event,
        "description_html": render_markdown(event.description),
        "seats_left": seats_left(event),
        "registration": _own_registration(request, event),
        "form": form,
        "map": map_div(
            authority=event.campaign.authority,
            points=event_points([event]),
            label=_("Lieu du rendez-vous sur la carte"),
            div_id="event-map",
        )
        if event.has_point
        else None,
    }


def _initial(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    profile = getattr(user, "profile", None)
    return {"name": profile.pseudonym if profile else user.get_username(), "email": user.email}


@require_safe
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(_campaign(request, slug), pk)
    form = RegistrationForm(initial=_initial(request))
    return render(request, "votes/agenda/event.html", _event_context(request, event, form))


@require_POST
def event_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(_campaign(request, slug), pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        # Every attempt counts: per address, and per e-mail (no one floods an inbox).
        refusal = ratelimits.hit(request, "event_register", target=email)
        if refusal:
            return ratelimits.refused(request, refusal)
        try:
            registration = registration_create(
                event=event,
                name=form.cleaned_data["name"],
                email=email,
                user=request.user,
                cancel_url_base=request.build_absolute_uri("/")[:-1],
            )
        except ValidationError as refusal:
            if hasattr(refusal, "error_dict"):
                for field, problems in refusal.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, refusal)
        else:
            messages.success(
                request,
                _(
                    "Vous êtes inscrit·e. Un e-mail de confirmation part à %(email)s, avec le "
                    "lien pour annuler."
                )
                % {"email": registration.email},
            )
            return redirect("votes:registration_cancel", token=registration.token)
    context = _event_context(request, event, form)
    return render(request, "votes/agenda/event.html", context, status=400)


@require_http_methods(["GET", "POST"])
def registration_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail: the token is the right to cancel, no login."""
    registration = get_object_or_404(
        Registration.objects.select_related("event__campaign"), token=token
    )
    error = None
    if request.method == "POST":
        try:
            registration_cancel(registration=registration)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("Votre inscription est annulée : la place est libérée."))
            return redirect(registration.event)
    return render(
        request,
        "votes/agenda/registration.html",
        {"registration": registration, "event": registration.event, "error": error},
    )


def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def agenda_ics(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    events = campaign.events.order_by("starts_at", "pk")
    data = calendar.campaign_ics(
        campaign.title,
        ((e, request.build_absolute_uri(e.get_absolute_url())) for e in events),
    )
    return _ics_response(data, f"agenda-{campaign.slug}.ics")


@require_safe
def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(_campaign(request, slug), pk)
    data = calendar.event_ics(event, url=request.build_absolute_uri(event.get_absolute_url()))
    return _ics_response(data, f"rendez-vous-{event.pk}.ics")


urlpatterns = [
    path("campagnes/<slug:slug>/agenda/", agenda, name="agenda"),
    path("campagnes/<slug:slug>/agenda.ics", agenda_ics, name="agenda_ics"),
    path("campagnes/<slug:slug>/agenda/<int:pk>/", event_detail, name="event"),
    path("campagnes/<slug:slug>/agenda/<int:pk>.ics", event_ics, name="event_ics"),
    path(
        "campagnes/<slug:slug>/agenda/<int:pk>/inscription/",
        event_register,
        name="event_register",
    ),
    path(
        "agenda/inscriptions/<uuid:token>/",
        registration_cancel_view,
        name="registration_cancel",
    ),
]
