"""workshop_consolidate: the measures the facilitator picks become the panel's proposals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FACILITATOR, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_proposal
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.proposals.models import Proposal, ProposalAdjustment
from votes.workshops.consolidation import workshop_consolidate
from votes.workshops.models import WorkshopGroup, WorkshopProposal
from votes.workshops.services import group_argument_set, group_choices_save, workshop_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Table 1 (women) chose the pool and the lights, Table 2 the lights, Table 3 nothing."""
    setup = make_workshop_setup()
    setup.tables = [
        make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN),
        make_group(setup, "Table 2"),
        make_group(setup, "Table 3"),
    ]
    group_choices_save(group=setup.tables[0], measures=["piscine-lundi", "eclairage-nuit"])
    group_choices_save(group=setup.tables[1], measures=["eclairage-nuit"])
    group_argument_set(
        group=setup.tables[0], measure=setup.lights, text="Les communes voisines le font déjà."
    )
    group_argument_set(group=setup.tables[1], measure=setup.lights, text="Moins de pollution.")
    setup.sport = setup.campaign.categories.get(name="Sport")
    return setup


def consolidate(setup, measures, *, by=None, **fields):
    fields.setdefault("panel_name", "Panel citoyen de Sainte-Anne")
    fields.setdefault("category", setup.sport)
    return workshop_consolidate(
        workshop=setup.workshop,
        by=by or setup.facilitator,
        measure_ids=[m.pk for m in measures],
        **fields,
    )


def assert_nothing_written():
    assert not Proposal.objects.exists()
    assert not WorkshopProposal.objects.exists()
    assert not ProposalAdjustment.objects.exists()


def test_each_picked_measure_becomes_a_saving_proposal_signed_by_the_panel(setup):
    created = consolidate(setup, [setup.lights, setup.pool])

    lights, pool = created
    assert [p.title for p in created] == [
        "Éteindre l'éclairage la nuit",
        "Fermer la piscine le lundi",
    ]
    assert [p.reference for p in created] == [1, 2]
    for proposal in created:
        assert proposal.campaign == setup.campaign
        assert proposal.category == setup.sport
        assert proposal.kind == Proposal.Kind.SAVING
        assert proposal.status == Proposal.Status.PUBLISHED
        assert proposal.author is None
        assert proposal.author_label == "Panel citoyen de Sainte-Anne"
        assert proposal.author_display == "Panel citoyen de Sainte-Anne"
    assert (lights.measure, pool.measure) == (setup.lights, setup.pool)
    # The measure's own full-year saving, as the proposal form estimates it.
    assert (lights.estimate, pool.estimate) == (Decimal("30000"), Decimal("40500"))


def test_the_measure_adjustments_follow_so_the_engine_sees_the_proposal_effects(setup):
    (proposal,) = consolidate(setup, [setup.lights])

    adjustment = ProposalAdjustment.objects.get(proposal=proposal)
    assert adjustment.line == setup.lines["electricity"]
    assert adjustment.amount == Decimal("-30000")
    assert adjustment.first_year_share == Decimal("0.75")


def test_a_workshop_proposal_links_the_measure_the_proposal_and_the_groups_that_chose_it(setup):
    lights, pool = consolidate(setup, [setup.lights, setup.pool])

    outcome = WorkshopProposal.objects.get(proposal=lights)
    assert outcome.workshop == setup.workshop and outcome.measure == setup.lights
    assert list(outcome.groups.order_by("position")) == setup.tables[:2]
    assert list(pool.workshop_origin.groups.all()) == [setup.tables[0]]


def test_the_description_says_where_it_comes_from_and_quotes_the_groups_arguments(setup):
    (proposal,) = consolidate(setup, [setup.lights])

    text = proposal.description
    assert text.startswith(
        "Proposition du panel « Panel citoyen de Sainte-Anne », issue de l'atelier « Atelier du "
        "panel » du 3 octobre 2026."
    )
    assert "Description de Éteindre l'éclairage la nuit" in text
    assert "Mesure choisie par 2 groupes sur 3 : Table 1, Table 2." in text
    assert "> **Table 1** : Les communes voisines le font déjà." in text
    assert "> **Table 2** : Moins de pollution." in text


def test_a_measure_without_arguments_has_no_arguments_heading(setup):
    (proposal,) = consolidate(setup, [setup.pool])

    assert "Mesure choisie par 1 groupe sur 3 : Table 1." in proposal.description
    assert "Arguments des groupes" not in proposal.description


