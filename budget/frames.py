"""From the database to the engine's DataFrames (the only place the ORM meets pandas)."""

from __future__ import annotations

import pandas as pd

from budget.finance import LINE_COLUMNS
from budget.models import Budget, BudgetLine

EXTRA_COLUMNS = [
    "id",
    "label",
    "chapter_label",
    "account_label",
    "function_label",
    "adjustable",
    "floor",
]


def lines_frame(budget: Budget, *, use_realised: bool | None = None) -> pd.DataFrame:
    """One row per line; `amount` is the voted amount, or the realised one for a CA."""
    if use_realised is None:
        use_realised = budget.uses_realised_amounts
    fields = [c for c in LINE_COLUMNS if c != "amount"] + EXTRA_COLUMNS + ["amount", "realised"]
    rows = list(
        BudgetLine.objects.filter(budget=budget).order_by("position", "id").values_list(*fields)
    )
    frame = pd.DataFrame(rows, columns=fields)
    if use_realised:
        frame["amount"] = frame["realised"].where(frame["realised"].notna(), frame["amount"])
    frame["amount"] = frame["amount"].astype(float)
    frame["floor"] = frame["floor"].astype(float)
    frame["label"] = frame["label"].where(frame["label"] != "", frame["account"])
    return frame.drop(columns=["realised"])
