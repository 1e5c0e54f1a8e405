from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from votes.panels.models import Volunteer


class TrainingPage(models.Model):
    """One page of the panel's training path (Markdown, sanitised when shown)."""

    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="training_pages"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100)
    body = models.TextField(_("contenu"), help_text=_("Markdown simple."))

    class Meta:
        verbose_name = _("page de formation")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "slug"], name="simulator_trainingpage_unique_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingQuestion(models.Model):
    """A check question closing a training page: one right answer among a few."""

    page = models.ForeignKey(TrainingPage, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("réponses proposées"), default=list)
    correct = models.PositiveSmallIntegerField(_("rang de la bonne réponse (à partir de 0)"))
    explanation = models.TextField(_("explication"), blank=True)

    class Meta:
        verbose_name = _("question de contrôle")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class TrainingCompletion(models.Model):
    """A panel member finished a page (with how many check answers were right)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="training_completions"
    )
    page = models.ForeignKey(TrainingPage, on_delete=models.CASCADE, related_name="completions")
    correct_answers = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page de formation terminée")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "page"], name="simulator_trainingcompletion_unique_page"
            ),
            models.CheckConstraint(
                condition=Q(correct_answers__gte=0), name="simulator_trainingcompletion_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.page}"
