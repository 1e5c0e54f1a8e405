"""manage.py tally --json (issue 5 §5): the published shape, and import → database → tally
gives the winners of the pure tally on the parsed file, for greedy and mes, on every file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.votes.factories import make_campaign, make_category
from tests.votes.results.test_pabulib_real_files import source_ids, tally_inputs
from tests.votes.results.test_results_services import cast, on_ballot, projects_campaign
from votes.campaigns.models import Campaign, Phase
from votes.results.pabulib import check_ballots, parse_pb
from votes.results.tally import tally

PABULIB_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pabulib"
FILES = sorted(PABULIB_DIR.glob("*.pb"))

pytestmark = pytest.mark.django_db


def run_json(*args) -> dict:
    out = StringIO()
    call_command("tally", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_import_then_tally_gives_the_pure_winners_of_the_file(path):
    election = parse_pb(path.read_text(encoding="utf-8"))
    check = check_ballots(election)
    _, rules, proposals, approvals, ballots = tally_inputs(election, check)
    expected = {
        "greedy": tally(proposals=proposals, approvals=approvals, rules=rules),
        "mes": tally(
            proposals=proposals, approvals=approvals, rules=rules, method="mes", ballots=ballots
        ),
    }
    call_command("import_pabulib", str(path), "--campaign", "import", stdout=StringIO())

    for rule, results in expected.items():
        printed = run_json("import", "--rule", rule)

        assert printed["rule"] == rule
        assert [c["name"] for c in printed["categories"]] == [r.name for r in results]
        for category, result in zip(printed["categories"], results, strict=True):
            assert category["selected"] == source_ids(result), (rule, category["name"])
            assert [row["approvals"] for row in category["rows"]] == [
                row.approvals for row in result.rows
            ]


def test_the_json_has_the_published_shape():
    s = projects_campaign()
    s.campaign.slug = "sport"
    s.campaign.save()

    printed = run_json("sport")

    # Expected by hand: see projects_campaign.
    assert printed == {
        "campaign": "sport",
        "rule": "greedy",
        "categories": [
            {
                "name": "Sport",
                "envelope": 100000,
                "target": None,
                "cap": 3,
                "knapsack": False,
                "kind": "projects",
                "method": "greedy",
                "threshold": 2,
                "threshold_percent": None,
                "ballots": None,
                "voters": None,
                "min_votes": 0,
                "saved": None,
                "target_met": None,
                "gap": None,
                "selected": [s.p1.reference, s.p3.reference],
                "rows": [
                    {
                        "reference": s.p1.reference,
                        "source_id": None,
                        "approvals": 5,
                        "amount": 60000,
                        "status": "selected",
                        "stage": None,
                    },
                    {
                        "reference": s.p3.reference,
                        "source_id": None,
                        "approvals": 4,
                        "amount": 30000,
                        "status": "selected",
                        "stage": None,
                    },
                    {
                        "reference": s.p2.reference,
                        "source_id": None,
                        "approvals": 4,
                        "amount": 50000,
                        "status": "does_not_fit",
                        "stage": None,
                    },
                    {
                        "reference": s.p4.reference,
                        "source_id": None,
                        "approvals": 1,
                        "amount": 10000,
                        "status": "below_threshold",
                        "stage": None,
                    },
                ],
            }
        ],
    }


def test_the_cap_is_null_in_knapsack_mode_and_a_savings_category_prints_its_target():
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=Phase.TALLY, slug="mixte")
    make_category(campaign, name="Projets", envelope=500, savings_target=None, knapsack=True)
    savings = make_category(campaign, name="Économies", savings_target=1000, vote_cap=None)
    measure = on_ballot(campaign, savings, cost=400, kind="saving")
    cast(campaign, [measure])

    printed = run_json("mixte")

    projects, economies = printed["categories"]
    assert (projects["cap"], projects["knapsack"], projects["envelope"]) == (None, True, 500)
    assert (economies["cap"], economies["target"], economies["envelope"]) == (None, 1000, None)
    assert economies["selected"] == [measure.reference]


def test_the_selected_list_gives_imported_proposals_by_their_source_id():
    path = PABULIB_DIR / "Poland_Gdynia_2020_Babie_Doly__small.pb"
    call_command("import_pabulib", str(path), "--campaign", "gdynia", stdout=StringIO())

    printed = run_json("gdynia")

    # From the file, by hand (see test_pabulib_real_files): 4, 2, then 5 before 1 by cost.
    assert printed["categories"][0]["selected"] == ["4", "2", "5"]
    assert printed["categories"][0]["threshold"] == 50


def test_without_json_it_prints_a_table_in_french():
    s = projects_campaign()
    out = StringIO()

    call_command("tally", s.campaign.slug, stdout=out)

    assert "P-0001" in out.getvalue()
    assert "non retenu — ne tient pas dans l'enveloppe restante" in out.getvalue()


def test_it_refuses_an_unknown_campaign():
    with pytest.raises(CommandError, match="Campagne inconnue : « absente »"):
        run_json("absente")


def test_it_refuses_an_unknown_rule():
    s = projects_campaign()

    with pytest.raises(CommandError, match="invalid choice"):
        run_json(s.campaign.slug, "--rule", "borda")
