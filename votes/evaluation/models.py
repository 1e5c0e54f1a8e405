"""The satisfaction questionnaire of a campaign (issue 16 §3): its questions, set by the
team, and the anonymous responses of participants after voting or at the end of a workshop.

Anonymous by construction: a response holds no user, no address, no session key and only
the day it was given (an hour could be matched with a ballot's). Writes in services.py.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCALE_MIN, SCALE_MAX = 1, 5


class EvaluationQuestion(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Échelle de 1 à 5")
        TEXT = "text", _("Texte libre")

    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.SCALE)
    text = models.CharField(_("question"), max_length=300)
    low_label = models.CharField(
        _("libellé du 1"), max_length=60, blank=True, help_text=_("Par exemple : pas du tout.")
    )
    high_label = models.CharField(
        _("libellé du 5"), max_length=60, blank=True, help_text=_("Par exemple : tout à fait.")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question d'évaluation")
        verbose_name_plural = _("questions d'évaluation")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class EvaluationResponse(models.Model):
    class Moment(models.TextChoices):
        VOTE = "vote", _("Après le vote")
        WORKSHOP = "workshop", _("Fin d'atelier")

    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="evaluation_responses"
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment)
    given_on = models.DateField(_("jour"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse au questionnaire")
        verbose_name_plural = _("réponses au questionnaire")

    def __str__(self) -> str:
        return f"{self.get_moment_display()} ({self.given_on})"


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="votes_evaluation_answer_once"
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
                name="votes_evaluation_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.scale) if self.scale is not None else self.text[:50]
