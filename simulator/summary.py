"""The plain-language summary of a simulation, for citizens (pure; French first, via gettext)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from simulator.charts import euros, full_year_split
from simulator.engine import SimulationResult
from simulator.tax import household_change_text


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
        sentence = _(
            "Votre scénario ne change encore rien : choisissez des mesures ou ajustez des lignes."
        )
    else:
        # One whole clause per verb: translators cannot conjugate a verb passed in alone.
        if net >= 0:
            sentence = _("Votre scénario économise %(amount)s par an en année pleine")
        else:
            sentence = _("Votre scénario coûte %(amount)s par an en année pleine")
        sentence %= {"amount": euros(abs(net))}
        if abs(induced) >= 0.5:
            sentence += _(", dont %(amount)s d'effets induits") % {"amount": euros(induced)}
        if result.target is not None:
            if result.target_met:
                sentence += _(" ; l'objectif de %(target)s est atteint.") % {
                    "target": euros(result.target)
                }
            else:
                sentence += _(" ; il manque %(gap)s pour atteindre l'objectif de %(target)s.") % {
                    "gap": euros(result.gap),
                    "target": euros(result.target),
                }
        else:
            sentence += "."
    details = []
    first = float(result.first_year_net_saving)
    if abs(first - net) >= 0.5:
        details.append(
            _(
                "La première année, l'effet est de %(amount)s (mesures démarrant en cours "
                "d'année ou plus tard, dépenses ponctuelles)."
            )
            % {"amount": euros(first)}
        )
    investment = float(result.investment_net_delta[-1])
    if abs(investment) >= 0.5:
        if investment > 0:
            detail = _(
                "En investissement, le scénario allège de %(amount)s le besoin de "
                "financement de l'année %(year)s."
            )
        else:
            detail = _(
                "En investissement, le scénario alourdit de %(amount)s le besoin de "
                "financement de l'année %(year)s."
            )
        details.append(detail % {"amount": euros(abs(investment)), "year": result.horizon})
    if result.household_yearly_change is not None:
        # household_change_text() comes from tax.py and is still French-only.
        details.append(
            _("Taxe foncière : %(change)s.")
            % {"change": household_change_text(result.household_yearly_change)}
        )
    progress = None
    if result.target:
        progress = max(0.0, min(1.0, net / float(result.target)))
    return Summary(sentence, details, progress, result.target_met)
