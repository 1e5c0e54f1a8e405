"""The plain-language summary of a simulation, in French, for citizens (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from .charts import euros, full_year_split
from .engine import SimulationResult
from .tax import household_change_text


@dataclass
class Summary:
    sentence: str
    details: list[str]
    progress: float | None  # 0..1 toward the target, None without a target
    target_met: bool | None


def summarise(result: SimulationResult) -> Summary:
    net = float(result.full_year_net_saving)
    direct, induced = full_year_split(result)
    if abs(net) < 0.5 and abs(direct) < 0.5:
        sentence = (
            "Votre scénario ne change encore rien : choisissez des mesures ou ajustez des lignes."
        )
    else:
        verb = "économise" if net >= 0 else "coûte"
        sentence = f"Votre scénario {verb} {euros(abs(net))} par an en année pleine"
        if abs(induced) >= 0.5:
            sentence += f", dont {euros(induced)} d'effets induits"
        if result.target is not None:
            if result.target_met:
                sentence += f" ; l'objectif de {euros(result.target)} est atteint."
            else:
                sentence += (
                    f" ; il manque {euros(result.gap)} pour atteindre l'objectif de "
                    f"{euros(result.target)}."
                )
        else:
            sentence += "."
    details = []
    first = float(result.first_year_net_saving)
    if abs(first - net) >= 0.5:
        details.append(
            f"La première année, l'effet est de {euros(first)} (mesures démarrant en cours "
            "d'année ou plus tard, dépenses ponctuelles)."
        )
    investment = float(result.investment_net_delta[-1])
    if abs(investment) >= 0.5:
        word = "allège" if investment > 0 else "alourdit"
        details.append(
            f"En investissement, le scénario {word} de {euros(abs(investment))} le besoin de "
            f"financement de l'année {result.horizon}."
        )
    if result.household_yearly_change is not None:
        details.append(
            "Taxe foncière : " + household_change_text(result.household_yearly_change) + "."
        )
    progress = None
    if result.target:
        progress = max(0.0, min(1.0, net / float(result.target)))
    return Summary(sentence, details, progress, result.target_met)
