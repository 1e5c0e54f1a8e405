"""The consolidated table of a metropolis, built from plain rows (no database)."""

from __future__ import annotations

from decimal import Decimal

from votes.metropolis.consolidation import CampaignPart, consolidate


def part(group: str, campaign: str, **fields) -> CampaignPart:
    fields.setdefault("slug", campaign.lower())
    fields.setdefault("part", "")
    fields.setdefault("phase", "Vote")
    fields.setdefault("ballots", None)
    return CampaignPart(group=group, campaign=campaign, **fields)


def test_the_rows_are_grouped_with_the_metropolis_first_then_the_communes_by_name():
    rows = [
        part("Saran", "Saran 2026"),
        part("Ormes", "Ormes 2026"),
        part("Orléans Métropole", "Métropole 2026"),
        part("ingré", "Ingré 2026"),
    ]

    table = consolidate(rows, first="Orléans Métropole")

    assert [g.name for g in table.groups] == ["Orléans Métropole", "ingré", "Ormes", "Saran"]


def test_each_group_and_the_whole_add_up_ballots_envelopes_and_adopted_figures():
    rows = [
        part(
            "Saran",
            "Saran 2026",
            ballots=120,
            envelope=Decimal("50000"),
            adopted_count=2,
            adopted_cost=Decimal("30000"),
            adopted_saving=Decimal("0"),
        ),
        part(
            "Saran",
            "Métropole partagée",
            part="Saran",
            ballots=80,
            envelope=Decimal("20000"),
            target=Decimal("10000"),
            adopted_count=1,
            adopted_cost=Decimal("0"),
            adopted_saving=Decimal("4000"),
        ),
        part("Ormes", "Ormes 2026", ballots=40, envelope=Decimal("15000")),
    ]

    table = consolidate(rows)

    saran = next(g for g in table.groups if g.name == "Saran")
    assert (saran.totals.parts, saran.totals.ballots, saran.totals.adopted_count) == (2, 200, 3)
    assert saran.totals.envelope == Decimal("70000")
    assert saran.totals.target == Decimal("10000")
    assert (saran.totals.adopted_cost, saran.totals.adopted_saving) == (
        Decimal("30000"),
        Decimal("4000"),
    )
    assert table.totals.ballots == 240
    assert table.totals.envelope == Decimal("85000")
    assert table.totals.parts == 3


def test_a_vote_still_open_or_answers_not_published_add_nothing_to_the_totals():
    rows = [
        part("Saran", "En vote", ballots=None, adopted_count=None, envelope=Decimal("1000")),
        part("Saran", "Close", ballots=10, adopted_count=None),
    ]

    table = consolidate(rows)

    assert table.totals.ballots == 10
    assert table.totals.adopted_count == 0
    assert table.totals.adopted_cost == Decimal("0")
    assert table.totals.envelope == Decimal("1000")


def test_no_rows_make_an_empty_table():
    table = consolidate([])
    assert table.groups == []
    assert table.totals.parts == 0
