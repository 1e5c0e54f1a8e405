"""manage.py import_pabulib (issue 5 §5): every real file imports, bad input writes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from budget.models import Authority
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign, Category, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.results.pabulib import categories_from_meta, check_ballots, parse_pb
from votes.voting.models import Ballot, BallotLine

PABULIB_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pabulib"
FILES = sorted(PABULIB_DIR.glob("*.pb"))
AMSTERDAM_212 = PABULIB_DIR / "Netherlands_Amsterdam_212.pb"
AMSTERDAM_285 = PABULIB_DIR / "Netherlands_Amsterdam_285.pb"
AMSTERDAM_604 = PABULIB_DIR / "Netherlands_Amsterdam_604.pb"
GDYNIA_SMALL = PABULIB_DIR / "Poland_Gdynia_2020_Babie_Doly__small.pb"

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_pabulib", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def nothing_written() -> bool:
    return not (
        Campaign.objects.exists()
        or Category.objects.exists()
        or Proposal.objects.exists()
        or Ballot.objects.exists()
        or Authority.objects.filter(slug__startswith="pabulib").exists()
    )


def test_the_ten_files_are_there():
    assert len(FILES) == 10, f"expected the ten pabulib files in {PABULIB_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_file_imports_as_a_campaign_in_tally(path):
    election = parse_pb(path.read_text(encoding="utf-8"))
    check = check_ballots(election)
    expected_categories = categories_from_meta(election)

    run(path)

    campaign = Campaign.objects.get()
    # The file names here are plain ASCII: their slug is the name in lower case.
    assert campaign.slug == path.stem.lower()
    assert campaign.phase == Phase.TALLY
    assert campaign.kind == Campaign.Kind.PROJECTS
    categories = list(campaign.categories.all())
    assert [c.name for c in categories] == [c.name for c in expected_categories]
    assert [c.envelope for c in categories] == [c.envelope for c in expected_categories]
    assert [c.vote_cap for c in categories] == [c.max_approvals for c in expected_categories]
    assert [c.min_approvals for c in categories] == [c.threshold for c in expected_categories]
    # Numbered in the file's order, each with its pabulib id and cost.
    proposals = list(campaign.proposals.order_by("reference").select_related("instruction"))
    assert [(p.reference, p.source_id) for p in proposals] == [
        (index, project.project_id) for index, project in enumerate(election.projects, 1)
    ]
    assert all(
        p.instruction.status == Instruction.Status.FEASIBLE
        and p.instruction.validation == Instruction.Validation.VALIDATED
        and p.instruction.instructed_cost == election.project(p.source_id).cost
        for p in proposals
    )
    assert campaign.proposals.on_ballot().count() == len(election.projects)
    assert campaign.ballots.filter(channel=Ballot.Channel.IMPORT).count() == len(check.accepted)
    assert BallotLine.objects.filter(ballot__campaign=campaign).count() == sum(
        len(ballot.projects) for ballot in check.accepted
    )


def test_amsterdam_212_reports_its_rejected_ballots():
    output = run(AMSTERDAM_212)

    # The data library's README: 3,834 voters, 2,100 of them break "3 per category".
    assert "Bulletins importés : 1734" in output
    assert "Bulletins rejetés : 2100" in output
    assert "dépassent max_length_per_category : 2100" in output
    assert Ballot.objects.count() == 3834 - 2100


def test_the_report_counts_projects_categories_and_cleaned_ballots():
    output = run(AMSTERDAM_604)

    assert "Projets : 24" in output
    assert "Bulletins importés : 2324" in output
    assert "Bulletins rejetés : 0" in output
    # One ballot of this file names project 42360 twice (see test_pabulib_real_files).
    assert "Bulletins nettoyés de projets en double : 1" in output
    assert (
        "Rubriques : Meer groen in de buurt ; Kindvriendelijke buurt ; "
        "Kinder- en jongerenactiviteiten ; Klimaat en duurzaamheid" in output
    )


def test_the_knapsack_and_the_caps_of_the_file_become_category_rules():
    run(AMSTERDAM_604)

    category = Category.objects.get(name="Meer groen in de buurt")
    assert category.knapsack is True
    assert category.envelope == 90610
    assert category.vote_cap is None


def test_unknown_meta_is_kept_and_printed():
    output = run(AMSTERDAM_285)

    campaign = Campaign.objects.get()
    assert "leftover_budget = Fund additional projects" in output
    assert "`leftover_budget`" in campaign.framing
    assert "`district` : Nieuw-West" in campaign.framing


def test_the_authority_is_named_after_the_unit_and_reused():
    run(AMSTERDAM_212)
    run(AMSTERDAM_604)

    authority = Authority.objects.get(slug="pabulib-netherlands-amsterdam")
    assert authority.name == "Amsterdam (Netherlands)"
    assert list(Campaign.objects.values_list("authority", flat=True)) == [authority.pk] * 2
    assert Campaign.objects.get(slug="netherlands_amsterdam_212").title == (
        "Oost Begroot Oud Oost (212)"
    )


def test_a_second_file_is_added_to_a_named_campaign_with_references_following_on():
    run(GDYNIA_SMALL, "--campaign", "gdynia")
    run(AMSTERDAM_604, "--campaign", "gdynia")

    campaign = Campaign.objects.get()
    assert campaign.categories.count() == 1 + 4
    assert list(campaign.proposals.order_by("reference").values_list("reference", flat=True)) == (
        list(range(1, 5 + 24 + 1))
    )
    first_of_604 = parse_pb(AMSTERDAM_604.read_text(encoding="utf-8")).projects[0].project_id
    assert campaign.proposals.get(reference=6).source_id == first_of_604
    assert campaign.ballots.count() == 306 + 2324


def test_it_refuses_to_import_the_same_file_twice_without_a_campaign():
    run(GDYNIA_SMALL)

    with pytest.raises(CommandError, match="existe déjà.*--campaign"):
        run(GDYNIA_SMALL)

    assert Campaign.objects.count() == 1
    assert Ballot.objects.count() == 306


def test_it_refuses_to_add_a_category_that_exists():
    run(GDYNIA_SMALL, "--campaign", "gdynia")

    with pytest.raises(CommandError, match="a déjà une rubrique"):
        run(GDYNIA_SMALL, "--campaign", "gdynia")

    assert Proposal.objects.count() == 5
    assert Ballot.objects.count() == 306


def test_it_refuses_to_add_to_a_campaign_that_is_not_in_tally():
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="vote")
    make_category(campaign, name="Sport")

    with pytest.raises(
        CommandError, match="n'est pas une campagne « Budget participatif \\(projets\\) » en phase"
    ):
        run(GDYNIA_SMALL, "--campaign", "vote")

    assert campaign.categories.count() == 1
    assert not Proposal.objects.exists()
    assert not Ballot.objects.exists()


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        run(tmp_path / "absent.pb")

    assert nothing_written()


def test_it_refuses_a_file_that_is_not_pabulib_and_says_where(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text(
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;cent\nVOTES\nvoter_id;vote\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="bad.pb : Ligne 6 : coût « cent » invalide"):
        run(path)

    assert nothing_written()


def test_it_refuses_a_project_outside_the_declared_categories_and_writes_nothing(tmp_path):
    path = tmp_path / "orphan.pb"
    path.write_text(
        "META\nkey;value\nbudget;100\ncategories;A,B\nbudget_per_category;50,50\n"
        "PROJECTS\nproject_id;cost;category\n1;10;A\n2;10;C\n"
        "VOTES\nvoter_id;vote\nv1;1,2\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="Le projet 2 n'appartient à aucune catégorie"):
        run(path)

    assert nothing_written()
