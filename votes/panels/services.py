"""Citizen panels: the volunteer pool, the quotas, the draws (issue 7 §1).

Writes are services (keyword-only, atomic); the draw itself is simulator/sortition.py, pure.
Personal data (name, contact, availability) stays in Volunteer rows, seen by the participation
team only; a draw keeps an anonymised copy of the pool (ids and the quota attributes), which is
what is published and fingerprinted.

Retention: a volunteer's personal data is kept until 12 months after the campaign's last
scheduled date (or after the sign-up, when the calendar ends earlier or is empty); that date
is shown on the form, stored on the row and shown to the team, who delete on request.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.models import Commune
from budget.spreadsheets.cells import normalise_word
from votes.campaigns.models import Campaign
from votes.panels import sortition
from votes.panels.models import PanelDraw, Quota, Volunteer

RETENTION_MONTHS = 12
# INSEE's socio-professional groups (PCS 2020, level 1), the categories used by the census.
OCCUPATIONS = [
    ("1", gettext_lazy("Agriculteurs exploitants")),
    ("2", gettext_lazy("Artisans, commerçants, chefs d'entreprise")),
    ("3", gettext_lazy("Cadres et professions intellectuelles supérieures")),
    ("4", gettext_lazy("Professions intermédiaires")),
    ("5", gettext_lazy("Employés")),
    ("6", gettext_lazy("Ouvriers")),
    ("7", gettext_lazy("Retraités")),
    ("8", gettext_lazy("Autres personnes sans activité professionnelle (étudiants…)")),
]
# A volunteer who did not give their category still has a value in an occupation quota.
OCCUPATION_UNKNOWN = "nr"
Attribute = Quota.Attribute


# --- labels ----------------------------------------------------------------------------------


def value_choices(attribute: str) -> list[tuple[str, str]] | None:
    """The values an attribute can take (None for areas: the authority's own names)."""
    if attribute == Attribute.GENDER:
        return list(Volunteer.Gender.choices)
    if attribute == Attribute.AGE_BAND:
        return list(Volunteer.AgeBand.choices)
    if attribute == Attribute.OCCUPATION:
        return [*OCCUPATIONS, (OCCUPATION_UNKNOWN, gettext_lazy("Non renseignée"))]
    return None


def value_label(attribute: str, value: str) -> str:
    return str(dict(value_choices(attribute) or []).get(value, value))


def attribute_label(attribute: str) -> str:
    return str(dict(Attribute.choices).get(attribute, attribute))


def message_labels(attributes: list[str], values: list[tuple[str, str]]) -> sortition.Labels:
    """Names in sentences: « genre = femme », the areas as written by the authority."""
    return sortition.Labels(
        attributes={a: attribute_label(a).lower() for a in attributes},
        values={
            (a, v): value_label(a, v) if a == Attribute.AREA else value_label(a, v).lower()
            for a, v in values
        },
    )


def parse_value(attribute: str, text: str) -> str | None:
    """A code or a label (any case, accents, spacing) → the stored code; None if unknown.
    Areas are free names: they come back cleaned."""
    cleaned = " ".join(text.split())
    choices = value_choices(attribute)
    if choices is None:
        return cleaned or None
    wanted = normalise_word(cleaned).replace("–", "-").replace(" - ", "-")
    for code, label in choices:
        if wanted in (normalise_word(code), normalise_word(str(label))):
            return code
    if attribute == Attribute.GENDER:
        return {"f": "woman", "h": "man", "m": "man"}.get(wanted)
    return None


# --- retention -------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def retention_date(campaign: Campaign, *, today: dt.date) -> dt.date:
    dates = [
        day
        for row in campaign.schedule.all()
        for day in (row.starts_on, row.ends_on)
        if day is not None
    ]
    return _add_months(max([today, *dates]), RETENTION_MONTHS)


# --- areas -----------------------------------------------------------------------------------


def area_mode(campaign: Campaign) -> tuple[str, list[str]]:
    """How a volunteer says where they live: ("commune", []) for an authority of several
    communes, ("choice", names) when the team set area quotas, else ("text", [])."""
    if Commune.objects.filter(authority=campaign.authority_id).count() > 1:
        return "commune", []
    names = list(
        Quota.objects.filter(campaign=campaign, attribute=Attribute.AREA)
        .order_by("value")
        .values_list("value", flat=True)
    )
    return ("choice", names) if names else ("text", [])


def place_key(text: str) -> str:
    """'Lorme-le-Haut', 'lorme le haut' and 'LORME-LE-HAUT' are the same place."""
    return " ".join(normalise_word(text).replace("-", " ").replace("'", " ").split())


def known_places(campaign: Campaign) -> dict[str, str]:
    """The pool's spelling of each area, by place_key (the first volunteer's spelling)."""
    spellings: dict[str, str] = {}
    areas = (
        Volunteer.objects.filter(campaign=campaign).order_by("pk").values_list("area", flat=True)
    )
    for area in areas:
        spellings.setdefault(place_key(area), area)
    return spellings


# --- volunteers ------------------------------------------------------------------------------


def lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def duplicate_email_message() -> str:
    return _("Cette adresse e-mail est déjà inscrite dans le vivier de ce panel.")


@transaction.atomic
def volunteer_register(
    *,
    campaign: Campaign,
    name: str,
    email: str = "",
    phone: str = "",
    gender: str,
    age_band: str,
    commune: Commune | None = None,
    area: str = "",
    occupation: str = "",
    availability: str = "",
    consent: bool,
    source: str = Volunteer.Source.FORM,
    now: dt.datetime | None = None,
) -> Volunteer:
    """A volunteer joins the pool (public form, or the team typing a paper form)."""
    if not consent:
        raise ValidationError(
            {"consent": _("Sans votre accord, nous ne pouvons pas vous inscrire au tirage.")}
        )
    now = now or timezone.now()
    email = email.strip().lower()
    if commune is not None:
        if commune.authority_id != campaign.authority_id:
            raise ValidationError({"commune": _("Cette commune n'est pas sur le territoire.")})
        area = commune.name
    # Race: two sign-ups with the same e-mail, each checking before the other writes.
    lock_campaign(campaign)
    # A typed area takes the pool's spelling: quotas count values exactly.
    area = known_places(campaign).get(place_key(area), area)
    if email and Volunteer.objects.filter(campaign=campaign, email=email).exists():
        raise ValidationError({"email": duplicate_email_message()})
    volunteer = Volunteer(
        campaign=campaign,
        name=" ".join(name.split()),
        email=email,
        phone=phone.strip(),
        gender=gender,
        age_band=age_band,
        commune=commune,
        area=" ".join(area.split()),
        occupation=occupation,
        availability=availability.strip(),
        source=source,
        consented_at=now,
        retain_until=retention_date(campaign, today=timezone.localdate(now)),
    )
    volunteer.full_clean()
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as error:  # the constraint, should a writer skip the lock
        raise ValidationError({"email": duplicate_email_message()}) from error
    return volunteer


@transaction.atomic
def volunteer_delete(*, volunteer: Volunteer) -> None:
    """On request, or once the retention date is past. A draw keeps only the anonymised row."""
    volunteer.delete()


@transaction.atomic
def volunteers_purge(*, today: dt.date, dry_run: bool = False) -> int:
    """Delete every volunteer whose retention date is past (personal data is not kept longer).

    Run every night by `manage.py purge_volunteers`; idempotent: a second run finds nobody.
    Their training completions go with them; a draw keeps only its anonymised pool (ids and
    attributes, no name nor contact).
    """
    expired = Volunteer.objects.filter(retain_until__lt=today)
    if dry_run:
        return expired.count()
    return expired.delete()[1].get(Volunteer._meta.label, 0)


def volunteers_of(campaign: Campaign):
    return Volunteer.objects.filter(campaign=campaign).select_related("commune").order_by("id")


# --- quotas ----------------------------------------------------------------------------------


def pool_counts(campaign: Campaign, *, today: dt.date) -> dict[str, Counter]:
    """How many drawable volunteers (retention not past) have each value, by attribute."""
    counts: dict[str, Counter] = {attribute: Counter() for attribute in Attribute.values}
    for person in pool_people(campaign, Attribute.values, today=today):
        for attribute, value in person.attributes.items():
            counts[attribute][value] += 1
    return counts


@transaction.atomic
def quota_set(
    *, campaign: Campaign, attribute: str, value: str, minimum: int, maximum: int, today: dt.date
) -> tuple[Quota, list[str]]:
    """Creates or changes the quota of one value; returns it with warnings (value not seen)."""
    if attribute not in Attribute.values:
        raise ValidationError({"attribute": _("Critère inconnu.")})
    code = parse_value(attribute, value)
    if code is None:
        choices = ", ".join(str(label).lower() for _code, label in value_choices(attribute))
        raise ValidationError(
            {
                "value": _("« %(value)s » n'est pas une valeur de ce critère (%(choices)s).")
                % {"value": value, "choices": choices}
            }
        )
    if minimum > maximum:
        raise ValidationError({"maximum": _("Le maximum doit être supérieur ou égal au minimum.")})
    counts = pool_counts(campaign, today=today)[attribute]
    if attribute == Attribute.AREA:
        # The pool's own spelling wins, so that the quota counts these volunteers.
        code = next((v for v in counts if v.lower() == code.lower()), code)
    quota = Quota.objects.filter(campaign=campaign, attribute=attribute, value=code).first()
    quota = quota or Quota(campaign=campaign, attribute=attribute, value=code)
    quota.minimum, quota.maximum = minimum, maximum
    quota.full_clean()
    quota.save()
    warnings = []
    if not counts[code]:
        warnings.append(
            _(
                "Aucun volontaire du vivier n'a la valeur « %(value)s » pour « %(attribute)s » : "
                "vérifiez l'orthographe."
            )
            % {"value": value_label(attribute, code), "attribute": attribute_label(attribute)}
        )
    elif counts[code] < minimum:
        warnings.append(
            _("Le vivier ne compte que %(count)s volontaires « %(value)s » pour ce minimum.")
            % {"count": counts[code], "value": value_label(attribute, code)}
        )
    return quota, warnings


@transaction.atomic
def quota_delete(*, quota: Quota) -> None:
    quota.delete()


def quota_specs(campaign: Campaign) -> list[sortition.QuotaSpec]:
    return [
        sortition.QuotaSpec(q.attribute, q.value, q.minimum, q.maximum)
        for q in Quota.objects.filter(campaign=campaign)
    ]


# --- draws -----------------------------------------------------------------------------------


def _attribute_value(volunteer: Volunteer, attribute: str) -> str:
    value = getattr(volunteer, attribute)
    if attribute == Attribute.OCCUPATION and not value:
        return OCCUPATION_UNKNOWN
    return value


def drawable(campaign: Campaign, *, today: dt.date):
    """Volunteers who may be drawn: those whose retention date is not past."""
    return Volunteer.objects.filter(campaign=campaign, retain_until__gte=today)


def pool_people(
    campaign: Campaign, attributes: list[str], *, today: dt.date
) -> list[sortition.Person]:
    """The anonymised pool: drawable volunteers, their ids and attributes only."""
    volunteers = drawable(campaign, today=today).only("id", *attributes)
    return [
        sortition.Person(str(v.pk), {a: _attribute_value(v, a) for a in attributes})
        for v in volunteers
    ]


def draw_people(draw: PanelDraw) -> list[sortition.Person]:
    return [
        sortition.Person(row["id"], {k: v for k, v in row.items() if k != "id"})
        for row in draw.pool
    ]


def draw_quotas(draw: PanelDraw) -> list[sortition.QuotaSpec]:
    return [
        sortition.QuotaSpec(q["attribute"], q["value"], q["min"], q["max"]) for q in draw.quotas
    ]


def panel_draw(
    *,
    campaign: Campaign,
    size: int,
    reserve_size: int,
    seed: str,
    algorithm: str,
    by: AbstractBaseUser,
    today: dt.date | None = None,
    progress: sortition.Progress | None = None,
) -> PanelDraw:
    """Draws the panel and records everything needed to check it (not yet public).

    Not wrapped in a transaction: the solver may take seconds and only reads; the one write
    at the end is atomic by itself."""
    today = today or timezone.localdate()
    seed = seed.strip()
    if progress:
        progress(_("Lecture du vivier et des quotas"), sortition.STEP_POOL, sortition.DRAW_STEPS)
    quotas = quota_specs(campaign)
    attributes = sorted({q.attribute for q in quotas})
    pool = pool_people(campaign, attributes, today=today)
    labels = message_labels(attributes, [(q.attribute, q.value) for q in quotas])
    try:
        result = sortition.draw(
            pool,
            quotas,
            size=size,
            seed=seed,
            reserve=reserve_size,
            algorithm=algorithm,
            labels=labels,
            progress=progress,
        )
    except sortition.InfeasibleQuotas as error:
        raise ValidationError(error.problems) from error
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if progress:
        progress(_("Enregistrement du tirage"), sortition.STEP_SAVE, sortition.DRAW_STEPS)
    ordered = sorted(pool, key=lambda person: sortition.natural_key(person.id))
    draw = PanelDraw(
        campaign=campaign,
        size=size,
        reserve_size=reserve_size,
        seed=seed,
        algorithm=result.algorithm,
        quotas=[
            {"attribute": q.attribute, "value": q.value, "min": q.minimum, "max": q.maximum}
            for q in quotas
        ],
        pool=[{"id": p.id, **dict(sorted(p.attributes.items()))} for p in ordered],
        pool_sha256=sortition.pool_fingerprint(pool),
        selected=result.selected,
        reserve=result.reserve,
        created_by=by,
    )
    # An empty reserve or quota list is a choice, not a missing value (the JSON fields are not
    # blank=True).
    draw.full_clean(exclude=["reserve", "quotas"])
    draw.save()
    return draw


@transaction.atomic
def panel_draw_publish(*, draw: PanelDraw) -> PanelDraw:
    """Makes one draw public; a campaign publishes one draw only, so none can be swapped."""
    # Race: two publications at once, each seeing no published draw yet.
    lock_campaign(draw.campaign)
    other = PanelDraw.objects.filter(campaign=draw.campaign_id, published=True).exclude(pk=draw.pk)
    if other.exists():
        raise ValidationError(
            _(
                "Un tirage est déjà publié pour cette campagne : on n'en publie qu'un, pour "
                "qu'aucun ne puisse en remplacer un autre."
            )
        )
    if not draw.published:
        draw.published = True
        draw.save(update_fields=["published"])
    return draw


def published_draw(campaign: Campaign) -> PanelDraw | None:
    return PanelDraw.objects.filter(campaign=campaign, published=True).first()


@dataclass(frozen=True)
class Member:
    rank: int
    id: str
    volunteer: Volunteer | None  # None once deleted on request


def draw_members(draw: PanelDraw) -> tuple[list[Member], list[Member]]:
    """The panel and the reserve with their volunteers (for the team only)."""
    ids = [int(i) for i in [*draw.selected, *draw.reserve] if i.isdigit()]
    found = Volunteer.objects.filter(campaign=draw.campaign_id, pk__in=ids).select_related(
        "commune"
    )
    by_id = {str(v.pk): v for v in found}

    def members(ids: list[str]) -> list[Member]:
        return [Member(rank, i, by_id.get(i)) for rank, i in enumerate(ids, start=1)]

    return members(draw.selected), members(draw.reserve)


@dataclass(frozen=True)
class AttributeComposition:
    attribute: str
    label: str
    rows: list[tuple[str, sortition.CompositionRow]]  # (value label, row)


def draw_composition(draw: PanelDraw) -> list[AttributeComposition]:
    rows = sortition.composition(draw_people(draw), draw_quotas(draw), draw.selected)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.attribute, []).append((value_label(row.attribute, row.value), row))
    return [
        AttributeComposition(attribute, attribute_label(attribute), items)
        for attribute, items in groups.items()
    ]
