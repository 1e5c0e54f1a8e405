"""votes.council.scenario: the finance service's scenario of the adopted proposals (issue 16
§7), its figures on a small campaign worked out by hand, rebuilt in place, and who may build
it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.models import BudgetLine
from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from simulator.inputs import run_scenario
from simulator.models import Measure, Scenario
from simulator.services import scenario_state
from tests.factories import make_budget, make_line, make_rule, make_user
from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase
from votes.council.models import AdoptedScenario, CouncilAnswer
from votes.council.scenario import adopted_scenario_build
from votes.proposals.models import Proposal, ProposalAdjustment

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision
INV = BudgetLine.Section.INVESTISSEMENT


def small_campaign(*, phase: str = Phase.COUNCIL) -> Campaign:
    """Revenue 500 000; spending 011 200 000, subsidies 50 000, festivals 10 000 (+0,25 of a
    subsidy cut, the commune runs them itself): épargne brute 240 000 every year.

    Adopted: P1 a project, 100 000 of works (60 000 in year 1, 40 000 in year 2) then 5 000 a
    year to run from year 3; P2 a saving of 10 % of the subsidies; P4 a saving without line
    adjustment. P3 rejected."""
    budget = make_budget()
    make_line(budget, direction="recette", chapter="73", account="73111", amount=500000)
    make_line(budget, chapter="011", account="60612", amount=200000)
    subsidies = make_line(budget, chapter="65", account="6574", amount=50000)
    festivals = make_line(budget, chapter="011", account="6232", amount=10000)
    make_rule(subsidies, festivals, coefficient=Decimal("-0.25"))
    make_line(budget, section=INV, chapter="23", account="2313", amount=300000)
    # Larger, but of chapter 21: works in progress (23) come first.
    make_line(budget, section=INV, chapter="21", account="2188", amount=400000)
    campaign = make_campaign(budget=budget, kind=Campaign.Kind.MIXED, phase=phase)
    category = make_category(campaign, envelope=Decimal("200000"))
    p1 = make_proposal(campaign, category=category, kind=Proposal.Kind.PROJECT)
    make_instruction(
        p1,
        instructed_cost=Decimal("100000"),
        cost_schedule={"1": 60000, "2": 40000},
        induced_operating_cost=Decimal("5000"),
    )
    p2 = make_proposal(campaign, category=category, kind=Proposal.Kind.SAVING)
    ProposalAdjustment.objects.create(proposal=p2, line=subsidies, percent=Decimal("-10"))
    p3 = make_proposal(campaign, category=category, kind=Proposal.Kind.SAVING)
    ProposalAdjustment.objects.create(proposal=p3, line=subsidies, percent=Decimal("-50"))
    p4 = make_proposal(campaign, category=category, kind=Proposal.Kind.SAVING)
    answerer = make_user(roles=(ADMINISTRATOR,))
    for proposal, decision in (
        (p1, Decision.ADOPTED),
        (p2, Decision.ADOPTED_CHANGED),
        (p3, Decision.REJECTED),
        (p4, Decision.ADOPTED),
    ):
        CouncilAnswer.objects.create(
            proposal=proposal, decision=decision, answer="Réponse.", answered_by=answerer
        )
    return campaign


def test_it_puts_each_adopted_proposal_in_the_simulator_over_the_years_of_the_plan():
    campaign = small_campaign()
    finance = make_user(roles=(FINANCE,))

    built = adopted_scenario_build(campaign=campaign, by=finance)

    scenario = built.scenario
    assert (built.basis, scenario.owner, scenario.budget) == ("adopted", finance, campaign.budget)
    # The last investment is in year 2 and the running cost starts in year 3: three years.
    assert scenario.horizon == 3
    measures = {m.title: m for m in scenario.measures.all()}
    assert sorted(measures) == ["P-0001 — Proposition 1", "P-0002 — Proposition 2"]
    works = [
        (a.line.code, a.amount, a.start_year, a.recurring)
        for a in measures["P-0001 — Proposition 1"].adjustments.order_by("start_year")
    ]
    assert works == [
        ("ID-2313", Decimal("60000.00"), 1, False),
        ("ID-2313", Decimal("40000.00"), 2, False),
        ("FD-60612", Decimal("5000.00"), 3, True),
    ]
    result, _inputs = run_scenario(campaign.budget, scenario_state(scenario))
    # By hand: the subsidies' 10 % (−5 000) bring festivals +1 250: spending −3 750 a year;
    # year 3 adds the project's 5 000 of running costs: +1 250.
    # Épargne brute: 240 000 + 3 750 = 243 750 (years 1, 2), 240 000 − 1 250 = 238 750.
    assert [round(r.epargne_brute, 2) for r in result.ratios] == [243750, 243750, 238750]
    # The works cost in investment (the épargne brute never sees them): 60 000 then 40 000.
    assert [round(float(v), 2) for v in result.investment_net_delta] == [-60000, -40000, 0]


def test_building_again_replaces_the_scenario_in_place():
    campaign = small_campaign()
    finance = make_user(roles=(FINANCE,))
    first = adopted_scenario_build(campaign=campaign, by=finance)
    CouncilAnswer.objects.filter(proposal__reference=1).update(decision=Decision.REJECTED)

    again = adopted_scenario_build(campaign=campaign, by=make_user(roles=(ADMINISTRATOR,)))

    assert again.scenario.pk == first.scenario.pk
    assert AdoptedScenario.objects.count() == Scenario.objects.count() == 1
    assert [m.title for m in again.scenario.measures.all()] == ["P-0002 — Proposition 2"]
    assert Measure.objects.filter(budget=campaign.budget).count() == 1


def test_without_answers_it_takes_the_winners_of_the_results():
    campaign = small_campaign(phase=Phase.TALLY)
    CouncilAnswer.objects.all().delete()

    built = adopted_scenario_build(campaign=campaign, by=make_user(roles=(FINANCE,)))

    # No ballot was cast and nothing is on the ballot (no validated instruction): no winner.
    assert built.basis == "winners"
    assert built.scenario.measures.count() == 0


@pytest.mark.parametrize("role", [INSTRUCTOR, MODERATOR, None])
def test_only_finance_and_administrators_build_it(role):
    campaign = small_campaign()
    user = make_user(roles=(role,) if role else ())

    with pytest.raises(PermissionDenied):
        adopted_scenario_build(campaign=campaign, by=user)

    assert not Scenario.objects.exists()
    assert not Measure.objects.exists()


def test_before_the_tally_there_is_nothing_to_build():
    campaign = small_campaign(phase=Phase.VOTING)

    with pytest.raises(ValidationError) as error:
        adopted_scenario_build(campaign=campaign, by=make_user(roles=(FINANCE,)))

    assert error.value.messages == ["Le scénario se construit à partir des résultats du vote."]
    assert not Scenario.objects.exists()


def test_a_campaign_without_budget_has_no_scenario():
    campaign = small_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(budget=None)
    campaign.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        adopted_scenario_build(campaign=campaign, by=make_user(roles=(FINANCE,)))

    assert error.value.messages == ["Cette campagne ne porte sur aucun budget : pas de scénario."]
    assert not Scenario.objects.exists()
