"""Import of volunteers from a CSV or XLSX file: all or nothing, every row's problems listed.

The team imports people who signed up on paper or at an event; the file's columns are named
in French (see HEADERS), in any order, any case. A file with a single problem writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import Commune
from budget.spreadsheets.cells import RowError, column_cell, located, normalise_word, quoted
from budget.spreadsheets.reader import read_list
from votes.campaigns.models import Campaign
from votes.panels.models import Volunteer
from votes.panels.services import (
    OCCUPATION_UNKNOWN,
    Attribute,
    area_mode,
    known_places,
    lock_campaign,
    parse_value,
    place_key,
    retention_date,
)

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 5_000
PHONE_CHARACTERS = set("0123456789 +.-()")
# Accepted column names (compared without case, accents or extra spaces) → field.
HEADERS = {
    "nom": "name",
    "nom et prenom": "name",
    "name": "name",
    "email": "email",
    "e-mail": "email",
    "courriel": "email",
    "adresse e-mail": "email",
    "telephone": "phone",
    "tel": "phone",
    "phone": "phone",
    "genre": "gender",
    "gender": "gender",
    "tranche d'age": "age_band",
    "tranche_age": "age_band",
    "age": "age_band",
    "age_band": "age_band",
    "commune ou quartier": "area",
    "commune": "area",
    "quartier": "area",
    "area": "area",
    "csp": "occupation",
    "categorie socio-professionnelle": "occupation",
    "occupation": "occupation",
    "disponibilites": "availability",
    "availability": "availability",
}
# Required fields, with the column name given in messages.
REQUIRED = {
    "name": "nom",
    "gender": "genre",
    "age_band": "tranche_age",
    "area": "commune ou quartier",
}


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def valid_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return set(text) <= PHONE_CHARACTERS and 6 <= digits <= 20 and len(text) <= 30


def _columns(header: list[str], report: ImportReport) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    for index, raw in enumerate(header):
        name = HEADERS.get(normalise_word(raw).replace("_", " ")) or HEADERS.get(
            normalise_word(raw)
        )
        if name is None:
            continue
        if name in columns:
            report.errors.append(
                located(1, raw, raw, _("cette colonne apparaît deux fois : gardez-en une."))
            )
        columns[name] = (index, raw)
    for name, column in REQUIRED.items():
        if name not in columns:
            report.errors.append(
                located(
                    1,
                    column,
                    "",
                    _("colonne obligatoire absente de l'en-tête (attendues : %(names)s).")
                    % {"names": "nom, genre, tranche d'âge, commune ou quartier"},
                )
            )
    if "email" not in columns and "phone" not in columns:
        report.errors.append(
            located(1, "", "", _("il faut une colonne « email » ou « telephone » (ou les deux)."))
        )
    return columns


def _area(text: str, mode: str, names: list[str], communes: dict[str, Commune], spellings: dict):
    """(commune, area) for the cell, or a problem to report."""
    cleaned = " ".join(text.split())
    if mode == "commune":
        commune = communes.get(place_key(cleaned)) or communes.get(cleaned)
        if commune is None:
            return (
                None,
                None,
                _("%(value)s n'est pas une commune du territoire.") % {"value": quoted(cleaned)},
            )
        return commune, commune.name, None
    if mode == "choice":
        match = next((n for n in names if place_key(n) == place_key(cleaned)), None)
        if match is None:
            return (
                None,
                None,
                _("%(value)s n'est pas un des quartiers des quotas (%(names)s).")
                % {
                    "value": quoted(cleaned),
                    "names": ", ".join(names),
                },
            )
        return None, match, None
    # Free names: the first spelling seen (in the pool, then in the file) is kept.
    return None, spellings.setdefault(place_key(cleaned), cleaned), None


def volunteers_check(
    data: bytes, *, campaign: int, filename: str, consent_confirmed: bool
) -> ImportReport:
    """The dry run of the upload flow, from its JSON details (budget/imports/uploads.py)."""
    return volunteers_import(
        campaign=Campaign.objects.get(pk=campaign),
        data=data,
        filename=filename,
        consent_confirmed=consent_confirmed,
        dry_run=True,
    )


def volunteers_import(
    *,
    campaign: Campaign,
    data: bytes,
    filename: str,
    consent_confirmed: bool,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Reads the whole file; writes every volunteer, or nobody when any row has a problem.

    With `dry_run`, `created` counts who would be written and nothing is.
    """
    report = ImportReport()
    if not consent_confirmed:
        report.errors.append(
            located(
                None,
                "",
                "",
                _("Confirmez que les personnes du fichier ont donné leur accord pour le tirage."),
            )
        )
        return report
    table, errors = read_list(data, filename, max_bytes=IMPORT_MAX_BYTES, max_rows=IMPORT_MAX_ROWS)
    if errors:
        report.errors.extend(errors)
        return report
    columns = _columns(table.header, report)
    if report.errors:
        return report
    now = now or timezone.now()
    mode, names = area_mode(campaign)
    spellings = known_places(campaign)
    communes: dict[str, Commune] = {}
    for commune in Commune.objects.filter(authority=campaign.authority_id):
        communes[place_key(commune.name)] = commune
        communes[commune.insee_code] = commune
    retain_until = retention_date(campaign, today=timezone.localdate(now))
    known = set(
        Volunteer.objects.filter(campaign=campaign)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    seen: dict[str, int] = {}
    volunteers = []
    for number, cells in table.rows:

        def cell(name: str, cells: list[str] = cells) -> tuple[str, str]:
            return column_cell(columns, cells, name)

        errors_before = len(report.errors)

        def problem(header: str, value: str, message: str, number: int = number) -> None:
            report.errors.append(located(number, header, value, message))

        name, name_header = cell("name")
        if not name:
            problem(name_header, name, _("le nom est obligatoire."))
        elif len(name) > 200:
            problem(name_header, name, _("nom trop long (200 caractères au plus)."))
        email, email_header = cell("email")
        email = email.lower()
        phone, phone_header = cell("phone")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(
                    email_header,
                    email,
                    _("%(value)s n'est pas une adresse e-mail.") % {"value": quoted(email)},
                )
            else:
                if email in known:
                    problem(email_header, email, _("adresse déjà inscrite dans le vivier."))
                elif email in seen:
                    problem(
                        email_header,
                        email,
                        _("adresse déjà présente ligne %(row)s du fichier.") % {"row": seen[email]},
                    )
                seen.setdefault(email, number)
        if phone and not valid_phone(phone):
            problem(
                phone_header,
                phone,
                _("%(value)s n'est pas un numéro de téléphone.") % {"value": quoted(phone)},
            )
        if not email and not phone:
            problem("", "", _("il faut une adresse e-mail ou un téléphone pour recontacter."))
        values = {}
        for attribute in (Attribute.GENDER, Attribute.AGE_BAND, Attribute.OCCUPATION):
            text, header = cell(attribute)
            if not text and attribute == Attribute.OCCUPATION:
                values[attribute] = ""
                continue
            code = parse_value(attribute, text)
            if code is None:
                problem(header, text, _("valeur inconnue : %(value)s.") % {"value": quoted(text)})
            values[attribute] = "" if code in (None, OCCUPATION_UNKNOWN) else code
        text, area_header = cell("area")
        commune, area, area_problem = _area(text, mode, names, communes, spellings)
        if not text:
            problem(area_header, text, _("la commune ou le quartier est obligatoire."))
        elif area_problem:
            problem(area_header, text, area_problem)
        elif len(area) > 120:
            problem(area_header, text, _("nom trop long (120 caractères au plus)."))
        availability, availability_header = cell("availability")
        if len(availability) > 300:
            problem(availability_header, availability, _("300 caractères au plus."))
        if len(report.errors) > errors_before:
            continue
        volunteers.append(
            Volunteer(
                campaign=campaign,
                name=" ".join(name.split()),
                email=email,
                phone=phone,
                gender=values[Attribute.GENDER],
                age_band=values[Attribute.AGE_BAND],
                occupation=values[Attribute.OCCUPATION],
                commune=commune,
                area=area,
                availability=availability,
                source=Volunteer.Source.IMPORT,
                consented_at=now,
                retain_until=retain_until,
            )
        )
    if report.errors:
        return report
    if not volunteers:
        report.errors.append(located(None, "", "", _("Le fichier ne contient aucun volontaire.")))
        return report
    if dry_run:
        report.created = len(volunteers)
        return report
    try:
        with transaction.atomic():
            # Race: a sign-up with one of these e-mails between the check above and the write.
            lock_campaign(campaign)
            if Volunteer.objects.filter(campaign=campaign, email__in=list(seen)).exists():
                raise IntegrityError
            Volunteer.objects.bulk_create(volunteers)
    except IntegrityError:
        report.errors.append(
            located(
                None,
                "",
                "",
                _("Des adresses du fichier viennent d'être inscrites : relancez l'import."),
            )
        )
        return report
    report.created = len(volunteers)
    return report
