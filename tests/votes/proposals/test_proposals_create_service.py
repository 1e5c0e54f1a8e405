"""proposal_create: phase, account, categories and kinds, numbering, simulator sources, files."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from simulator.models import Scenario, ScenarioAdjustment
from tests.factories import make_budget, make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.proposals.models import Attachment, Proposal, ProposalAdjustment
from votes.proposals.services import proposal_create

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def setup(kind=Campaign.Kind.SAVINGS, **campaign_fields):
    campaign = make_campaign(kind=kind, **campaign_fields)
    category = make_category(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    return campaign, category, voter


def create(campaign, category, author, **fields):
    fields.setdefault("kind", Proposal.Kind.SAVING)
    fields.setdefault("title", "Fermer la piscine le lundi")
    fields.setdefault("description", "Moins d'heures d'ouverture.")
    return proposal_create(campaign=campaign, author=author, category=category, **fields)


def test_it_publishes_a_proposal_with_its_author_and_first_reference():
    campaign, category, voter = setup()
    commune = make_commune(campaign.authority)

    proposal = create(
        campaign,
        category,
        voter,
        estimate=Decimal("12000"),
        commune=commune,
        place="  Piscine municipale ",
    )

    proposal.refresh_from_db()
    assert proposal.reference == 1
    assert proposal.public_reference == "P-0001"
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.author == voter
    assert proposal.estimate == Decimal("12000")
    assert proposal.commune == commune
    assert proposal.place == "Piscine municipale"


@pytest.mark.parametrize(
    "phase",
    [p for p in Phase.values if p != Phase.PROPOSALS],
)
def test_it_refuses_a_proposal_outside_the_proposals_phase(phase):
    campaign, category, voter = setup(phase=phase)

    with pytest.raises(PhaseError) as refusal:
        create(campaign, category, voter)

    assert "Impossible de déposer une proposition" in refusal.value.messages[0]
    assert "Dépôt des propositions" in refusal.value.messages[0]
    assert Proposal.objects.count() == 0


def test_it_refuses_an_account_without_a_citizen_profile():
    campaign, category, _voter = setup()
    staff = make_user()

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, staff)

    assert "créez d'abord votre compte citoyen" in refusal.value.messages[0]
    assert Proposal.objects.count() == 0


def test_it_refuses_an_anonymous_author():
    campaign, category, _voter = setup()

    with pytest.raises(PermissionDenied):
        create(campaign, category, AnonymousUser())
    assert Proposal.objects.count() == 0


def test_references_follow_each_other_in_a_campaign_and_each_campaign_counts_alone():
    first, first_category, voter = setup()
    second = make_campaign(kind=Campaign.Kind.SAVINGS)
    second_category = make_category(second)

    a = create(first, first_category, voter)
    b = create(first, first_category, voter)
    c = create(second, second_category, voter)
    d = create(first, first_category, voter)

    assert [a.reference, b.reference, d.reference] == [1, 2, 3]
    assert c.reference == 1
    assert d.public_reference == "P-0003"


def test_the_next_reference_follows_the_highest_even_after_a_gap():
    campaign, category, voter = setup()
    make_proposal(campaign, reference=7, category=category)

    assert create(campaign, category, voter).reference == 8


def test_it_refuses_a_category_of_another_campaign():
    campaign, _category, voter = setup()
    other_category = make_category(make_campaign())

    with pytest.raises(ValidationError) as refusal:
        create(campaign, other_category, voter)

    assert refusal.value.message_dict["category"] == ["Choisissez une rubrique de cette campagne."]
    assert Proposal.objects.count() == 0


def test_it_refuses_a_negative_estimate():
    campaign, category, voter = setup()

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, estimate=Decimal("-1"))

    assert "ne peut pas être négative" in refusal.value.message_dict["estimate"][0]
    assert Proposal.objects.count() == 0


def test_it_refuses_a_commune_outside_the_territory():
    campaign, category, voter = setup()
    elsewhere = make_commune(make_campaign().authority)

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, commune=elsewhere)

    assert refusal.value.message_dict["commune"] == [
        "Choisissez une commune du territoire de la collectivité."
    ]
    assert Proposal.objects.count() == 0


def test_it_refuses_an_empty_title():
    campaign, category, voter = setup()

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, title="   ")

    assert "title" in refusal.value.message_dict
    assert Proposal.objects.count() == 0


# --- kinds --------------------------------------------------------------------------------


def test_a_projects_campaign_refuses_a_saving():
    campaign, category, voter = setup(kind=Campaign.Kind.PROJECTS)

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, kind=Proposal.Kind.SAVING)

    assert refusal.value.message_dict["kind"] == [
        "Cette campagne reçoit des projets, pas des économies."
    ]
    assert Proposal.objects.count() == 0


def test_a_savings_campaign_refuses_a_project():
    campaign, category, voter = setup(kind=Campaign.Kind.SAVINGS)

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, kind=Proposal.Kind.PROJECT)

    assert refusal.value.message_dict["kind"] == [
        "Cette campagne reçoit des économies, pas des projets."
    ]
    assert Proposal.objects.count() == 0


def test_a_mixed_campaign_takes_savings_in_a_target_category_and_projects_in_an_envelope_one():
    campaign, _category, voter = setup(kind=Campaign.Kind.MIXED)
    savings = make_category(campaign, savings_target=Decimal("50000"), envelope=None)
    projects = make_category(campaign, envelope=Decimal("80000"), savings_target=None)

    saving = create(campaign, savings, voter, kind=Proposal.Kind.SAVING)
    project = create(campaign, projects, voter, kind=Proposal.Kind.PROJECT)

    assert (saving.kind, project.kind) == (Proposal.Kind.SAVING, Proposal.Kind.PROJECT)


def test_a_mixed_campaign_refuses_a_project_in_a_savings_target_category():
    campaign, _category, voter = setup(kind=Campaign.Kind.MIXED)
    savings = make_category(campaign, name="Sobriété", savings_target=Decimal("1"), envelope=None)

    with pytest.raises(ValidationError) as refusal:
        create(campaign, savings, voter, kind=Proposal.Kind.PROJECT)

    assert refusal.value.message_dict["kind"] == [
        "La rubrique « Sobriété » a un objectif d'économies : elle reçoit des économies, "
        "pas des projets."
    ]
    assert Proposal.objects.count() == 0


def test_a_mixed_campaign_refuses_a_saving_in_an_envelope_category():
    campaign, _category, voter = setup(kind=Campaign.Kind.MIXED)
    projects = make_category(campaign, name="Parcs", envelope=Decimal("1"), savings_target=None)

    with pytest.raises(ValidationError) as refusal:
        create(campaign, projects, voter, kind=Proposal.Kind.SAVING)

    assert refusal.value.message_dict["kind"] == [
        "La rubrique « Parcs » a une enveloppe : elle reçoit des projets, pas des économies."
    ]
    assert Proposal.objects.count() == 0


# --- sources from the simulator -----------------------------------------------------------


def pool_campaign():
    budget, lines = pool_budget()
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.SAVINGS)
    return (
        campaign,
        make_category(campaign),
        make_voter(commune=make_commune(campaign.authority)),
        lines,
    )


def test_a_saving_from_a_measure_carries_a_copy_of_its_adjustments():
    campaign, category, voter, lines = pool_campaign()
    measure = make_measure(
        campaign.budget,
        lines["pool_staff"],
        slug="piscine",
        title="Fermer le lundi",
        amount=Decimal("-50000"),
        start_year=2,
        first_year_share=Decimal("0.5"),
    )

    proposal = create(campaign, category, voter, measure=measure)

    carried = list(ProposalAdjustment.objects.filter(proposal=proposal))
    assert len(carried) == 1
    assert carried[0].line == lines["pool_staff"]
    assert carried[0].amount == Decimal("-50000")
    assert carried[0].percent is None
    assert carried[0].start_year == 2
    assert carried[0].first_year_share == Decimal("0.5")
    assert proposal.measure == measure
    # A copy: the catalogue measure may change later, the proposal keeps what was proposed.
    measure.adjustments.update(amount=Decimal("-1"))
    assert ProposalAdjustment.objects.get(proposal=proposal).amount == Decimal("-50000")


def test_a_saving_from_a_scenario_carries_its_line_adjustments_and_its_measures():
    campaign, category, voter, lines = pool_campaign()
    measure = make_measure(
        campaign.budget, lines["electricity"], slug="led", title="LED", percent=Decimal("-20")
    )
    scenario = Scenario.objects.create(budget=campaign.budget, title="Notre table")
    scenario.measures.add(measure)
    ScenarioAdjustment.objects.create(scenario=scenario, line=lines["staff"], percent=Decimal("-5"))

    proposal = create(campaign, category, voter, scenario=scenario)

    carried = {(a.line_id, a.percent) for a in ProposalAdjustment.objects.filter(proposal=proposal)}
    assert carried == {
        (lines["staff"].pk, Decimal("-5.000")),
        (lines["electricity"].pk, Decimal("-20.000")),
    }


def test_it_refuses_a_measure_of_another_budget():
    campaign, category, voter, _lines = pool_campaign()
    other_budget, other_lines = pool_budget(authority=campaign.authority, year=2027)
    measure = make_measure(
        other_budget, other_lines["staff"], slug="x", title="X", amount=Decimal("-1")
    )

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, measure=measure)

    assert refusal.value.message_dict["measure"] == [
        "Cette mesure porte sur un autre budget que celui de la campagne."
    ]
    assert Proposal.objects.count() == 0
    assert ProposalAdjustment.objects.count() == 0


def test_it_refuses_a_scenario_of_another_budget():
    campaign, category, voter, _lines = pool_campaign()
    scenario = Scenario.objects.create(budget=make_budget(), title="Ailleurs")

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, scenario=scenario)

    assert refusal.value.message_dict["scenario"] == [
        "Ce scénario porte sur un autre budget que celui de la campagne."
    ]
    assert Proposal.objects.count() == 0


def test_a_project_cannot_carry_a_measure():
    budget, lines = pool_budget()
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.MIXED)
    category = make_category(campaign, envelope=Decimal("1000"), savings_target=None)
    voter = make_voter(outside_territory=True)
    measure = make_measure(budget, lines["staff"], slug="m", title="M", amount=Decimal("-1"))

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, kind=Proposal.Kind.PROJECT, measure=measure)

    assert refusal.value.message_dict["kind"] == [
        "Seule une économie peut reprendre un scénario ou une mesure du simulateur."
    ]
    assert Proposal.objects.count() == 0


# --- attachments --------------------------------------------------------------------------


def test_it_stores_images_and_pdf_recognised_by_their_content(tmp_path):
    campaign, category, voter = setup()
    files = [
        SimpleUploadedFile("photo.JPG", JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("plan.png", PNG, content_type="image/png"),
        SimpleUploadedFile("devis.pdf", PDF, content_type="application/pdf"),
    ]

    proposal = create(campaign, category, voter, attachments=files)

    stored = list(Attachment.objects.filter(proposal=proposal).order_by("id"))
    assert [(a.name, a.content_type, a.size) for a in stored] == [
        ("photo.JPG", "image/jpeg", len(JPEG)),
        ("plan.png", "image/png", len(PNG)),
        ("devis.pdf", "application/pdf", len(PDF)),
    ]
    assert len(stored_files(tmp_path)) == 3
    assert stored[1].file.read() == PNG


def test_it_recognises_webp():
    campaign, category, voter = setup()

    proposal = create(
        campaign,
        category,
        voter,
        attachments=[SimpleUploadedFile("vue.webp", WEBP, content_type="image/webp")],
    )

    assert proposal.attachments.get().content_type == "image/webp"


def test_it_refuses_a_file_whose_content_is_neither_an_image_nor_a_pdf(tmp_path):
    campaign, category, voter = setup()
    disguised = SimpleUploadedFile(
        "devis.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, attachments=[disguised])

    assert refusal.value.message_dict["attachments"] == [
        "« devis.pdf » n'est ni une image (JPEG, PNG, WebP) ni un PDF : son contenu ne "
        "correspond à aucun de ces formats."
    ]
    assert Proposal.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_it_refuses_a_file_whose_name_lies_about_its_content(tmp_path):
    campaign, category, voter = setup()

    with pytest.raises(ValidationError) as refusal:
        create(
            campaign,
            category,
            voter,
            attachments=[SimpleUploadedFile("photo.png", PDF, content_type="image/png")],
        )

    assert refusal.value.message_dict["attachments"] == [
        "« photo.png » : le nom du fichier ne correspond pas à son contenu (PDF) ; "
        "renommez-le en .pdf."
    ]
    assert Proposal.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_it_refuses_a_file_over_five_megabytes(tmp_path):
    campaign, category, voter = setup()
    big = SimpleUploadedFile("grand.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, attachments=[big])

    assert refusal.value.message_dict["attachments"] == [
        "« grand.png » pèse 5,0 Mo : 5 Mo au plus par fichier."
    ]
    assert Proposal.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_it_refuses_a_fourth_file_and_writes_none(tmp_path):
    campaign, category, voter = setup()
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(4)]

    with pytest.raises(ValidationError) as refusal:
        create(campaign, category, voter, attachments=files)

    assert refusal.value.message_dict["attachments"] == [
        "3 pièces jointes au plus par proposition (vous en envoyez 4)."
    ]
    assert Proposal.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []
