"""votes.statistics.counts, the pure half: small-cell rule, secondary suppression, age bands, the
outside-territory flags and the tables (no database)."""

from __future__ import annotations

import json
from decimal import Decimal

from votes.statistics.shape import (
    MASKED,
    OUTSIDE,
    RESIDENT,
    UNKNOWN,
    UNKNOWN_PERSON,
    CommuneFact,
    Facts,
    Person,
    age_band,
    hide,
    rate,
    shape,
    suppress_group,
)
from votes.statistics.tables import HIDDEN, statistics_tables

SECRET = "masqué"


def resident(insee="45001", birth_year=1980, gender="woman") -> Person:
    return Person(RESIDENT, insee, birth_year, gender)


def outsider(birth_year=1990, gender="man") -> Person:
    return Person(OUTSIDE, None, birth_year, gender)


def facts(**people) -> Facts:
    """A campaign in 2026 on three communes (1,000, 2,000 and 500 inhabitants)."""
    populations = {"authors": [], "online": [], "code": [], "paper": []}
    populations.update(people)
    populations["voters"] = populations["online"] + populations["code"] + populations["paper"]
    everybody = populations["authors"] + populations["voters"]
    return Facts(
        reference_year=2026,
        communes=[
            CommuneFact("45001", "Amont", 1000),
            CommuneFact("45002", "Aval", 2000),
            CommuneFact("45003", "Val", 500),
        ],
        authority_population=3500,
        people=populations,
        accounts=everybody,
        everyone=everybody,
        proposals_origin=[p.residence for p in populations["authors"]],
        funnel={"proposals": [p.residence for p in populations["authors"]]},
    )


def row(stats, table: str, code: str):
    return next(r for r in stats[table]["rows"] if r["code"] == code)


def participants(stats, code: str):
    return next(r for r in stats["participants"] if r["code"] == code)


def test_a_count_of_4_is_hidden_and_a_count_of_5_is_shown():
    assert hide(4) is None
    assert hide(0) is None
    assert hide(5) == 5


def test_a_lone_hidden_cell_costs_the_smallest_other_cell_when_the_total_would_give_it_back():
    shown, total = suppress_group([3, 40, 7], 50)

    # 7 is not under 5: it is "masked", not "< 5", which would be false.
    assert shown == [None, 40, MASKED]
    assert total == 50


def test_empty_hidden_cells_do_not_cost_a_second_cell():
    # 50 - 50 = 0: the reader learns that the hidden cell is empty, which reveals nobody.
    shown, total = suppress_group([0, 50], 50)

    assert shown == [None, 50]
    assert total == 50


def test_two_hidden_cells_summing_to_5_or_more_are_left_as_they_are():
    shown, total = suppress_group([3, 4, 30], 37)

    assert shown == [None, None, 30]
    assert total == 37


def test_a_total_under_5_hides_the_whole_group():
    assert suppress_group([1, 2], 3) == ([None, None], None)


def test_age_bands_follow_the_issue():
    assert [age_band(a) for a in (15, 16, 17, 18, 24, 25, 34, 35, 49, 50, 64, 65, 99)] == [
        "lt16",
        "16-17",
        "16-17",
        "18-24",
        "18-24",
        "25-34",
        "25-34",
        "35-49",
        "35-49",
        "50-64",
        "50-64",
        "65+",
        "65+",
    ]


def test_ages_are_counted_at_the_reference_year():
    stats = shape(facts(online=[resident(birth_year=2009)] * 5 + [resident(birth_year=2002)] * 6))

    assert row(stats, "age", "16-17")["counts"]["online"] == 5  # 2026 - 2009 = 17
    assert row(stats, "age", "18-24")["counts"]["online"] == 6  # 24
    assert stats["age"]["total"]["online"] == 11


