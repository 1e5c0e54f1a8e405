from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budget.models import MONEY
from votes.campaigns.models import Campaign
from votes.council.choices import ADOPTED_DECISIONS, Decision
from votes.proposals.models import Proposal


class CouncilSnapshot(models.Model):
    """What went to the council: campaign rules, proposals, instructions, votes, results.

    The JSON text is stored exactly as it is downloaded, so that anyone can recompute the
    SHA-256 fingerprint from the file they got. Written once; never updated.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="council_snapshot"
    )
    content = models.TextField(_("contenu (JSON)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("transmis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("instantané transmis au conseil")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="votes_councilsnapshot_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.sha256[:12]}"

    def save(self, *args, **kwargs) -> None:
        # The snapshot is evidence: an update would silently change what the council got.
        if self.pk is not None:
            raise ValidationError(_("L'instantané transmis au conseil ne peut pas être modifié."))
        if self.sha256 != self.fingerprint(self.content):
            raise ValidationError(_("L'empreinte ne correspond pas au contenu de l'instantané."))
        super().save(*args, **kwargs)

    @staticmethod
    def fingerprint(content: str) -> str:
        return hashlib.sha256(content.encode("utf-8")).hexdigest()

    def data(self) -> dict[str, Any]:
        """The stored JSON, read back (a fresh copy each call)."""
        return json.loads(self.content)


class CouncilAnswer(models.Model):
    """The council's reasoned answer (avis argumenté) to one proposal."""

    # In council/choices.py, which the proposals' queryset reads without importing this
    # module (that imports Proposal).
    Decision = Decision
    ADOPTED_DECISIONS = ADOPTED_DECISIONS

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="council_answer"
    )
    decision = models.CharField(_("décision"), max_length=15, choices=Decision)
    answer = models.TextField(_("réponse argumentée"), help_text=_("Markdown simple."))
    deliberation_reference = models.CharField(
        _("référence de la délibération"), max_length=60, blank=True
    )
    deliberation_date = models.DateField(_("date de la délibération"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis argumenté")
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer=""), name="votes_councilanswer_answer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.public_reference} : {self.get_decision_display()}"

    @property
    def is_adopted(self) -> bool:
        return self.decision in self.ADOPTED_DECISIONS


class FollowUp(models.Model):
    """How the implementation of an adopted proposal is going (shown publicly)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Programmée")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(_("état"), max_length=11, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    # Issue 16 §7: what the works have cost so far, and a photo of them (with its text for
    # those who do not see it), both public.
    spent = models.DecimalField(_("montant dépensé (€)"), default=Decimal("0"), **MONEY)
    photo = models.ImageField(_("photo"), upload_to="suivis/%Y/", blank=True)
    photo_alt = models.CharField(_("description de la photo"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("suivi de réalisation")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="votes_followup_progress_percent",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100),
                name="votes_followup_done_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(spent__gte=0), name="votes_followup_spent_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="votes_followup_photo_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.public_reference} : {self.get_status_display()}"


class Milestone(models.Model):
    """A dated step of an adopted proposal's implementation."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="milestones")
    on = models.DateField(_("date"))
    text = models.CharField(_("étape"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("étape de réalisation")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} — {self.text}"


class AdoptedScenario(models.Model):
    """The simulator scenario of a campaign's adopted proposals, built by the finance service
    (votes/council/scenario.py); rebuilt in place, so its links stay the same."""

    class Basis(models.TextChoices):
        ADOPTED = "adopted", _("Propositions adoptées par le conseil")
        WINNERS = "winners", _("Propositions retenues par le vote")

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="adopted_scenario"
    )
    scenario = models.OneToOneField(
        "simulator.Scenario", on_delete=models.CASCADE, related_name="adopted_for"
    )
    basis = models.CharField(_("propositions reprises"), max_length=7, choices=Basis)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField(_("construit le"), auto_now=True)

    class Meta:
        verbose_name = _("scénario des propositions adoptées")

    def __str__(self) -> str:
        return f"{self.campaign} — {self.scenario}"
