"""A census list from a CSV or XLSX file: all or nothing, every row's problems listed.

The file is read once, in the request, and turned into keyed hashes (keys.census_key): only
the hashes wait for the confirmation (the upload flow's stash, budget/imports/uploads.py)
and only they are written. Columns, in any order and case: « nom » and « prénom(s) », or one
« nom et prénom » column; « date de naissance »; « code postal ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from budget.spreadsheets.cells import (
    RowError,
    column_cell,
    located,
    normalise_word,
    parse_date,
    quoted,
)
from budget.spreadsheets.reader import read_list
from votes.census.keys import census_key, normalise_name, normalise_postcode

IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_ROWS = 200_000
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")
# Accepted column names (compared without case, accents, underscores or extra spaces).
HEADERS = {
    "nom": "surname",
    "nom de famille": "surname",
    "nom de naissance": "surname",
    "prenom": "given",
    "prenoms": "given",
    "nom et prenom": "name",
    "nom et prenoms": "name",
    "nom prenom": "name",
    "nom complet": "name",
    "date de naissance": "birth_date",
    "naissance": "birth_date",
    "date naissance": "birth_date",
    "code postal": "postcode",
    "cp": "postcode",
}


@dataclass
class CensusReport:
    """What a file gives: the keys of its people, or every problem (then nothing is kept)."""

    keys: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return len(self.keys)

    def payload(self) -> bytes:
        """What the upload flow keeps until the confirmation: the hashes, one per line."""
        return "\n".join(self.keys).encode("ascii")


def _columns(header: list[str], report: CensusReport) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    for index, raw in enumerate(header):
        name = HEADERS.get(normalise_word(raw.replace("_", " ")))
        if name is None:
            continue
        if name in columns:
            report.errors.append(
                located(1, raw, raw, _("cette colonne apparaît deux fois : gardez-en une."))
            )
        columns[name] = (index, raw)
    has_name = "name" in columns or {"surname", "given"} <= columns.keys()
    if not has_name or "birth_date" not in columns or "postcode" not in columns:
        report.errors.append(
            located(
                1,
                "",
                "",
                _(
                    "en-tête attendu : nom ; prénoms (ou une colonne « nom et prénom ») ; date "
                    "de naissance ; code postal (colonnes trouvées : %(found)s)."
                )
                % {"found": ", ".join(header) or "—"},
            )
        )
    return columns


def _postcode(text: str) -> str | None:
    # A spreadsheet that took « 01000 » for a number gives « 1000 »: the zero comes back.
    if text.isdigit() and len(text) == 4:
        text = "0" + text
    return normalise_postcode(text)


def census_file_read(*, campaign_id: int, data: bytes, filename: str) -> CensusReport:
    """Reads the whole file into keys; any problem leaves no key (pure: nothing written)."""
    report = CensusReport()
    table, errors = read_list(data, filename, max_bytes=IMPORT_MAX_BYTES, max_rows=IMPORT_MAX_ROWS)
    if errors:
        report.errors.extend(errors)
        return report
    columns = _columns(table.header, report)
    if report.errors:
        return report
    seen: dict[str, int] = {}
    keys: list[str] = []
    for number, cells in table.rows:

        def cell(name: str, cells: list[str] = cells) -> tuple[str, str]:
            return column_cell(columns, cells, name)

        before = len(report.errors)
        if "name" in columns:
            name, name_header = cell("name")
        else:
            surname, name_header = cell("surname")
            given, given_header = cell("given")
            if surname and not normalise_name(given):
                report.errors.append(
                    located(number, given_header, given, _("le prénom est obligatoire."))
                )
            name = f"{surname} {given}"
        if not normalise_name(name):
            report.errors.append(located(number, name_header, name, _("le nom est obligatoire.")))
        text, date_header = cell("birth_date")
        # A date cell of a workbook arrives as « 1980-05-03T00:00:00 ».
        birth_date = parse_date(text.split("T")[0]) if text else None
        if birth_date is None:
            report.errors.append(
                located(
                    number,
                    date_header,
                    text,
                    _("date de naissance %(value)s illisible (attendu JJ/MM/AAAA).")
                    % {"value": quoted(text)},
                )
            )
        text, postcode_header = cell("postcode")
        postcode = _postcode(text)
        if postcode is None:
            report.errors.append(
                located(
                    number,
                    postcode_header,
                    text,
                    _("code postal %(value)s invalide (cinq chiffres).") % {"value": quoted(text)},
                )
            )
        if len(report.errors) > before:
            continue
        key = census_key(
            campaign_id=campaign_id, name=name, birth_date=birth_date, postcode=postcode
        )
        if key in seen:
            report.errors.append(
                located(
                    number,
                    "",
                    "",
                    _("même personne (nom, date de naissance, code postal) qu'à la ligne %(row)s.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        keys.append(key)
    if not report.errors and not keys:
        report.errors.append(located(None, "", "", _("Le fichier ne contient personne.")))
    if report.ok:
        report.keys = keys
    return report


def census_keys_check(data: bytes, *, campaign: int) -> CensusReport:
    """The dry run of the upload flow: the stashed hashes, read back (they were made by
    census_file_read in the request; a worker or a second request finds them as they were)."""
    report = CensusReport()
    keys = data.decode("ascii", errors="replace").split("\n") if data else []
    if not keys or not all(_KEY_RE.match(key) for key in keys):
        report.errors.append(located(None, "", "", _("Le fichier vérifié est illisible.")))
        return report
    report.keys = keys
    return report
