"""The page of a background job (/gestion/taches/<uuid>/): progress polled by htmx, the
French message of a failure, the result. Only the job's owner and the administrators see it,
except a public job's (an open-data file), open to whoever has its address."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.jobs.models import Job
from budget.jobs.services import job_result_taken, job_retry
from budget.roles import ADMINISTRATOR, has_role_everywhere


def _job_for(request: HttpRequest, pk) -> Job | HttpResponse:
    """The job if the user may see it: a public job (open data) → anyone with its address;
    otherwise anonymous → login; anyone but its owner or an administrator → 404 (a job's
    existence tells nothing to others)."""
    jobs = Job.objects.select_related("owner").defer("input_data")
    if not request.user.is_authenticated:
        public = jobs.filter(pk=pk, kind__in=Job.PUBLIC_KINDS).first()
        if public is not None:
            return public
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse("login"))
        return redirect_to_login(request.get_full_path())
    job = get_object_or_404(jobs, pk=pk)
    if job.is_public:
        return job
    if job.owner_id != request.user.pk and not has_role_everywhere(request.user, ADMINISTRATOR):
        raise Http404
    return job


def elapsed(job: Job, *, now: dt.datetime) -> str:
    start = job.started_at or job.created_at
    seconds = max(0, int(((job.finished_at or now) - start).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


@require_GET
def job_page(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    template_name = "budget/jobs/job.html"
    if request.htmx:
        template_name += "#progress"
    context = {
        "job": job,
        "elapsed": elapsed(job, now=timezone.now()),
        "has_file": job.status == Job.Status.SUCCEEDED
        and bool(job.result_filename)
        and Job.objects.filter(pk=job.pk, result_data__isnull=False).exists(),
    }
    # 286 tells htmx to stop polling: the job will not change any more.
    status = 286 if request.htmx and job.is_finished else 200
    return render(request, template_name, context, status=status)


@require_GET
def job_file(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if job.status != Job.Status.SUCCEEDED or not job.result_filename or job.result_data is None:
        raise Http404
    response = HttpResponse(bytes(job.result_data), content_type=job.result_content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    response["Cache-Control"] = "no-store"
    if job.params.get("download_once"):
        job_result_taken(job=job)
    return response


@require_POST
def job_restart(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    try:
        job_retry(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(job)


urlpatterns = [
    path("gestion/taches/<uuid:pk>/", job_page, name="job"),
    path("gestion/taches/<uuid:pk>/fichier/", job_file, name="job_file"),
    path("gestion/taches/<uuid:pk>/relancer/", job_restart, name="job_restart"),
]
