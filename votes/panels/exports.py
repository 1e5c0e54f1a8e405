"""The team's workbook of a draw: the panel and the reserve with names and contacts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from votes.panels.services import Attribute, Member, value_label


def _rows(members: list[Member]) -> list[list]:
    rows = []
    for member in members:
        volunteer = member.volunteer
        if volunteer is None:
            # Full width: the sheet writer measures every column of every row.
            rows.append([member.rank, member.id, _("(données supprimées sur demande)"), *[""] * 7])
            continue
        rows.append(
            [
                member.rank,
                member.id,
                volunteer.name,
                volunteer.email,
                volunteer.phone,
                volunteer.get_gender_display(),
                volunteer.get_age_band_display(),
                volunteer.area,
                value_label(Attribute.OCCUPATION, volunteer.occupation)
                if volunteer.occupation
                else "",
                volunteer.availability,
            ]
        )
    return rows


def draw_workbook(selected: list[Member], reserve: list[Member], *, name: str = "") -> bytes:
    columns = writer.columns(
        _("Rang"),
        _("Identifiant"),
        _("Nom et prénom"),
        _("E-mail"),
        _("Téléphone"),
        _("Genre"),
        _("Tranche d'âge"),
        _("Commune ou quartier"),
        _("Catégorie socio-professionnelle"),
        _("Disponibilités"),
    )
    return writer.xlsx_bytes(
        [
            writer.Sheet(_("Panel"), columns, _rows(selected)),
            writer.Sheet(_("Réserve"), columns, _rows(reserve)),
        ],
        footer=writer.Footer(name),
    )