def test_an_argument_left_from_a_measure_the_group_unticked_is_not_quoted(setup):
    group_choices_save(group=setup.tables[1], measures=["piscine-lundi"])

    (proposal,) = consolidate(setup, [setup.lights])

    assert "Moins de pollution" not in proposal.description
    assert list(proposal.workshop_origin.groups.all()) == [setup.tables[0]]


def test_a_second_consolidation_creates_nothing_again(setup):
    first = consolidate(setup, [setup.lights])

    again = consolidate(setup, [setup.lights])
    more = consolidate(setup, [setup.lights, setup.pool])

    assert again == []
    assert [p.measure for p in more] == [setup.pool]
    assert Proposal.objects.count() == 2
    assert WorkshopProposal.objects.get(measure=setup.lights).proposal == first[0]


def test_references_follow_the_citizens_proposals_already_deposited(setup):
    make_proposal(setup.campaign)
    make_proposal(setup.campaign)

    (proposal,) = consolidate(setup, [setup.pool])

    assert proposal.reference == 3 and proposal.public_reference == "P-0003"


def test_a_closed_workshop_is_consolidated_as_the_groups_left_it(setup):
    workshop_close(workshop=setup.workshop, by=setup.facilitator)

    (proposal,) = consolidate(setup, [setup.lights])

    assert list(proposal.workshop_origin.groups.order_by("position")) == setup.tables[:2]


def test_an_administrator_may_consolidate_any_workshop(setup):
    created = consolidate(setup, [setup.pool], by=make_user(roles=(ADMINISTRATOR,)))

    assert len(created) == 1


def test_a_campaign_outside_its_proposals_phase_refuses_and_nothing_is_written(setup):
    setup.campaign.phase = "instruction"
    setup.campaign.save()

    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights])

    assert refusal.value.messages == [
        f"Impossible de déposer une proposition : la campagne « {setup.campaign.title} » est en "
        "phase « Instruction par les services » (possible seulement en phase : Dépôt des "
        "propositions)."
    ]
    assert_nothing_written()


@pytest.mark.parametrize("roles", [(FACILITATOR,), (INSTRUCTOR,), ()])
def test_only_the_workshop_facilitator_or_an_administrator_consolidates(setup, roles):
    # (FACILITATOR,): another facilitator, who does not run this workshop.
    with pytest.raises(PermissionDenied):
        consolidate(setup, [setup.lights], by=make_user(roles=roles))

    assert_nothing_written()


def test_no_measure_picked_is_refused_and_nothing_is_written(setup):
    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [])

    assert refusal.value.message_dict == {
        "measures": ["Cochez au moins une mesure à transformer en proposition du panel."]
    }
    assert_nothing_written()


def test_a_measure_no_group_chose_is_refused_and_nothing_is_written(setup):
    from tests.simulator.factories import make_measure

    heating = make_measure(
        setup.campaign.budget,
        setup.lines["staff"],
        slug="chauffage",
        title="Baisser le chauffage",
        amount=Decimal("-5000"),
    )

    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights, heating])

    assert refusal.value.message_dict == {
        "measures": ["Aucun groupe n'a choisi cette mesure : « Baisser le chauffage »."]
    }
    assert_nothing_written()


def test_a_category_of_another_campaign_is_refused_and_nothing_is_written(setup):
    other = make_workshop_setup().campaign.categories.first()

    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights], category=other)

    assert refusal.value.message_dict == {
        "category": ["Choisissez une rubrique de cette campagne."]
    }
    assert_nothing_written()


def test_a_category_for_projects_only_is_refused_and_nothing_is_written(setup):
    setup.campaign.kind = "mixed"
    setup.campaign.save()
    projects = setup.campaign.categories.create(name="Projets", envelope=Decimal("10000"))

    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights], category=projects)

    assert refusal.value.message_dict == {
        "category": [
            "La rubrique « Projets » a une enveloppe : elle reçoit des projets, pas des économies."
        ]
    }
    assert_nothing_written()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("  ", "Indiquez le nom du panel : il signe ses propositions."),
        ("P" * 121, "120 caractères au plus (vous en avez écrit 121)."),
    ],
)
def test_a_missing_or_too_long_panel_name_is_refused_and_nothing_is_written(setup, name, message):
    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights], panel_name=name)

    assert refusal.value.message_dict == {"panel_name": [message]}
    assert_nothing_written()


def test_a_measure_withdrawn_from_the_catalogue_since_is_refused_and_nothing_is_written(setup):
    setup.pool.published = False
    setup.pool.save()

    with pytest.raises(ValidationError) as refusal:
        consolidate(setup, [setup.lights, setup.pool])

    assert refusal.value.message_dict == {"measure": ["Cette mesure n'est pas publiée."]}
    assert_nothing_written()
