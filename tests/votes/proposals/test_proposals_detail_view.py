"""The proposal page: facts, sanitised description, visibility, instruction, impacts, files."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Attachment, ModerationAction, Proposal
from votes.proposals.services import proposal_create

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"


def euros(text: str) -> str:
    """The money filter's French format: narrow spaces between thousands, € after a space."""
    return text.replace(" ", NNBSP) + f"{NBSP}€"


def test_it_shows_the_facts_with_the_pseudonym_and_never_the_email(client):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS)
    category = make_category(campaign, name="Parcs et jardins")
    commune = make_commune(campaign.authority, name="Saint-Lorme")
    author = make_voter(commune=commune, pseudonym="Mésange", email="mesange@example.org")
    proposal = make_proposal(
        campaign,
        category=category,
        author=author,
        title="Un verger partagé",
        estimate=Decimal("25000"),
        commune=commune,
        place="Square Jean-Moulin",
    )

    response = client.get(proposal.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "P-0001 · Un verger partagé" in content
    assert "Mésange" in content
    assert "mesange@example.org" not in content
    assert "Parcs et jardins" in content
    assert "Projet" in content
    assert euros("25 000") in content
    assert "Saint-Lorme" in content
    assert "Square Jean-Moulin" in content


def test_a_deleted_account_shows_as_such(client):
    proposal = make_proposal(make_campaign(), author=None)

    assert "compte supprimé" in client.get(proposal.get_absolute_url()).content.decode()


def test_the_description_is_rendered_and_script_and_javascript_links_are_neutralised(client):
    proposal = make_proposal(
        make_campaign(),
        description=(
            "**Important**\n\n<script>alert('x')</script>\n\n"
            "[cliquez](javascript:alert(1)) <img src=x onerror=alert(2)>"
        ),
    )

    content = client.get(proposal.get_absolute_url()).content.decode()

    assert "<strong>Important</strong>" in content
    assert "alert('x')" not in content
    assert "javascript:" not in content
    assert "onerror" not in content
    assert "<script>alert" not in content


def test_a_hidden_proposal_is_a_404_for_the_public_and_other_citizens(client):
    proposal = make_proposal(make_campaign(), status=Proposal.Status.HIDDEN)

    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(make_voter(outside_territory=True))
    assert client.get(proposal.get_absolute_url()).status_code == 404


def test_moderators_see_a_hidden_proposal_with_the_reason(client):
    moderator = make_user(roles=("moderator",))
    proposal = make_proposal(make_campaign(), status=Proposal.Status.HIDDEN)
    ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action="hide", reason="Données personnelles"
    )
    client.force_login(moderator)

    response = client.get(proposal.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "masquée par la modération" in content
    assert "Motif : Données personnelles" in content
    assert "Rétablir la proposition" in content


def test_the_author_sees_their_hidden_proposal_with_the_reason(client):
    author = make_voter(outside_territory=True)
    proposal = make_proposal(make_campaign(), status=Proposal.Status.HIDDEN, author=author)
    ModerationAction.objects.create(
        proposal=proposal, moderator=make_user(), action="hide", reason="Hors sujet"
    )
    client.force_login(author)

    response = client.get(proposal.get_absolute_url())

    assert response.status_code == 200
    assert "Motif : Hors sujet" in response.content.decode()
    assert "Masquer la proposition" not in response.content.decode()


def test_a_withdrawn_proposal_stays_readable_with_a_notice(client):
    proposal = make_proposal(make_campaign(), status=Proposal.Status.WITHDRAWN)

    response = client.get(proposal.get_absolute_url())

    assert "retirée par son auteur" in response.content.decode()


def test_an_unknown_reference_is_a_404(client):
    campaign = make_campaign()

    url = reverse("votes:proposal", kwargs={"slug": campaign.slug, "reference": 99})
    assert client.get(url).status_code == 404


def test_a_proposal_of_a_draft_campaign_is_a_404(client):
    proposal = make_proposal(make_campaign(phase=Phase.DRAFT))

    assert client.get(proposal.get_absolute_url()).status_code == 404


# --- instruction ----------------------------------------------------------------------------


def instructed(phase: str, validation: str) -> Proposal:
    proposal = make_proposal(make_campaign(phase=phase))
    make_instruction(
        proposal,
        status=Instruction.Status.NOT_FEASIBLE,
        public_reasoning="La salle est classée monument historique.",
        internal_notes="NOTE-INTERNE-SECRETE",
        instructed_cost=Decimal("480000"),
        validation=validation,
    )
    return proposal


def test_a_validated_instruction_is_public_once_the_instruction_phase_is_over(client):
    proposal = instructed(Phase.VOTING, Instruction.Validation.VALIDATED)

    content = client.get(proposal.get_absolute_url()).content.decode()

    assert "Instruction par les services" in content
    assert "Non faisable" in content
    assert "La salle est classée monument historique." in content
    assert euros("480 000") in content
    assert "NOTE-INTERNE-SECRETE" not in content


@pytest.mark.parametrize(
    ("phase", "validation"),
    [
        (Phase.INSTRUCTION, Instruction.Validation.VALIDATED),
        (Phase.VOTING, Instruction.Validation.SUBMITTED),
        (Phase.COUNCIL, Instruction.Validation.RETURNED),
    ],
)
def test_an_instruction_stays_private_before_its_time_or_without_validation(
    client, phase, validation
):
    proposal = instructed(phase, validation)

    content = client.get(proposal.get_absolute_url()).content.decode()

    assert "La salle est classée monument historique." not in content
    assert "NOTE-INTERNE-SECRETE" not in content


def test_internal_notes_never_show_even_to_the_team(client):
    proposal = instructed(Phase.VOTING, Instruction.Validation.VALIDATED)
    client.force_login(make_user(roles=("administrator",)))

    assert "NOTE-INTERNE-SECRETE" not in client.get(proposal.get_absolute_url()).content.decode()


# --- linked impacts of a saving, computed by the engine --------------------------------------


def test_a_saving_from_a_measure_shows_the_engine_direct_and_induced_effects(client):
    budget, lines = pool_budget()
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.SAVINGS)
    category = make_category(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    measure = make_measure(
        budget,
        lines["pool_staff"],
        slug="piscine",
        title="Fermer la piscine le lundi",
        amount=Decimal("-40000"),
    )
    proposal = proposal_create(
        campaign=campaign,
        author=voter,
        category=category,
        kind=Proposal.Kind.SAVING,
        title="Fermer le lundi",
        description="Une journée de moins.",
        measure=measure,
    )

    response = client.get(proposal.get_absolute_url())

    content = response.content.decode()
    # By hand: 40 000 less staff is a direct saving of 40 000; the rule pool staff → tickets
    # (× 0.1) loses 4 000 of ticket revenue: an induced cost; net 36 000 a year.
    assert "Effets sur le budget, calculés par le simulateur" in content
    assert euros("40 000") in content
    assert f"−{euros('4 000')}" in content
    assert euros("36 000") in content
    years = response.context["impact_years"]
    assert [round(y["net"]) for y in years] == [36000, 36000, 36000]
    assert [round(y["induced"]) for y in years] == [-4000, -4000, -4000]
    codes = [line["code"] for line in response.context["impact_lines"]]
    assert codes == sorted([lines["pool_staff"].code, lines["tickets"].code])
    assert 'id="chart-waterfall"' in content
    assert "vendor/plotly-arbitrages.min.js" in content


def test_a_saving_whose_adjustments_no_longer_fit_the_budget_says_so(client):
    budget, lines = pool_budget()
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.SAVINGS)
    proposal = make_proposal(campaign)
    # Below the pool staff's legal floor (100 000): the engine refuses.
    proposal.adjustments.create(line=lines["pool_staff"], amount=Decimal("-250000"))

    response = client.get(proposal.get_absolute_url())

    assert response.status_code == 200
    assert "Le simulateur ne peut plus calculer ces ajustements" in response.content.decode()
    assert response.context["impact_errors"]


