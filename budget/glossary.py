"""The glossary shown in tooltips beside every key term (domain.md §8, "training").

A plain data structure on purpose: it will become editable (issue 7), so nothing but
`lookup()` should depend on how it is stored.
"""

from __future__ import annotations

import unicodedata
from typing import TypedDict


class Entry(TypedDict):
    definition: str
    example: str


TERMS: dict[str, Entry] = {
    "fonctionnement": {
        "definition": (
            "Section du budget qui regroupe les dépenses et recettes courantes, qui reviennent "
            "chaque année : personnel, énergie, fournitures, subventions, intérêts de la dette, "
            "impôts, dotations de l'État, tarifs des services."
        ),
        "example": "Le salaire des agents de la piscine et la vente des tickets d'entrée.",
    },
    "investissement": {
        "definition": (
            "Section du budget qui regroupe ce qui modifie durablement le patrimoine : travaux, "
            "équipements, achats de terrains, remboursement du capital des emprunts, et leur "
            "financement (subventions reçues, emprunts nouveaux, FCTVA)."
        ),
        "example": "La rénovation d'une école ou l'achat d'une balayeuse.",
    },
    "section": {
        "definition": (
            "Le budget est coupé en deux sections, fonctionnement et investissement, chacune "
            "avec ses dépenses et ses recettes."
        ),
        "example": "Un emprunt est une recette de la section d'investissement.",
    },
    "dépense": {
        "definition": "Somme que la collectivité prévoit de payer (ou a payée) dans l'année.",
        "example": "La facture d'électricité de l'éclairage public.",
    },
    "recette": {
        "definition": "Somme que la collectivité prévoit d'encaisser (ou a encaissée).",
        "example": "La taxe foncière, la dotation de l'État, le prix des repas de cantine.",
    },
    "réel": {
        "definition": (
            "Opération réelle : de l'argent sort ou entre vraiment dans les caisses. Seules les "
            "opérations réelles comptent dans les ratios financiers."
        ),
        "example": "Le paiement d'un fournisseur.",
    },
    "ordre": {
        "definition": (
            "Opération d'ordre : simple écriture comptable, sans argent qui circule, par exemple "
            "entre les deux sections. Elle est exclue des ratios et des graphiques."
        ),
        "example": (
            "L'amortissement d'un bâtiment (dépense de fonctionnement, recette d'investissement)."
        ),
    },
    "chapitre": {
        "definition": (
            "Regroupement des dépenses ou recettes selon leur nature, défini par la nomenclature "
            "comptable (M57, M14). Le conseil vote le budget par chapitre."
        ),
        "example": (
            "Chapitre 011 : charges à caractère général ; chapitre 012 : charges de personnel."
        ),
    },
    "compte": {
        "definition": (
            "Subdivision d'un chapitre (on dit aussi article) : le niveau le plus fin de la "
            "nature d'une dépense ou d'une recette."
        ),
        "example": "Compte 60612 : énergie – électricité ; compte 64111 : rémunération principale.",
    },
    "fonction": {
        "definition": (
            "Classement des dépenses et recettes par politique publique (le « pourquoi ») : "
            "écoles, culture, sport, action sociale, voirie, environnement…"
        ),
        "example": "Fonction 212 : écoles primaires.",
    },
    "par nature": {
        "definition": (
            "Lecture du budget selon ce qui est acheté ou perçu (chapitres et comptes), quelle "
            "que soit la politique publique concernée."
        ),
        "example": "Toute l'électricité de la commune, écoles et piscine comprises.",
    },
    "par fonction": {
        "definition": (
            "Lecture du budget selon les politiques publiques servies (fonctions), quelle que "
            "soit la nature de la dépense."
        ),
        "example": "Tout ce que coûtent les écoles : personnel, énergie, travaux.",
    },
    "non ventilé": {
        "definition": (
            "Lignes que la collectivité n'a pas rattachées à une fonction (politique publique)."
        ),
        "example": "Les intérêts de la dette, souvent présentés sans fonction.",
    },
    "opération": {
        "definition": (
            "Numéro d'opération d'investissement : regroupe les dépenses d'un même projet "
            "(travaux, études, équipements)."
        ),
        "example": "Opération 2024-03 : construction de la médiathèque.",
    },
    "recettes réelles de fonctionnement": {
        "definition": (
            "Recettes réelles de fonctionnement (RRF) : impôts, dotations, tarifs, loyers, "
            "atténuations de charges (chapitre 013), sans les cessions d'actifs (comptes 775) "
            "ni le résultat reporté (002)."
        ),
        "example": "Taxe foncière + dotation globale de fonctionnement + recettes de cantine.",
    },
    "dépenses réelles de fonctionnement": {
        "definition": (
            "Dépenses réelles de fonctionnement (DRF) : personnel, charges générales, "
            "subventions, intérêts de la dette…, sans le résultat reporté (002)."
        ),
        "example": "Salaires + énergie + subventions aux associations + intérêts.",
    },
    "épargne de gestion": {
        "definition": (
            "Recettes réelles de fonctionnement moins dépenses réelles de fonctionnement hors "
            "intérêts de la dette : ce que la gestion courante dégage avant de payer la dette."
        ),
        "example": "RRF 10 M€ − (DRF 9 M€ − intérêts 0,2 M€) = 1,2 M€.",
    },
    "épargne brute": {
        "definition": (
            "Recettes réelles de fonctionnement moins dépenses réelles de fonctionnement "
            "(intérêts compris). Aussi appelée capacité d'autofinancement (CAF) brute : elle "
            "sert d'abord à rembourser le capital de la dette, puis à investir."
        ),
        "example": "RRF 10 M€ − DRF 9 M€ = 1 M€ d'épargne brute.",
    },
    "épargne nette": {
        "definition": (
            "Épargne brute moins remboursement du capital de la dette : ce qui reste pour "
            "financer les investissements sans emprunter."
        ),
        "example": "Épargne brute 1 M€ − capital remboursé 0,6 M€ = 0,4 M€.",
    },
    "taux d'épargne brute": {
        "definition": (
            "Épargne brute divisée par les recettes réelles de fonctionnement. Entre 8 et 15 %, "
            "la situation est jugée saine ; en dessous de 7 %, elle devient fragile."
        ),
        "example": "1 M€ d'épargne brute pour 10 M€ de RRF : 10 %.",
    },
    "capacité de désendettement": {
        "definition": (
            "Encours de dette en fin d'année divisé par l'épargne brute : le nombre d'années "
            "qu'il faudrait pour rembourser toute la dette en y consacrant toute l'épargne "
            "brute. Le plafond national de référence pour les communes est de 12 ans ; si "
            "l'épargne brute est nulle ou négative, elle n'est pas définie."
        ),
        "example": "8 M€ de dette et 1 M€ d'épargne brute : 8 ans.",
    },
    "encours de dette": {
        "definition": (
            "Capital restant dû sur l'ensemble des emprunts. En fin d'année : encours au "
            "1er janvier − capital remboursé + emprunts nouveaux."
        ),
        "example": "8 M€ au 1er janvier − 0,6 M€ remboursés + 1 M€ empruntés = 8,4 M€.",
    },
    "remboursement du capital": {
        "definition": (
            "Part des annuités d'emprunt qui réduit la dette (chapitre 16 en dépense "
            "d'investissement, hors refinancements 166 et tirages de ligne de trésorerie 16449)."
        ),
        "example": "Une annuité de 100 000 € = 80 000 € de capital + 20 000 € d'intérêts.",
    },
    "emprunts nouveaux": {
        "definition": (
            "Emprunts contractés dans l'année (chapitre 16 en recette d'investissement, hors "
            "refinancements 166 et lignes de trésorerie 16449). Ils augmentent l'encours de dette."
        ),
        "example": "Un prêt de 2 M€ pour construire un gymnase.",
    },
    "intérêts de la dette": {
        "definition": (
            "Charges financières (chapitre 66) : le coût des emprunts, payé en section de "
            "fonctionnement."
        ),
        "example": "20 000 € d'intérêts sur un emprunt de 1 M€ à 2 %.",
    },
    "impact induit": {
        "definition": (
            "Effet d'une ligne sur une autre : modifier la ligne A de Δ modifie la ligne B de "
            "coefficient × Δ, éventuellement quelques années plus tard."
        ),
        "example": (
            "Réduire les horaires de la piscine (personnel) fait perdre des recettes de "
            "billetterie."
        ),
    },
    "effet en année pleine": {
        "definition": (
            "Ce qu'une mesure rapporte sur une année entière, une fois en place : sans l'effet "
            "réduit d'un démarrage en cours d'année ni les dépenses ponctuelles de la dernière "
            "année. C'est lui qu'on compare à l'objectif d'économies."
        ),
        "example": (
            "Une hausse de tarif à la rentrée de septembre ne joue que sur un tiers de la "
            "première année, mais sur toute l'année suivante."
        ),
    },
    "effet direct": {
        "definition": (
            "Ce que change une mesure sur les lignes qu'elle vise, avant ses répercussions sur "
            "d'autres lignes (les impacts induits)."
        ),
        "example": "Fermer la piscine le lundi : 48 000 € de personnel en moins.",
    },
    "mesure": {
        "definition": (
            "Un levier préparé par les services : un ensemble de changements de lignes "
            "budgétaires, avec son calendrier, que l'on peut activer dans le simulateur."
        ),
        "example": "Éteindre l'éclairage public de 1 h à 5 h.",
    },
    "objectif d'économies": {
        "definition": (
            "Le montant à trouver chaque année, en année pleine, fixé dans les règles de la "
            "démarche (budget participatif inversé)."
        ),
        "example": "300 000 € par an pour une commune de 16 000 habitants.",
    },
    "ligne ajustable": {
        "definition": (
            "Ligne que le service des finances autorise à modifier dans le simulateur. La dette, "
            "les intérêts, le résultat reporté et les opérations d'ordre ne le sont jamais."
        ),
        "example": "Les subventions aux associations, oui ; le remboursement d'un emprunt, non.",
    },
    "plancher": {
        "definition": (
            "Montant minimal d'une ligne, en dessous duquel on ne peut pas descendre "
            "(obligation légale ou contrat en cours)."
        ),
        "example": "Une dépense obligatoire de 50 000 € ne peut pas être ramenée à zéro.",
    },
    "service responsable": {
        "definition": (
            "Le service de la collectivité qui gère la ligne et instruit les propositions."
        ),
        "example": "Direction des sports pour la billetterie de la piscine.",
    },
    "€/habitant": {
        "definition": (
            "Montant divisé par la population de la collectivité : pratique pour comparer des "
            "collectivités de tailles différentes."
        ),
        "example": "16 M€ de dépenses pour 16 000 habitants : 1 000 €/hab.",
    },
    "budget primitif": {
        "definition": (
            "Le budget voté en début d'année (ou fin d'année précédente) : les prévisions de "
            "dépenses et de recettes."
        ),
        "example": "Budget primitif 2026, voté en décembre 2025.",
    },
    "budget supplémentaire": {
        "definition": (
            "Décision modificative particulière qui reprend les résultats de l'année précédente "
            "et ajuste les prévisions."
        ),
        "example": "Le budget supplémentaire de juin reprend l'excédent de l'année passée.",
    },
    "décision modificative": {
        "definition": "Modification du budget voté en cours d'année.",
        "example": "Une décision modificative pour financer des travaux urgents.",
    },
    "compte administratif": {
        "definition": (
            "Le bilan de l'année écoulée : ce qui a réellement été dépensé et encaissé "
            "(montants réalisés), comparé au budget voté."
        ),
        "example": "Compte administratif 2025, voté au printemps 2026.",
    },
    "montant voté": {
        "definition": "Montant inscrit au budget par le conseil (prévision).",
        "example": "120 000 € votés pour l'électricité des écoles.",
    },
    "montant réalisé": {
        "definition": "Montant réellement payé ou encaissé, connu au compte administratif.",
        "example": "112 000 € réellement payés pour 120 000 € votés.",
    },
}

