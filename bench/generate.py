"""Synthetic metropolis-scale budgets for the benchmarks (never run by the test suite).

    python bench/generate.py --lines 50000 --rules 10000 -o /tmp/metro.csv --params /tmp/metro.xlsx

Everything is deterministic for a given seed: the SCDL CSV (as the importer receives it), the
linked-impact rules (acyclic: every rule goes forward in one random ordering of the lines), the
simulator-parameters workbook, and the pandas frames the simulator engine takes.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, Python puts bench/ first on the path, where the engine benchmark
# (bench/simulator.py) would shadow the simulator app: the project root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from budget.finance import LINE_COLUMNS  # noqa: E402
from fixtures.make_demo import ACCOUNTS, CHAPTERS, SCDL_COLUMNS, luhn_complete  # noqa: E402

SIREN = luhn_complete("20004699")  # fictional metropolis (EPCI SIREN start with 2000)
SIRET = luhn_complete(SIREN + "0001")
NAME = "Métropole de Lorme-et-Vals"

# Leaf codes of the M57 functional nomenclature that a metropolis votes by.
FUNCTIONS = {
    "01": "Opérations non ventilables",
    "020": "Administration générale de la collectivité",
    "021": "Personnel non ventilé",
    "023": "Information, communication, publicité",
    "024": "Fêtes et cérémonies",
    "025": "Cimetières et pompes funèbres",
    "028": "Autres moyens généraux",
    "031": "Assemblée délibérante",
    "034": "Conseil de développement",
    "043": "Actions européennes",
    "044": "Aide publique au développement",
    "048": "Autres actions de coopération",
    "052": "FEDER",
    "11": "Police, sécurité, justice",
    "12": "Incendie et secours",
    "13": "Hygiène et salubrité publique",
    "18": "Autres interventions de protection des personnes et des biens",
    "201": "Enseignement - services communs",
    "211": "Écoles maternelles",
    "212": "Écoles primaires",
    "221": "Collèges",
    "23": "Enseignement supérieur",
    "251": "Insertion sociale et professionnelle",
    "281": "Hébergement et restauration scolaires",
    "282": "Sport scolaire",
    "284": "Classes de découverte",
    "288": "Autres services annexes de l'enseignement",
    "30": "Culture, sports et loisirs - services communs",
    "311": "Activités artistiques, actions et manifestations culturelles",
    "312": "Patrimoine",
    "313": "Bibliothèques, médiathèques",
    "314": "Musées",
    "315": "Services d'archives",
    "316": "Théâtres et spectacles vivants",
    "317": "Cinémas et autres salles de spectacles",
    "318": "Archéologie préventive",
    "321": "Salles de sport, gymnases",
    "322": "Stades",
    "323": "Piscines",
    "325": "Autres équipements sportifs ou de loisirs",
    "326": "Manifestations sportives",
    "327": "Soutien aux sportifs",
    "331": "Centres de loisirs",
    "332": "Colonies de vacances",
    "338": "Autres activités pour les jeunes",
    "341": "Égalité entre les femmes et les hommes",
    "348": "Autres actions de vie sociale et citoyenne",
    "410": "Santé - services communs",
    "412": "Prévention et éducation pour la santé",
    "420": "Action sociale - services communs",
    "421": "Famille et enfance",
    "422": "Petite enfance",
    "423": "Personnes âgées",
    "424": "Personnes en difficulté",
    "425": "Personnes handicapées",
    "428": "Autres interventions sociales",
    "510": "Aménagement et services urbains - services communs",
    "511": "Espaces verts urbains",
    "512": "Éclairage public",
    "513": "Art public",
    "515": "Opérations d'aménagement",
    "518": "Autres actions d'aménagement urbain",
    "52": "Politique de la ville",
    "551": "Parc privé de la collectivité",
    "552": "Aide au secteur locatif",
    "554": "Aires d'accueil des gens du voyage",
    "555": "Logement social",
    "57": "Technologies de l'information et de la communication",
    "581": "Réserves foncières",
    "61": "Interventions économiques transversales",
    "62": "Structures d'animation et de développement économique",
    "632": "Industrie, commerce et artisanat",
    "633": "Développement touristique",
    "64": "Rayonnement, attractivité du territoire",
    "65": "Insertion économique et économie sociale et solidaire",
    "67": "Recherche et innovation",
    "71": "Environnement - actions transversales",
    "7212": "Collecte des déchets",
    "7213": "Tri, valorisation et traitement des déchets",
    "7222": "Propreté urbaine et nettoiement",
    "731": "Politique de l'eau",
    "734": "Eaux pluviales",
    "735": "Lutte contre les inondations",
    "74": "Politique de l'air",
    "751": "Réseaux de chaleur et de froid",
    "752": "Énergie photovoltaïque",
    "76": "Préservation du patrimoine naturel et gestion des risques",
    "81": "Transports scolaires",
    "821": "Transport sur route",
    "822": "Transport ferroviaire",
    "844": "Voirie métropolitaine",
    "846": "Viabilité hivernale et aléas climatiques",
    "847": "Équipements de voirie",
    "848": "Parkings",
    "849": "Sécurité routière",
    "851": "Gares et autres infrastructures routières",
    "86": "Liaisons multimodales",
    "87": "Circulations douces",
}

ORDER_CHAPTERS = frozenset({"023", "021", "042", "040"})
# Typical size of a line by chapter (euros): a metropolis has many small lines, a few huge ones.
TYPICAL = {"012": 250_000, "65": 180_000, "73": 2_000_000, "731": 5_000_000, "74": 800_000}
SIDE_WEIGHTS = {"FD": 0.45, "FR": 0.18, "ID": 0.27, "IR": 0.10}


@dataclass(frozen=True)
class BenchLine:
    side: str
    chapter: str
    account: str
    account_label: str
    function: str
    amount: Decimal
    operation: str

    @property
    def section(self) -> str:
        return "fonctionnement" if self.side[0] == "F" else "investissement"

    @property
    def direction(self) -> str:
        return "depense" if self.side[1] == "D" else "recette"

    @property
    def kind(self) -> str:
        return "ordre" if self.chapter in ORDER_CHAPTERS else "reel"


def generate_lines(n_lines: int, *, seed: int = 0) -> list[BenchLine]:
    """n_lines budget lines; account × function pairs are unique until they run out."""
    rng = random.Random(seed)
    functions = list(FUNCTIONS)
    by_side: dict[str, list[tuple[str, str, str]]] = {side: [] for side in SIDE_WEIGHTS}
    for (side, account), (chapter, label) in ACCOUNTS.items():
        if account in {"023", "021"}:
            continue  # one transfer line per budget, not one per function
        by_side[side].append((chapter, account, label))
    pools: dict[str, list[tuple[tuple[str, str, str], str]]] = {}
    for side, accounts in by_side.items():
        pool = [(account, function) for account in accounts for function in functions]
        rng.shuffle(pool)
        pools[side] = pool
    sides = list(SIDE_WEIGHTS)
    weights = [SIDE_WEIGHTS[side] for side in sides]
    cursor = dict.fromkeys(sides, 0)
    lines = []
    for _ in range(n_lines):
        side = rng.choices(sides, weights)[0]
        pool = pools[side]
        (chapter, account, label), function = pool[cursor[side] % len(pool)]
        cursor[side] += 1
        typical = TYPICAL.get(chapter, 60_000)
        amount = Decimal(str(round(rng.lognormvariate(0, 1.1) * typical, 2))).quantize(
            Decimal("0.01")
        )
        operation = str(rng.randint(100, 999)) if side == "ID" and rng.random() < 0.3 else ""
        lines.append(BenchLine(side, chapter, account, label, function, amount, operation))
    return lines


def derive_codes(lines: list[BenchLine]) -> list[str]:
    """The importer's codes (budget/scdl.py): <F|I><D|R>-<account>[-<function>] in file order,
    duplicates suffixed -2, -3... skipping any suffixed code another line owns as its plain code.
    """
    bases = [
        f"{line.side}-{line.account}-{line.function}"
        if line.function
        else f"{line.side}-{line.account}"
        for line in lines
    ]
    plain = set(bases)
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    codes = []
    for base in bases:
        code = base
        if code in used:
            n = next_suffix.get(base, 2)
            while f"{base}-{n}" in used or f"{base}-{n}" in plain:
                n += 1
            next_suffix[base] = n + 1
            code = f"{base}-{n}"
        used.add(code)
        codes.append(code)
    return codes


def scdl_csv(lines: list[BenchLine], *, year: int = 2026) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(SCDL_COLUMNS)
    for line in lines:
        amount = f"{line.amount:.2f}".replace(".", ",")
        writer.writerow(
            [
                "budget primitif",
                year,
                SIRET,
                NAME,
                line.account,
                line.account_label,
                line.chapter,
                CHAPTERS[line.chapter],
                line.function,
                FUNCTIONS[line.function],
                line.operation,
                line.section,
                "ordre" if line.kind == "ordre" else "réel",
                "dépense" if line.direction == "depense" else "recette",
                amount,
                "",
                amount,
                "",
                "",
                amount,
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def generate_scdl_csv(n_lines: int, *, seed: int = 0) -> bytes:
    return scdl_csv(generate_lines(n_lines, seed=seed))


@dataclass(frozen=True)
class BenchRule:
    source: str
    target: str
    coefficient: float
    lag: int
    cumulative: bool


def real_codes(lines: list[BenchLine], codes: list[str]) -> list[str]:
    """Rules link real lines only (budget/rules.py): the codes they may use."""
    return [code for line, code in zip(lines, codes, strict=True) if line.kind == "reel"]


def generate_rules(codes: list[str], n_rules: int, *, seed: int = 0) -> list[BenchRule]:
    """n_rules acyclic rules among `codes` (real lines): each goes forward in one random
    ordering of the codes.

    Targets are drawn near their source in that ordering, so chains A→B→C form as they do in
    real parameter files (a project drives staff, staff drives contributions...).
    """
    if len(codes) < 2:
        raise ValueError("at least two lines are needed to make a rule")
    rng = random.Random(seed)
    order = list(codes)
    rng.shuffle(order)
    n = len(order)
    capacity = n * (n - 1) // 2 * 4
    if n_rules > capacity:
        raise ValueError(f"{n_rules} rules cannot fit on {n} lines")
    seen: set[tuple[str, str, int]] = set()
    rules: list[BenchRule] = []
    while len(rules) < n_rules:
        a = rng.randrange(n - 1)
        b = min(n - 1, a + 1 + int(rng.expovariate(1 / 40)))
        lag = rng.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]
        key = (order[a], order[b], lag)
        if key in seen:
            continue
        seen.add(key)
        coefficient = round(rng.uniform(0.01, 0.4) * rng.choice((1, -1)), 4)
        rules.append(BenchRule(order[a], order[b], coefficient, lag, rng.random() < 0.25))
    return rules


def params_xlsx(
    codes: list[str], rules: list[BenchRule], amounts: list[Decimal] | None = None
) -> bytes:
    """The simulator-parameters workbook (sheets `impacts` and `lignes`), written streaming."""
    workbook = Workbook(write_only=True)
    impacts = workbook.create_sheet("impacts")
    impacts.append(["source", "cible", "coefficient", "decalage_annees", "cumul", "description"])
    for rule in rules:
        impacts.append(
            [
                rule.source,
                rule.target,
                rule.coefficient,
                rule.lag,
                "oui" if rule.cumulative else "non",
                "",
            ]
        )
    lignes = workbook.create_sheet("lignes")
    lignes.append(["code", "libelle", "montant", "ajustable", "plancher"])
    if amounts is not None:
        for code, amount in zip(codes, amounts, strict=True):
            lignes.append([code, "", float(amount), "oui", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def generate_params_xlsx(n_lines: int, n_rules: int, *, seed: int = 0) -> bytes:
    lines = generate_lines(n_lines, seed=seed)
    codes = derive_codes(lines)
    rules = generate_rules(real_codes(lines, codes), n_rules, seed=seed)
    return params_xlsx(codes, rules)


def engine_frames(
    n_lines: int, n_rules: int, *, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines, rules) frames for the simulator engine benchmark.

    lines: the columns of budget.finance.LINE_COLUMNS plus `adjustable` and `floor`;
    rules: source, target, coefficient, lag, cumulative.
    """
    lines = generate_lines(n_lines, seed=seed)
    codes = derive_codes(lines)
    rng = random.Random(seed + 1)
    rows = []
    for code, line in zip(codes, lines, strict=True):
        adjustable = (
            line.kind == "reel"
            and line.chapter not in {"16", "66", "002"}
            and not line.account.startswith("775")
        )
        amount = float(line.amount)
        floor = round(amount * 0.8, 2) if adjustable and rng.random() < 0.05 else float("nan")
        rows.append(
            {
                "code": code,
                "section": line.section,
                "direction": line.direction,
                "kind": line.kind,
                "chapter": line.chapter,
                "account": line.account,
                "function": line.function,
                "amount": amount,
                "adjustable": adjustable,
                "floor": floor,
            }
        )
    lines_frame = pd.DataFrame(rows, columns=[*LINE_COLUMNS, "adjustable", "floor"])
    rules = generate_rules(real_codes(lines, codes), n_rules, seed=seed)
    rules_frame = pd.DataFrame(
        [(r.source, r.target, r.coefficient, r.lag, r.cumulative) for r in rules],
        columns=["source", "target", "coefficient", "lag", "cumulative"],
    ).astype({"coefficient": float, "lag": int, "cumulative": bool})
    return lines_frame, rules_frame


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Génère un budget de métropole synthétique.")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True, help="fichier CSV SCDL")
    parser.add_argument("--params", type=Path, help="classeur des paramètres du simulateur")
    args = parser.parse_args(argv)

    lines = generate_lines(args.lines, seed=args.seed)
    args.output.write_bytes(scdl_csv(lines))
    print(f"{args.output} : {len(lines)} lignes")
    if args.params:
        codes = derive_codes(lines)
        rules = generate_rules(real_codes(lines, codes), args.rules, seed=args.seed)
        args.params.write_bytes(params_xlsx(codes, rules))
        print(f"{args.params} : {len(rules)} impacts induits")


if __name__ == "__main__":
    main()
