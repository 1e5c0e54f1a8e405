"""The council report's "Méthode" sheet: the rules of the campaign in words, as applied.

Everything comes from the snapshot's data (``votes.report``), never from the database, so the
rules printed are those the results were computed with.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from votes.campaigns.models import Campaign, Phase
from votes.council.report_tables import (
    COUNT,
    DATE,
    LONG,
    MONEY,
    Column,
    Seal,
    Sheet,
    Table,
    amount,
    day,
    moment,
    when,
    yes_no,
)
from votes.results import tally as rules
from votes.results.rule_words import (
    percent_text,
    savings_method_sentence,
    savings_threshold_rule,
)


def kind_label(kind: str) -> str:
    return _("Économies") if kind == rules.SAVINGS else _("Projets")


def method_sentence(method: str) -> str:
    if method == rules.MES:
        return _(
            "Méthode des parts égales : l'enveloppe de chaque rubrique de projets est partagée "
            "à parts égales entre ses votants ; un projet est retenu si ses soutiens peuvent le "
            "payer ensemble, en commençant par celui qui leur coûte le moins par euro de projet. "
            "L'argent qui reste est ensuite attribué, par nombre de voix, aux projets qui "
            "tiennent encore dans l'enveloppe."
        )
    return _(
        "Les projets sont classés par nombre de voix ; on descend la liste et un projet est "
        "retenu s'il tient dans ce qui reste de l'enveloppe, sinon il est écarté et l'on passe "
        "au suivant."
    )


def _rules_table(data: dict[str, Any], seal: Seal) -> Table:
    campaign = data["campaign"]
    kinds = {result["kind"] for result in data["results"]} or {rules.PROJECTS}
    rows = [
        [_("Type de campagne"), str(Campaign.Kind(campaign["kind"]).label)],
        [_("Règle de dépouillement"), str(Campaign.TallyRule(campaign["tally_rule"]).label)],
    ]
    if rules.PROJECTS in kinds:
        rows.append([_("Rubriques de projets"), method_sentence(campaign["tally_rule"])])
    if rules.SAVINGS in kinds:
        rows.append(
            [
                _("Rubriques d'économies"),
                savings_method_sentence(campaign["tally_rule"], target=None, voters=None),
            ]
        )
        rows.append([_("Seuil des économies"), savings_threshold_rule()])
    rows.append(
        [
            _("Égalité de voix"),
            _(
                "À égalité de voix, la proposition au plus petit montant passe d'abord (coût "
                "pour un projet, économie pour une mesure), puis la plus petite référence."
            ),
        ]
    )
    if any(category["knapsack"] for category in data["categories"]):
        rows.append(
            [
                _("Mode enveloppe"),
                _(
                    "Dans les rubriques en mode enveloppe, le total des projets choisis par un "
                    "votant ne peut dépasser l'enveloppe de la rubrique."
                ),
            ]
        )
    if any(category.get("min_votes") for category in data["categories"]):
        rows.append(
            [
                _("Votes par votant au moins"),
                _(
                    "Dans une rubrique qui fixe un minimum, un votant qui y vote choisit au moins "
                    "ce nombre de propositions : un bulletin par code de vote en dessous est "
                    "refusé, un bulletin papier est nul ; en ligne, où chaque choix est "
                    "enregistré aussitôt, le votant en est averti sur son bulletin."
                ),
            ]
        )
    if any(category["min_approvals"] for category in data["categories"]):
        rows.append(
            [
                _("Seuil"),
                _(
                    "Une proposition qui n'atteint pas les voix minimales de sa rubrique n'est "
                    "pas retenue, quel que soit son rang."
                ),
            ]
        )
    cap = campaign["max_categories_per_voter"]
    rows += [
        [
            _("Rubriques par votant"),
            _("sans limite")
            if cap is None
            else ngettext("%(n)d rubrique au plus", "%(n)d rubriques au plus", cap) % {"n": cap},
        ],
        [_("Âge minimum pour voter"), _("%(age)d ans") % {"age": campaign["min_voter_age"]}],
        [_("Phase de soutiens"), yes_no(campaign["supports_enabled"])],
        [
            _("Bulletins comptés"),
            _(
                "Bulletins en ligne, par code de vote, papier et importés ; les bulletins "
                "papier nuls sont comptés à part et n'entrent pas dans le dépouillement."
            ),
        ],
        [
            _("Empreinte SHA-256"),
            seal.fingerprint
            or _("Provisoire : aucune empreinte, les résultats n'ont pas été transmis au conseil."),
        ],
        [_("Transmis au conseil le"), when(seal.sent_at) if seal.sent_at else _("provisoire")],
    ]
    if seal.fingerprint:
        rows.append(
            [
                _("Vérifier l'empreinte"),
                _(
                    "L'instantané JSON transmis au conseil est publié tel quel : son empreinte "
                    "SHA-256 (par exemple « sha256sum instantane.json ») doit être celle "
                    "ci-dessus."
                ),
            ]
        )
    return Table(
        "regles",
        _("Les règles appliquées"),
        [Column(_("Élément"), width=30), Column(_("Valeur"), LONG, 80)],
        rows,
    )


def _category_rules_table(data: dict[str, Any]) -> Table:
    rows = []
    for category in data["categories"]:
        cap = category["vote_cap"]
        threshold = category["min_approvals"]
        rows.append(
            [
                category["name"],
                kind_label(category["kind"]),
                amount(category["envelope"]),
                amount(category["savings_target"]),
                _("sans limite") if cap is None else cap,
                category.get("min_votes") or _("aucun"),
                yes_no(category["knapsack"]),
                threshold if threshold else _("aucun"),
                _savings_threshold_cell(category),
            ]
        )
    return Table(
        "regles-rubriques",
        _("Règles de chaque rubrique"),
        [
            Column(_("Rubrique"), width=28),
            Column(_("Type"), width=12),
            Column(_("Enveloppe (€)"), MONEY, 16),
            Column(_("Objectif d'économies (€ par an)"), MONEY, 18),
            Column(_("Votes par votant au plus"), COUNT, 14),
            Column(_("Votes par votant au moins"), COUNT, 14),
            Column(_("Mode enveloppe"), width=12),
            Column(_("Voix minimales pour être retenue"), COUNT, 16),
            Column(_("Seuil des économies (part des bulletins exprimés)"), width=18),
        ],
        rows,
    )


def _savings_threshold_cell(category: dict[str, Any]) -> str:
    if category["kind"] != rules.SAVINGS:
        return "—"
    percent = category.get("savings_threshold")
    # Even without a threshold in %, a measure needs one approval (issue 14).
    return percent_text(percent) if percent is not None else _("au moins une voix")


def _schedule_table(data: dict[str, Any]) -> Table:
    rows = [
        [str(Phase(entry["phase"]).label), day(entry["starts_on"]), day(entry["ends_on"])]
        for entry in data["campaign"]["schedule"]
    ]
    return Table(
        "calendrier",
        _("Calendrier prévu"),
        [Column(_("Phase"), width=30), Column(_("Début"), DATE), Column(_("Fin"), DATE)],
        rows,
    )


def _transitions_table(data: dict[str, Any]) -> Table:
    rows = [
        [
            moment(move["at"]),
            str(Phase(move["from"]).label),
            str(Phase(move["to"]).label),
        ]
        for move in data["campaign"]["transitions"]
    ]
    return Table(
        "changements",
        _("Changements de phase"),
        [Column(_("Le"), DATE, 20), Column(_("De"), width=30), Column(_("Vers"), width=30)],
        rows,
    )


def method_sheet(data: dict[str, Any], seal: Seal) -> Sheet:
    return Sheet(
        "methode",
        _("Méthode"),
        [
            _rules_table(data, seal),
            _category_rules_table(data),
            _schedule_table(data),
            _transitions_table(data),
        ],
    )
