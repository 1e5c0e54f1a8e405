"""The demo commune's files: a believable budget a finance director can look at."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter

import pandas as pd
import pytest
from openpyxl import load_workbook

from budget.finance import compute_ratios
from budget.imports.scdl import parse_budget_file
from fixtures import make_demo

EXPECTED_COLUMNS = [
    "BGT_NATDEC",
    "BGT_ANNEE",
    "BGT_SIRET",
    "BGT_NOM",
    "BGT_CONTNAT",
    "BGT_CONTNAT_LABEL",
    "BGT_NATURE",
    "BGT_NATURE_LABEL",
    "BGT_FONCTION",
    "BGT_FONCTION_LABEL",
    "BGT_OPERATION",
    "BGT_SECTION",
    "BGT_OPBUDG",
    "BGT_CODRD",
    "BGT_MTPREV",
    "BGT_MTREAL",
    "BGT_MTPROPNOUV",
    "BGT_MTBUDGPREC",
    "BGT_MTRARPREC",
    "BGT_CREDOUV",
    "BGT_MTRAR3112",
    "BGT_ARTSPE",
]

# domain.md §3 and the demo brief: every chapter a finance director expects to see.
REQUIRED_CHAPTERS = {
    ("fonctionnement", "dépense"): {"011", "012", "014", "65", "66", "67", "042", "023"},
    ("fonctionnement", "recette"): {"70", "73", "731", "74", "75", "013", "77", "042"},
    ("investissement", "dépense"): {"20", "204", "21", "23", "16", "040"},
    ("investissement", "recette"): {"10", "13", "16", "024", "021", "040"},
}


def euros(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else Decimal("0")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    text = make_demo.CSV_PATH.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture(scope="module")
def frame(rows) -> pd.DataFrame:
    """The CSV as the engine's lines frame, built here independently of the importer."""
    return pd.DataFrame(
        {
            "code": [f"{r['BGT_CONTNAT']}-{r['BGT_FONCTION']}" for r in rows],
            "section": [r["BGT_SECTION"] for r in rows],
            "direction": ["depense" if r["BGT_CODRD"] == "dépense" else "recette" for r in rows],
            "kind": ["reel" if r["BGT_OPBUDG"] == "réel" else "ordre" for r in rows],
            "chapter": [r["BGT_NATURE"] for r in rows],
            "account": [r["BGT_CONTNAT"] for r in rows],
            "function": [r["BGT_FONCTION"] for r in rows],
            "amount": [float(euros(r["BGT_MTPREV"])) for r in rows],
        }
    )


@pytest.fixture(scope="module")
def ratios(frame):
    return compute_ratios(frame, debt_start=float(make_demo.DEBT_START))


def total(rows, *, section: str, direction: str, kind: str | None = None, chapter=None):
    return sum(
        (
            euros(r["BGT_MTPREV"])
            for r in rows
            if r["BGT_SECTION"] == section
            and r["BGT_CODRD"] == direction
            and (kind is None or r["BGT_OPBUDG"] == kind)
            and (chapter is None or r["BGT_NATURE"] == chapter)
        ),
        Decimal("0"),
    )


@pytest.fixture(scope="module")
def workbook():
    return load_workbook(io.BytesIO(make_demo.XLSX_PATH.read_bytes()), read_only=True)