def test_a_proposal_without_adjustments_has_no_impact_section(client):
    proposal = make_proposal(make_campaign())

    response = client.get(proposal.get_absolute_url())

    assert "Effets sur le budget" not in response.content.decode()
    assert "plotly-arbitrages.min.js" not in response.content.decode()


# --- attachments ---------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(proposal: Proposal, content: bytes = b"%PDF-1.4 devis") -> Attachment:
    attachment = Attachment(
        proposal=proposal, name="devis.pdf", content_type="application/pdf", size=len(content)
    )
    attachment.file.save("abc.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


def attachment_url(attachment: Attachment) -> str:
    proposal = attachment.proposal
    return reverse(
        "votes:proposal_attachment",
        kwargs={
            "slug": proposal.campaign.slug,
            "reference": proposal.reference,
            "pk": attachment.pk,
        },
    )


def test_attachments_are_listed_and_served_with_their_type(client, media):
    attachment = attach(make_proposal(make_campaign()))

    page = client.get(attachment.proposal.get_absolute_url()).content.decode()
    response = client.get(attachment_url(attachment))

    assert "devis.pdf" in page
    assert attachment_url(attachment) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 devis"


def test_attachments_of_a_hidden_proposal_are_hidden_too(client, media):
    attachment = attach(make_proposal(make_campaign(), status=Proposal.Status.HIDDEN))

    assert client.get(attachment_url(attachment)).status_code == 404


def test_an_attachment_of_another_proposal_is_a_404(client, media):
    campaign = make_campaign()
    attachment = attach(make_proposal(campaign))
    other = make_proposal(campaign)

    url = reverse(
        "votes:proposal_attachment",
        kwargs={"slug": campaign.slug, "reference": other.reference, "pk": attachment.pk},
    )
    assert client.get(url).status_code == 404