def test_people_without_demographics_go_to_unknown_never_dropped():
    stats = shape(facts(online=[resident()] * 6, code=[UNKNOWN_PERSON] * 7))

    assert row(stats, "age", UNKNOWN)["counts"]["code"] == 7
    assert row(stats, "gender", UNKNOWN)["counts"]["voters"] == 7
    assert row(stats, "commune", UNKNOWN)["counts"]["voters"] == 7
    assert stats["age"]["total"]["voters"] == 13
    assert participants(stats, "code") == {
        "code": "code",
        "label": "Votants par code",
        "resident": None,
        "unknown": 7,
        "territory": 7,
        "outside": None,
    }


def test_outside_accounts_are_apart_and_never_in_the_territory_total():
    stats = shape(facts(online=[resident()] * 10 + [outsider()] * 8))

    assert participants(stats, "online")["territory"] == 10
    assert participants(stats, "online")["outside"] == 8
    assert stats["age"]["total"]["online"] == 10
    assert stats["age"]["outside"]["online"] == 8
    assert row(stats, "gender", "man")["counts"]["online"] is None  # the outsiders are men
    assert stats["commune"]["total"]["online"] == 10
    assert stats["commune"]["outside"]["online"] == 8


def test_commune_rates_per_1000_inhabitants_are_strings_and_hidden_with_their_count():
    # 3 in Aval is hidden; so is Val, the smallest other commune, else the residents' total
    # would give the 3 back; Amont stays shown.
    online = [resident("45001")] * 12 + [resident("45002")] * 3 + [resident("45003")] * 7
    stats = shape(facts(online=online))

    amont, aval = row(stats, "commune", "45001"), row(stats, "commune", "45002")
    assert amont["population"] == 1000
    assert amont["counts"]["online"] == 12
    assert amont["rates"]["online"] == "12.0"
    assert aval["counts"]["online"] is None
    assert aval["rates"]["online"] is None
    assert row(stats, "commune", "45003")["counts"]["online"] == MASKED
    assert row(stats, "commune", "45003")["rates"]["online"] is None
    assert stats["commune"]["total"]["online"] == 22
    assert stats["commune"]["rates"]["online"] == "6.3"  # 22 of 3,500
    assert rate(7, None) is None


def test_a_flood_from_outside_is_flagged_with_count_and_share():
    authors = [resident()] * 10 + [outsider()] * 240
    stats = shape(facts(authors=authors))

    messages = [flag["message"] for flag in stats["outside"]["flags"]]
    assert stats["outside"]["notable"] is True
    assert "Attention : 240 propositions (96 %) viennent de comptes hors du territoire." in messages
    assert stats["proposals_origin"]["outside"] == 240
    assert stats["proposals_origin"]["territory"] == 10


def test_a_few_outside_accounts_are_not_flagged():
    # 4 is under the small-cell threshold: its share would give the count back.
    stats = shape(facts(authors=[resident()] * 6 + [outsider()] * 4))

    assert stats["outside"] == {"notable": False, "flags": []}


def test_20_outside_people_are_flagged_even_under_10_percent():
    stats = shape(facts(online=[resident()] * 300 + [outsider()] * 20))

    assert [flag["code"] for flag in stats["outside"]["flags"]] == ["online"]
    assert stats["outside"]["flags"][0]["percent"] == 6


def test_the_funnel_counts_proposals_without_hiding_them_but_hides_few_outsiders():
    stats = shape(facts(authors=[resident()] * 3 + [outsider()] * 2))

    proposals = stats["funnel"][0]
    assert proposals["count"] == 5
    assert proposals["outside"] is None
    assert [step["count"] for step in stats["funnel"][1:]] == [None, None, None, None]


def test_the_dict_goes_through_json_unchanged():
    stats = shape(facts(authors=[resident()] * 7, online=[outsider()] * 30))

    assert json.loads(json.dumps(stats)) == stats


