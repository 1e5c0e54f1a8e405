"""The council report (issue 6 §2): the printable page and the council file (XLSX or ODS).

From the tally on, for the team that prepares the council's work (administrators, finance).
Before sending it is a draft, marked "provisoire" everywhere; once sent it is read from the
stored snapshot and carries its fingerprint.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budget.jobs.models import Job
from budget.jobs.services import job_submit
from budget.spreadsheets import writer
from votes.access import is_administrator, is_council, is_finance, is_guarantor, require
from votes.campaigns.models import Campaign, Phase
from votes.council.consequences import basis_label
from votes.council.models import AdoptedScenario
from votes.council.report import report_seal, report_sheets
from votes.council.scenario import adopted_scenario_build
from votes.council.services import council_data
from votes.council.tasks import council_file_task


def _report_campaign(request: HttpRequest, slug: str, *, reading: bool = False) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    # The guarantor and the council read the report; the council file is a job written for
    # the team.
    reader = reading and (
        is_guarantor(request.user, campaign) or is_council(request.user, campaign)
    )
    require(
        is_administrator(request.user, campaign) or is_finance(request.user, campaign) or reader
    )
    # No results before the tally: there is nothing to report yet.
    if not campaign.reached(Phase.TALLY):
        raise Http404
    return campaign


@login_required
@require_GET
def council_report(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _report_campaign(request, slug, reading=True)
    data, snapshot = council_data(campaign)
    seal = report_seal(data, snapshot.sha256 if snapshot else None)
    context = {
        "campaign": campaign,
        "can_manage": is_administrator(request.user, campaign),
        "can_prepare_file": is_administrator(request.user, campaign)
        or is_finance(request.user, campaign),
        "seal": seal,
        "sheets": report_sheets(data, seal),
        "adopted_scenario": AdoptedScenario.objects.filter(campaign=campaign)
        .select_related("scenario")
        .first(),
    }
    return render(request, "votes/report/report.html", context)


@login_required
@require_POST
def council_report_file(
    request: HttpRequest, slug: str, file_format: str = writer.XLSX
) -> HttpResponse:
    """Enqueue the council file (XLSX, or ODS for LibreOffice); its job page offers the
    download once it is written."""
    campaign = _report_campaign(request, slug)
    job = job_submit(
        kind=Job.Kind.COUNCIL_FILE,
        owner=request.user,
        task_path=council_file_task.module_path,
        params={"campaign": campaign.pk, "format": file_format},
    )
    return redirect(job)


@login_required
@require_POST
def adopted_scenario(request: HttpRequest, slug: str) -> HttpResponse:
    """One click of the finance service: the adopted proposals as a scenario of the simulator,
    created or rebuilt, then opened."""
    campaign = _report_campaign(request, slug)
    try:
        built = adopted_scenario_build(campaign=campaign, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("votes:council_report", slug=campaign.slug)
    messages.success(
        request,
        _("Scénario construit avec %(basis)s.") % {"basis": basis_label(built.basis)},
    )
    return redirect(built.scenario)


urlpatterns = [
    path(
        "gestion/campagnes/<slug:slug>/scenario-adopte/",
        adopted_scenario,
        name="council_adopted_scenario",
    ),
    path("gestion/campagnes/<slug:slug>/rapport/", council_report, name="council_report"),
    path(
        "gestion/campagnes/<slug:slug>/rapport.xlsx",
        council_report_file,
        name="council_report_xlsx",
    ),
    path(
        "gestion/campagnes/<slug:slug>/rapport.ods",
        council_report_file,
        {"file_format": writer.ODS},
        name="council_report_ods",
    ),
]
