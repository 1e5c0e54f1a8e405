"""Issue 14: a savings campaign goes out as a pabulib inverse budget and comes back to the
same tally (export_pabulib, then import_pabulib)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pabutools.election import parse_pabulib

from tests.votes.factories import make_campaign, make_category
from tests.votes.results.test_results_services import cast, on_ballot
from votes.campaigns.models import Campaign, Category, Phase
from votes.proposals.models import Proposal
from votes.results.pabulib import parse_pb
from votes.results.pabulib_services import INVERSE_COMMENT
from votes.results.services import campaign_tally
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


def savings_campaign(*, rule="greedy", percent=Decimal(40)):
    """Two savings categories (one file with META categories), a threshold of 40 %."""
    campaign = make_campaign(
        kind=Campaign.Kind.SAVINGS,
        phase=Phase.TALLY,
        slug="economies",
        tally_rule=rule,
        savings_threshold=percent,
    )
    energy = make_category(campaign, name="Énergie", savings_target=Decimal(50000))
    roads = make_category(
        campaign, name="Voirie", savings_target=Decimal(20000), savings_threshold=Decimal(60)
    )
    e = [on_ballot(campaign, energy, cost=Decimal(c)) for c in (30000, 40000, 10000, 5000)]
    r = [on_ballot(campaign, roads, cost=Decimal(c)) for c in (15000, 8000, 7000)]
    cast(campaign, [e[0], e[1], r[0]])
    cast(campaign, [e[0], e[2], r[1], r[2]])
    cast(campaign, [e[1], e[2], r[1]])
    cast(campaign, [e[0], r[2]])
    cast(campaign, [e[3]])
    return campaign


def winners(campaign, rule):
    """Selected measures by category, by their amounts (references change on import)."""
    amounts = {p.reference: p.instruction.instructed_saving for p in campaign.proposals.all()}
    return [
        [amounts[reference] for reference in result.selected]
        for result in campaign_tally(campaign=campaign, rule=rule)
    ]


def round_trip(tmp_path, campaign) -> Campaign:
    written = tmp_path / "economies.pb"
    call_command("export_pabulib", campaign.slug, "-o", str(written), stdout=StringIO())
    call_command("import_pabulib", str(written), "--campaign", "retour", stdout=StringIO())
    return Campaign.objects.get(slug="retour")


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_the_round_trip_gives_the_same_winners(tmp_path, rule):
    campaign = savings_campaign(rule=rule)

    back = round_trip(tmp_path, campaign)

    assert back.kind == Campaign.Kind.SAVINGS
    assert winners(back, rule) == winners(campaign, rule)
    assert [c.savings_threshold for c in back.categories.all()] == [Decimal(40), Decimal(60)]
    assert all(p.kind == Proposal.Kind.SAVING for p in back.proposals.all())


def test_the_file_says_inverse_budget_with_positive_savings(tmp_path):
    campaign = savings_campaign()
    written = tmp_path / "economies.pb"

    call_command("export_pabulib", campaign.slug, "-o", str(written), stdout=StringIO())
    election = parse_pb(written.read_text(encoding="utf-8"))

    assert election.meta["comment"] == INVERSE_COMMENT
    assert election.meta["budget_per_category"] == "50000,20000"
    assert election.meta["savings_threshold_percent_per_category"] == "40,60"
    assert sorted(p.cost for p in election.projects) == sorted(
        Decimal(c) for c in (30000, 40000, 10000, 5000, 15000, 8000, 7000)
    )
    # pabutools reads it as an ordinary election: costs are positive amounts.
    instance, profile = parse_pabulib(str(written))
    assert instance.meta["comment"] == INVERSE_COMMENT
    assert all(project.cost > 0 for project in instance)
    assert len(profile) == 5


def test_a_single_savings_category_exports_with_its_threshold(tmp_path):
    campaign = savings_campaign()
    written = tmp_path / "energie.pb"

    call_command(
        "export_pabulib",
        campaign.slug,
        "--category",
        "Énergie",
        "-o",
        str(written),
        stdout=StringIO(),
    )
    meta = parse_pb(written.read_text(encoding="utf-8")).meta

    assert (meta["budget"], meta["savings_threshold_percent"]) == ("50000", "40")


def test_an_inverse_budget_cannot_be_added_to_a_projects_campaign(tmp_path):
    campaign = savings_campaign()
    written = tmp_path / "economies.pb"
    call_command("export_pabulib", campaign.slug, "-o", str(written), stdout=StringIO())
    projects = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.TALLY, slug="projets")
    before = Ballot.objects.count(), Category.objects.count()

    with pytest.raises(CommandError, match="n'est pas une campagne « Budget participatif"):
        call_command("import_pabulib", str(written), "--campaign", "projets", stdout=StringIO())

    assert (Ballot.objects.count(), Category.objects.count()) == before
    assert not projects.proposals.exists()


def test_a_projects_category_of_a_savings_campaign_is_refused_by_name(tmp_path):
    savings_campaign()

    with pytest.raises(CommandError, match="n'a pas de rubrique « Sport »"):
        call_command(
            "export_pabulib", "economies", "--category", "Sport", "-o", str(tmp_path / "x.pb")
        )

    assert not (tmp_path / "x.pb").exists()
