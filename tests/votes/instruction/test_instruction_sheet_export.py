"""instruction_sheet_export: the instruction sheet in Excel, one row per proposal."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_instruction,
    make_proposal,
    make_service,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.instruction.sheet import COLUMN_NAMES
from votes.instruction.sheet_services import instruction_sheet_export
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def world():
    campaign = make_campaign(phase=Phase.INSTRUCTION, kind=Campaign.Kind.MIXED)
    category = make_category(campaign, name="Cadre de vie")
    instructor = make_user(roles=(INSTRUCTOR,))
    roads = make_service(campaign.authority, name="Voirie", members=[instructor])
    sport = make_service(campaign.authority, name="Sports")
    project = make_proposal(
        campaign,
        title="Piste cyclable",
        kind=Proposal.Kind.PROJECT,
        category=category,
        service=roads,
    )
    make_instruction(
        project,
        status=Instruction.Status.FEASIBLE_CONDITIONS,
        instructed_cost=Decimal("150000.50"),
        cost_schedule={"2027": "100000.50", "2028": "50000.00"},
        induced_operating_cost=Decimal("3000"),
        duration="2 ans",
        conditions="Accord du département.",
        public_reasoning="Faisable sur la RD 12.",
        internal_notes="Devis Colas.",
        validation=Instruction.Validation.SUBMITTED,
        due_on=date(2026, 5, 1),
    )
    saving = make_proposal(
        campaign,
        title="Piscine fermée en août",
        kind=Proposal.Kind.SAVING,
        category=category,
        service=sport,
    )
    make_instruction(
        saving,
        status=Instruction.Status.FEASIBLE,
        instructed_saving=Decimal("27000"),
        direct_saving=Decimal("30000"),
        induced_saving=Decimal("-3000"),
        public_reasoning="",
    )
    make_proposal(campaign, title="Pas encore attribuée", category=category)
    make_proposal(campaign, title="Retirée", category=category, status=Proposal.Status.WITHDRAWN)
    return campaign, instructor


@pytest.mark.parametrize("roles", [(ADMINISTRATOR,), (FINANCE,)])
def test_it_exports_one_row_per_proposal_with_its_instruction(world, roles):
    campaign, _instructor = world

    sheet = workbook(instruction_sheet_export(campaign=campaign, by=make_user(roles=roles)))[
        "instruction"
    ]

    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMN_NAMES
    assert len(rows) == 4  # header + 3 proposals (the withdrawn one is left out)
    project = dict(zip(COLUMN_NAMES, rows[1], strict=True))
    assert project == {
        "reference": "P-0001",
        "titre": "Piste cyclable",
        "rubrique": "Cadre de vie",
        "type": "Projet",
        "service": "Voirie",
        "validation": "Soumise à la direction des finances",
        "a_rendre_le": datetime(2026, 5, 1),
        "avis": "Faisable sous conditions",
        "cout_instruit": 150000.5,
        "echeancier": "2027 : 100000,50 ; 2028 : 50000",
        "cout_fonctionnement_annuel": 3000,
        "economie_nette_annuelle": None,
        "dont_effets_directs": None,
        "dont_effets_induits": None,
        "duree": "2 ans",
        "conditions": "Accord du département.",
        "motivation_publique": "Faisable sur la RD 12.",
        "notes_internes": "Devis Colas.",
    }
    saving = dict(zip(COLUMN_NAMES, rows[2], strict=True))
    assert (saving["type"], saving["avis"], saving["service"]) == ("Économie", "Faisable", "Sports")
    assert (
        saving["economie_nette_annuelle"],
        saving["dont_effets_directs"],
        saving["dont_effets_induits"],
    ) == (27000, 30000, -3000)
    unassigned = dict(zip(COLUMN_NAMES, rows[3], strict=True))
    assert (unassigned["service"], unassigned["avis"], unassigned["validation"]) == (
        None,
        "À instruire",
        "En cours d'instruction",
    )


def test_the_sheet_has_a_bold_frozen_filtered_header_and_column_widths(world):
    campaign, _instructor = world

    sheet = workbook(
        instruction_sheet_export(campaign=campaign, by=make_user(roles=(ADMINISTRATOR,)))
    )["instruction"]

    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:R4"
    assert sheet.column_dimensions["B"].width == 40
    assert sheet.column_dimensions["Q"].width == 50


def test_an_instructor_exports_only_the_proposals_of_their_services(world):
    campaign, instructor = world

    sheet = workbook(instruction_sheet_export(campaign=campaign, by=instructor))["instruction"]

    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert references == ["P-0001"]


@pytest.mark.parametrize("roles", [(MODERATOR,), ()])
def test_other_roles_cannot_export(world, roles):
    campaign, _instructor = world

    with pytest.raises(PermissionDenied):
        instruction_sheet_export(campaign=campaign, by=make_user(roles=roles))
