"""Team pages of the feasibility instruction: services, assignment, instruction, validation,
dashboard, the Excel sheet and the publication to authors.

Anonymous visitors are sent to the login page; logged-in users without the right get 403.
The role and object checks here only decide what a page shows: the services check again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.imports.uploads import go, import_at_once, zone_template
from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, authorities_for
from budget.spreadsheets import writer
from simulator.engine import SimulationError
from votes import access
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import phase_allows
from votes.instruction import (
    assignment,
    dashboard,
    figures,
    finance,
    history,
    instructing,
    publication,
    sheet_services,
)
from votes.instruction.choices import FROZEN
from votes.instruction.forms import (
    AssignForm,
    InstructionForm,
    ReturnForm,
    ServiceForm,
    SheetImportForm,
)
from votes.instruction.models import Instruction, Service
from votes.instruction.sheet import schedule_text
from votes.proposals.models import Proposal
from votes.text import render_markdown

Validation = Instruction.Validation


def _instruction_team(user, campaign: Campaign | None = None) -> bool:
    """`campaign`: None checks the role where the request's URL points (votes/scope/)."""
    return (
        access.is_administrator(user, campaign)
        or access.is_finance(user, campaign)
        or access.is_instructor(user, campaign)
    )


def _roles(user, campaign: Campaign | None = None) -> dict[str, bool]:
    return {
        "administrator": access.is_administrator(user, campaign),
        "finance": access.is_finance(user, campaign),
        "instructor": access.is_instructor(user, campaign),
    }


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """Service refusals on their field when the form shows it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _posted(request: HttpRequest):
    # Bound on every POST, even an empty one, so that it shows its "required" errors.
    return request.POST if request.method == "POST" else None


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority", "budget"), slug=slug)


def _proposal(campaign: Campaign, reference: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("campaign", "category", "service", "author"),
        campaign=campaign,
        reference=reference,
    )


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- home and services ------------------------------------------------------------------------


@login_required
@require_GET
def instruction_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(_instruction_team(user))
    campaigns = access.filter_campaigns(
        Campaign.objects.public(), user, ADMINISTRATOR, FINANCE, INSTRUCTOR
    )
    campaigns = campaigns.select_related("authority").annotate(
        proposal_count=Count("proposals", distinct=True),
        waiting=Count(
            "proposals__instruction",
            filter=Q(proposals__instruction__validation=Validation.SUBMITTED),
            distinct=True,
        ),
    )
    # A member of a service instructs only where the role is held (not with a role elsewhere).
    mine = (
        access.filter_campaigns(
            Instruction.objects.all(), user, INSTRUCTOR, prefix="proposal__campaign__"
        )
        .filter(
            proposal__service__members=user,
            validation__in=[Validation.DRAFT, Validation.RETURNED],
        )
        .exclude(proposal__status=Proposal.Status.WITHDRAWN)
        .select_related("proposal__campaign", "proposal__service")
        .order_by("due_on", "proposal__campaign__title", "proposal__reference")
        if access.is_instructor(user)
        else Instruction.objects.none()
    )
    return render(
        request,
        "votes/instruction/home.html",
        {
            "campaigns": campaigns,
            "mine": mine,
            "today": timezone.localdate(),
            "is_administrator": access.is_administrator(user),
            "is_finance": access.is_finance(user),
        },
    )


@login_required
@require_GET
def instruction_services(request: HttpRequest) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    services_list = Service.objects.all()
    authorities = authorities_for(request.user, ADMINISTRATOR)
    if authorities is not None:
        services_list = services_list.filter(authority_id__in=authorities)
    services_list = (
        services_list.select_related("authority")
        .prefetch_related("members")
        .annotate(proposal_count=Count("proposals"))
        .order_by("authority__name", "name")
    )
    return render(request, "votes/instruction/services.html", {"services": services_list})


@login_required
@require_http_methods(["GET", "POST"])
def instruction_service_create(request: HttpRequest) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    form = ServiceForm(_posted(request), authorities=authorities_for(request.user, ADMINISTRATOR))
    if request.method == "POST" and form.is_valid():
        try:
            service = assignment.service_create(
                authority=form.cleaned_data["authority"],
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Service « %(name)s » créé.") % {"name": service.name})
            return redirect("votes:instruction_services")
    return render(request, "votes/instruction/service_form.html", {"form": form, "service": None})


@login_required
@require_http_methods(["GET", "POST"])
def instruction_service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    service = get_object_or_404(Service.objects.select_related("authority"), pk=pk)
    form = ServiceForm(_posted(request), service=service)
    if request.method == "POST" and form.is_valid():
        try:
            assignment.service_update(
                service=service,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Service « %(name)s » enregistré.") % {"name": service})
            return redirect("votes:instruction_services")
    return render(
        request, "votes/instruction/service_form.html", {"form": form, "service": service}
    )


# --- per campaign -------------------------------------------------------------------------------


@login_required
@require_GET
def instruction_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    # The campaign's guarantor reads it too (issue 16 §2); its forms are for the roles only.
    access.require(
        _instruction_team(request.user, campaign) or access.is_guarantor(request.user, campaign)
    )
    return render(
        request,
        "votes/instruction/dashboard.html",
        {
            "campaign": campaign,
            "dashboard": dashboard.instruction_dashboard(campaign),
            "roles": _roles(request.user, campaign),
            "can_publish": access.is_administrator(request.user, campaign)
            and campaign.reached(Phase.INSTRUCTION),
            "validations": Validation.choices,
        },
    )


@login_required
@require_POST
def instruction_publish(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    campaign = _campaign(slug)
    try:
        report = publication.instruction_publish(
            campaign=campaign, by=request.user, site_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if report.published:
            messages.success(
                request,
                _(
                    "%(published)s instruction(s) publiée(s) ; %(emailed)s auteur(s) prévenu(s) "
                    "par e-mail, %(without)s sans adresse."
                )
                % {
                    "published": report.published,
                    "emailed": report.emailed,
                    "without": report.without_address,
                },
            )
        else:
            messages.info(request, _("Aucune nouvelle instruction validée à publier."))
    return redirect("votes:instruction_dashboard", slug=campaign.slug)


@login_required
@require_http_methods(["GET", "POST"])
def instruction_assign(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    campaign = _campaign(slug)
    form = AssignForm(_posted(request), campaign=campaign)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["proposals"])
        options = {
            "service": form.cleaned_data["service"],
            "due_on": form.cleaned_data["due_on"],
            "by": request.user,
        }
        try:
            if len(chosen) == 1:
                assignment.proposal_assign(proposal=chosen[0], **options)
            else:
                assignment.proposals_assign_bulk(proposals=chosen, **options)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)s proposition(s) attribuée(s) au service « %(service)s ».")
                % {"count": len(chosen), "service": options["service"].name},
            )
            return redirect("votes:instruction_assign", slug=campaign.slug)
    proposals = (
        campaign.proposals.instructable()
        .select_related("category", "service", "instruction")
        .order_by("reference")
    )
    return render(
        request,
        "votes/instruction/assign.html",
        {
            "campaign": campaign,
            "form": form,
            "proposals": proposals,
            "service_choices": Service.objects.filter(authority=campaign.authority),
            "phase_open": phase_allows(campaign, "assign"),
            "roles": _roles(request.user, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instruction_detail(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(slug)
    proposal = _proposal(campaign, reference)
    can_instruct = access.can_instruct(user, proposal)
    # The campaign's guarantor reads it (its history included), but posts nothing.
    reader = request.method == "GET" and access.is_guarantor(user, campaign)
    access.require(
        can_instruct
        or access.is_finance(user, campaign)
        or access.is_administrator(user, campaign)
        or reader
    )
    instruction = Instruction.objects.filter(proposal=proposal).first()
    engine_error = ""
    try:
        saving = figures.proposal_engine_saving(proposal)
    except SimulationError as error:
        saving, engine_error = None, " ".join(error.messages)
    engine_computed = saving is not None or bool(engine_error)
    editable = (
        can_instruct
        and instruction is not None
        and instruction.validation not in FROZEN
        and phase_allows(campaign, "instruct")
    )
    form = None
    if editable:
        form = InstructionForm(
            _posted(request),
            initial=InstructionForm.initial_from(instruction),
            proposal=proposal,
            engine_computed=engine_computed,
        )
    if request.method == "POST":
        access.require(can_instruct)
        if form is None:
            messages.error(request, _("Cette instruction ne peut pas être modifiée maintenant."))
            return redirect("votes:instruction_detail", slug=slug, reference=reference)
        if form.is_valid():
            data = form.cleaned_data
            try:
                instructing.instruction_save(
                    instruction=instruction,
                    by=user,
                    status=data["status"],
                    instructed_cost=data["instructed_cost"],
                    cost_schedule=data["cost_schedule"],
                    induced_operating_cost=data["induced_operating_cost"],
                    instructed_saving=data.get("instructed_saving"),
                    duration=data["duration"],
                    conditions=data["conditions"],
                    public_reasoning=data["public_reasoning"],
                    internal_notes=data["internal_notes"],
                )
                if "submit" in request.POST:
                    instructing.instruction_submit(instruction=instruction, by=user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if "submit" in request.POST:
                    messages.success(
                        request,
                        _("Instruction enregistrée et soumise à la direction des finances."),
                    )
                else:
                    messages.success(request, _("Instruction enregistrée."))
                return redirect("votes:instruction_detail", slug=slug, reference=reference)
    return render(
        request,
        "votes/instruction/detail.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "instruction": instruction,
            "form": form,
            "saving": saving,
            "engine_error": engine_error,
            "can_instruct": can_instruct,
            "can_validate": access.is_finance(user, campaign)
            and instruction is not None
            and instruction.validation == Validation.SUBMITTED
            and phase_allows(campaign, "validate_instruction"),
            "return_form": ReturnForm(),
            "timeline": history.instruction_timeline(instruction) if instruction else [],
            "phase_open": phase_allows(campaign, "instruct"),
            "description_html": render_markdown(proposal.description),
            "schedule": schedule_text(instruction.cost_schedule) if instruction else "",
            "roles": _roles(user, campaign),
        },
    )


def _queue_context(campaign: Campaign, errors: dict[int, list[str]] | None = None) -> dict:
    waiting = (
        Instruction.objects.filter(proposal__campaign=campaign, validation=Validation.SUBMITTED)
        .select_related("proposal__service", "proposal__category", "instructed_by")
        .order_by("proposal__reference")
    )
    return {
        "campaign": campaign,
        "waiting": waiting,
        "errors": errors or {},
        "phase_open": phase_allows(campaign, "validate_instruction"),
    }


@login_required
@require_GET
def instruction_queue(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.is_finance(request.user) or access.is_administrator(request.user))
    campaign = _campaign(slug)
    context = _queue_context(campaign)
    context["can_validate"] = access.is_finance(request.user, campaign)
    context["roles"] = _roles(request.user, campaign)
    return render(request, "votes/instruction/queue.html", context)


def _finance_action(request: HttpRequest, slug: str, reference: int, action) -> HttpResponse:
    access.require(access.is_finance(request.user))
    campaign = _campaign(slug)
    proposal = _proposal(campaign, reference)
    instruction = get_object_or_404(Instruction, proposal=proposal)
    try:
        done = action(instruction)
    except ValidationError as error:
        problems = error.messages
    else:
        problems = []
    if request.htmx:
        context = _queue_context(campaign, {instruction.pk: problems} if problems else None)
        context["can_validate"] = True
        if not problems:
            context["done"] = done
        return render(request, "votes/instruction/queue.html#queue", context)
    for problem in problems:
        messages.error(request, problem)
    if not problems:
        messages.success(request, done)
    default = reverse("votes:instruction_queue", kwargs={"slug": slug})
    return redirect(_next_url(request, default))


@login_required
@require_POST
def instruction_validate(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    def validate(instruction: Instruction) -> str:
        finance.instruction_validate(instruction=instruction, by=request.user)
        return _("Instruction de %(ref)s validée.") % {"ref": instruction.proposal.public_reference}

    return _finance_action(request, slug, reference, validate)


@login_required
@require_POST
def instruction_return(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    def send_back(instruction: Instruction) -> str:
        finance.instruction_return(
            instruction=instruction, by=request.user, comment=request.POST.get("comment", "")
        )
        return _("Instruction de %(ref)s renvoyée au service.") % {
            "ref": instruction.proposal.public_reference
        }

    return _finance_action(request, slug, reference, send_back)


@login_required
@require_GET
def instruction_export(
    request: HttpRequest, slug: str, file_format: str = writer.XLSX
) -> HttpResponse:
    access.require(_instruction_team(request.user))
    campaign = _campaign(slug)
    data = sheet_services.instruction_sheet_export(
        campaign=campaign, by=request.user, file_format=file_format
    )
    response = HttpResponse(data, content_type=writer.CONTENT_TYPES[file_format])
    filename = f"instruction-{campaign.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def instruction_import(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.is_administrator(request.user) or access.is_instructor(request.user))
    campaign = _campaign(slug)
    form = SheetImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    report = import_at_once(
        form,
        lambda data: sheet_services.instruction_sheet_import(
            campaign=campaign, data=data, by=request.user
        ),
    )
    if report is not None and report.ok:
        messages.success(
            request,
            _(
                "Tableur importé : %(updated)s instruction(s) mise(s) à jour, "
                "%(unchanged)s ligne(s) inchangée(s)."
            )
            % {"updated": len(report.updated), "unchanged": report.unchanged},
        )
        return go(request, reverse("votes:instruction_dashboard", kwargs={"slug": campaign.slug}))
    return render(
        request,
        zone_template(request, "votes/instruction/import.html"),
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "phase_open": phase_allows(campaign, "instruct"),
            "roles": _roles(request.user, campaign),
        },
    )


urlpatterns = [
    path("gestion/instruction/", instruction_home, name="instruction_home"),
    path("gestion/services/", instruction_services, name="instruction_services"),
    path(
        "gestion/services/nouveau/",
        instruction_service_create,
        name="instruction_service_create",
    ),
    path("gestion/services/<int:pk>/", instruction_service_edit, name="instruction_service_edit"),
    path("gestion/instruction/<slug:slug>/", instruction_dashboard, name="instruction_dashboard"),
    path(
        "gestion/instruction/<slug:slug>/attribution/",
        instruction_assign,
        name="instruction_assign",
    ),
    path(
        "gestion/instruction/<slug:slug>/validation/",
        instruction_queue,
        name="instruction_queue",
    ),
    path(
        "gestion/instruction/<slug:slug>/instruction.xlsx",
        instruction_export,
        name="instruction_export",
    ),
    path(
        "gestion/instruction/<slug:slug>/instruction.ods",
        instruction_export,
        {"file_format": writer.ODS},
        name="instruction_export_ods",
    ),
    path("gestion/instruction/<slug:slug>/import/", instruction_import, name="instruction_import"),
    path(
        "gestion/instruction/<slug:slug>/publier/",
        instruction_publish,
        name="instruction_publish",
    ),
    path(
        "gestion/instruction/<slug:slug>/<int:reference>/",
        instruction_detail,
        name="instruction_detail",
    ),
    path(
        "gestion/instruction/<slug:slug>/<int:reference>/valider/",
        instruction_validate,
        name="instruction_validate",
    ),
    path(
        "gestion/instruction/<slug:slug>/<int:reference>/renvoyer/",
        instruction_return,
        name="instruction_return",
    ),
]
