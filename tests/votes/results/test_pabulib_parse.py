"""Reading and writing the .pb format (issue 5 §5): parse_pb, write_pb and their refusals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from pabutools.election import parse_pabulib

from votes.results.pabulib import PbElection, PbError, PbProject, PbVote, parse_pb, write_pb

SMALL = '''\ufeffMETA
key;value
description;Quartier Nord
budget;1000.50
vote_type;approval
num_projects;3
num_votes;3
max_length;2
favourite_colour;green
PROJECTS
project_id;cost;votes;name;category;selected
p2;400;2;"Un banc ""confortable""";sport,culture;1
p1;300.25;1;Jardin;None;0
p10;700;1;Fresque;culture;0
VOTES
voter_id;vote;age
v1;p2,p1;34
v2;p10,p2,p10;None

v3;;51
'''


def test_it_reads_meta_projects_and_votes_in_file_order():
    election = parse_pb(SMALL)

    assert election.meta["description"] == "Quartier Nord"
    assert election.budget == Decimal("1000.50")
    assert election.meta["favourite_colour"] == "green"
    assert [p.project_id for p in election.projects] == ["p2", "p1", "p10"]
    bench = election.projects[0]
    assert bench.cost == Decimal(400)
    assert bench.name == 'Un banc "confortable"'
    assert bench.categories == ["sport", "culture"]
    assert bench.extra == {"votes": "2", "selected": "1"}
    assert election.projects[1].cost == Decimal("300.25")
    assert election.projects[1].categories == []
    assert [(v.voter_id, v.projects) for v in election.votes] == [
        ("v1", ["p2", "p1"]),
        ("v2", ["p10", "p2", "p10"]),
        ("v3", []),
    ]
    assert election.votes[0].extra == {"age": "34"}


def test_written_text_reads_back_the_same():
    election = parse_pb(SMALL)

    again = parse_pb(write_pb(election))

    assert again.meta == election.meta
    assert again.projects == election.projects
    assert again.votes == election.votes


def test_pabutools_reads_our_file_with_the_same_projects_costs_and_ballots(tmp_path):
    election = PbElection(
        meta={"description": "Export", "budget": "1000.50", "country": "France"},
        projects=[
            PbProject(
                project_id="3",
                cost=Decimal("250.50"),
                name="Bancs; et tables",
                categories=["sport"],
            ),
            PbProject(project_id="1", cost=Decimal("700"), name="Fresque\nmurale"),
        ],
        votes=[PbVote(voter_id="a", projects=["3", "1"]), PbVote(voter_id="b", projects=["1"])],
    )
    path = tmp_path / "export.pb"
    path.write_text(write_pb(election), encoding="utf-8")

    instance, profile = parse_pabulib(str(path))

    # pabutools holds amounts as exact fractions.
    assert instance.budget_limit == Fraction("1000.50")
    assert {p.name: p.cost for p in instance} == {"3": Fraction("250.50"), "1": 700}
    assert [sorted(p.name for p in ballot) for ballot in profile] == [["1", "3"], ["1"]]
    assert instance.meta["num_projects"] == "2"
    assert instance.meta["num_votes"] == "2"
    assert instance.project_meta[instance.get_project("1")]["name"] == "Fresque murale"


def test_amounts_are_written_without_exponents():
    election = PbElection(
        meta={"budget": "100000"},
        projects=[PbProject(project_id="1", cost=Decimal("1E+5"))],
    )

    assert "\n1;100000;" in write_pb(election)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("budget;10\nMETA\n", "Ligne 1 : des données avant toute section (META, PROJECTS, VOTES)."),
        ("PROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", "Section META absente."),
        ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n", "Section VOTES absente."),
        (
            "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "META : la clé « budget » est obligatoire.",
        ),
        (
            "META\nkey;value\nbudget;dix\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "META : « budget » = « dix » n'est pas un montant.",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;ordinal\n"
            "PROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "META : vote_type « ordinal » non pris en charge (seul « approval » l'est).",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;name\nVOTES\nvoter_id;vote\n",
            "Ligne 5 : colonne « cost » absente.",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;-5\nVOTES\nvoter_id;vote\n",
            "Ligne 6 : coût « -5 » invalide pour le projet 1.",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n1;6\n"
            "VOTES\nvoter_id;vote\n",
            "Ligne 7 : le projet 1 apparaît deux fois.",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n"
            "VOTES\nvoter_id;vote\nv9;1,2\n",
            "Ligne 9 : le bulletin v9 vote pour un projet inconnu (2).",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost;name\n1;5\n"
            "VOTES\nvoter_id;vote\n",
            "Ligne 6 : 2 colonnes au lieu de 3.",
        ),
        (
            "META\nkey;value\nbudget;10\nMETA\n",
            "Ligne 4 : section META en double.",
        ),
    ],
)
def test_it_refuses_an_unusable_file_and_says_where(text, message):
    with pytest.raises(PbError) as error:
        parse_pb(text)

    assert str(error.value) == message
