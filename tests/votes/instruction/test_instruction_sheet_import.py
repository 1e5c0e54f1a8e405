"""instruction_sheet_import: an edited sheet applied all or nothing, with row-level errors."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR
from tests.factories import make_user
from tests.simulator.factories import pool_budget
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.history import REASON_IMPORT
from votes.instruction.models import Instruction
from votes.instruction.sheet import COLUMN_NAMES
from votes.instruction.sheet_services import instruction_sheet_export, instruction_sheet_import
from votes.proposals.models import Proposal, ProposalAdjustment

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION, budget=None):
        extra = {"budget": budget} if budget else {}
        self.campaign = make_campaign(phase=phase, kind=Campaign.Kind.MIXED, **extra)
        self.admin = make_user(roles=(ADMINISTRATOR,))
        self.instructor = make_user(roles=(INSTRUCTOR,))
        self.roads = make_service(self.campaign.authority, name="Voirie", members=[self.instructor])
        self.sport = make_service(self.campaign.authority, name="Sports")
        # P-0001: a project of the instructor's service; P-0002: a saving of another service.
        self.project = make_proposal(self.campaign, kind=Proposal.Kind.PROJECT, service=self.roads)
        self.saving = make_proposal(self.campaign, kind=Proposal.Kind.SAVING, service=self.sport)
        for proposal in (self.project, self.saving):
            make_instruction(proposal, status=Status.TO_INSTRUCT, public_reasoning="")

    def export(self) -> bytes:
        return instruction_sheet_export(campaign=self.campaign, by=self.admin)

    def snapshot(self) -> list[tuple]:
        return list(
            Instruction.objects.order_by("pk").values_list(
                "status",
                "instructed_cost",
                "cost_schedule",
                "instructed_saving",
                "public_reasoning",
                "internal_notes",
                "validation",
            )
        )


def edited(data: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    """The sheet with some cells changed: {(row number, column name): value}."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["instruction"]
    for (row, name), value in changes.items():
        sheet.cell(row=row, column=COLUMN_NAMES.index(name) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_bytes(header: list[str], rows: list[list], title: str = "instruction") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def messages(report) -> list[str]:
    return [error.message for error in report.errors]


def test_an_instructor_imports_the_verdicts_of_their_service():
    world = World()
    data = edited(
        world.export(),
        {
            (2, "avis"): "faisable",
            (2, "cout_instruit"): "120 000,50",
            (2, "echeancier"): "2027 : 100 000 ; 2028 : 20 000,50",
            (2, "cout_fonctionnement_annuel"): 4000,
            (2, "duree"): "1 an",
            (2, "notes_internes"): "Chiffrage du bureau d'études.",
        },
    )

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.instructor)

    assert report.ok, messages(report)
    assert report.updated == ["P-0001"]
    assert report.unchanged == 1
    instruction = Instruction.objects.get(proposal=world.project)
    assert instruction.status == Status.FEASIBLE
    assert instruction.instructed_cost == Decimal("120000.50")
    assert instruction.cost_schedule == {"2027": "100000.00", "2028": "20000.50"}
    assert instruction.induced_operating_cost == Decimal("4000")
    assert instruction.duration == "1 an"
    assert instruction.internal_notes == "Chiffrage du bureau d'études."
    assert instruction.instructed_by == world.instructor
    latest = instruction.history.first()
    assert (latest.history_change_reason, latest.history_user) == (REASON_IMPORT, world.instructor)


def test_an_unchanged_export_imports_without_touching_anything():
    world = World()
    Instruction.objects.filter(proposal=world.saving).update(
        status=Status.FEASIBLE, instructed_saving=10, validation=Validation.VALIDATED
    )
    before = world.snapshot()

    report = instruction_sheet_import(
        campaign=world.campaign, data=world.export(), by=world.instructor
    )

    assert report.ok
    assert (report.updated, report.unchanged) == ([], 2)
    assert world.snapshot() == before


def test_an_administrator_may_import_for_any_service():
    world = World()
    data = edited(
        world.export(),
        {(3, "avis"): "Non faisable", (3, "motivation_publique"): "Hors budget."},
    )

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert report.ok, messages(report)
    assert Instruction.objects.get(proposal=world.saving).status == Status.NOT_FEASIBLE


