"""The agenda of a campaign: its events (workshops, meetings, the results evening) and who
registers for them. Writes in votes/agenda/services.py; the iCalendar files in calendar.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from votes.campaigns.models import Campaign


class EventQuerySet(models.QuerySet):
    def upcoming(self) -> EventQuerySet:
        """Not over yet (an event under way is still listed), soonest first."""
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self) -> EventQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def located(self) -> EventQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def with_registered(self) -> EventQuerySet:
        return self.annotate(
            registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        PANEL_WORKSHOP = "panel_workshop", _("Atelier du panel")
        PUBLIC_MEETING = "public_meeting", _("Réunion publique")
        RESULTS_EVENT = "results_event", _("Soirée des résultats")
        OTHER = "other", _("Autre rendez-vous")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.PUBLIC_MEETING)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown simple."))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, help_text=_("Salle, adresse."))
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    step_free = models.BooleanField(_("accès de plain-pied (fauteuil roulant)"), default=False)
    lsf_interpreter = models.BooleanField(_("interprète en langue des signes (LSF)"), default=False)
    accessibility_notes = models.TextField(
        _("autres informations d'accessibilité"),
        blank=True,
        help_text=_("Boucle magnétique, documents en gros caractères, garde d'enfants…"),
    )
    registration_enabled = models.BooleanField(_("inscription"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    # Stable across edits: calendars that imported the event update it instead of copying it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="votes_event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="votes_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="votes_event_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="votes_event_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="votes_event_point_complete",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("votes:event", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(cancelled_at__isnull=True)


class Registration(models.Model):
    """A seat at an event: a person with an account, or a name and an e-mail address."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # CASCADE: deleting one's account deletes one's registrations (name and e-mail with them).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse e-mail"))
    # The link that cancels without logging in (sent by e-mail, shown once registered).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(cancelled_at__isnull=True),
                name="votes_registration_unique_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.event}"

    def get_cancel_url(self) -> str:
        return reverse("votes:registration_cancel", kwargs={"token": self.token})