# Other spellings of the same entry (keys are normalised like the lookup).
ALIASES: dict[str, str] = {
    "article": "compte",
    "compte/article": "compte",
    "dépenses": "dépense",
    "recettes": "recette",
    "réelle": "réel",
    "opération réelle": "réel",
    "opérations réelles": "réel",
    "opération d'ordre": "ordre",
    "opérations d'ordre": "ordre",
    "chapitres": "chapitre",
    "fonctions": "fonction",
    "rrf": "recettes réelles de fonctionnement",
    "drf": "dépenses réelles de fonctionnement",
    "caf brute": "épargne brute",
    "capacité d'autofinancement brute": "épargne brute",
    "taux d'épargne": "taux d'épargne brute",
    "dette": "encours de dette",
    "intérêts": "intérêts de la dette",
    "charges financières": "intérêts de la dette",
    "impacts induits": "impact induit",
    "effets induits": "impact induit",
    "effet induit": "impact induit",
    "effets directs": "effet direct",
    "année pleine": "effet en année pleine",
    "mesures": "mesure",
    "levier": "mesure",
    "ajustable": "ligne ajustable",
    "€/hab.": "€/habitant",
    "€/hab": "€/habitant",
    "par habitant": "€/habitant",
    "bp": "budget primitif",
    "ca": "compte administratif",
    "réalisé": "montant réalisé",
    "voté": "montant voté",
}


def normalise(term: str) -> str:
    """Case, typographic apostrophes and spaces do not matter when looking a term up."""
    text = unicodedata.normalize("NFC", term).strip().lower()
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def lookup(term: str) -> Entry | None:
    """The glossary entry for a term or one of its aliases, None when unknown."""
    # No index built at import time: the glossary must stay editable while the process runs.
    wanted = normalise(term)
    for key, entry in TERMS.items():
        if normalise(key) == wanted:
            return entry
    for alias, key in ALIASES.items():
        if normalise(alias) == wanted:
            return TERMS.get(key)
    return None
