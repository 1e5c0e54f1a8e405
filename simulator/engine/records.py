"""Lines and rules frames from plain dicts (JSON input, tests, benchmarks)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from budget.finance import DEPENSE, FONCTIONNEMENT, INVESTISSEMENT, LINE_COLUMNS, RECETTE, REEL


def empty_lines_frame() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in LINE_COLUMNS}).astype(
        {"amount": float}
    )


_CODE_PREFIXES = {
    "F": FONCTIONNEMENT,
    "I": INVESTISSEMENT,
}


def lines_from_records(records: Iterable[dict]) -> pd.DataFrame:
    """A lines frame from plain dicts (JSON input, tests, benchmarks), defaults filled in.

    Section and direction default to what the line code says (`FD-...` is an operating
    expenditure, `IR-...` an investment revenue: the convention of BudgetLine.code); kind
    defaults to real, function and label to "", floor to none, adjustable to "real".
    """
    rows = []
    for record in records:
        row = dict(record)
        prefix = str(row["code"]).strip()[:2]
        row.setdefault("section", _CODE_PREFIXES.get(prefix[:1], ""))
        row.setdefault("direction", RECETTE if prefix[1:2] == "R" else DEPENSE)
        row.setdefault("kind", REEL)
        row.setdefault("function", "")
        row.setdefault("label", "")
        row.setdefault("floor", float("nan"))
        row.setdefault("adjustable", row["kind"] == REEL)
        rows.append(row)
    columns = [*LINE_COLUMNS, "label", "adjustable", "floor"]
    frame = pd.DataFrame(
        rows, columns=list(dict.fromkeys([*columns, *(k for r in rows for k in r)]))
    )
    return frame.astype({"amount": float, "floor": float, "adjustable": bool})


def rules_from_records(records: Iterable[dict]) -> pd.DataFrame:
    """A rules frame from plain dicts; lag defaults to 0 and cumulative to False."""
    rows = [{"lag": 0, "cumulative": False, **record} for record in records]
    frame = pd.DataFrame(rows, columns=["source", "target", "coefficient", "lag", "cumulative"])
    return frame.astype({"coefficient": float, "lag": int, "cumulative": bool})
