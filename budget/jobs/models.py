"""The record of a background job: what the job page shows while a task runs (issue 13).

The task framework keeps its own result (status, traceback) for the worker; a Job is what the
people who started the work see: its current step, how far it is, the French message of a
failure, and the result (a link to the object made, or a file to download).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        BUDGET_IMPORT = "budget_import", _("Import d'un budget")
        VOLUNTEER_IMPORT = "volunteer_import", _("Import de volontaires")
        PANEL_DRAW = "panel_draw", _("Tirage au sort du panel")
        VOTING_CODES = "voting_codes", _("Lot de codes de vote")
        COUNCIL_FILE = "council_file", _("Dossier du conseil")
        OPENDATA_EXPORT = "opendata_export", _("Export des données ouvertes")
        UPLOAD_CHECK = "upload_check", _("Vérification d'un fichier importé")

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminée")
        FAILED = "failed", _("Échouée")

    # Jobs whose result is public (open-data files): their page is open to whoever has its
    # unguessable address, signed in or not (budget/jobs/views.py).
    PUBLIC_KINDS = frozenset({Kind.OPENDATA_EXPORT})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.QUEUED)
    step = models.CharField(_("étape en cours"), max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("lancée par"),
    )
    # What the task needs besides the input file (JSON: ids, options chosen in the form).
    params = models.JSONField(default=dict, blank=True)
    # The validated upload, kept in the database (private, shared by every server and the
    # worker) until the job succeeds, so that a failed job can be started again.
    input_data = models.BinaryField(null=True, blank=True, editable=False)
    # The dotted path of the task function, so that a failed job is enqueued again as it was.
    task_path = models.CharField(max_length=200)
    task_result_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A plain French sentence for the page; the traceback goes to the log only.
    error = models.TextField(_("message d'erreur"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_label = models.CharField(max_length=200, blank=True)
    result_message = models.TextField(blank=True)
    # The file to download (with its name); for an upload check, the report for its page.
    result_data = models.BinaryField(null=True, blank=True, editable=False)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="budget_job_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("budget:job", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, round(100 * self.done / self.total))
