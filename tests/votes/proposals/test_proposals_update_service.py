"""proposal_update: only the author, only while proposals are open, same checks as a deposit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.proposals.models import Attachment, Proposal
from votes.proposals.services import proposal_update

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def setup(**campaign_fields):
    campaign = make_campaign(**campaign_fields)
    author = make_voter(commune=make_commune(campaign.authority))
    proposal = make_proposal(campaign, author=author, title="Avant", description="Texte")
    return campaign, author, proposal


def update(proposal, user, **fields):
    fields.setdefault("category", proposal.category)
    fields.setdefault("title", "Après")
    fields.setdefault("description", "Nouveau texte")
    return proposal_update(proposal=proposal, user=user, **fields)


def test_the_author_edits_their_proposal():
    campaign, author, proposal = setup()
    other_category = make_category(campaign)

    update(proposal, author, category=other_category, estimate=Decimal("900"), place="Mairie")

    proposal.refresh_from_db()
    assert (proposal.title, proposal.description) == ("Après", "Nouveau texte")
    assert proposal.category == other_category
    assert proposal.estimate == Decimal("900")
    assert proposal.place == "Mairie"
    assert proposal.reference == 1


def test_nobody_else_edits_it():
    campaign, _author, proposal = setup()
    intruder = make_voter(commune=make_commune(campaign.authority))

    with pytest.raises(PermissionDenied):
        update(proposal, intruder)

    proposal.refresh_from_db()
    assert proposal.title == "Avant"


@pytest.mark.parametrize("phase", [Phase.SUPPORTS, Phase.INSTRUCTION, Phase.VOTING])
def test_it_refuses_an_edit_after_the_proposals_phase(phase):
    _campaign, author, proposal = setup(phase=phase, supports_enabled=True)

    with pytest.raises(PhaseError) as refusal:
        update(proposal, author)

    assert "Impossible de modifier une proposition" in refusal.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_it_refuses_to_edit_a_withdrawn_proposal():
    _campaign, author, proposal = setup()
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN)
    proposal.refresh_from_db()

    with pytest.raises(ValidationError) as refusal:
        update(proposal, author)

    assert refusal.value.messages == ["Une proposition retirée ne peut plus être modifiée."]
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_it_refuses_a_category_of_another_campaign_and_a_negative_estimate():
    _campaign, author, proposal = setup()
    foreign = make_category(make_campaign())

    with pytest.raises(ValidationError) as refusal:
        update(proposal, author, category=foreign, estimate=Decimal("-3"))

    assert refusal.value.message_dict["category"] == ["Choisissez une rubrique de cette campagne."]
    assert "négative" in refusal.value.message_dict["estimate"][0]
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_in_a_mixed_campaign_a_saving_cannot_move_to_an_envelope_category():
    campaign = make_campaign(kind=Campaign.Kind.MIXED)
    author = make_voter(outside_territory=True)
    savings = make_category(campaign, savings_target=Decimal("1"), envelope=None)
    projects = make_category(campaign, name="Parcs", envelope=Decimal("1"), savings_target=None)
    proposal = make_proposal(campaign, author=author, category=savings, kind="saving")

    with pytest.raises(ValidationError) as refusal:
        update(proposal, author, category=projects)

    assert refusal.value.message_dict["category"] == [
        "La rubrique « Parcs » a une enveloppe : elle reçoit des projets, pas des économies."
    ]
    proposal.refresh_from_db()
    assert proposal.category == savings


def existing_attachment(proposal, name="a.png") -> Attachment:
    attachment = Attachment(proposal=proposal, name=name, content_type="image/png", size=len(PNG))
    attachment.file.save(name, ContentFile(PNG), save=False)
    attachment.save()
    return attachment


def test_new_files_count_with_the_ones_already_attached():
    _campaign, author, proposal = setup()
    for i in range(2):
        existing_attachment(proposal, f"{i}.png")
    files = [SimpleUploadedFile(f"n{i}.png", PNG, "image/png") for i in range(2)]

    with pytest.raises(ValidationError) as refusal:
        update(proposal, author, attachments=files)

    assert refusal.value.message_dict["attachments"] == [
        "3 pièces jointes au plus par proposition (vous en envoyez 4)."
    ]
    assert proposal.attachments.count() == 2
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_removing_a_file_makes_room_for_a_new_one(django_capture_on_commit_callbacks, tmp_path):
    _campaign, author, proposal = setup()
    old = [existing_attachment(proposal, f"{i}.png") for i in range(3)]
    old_path = old[0].file.path
    assert (tmp_path / old_path).exists()

    with django_capture_on_commit_callbacks(execute=True):
        update(
            proposal,
            author,
            attachments=[SimpleUploadedFile("nouveau.png", PNG, "image/png")],
            remove_attachments=[old[0]],
        )

    assert sorted(proposal.attachments.values_list("name", flat=True)) == [
        "1.png",
        "2.png",
        "nouveau.png",
    ]
    assert not (tmp_path / old_path).exists()
