"""The writes of the agenda: events (the team) and registrations (anyone).

Every write checks its right with votes.access and raises before writing anything; the seats
of an event are counted under a row lock on the event (see `registration_create`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from votes.access import can_edit_agenda
from votes.agenda.models import Event, Registration
from votes.campaigns.models import Campaign
from votes.emails import notify

User = AbstractBaseUser | AnonymousUser

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "latitude",
    "longitude",
    "step_free",
    "lsf_interpreter",
    "accessibility_notes",
    "registration_enabled",
    "capacity",
)


def check_event(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    latitude: Decimal | None,
    longitude: Decimal | None,
    capacity: int | None,
    registration_enabled: bool,
    registered: int = 0,
) -> None:
    """What the constraints of Event say, in words (the form shows them on their fields)."""
    errors: dict[str, list[str]] = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("La fin doit venir après le début.")]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Indiquez la latitude et la longitude du point, ou aucune.")]
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("Au moins une place, ou laissez vide pour ne pas limiter.")]
    elif capacity is not None and capacity < registered:
        errors["capacity"] = [
            _("%(count)s personnes sont déjà inscrites : pas moins de places que cela.")
            % {"count": registered}
        ]
    if capacity is not None and not registration_enabled:
        errors.setdefault("capacity", []).append(
            _("Un nombre de places suppose l'inscription : cochez « inscription ».")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(*, campaign: Campaign, by: User, **fields) -> Event:
    if not can_edit_agenda(by, campaign):
        raise PermissionDenied
    check_event(
        **{name: fields.get(name) for name in _CHECKED},
        registration_enabled=bool(fields.get("registration_enabled")),
    )
    event = Event(campaign=campaign, **_cleaned(fields))
    event.full_clean()
    event.save()
    return event


_CHECKED = ("starts_at", "ends_at", "latitude", "longitude", "capacity")


def _cleaned(fields: dict) -> dict:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("title", "place", "description", "accessibility_notes"):
        if name in cleaned:
            # Plain text, escaped when shown; the description goes through
            # votes.text.render_markdown (nh3) on the pages.
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


@transaction.atomic
def event_update(*, event: Event, by: User, **fields) -> Event:
    if not can_edit_agenda(by, event):
        raise PermissionDenied
    # A registration arriving while the capacity is lowered: the seat count read here must
    # be the one the new capacity is compared with.
    event = Event.objects.select_for_update().get(pk=event.pk)
    registered = event.registrations.active().count()
    merged = {name: fields.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    check_event(
        **{name: merged[name] for name in _CHECKED},
        registration_enabled=bool(merged["registration_enabled"]),
        registered=registered,
    )
    for name, value in _cleaned(fields).items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_delete(*, event: Event, by: User) -> None:
    if not can_edit_agenda(by, event):
        raise PermissionDenied
    registrations = list(event.registrations.active())
    title, starts_at = event.title, event.starts_at
    event.delete()
    # Those who registered learn that it will not take place.
    for registration in registrations:
        transaction.on_commit(
            lambda r=registration: notify(
                to=[r.email],
                subject=_("Rendez-vous annulé : %(title)s") % {"title": title},
                template="votes/emails/event_cancelled.txt",
                context={"name": r.name, "title": title, "starts_at": starts_at},
            )
        )


def seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.registrations.active().count())


@transaction.atomic
def registration_create(
    *, event: Event, name: str, email: str, user: User | None = None, cancel_url_base: str = ""
) -> Registration:
    """A seat for a person: refused when registration is closed, the event is over or full,
    or the address already holds a seat."""
    # Two people taking the last seat at the same instant would both see one left: the event
    # row is the queue, and the count is read under its lock.
    event = Event.objects.select_for_update().select_related("campaign").get(pk=event.pk)
    if not event.registration_enabled:
        raise ValidationError(_("Ce rendez-vous est sans inscription : venez librement."))
    if event.is_over:
        raise ValidationError(_("Ce rendez-vous est passé : les inscriptions sont closes."))
    if user is not None and user.is_authenticated:
        email = email or user.email
    email = (email or "").strip().lower()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Indiquez votre nom.")]
    if not email:
        errors["email"] = [_("Indiquez votre adresse e-mail.")]
    elif event.registrations.active().filter(email=email).exists():
        errors["email"] = [_("Cette adresse est déjà inscrite à ce rendez-vous.")]
    if errors:
        raise ValidationError(errors)
    if event.capacity is not None and event.registrations.active().count() >= event.capacity:
        raise ValidationError(_("Ce rendez-vous est complet : il ne reste aucune place."))
    registration = Registration(
        event=event,
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email,
    )
    registration.full_clean()
    registration.save()
    transaction.on_commit(
        lambda: notify(
            to=[email],
            subject=_("Inscription confirmée : %(title)s") % {"title": event.title},
            template="votes/emails/event_registered.txt",
            context={
                "registration": registration,
                "event": event,
                "cancel_url": cancel_url_base + registration.get_cancel_url(),
            },
        )
    )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.cancelled_at is not None:
        raise ValidationError(_("Cette inscription est déjà annulée."))
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["cancelled_at"])
    return registration
