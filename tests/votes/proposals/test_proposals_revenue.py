"""Revenue proposals: a citizen proposes a higher tariff or rate (a lever of the budget); the
services instruct it like a saving (the engine's net gain); it goes on the ballot of a
savings category and counts toward the savings target."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Budget
from budget.roles import FINANCE, INSTRUCTOR
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget, with_levers
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_service,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.finance import instruction_validate
from votes.instruction.instructing import instruction_save, instruction_submit
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.proposals.savings import proposal_simulation
from votes.proposals.services import proposal_create
from votes.results.services import campaign_tally
from votes.voting.ballots import ballot_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    budget, lines = with_levers(*pool_budget())
    campaign = make_campaign(budget=budget, phase=Phase.PROPOSALS)
    category = make_category(campaign, name="Économies", savings_target=Decimal("40000"))
    commune = make_commune(campaign.authority)
    author = make_voter(commune=commune)
    return campaign, category, commune, author, lines


def deposit(campaign, category, author, **fields):
    fields.setdefault("kind", Proposal.Kind.SAVING)
    fields.setdefault("title", "Le repas à 2 €")
    fields.setdefault("description", "Comme ailleurs.")
    return proposal_create(campaign=campaign, author=author, category=category, **fields)


def test_a_revenue_proposal_goes_from_deposit_to_the_savings_target(setting, client):
    campaign, category, commune, author, _lines = setting
    proposal = deposit(campaign, category, author, lever="cantine", lever_value=Decimal("2"))
    assert proposal.is_revenue
    assert (proposal.kind, proposal.lever, proposal.lever_value) == ("saving", "cantine", 2)

    # Instruction: the engine computes the net gain, 0,50 € × 100 000 meals a year.
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.INSTRUCTION)
    instructor = make_user(roles=(INSTRUCTOR,))
    finance = make_user(roles=(FINANCE,))
    service = make_service(campaign.authority, members=[instructor])
    Proposal.objects.filter(pk=proposal.pk).update(service=service)
    instruction = make_instruction(
        proposal,
        status=Instruction.Status.TO_INSTRUCT,
        public_reasoning="",
        validation=Instruction.Validation.DRAFT,
    )
    instruction_save(
        instruction=instruction,
        by=instructor,
        status=Instruction.Status.FEASIBLE,
        public_reasoning="Le tarif reste sous celui des communes voisines.",
    )
    instruction.refresh_from_db()
    assert instruction.instructed_saving == Decimal("50000.00")
    assert instruction.direct_saving == Decimal("50000.00")
    instruction_submit(instruction=instruction, by=instructor)
    instruction_validate(instruction=instruction, by=finance)

    # On the ballot of the savings category, voted like a saving.
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.VOTING)
    campaign.refresh_from_db()
    assert list(Proposal.objects.on_ballot().in_category(category)) == [proposal]
    voter = make_voter(commune=commune)
    ballot_add(campaign=campaign, user=voter, proposal=proposal)
    client.force_login(voter)
    page = client.get(f"/campagnes/{campaign.slug}/vote/").content.decode()
    assert (
        "Recette nouvelle ou plus élevée : 50\u202f000\u00a0€ par an, comptée comme une économie"
        in page
    )

    # Counted toward the savings target of 40 000 € as a net gain.
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.TALLY)
    campaign.refresh_from_db()
    (result,) = campaign_tally(campaign=campaign)
    assert result.selected == [proposal.reference]
    assert result.saved == Decimal("50000.00")
    assert result.target_met is True


def test_the_proposal_page_says_it_is_a_revenue_with_its_household_effect(setting, client):
    campaign, category, _commune, author, _lines = setting
    proposal = deposit(campaign, category, author, lever="cantine", lever_value=Decimal("2"))
    body = client.get(proposal.get_absolute_url()).content.decode()
    assert "recette nouvelle ou plus élevée : Prix du repas à la cantine : 2 (actuel : 1,5)" in (
        body.replace("&#x27;", "'")
    )
    assert "+8\u00a0€ par foyer et par an" in body
    assert "50\u202f000\u00a0€" in body


def test_the_deposit_form_offers_the_revenue_levers_but_not_loans(setting, client):
    campaign, category, _commune, author, _lines = setting
    client.force_login(author)
    body = client.get(f"/campagnes/{campaign.slug}/propositions/nouvelle/").content.decode()
    assert 'name="lever"' in body
    assert "Prix du repas à la cantine (actuel : 1,5 ; de 1 à 4)" in body
    assert "Emprunts nouveaux" not in body


def test_the_deposit_form_creates_a_revenue_proposal(setting, client):
    campaign, category, _commune, author, _lines = setting
    client.force_login(author)
    response = client.post(
        f"/campagnes/{campaign.slug}/propositions/nouvelle/",
        {
            "kind": "saving",
            "title": "TEOM à 11 %",
            "category": category.pk,
            "description": "Pour financer le tri.",
            "lever": "teom",
            "lever_value": "11",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.lever, proposal.lever_value) == ("teom", Decimal("11"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"lever": "inconnu", "lever_value": Decimal("2")},
            "lever",
            "Choisissez un levier de recettes du budget de la campagne.",
        ),
        (
            {"lever": "emprunt", "lever_value": Decimal("10000")},
            "lever",
            "Choisissez un levier de recettes du budget de la campagne.",
        ),
        (
            {"lever": "cantine", "lever_value": None},
            "lever_value",
            "Indiquez le nouveau taux ou le nouveau tarif que vous proposez.",
        ),
        (
            {"lever": "cantine", "lever_value": Decimal("1.2")},
            "lever_value",
            "Une recette nouvelle ou plus élevée : proposez plus que la valeur actuelle (1,5).",
        ),
        (
            {"lever": "cantine", "lever_value": Decimal("5")},
            "lever_value",
            "Levier « Prix du repas à la cantine » : 5 est hors des bornes fixées (de 1 à 4).",
        ),
        (
            {"lever": "teom", "lever_value": Decimal("-1")},
            "lever_value",
            "Levier « Taxe d'enlèvement des ordures ménagères » : la valeur ne peut pas être "
            "négative (reçu : -1).",
        ),
    ],
)
def test_a_bad_revenue_proposal_is_refused_and_nothing_is_written(setting, fields, field, message):
    campaign, category, _commune, author, _lines = setting
    with pytest.raises(ValidationError) as error:
        deposit(campaign, category, author, **fields)
    assert error.value.message_dict[field] == [message]
    assert not Proposal.objects.exists()


def test_a_revenue_is_not_a_project(setting):
    campaign, category, _commune, author, _lines = setting
    Campaign.objects.filter(pk=campaign.pk).update(kind=Campaign.Kind.MIXED)
    campaign.refresh_from_db()
    projects = make_category(campaign, name="Projets", envelope=Decimal("1"), savings_target=None)
    with pytest.raises(ValidationError) as error:
        deposit(
            campaign,
            projects,
            author,
            kind=Proposal.Kind.PROJECT,
            lever="cantine",
            lever_value=Decimal("2"),
        )
    assert error.value.message_dict["kind"] == [
        "Une recette se propose comme une économie : elle compte dans l'objectif."
    ]
    assert not Proposal.objects.exists()


def test_a_revenue_does_not_also_take_a_measure(setting):
    campaign, category, _commune, author, lines = setting
    measure = make_measure(
        campaign.budget, lines["electricity"], slug="led", title="LED", amount=Decimal("-1")
    )
    with pytest.raises(ValidationError) as error:
        deposit(
            campaign, category, author, measure=measure, lever="cantine", lever_value=Decimal("2")
        )
    assert error.value.message_dict["__all__"] == [
        "Partez soit d'un levier de recettes, soit d'un scénario ou d'une mesure."
    ]
    assert not Proposal.objects.exists()


def test_existing_savings_and_projects_still_work(setting):
    campaign, category, _commune, author, _lines = setting
    proposal = deposit(campaign, category, author, estimate=Decimal("1000"))
    assert not proposal.is_revenue
    assert proposal.lever == "" and proposal.lever_value is None


def test_a_higher_property_tax_rate_is_a_revenue_proposal_too(setting):
    campaign, category, _commune, author, _lines = setting
    Budget.objects.filter(pk=campaign.budget_id).update(
        property_tax_base=Decimal("2000000"),
        property_tax_rate=Decimal("40"),
        property_tax_average_bill=Decimal("800"),
    )
    campaign.refresh_from_db()
    proposal = deposit(campaign, category, author, lever="taxe-fonciere", lever_value=Decimal("41"))
    # One point on a base of 2 000 000 € = 20 000 € a year; a bill of 800 € at 40 %: +20 €.
    result = proposal_simulation(proposal)
    assert result.full_year_net_saving == 20_000
    assert result.lever_effects[0].household_yearly_change == pytest.approx(20)
    with pytest.raises(ValidationError) as error:
        deposit(campaign, category, author, lever="taxe-fonciere", lever_value=Decimal("-1"))
    assert error.value.message_dict["lever_value"] == [
        "Levier « Taux de taxe foncière » : la valeur ne peut pas être négative (reçu : -1)."
    ]
