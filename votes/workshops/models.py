from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from simulator.models import Measure, Scenario


class Workshop(models.Model):
    """A facilitated session where the panel works in groups (tables) on the simulator."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        CLOSED = "closed", _("Clos")

    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("animateur ou animatrice"),
    )
    status = models.CharField(_("état"), max_length=6, choices=Status, default=Status.OPEN)
    # The batch of voting codes handed to the panel members at this workshop (issue 5).
    code_batch = models.ForeignKey(
        "votes.VotingCodeBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The workshop's name across databases: a workshop run on a laptop in a room without
    # internet is exported with it and imported once on the central server (transfer.py).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("atelier")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class WorkshopGroup(models.Model):
    """A table of about eight people; it joins with its code, without an account."""

    class Kind(models.TextChoices):
        MIXED = "mixed", _("Mixte")
        WOMEN = "women", _("Femmes")
        MEN = "men", _("Hommes")
        YOUNG = "young", _("Jeunes")
        SENIORS = "seniors", _("Aînés")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nom"), max_length=80)
    kind = models.CharField(_("type de groupe"), max_length=7, choices=Kind, blank=True)
    join_code = models.CharField(_("code pour rejoindre"), max_length=12, unique=True)
    scenario = models.OneToOneField(
        Scenario, on_delete=models.PROTECT, related_name="workshop_group"
    )
    last_change_at = models.DateTimeField(_("dernière modification"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("groupe d'atelier")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "name"], name="simulator_workshopgroup_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} — {self.name}"


class GroupArgument(models.Model):
    """Why a group chose a measure, in its own words."""

    group = models.ForeignKey(WorkshopGroup, on_delete=models.CASCADE, related_name="arguments")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("argument"), max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("argument d'un groupe")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "measure"], name="simulator_groupargument_unique_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.measure}"


class WorkshopProposal(models.Model):
    """A measure, a line slider or a revenue lever the workshop carried forward, and the
    campaign proposal it became."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # A slider or a lever rather than a measure: its key in votes/workshops/choices.py
    # ("ligne:<code>", "levier:<slug>"); empty for a measure.
    choice = models.CharField(_("réglage retenu"), max_length=80, blank=True)
    proposal = models.OneToOneField(
        "votes.Proposal", on_delete=models.CASCADE, related_name="workshop_origin"
    )
    groups = models.ManyToManyField(WorkshopGroup, related_name="carried", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mesure retenue par l'atelier")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "measure"], name="simulator_workshopproposal_unique_measure"
            ),
            models.UniqueConstraint(
                fields=["workshop", "choice"],
                condition=~models.Q(choice=""),
                name="votes_workshopproposal_unique_choice",
            ),
            models.CheckConstraint(
                condition=(models.Q(measure__isnull=False) & models.Q(choice=""))
                | (models.Q(measure__isnull=True) & ~models.Q(choice="")),
                name="votes_workshopproposal_measure_or_choice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.measure or self.choice}"
