"""manage.py export_pabulib (issue 5 §5): pabutools reads back the same election."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pabutools.election import parse_pabulib

from tests.votes.factories import make_campaign
from tests.votes.results.test_results_services import projects_campaign
from votes.campaigns.models import Campaign
from votes.results.pabulib import check_ballots, parse_pb

PABULIB_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pabulib"
AMSTERDAM_212 = PABULIB_DIR / "Netherlands_Amsterdam_212.pb"
AMSTERDAM_285 = PABULIB_DIR / "Netherlands_Amsterdam_285.pb"
GDYNIA_SMALL = PABULIB_DIR / "Poland_Gdynia_2020_Babie_Doly__small.pb"

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = StringIO()
    call_command("export_pabulib", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def read_back(path: Path):
    """What pabutools reads: budget, costs by project id, ballots as a multiset of sets."""
    instance, profile = parse_pabulib(str(path))
    costs = {project.name: Fraction(project.cost) for project in instance}
    ballots = Counter(frozenset(p.name for p in ballot) for ballot in profile)
    return Fraction(instance.budget_limit), costs, ballots


def accepted_view(path: Path):
    """The original file as imported: its projects and its accepted, non-empty ballots."""
    election = parse_pb(path.read_text(encoding="utf-8"))
    check = check_ballots(election)
    costs = {p.project_id: Fraction(p.cost) for p in election.projects}
    ballots = Counter(frozenset(b.projects) for b in check.accepted if b.projects)
    return Fraction(election.budget), costs, ballots


@pytest.mark.parametrize("path", [GDYNIA_SMALL, AMSTERDAM_285, AMSTERDAM_212], ids=lambda p: p.stem)
def test_import_then_export_is_the_same_election_for_pabutools(path, tmp_path):
    call_command("import_pabulib", str(path), "--campaign", "aller-retour", stdout=StringIO())
    written = tmp_path / "export.pb"

    output = export("aller-retour", "-o", written)

    assert read_back(written) == accepted_view(path)
    budget, costs, ballots = accepted_view(path)
    assert f"{len(costs)} projets, {sum(ballots.values())} bulletins" in output


def test_one_category_exports_its_projects_and_the_ballots_that_approve_them(tmp_path):
    call_command("import_pabulib", str(AMSTERDAM_285), "--campaign", "a285", stdout=StringIO())
    written = tmp_path / "parcs.pb"
    election = parse_pb(AMSTERDAM_285.read_text(encoding="utf-8"))
    name = "Straten pleinen en parken"
    members = {p.project_id for p in election.projects if p.categories[0] == name}
    expected = Counter(
        frozenset(set(b.projects) & members)
        for b in check_ballots(election).accepted
        if set(b.projects) & members
    )

    export("a285", "--category", name, "-o", written)

    budget, costs, ballots = read_back(written)
    assert budget == 200000
    assert set(costs) == members
    assert ballots == expected


def test_a_campaign_of_our_own_exports_references_and_leaves_void_ballots_out(tmp_path):
    s = projects_campaign()
    written = tmp_path / "sport.pb"

    export(s.campaign.slug, "-o", written)

    budget, costs, ballots = read_back(written)
    r1, r2, r3, r4 = (str(p.reference) for p in (s.p1, s.p2, s.p3, s.p4))
    assert budget == 100000
    assert costs == {r1: 60000, r2: 50000, r3: 30000, r4: 10000}
    # See projects_campaign: the void ballot and P5's (not on the ballot) are not written.
    assert ballots == Counter(
        {
            frozenset({r1, r2, r3}): 3,
            frozenset({r2, r3, r4}): 1,
            frozenset({r1}): 2,
        }
    )
    meta = parse_pb(written.read_text(encoding="utf-8")).meta
    assert (meta["max_length"], meta["min_project_score_threshold"]) == ("3", "2")


def test_it_refuses_an_unknown_campaign_and_writes_no_file(tmp_path):
    written = tmp_path / "x.pb"

    with pytest.raises(CommandError, match="Campagne inconnue"):
        export("absente", "-o", written)

    assert not written.exists()


def test_it_refuses_an_unknown_category_and_writes_no_file(tmp_path):
    s = projects_campaign()
    written = tmp_path / "x.pb"

    with pytest.raises(CommandError, match="n'a pas de rubrique « Culture »"):
        export(s.campaign.slug, "--category", "Culture", "-o", written)

    assert not written.exists()


def test_it_refuses_a_campaign_without_any_category_and_writes_no_file(tmp_path):
    make_campaign(kind=Campaign.Kind.SAVINGS, slug="economies")
    written = tmp_path / "x.pb"

    with pytest.raises(CommandError, match="n'a aucune rubrique de projets à exporter"):
        export("economies", "-o", written)

    assert not written.exists()