def test_the_engine_computes_the_saving_of_a_saving_with_adjustments():
    budget, lines = pool_budget()
    world = World(budget=budget)
    ProposalAdjustment.objects.create(
        proposal=world.saving, line=lines["pool_staff"], percent=Decimal("-10")
    )
    data = edited(world.export(), {(3, "avis"): "Faisable", (3, "economie_nette_annuelle"): 1})

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    # 300 000 × 10 % = 30 000 direct, minus 10 % of it in lost tickets: 27 000 net.
    assert report.ok, messages(report)
    instruction = Instruction.objects.get(proposal=world.saving)
    assert (
        instruction.instructed_saving,
        instruction.direct_saving,
        instruction.induced_saving,
    ) == (
        Decimal("27000.00"),
        Decimal("30000.00"),
        Decimal("-3000.00"),
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {(2, "reference"): "P-0099"},
            "Ligne 2, colonne reference : la proposition P-0099 n'existe pas dans cette campagne.",
        ),
        (
            {(2, "reference"): "quarante-deux"},
            "Ligne 2, colonne reference : « quarante-deux » n'est pas une référence de "
            "proposition (par exemple P-0042).",
        ),
        (
            {(2, "avis"): "Peut-être"},
            "Ligne 2, colonne avis : « Peut-être » n'est pas un avis reconnu (attendu : "
            "« À instruire », « Faisable », « Faisable sous conditions », « Non faisable », "
            "« Hors compétence de la collectivité »).",
        ),
        (
            {(2, "avis"): "Faisable", (2, "cout_instruit"): "beaucoup"},
            "Ligne 2, colonne cout_instruit : « beaucoup » n'est pas un montant.",
        ),
        (
            {(2, "avis"): "Faisable", (2, "cout_instruit"): -5},
            "Ligne 2, colonne cout_instruit : « -5 » est négatif.",
        ),
        (
            {(2, "avis"): "Non faisable", (2, "motivation_publique"): None},
            "Ligne 2, colonne motivation_publique : La motivation publique est obligatoire "
            "pour l'avis « Non faisable » : l'auteur et les citoyens la liront.",
        ),
        (
            {(2, "avis"): "Faisable"},
            "Ligne 2, colonne cout_instruit : Le coût instruit est obligatoire pour un projet "
            "faisable.",
        ),
        (
            {(2, "avis"): "Faisable", (2, "cout_instruit"): 100, (2, "echeancier"): "2027 : 90"},
            "Ligne 2, colonne echeancier : Le total de l'échéancier (90\u00a0€) ne correspond "
            "pas au coût instruit (100\u00a0€).",
        ),
        (
            {
                (2, "avis"): "Faisable",
                (2, "cout_instruit"): 100,
                (2, "echeancier"): "l'an prochain",
            },
            "Ligne 2, colonne echeancier : « l'an prochain » n'est pas de la forme "
            "« année : montant ».",
        ),
        (
            {(3, "avis"): "Faisable", (3, "economie_nette_annuelle"): 10},
            "Ligne 3, colonne reference : la proposition P-0002 est attribuée au service "
            "« Sports », dont vous n'êtes pas membre : seuls ses instructeurs peuvent la "
            "modifier.",
        ),
    ],
)
def test_every_bad_row_is_refused_with_its_place_and_nothing_is_written(changes, expected):
    world = World()
    # A good change on another row must not be written either: all or nothing.
    good = (
        {(2, "notes_internes"): "À revoir."}
        if changes.keys().isdisjoint({(2, "reference")})
        else {}
    )
    data = edited(world.export(), {**good, **changes})
    before = world.snapshot()

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.instructor)

    assert messages(report) == [expected]
    assert report.updated == []
    assert world.snapshot() == before


@pytest.mark.parametrize(
    ("validation", "expected"),
    [
        (
            Validation.VALIDATED,
            "Ligne 2, colonne reference : l'instruction de P-0001 est déjà validée par la "
            "direction des finances : elle ne peut plus être modifiée.",
        ),
        (
            Validation.SUBMITTED,
            "Ligne 2, colonne reference : l'instruction de P-0001 est soumise à la direction "
            "des finances : attendez sa validation ou son renvoi.",
        ),
    ],
)
def test_a_validated_or_submitted_instruction_is_not_changed_by_import(validation, expected):
    world = World()
    Instruction.objects.filter(proposal=world.project).update(
        status=Status.FEASIBLE, instructed_cost=100, validation=validation
    )
    data = edited(world.export(), {(2, "cout_instruit"): 200})
    before = world.snapshot()

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == [expected]
    assert world.snapshot() == before