def test_the_tables_show_hidden_cells_as_less_than_5():
    stats = shape(facts(online=[resident("45001")] * 12 + [resident("45002")] * 4))
    tables = {table.code: table for table in statistics_tables(stats)}

    communes = tables["commune"]
    assert communes.headers[0] == "Commune"
    online = communes.headers.index("Votants en ligne")
    assert communes.rows[0][0] == "Amont"
    # 4 in Aval is hidden, and so is Amont: 16 - 12 would give it back.
    assert communes.rows[0][online] == SECRET
    assert communes.rows[1][online] == HIDDEN
    assert communes.rows[-2] == ["Total territoire", HIDDEN, 16, HIDDEN, HIDDEN, 16]
    assert tables["commune_rates"].rows[-1][0] == "Ensemble du territoire"
    assert tables["commune_rates"].rows[-1][online + 1] == Decimal("4.6")  # 16 of 3,500
    assert [r[0] for r in tables["funnel"].rows] == [
        "Propositions publiées",
        "Jugées faisables",
        "Soumises au vote",
        "Retenues par le vote",
        "Adoptées par le conseil",
    ]


def test_a_channel_cannot_be_recovered_from_the_voters_column():
    # 18–24: 10 online and 2 on paper. With 12 voters shown, hiding the 2 alone would not
    # do: 12 - 10 gives it back. The online cell is masked too.
    online = [resident(birth_year=2004)] * 10 + [resident(birth_year=1980)] * 20
    paper = [resident(birth_year=2004)] * 2 + [resident(birth_year=1980)] * 8
    stats = shape(facts(online=online, paper=paper))

    young = row(stats, "age", "18-24")["counts"]
    assert young["paper"] is None
    assert young["online"] == MASKED
    assert young["voters"] == 12
    # The masked 10 must not come back from the online column either: 30 - 20 = 10 is not
    # a small cell, so the column stays as it is.
    assert row(stats, "age", "35-49")["counts"]["online"] == 20
    assert stats["age"]["total"]["online"] == 30


def test_the_same_number_is_hidden_alike_in_every_table_that_prints_it():
    # Residence unknown (deleted accounts) is both a column of the participants and the
    # last row of the communes: it cannot be hidden in one and shown in the other.
    online = [resident("45001")] * 12 + [resident("45002")] * 3 + [UNKNOWN_PERSON] * 6
    stats = shape(facts(online=online))

    assert participants(stats, "online")["unknown"] == 6
    assert row(stats, "commune", UNKNOWN)["counts"]["online"] == 6
    assert participants(stats, "online")["resident"] == 15
    # Aval's 3 is then protected inside the residents' 15: Amont is masked.
    assert row(stats, "commune", "45002")["counts"]["online"] is None
    assert row(stats, "commune", "45001")["counts"]["online"] == MASKED


def test_a_flood_with_few_territory_authors_is_flagged_without_its_share():
    # 3 authors from the territory: the share would give them back.
    stats = shape(facts(authors=[resident()] * 3 + [outsider()] * 40))

    (proposals, authors) = stats["outside"]["flags"]
    assert proposals == {
        "code": "proposals",
        "count": 40,
        "percent": None,
        "message": "Attention : 40 propositions viennent de comptes hors du territoire.",
    }
    assert authors["percent"] is None
    assert participants(stats, "authors")["territory"] is None


def test_an_outside_count_masked_by_the_tables_is_flagged_without_its_number():
    # Outside voters: 10 online, 2 on paper, 12 in all: the 10 is masked to protect the 2.
    online = [resident()] * 20 + [outsider()] * 10
    paper = [resident()] * 8 + [outsider()] * 2
    stats = shape(facts(online=online, paper=paper))

    assert participants(stats, "online")["outside"] == MASKED
    (flag,) = stats["outside"]["flags"]
    assert flag == {
        "code": "online",
        "count": None,
        "percent": None,
        "message": "Attention : une part notable de « Votants en ligne » vient de comptes hors "
        "du territoire (leur nombre est masqué).",
    }
