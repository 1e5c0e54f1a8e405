"""The back office in a real browser: log in, check a budget file, confirm it, see errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.models import Authority, Budget, BudgetLine
from budget.roles import FINANCE
from tests.budget.files.scdl import SIREN, csv_bytes, row
from tests.e2e.conftest import PASSWORD, assert_accessible
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_uploads(tmp_path, settings):
    # The live server runs in this process: files waiting for confirmation land in tmp_path.
    settings.UPLOADS_PENDING_DIR = str(tmp_path)


def waiting_files(tmp_path) -> list:
    return list((tmp_path / "arbitrages-uploads").glob("*.upload"))


def log_in(page, live_server, *, username: str) -> None:
    """Through the login page, as a person would: /gestion/ first, then the form."""
    page.goto(f"{live_server.url}/gestion/")
    page.wait_for_url("**/connexion/?next=/gestion/")
    assert_accessible(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/gestion/")


def good_rows() -> list[dict[str, str]]:
    return [
        row(contnat="60612", fonction="212", fonction_label="Écoles primaires", mtprev="1 200,50"),
        row(
            contnat="64111",
            contnat_label="Rémunération principale",
            nature="012",
            nature_label="Charges de personnel",
            fonction="212",
            fonction_label="Écoles primaires",
            mtprev="35 000,00",
        ),
        # The same account and function twice: the second line gets the code suffix -2.
        row(contnat="60612", fonction="212", fonction_label="Écoles primaires", mtprev="300"),
        row(
            contnat="7067",
            contnat_label="Redevances périscolaires",
            nature="70",
            nature_label="Produits des services",
            fonction="281",
            fonction_label="Restauration scolaire",
            codrd="recette",
            mtprev="48 000,00",
        ),
        row(
            contnat="2313",
            contnat_label="Constructions",
            nature="23",
            nature_label="Immobilisations en cours",
            fonction="313",
            fonction_label="Bibliothèques",
            section="investissement",
            mtprev="250 000,00",
        ),
    ]


def test_a_finance_user_checks_then_confirms_a_budget_file(live_server, page, tmp_path):
    user = make_user(roles=(FINANCE,))
    budget_file = tmp_path / "bp-2026.csv"
    budget_file.write_bytes(csv_bytes(good_rows(), encoding="cp1252"))

    log_in(page, live_server, username=user.username)
    assert page.locator("h1").inner_text() == "Gestion des budgets"
    navigation = page.get_by_role("navigation", name="Navigation principale")
    assert navigation.get_by_role("link", name="Back-office").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Importer un fichier budgétaire").click()
    page.wait_for_url("**/gestion/import/")
    assert_accessible(page)
    page.get_by_label("Fichier budgétaire").set_input_files(str(budget_file))
    page.get_by_label("Population").fill("16000")
    page.get_by_label("Encours de dette au 1er janvier (€)").fill("1 250 000,50")
    page.get_by_role("button", name="Vérifier le fichier").click()

    report = page.locator("#import-zone section")
    page.get_by_role("heading", name="Fichier valide : vérifiez puis confirmez").wait_for()
    assert "5 lignes, dont 5 nouvelles, 0 mises à jour, 0 supprimées." in report.inner_text()
    assert f"La collectivité « Ville de Lorme » (SIREN {SIREN}) sera créée." in (
        report.inner_text()
    )
    assert "Nouveau budget : Budget primitif 2026 (identifiant ville-de-lorme-2026-bp)." in (
        report.inner_text()
    )
    preview = report.locator("table tbody tr")
    assert preview.count() == 5
    assert preview.first.locator("th").inner_text() == "2"  # line 1 is the header
    assert "1 200,50" in preview.first.inner_text()
    # Checking wrote nothing: the file waits for the confirmation.
    assert not Budget.objects.exists()
    assert len(waiting_files(tmp_path)) == 1
    assert_accessible(page)

    page.get_by_role("button", name="Confirmer l'enregistrement").click()
    # The import runs as a task (at once with the tests' backend): its page shows the result.
    page.wait_for_url(f"{live_server.url}/gestion/taches/*/")
    assert page.locator("[data-job-status]").inner_text() == "Terminée"
    message = page.locator(".message-success")
    assert message.inner_text().startswith(
        "Budget importé : 5 lignes (5 nouvelles, 0 mises à jour, 0 supprimées)."
    )
    assert waiting_files(tmp_path) == []
    budget = Budget.objects.get()
    assert budget.debt_start == Decimal("1250000.50")
    assert budget.authority.population == 16000
    assert sorted(budget.lines.values_list("code", flat=True)) == [
        "FD-60612-212",
        "FD-60612-212-2",
        "FD-64111-212",
        "FR-7067-281",
        "ID-2313-313",
    ]
    assert_accessible(page)

    message.get_by_role(
        "link", name="Voir le budget « Ville de Lorme — Budget primitif 2026 »"
    ).click()
    page.wait_for_url(f"{live_server.url}/budgets/ville-de-lorme-2026-bp/")
    # 1 200,50 + 35 000 + 300 = 36 500,50 €, shown rounded to the euro.
    operating = page.locator("[data-total=fonctionnement-depense] .value").inner_text()
    assert operating == "36\u202f501\u00a0€"
    assert_accessible(page)
    page.goto(f"{live_server.url}/gestion/")
    assert page.locator("table tbody tr").first.inner_text().startswith("Ville de Lorme")


def test_a_broken_file_lists_its_problems_row_by_row_and_writes_nothing(
    live_server, page, tmp_path
):
    user = make_user(roles=(FINANCE,))
    broken = tmp_path / "bp-2026-faux.csv"
    broken.write_bytes(
        csv_bytes(
            [
                row(mtprev="1 000,00"),
                row(mtprev="douze"),
                row(section="fonctionement"),
                row(annee="2025"),
            ]
        )
    )

    log_in(page, live_server, username=user.username)
    page.goto(f"{live_server.url}/gestion/import/")
    page.get_by_label("Fichier budgétaire").set_input_files(str(broken))
    page.get_by_role("button", name="Vérifier le fichier").click()

    page.get_by_role("heading", name="Fichier refusé : 3 problèmes").wait_for()
    errors = page.locator("ul.report-errors li").all_inner_texts()
    assert errors == [
        "Ligne 3, colonne BGT_MTPREV : « douze » n'est pas un montant (colonnes décalées ?).",
        "Ligne 4, colonne BGT_SECTION : « fonctionement » n'est pas une valeur reconnue "
        "(attendu : fonctionnement ou investissement).",
        "Ligne 5, colonne BGT_ANNEE : un fichier ne doit concerner qu'un exercice ; ce fichier "
        "en mélange plusieurs : « 2026 » (ligne 2), « 2025 » (ligne 5).",
    ]
    assert "Rien n'a été enregistré." in page.locator("#import-zone").inner_text()
    assert page.locator("form[action='/gestion/import/confirmer/']").count() == 0
    assert not (
        Authority.objects.exists() or Budget.objects.exists() or BudgetLine.objects.exists()
    )
    assert_accessible(page)
