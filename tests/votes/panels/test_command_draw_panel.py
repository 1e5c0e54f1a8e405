"""python manage.py draw_panel: the draw from files, JSON output, exit code 2, file errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import ROOT
from votes.panels import sortition
from votes.panels.sortition import Person, QuotaSpec

POOL = [
    Person(str(i), {"genre": "femme" if i % 2 else "homme", "quartier": "nord" if i < 6 else "sud"})
    for i in range(1, 13)
]
QUOTAS = [QuotaSpec("genre", "femme", 2, 2), QuotaSpec("quartier", "nord", 1, 3)]
SEED = "Loto 7 13 24 36 42"


@pytest.fixture
def files(tmp_path):
    pool = tmp_path / "vivier.csv"
    pool.write_text(sortition.pool_csv(POOL), encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text(sortition.quotas_csv(QUOTAS), encoding="utf-8")
    return pool, quotas


def _run(capsys, pool, quotas, *extra):
    call_command("draw_panel", "--pool", str(pool), "--quotas", str(quotas), "--seed", SEED, *extra)
    return capsys.readouterr().out


def test_it_prints_the_same_draw_as_the_application(files, capsys):
    pool, quotas = files
    out = json.loads(_run(capsys, pool, quotas, "--size", "4", "--reserve", "3", "--json"))
    expected = sortition.draw(POOL, QUOTAS, size=4, seed=SEED, reserve=3)
    assert out == {
        "selected": expected.selected,
        "reserve": expected.reserve,
        "algorithm": "maximin",
        "seed": SEED,
        "pool_sha256": sortition.pool_fingerprint(POOL),
    }


def test_a_fresh_process_with_another_string_hashing_gives_the_same_panel(files):
    pool, quotas = files
    expected = sortition.draw(POOL, QUOTAS, size=4, seed=SEED, reserve=2)
    # The library keeps ids in sets, whose order follows the (per process) string hashing.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "draw_panel", "--pool", str(pool), "--quotas", str(quotas)]
        + ["--size", "4", "--reserve", "2", "--seed", SEED, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    assert (out["selected"], out["reserve"]) == (expected.selected, expected.reserve)


def test_infeasible_quotas_exit_with_code_2_and_the_message_on_stderr(files):
    pool, quotas = files
    completed = subprocess.run(
        [sys.executable, "manage.py", "draw_panel", "--pool", str(pool), "--quotas", str(quotas)]
        + ["--size", "11", "--seed", SEED, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert (
        "Quotas impossibles pour genre : même au maximum, ils ne donnent que 8 personnes pour "
        "les 11 places du panel." in completed.stderr
    )


def test_call_command_raises_with_return_code_2(files, capsys):
    pool, quotas = files
    with pytest.raises(CommandError) as caught:
        _run(capsys, pool, quotas, "--size", "30")
    assert caught.value.returncode == 2
    assert "Le vivier compte 12 volontaires, moins que les 30 places du panel." in str(caught.value)


def test_without_json_it_prints_sentences(files, capsys):
    pool, quotas = files
    out = _run(capsys, pool, quotas, "--size", "4")
    assert out.startswith("Panel : ")
    assert sortition.pool_fingerprint(POOL) in out


@pytest.mark.parametrize(
    ("pool_text", "message"),
    [
        ("numero,genre\n1,femme\n", "Ligne 1, colonne id : colonne obligatoire absente"),
        (
            "id,genre\n1,femme\n1,homme\n",
            "Ligne 3, colonne id : identifiant 1 déjà présent ligne 2",
        ),
        ("id,genre\n1,femme\n2,\n", "Ligne 3, colonne genre : valeur manquante."),
        ("id,genre\n1,femme,nord\n", "Ligne 2 : 3 cellules au lieu de 2"),
        ("", "le fichier est vide"),
    ],
)
def test_a_bad_pool_file_names_its_line_and_column(tmp_path, files, capsys, pool_text, message):
    _pool, quotas = files
    bad = tmp_path / "mauvais.csv"
    bad.write_text(pool_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _run(capsys, bad, quotas, "--size", "1")


@pytest.mark.parametrize(
    ("quotas_text", "message"),
    [
        ("attribute,value,min\ngenre,femme,1\n", "colonne max : colonne obligatoire absente"),
        ("attribute,value,min,max\nage,18-24,1,2\n", "Ligne 2, colonne attribute : « age » n'est"),
        ("attribute,value,min,max\ngenre,femme,un,2\n", "Ligne 2, colonne min : « un » n'est pas"),
        (
            "attribute,value,min,max\ngenre,femme,1,2\ngenre,femme,0,1\n",
            "Ligne 3, colonne value : quota déjà donné ligne 2",
        ),
    ],
)
def test_a_bad_quotas_file_names_its_line_and_column(tmp_path, files, capsys, quotas_text, message):
    pool, _quotas = files
    bad = tmp_path / "mauvais.csv"
    bad.write_text(quotas_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _run(capsys, pool, bad, "--size", "4")


def test_a_missing_file_is_named(tmp_path, files, capsys):
    _pool, quotas = files
    with pytest.raises(CommandError, match="Impossible de lire"):
        _run(capsys, tmp_path / "absent.csv", quotas, "--size", "4")
