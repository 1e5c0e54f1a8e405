"""Join codes: short, unambiguous, typed any way on a tablet."""

from __future__ import annotations

from fixtures import demo_workshop
from votes.workshops.services import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    join_code_problem,
    new_join_code,
    normalise_join_code,
)


def test_a_code_is_normalised_whatever_the_case_and_spacing():
    assert normalise_join_code(" ca-n ard\t") == "CANARD"
    assert normalise_join_code("can.ard") == "CANARD"
    assert normalise_join_code("") == ""


def test_drawn_codes_use_the_unambiguous_alphabet():
    codes = {new_join_code() for _ in range(200)}

    assert len(codes) > 190
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert join_code_problem(code) is None


def test_the_alphabet_has_no_look_alike_characters():
    assert not set("0O1IL2Z5S8BUVG") & set(JOIN_CODE_ALPHABET)


def test_an_empty_code_asks_for_one():
    assert join_code_problem("") == (
        "Saisissez le code de votre groupe, affiché par l'animateur ou l'animatrice."
    )


def test_a_code_of_the_wrong_length_says_how_long_it_should_be():
    assert join_code_problem("CANA") == ("Un code de groupe a 6 caractères (vous en avez saisi 4).")


def test_a_code_with_look_alike_characters_names_them():
    problem = join_code_problem("CAN0RD")

    assert problem.startswith("Les codes de groupe ne contiennent jamais « 0 »")


def test_the_demo_codes_are_valid_codes():
    for _name, _kind, code in demo_workshop.GROUPS:
        assert join_code_problem(code) is None
