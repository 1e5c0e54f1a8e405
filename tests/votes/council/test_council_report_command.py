"""manage.py council_report CAMPAIGN -o FILE.xlsx or FILE.ods (issues 6 §2 and 17)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from budget.spreadsheets.reader import open_workbook
from tests.votes.council.test_council_report_workbook import send
from tests.votes.results.test_results_services import projects_campaign
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("council_report", *args, stdout=out)
    return out.getvalue()


def test_it_writes_a_provisional_file_before_sending(tmp_path):
    s = projects_campaign()
    target = tmp_path / "conseil.xlsx"

    printed = run(s.campaign.slug, "-o", str(target))

    assert printed == (
        f"Rapport provisoire écrit dans {target} : les résultats n'ont pas été transmis au "
        "conseil.\n"
    )
    book = load_workbook(target)
    assert book.sheetnames[0] == "Synthèse"
    assert all("PROVISOIRE" in sheet["A2"].value for sheet in book.worksheets)


def test_it_writes_the_final_file_with_its_fingerprint_after_sending(tmp_path):
    s = projects_campaign()
    snapshot = send(s.campaign)
    target = tmp_path / "conseil.xlsx"

    printed = run(s.campaign.slug, "--output", str(target))

    assert printed == (
        f"Rapport définitif écrit dans {target} (empreinte SHA-256 {snapshot.sha256}).\n"
    )
    book = load_workbook(target)
    assert snapshot.sha256 in book["Méthode"]["A3"].value


def test_it_writes_an_ods_when_the_file_is_named_so(tmp_path):
    s = projects_campaign()
    snapshot = send(s.campaign)
    target = tmp_path / "conseil.ods"

    run(s.campaign.slug, "-o", str(target))

    reader, error = open_workbook(target.read_bytes())
    assert error is None and reader.sheetnames[0] == "Synthèse"
    assert snapshot.sha256 in list(reader.rows("Méthode", max_row=3))[2][0]


def test_it_refuses_an_unknown_campaign(tmp_path):
    target = tmp_path / "conseil.xlsx"

    with pytest.raises(CommandError, match="Campagne inconnue : « absente »."):
        run("absente", "-o", str(target))

    assert not target.exists()


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.VOTING])
def test_it_refuses_a_campaign_before_the_tally(tmp_path, phase):
    s = projects_campaign(phase=phase)
    target = tmp_path / "conseil.xlsx"

    with pytest.raises(CommandError) as raised:
        run(s.campaign.slug, "-o", str(target))

    assert str(raised.value) == (
        f"La campagne « {s.campaign.slug} » est en phase « {Phase(phase).label} » : le rapport "
        "au conseil n'existe qu'à partir du dépouillement."
    )
    assert not target.exists()


def test_it_refuses_a_path_it_cannot_write(tmp_path):
    s = projects_campaign()
    target = tmp_path / "absent" / "conseil.xlsx"

    with pytest.raises(CommandError, match=r"Impossible d'écrire « .*conseil\.xlsx » : "):
        run(s.campaign.slug, "-o", str(target))

    assert not target.exists()


def test_it_refuses_a_folder_as_the_file(tmp_path):
    s = projects_campaign()

    with pytest.raises(CommandError, match="est un dossier : donnez le nom du fichier XLSX"):
        run(s.campaign.slug, "-o", str(tmp_path))


def test_the_output_file_is_required():
    s = projects_campaign()

    with pytest.raises(CommandError, match="-o/--output"):
        run(s.campaign.slug)
