"""Citizen accounts: sign-up, e-mail confirmation, "Mes données", deletion, password reset."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.models import Authority
from votes import ratelimits
from votes.accounts import services as services
from votes.accounts.forms import DeleteAccountForm, EmailAuthenticationForm, ProfileForm, SignupForm
from votes.accounts.models import Profile
from votes.notifications.views import preferences_context

# A freshly created account has no axes history to check: log it in with the model backend.
SIGNUP_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _signup_authority(request: HttpRequest) -> Authority | None:
    """A sign-up started from a territory's pages lists only that territory's communes."""
    slug = request.POST.get("collectivite") or request.GET.get("collectivite")
    return get_object_or_404(Authority, slug=slug) if slug else None


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _own_profile(request: HttpRequest) -> Profile | None:
    # Team accounts created in the admin have no citizen profile.
    return Profile.objects.filter(user=request.user).select_related("commune__authority").first()


@require_http_methods(["GET", "POST"])
def account_signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes déjà connecté(e)."))
        return redirect(next_url or "votes:account_mydata")
    if request.method == "POST":
        # Every attempt counts, per address and per e-mail: each one may send an e-mail.
        refusal = ratelimits.hit(request, "signup", target=request.POST.get("email"))
        if refusal:
            return ratelimits.refused(request, refusal)
    authority = _signup_authority(request)
    form = SignupForm(request.POST or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        commune, outside = form.chosen_residence()
        data = form.cleaned_data
        try:
            user = services.account_create(
                email=data["email"],
                password=data["password"],
                pseudonym=data["pseudonym"],
                commune=commune,
                outside_territory=outside,
                birth_year=data["birth_year"],
                gender=data["gender"],
                notify_results=data["notify_results"],
                consent=data["consent"],
                authority=authority,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            services.account_send_confirmation(user=user, site_url=_site_url(request))
            login(request, user, backend=SIGNUP_BACKEND)
            messages.success(
                request,
                _(
                    "Votre compte est créé. Nous vous avons envoyé un lien pour confirmer votre "
                    "adresse e-mail ; ouvrez-le dans les %(days)d jours."
                )
                % {"days": services.CONFIRM_MAX_AGE.days},
            )
            return redirect(next_url or "votes:account_mydata")
    return render(
        request,
        "votes/accounts/signup.html",
        {"form": form, "authority": authority, "next": next_url},
    )


@require_GET
def account_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.account_confirm_email(token=token)
    except ValidationError as error:
        return render(
            request,
            "votes/accounts/confirm_failed.html",
            {"reason": error.messages[0], "expired": error.code == "expired"},
            status=400,
        )
    messages.success(request, _("Merci : votre adresse e-mail est confirmée."))
    if request.user.is_authenticated:
        return redirect("votes:account_mydata")
    return redirect("login")


@require_POST
@login_required
def account_confirm_resend(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile is None:
        messages.error(request, _("Ce compte n'a pas de profil citoyen à confirmer."))
    elif profile.email_confirmed:
        messages.info(request, _("Votre adresse e-mail est déjà confirmée."))
    else:
        services.account_send_confirmation(user=request.user, site_url=_site_url(request))
        messages.success(
            request,
            _("Un nouveau lien de confirmation vient d'être envoyé à votre adresse e-mail."),
        )
    return redirect("votes:account_mydata")


@require_http_methods(["GET", "POST"])
@login_required
def account_mydata(request: HttpRequest) -> HttpResponse:
    template_name = "votes/accounts/mydata.html"
    profile = _own_profile(request)
    form = None
    saved = False
    if profile is not None:
        form = ProfileForm(
            request.POST if request.method == "POST" else None,
            initial=ProfileForm.initial_for(profile),
        )
        if request.method == "POST" and form.is_valid():
            commune, outside = form.chosen_residence()
            try:
                profile = services.account_update_profile(
                    user=request.user,
                    pseudonym=form.cleaned_data["pseudonym"],
                    commune=commune,
                    outside_territory=outside,
                    gender=form.cleaned_data["gender"],
                    notify_results=form.cleaned_data["notify_results"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not request.htmx:
                    messages.success(request, _("Vos modifications sont enregistrées."))
                    return redirect("votes:account_mydata")
                saved = True
                form = ProfileForm(initial=ProfileForm.initial_for(profile))
    if request.htmx:
        template_name += "#profile-form"
    return render(
        request,
        template_name,
        {"profile": profile, "form": form, "saved": saved, **preferences_context(request)},
    )


@require_GET
@login_required
def account_mydata_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        services.account_export(user=request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-arbitrages.json"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            return redirect("votes:account_deleted")
    return render(
        request,
        "votes/accounts/delete.html",
        {
            "form": form,
            "proposal_count": request.user.proposals.count(),
            "scenario_count": request.user.scenarios.count(),
        },
    )


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "votes/accounts/deleted.html")


_password_reset = auth_views.PasswordResetView.as_view(
    template_name="registration/password_reset_form.html",
    email_template_name="votes/emails/account_password_reset.txt",
    subject_template_name="votes/emails/account_password_reset_subject.txt",
    success_url=reverse_lazy("votes:account_password_reset_done"),
)


@require_http_methods(["GET", "POST"])
def account_password_reset(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # Every request may send an e-mail: per address, and per e-mail address so that
        # nobody's mailbox can be flooded with reset links.
        refusal = ratelimits.hit(request, "password_reset", target=request.POST.get("email"))
        if refusal:
            return ratelimits.refused(request, refusal)
    return _password_reset(request)


_login = auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm)


def login_rate_limited(login_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A login view with the failures of one address counted whatever the usernames:
    django-axes locks a (username, address) pair, this stops one address trying many. The
    site's login and the admin's (/admin/login/) share the one `login` limit."""

    @wraps(login_view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        refusal = ratelimits.blocked(request, "login")
        if refusal:
            return ratelimits.refused(request, refusal)
        response = login_view(request, *args, **kwargs)
        # The form shown again (200) is a failed attempt; a success redirects, a lockout is 429.
        if response.status_code == 200:
            ratelimits.failed(request, "login")
        return response

    return limited


account_login = require_http_methods(["GET", "POST"])(login_rate_limited(_login))


urlpatterns = [
    path("compte/inscription/", account_signup, name="account_signup"),
    # Before the token route, which would otherwise take "renvoyer" for a token.
    path("compte/confirmer/renvoyer/", account_confirm_resend, name="account_confirm_resend"),
    path("compte/confirmer/<str:token>/", account_confirm, name="account_confirm"),
    path("compte/mes-donnees/", account_mydata, name="account_mydata"),
    path("compte/mes-donnees.json", account_mydata_json, name="account_mydata_json"),
    path("compte/supprimer/", account_delete, name="account_delete"),
    path("compte/supprime/", account_deleted, name="account_deleted"),
    path("compte/mot-de-passe/", account_password_reset, name="account_password_reset"),
    path(
        "compte/mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="account_password_reset_done",
    ),
    path(
        "compte/mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("votes:account_password_reset_complete"),
        ),
        name="account_password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="account_password_reset_complete",
    ),
]
