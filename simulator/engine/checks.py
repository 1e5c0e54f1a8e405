"""The checks of a scenario's inputs: every refusal is collected, none stops the others."""

from __future__ import annotations

import math

import numpy as np

from simulator.engine.base import MAX_HORIZON, Adjustment
from simulator.engine.prepared import PreparedBudget
from simulator.tax import PROPERTY_TAX_ACCOUNT, TAX_MEASURE, TaxLever


def check_growth_rates(growth_rates: dict | None) -> tuple[dict[str, float], list[str]]:
    rates, messages = {}, []
    for chapter, value in (growth_rates or {}).items():
        try:
            rate = float(value)
        except (TypeError, ValueError):
            rate = float("nan")
        if not math.isfinite(rate) or rate <= -1:
            messages.append(
                f"Le taux d'évolution du chapitre {chapter} doit être un nombre supérieur "
                f"à −100 % (reçu : {value})."
            )
        else:
            rates[str(chapter).strip()] = rate
    return rates, messages


def check_tax(prepared: PreparedBudget, tax: TaxLever) -> tuple[list[str], Adjustment | None]:
    messages = tax.problems()
    if tax.revenue_line is not None:
        line = prepared.index.get(str(tax.revenue_line).strip())
        if line is None:
            messages.append(
                f"Taxe foncière : la ligne « {str(tax.revenue_line).strip()} » n'existe pas "
                "dans ce budget."
            )
    else:
        candidates = [
            i
            for i in np.flatnonzero(prepared.accounts == PROPERTY_TAX_ACCOUNT)
            if prepared.real[i] and prepared.saving_weights[0, i] > 0
        ]
        line = candidates[0] if len(candidates) == 1 else None
        if not candidates:
            messages.append(
                "Taxe foncière : aucune ligne de recette réelle de fonctionnement au compte "
                f"{PROPERTY_TAX_ACCOUNT} dans ce budget ; indiquez la ligne à utiliser."
            )
        elif len(candidates) > 1:
            codes = ", ".join(str(prepared.codes[i]) for i in candidates)
            messages.append(
                f"Taxe foncière : plusieurs lignes au compte {PROPERTY_TAX_ACCOUNT} ({codes}) ; "
                "indiquez celle à utiliser."
            )
    if messages or line is None or float(tax.points) == 0:
        return messages, None
    adjustment = Adjustment(
        line=str(prepared.codes[line]),
        amount=tax.revenue_delta,
        measure=TAX_MEASURE,
        direct=False,
    )
    return messages, adjustment


def number_or_none(value) -> float | None:
    """None stays None; anything that is not a number becomes NaN, which checks refuse."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def check_adjustments(
    prepared: PreparedBudget,
    adjustments: list[Adjustment],
    horizon: int | None,
    max_policy_areas: int | None,
    messages: list[str],
) -> list[tuple[int, Adjustment]]:
    """Validate every adjustment; return the usable ones (line index, normalised adjustment)."""
    usable = []
    areas: list[str] = []
    for adjustment in adjustments:
        code = str(adjustment.line).strip()
        line = prepared.index.get(code)
        name = prepared.line_name(line) if line is not None else f"La ligne « {code} »"
        of_line = name.replace("La ligne", "de la ligne", 1)
        problems = []
        if line is None:
            problems.append(f"{name} n'existe pas dans ce budget.")
        elif not prepared.real[line]:
            problems.append(f"{name} est une opération d'ordre : elle ne peut pas être modifiée.")
        elif adjustment.direct and not prepared.adjustable[line]:
            problems.append(
                f"{name} n'est pas ajustable : elle ne peut pas être modifiée directement."
            )
        amount = number_or_none(adjustment.amount)
        percent = number_or_none(adjustment.percent)
        if (amount is None) == (percent is None):
            problems.append(
                f"L'ajustement {of_line} doit indiquer soit un montant, soit un pourcentage "
                "(un seul)."
            )
        elif not math.isfinite(amount if amount is not None else percent):
            problems.append(f"L'ajustement {of_line} n'a pas une valeur numérique valide.")
        share = number_or_none(adjustment.first_year_share)
        if share is None or not (0 <= share <= 1):
            problems.append(
                f"La part de la première année de l'ajustement {of_line} doit être comprise "
                f"entre 0 et 1 (reçu : {adjustment.first_year_share})."
            )
        if not isinstance(adjustment.recurring, bool | np.bool_):
            problems.append(
                f"L'ajustement {of_line} doit dire s'il est récurrent par vrai ou faux "
                f"(reçu : {adjustment.recurring})."
            )
        start = adjustment.start_year
        start_is_int = isinstance(start, int | np.integer) and not isinstance(start, bool)
        if horizon is not None and not (start_is_int and 1 <= start <= horizon):
            problems.append(
                f"L'année de départ de l'ajustement {of_line} doit être comprise entre 1 et "
                f"{horizon} (reçu : {start})."
            )
        elif horizon is None and not (start_is_int and 1 <= start <= MAX_HORIZON):
            problems.append(
                f"L'année de départ de l'ajustement {of_line} doit être un entier de 1 à "
                f"{MAX_HORIZON} (reçu : {start})."
            )
        if problems:
            messages.extend(problems)
            continue
        value = amount if amount is not None else percent
        if adjustment.direct and value != 0 and prepared.functions[line] not in areas:
            areas.append(prepared.functions[line])
        usable.append(
            (
                line,
                Adjustment(
                    line=code,
                    amount=amount,
                    percent=percent,
                    start_year=int(start),
                    recurring=bool(adjustment.recurring),
                    first_year_share=share,
                    measure=adjustment.measure,
                    direct=adjustment.direct,
                ),
            )
        )
    if max_policy_areas is not None and len(areas) > max_policy_areas:
        named = ", ".join(_area_name(prepared, area) for area in sorted(areas))
        messages.append(
            f"Le scénario touche {len(areas)} politiques publiques ({named}) alors que "
            f"{max_policy_areas} au plus sont permises."
        )
    return usable


def _area_name(prepared: PreparedBudget, function: str) -> str:
    if not function:
        return "sans fonction"
    frame = prepared.frame
    if "function_label" in frame.columns:
        labels = frame.loc[frame["function"].astype(str) == function, "function_label"]
        label = next((str(x) for x in labels if isinstance(x, str) and x.strip()), "")
        if label:
            return f"{function} {label}"
    return function
