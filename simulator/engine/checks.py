"""The checks of a scenario's inputs: every refusal is collected, none stops the others."""

from __future__ import annotations

import math

import numpy as np

from simulator.engine.base import MAX_HORIZON, Adjustment, _
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
                _(
                    "Le taux d'évolution du chapitre %(chapter)s doit être un nombre supérieur "
                    "à −100 %% (reçu : %(value)s)."
                )
                % {"chapter": chapter, "value": value}
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
                _("Taxe foncière : la ligne « %(line)s » n'existe pas dans ce budget.")
                % {"line": str(tax.revenue_line).strip()}
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
                _(
                    "Taxe foncière : aucune ligne de recette réelle de fonctionnement au compte "
                    "%(account)s dans ce budget ; indiquez la ligne à utiliser."
                )
                % {"account": PROPERTY_TAX_ACCOUNT}
            )
        elif len(candidates) > 1:
            codes = ", ".join(str(prepared.codes[i]) for i in candidates)
            messages.append(
                _(
                    "Taxe foncière : plusieurs lignes au compte %(account)s (%(codes)s) ; "
                    "indiquez celle à utiliser."
                )
                % {"account": PROPERTY_TAX_ACCOUNT, "codes": codes}
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
        ref = {
            "line": prepared.line_ref(line)
            if line is not None
            else _("« %(code)s »") % {"code": code}
        }
        problems = []
        if line is None:
            problems.append(_("La ligne %(line)s n'existe pas dans ce budget.") % ref)
        elif not prepared.real[line]:
            problems.append(
                _("La ligne %(line)s est une opération d'ordre : elle ne peut pas être modifiée.")
                % ref
            )
        elif adjustment.direct and not prepared.adjustable[line]:
            problems.append(
                _(
                    "La ligne %(line)s n'est pas ajustable : elle ne peut pas être modifiée "
                    "directement."
                )
                % ref
            )
        amount = number_or_none(adjustment.amount)
        percent = number_or_none(adjustment.percent)
        if (amount is None) == (percent is None):
            problems.append(
                _(
                    "L'ajustement de la ligne %(line)s doit indiquer soit un montant, soit un "
                    "pourcentage (un seul)."
                )
                % ref
            )
        elif not math.isfinite(amount if amount is not None else percent):
            problems.append(
                _("L'ajustement de la ligne %(line)s n'a pas une valeur numérique valide.") % ref
            )
        share = number_or_none(adjustment.first_year_share)
        if share is None or not (0 <= share <= 1):
            problems.append(
                _(
                    "La part de la première année de l'ajustement de la ligne %(line)s doit être "
                    "comprise entre 0 et 1 (reçu : %(value)s)."
                )
                % {**ref, "value": adjustment.first_year_share}
            )
        if not isinstance(adjustment.recurring, bool | np.bool_):
            problems.append(
                _(
                    "L'ajustement de la ligne %(line)s doit dire s'il est récurrent par vrai ou "
                    "faux (reçu : %(value)s)."
                )
                % {**ref, "value": adjustment.recurring}
            )
        start = adjustment.start_year
        start_is_int = isinstance(start, int | np.integer) and not isinstance(start, bool)
        if horizon is not None and not (start_is_int and 1 <= start <= horizon):
            problems.append(
                _(
                    "L'année de départ de l'ajustement de la ligne %(line)s doit être comprise "
                    "entre 1 et %(horizon)s (reçu : %(value)s)."
                )
                % {**ref, "horizon": horizon, "value": start}
            )
        elif horizon is None and not (start_is_int and 1 <= start <= MAX_HORIZON):
            problems.append(
                _(
                    "L'année de départ de l'ajustement de la ligne %(line)s doit être un entier "
                    "de 1 à %(max)s (reçu : %(value)s)."
                )
                % {**ref, "max": MAX_HORIZON, "value": start}
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
            _(
                "Le scénario touche %(count)s politiques publiques (%(areas)s) alors que "
                "%(max)s au plus sont permises."
            )
            % {"count": len(areas), "areas": named, "max": max_policy_areas}
        )
    return usable


def _area_name(prepared: PreparedBudget, function: str) -> str:
    if not function:
        return _("sans fonction")
    frame = prepared.frame
    if "function_label" in frame.columns:
        labels = frame.loc[frame["function"].astype(str) == function, "function_label"]
        label = next((str(x) for x in labels if isinstance(x, str) and x.strip()), "")
        if label:
            return f"{function} {label}"
    return function
