"""python manage.py draw_panel: the panel draw from files, as anyone can re-run it.

    python manage.py draw_panel --pool vivier.csv --quotas quotas.csv --size 12 \\
        --seed "…" [--reserve 4] [--algorithm maximin] --json

The pool file has a column ``id`` and one column per attribute; the quotas file has the columns
``attribute``, ``value``, ``min``, ``max``. With ``--json`` it prints
``{"selected": [...], "reserve": [...], "algorithm": ..., "seed": ..., "pool_sha256": ...}``.
Quotas that cannot be met: exit code 2, the message on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from budget.spreadsheets.cells import located
from budget.spreadsheets.reader import read_csv
from votes.panels import sortition

INFEASIBLE_EXIT_CODE = 2


def _read(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CommandError(
            _("Impossible de lire %(path)s : %(reason)s") % {"path": path, "reason": error.strerror}
        ) from error
    table = read_csv(data)
    if table.errors:
        raise CommandError(f"{path} : {table.errors[0].message}")
    if not table.header:
        raise CommandError(_("%(path)s : le fichier est vide.") % {"path": path})
    return table.header, table.rows


def _fail(path: str, row: int | None, column: str, problem: str) -> CommandError:
    return CommandError(f"{path} : {located(row, column, '', problem).message}")


def _cells(path: str, header: list[str], number: int, cells: list[str]) -> list[str]:
    if len(cells) != len(header):
        raise _fail(
            path,
            number,
            "",
            _("%(found)s cellules au lieu de %(expected)s (une par colonne de l'en-tête).")
            % {"found": len(cells), "expected": len(header)},
        )
    return [cell.strip() for cell in cells]


def read_pool(path: str) -> list[sortition.Person]:
    header, rows = _read(path)
    names = [name.strip() for name in header]
    if "id" not in names:
        raise _fail(path, 1, "id", _("colonne obligatoire absente de l'en-tête."))
    for name in names:
        if not name or names.count(name) > 1:
            raise _fail(path, 1, name, _("nom de colonne vide ou en double."))
    pool, seen = [], {}
    for number, cells in rows:
        values = dict(zip(names, _cells(path, names, number, cells), strict=True))
        person_id = values.pop("id")
        if not person_id:
            raise _fail(path, number, "id", _("identifiant manquant."))
        if person_id in seen:
            raise _fail(
                path,
                number,
                "id",
                _("identifiant %(id)s déjà présent ligne %(row)s.")
                % {"id": person_id, "row": seen[person_id]},
            )
        seen[person_id] = number
        for name, value in values.items():
            if not value:
                raise _fail(path, number, name, _("valeur manquante."))
        pool.append(sortition.Person(person_id, values))
    return pool


def read_quotas(path: str, attributes: set[str]) -> list[sortition.QuotaSpec]:
    header, rows = _read(path)
    names = [name.strip().lower() for name in header]
    for required in ("attribute", "value", "min", "max"):
        if required not in names:
            raise _fail(path, 1, required, _("colonne obligatoire absente de l'en-tête."))
    quotas, seen = [], {}
    for number, cells in rows:
        values = dict(zip(names, _cells(path, names, number, cells), strict=True))
        attribute, value = values["attribute"], values["value"]
        if attribute not in attributes:
            raise _fail(
                path,
                number,
                "attribute",
                _("« %(attribute)s » n'est pas une colonne du vivier.") % {"attribute": attribute},
            )
        if not value:
            raise _fail(path, number, "value", _("valeur manquante."))
        bounds = []
        for column in ("min", "max"):
            text = values[column]
            if not text.isascii() or not text.isdigit():
                raise _fail(
                    path,
                    number,
                    column,
                    _("« %(text)s » n'est pas un nombre entier positif.") % {"text": text},
                )
            bounds.append(int(text))
        if (attribute, value) in seen:
            raise _fail(
                path,
                number,
                "value",
                _("quota déjà donné ligne %(row)s.") % {"row": seen[(attribute, value)]},
            )
        seen[(attribute, value)] = number
        quotas.append(sortition.QuotaSpec(attribute, value, bounds[0], bounds[1]))
    return quotas


class Command(BaseCommand):
    help = (
        "Tire au sort un panel à partir d'un vivier anonymisé et de quotas (CSV), comme sur la "
        "page publique du panel : même vivier, mêmes quotas, même taille, même graine, même "
        "panel. Code de sortie 2 si les quotas sont impossibles."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--pool", required=True, help=_("CSV : id, puis un critère par colonne")
        )
        parser.add_argument("--quotas", required=True, help=_("CSV : attribute, value, min, max"))
        parser.add_argument("--size", required=True, type=int, help=_("taille du panel"))
        parser.add_argument("--seed", required=True, help=_("graine publiée, telle quelle"))
        parser.add_argument("--reserve", type=int, default=0, help=_("taille de la réserve"))
        parser.add_argument(
            "--algorithm",
            default=sortition.DEFAULT_ALGORITHM,
            choices=sortition.ALGORITHMS,
            help=_("maximin (défaut), nash, leximin (Gurobi) ou maximin-profils (grands viviers)"),
        )
        parser.add_argument("--json", action="store_true", help=_("sortie JSON"))

    def handle(self, *args, **options) -> None:
        if options["size"] < 1 or options["reserve"] < 0:
            raise CommandError(_("--size doit valoir au moins 1 et --reserve au moins 0."))
        pool = read_pool(options["pool"])
        quotas = read_quotas(options["quotas"], set(sortition.attributes_of(pool)))
        try:
            result = sortition.draw(
                pool,
                quotas,
                size=options["size"],
                seed=options["seed"],
                reserve=options["reserve"],
                algorithm=options["algorithm"],
            )
        except sortition.InfeasibleQuotas as error:
            raise CommandError(error.message, returncode=INFEASIBLE_EXIT_CODE) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        fingerprint = sortition.pool_fingerprint(pool)
        if options["json"]:
            output = {
                "selected": result.selected,
                "reserve": result.reserve,
                "algorithm": result.algorithm,
                "seed": result.seed,
                "pool_sha256": fingerprint,
            }
            self.stdout.write(json.dumps(output, ensure_ascii=False))
            return
        self.stdout.write(_("Panel : %(ids)s") % {"ids": ", ".join(result.selected)})
        if result.reserve:
            self.stdout.write(_("Réserve : %(ids)s") % {"ids": ", ".join(result.reserve)})
        self.stdout.write(
            _("Algorithme %(algorithm)s, graine « %(seed)s », empreinte du vivier %(sha)s")
            % {"algorithm": result.algorithm, "seed": result.seed, "sha": fingerprint}
        )
