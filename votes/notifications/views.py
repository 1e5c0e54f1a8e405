"""Notification screens: the choices of "my account", following a campaign, and the
one-click unsubscribe link of every message (signed, no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from votes.campaigns.models import Campaign
from votes.notifications.forms import PreferencesForm
from votes.notifications.models import Follow, Kind
from votes.notifications.sending import ALL, unsubscribe_token
from votes.notifications.services import (
    current_choices,
    follow_set,
    preferences_update,
    unsubscribe_apply,
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def preferences_context(request: HttpRequest, form: PreferencesForm | None = None) -> dict:
    """What "my account" shows of the notifications (votes/accounts/views.py adds it)."""
    user = request.user
    return {
        "notifications_form": form or PreferencesForm(initial=current_choices(user)),
        "followed": list(Follow.objects.filter(user=user).select_related("campaign")),
    }


@require_POST
@login_required
def notification_preferences(request: HtmxHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    saved = False
    if form.is_valid():
        preferences_update(user=request.user, choices=form.cleaned_data)
        saved = True
        if not request.htmx:
            messages.success(request, _("Vos choix de notifications sont enregistrés."))
            return redirect(reverse("votes:account_mydata") + "#notifications-heading")
    template = "votes/accounts/mydata.html"
    if request.htmx:
        template += "#notifications-form"
    context = {**preferences_context(request, form), "notifications_saved": saved}
    if saved:
        context["notifications_form"] = PreferencesForm(initial=current_choices(request.user))
    return render(request, template, context)


@require_POST
@login_required
def campaign_follow(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    wanted = request.POST.get("follow") == "1"
    error = ""
    try:
        following = follow_set(user=request.user, campaign=campaign, follow=wanted)
    except ValidationError as problem:
        following = Follow.objects.filter(user=request.user, campaign=campaign).exists()
        error = " ".join(problem.messages)
    if request.htmx:
        return render(
            request,
            "votes/notifications/follow.html#follow",
            {"campaign": campaign, "following": following, "follow_error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(campaign)


# Mail clients post here without a CSRF token (RFC 8058 one-click): the signed link is the
# proof, and the only thing it can do is stop e-mails.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Following the link stops the e-mails at once (one click, no login); the page says
    which, and offers to stop all of them or to choose in the account."""
    try:
        user, kind = unsubscribe_apply(token=token)
    except ValidationError as problem:
        return render(
            request,
            "votes/notifications/unsubscribe.html",
            {"error": " ".join(problem.messages)},
            status=400,
        )
    if request.method == "POST" and not request.POST.get("page"):
        # A mail client's button: nobody reads the answer.
        return HttpResponse(_("Désabonnement enregistré."), content_type="text/plain")
    return render(
        request,
        "votes/notifications/unsubscribe.html",
        {
            "kind": kind,
            "all": kind == ALL,
            "kind_label": "" if kind == ALL else Kind(kind).label,
            "all_token": unsubscribe_token(user=user, kind=ALL),
        },
    )


urlpatterns = [
    path("compte/notifications/", notification_preferences, name="notification_preferences"),
    path("campagnes/<slug:slug>/suivre/", campaign_follow, name="campaign_follow"),
    path("notifications/desabonnement/<str:token>/", unsubscribe, name="unsubscribe"),
]
