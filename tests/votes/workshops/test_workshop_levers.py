"""A workshop group sets line sliders and revenue levers as well as measures; they are saved
with its scenario, followed on the dashboard, and consolidated into the panel's proposals
(a slider as a saving with its line adjustment, a lever as a revenue proposal)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from budget.models import Budget
from tests.simulator.factories import with_levers
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.instruction.figures import proposal_engine_saving
from votes.proposals.models import Proposal, ProposalAdjustment
from votes.workshops.consolidation import workshop_consolidate
from votes.workshops.models import WorkshopProposal
from votes.workshops.services import dashboard_rows, group_choices_save

pytestmark = pytest.mark.django_db
SCREEN = "/atelier/groupe/"


@pytest.fixture
def setup():
    setup = make_workshop_setup()
    with_levers(setup.campaign.budget, setup.lines)
    setup.tables = [
        make_group(setup, f"Table {n}", join_code=code)
        for n, code in ((1, "CANARD"), (2, "CANARE"), (3, "CANART"))
    ]
    setup.sport = setup.campaign.categories.get(name="Sport")
    return setup


def tablet(code: str) -> Client:
    client = Client()
    client.post("/atelier/", {"code": code})
    return client


def test_the_group_screen_offers_the_sliders_and_the_levers(setup):
    body = html.unescape(tablet("CANARD").get(SCREEN).content.decode())
    assert 'name="line__FD-64111-413"' in body
    assert 'name="lever__cantine"' in body and 'name="lever__teom"' in body
    assert 'name="tax_rate_change"' not in body  # this budget has no property-tax base
    assert "/static/js/simulator.js" in body


def test_a_group_setting_a_slider_and_a_lever_saves_them_with_its_scenario(setup):
    response = tablet("CANARD").post(
        SCREEN,
        {"measures": ["eclairage-nuit"], "line__FD-64111-020": "-10", "lever__cantine": "2"},
        headers={"HX-Request": "true"},
    )
    body = html.unescape(response.content.decode())
    scenario = setup.tables[0].scenario
    scenario.refresh_from_db()
    assert list(scenario.measures.values_list("slug", flat=True)) == ["eclairage-nuit"]
    assert {a.line.code: a.percent for a in scenario.adjustments.all()} == {
        "FD-64111-020": Decimal("-10")
    }
    assert scenario.levers == {"cantine": "2"}
    # Lights 30 000 + admin staff 35 000 + canteen 50 000, with its household effect.
    assert "Votre scénario économise 115\u202f000\u00a0€ par an en année pleine" in body
    assert "+8\u00a0€ par foyer et par an" in body
    # The facilitator's dashboard counts the same.
    row = next(r for r in dashboard_rows(setup.workshop) if r.group_id == setup.tables[0].pk)
    assert row.full_year_net_saving == Decimal("115000")


def test_a_lever_out_of_bounds_is_shown_refused_on_the_group_screen(setup):
    response = tablet("CANARD").post(
        SCREEN, {"lever__cantine": "9"}, headers={"HX-Request": "true"}
    )
    body = html.unescape(response.content.decode())
    assert "Levier « Prix du repas à la cantine » : 9 est hors des bornes fixées (de 1 à 4)." in (
        body
    )


def set_tables(setup):
    """Table 1: admin staff −10 %, canteen 2 €; Table 2: admin staff −20 %, canteen 2,50 €;
    Table 3: canteen 1,20 € (a lower price) and the pool staff +5 %."""
    t1, t2, t3 = setup.tables
    group_choices_save(
        group=t1, measures=[], line_percents={"FD-64111-020": "-10"}, levers={"cantine": "2"}
    )
    group_choices_save(
        group=t2, measures=[], line_percents={"FD-64111-020": "-20"}, levers={"cantine": "2.5"}
    )
    group_choices_save(
        group=t3, measures=[], line_percents={"FD-64111-413": "5"}, levers={"cantine": "1.2"}
    )


def consolidate(setup, keys, measures=()):
    return workshop_consolidate(
        workshop=setup.workshop,
        by=setup.facilitator,
        measure_ids=[m.pk for m in measures],
        choice_keys=keys,
        panel_name="Panel citoyen",
        category=setup.sport,
    )


def test_a_slider_and_a_lever_become_proposals_at_the_groups_median(setup):
    set_tables(setup)
    staff, canteen = consolidate(setup, ["ligne:FD-64111-020", "levier:cantine"])

    # Slider: −10 and −20: the lower middle value is −20 % (the values sorted: −20, −10).
    assert staff.kind == Proposal.Kind.SAVING and not staff.is_revenue
    assert staff.title == "Personnel administratif : −20\u00a0%"
    adjustment = ProposalAdjustment.objects.get(proposal=staff)
    assert (adjustment.line.code, adjustment.percent) == ("FD-64111-020", Decimal("-20"))
    assert staff.estimate == Decimal("70000")
    assert "Table 1 : −10\u00a0%, Table 2 : −20\u00a0%" in staff.description
    # Lever: 1,20, 2 and 2,50: the median is 2 €, a revenue proposal.
    assert canteen.is_revenue
    assert (canteen.lever, canteen.lever_value) == ("cantine", Decimal("2"))
    assert canteen.title == "Prix du repas à la cantine : 2,00\u00a0€"
    assert canteen.estimate == Decimal("50000")
    # The instruction computes the same net gain with the engine.
    assert proposal_engine_saving(canteen).net == Decimal("50000.00")
    outcome = WorkshopProposal.objects.get(proposal=canteen)
    assert outcome.choice == "levier:cantine" and outcome.measure is None
    assert [g.name for g in outcome.groups.order_by("position", "id")] == [
        "Table 1",
        "Table 2",
        "Table 3",
    ]


def test_consolidating_a_setting_twice_creates_nothing_more(setup):
    set_tables(setup)
    consolidate(setup, ["levier:cantine"])
    assert consolidate(setup, ["levier:cantine"]) == []
    assert Proposal.objects.count() == 1


def test_a_setting_that_saves_nothing_is_refused_and_nothing_is_written(setup):
    set_tables(setup)
    with pytest.raises(ValidationError) as error:
        consolidate(setup, ["ligne:FD-64111-413"])
    assert error.value.message_dict["choices"] == [
        "« Personnel de la piscine : +5\u00a0% » ne fait pas économiser : elle ne peut pas "
        "devenir une économie."
    ]
    assert not Proposal.objects.exists()
    assert not WorkshopProposal.objects.exists()


def test_a_lever_at_a_lower_price_is_refused_as_a_revenue(setup):
    group_choices_save(group=setup.tables[0], measures=[], levers={"cantine": "1.2"})
    with pytest.raises(ValidationError) as error:
        consolidate(setup, ["levier:cantine"])
    assert error.value.message_dict["choices"] == [
        "Une recette nouvelle ou plus élevée : proposez plus que la valeur actuelle (1,5)."
    ]
    assert not Proposal.objects.exists()


def test_a_setting_no_group_made_is_refused(setup):
    with pytest.raises(ValidationError) as error:
        consolidate(setup, ["levier:teom"])
    assert error.value.message_dict["choices"] == [
        "Aucun groupe n'a fait ce réglage : « levier:teom »."
    ]
    assert not Proposal.objects.exists()


def test_the_consolidation_screen_lists_the_settings(setup, client):
    set_tables(setup)
    client.force_login(setup.facilitator)
    url = f"/gestion/ateliers/{setup.workshop.pk}/consolidation/"
    body = html.unescape(client.get(url).content.decode())
    assert 'value="levier:cantine"' in body
    assert "Prix du repas à la cantine : 2,00\u00a0€ — 3 groupes sur 3" in body
    response = client.post(
        url,
        {"choices": ["levier:cantine"], "panel_name": "Panel", "category": setup.sport.pk},
    )
    assert response.status_code == 302
    assert Proposal.objects.get().lever == "cantine"


def test_the_property_tax_set_by_groups_becomes_a_revenue_proposal(setup):
    Budget.objects.filter(pk=setup.campaign.budget_id).update(
        property_tax_base=Decimal("2000000"),
        property_tax_rate=Decimal("40"),
        property_tax_average_bill=Decimal("800"),
    )
    group_choices_save(group=setup.tables[0], measures=[], tax_rate_change=Decimal("0.5"))
    group_choices_save(group=setup.tables[1], measures=[], tax_rate_change=Decimal("1"))
    (proposal,) = consolidate(setup, ["levier:taxe-fonciere"])
    # 40,5 % and 41 %: the lower middle value is 40,5 %, +0,5 point on 2 000 000 €.
    assert (proposal.lever, proposal.lever_value) == ("taxe-fonciere", Decimal("40.5"))
    assert proposal.title == "Taux de taxe foncière : 40,50\u00a0%"
    assert proposal.estimate == Decimal("10000")