def test_a_proposal_without_service_is_refused():
    world = World()
    make_proposal(world.campaign)  # P-0003, never assigned
    data = edited(world.export(), {(4, "avis"): "Faisable", (4, "cout_instruit"): 1})

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == [
        "Ligne 4, colonne reference : la proposition P-0003 n'est attribuée à aucun service."
    ]
    assert not Instruction.objects.filter(proposal__reference=3).exists()


def test_a_reference_given_twice_is_refused():
    world = World()
    data = edited(world.export(), {(3, "reference"): "P-0001"})

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == [
        "Ligne 3, colonne reference : la proposition « P-0001 » figure déjà à la ligne 2."
    ]


def test_every_problem_of_the_file_is_listed_at_once():
    world = World()
    data = edited(
        world.export(),
        {(2, "avis"): "Bof", (3, "avis"): "Faisable", (3, "economie_nette_annuelle"): "x"},
    )

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert [(error.row, error.column) for error in report.errors] == [
        (2, "avis"),
        (3, "economie_nette_annuelle"),
    ]


def test_a_missing_required_column_is_refused():
    world = World()
    data = sheet_bytes(["reference", "motivation_publique"], [["P-0001", "Vu."]])

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == ["Ligne 1, colonne avis : colonne obligatoire absente de l'en-tête."]


def test_a_sheet_with_only_some_columns_keeps_the_others():
    world = World()
    Instruction.objects.filter(proposal=world.project).update(internal_notes="Garder.")
    data = sheet_bytes(["Reference", "AVIS", "cout_instruit"], [["1", "Faisable", "5000"]])

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.instructor)

    assert report.ok, messages(report)
    instruction = Instruction.objects.get(proposal=world.project)
    assert (instruction.status, instruction.instructed_cost, instruction.internal_notes) == (
        Status.FEASIBLE,
        Decimal("5000"),
        "Garder.",
    )


def test_a_workbook_without_the_instruction_sheet_is_refused():
    world = World()
    data = sheet_bytes(["reference", "avis"], [["P-0001", "Faisable"]], title="Feuil1")

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == [
        "Colonne instruction : la feuille « instruction » est absente du classeur."
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Le fichier est vide."),
        (
            b"reference;avis\nP-0001;Faisable\n",
            "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible "
            "(archive endommagée, classeur protégé par mot de passe ou autre format).",
        ),
    ],
)
def test_an_empty_or_unreadable_file_is_refused(data, expected):
    world = World()
    before = world.snapshot()

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert messages(report) == [expected]
    assert world.snapshot() == before


def test_a_file_too_large_is_refused(settings):
    settings.BUDGET_IMPORT_MAX_BYTES = 100
    world = World()

    report = instruction_sheet_import(campaign=world.campaign, data=world.export(), by=world.admin)

    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("Le fichier pèse")


def test_finance_cannot_import_figures():
    world = World()
    data = edited(world.export(), {(2, "avis"): "Faisable", (2, "cout_instruit"): 1})

    with pytest.raises(PermissionDenied):
        instruction_sheet_import(campaign=world.campaign, data=data, by=make_user(roles=(FINANCE,)))

    assert Instruction.objects.get(proposal=world.project).status == Status.TO_INSTRUCT


def test_importing_is_phase_gated():
    world = World(phase=Phase.VOTING)
    data = edited(world.export(), {(2, "avis"): "Faisable", (2, "cout_instruit"): 1})

    with pytest.raises(PhaseError):
        instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)

    assert Instruction.objects.get(proposal=world.project).status == Status.TO_INSTRUCT


def test_a_saving_typed_on_a_project_row_is_not_read():
    world = World()
    before = world.snapshot()
    data = edited(world.export(), {(2, "economie_nette_annuelle"): 5000})

    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.instructor)

    assert (report.updated, report.unchanged) == ([], 2)
    assert world.snapshot() == before
