"""The deposit screen: login, citizen account, phase, form errors in place, simulator prefill."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simulator.models import Scenario
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from votes.campaigns.models import Campaign, Phase
from votes.proposals.models import Attachment, Proposal, ProposalAdjustment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(campaign) -> str:
    return reverse("votes:proposal_create", kwargs={"slug": campaign.slug})


def setup(**campaign_fields):
    campaign_fields.setdefault("kind", Campaign.Kind.SAVINGS)
    campaign = make_campaign(**campaign_fields)
    category = make_category(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    return campaign, category, voter


def valid_data(category, **extra) -> dict:
    data = {
        "kind": Proposal.Kind.SAVING,
        "title": "Éteindre l'éclairage de 1 h à 5 h",
        "category": category.pk,
        "description": "Comme les communes voisines.",
        "estimate": "12 000,50",
        "commune": "",
        "place": "",
    }
    data.update(extra)
    return data


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    campaign, category, _voter = setup()

    response = client.post(url(campaign), valid_data(category))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    assert Proposal.objects.count() == 0


def test_an_account_without_a_citizen_profile_is_pointed_to_sign_up(client):
    campaign, category, _voter = setup()
    client.force_login(make_user())

    response = client.post(url(campaign), valid_data(category))

    assert response.status_code == 200
    assert "il faut un compte citoyen" in response.content.decode()
    assert reverse("votes:account_signup") in response.content.decode()
    assert Proposal.objects.count() == 0


def test_a_citizen_publishes_a_proposal_and_lands_on_its_page(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(category))

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.author == voter
    # French decimal comma and thousands separator are understood.
    assert proposal.estimate == Decimal("12000.50")
    assert proposal.reference == 1


def test_the_form_is_not_shown_outside_the_proposals_phase(client):
    campaign, _category, voter = setup(phase=Phase.SUPPORTS, supports_enabled=True)
    client.force_login(voter)

    response = client.get(url(campaign))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Impossible de déposer une proposition" in content
    assert '<form method="post" enctype' not in content


def test_a_post_outside_the_proposals_phase_is_refused_with_the_message(client):
    campaign, category, voter = setup(phase=Phase.INSTRUCTION)
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(category))

    assert response.status_code == 200
    assert "Impossible de déposer une proposition" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_an_empty_title_is_refused_in_place(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(category, title=""))

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Ce champ est obligatoire."]
    assert "La proposition n'est pas enregistrée" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_a_negative_estimate_is_refused_in_place(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(category, estimate="-5"))

    assert response.context["form"].errors["estimate"] == [
        "L'estimation ne peut pas être négative : indiquez un montant positif ou nul."
    ]
    assert Proposal.objects.count() == 0


def test_a_category_of_another_campaign_is_refused_in_place(client):
    campaign, _category, voter = setup()
    foreign = make_category(make_campaign())
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(foreign))

    assert response.context["form"].errors["category"] == [
        "Choisissez une rubrique de cette campagne."
    ]
    assert Proposal.objects.count() == 0


def test_a_wrong_type_attachment_is_refused_in_place_and_nothing_is_written(client, tmp_path):
    campaign, category, voter = setup()
    client.force_login(voter)
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")

    response = client.post(url(campaign), {**valid_data(category), "attachments": [fake]})

    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert errors == [
        "« photo.jpg » n'est ni une image (JPEG, PNG, WebP) ni un PDF : son contenu ne "
        "correspond à aucun de ces formats."
    ]
    assert Proposal.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_oversized_attachment_is_refused_in_place(client, tmp_path):
    campaign, category, voter = setup()
    client.force_login(voter)
    big = SimpleUploadedFile("plan.png", PNG + b"\x00" * (6 * 1024 * 1024), "image/png")

    response = client.post(url(campaign), {**valid_data(category), "attachments": [big]})

    assert response.context["form"].errors["attachments"] == [
        "« plan.png » pèse 6,0 Mo : 5 Mo au plus par fichier."
    ]
    assert Proposal.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_attachments_are_stored_with_the_proposal(client, tmp_path):
    campaign, category, voter = setup()
    client.force_login(voter)
    files = [SimpleUploadedFile(f"plan{i}.png", PNG, "image/png") for i in range(2)]

    client.post(url(campaign), {**valid_data(category), "attachments": files})

    proposal = Proposal.objects.get()
    assert sorted(proposal.attachments.values_list("name", flat=True)) == ["plan0.png", "plan1.png"]
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 2


def test_a_draft_campaign_does_not_exist_for_citizens(client):
    campaign, _category, voter = setup(phase=Phase.DRAFT)
    client.force_login(voter)

    assert client.get(url(campaign)).status_code == 404


def test_a_mixed_campaign_asks_for_the_kind(client):
    campaign, _category, voter = setup(kind=Campaign.Kind.MIXED)
    client.force_login(voter)

    response = client.get(url(campaign))

    content = response.content.decode()
    assert 'type="radio" name="kind" value="project"' in content
    assert 'type="radio" name="kind" value="saving"' in content


# --- prefill from the simulator -----------------------------------------------------------


def pool_setup():
    budget, lines = pool_budget()
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.SAVINGS)
    category = make_category(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    return campaign, category, voter, lines


def test_a_measure_prefills_the_form_with_its_title_and_full_year_saving(client):
    campaign, _category, voter, lines = pool_setup()
    make_measure(
        campaign.budget,
        lines["pool_staff"],
        slug="piscine",
        title="Piscine",
        amount=Decimal("-50000"),
    )
    client.force_login(voter)

    response = client.get(url(campaign) + "?mesure=piscine")

    form = response.context["form"]
    assert form.initial["title"] == "Piscine"
    assert form.initial["measure"] == "piscine"
    # 50 000 less pool staff, minus the 10 % of ticket revenue the rule takes away.
    assert form.initial["estimate"] == Decimal(50000 - 5000)
    assert "reprendra les ajustements de « Piscine »" in response.content.decode()


def test_posting_from_a_measure_creates_a_saving_carrying_its_adjustments(client):
    campaign, category, voter, lines = pool_setup()
    make_measure(
        campaign.budget,
        lines["pool_staff"],
        slug="piscine",
        title="Piscine",
        amount=Decimal("-50000"),
    )
    client.force_login(voter)

    client.post(url(campaign), valid_data(category, measure="piscine"))

    proposal = Proposal.objects.get()
    assert proposal.measure.slug == "piscine"
    adjustment = ProposalAdjustment.objects.get(proposal=proposal)
    assert (adjustment.line_id, adjustment.amount) == (lines["pool_staff"].pk, Decimal("-50000"))


def test_a_shared_scenario_prefills_the_form(client):
    campaign, _category, voter, lines = pool_setup()
    measure = make_measure(
        campaign.budget, lines["electricity"], slug="led", title="LED", amount=Decimal("-20000")
    )
    scenario = Scenario.objects.create(budget=campaign.budget, title="Table 3")
    scenario.measures.add(measure)
    client.force_login(voter)

    response = client.get(url(campaign) + f"?scenario={scenario.share_token}")

    form = response.context["form"]
    assert form.initial["title"] == "Table 3"
    assert form.initial["scenario"] == str(scenario.share_token)
    assert form.initial["estimate"] == Decimal(20000)


def test_an_unknown_measure_is_announced_and_nothing_is_prefilled(client):
    campaign, _category, voter, _lines = pool_setup()
    client.force_login(voter)

    response = client.get(url(campaign) + "?mesure=inconnue", follow=True)

    assert "Cette mesure n'existe pas dans le budget de la campagne." in [
        str(m) for m in response.context["messages"]
    ]
    assert "measure" not in response.context["form"].initial


def test_a_malformed_scenario_token_is_refused_in_place(client):
    campaign, category, voter, _lines = pool_setup()
    client.force_login(voter)

    response = client.post(url(campaign), valid_data(category, scenario="pas-un-uuid"))

    assert response.context["form"].errors["scenario"] == ["Ce lien de scénario n'est pas valable."]
    assert Proposal.objects.count() == 0


def test_a_malformed_scenario_link_is_announced_and_nothing_is_prefilled(client):
    campaign, _category, voter, _lines = pool_setup()
    client.force_login(voter)

    response = client.get(url(campaign) + "?scenario=pas-un-uuid")

    assert "Ce scénario n'existe pas pour le budget de la campagne." in [
        str(m) for m in response.context["messages"]
    ]
    assert "scenario" not in response.context["form"].initial


def test_a_scenario_of_another_budget_is_not_prefilled(client):
    campaign, _category, voter, _lines = pool_setup()
    elsewhere = Scenario.objects.create(budget=pool_budget()[0], title="Ailleurs")
    client.force_login(voter)

    response = client.get(url(campaign) + f"?scenario={elsewhere.share_token}")

    assert "scenario" not in response.context["form"].initial
