"""Seed the editable glossary (budget.GlossaryTerm) with the terms the tooltips used so far.

The data is copied here on purpose: budget/glossary.py no longer holds it, and a migration
must give the same rows whatever the code becomes.
"""

from django.db import migrations

# key (slug, stable), term, definition, example
TERMS = [
    (
        "fonctionnement",
        "fonctionnement",
        (
            "Section du budget qui regroupe les dépenses et recettes courantes, qui reviennent "
            "chaque année : personnel, énergie, fournitures, subventions, intérêts de la dette, "
            "impôts, dotations de l'État, tarifs des services."
        ),
        "Le salaire des agents de la piscine et la vente des tickets d'entrée.",
    ),
    (
        "investissement",
        "investissement",
        (
            "Section du budget qui regroupe ce qui modifie durablement le patrimoine : travaux, "
            "équipements, achats de terrains, remboursement du capital des emprunts, et leur "
            "financement (subventions reçues, emprunts nouveaux, FCTVA)."
        ),
        "La rénovation d'une école ou l'achat d'une balayeuse.",
    ),
    (
        "section",
        "section",
        (
            "Le budget est coupé en deux sections, fonctionnement et investissement, chacune avec"
            " ses dépenses et ses recettes."
        ),
        "Un emprunt est une recette de la section d'investissement.",
    ),
    (
        "depense",
        "dépense",
        "Somme que la collectivité prévoit de payer (ou a payée) dans l'année.",
        "La facture d'électricité de l'éclairage public.",
    ),
    (
        "recette",
        "recette",
        "Somme que la collectivité prévoit d'encaisser (ou a encaissée).",
        "La taxe foncière, la dotation de l'État, le prix des repas de cantine.",
    ),
    (
        "reel",
        "réel",
        (
            "Opération réelle : de l'argent sort ou entre vraiment dans les caisses. Seules les "
            "opérations réelles comptent dans les ratios financiers."
        ),
        "Le paiement d'un fournisseur.",
    ),
    (
        "ordre",
        "ordre",
        (
            "Opération d'ordre : simple écriture comptable, sans argent qui circule, par exemple "
            "entre les deux sections. Elle est exclue des ratios et des graphiques."
        ),
        "L'amortissement d'un bâtiment (dépense de fonctionnement, recette d'investissement).",
    ),
    (
        "chapitre",
        "chapitre",
        (
            "Regroupement des dépenses ou recettes selon leur nature, défini par la nomenclature "
            "comptable (M57, M14). Le conseil vote le budget par chapitre."
        ),
        "Chapitre 011 : charges à caractère général ; chapitre 012 : charges de personnel.",
    ),
    (
        "compte",
        "compte",
        (
            "Subdivision d'un chapitre (on dit aussi article) : le niveau le plus fin de la "
            "nature d'une dépense ou d'une recette."
        ),
        "Compte 60612 : énergie – électricité ; compte 64111 : rémunération principale.",
    ),
    (
        "fonction",
        "fonction",
        (
            "Classement des dépenses et recettes par politique publique (le « pourquoi ») : "
            "écoles, culture, sport, action sociale, voirie, environnement…"
        ),
        "Fonction 212 : écoles primaires.",
    ),
    (
        "par-nature",
        "par nature",
        (
            "Lecture du budget selon ce qui est acheté ou perçu (chapitres et comptes), quelle "
            "que soit la politique publique concernée."
        ),
        "Toute l'électricité de la commune, écoles et piscine comprises.",
    ),
    (
        "par-fonction",
        "par fonction",
        (
            "Lecture du budget selon les politiques publiques servies (fonctions), quelle que "
            "soit la nature de la dépense."
        ),
        "Tout ce que coûtent les écoles : personnel, énergie, travaux.",
    ),
    (
        "non-ventile",
        "non ventilé",
        "Lignes que la collectivité n'a pas rattachées à une fonction (politique publique).",
        "Les intérêts de la dette, souvent présentés sans fonction.",
    ),
    (
        "operation",
        "opération",
        (
            "Numéro d'opération d'investissement : regroupe les dépenses d'un même projet "
            "(travaux, études, équipements)."
        ),
        "Opération 2024-03 : construction de la médiathèque.",
    ),
    (
        "recettes-reelles-de-fonctionnement",
        "recettes réelles de fonctionnement",
        (
            "Recettes réelles de fonctionnement (RRF) : impôts, dotations, tarifs, loyers, "
            "atténuations de charges (chapitre 013), sans les cessions d'actifs (comptes 775) ni "
            "le résultat reporté (002)."
        ),
        "Taxe foncière + dotation globale de fonctionnement + recettes de cantine.",
    ),
    (
        "depenses-reelles-de-fonctionnement",
        "dépenses réelles de fonctionnement",
        (
            "Dépenses réelles de fonctionnement (DRF) : personnel, charges générales, "
            "subventions, intérêts de la dette…, sans le résultat reporté (002)."
        ),
        "Salaires + énergie + subventions aux associations + intérêts.",
    ),
    (
        "epargne-de-gestion",
        "épargne de gestion",
        (
            "Recettes réelles de fonctionnement moins dépenses réelles de fonctionnement hors "
            "intérêts de la dette : ce que la gestion courante dégage avant de payer la dette."
        ),
        "RRF 10 M€ − (DRF 9 M€ − intérêts 0,2 M€) = 1,2 M€.",
    ),
    (
        "epargne-brute",
        "épargne brute",
        (
            "Recettes réelles de fonctionnement moins dépenses réelles de fonctionnement "
            "(intérêts compris). Aussi appelée capacité d'autofinancement (CAF) brute : elle sert"
            " d'abord à rembourser le capital de la dette, puis à investir."
        ),
        "RRF 10 M€ − DRF 9 M€ = 1 M€ d'épargne brute.",
    ),
    (
        "epargne-nette",
        "épargne nette",
        (
            "Épargne brute moins remboursement du capital de la dette : ce qui reste pour "
            "financer les investissements sans emprunter."
        ),
        "Épargne brute 1 M€ − capital remboursé 0,6 M€ = 0,4 M€.",
    ),
    (
        "taux-depargne-brute",
        "taux d'épargne brute",
        (
            "Épargne brute divisée par les recettes réelles de fonctionnement. Entre 8 et 15 %, "
            "la situation est jugée saine ; en dessous de 7 %, elle devient fragile."
        ),
        "1 M€ d'épargne brute pour 10 M€ de RRF : 10 %.",
    ),
    (
        "capacite-de-desendettement",
        "capacité de désendettement",
        (
            "Encours de dette en fin d'année divisé par l'épargne brute : le nombre d'années "
            "qu'il faudrait pour rembourser toute la dette en y consacrant toute l'épargne brute."
            " Le plafond national de référence pour les communes est de 12 ans ; si l'épargne "
            "brute est nulle ou négative, elle n'est pas définie."
        ),
        "8 M€ de dette et 1 M€ d'épargne brute : 8 ans.",
    ),
    (
        "encours-de-dette",
        "encours de dette",
        (
            "Capital restant dû sur l'ensemble des emprunts. En fin d'année : encours au 1er "
            "janvier − capital remboursé + emprunts nouveaux."
        ),
        "8 M€ au 1er janvier − 0,6 M€ remboursés + 1 M€ empruntés = 8,4 M€.",
    ),
    (
        "remboursement-du-capital",
        "remboursement du capital",
        (
            "Part des annuités d'emprunt qui réduit la dette (chapitre 16 en dépense "
            "d'investissement, hors refinancements 166 et tirages de ligne de trésorerie 16449)."
        ),
        "Une annuité de 100 000 € = 80 000 € de capital + 20 000 € d'intérêts.",
    ),
    (
        "emprunts-nouveaux",
        "emprunts nouveaux",
        (
            "Emprunts contractés dans l'année (chapitre 16 en recette d'investissement, hors "
            "refinancements 166 et lignes de trésorerie 16449). Ils augmentent l'encours de "
            "dette."
        ),
        "Un prêt de 2 M€ pour construire un gymnase.",
    ),
    (
        "interets-de-la-dette",
        "intérêts de la dette",
        (
            "Charges financières (chapitre 66) : le coût des emprunts, payé en section de "
            "fonctionnement."
        ),
        "20 000 € d'intérêts sur un emprunt de 1 M€ à 2 %.",
    ),
    (
        "impact-induit",
        "impact induit",
        (
            "Effet d'une ligne sur une autre : modifier la ligne A de Δ modifie la ligne B de "
            "coefficient × Δ, éventuellement quelques années plus tard."
        ),
        (
            "Réduire les horaires de la piscine (personnel) fait perdre des recettes de "
            "billetterie."
        ),
    ),
    (
        "effet-en-annee-pleine",
        "effet en année pleine",
        (
            "Ce qu'une mesure rapporte sur une année entière, une fois en place : sans l'effet "
            "réduit d'un démarrage en cours d'année ni les dépenses ponctuelles de la dernière "
            "année. C'est lui qu'on compare à l'objectif d'économies."
        ),
        (
            "Une hausse de tarif à la rentrée de septembre ne joue que sur un tiers de la "
            "première année, mais sur toute l'année suivante."
        ),
    ),
    (
        "effet-direct",
        "effet direct",
        (
            "Ce que change une mesure sur les lignes qu'elle vise, avant ses répercussions sur "
            "d'autres lignes (les impacts induits)."
        ),
        "Fermer la piscine le lundi : 48 000 € de personnel en moins.",
    ),
    (
        "mesure",
        "mesure",
        (
            "Un levier préparé par les services : un ensemble de changements de lignes "
            "budgétaires, avec son calendrier, que l'on peut activer dans le simulateur."
        ),
        "Éteindre l'éclairage public de 1 h à 5 h.",
    ),
    (
        "objectif-deconomies",
        "objectif d'économies",
        (
            "Le montant à trouver chaque année, en année pleine, fixé dans les règles de la "
            "démarche (budget participatif inversé)."
        ),
        "300 000 € par an pour une commune de 16 000 habitants.",
    ),
    (
        "ligne-ajustable",
        "ligne ajustable",
        (
            "Ligne que le service des finances autorise à modifier dans le simulateur. La dette, "
            "les intérêts, le résultat reporté et les opérations d'ordre ne le sont jamais."
        ),
        "Les subventions aux associations, oui ; le remboursement d'un emprunt, non.",
    ),
    (
        "plancher",
        "plancher",
        (
            "Montant minimal d'une ligne, en dessous duquel on ne peut pas descendre (obligation "
            "légale ou contrat en cours)."
        ),
        "Une dépense obligatoire de 50 000 € ne peut pas être ramenée à zéro.",
    ),
    (
        "service-responsable",
        "service responsable",
        "Le service de la collectivité qui gère la ligne et instruit les propositions.",
        "Direction des sports pour la billetterie de la piscine.",
    ),
    (
        "euros-habitant",
        "€/habitant",
        (
            "Montant divisé par la population de la collectivité : pratique pour comparer des "
            "collectivités de tailles différentes."
        ),
        "16 M€ de dépenses pour 16 000 habitants : 1 000 €/hab.",
    ),
    (
        "budget-primitif",
        "budget primitif",
        (
            "Le budget voté en début d'année (ou fin d'année précédente) : les prévisions de "
            "dépenses et de recettes."
        ),
        "Budget primitif 2026, voté en décembre 2025.",
    ),
    (
        "budget-supplementaire",
        "budget supplémentaire",
        (
            "Décision modificative particulière qui reprend les résultats de l'année précédente "
            "et ajuste les prévisions."
        ),
        "Le budget supplémentaire de juin reprend l'excédent de l'année passée.",
    ),
    (
        "decision-modificative",
        "décision modificative",
        "Modification du budget voté en cours d'année.",
        "Une décision modificative pour financer des travaux urgents.",
    ),
    (
        "compte-administratif",
        "compte administratif",
        (
            "Le bilan de l'année écoulée : ce qui a réellement été dépensé et encaissé (montants "
            "réalisés), comparé au budget voté."
        ),
        "Compte administratif 2025, voté au printemps 2026.",
    ),
    (
        "montant-vote",
        "montant voté",
        "Montant inscrit au budget par le conseil (prévision).",
        "120 000 € votés pour l'électricité des écoles.",
    ),
    (
        "montant-realise",
        "montant réalisé",
        "Montant réellement payé ou encaissé, connu au compte administratif.",
        "112 000 € réellement payés pour 120 000 € votés.",
    ),
    # Added with the editable glossary (issue 7): terms of the simulator and of the panels.
    (
        "effet-en-premiere-annee",
        "effet en première année",
        (
            "Ce qu'une mesure rapporte (ou coûte) l'année où elle démarre : souvent moins qu'en "
            "année pleine quand elle commence en cours d'année, parfois diminué de dépenses "
            "ponctuelles de mise en place."
        ),
        (
            "Une hausse du prix de la cantine à la rentrée de septembre ne joue que sur quatre "
            "mois de la première année."
        ),
    ),
    (
        "economie-nette",
        "économie nette",
        (
            "Ce qu'un scénario fait gagner au budget une fois additionnés ses effets directs et "
            "ses impacts induits : dépenses en moins et recettes nouvelles, moins les recettes "
            "perdues et les dépenses induites."
        ),
        (
            "48 000 € de personnel en moins et 5 000 € de billetterie perdue : 43 000 € "
            "d'économie nette."
        ),
    ),
    (
        "scenario",
        "scénario",
        (
            "Un ensemble de choix faits dans le simulateur (mesures activées, lignes ajustées) "
            "avec leurs résultats sur plusieurs années : économie nette, impacts induits, "
            "épargne brute et capacité de désendettement."
        ),
        "Le scénario de la table 3 : éclairage éteint la nuit et tarif de la piscine relevé.",
    ),
    (
        "budget-participatif-inverse",
        "budget participatif inversé",
        (
            "Démarche où les habitants proposent et choisissent des économies ou des recettes "
            "nouvelles pour atteindre un objectif fixé, plutôt que des projets à financer."
        ),
        "Une commune de 16 000 habitants qui doit trouver 300 000 € par an.",
    ),
    (
        "panel-citoyen",
        "panel citoyen",
        (
            "Groupe d'habitants tirés au sort parmi des volontaires, selon des quotas (genre, "
            "âge, quartier), formé au budget puis réuni en ateliers pour construire des "
            "propositions."
        ),
        "24 habitants tirés au sort, répartis en trois tables de huit.",
    ),
    (
        "tirage-au-sort",
        "tirage au sort",
        (
            "Choix des membres du panel par le hasard, avec une graine publiée à l'avance : "
            "chacun peut refaire le tirage et vérifier qu'il respecte les quotas."
        ),
        "La graine est le numéro gagnant d'une loterie publique tiré la veille.",
    ),
]


def seed_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("budget", "GlossaryTerm")
    for key, term, definition, example in TERMS:
        # A term the team already wrote (same key) is theirs: left as it is.
        GlossaryTerm.objects.get_or_create(
            key=key, defaults={"term": term, "definition": definition, "example": example}
        )


def remove_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("budget", "GlossaryTerm")
    GlossaryTerm.objects.filter(key__in=[key for key, *_rest in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0005_glossaryterm"),
    ]

    operations = [migrations.RunPython(seed_terms, remove_terms)]