def sheet_rows(workbook, name: str) -> list[dict]:
    values = list(workbook[name].iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


# --- the SCDL file ----------------------------------------------------------------------


def test_the_csv_has_the_scdl_columns_in_order(rows):
    text = make_demo.CSV_PATH.read_bytes().decode("utf-8")
    assert text.splitlines()[0].split(";") == EXPECTED_COLUMNS
    assert all(list(r) == EXPECTED_COLUMNS for r in rows)


def test_the_scdl_reader_accepts_it_without_a_single_problem(db):
    data = make_demo.CSV_PATH.read_bytes()
    parsed = parse_budget_file(data, filename="demo_budget.csv", max_bytes=10_000_000)
    assert parsed.errors == []
    assert (parsed.stage, parsed.year) == ("bp", 2026)
    assert len(parsed.lines) == data.count(b"\n") - 1


def test_it_is_a_budget_primitif_2026_of_one_commune_with_decimal_commas(rows):
    assert {r["BGT_NATDEC"] for r in rows} == {"budget primitif"}
    assert {r["BGT_ANNEE"] for r in rows} == {"2026"}
    assert {r["BGT_NOM"] for r in rows} == {"Commune de Val-de-Lorme"}
    assert all("," in r["BGT_MTPREV"] and "." not in r["BGT_MTPREV"] for r in rows)
    assert all(r["BGT_MTREAL"] == "" for r in rows)
    assert all(r["BGT_MTPROPNOUV"] == r["BGT_MTPREV"] for r in rows)


def test_the_siret_is_well_formed_and_the_siren_is_its_start(rows):
    siret = rows[0]["BGT_SIRET"]

    def luhn_ok(digits: str) -> bool:
        checksum = 0
        for position, char in enumerate(reversed(digits)):
            value = int(char) * (2 if position % 2 else 1)
            checksum += value - 9 if value > 9 else value
        return checksum % 10 == 0

    assert len(siret) == 14 and siret.isdigit()
    assert luhn_ok(siret)
    assert luhn_ok(siret[:9])
    assert siret[:9] == make_demo.SIREN
    # A commune's SIREN starts with 21 followed by its department.
    assert siret.startswith("21" + make_demo.INSEE_CODE[:2])


def test_it_has_between_150_and_300_lines(rows):
    assert 150 <= len(rows) <= 300


def test_no_two_lines_share_an_account_and_a_function_on_the_same_side(rows):
    keys = [(r["BGT_SECTION"], r["BGT_CODRD"], r["BGT_CONTNAT"], r["BGT_FONCTION"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_every_chapter_of_a_communal_budget_is_there(rows):
    found = defaultdict(set)
    for r in rows:
        found[(r["BGT_SECTION"], r["BGT_CODRD"])].add(r["BGT_NATURE"])
    for side, chapters in REQUIRED_CHAPTERS.items():
        assert chapters <= found[side], (side, chapters - found[side])


def test_the_debt_lines_the_ratios_must_exclude_are_there(rows):
    accounts = {(r["BGT_SECTION"], r["BGT_CODRD"], r["BGT_CONTNAT"]) for r in rows}
    for direction in ("dépense", "recette"):
        for account in ("1641", "166", "16449"):
            assert ("investissement", direction, account) in accounts
    assert ("investissement", "recette", "10222") in accounts
    assert ("fonctionnement", "recette", "775") in accounts


def test_about_ten_m57_functions_are_used(rows):
    functions = {r["BGT_FONCTION"] for r in rows}
    assert "" not in functions
    assert 10 <= len(functions) <= 20
    assert {"020", "212", "281", "313", "323", "512"} <= functions


def test_order_lines_balance_each_other(rows):
    depreciation = total(rows, section="fonctionnement", direction="dépense", chapter="042")
    assert depreciation == total(rows, section="investissement", direction="recette", chapter="040")
    transferred = total(rows, section="fonctionnement", direction="recette", chapter="042")
    assert transferred == total(rows, section="investissement", direction="dépense", chapter="040")
    assert total(rows, section="fonctionnement", direction="dépense", chapter="023") == total(
        rows, section="investissement", direction="recette", chapter="021"
    )
    ordre = {r["BGT_NATURE"] for r in rows if r["BGT_OPBUDG"] == "ordre"}
    assert ordre == {"042", "040", "023", "021"}


def test_both_sections_are_voted_in_balance(rows):
    for section in ("fonctionnement", "investissement"):
        assert total(rows, section=section, direction="dépense") == total(
            rows, section=section, direction="recette"
        )


def test_operating_expenditure_is_about_20_million_and_investment_about_6(rows):
    operating = total(rows, section="fonctionnement", direction="dépense")
    investment = total(rows, section="investissement", direction="dépense")
    assert Decimal("18e6") <= operating <= Decimal("22e6")
    assert Decimal("5e6") <= investment <= Decimal("7e6")


def test_staff_is_a_bit_over_half_of_real_operating_expenditure(rows, ratios):
    staff = total(rows, section="fonctionnement", direction="dépense", kind="réel", chapter="012")
    assert 0.50 <= float(staff) / ratios.drf <= 0.60


def test_the_savings_rate_is_healthy(ratios):
    assert 0.07 <= ratios.taux_epargne_brute <= 0.15


def test_the_debt_capacity_is_under_the_national_ceiling(ratios):
    assert 5 <= ratios.capacite_desendettement <= 12


def test_interest_repayment_and_new_loan_have_plausible_sizes(ratios):
    assert 300_000 <= ratios.interest <= 400_000
    assert 900_000 <= ratios.capital_repayment <= 1_200_000
    assert 1_300_000 <= ratios.new_loans <= 1_700_000
    assert 11_000_000 <= ratios.debt_start <= 13_000_000


def test_property_tax_is_base_times_rate(rows):
    tax = total(rows, section="fonctionnement", direction="recette", chapter="731")
    line = next(Decimal(euros(r["BGT_MTPREV"])) for r in rows if r["BGT_CONTNAT"] == "73111")
    assert Decimal("8e6") <= line <= Decimal("9e6")
    assert tax > line  # other local taxes (electricity, transfer duties) are in 731 too
    expected = make_demo.PROPERTY_TAX_BASE * make_demo.PROPERTY_TAX_RATE / 100
    assert abs(line - expected) < 1


def test_amounts_are_not_all_round(rows):
    with_cents = [r for r in rows if not r["BGT_MTPREV"].endswith(",00")]
    assert len(with_cents) > len(rows) * 0.8


# --- the simulator parameters -------------------------------------------------------------


def csv_codes(rows) -> set[str]:
    prefix = {
        ("fonctionnement", "dépense"): "FD",
        ("fonctionnement", "recette"): "FR",
        ("investissement", "dépense"): "ID",
        ("investissement", "recette"): "IR",
    }
    return {
        f"{prefix[(r['BGT_SECTION'], r['BGT_CODRD'])]}-{r['BGT_CONTNAT']}-{r['BGT_FONCTION']}"
        for r in rows
    }


def test_the_workbook_has_the_two_sheets_and_their_columns(workbook):
    assert {"impacts", "lignes"} <= set(workbook.sheetnames)
    impacts = next(workbook["impacts"].iter_rows(values_only=True))
    assert list(impacts) == [
        "source",
        "cible",
        "coefficient",
        "decalage_annees",
        "cumul",
        "description",
    ]
    lignes = next(workbook["lignes"].iter_rows(values_only=True))
    assert list(lignes) == ["code", "libelle", "montant", "ajustable", "plancher"]


def test_at_least_fifteen_rules_all_pointing_at_lines_of_the_csv(workbook, rows):
    rules = sheet_rows(workbook, "impacts")
    codes = csv_codes(rows)
    assert len(rules) >= 15
    for rule in rules:
        assert rule["source"] in codes, rule
        assert rule["cible"] in codes, rule
        assert rule["source"] != rule["cible"]
        assert rule["cumul"] in {"oui", "non"}
        assert isinstance(rule["decalage_annees"], int) and 0 <= rule["decalage_annees"] <= 10
        assert rule["description"]


def test_rules_are_acyclic_and_chain(workbook):
    rules = sheet_rows(workbook, "impacts")
    graph = defaultdict(set)
    for rule in rules:
        graph[rule["cible"]].add(rule["source"])
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the message names the cycle
        pytest.fail(f"cycle among the demo rules: {exc.args[1]}")
    sources = {rule["source"] for rule in rules}
    assert any(rule["cible"] in sources for rule in rules), "no chain A→B→C"


def test_the_rules_the_demo_simulator_shows_are_there(workbook):
    rules = {(r["source"], r["cible"]): r for r in sheet_rows(workbook, "impacts")}
    pool = rules[("FD-64111-323", "FR-70631-323")]
    assert pool["coefficient"] > 0
    led = rules[("ID-2315-512", "FD-60612-512")]
    assert (led["cumul"], led["decalage_annees"]) == ("oui", 1) and led["coefficient"] < 0
    loan = rules[("IR-1641-01", "FD-66111-01")]
    assert loan["cumul"] == "oui" and loan["decalage_annees"] == 1
    assert 0.02 <= loan["coefficient"] <= 0.05
    assert rules[("FR-7067-281", "FD-60623-281")]["coefficient"] < 0
    assert rules[("FD-64111-281", "FD-611-281")]["coefficient"] < 0
    assert rules[("ID-2313-313", "FD-64111-313")]["cumul"] == "oui"
    fctva = rules[("ID-2313-313", "IR-10222-01")]
    assert fctva["coefficient"] == pytest.approx(0.16404) and fctva["decalage_annees"] >= 1
    # No rule from the repayment of capital: it follows the loan contracts, not a ratio.
    assert not any(source == "ID-1641-01" for source, _target in rules)


def test_only_real_lines_are_adjustable_and_floors_stay_below_amounts(workbook, rows):
    settings = {s["code"]: s for s in sheet_rows(workbook, "lignes")}
    prefix = {"dépense": "D", "recette": "R"}
    by_code = {
        f"{'F' if r['BGT_SECTION'] == 'fonctionnement' else 'I'}"
        f"{prefix[r['BGT_CODRD']]}-{r['BGT_CONTNAT']}-{r['BGT_FONCTION']}": r
        for r in rows
    }
    assert set(settings) == set(by_code)
    for code, setting in settings.items():
        row = by_code[code]
        assert setting["ajustable"] in {"oui", "non"}
        assert Decimal(str(setting["montant"])) == euros(row["BGT_MTPREV"])
        assert setting["libelle"]
        if setting["ajustable"] == "oui":
            assert row["BGT_OPBUDG"] == "réel", code
        if setting["plancher"] is not None:
            assert setting["ajustable"] == "oui", code
            assert 0 <= setting["plancher"] <= setting["montant"], code


def test_debt_interest_and_mandatory_spending_are_not_adjustable(workbook):
    settings = {s["code"]: s for s in sheet_rows(workbook, "lignes")}
    for code in (
        "ID-1641-01",
        "FD-66111-01",
        "FD-6553-12",
        "FD-739223-01",
        "FD-616-020",
        "FD-6558-212",
    ):
        assert settings[code]["ajustable"] == "non", code
    assert settings["FD-64111-323"]["ajustable"] == "oui"
    assert settings["FR-73111-01"]["ajustable"] == "oui"
    ccas = settings["FD-657362-420"]
    assert ccas["plancher"] == pytest.approx(ccas["montant"] * 0.8, abs=0.01)


# --- regeneration ---------------------------------------------------------------------------


def test_the_generator_is_deterministic():
    assert make_demo.build_csv() == make_demo.build_csv()
    assert make_demo.build_params_xlsx() == make_demo.build_params_xlsx()


def test_the_committed_files_are_the_generator_output():
    assert make_demo.CSV_PATH.read_bytes() == make_demo.build_csv(), (
        "fixtures are stale: run python fixtures/make_demo.py"
    )
    assert make_demo.XLSX_PATH.read_bytes() == make_demo.build_params_xlsx(), (
        "fixtures are stale: run python fixtures/make_demo.py"
    )


def test_another_seed_gives_other_amounts_but_the_same_lines():
    other = make_demo.build_lines(seed=1)
    default = make_demo.build_lines()
    assert [line.code for line in other] == [line.code for line in default]
    assert [line.amount for line in other] != [line.amount for line in default]
