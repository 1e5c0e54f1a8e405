"""The savings rules in words (issue 14), for the results page and the council file alike.

Built from plain values (a ``CategoryResult`` or the council snapshot's figures), so that the
page and the file print the same sentences from the figures the tally used.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.templatetags.budget_tags import money
from votes.results import tally as rules


def percent_text(value: Decimal | int | str) -> str:
    """12.50 → "12,5 %", 10 → "10 %" (French decimal comma)."""
    number = Decimal(str(value)).normalize()
    text = format(number, "f").replace(".", ",")
    return f"{text} %"


def savings_method_sentence(method: str, *, target: Decimal | None, voters: int | None) -> str:
    """How the measures are kept, as applied to one category (or in general without figures)."""
    if method == rules.MES:
        if target is None:
            return _(
                "Méthode des parts égales : l'objectif d'économies de chaque rubrique est "
                "partagé à parts égales entre ses votants ; une mesure est retenue si ses "
                "soutiens peuvent la « payer » ensemble avec leurs parts, en commençant par celle "
                "qui leur coûte le moins par euro économisé, de sorte que chaque groupe important "
                "de votants voie retenues des mesures qu'il soutient. Si l'objectif n'est pas "
                "atteint, les mesures suivantes sont retenues par nombre de voix jusqu'à "
                "l'atteindre."
            )
        return _(
            "Méthode des parts égales : l'objectif de %(target)s par an est partagé à parts "
            "égales entre les %(voters)s votants de la rubrique ; une mesure est retenue si ses "
            "soutiens peuvent la « payer » ensemble avec leurs parts, en commençant par celle "
            "qui leur coûte le moins par euro économisé, de sorte que chaque groupe important de "
            "votants voie retenues des mesures qu'il soutient. Si l'objectif n'est pas atteint, "
            "les mesures suivantes sont retenues par nombre de voix jusqu'à l'atteindre."
        ) % {"target": money(target), "voters": voters or 0}
    if target is None:
        return _(
            "Les mesures sont classées par nombre de voix ; on les retient dans cet ordre "
            "jusqu'à ce que l'économie cumulée atteigne l'objectif de la rubrique."
        )
    return _(
        "Les mesures sont classées par nombre de voix, de la plus soutenue à la moins "
        "soutenue. On les retient dans cet ordre jusqu'à ce que l'économie cumulée "
        "atteigne l'objectif de %(target)s par an ; les suivantes ne sont pas retenues."
    ) % {"target": money(target)}


def savings_threshold_sentence(
    *, threshold: int, threshold_percent: Decimal | None, ballots: int | None
) -> str:
    """The threshold of one savings category, with the number of approvals it took."""
    if threshold_percent is not None:
        return ngettext(
            "Seuil : une mesure doit recueillir au moins %(percent)s des %(ballots)s bulletins "
            "exprimés dans la rubrique (ceux qui y choisissent au moins une mesure), soit au "
            "moins %(n)d voix, pour être retenue ; une mesure sans aucune voix n'est jamais "
            "retenue.",
            "Seuil : une mesure doit recueillir au moins %(percent)s des %(ballots)s bulletins "
            "exprimés dans la rubrique (ceux qui y choisissent au moins une mesure), soit au "
            "moins %(n)d voix, pour être retenue ; une mesure sans aucune voix n'est jamais "
            "retenue.",
            threshold,
        ) % {"percent": percent_text(threshold_percent), "ballots": ballots or 0, "n": threshold}
    return ngettext(
        "Seuil : une mesure doit recueillir au moins %(n)d voix pour être retenue ; une "
        "mesure sans aucune voix n'est jamais retenue.",
        "Seuil : une mesure doit recueillir au moins %(n)d voix pour être retenue ; une "
        "mesure sans aucune voix n'est jamais retenue.",
        threshold,
    ) % {"n": threshold}


def savings_threshold_rule() -> str:
    """The threshold of savings in general (the council file's "Méthode" sheet)."""
    return _(
        "Une mesure d'économie n'est retenue que si elle recueille au moins le seuil de sa "
        "rubrique, en pourcentage des bulletins exprimés dans la rubrique (ceux qui y "
        "choisissent au moins une mesure) ; le nombre de voix qu'il représente est arrondi "
        "au-dessus (exactement le seuil suffit). Une mesure sans aucune voix n'est jamais "
        "retenue, quel que soit son rang."
    )
