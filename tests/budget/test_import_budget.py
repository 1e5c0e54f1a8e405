"""budget_import on good files: what it creates, and how."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.imports.services import budget_import
from budget.models import Authority, Budget, BudgetLine
from tests.budget.files.scdl import COLUMNS, SIREN, SIRET, xlsx_bytes
from tests.factories import make_authority

pytestmark = pytest.mark.django_db

HEADER = (
    "BGT_NATDEC;BGT_ANNEE;BGT_SIRET;BGT_NOM;BGT_CONTNAT;BGT_CONTNAT_LABEL;BGT_NATURE;"
    "BGT_NATURE_LABEL;BGT_FONCTION;BGT_FONCTION_LABEL;BGT_OPERATION;BGT_SECTION;BGT_OPBUDG;"
    "BGT_CODRD;BGT_MTPREV;BGT_MTREAL;BGT_MTPROPNOUV;BGT_MTBUDGPREC;BGT_MTRARPREC;BGT_CREDOUV;"
    "BGT_MTRAR3112;BGT_ARTSPE"
)
ID = "Budget primitif;2026;21930048700016;Ville de Lorme"
# A small town's budget as a finance software exports it: semicolons, Latin-1, decimal
# commas, thousands separated by spaces, quoted amounts.
REALISTIC_CSV = "\r\n".join(
    [
        HEADER,
        f"{ID};60612;Énergie - Électricité;011;Charges à caractère général;212;Écoles primaires;"
        ';Fonctionnement;Réel;Dépense;"48 500,00";;;;;;;',
        f"{ID};64111;Rémunération principale;012;Charges de personnel;;;;Fonctionnement;Réel;"
        'Dépense;"1 250 000,00";;;;;;;',
        f"{ID};6574;Subventions aux associations;65;Autres charges de gestion courante;025;"
        "Aides aux associations;;Fonctionnement;Réel;Dépense;12000;;;;;;;",
        f"{ID};6574;Subventions aux associations;65;Autres charges de gestion courante;025;"
        'Aides aux associations;;Fonctionnement;Réel;Dépense;"3 000,50";;;;;;;',
        f"{ID};66111;Intérêts réglés à l'échéance;66;Charges financières;;;;Fonctionnement;"
        "Réel;Dépense;85000;;;;;;;",
        f"{ID};7067;Redevances périscolaires;70;Produits des services;251;Restauration "
        'scolaire;;Fonctionnement;Réel;Recette;"210 000,00";;;;;;;',
        f"{ID};002;Résultat reporté;002;Résultat de fonctionnement reporté;;;;Fonctionnement;"
        'Réel;Recette;"150 000,00";;;;;;;',
        f"{ID};775;Produits des cessions;77;Produits exceptionnels;;;;Fonctionnement;Réel;"
        "Recette;40000;;;;;;;",
        f"{ID};6811;Dotations aux amortissements;042;Opérations d'ordre entre sections;;;;"
        'Fonctionnement;Ordre;Dépense;"95 000,00";;;;;;;',
        f"{ID};1641;Emprunts en euros;16;Emprunts et dettes assimilées;;;;Investissement;Réel;"
        'Dépense;"180 000,00";;;;;;;',
        f"{ID};2313;Constructions;23;Immobilisations en cours;212;Écoles primaires;OP12;"
        'Investissement;Réel;Dépense;"320 000,00";;;;;;;',
    ]
).encode("latin-1")


def test_it_imports_a_realistic_latin1_semicolon_file_with_decimal_commas():
    report = budget_import(data=REALISTIC_CSV, filename="bp2026.csv")

    assert report.ok, report.errors
    assert (report.created, report.updated, report.deleted) == (11, 0, 0)
    budget = Budget.objects.get()
    assert (budget.year, budget.stage, budget.slug) == (2026, "bp", "ville-de-lorme-2026-bp")
    assert budget.authority.name == "Ville de Lorme"
    assert budget.authority.siren == SIREN
    assert budget.authority.kind == Authority.Kind.COMMUNE  # SIREN starting with 21
    assert budget.source_filename == "bp2026.csv"
    assert budget.imported_at is not None
    lines = {line.code: line for line in BudgetLine.objects.filter(budget=budget)}
    assert list(lines) == [
        "FD-60612-212",
        "FD-64111",
        "FD-6574-025",
        "FD-6574-025-2",
        "FD-66111",
        "FR-7067-251",
        "FR-002",
        "FR-775",
        "FD-6811",
        "ID-1641",
        "ID-2313-212",
    ]
    electricity = lines["FD-60612-212"]
    assert electricity.amount == Decimal("48500.00")
    assert electricity.label == "Énergie - Électricité"
    assert (electricity.chapter, electricity.chapter_label) == (
        "011",
        "Charges à caractère général",
    )
    assert (electricity.function, electricity.function_label) == ("212", "Écoles primaires")
    assert lines["FD-64111"].amount == Decimal("1250000.00")
    assert lines["FD-6574-025-2"].amount == Decimal("3000.50")
    assert lines["ID-2313-212"].operation == "OP12"
    assert lines["FR-002"].chapter == "002"
    total = sum(line.amount for line in lines.values())
    assert total == Decimal("48500") + Decimal("1250000") + Decimal("12000") + Decimal(
        "3000.50"
    ) + Decimal("85000") + Decimal("210000") + Decimal("150000") + Decimal("40000") + Decimal(
        "95000"
    ) + Decimal("180000") + Decimal("320000")


def test_real_lines_are_adjustable_except_debt_interest_carried_result_and_asset_sales():
    budget_import(data=REALISTIC_CSV, filename="bp2026.csv")

    adjustable = set(BudgetLine.objects.filter(adjustable=True).values_list("code", flat=True))

    assert adjustable == {
        "FD-60612-212",
        "FD-64111",
        "FD-6574-025",
        "FD-6574-025-2",
        "FR-7067-251",
        "ID-2313-212",
    }
    # 66111 (chapter 66), 002, 775, the order line 6811 and 1641 (chapter 16) are not.


def test_it_imports_a_workbook_built_with_openpyxl():
    def values(**changes):
        line = dict(
            zip(
                COLUMNS,
                [
                    "Budget supplémentaire",
                    2026,
                    SIRET,
                    "Ville de Lorme",
                    "60612",
                    "Électricité",
                    "011",
                    "Charges générales",
                    "",
                    "",
                    "",
                    "Fonctionnement",
                    "Réel",
                    "Dépense",
                    1500.25,
                    None,
                ],
                strict=True,
            )
        )
        line.update(changes)
        return [line[c] for c in COLUMNS]

    data = xlsx_bytes(
        [
            values(),
            values(BGT_CONTNAT="7067", BGT_NATURE="70", BGT_CODRD="Recette", BGT_MTPREV=300),
        ]
    )

    report = budget_import(data=data, filename="bs2026.xlsx")

    assert report.ok, report.errors
    budget = Budget.objects.get()
    assert budget.slug == "ville-de-lorme-2026-bs"
    amounts = dict(budget.lines.values_list("code", "amount"))
    assert amounts == {"FD-60612": Decimal("1500.25"), "FR-7067": Decimal("300.00")}


def test_it_finds_the_authority_by_siren_and_sets_population_and_debt():
    authority = make_authority(name="Lorme", slug="lorme", siren=SIREN, population=100)

    report = budget_import(
        data=REALISTIC_CSV,
        filename="bp.csv",
        population=16_250,
        debt_start=Decimal("2500000.00"),
    )

    assert report.ok
    assert report.authority == authority
    assert not report.authority_created
    authority.refresh_from_db()
    assert authority.population == 16_250
    budget = Budget.objects.get()
    assert budget.slug == "lorme-2026-bp"
    assert budget.debt_start == Decimal("2500000.00")
    assert Authority.objects.count() == 1


def test_it_imports_into_the_authority_given():
    authority = make_authority(name="Commune de Lorme", slug="cdl", siren="")

    report = budget_import(data=REALISTIC_CSV, filename="bp.csv", authority=authority)

    assert report.ok
    assert Budget.objects.get().authority == authority


def test_a_new_authority_gets_a_free_slug():
    make_authority(name="Autre", slug="ville-de-lorme", siren="219999999")

    report = budget_import(data=REALISTIC_CSV, filename="bp.csv")

    assert report.ok
    assert report.authority.slug == "ville-de-lorme-2"
    assert report.budget.slug == "ville-de-lorme-2-2026-bp"


def test_dry_run_checks_everything_and_writes_nothing():
    report = budget_import(data=REALISTIC_CSV, filename="bp.csv", dry_run=True)

    assert report.ok
    assert report.dry_run
    assert (report.created, report.authority_created, report.budget_created) == (11, True, True)
    assert report.budget.slug == "ville-de-lorme-2026-bp"
    assert report.budget.pk is None
    assert Authority.objects.count() == 0
    assert Budget.objects.count() == 0
    assert BudgetLine.objects.count() == 0


def test_dry_run_on_an_existing_authority_leaves_it_unchanged():
    authority = make_authority(slug="lorme", siren=SIREN, population=100)

    report = budget_import(data=REALISTIC_CSV, filename="bp.csv", population=5, dry_run=True)

    assert report.ok
    authority.refresh_from_db()
    assert authority.population == 100
    assert report.authority.population == 100
    assert Budget.objects.count() == 0


def test_it_reports_progress_up_to_the_total():
    calls = []

    budget_import(data=REALISTIC_CSV, filename="bp.csv", progress=lambda *call: calls.append(call))

    saving = [(done, total) for step, done, total in calls if step == "Enregistrement des lignes"]
    assert saving[0] == (0, 11)
    assert saving[-1] == (11, 11)


def test_its_steps_advance_from_reading_to_checking_to_saving():
    steps = []

    budget_import(
        data=REALISTIC_CSV,
        filename="bp.csv",
        progress=lambda step, done, total: steps.append(step),
    )

    assert list(dict.fromkeys(steps)) == [
        "Lecture du fichier",
        "Vérification des lignes",
        "Enregistrement des lignes",
    ]
