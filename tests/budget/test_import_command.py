"""python manage.py import_budget PATH [--authority] [--population] [--debt-start] [--dry-run]"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budget.models import Authority, Budget, BudgetLine
from tests.budget.files.scdl import SIREN, csv_bytes, row
from tests.factories import make_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget_file(tmp_path):
    path = tmp_path / "bp2026.csv"
    path.write_bytes(csv_bytes([row(), row(contnat="7067", nature="70", codrd="recette")]))
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_budget", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_and_prints_the_budget_slug(budget_file):
    output = run(budget_file)

    assert "ville-de-lorme-2026-bp" in output
    assert "2 lignes : 2 nouvelles, 0 mises à jour, 0 supprimées." in output
    assert Budget.objects.get().slug == "ville-de-lorme-2026-bp"
    assert BudgetLine.objects.count() == 2


def test_it_uses_the_options(budget_file):
    make_authority(name="Lorme", slug="lorme", siren=SIREN, population=1)

    output = run(
        budget_file, "--authority", "lorme", "--population", "16000", "--debt-start", "1 500 000,50"
    )

    assert "lorme-2026-bp" in output
    budget = Budget.objects.select_related("authority").get()
    assert budget.authority.population == 16000
    assert budget.debt_start == Decimal("1500000.50")


def test_dry_run_writes_nothing(budget_file):
    output = run(budget_file, "--dry-run")

    assert "rien n'a été enregistré" in output
    assert "ville-de-lorme-2026-bp" in output
    assert (Authority.objects.count(), Budget.objects.count(), BudgetLine.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_bad_file_fails_with_the_whole_report(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(mtprev="12a,5"), row(section="autre")]))

    with pytest.raises(CommandError) as error:
        run(path)

    text = str(error.value)
    assert "Fichier refusé, rien n'a été enregistré (2 problèmes) :" in text
    assert "Ligne 2, colonne BGT_MTPREV : « 12a,5 » n'est pas un montant." in text
    assert "Ligne 3, colonne BGT_SECTION" in text
    assert Budget.objects.count() == 0


def test_an_unknown_authority_or_file_or_amount_is_an_error(budget_file, tmp_path):
    with pytest.raises(CommandError, match="Collectivité inconnue : personne"):
        run(budget_file, "--authority", "personne")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run(tmp_path / "absent.csv")
    with pytest.raises(CommandError, match="« beaucoup » n'est pas un montant"):
        run(budget_file, "--debt-start", "beaucoup")
    assert Budget.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_reading(budget_file, settings):
    settings.BUDGET_IMPORT_MAX_BYTES = 10

    with pytest.raises(CommandError, match="au-delà de la limite"):
        run(budget_file)
    assert Budget.objects.count() == 0


def test_the_command_exits_non_zero_on_errors(tmp_path, capsys):
    from django.core.management import ManagementUtility

    path = tmp_path / "bad.csv"
    path.write_bytes(b"")

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_budget", str(path)]).execute()

    assert exit_info.value.code != 0
    assert "Le fichier est vide." in capsys.readouterr().err


def test_verbosity_2_prints_each_step_and_the_lines_saved(budget_file, capsys):
    call_command("import_budget", str(budget_file), verbosity=2, stdout=io.StringIO())

    err = capsys.readouterr().err
    assert "Lecture du fichier\n" in err
    assert "Vérification des lignes : 0/2" in err
    assert "Enregistrement des lignes : 2/2\n" in err
