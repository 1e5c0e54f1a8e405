"""Stable line codes: <F|I><D|R>-<account>[-<function>], -2, -3... for duplicates."""

from __future__ import annotations

from budget.imports.scdl import derive_codes, parse_budget_file
from tests.budget.files.scdl import csv_bytes, row


def codes_of(rows):
    parsed = parse_budget_file(csv_bytes(rows), filename="b.csv", max_bytes=10**7)
    assert parsed.errors == []
    return [line.code for line in parsed.lines]


def test_it_keeps_leading_zeros_of_accounts_chapters_and_functions():
    parsed = parse_budget_file(
        csv_bytes(
            [
                row(contnat="6574", nature="65", fonction="025"),
                row(contnat="002", nature="002", codrd="recette"),
            ]
        ),
        filename="b.csv",
        max_bytes=10**7,
    )

    first, second = parsed.lines
    assert (first.code, first.function) == ("FD-6574-025", "025")
    assert (second.code, second.chapter, second.account) == ("FR-002", "002", "002")


def test_the_prefix_says_section_and_direction():
    assert codes_of(
        [
            row(section="fonctionnement", codrd="dépense", contnat="60612"),
            row(section="fonctionnement", codrd="recette", contnat="7067"),
            row(section="investissement", codrd="dépense", contnat="2313", fonction="212"),
            row(section="investissement", codrd="recette", contnat="1341"),
        ]
    ) == ["FD-60612", "FR-7067", "ID-2313-212", "IR-1341"]


def test_duplicates_get_suffixes_in_file_order_and_the_first_keeps_the_plain_code():
    assert codes_of(
        [
            row(contnat="6574", fonction="025"),
            row(contnat="60612"),
            row(contnat="6574", fonction="025"),
            row(contnat="6574", fonction="025"),
        ]
    ) == ["FD-6574-025", "FD-60612", "FD-6574-025-2", "FD-6574-025-3"]


def test_a_suffix_never_takes_the_plain_code_of_another_line():
    # Account 6574 twice without function, and account 6574 with function "2".
    assert codes_of(
        [
            row(contnat="6574"),
            row(contnat="6574"),
            row(contnat="6574", fonction="2"),
        ]
    ) == ["FD-6574", "FD-6574-3", "FD-6574-2"]


def test_the_same_file_always_gives_the_same_codes():
    rows = [row(contnat="6574"), row(contnat="6574"), row(contnat="60611")]

    assert codes_of(rows) == codes_of(rows)


def test_derive_codes_is_linear_on_many_duplicates():
    codes = derive_codes(["FD-1"] * 5000)

    assert codes[:3] == ["FD-1", "FD-1-2", "FD-1-3"]
    assert codes[-1] == "FD-1-5000"
    assert len(set(codes)) == 5000
