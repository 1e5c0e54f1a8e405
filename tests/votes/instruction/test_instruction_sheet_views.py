"""/gestion/instruction/<slug>/instruction.xlsx and …/import/: the sheet on the web."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from budget.spreadsheets.reader import open_workbook
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.instruction.sheet import COLUMN_NAMES, XLSX_TYPE
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

Status = Instruction.Status


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION):
        self.campaign = make_campaign(phase=phase, slug="budget-2026", kind=Campaign.Kind.PROJECTS)
        self.instructor = make_user(roles=(INSTRUCTOR,))
        service = make_service(self.campaign.authority, members=[self.instructor])
        self.proposal = make_proposal(self.campaign, kind=Proposal.Kind.PROJECT, service=service)
        self.instruction = make_instruction(
            self.proposal, status=Status.TO_INSTRUCT, public_reasoning=""
        )
        self.export = reverse("votes:instruction_export", kwargs={"slug": self.campaign.slug})
        self.upload = reverse("votes:instruction_import", kwargs={"slug": self.campaign.slug})
        self.export_ods = reverse(
            "votes:instruction_export_ods", kwargs={"slug": self.campaign.slug}
        )


def edited(data: bytes, **cells) -> SimpleUploadedFile:
    book = load_workbook(io.BytesIO(data))
    sheet = book["instruction"]
    for name, value in cells.items():
        sheet.cell(row=2, column=COLUMN_NAMES.index(name) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("instruction.xlsx", buffer.getvalue(), content_type=XLSX_TYPE)


def test_anonymous_visitors_are_sent_to_login(client):
    world = World()

    for response in (
        client.get(world.export),
        client.get(world.export_ods),
        client.get(world.upload),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(MODERATOR,), ()])
def test_the_sheet_is_for_the_instruction_team(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.get(world.export).status_code == 403
    assert client.get(world.export_ods).status_code == 403
    assert client.get(world.upload).status_code == 403


def test_finance_exports_but_cannot_import(client):
    world = World()
    client.force_login(make_user(roles=(FINANCE,)))

    assert client.get(world.export).status_code == 200
    assert client.get(world.export_ods).status_code == 200
    assert client.get(world.upload).status_code == 403


def test_the_export_is_an_xlsx_attachment(client):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(world.export)

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith(
        'attachment; filename="instruction-budget-2026-'
    )
    sheet = load_workbook(io.BytesIO(response.content))["instruction"]
    assert sheet["A2"].value == "P-0001"


def test_the_export_for_libreoffice_is_an_ods_attachment_with_the_same_rows(client):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(world.export_ods)

    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="instruction-budget-2026-'
    )
    assert response["Content-Disposition"].endswith('.ods"')
    reader, error = open_workbook(response.content)
    assert error is None and reader.sheetnames == ["instruction"]
    rows = list(reader.rows("instruction"))
    assert rows[0][0] == "reference" and rows[1][0] == "P-0001"


def test_the_pages_link_to_both_formats(client):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    body = client.get(world.upload).content.decode()

    assert f'href="{world.export}"' in body and f'href="{world.export_ods}"' in body


def test_an_instructor_exports_edits_and_imports_the_sheet(client):
    world = World()
    client.force_login(world.instructor)
    data = client.get(world.export).content

    response = client.post(
        world.upload, {"file": edited(data, avis="Faisable", cout_instruit="80 000")}
    )

    assert response.status_code == 302
    world.instruction.refresh_from_db()
    assert (world.instruction.status, world.instruction.instructed_cost) == (
        Status.FEASIBLE,
        80000,
    )


def test_a_refused_sheet_lists_its_errors_and_writes_nothing(client):
    world = World()
    client.force_login(world.instructor)
    data = client.get(world.export).content

    response = client.post(
        world.upload,
        {"file": edited(data, avis="Non faisable", motivation_publique=None)},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="import-zone"')
    assert "Fichier refusé : 1 problème" in body
    assert "La motivation publique est obligatoire" in body
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.TO_INSTRUCT


def test_a_file_that_is_not_xlsx_is_refused_by_the_form(client):
    world = World()
    client.force_login(world.instructor)

    response = client.post(
        world.upload, {"file": SimpleUploadedFile("instruction.csv", b"reference;avis\n")}
    )

    assert response.context["form"].errors["file"] == [
        "Envoyez le classeur (.xlsx ou .ods) exporté depuis cette page."
    ]


def test_a_missing_file_is_refused(client):
    world = World()
    client.force_login(world.instructor)

    response = client.post(world.upload, {})

    assert response.context["form"].errors["file"] == ["Choisissez le fichier à importer."]


def test_importing_after_the_instruction_phase_is_refused_in_place(client):
    world = World(phase=Phase.VOTING)
    client.force_login(world.instructor)
    data = client.get(world.export).content

    response = client.post(world.upload, {"file": edited(data, avis="Faisable", cout_instruit="1")})

    assert response.status_code == 200
    assert "Impossible de instruire une proposition" in response.content.decode()
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.TO_INSTRUCT
