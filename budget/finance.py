"""The budget's nomenclature and its French ratios (domain.md §4), on plain pandas frames.

A lines frame has one row per budget line with the columns of LINE_COLUMNS. Both the explorer
(one voted year) and the simulator (every projected year) read a budget's health here, so the
two always agree on what counts as an operating revenue or a debt repayment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

LINE_COLUMNS = ["code", "section", "direction", "kind", "chapter", "account", "function", "amount"]

FONCTIONNEMENT = "fonctionnement"
INVESTISSEMENT = "investissement"
DEPENSE = "depense"
RECETTE = "recette"
REEL = "reel"

# The national reference ceiling for communes and their groupings (domain.md §4).
DEBT_CAPACITY_CEILING_YEARS = 12

# The sums behind the ratios, in the order of the rows of a ratio matrix.
RATIO_KEYS = ("rrf", "drf", "interest", "capital_repayment", "new_loans")


@dataclass(frozen=True)
class Ratios:
    rrf: float
    drf: float
    interest: float
    epargne_gestion: float
    epargne_brute: float
    epargne_nette: float
    taux_epargne_brute: float | None
    capital_repayment: float
    new_loans: float
    debt_start: float
    debt_end: float
    capacite_desendettement: float | None

    def as_dict(self, *, rounded: bool = True) -> dict[str, float | None]:
        data = asdict(self)
        if rounded:
            for key, value in data.items():
                if value is not None and key not in {
                    "taux_epargne_brute",
                    "capacite_desendettement",
                }:
                    data[key] = round(value, 2)
        return data

    @property
    def debt_capacity_alert(self) -> bool:
        return (
            self.capacite_desendettement is None
            or self.capacite_desendettement > DEBT_CAPACITY_CEILING_YEARS
        )


def ratio_masks(lines: pd.DataFrame) -> dict[str, pd.Series]:
    """Boolean masks selecting the lines behind each aggregate of domain.md §4.

    Shared by compute_ratios and the simulator, which applies them to yearly amounts.
    """
    real = lines["kind"] == REEL
    operating = real & (lines["section"] == FONCTIONNEMENT)
    investment = real & (lines["section"] == INVESTISSEMENT)
    expense = lines["direction"] == DEPENSE
    revenue = lines["direction"] == RECETTE
    chapter = lines["chapter"].astype(str)
    account = lines["account"].astype(str)
    not_002 = chapter != "002"
    debt_chapter = (
        investment
        & (chapter == "16")
        & ~account.str.startswith("166")
        & ~account.str.startswith("16449")
    )
    return {
        "rrf": operating & revenue & not_002 & ~account.str.startswith("775"),
        "drf": operating & expense & not_002,
        "interest": operating & expense & (chapter == "66"),
        "capital_repayment": debt_chapter & expense,
        "new_loans": debt_chapter & revenue,
    }


def ratios_from_sums(
    *,
    rrf: float,
    drf: float,
    interest: float,
    capital_repayment: float,
    new_loans: float,
    debt_start: float,
) -> Ratios:
    epargne_brute = rrf - drf
    debt_end = debt_start - capital_repayment + new_loans
    return Ratios(
        rrf=rrf,
        drf=drf,
        interest=interest,
        epargne_gestion=rrf - (drf - interest),
        epargne_brute=epargne_brute,
        epargne_nette=epargne_brute - capital_repayment,
        taux_epargne_brute=(epargne_brute / rrf) if rrf else None,
        capital_repayment=capital_repayment,
        new_loans=new_loans,
        debt_start=debt_start,
        debt_end=debt_end,
        capacite_desendettement=(debt_end / epargne_brute) if epargne_brute > 0 else None,
    )


def compute_ratios(lines: pd.DataFrame, *, debt_start: float, amount: str = "amount") -> Ratios:
    """The ratios of domain.md §4 for one year of a lines frame (real lines only)."""
    values = lines[amount].astype(float)
    sums = {name: float(values[mask].sum()) for name, mask in ratio_masks(lines).items()}
    return ratios_from_sums(debt_start=float(debt_start), **sums)
