"""The council file's « Conséquences budgétaires » sheet (issue 16 §7): the budget's ratios
over the years of the plan, without and with the adopted proposals, from the snapshot's
``consequences`` (votes/council/consequences.py computed them with the simulator engine and
budget/finance.py). Snapshots older than it have none, and get no sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from votes.council.consequences import basis_label
from votes.council.report_tables import COUNT, LONG, MONEY, TEXT, Column, Sheet, Table, amount

SHEET_NAME = "Conséquences budgétaires"


def _number(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def ratios() -> list[tuple[str, str, str, Any]]:
    """(key in a year's ratios, title, column kind, reader): euros, a rate in %, years."""
    return [
        ("epargne_brute", _("Épargne brute"), MONEY, amount),
        ("taux_epargne_brute", _("Taux d'épargne brute (%)"), COUNT, _number),
        ("debt_end", _("Encours de dette au 31 décembre"), MONEY, amount),
        ("capacite_desendettement", _("Capacité de désendettement (années)"), COUNT, _number),
    ]


def ratio_tables(consequences: dict[str, Any]) -> list[Table]:
    """One table per ratio, one row per year of the plan: without, with, the difference."""
    tables = []
    for key, title, kind, read in ratios():
        rows = []
        for year in consequences["years"]:
            before = read(year["before"][key])
            after = read(year["after"][key]) if year["after"] else None
            change = after - before if before is not None and after is not None else None
            rows.append([year["year"], before, after, change])
        tables.append(
            Table(
                f"consequences-{key.replace('_', '-')}",
                title,
                [
                    Column(_("Année du plan"), COUNT, 10),
                    Column(_("Sans les propositions"), kind, 20),
                    Column(_("Avec les propositions"), kind, 20),
                    Column(_("Écart"), kind, 18),
                ],
                rows,
            )
        )
    return tables


def consequences_sheet(data: dict[str, Any]) -> list[Sheet]:
    consequences = data.get("consequences")
    if not consequences:
        return []
    notes = [
        [
            _(
                "Calcul du simulateur sur le budget « %(budget)s », sur %(years)s ans, avec "
                "%(basis)s : économies (et leurs impacts induits), coûts d'investissement et "
                "de fonctionnement des projets. Ratios des opérations réelles (épargne brute = "
                "recettes réelles de fonctionnement − dépenses réelles de fonctionnement ; "
                "capacité de désendettement = encours de dette / épargne brute)."
            )
            % {
                "budget": consequences["budget_title"],
                "years": consequences["horizon"],
                "basis": basis_label(consequences["basis"]),
            }
        ]
    ]
    notes += [[message] for message in consequences["refused"]]
    tables = [
        Table(
            "consequences-notes",
            _("Comment lire cette feuille"),
            [Column(_("Note"), LONG, 90)],
            notes,
        )
    ]
    if not consequences["refused"]:
        tables += ratio_tables(consequences)
    tables.append(
        Table(
            "consequences-propositions",
            _("Propositions prises en compte"),
            [
                Column(_("Référence"), TEXT, 10),
                Column(_("Titre"), LONG, 50),
                Column(_("Dans le calcul"), TEXT, 12),
                Column(_("Ce qui manque"), LONG, 40),
            ],
            [
                [
                    item["reference"],
                    item["title"],
                    _("oui") if item["in_scenario"] else _("non"),
                    item["missing"],
                ]
                for item in consequences["proposals"]
            ],
        )
    )
    return [Sheet("consequences", _(SHEET_NAME), tables)]
