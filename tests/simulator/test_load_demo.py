"""python manage.py load_demo: the demo commune through the real importers, idempotent."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from budget.imports.services import budget_import
from budget.models import Authority, Budget, BudgetLine, Commune, ImpactRule
from fixtures import make_demo
from simulator.management.commands import load_demo


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def csv_rows() -> list[dict[str, str]]:
    text = make_demo.CSV_PATH.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def workbook_rules() -> int:
    book = load_workbook(io.BytesIO(make_demo.XLSX_PATH.read_bytes()), read_only=True)
    return sum(1 for row in book["impacts"].iter_rows(min_row=2, values_only=True) if any(row))


def counts() -> dict[str, int]:
    return {
        "authorities": Authority.objects.count(),
        "budgets": Budget.objects.count(),
        "lines": BudgetLine.objects.count(),
        "rules": ImpactRule.objects.count(),
        "communes": Commune.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_it_imports_every_line_and_rule_of_the_fixtures(debug):
    run()
    budget = Budget.objects.get()
    assert budget.lines.count() == len(csv_rows())
    assert budget.impact_rules.count() == workbook_rules() >= 15


@pytest.mark.django_db
def test_running_it_twice_creates_nothing_new(debug):
    run()
    before = counts()
    output = run()
    assert counts() == before
    assert "0 créées" in output


@pytest.mark.django_db
def test_the_budget_is_the_2026_budget_primitif_of_the_commune(debug):
    run()
    budget = Budget.objects.select_related("authority").get()
    authority = budget.authority
    assert budget.slug == f"{authority.slug}-2026-bp"
    assert (budget.year, budget.stage) == (2026, Budget.Stage.PRIMITIF)
    assert authority.kind == Authority.Kind.COMMUNE
    assert authority.siren == csv_rows()[0]["BGT_SIRET"][:9]
    assert 15_000 <= authority.population <= 17_000


@pytest.mark.django_db
def test_the_budget_carries_debt_and_property_tax_figures(debug):
    run()
    budget = Budget.objects.get()
    assert Decimal("11e6") <= budget.debt_start <= Decimal("13e6")
    tax_line = budget.lines.get(account="73111")
    yield_ = budget.property_tax_base * budget.property_tax_rate / 100
    assert abs(yield_ - tax_line.amount) < 1
    assert Decimal("40") <= budget.property_tax_rate <= Decimal("45")
    assert budget.property_tax_average_bill > 0
    assert budget.savings_target == Decimal("300000.00")


@pytest.mark.django_db
def test_the_parameters_set_labels_adjustability_and_floors(debug):
    run()
    budget = Budget.objects.get()
    ccas = budget.lines.get(code="FD-657362-420")
    assert ccas.adjustable
    assert ccas.floor == (ccas.amount * Decimal("0.8")).quantize(Decimal("0.01"))
    assert not budget.lines.get(code="FD-6553-12").adjustable
    assert not budget.lines.filter(kind=BudgetLine.Kind.ORDRE, adjustable=True).exists()
    assert budget.lines.get(code="FD-60612-512").label == "Électricité de l'éclairage public"


@pytest.mark.django_db
def test_the_territory_is_one_commune(debug):
    run()
    commune = Commune.objects.select_related("authority").get()
    assert commune.authority == Budget.objects.get().authority
    assert len(commune.insee_code) == 5 and commune.insee_code.isdigit()
    assert len(commune.postal_codes) == 5 and commune.postal_codes.isdigit()
    assert commune.insee_code[:2] == commune.postal_codes[:2]


@pytest.mark.django_db
def test_with_debug_it_creates_the_demo_users(debug):
    output = run()
    admin = User.objects.get(username="admin-demo")
    assert admin.is_staff
    assert User.objects.filter(username="finance-demo", groups__name="finance").exists()
    assert "admin-demo" in output


@pytest.mark.django_db
def test_without_debug_it_loads_the_budget_but_no_user(settings):
    settings.DEBUG = False
    output = run()
    assert Budget.objects.count() == 1
    assert not User.objects.exists()
    assert "DEBUG" in output


@pytest.mark.django_db
def test_a_broken_budget_file_fails_with_the_importers_report_and_writes_nothing(
    debug, tmp_path, monkeypatch
):
    data = make_demo.CSV_PATH.read_bytes().decode("utf-8").splitlines(keepends=True)
    cells = data[4].split(";")
    cells[14] = "douze"  # BGT_MTPREV of the fourth budget line (file line 5)
    data[4] = ";".join(cells)
    (tmp_path / "demo_budget.csv").write_text("".join(data), encoding="utf-8")
    shutil.copy(make_demo.XLSX_PATH, tmp_path / "demo_params.xlsx")
    monkeypatch.setattr(load_demo, "FIXTURES_DIR", tmp_path)
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été chargé"):
        call_command("load_demo", stdout=StringIO(), stderr=err)
    assert "Ligne 5" in err.getvalue() and "BGT_MTPREV" in err.getvalue()
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_broken_parameters_roll_the_budget_back_too(debug, tmp_path, monkeypatch):
    shutil.copy(make_demo.CSV_PATH, tmp_path / "demo_budget.csv")
    book = load_workbook(io.BytesIO(make_demo.XLSX_PATH.read_bytes()))
    book["impacts"]["B2"] = "FD-99999-999"
    book.save(tmp_path / "demo_params.xlsx")
    monkeypatch.setattr(load_demo, "FIXTURES_DIR", tmp_path)
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été chargé"):
        call_command("load_demo", stdout=StringIO(), stderr=err)
    assert "FD-99999-999" in err.getvalue()
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_it_reuses_the_commune_when_the_file_was_already_imported_by_hand(debug):
    report = budget_import(data=make_demo.CSV_PATH.read_bytes(), filename="demo_budget.csv")
    assert report.ok
    run()
    assert Authority.objects.get() == report.authority
    assert Budget.objects.get() == report.budget
    assert BudgetLine.objects.count() == len(csv_rows())


@pytest.mark.django_db
def test_it_refuses_when_another_authority_holds_the_demo_slug(debug):
    Authority.objects.create(name="Autre commune", slug="val-de-lorme", siren="217500016")
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été chargé"):
        call_command("load_demo", stdout=StringIO(), stderr=err)
    assert "Autre commune" in err.getvalue()
    assert Authority.objects.count() == 1
    assert not Budget.objects.exists()
