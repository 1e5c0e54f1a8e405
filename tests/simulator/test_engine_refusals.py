"""Scenarios the engine refuses, each with the sentence the screen will show."""

from __future__ import annotations

import pytest

from simulator.engine import (
    Adjustment,
    SimulationError,
    lines_from_records,
    prepare,
    rules_from_records,
    simulate,
)


def budget():
    return lines_from_records(
        [
            {"code": "FR-73111", "chapter": "731", "account": "73111", "amount": 2_000_000},
            {
                "code": "FD-6811",
                "chapter": "042",
                "account": "6811",
                "amount": 100_000,
                "kind": "ordre",
                "label": "Dotations aux amortissements",
            },
            {
                "code": "FD-66111",
                "chapter": "66",
                "account": "66111",
                "amount": 40_000,
                "label": "Intérêts des emprunts",
                "adjustable": False,
            },
            {
                "code": "FD-6574-40",
                "chapter": "65",
                "account": "6574",
                "function": "40",
                "function_label": "Sport",
                "amount": 57_000,
                "floor": 20_000,
                "label": "Subventions aux clubs sportifs",
            },
            {
                "code": "FD-60612-20",
                "chapter": "011",
                "account": "60612",
                "function": "20",
                "function_label": "Enseignement",
                "amount": 30_000,
                "label": "Électricité des écoles",
            },
            {
                "code": "FD-6042-30",
                "chapter": "011",
                "account": "6042",
                "function": "30",
                "function_label": "Culture",
                "amount": 10_000,
            },
        ]
    )


def refusal(*adjustments, rules=None, **options):
    options.setdefault("debt_start", 0)
    with pytest.raises(SimulationError) as caught:
        simulate(budget(), rules, list(adjustments), **options)
    return caught.value.messages


def test_it_refuses_to_adjust_an_order_line():
    assert refusal(Adjustment(line="FD-6811", percent=-10)) == [
        "La ligne FD-6811 (Dotations aux amortissements) est une opération d'ordre : "
        "elle ne peut pas être modifiée."
    ]


def test_it_refuses_to_adjust_a_line_that_is_not_adjustable():
    assert refusal(Adjustment(line="FD-66111", amount=-1_000)) == [
        "La ligne FD-66111 (Intérêts des emprunts) n'est pas ajustable : elle ne peut pas "
        "être modifiée directement."
    ]


def test_induced_effects_may_reach_a_line_that_is_not_adjustable():
    rules = rules_from_records([{"source": "FD-60612-20", "target": "FD-66111", "coefficient": 1}])
    result = simulate(
        budget(), rules, [Adjustment(line="FD-60612-20", amount=-1_000)], horizon=1, debt_start=0
    )
    assert result.as_dict()["years"][0]["interest"] == 39_000


def test_it_refuses_a_line_that_falls_below_its_floor_naming_years_and_amounts():
    assert refusal(Adjustment(line="FD-6574-40", amount=-40_000, start_year=2), horizon=3) == [
        "La ligne FD-6574-40 (Subventions aux clubs sportifs) descendrait sous son plancher "
        "de 20\u202f000\u00a0€ : 17\u202f000\u00a0€ en année 2 au lieu de 57\u202f000\u00a0€, "
        "17\u202f000\u00a0€ en année 3 au lieu de 57\u202f000\u00a0€."
    ]


def test_it_accepts_a_line_brought_exactly_to_its_floor():
    result = simulate(
        budget(), None, [Adjustment(line="FD-6574-40", amount=-37_000)], horizon=1, debt_start=0
    )
    assert result.as_dict()["lines"][0]["years"][0]["final"] == 20_000


def test_it_refuses_a_line_without_floor_that_falls_below_zero():
    # No label: the message names the code alone.
    assert refusal(Adjustment(line="FD-6042-30", percent=-150), horizon=1) == [
        "La ligne FD-6042-30 deviendrait négative : −5\u202f000\u00a0€ en année 1 au lieu de "
        "10\u202f000\u00a0€."
    ]


def test_it_refuses_a_line_pushed_below_zero_by_an_induced_effect():
    rules = rules_from_records(
        [{"source": "FD-60612-20", "target": "FD-6042-30", "coefficient": 1, "lag": 1}]
    )
    messages = refusal(Adjustment(line="FD-60612-20", amount=-12_000), rules=rules, horizon=2)
    assert messages == [
        "La ligne FD-6042-30 deviendrait négative : −2\u202f000\u00a0€ en année 2 au lieu de "
        "10\u202f000\u00a0€."
    ]


def test_it_refuses_an_unknown_line_and_trims_spaces_only():
    assert refusal(Adjustment(line=" FD-60612 ", amount=-1)) == [
        "La ligne « FD-60612 » n'existe pas dans ce budget."
    ]
    # The exact code with spaces around it is found.
    simulate(budget(), None, [Adjustment(line=" FD-60612-20 ", amount=-1)], debt_start=0)


def test_it_refuses_more_policy_areas_than_allowed():
    messages = refusal(
        Adjustment(line="FD-6574-40", amount=-1_000),
        Adjustment(line="FD-60612-20", amount=-1_000),
        Adjustment(line="FD-6042-30", amount=-1_000),
        max_policy_areas=2,
    )
    assert messages == [
        "Le scénario touche 3 politiques publiques (20 Enseignement, 30 Culture, 40 Sport) "
        "alors que 2 au plus sont permises."
    ]


def test_several_lines_of_one_policy_area_count_once():
    result = simulate(
        budget(),
        None,
        [
            Adjustment(line="FD-6574-40", amount=-1_000),
            Adjustment(line="FD-6574-40", percent=-1),
            Adjustment(line="FD-60612-20", amount=-1_000),
        ],
        max_policy_areas=2,
        debt_start=0,
    )
    assert result.as_dict()["years"][0]["direct_delta"] == 2_570


def test_it_refuses_an_adjustment_with_both_an_amount_and_a_percent_or_neither():
    assert refusal(
        Adjustment(line="FD-6042-30", amount=-1_000, percent=-10),
        Adjustment(line="FD-60612-20"),
    ) == [
        "L'ajustement de la ligne FD-6042-30 doit indiquer soit un montant, soit un "
        "pourcentage (un seul).",
        "L'ajustement de la ligne FD-60612-20 (Électricité des écoles) doit indiquer soit un "
        "montant, soit un pourcentage (un seul).",
    ]


def test_it_refuses_a_first_year_share_outside_zero_and_one():
    assert refusal(Adjustment(line="FD-6042-30", amount=-1, first_year_share=1.5)) == [
        "La part de la première année de l'ajustement de la ligne FD-6042-30 doit être "
        "comprise entre 0 et 1 (reçu : 1.5)."
    ]


def test_it_refuses_a_start_year_outside_the_horizon():
    assert refusal(
        Adjustment(line="FD-6042-30", amount=-1, start_year=0),
        Adjustment(line="FD-6042-30", amount=-1, start_year=4),
        horizon=3,
    ) == [
        "L'année de départ de l'ajustement de la ligne FD-6042-30 doit être comprise entre "
        "1 et 3 (reçu : 0).",
        "L'année de départ de l'ajustement de la ligne FD-6042-30 doit être comprise entre "
        "1 et 3 (reçu : 4).",
    ]


@pytest.mark.parametrize("horizon", [0, 11])
def test_it_refuses_a_horizon_outside_one_to_ten_years(horizon):
    assert refusal(horizon=horizon) == [
        f"L'horizon doit être compris entre 1 et 10 ans (reçu : {horizon})."
    ]


def test_it_lists_every_problem_at_once():
    with pytest.raises(SimulationError) as caught:
        simulate(
            budget(),
            None,
            [
                Adjustment(line="FD-6811", percent=-10),
                Adjustment(line="FD-0000", amount=1),
                Adjustment(line="FD-6042-30", amount=-20_000),
            ],
            horizon=1,
            debt_start=0,
        )
    messages = caught.value.messages
    assert messages == [
        "La ligne FD-6811 (Dotations aux amortissements) est une opération d'ordre : "
        "elle ne peut pas être modifiée.",
        "La ligne « FD-0000 » n'existe pas dans ce budget.",
        "La ligne FD-6042-30 deviendrait négative : −10\u202f000\u00a0€ en année 1 au lieu de "
        "10\u202f000\u00a0€.",
    ]
    assert str(caught.value) == "\n".join(messages)


def test_it_refuses_a_cycle_in_the_rules_naming_it():
    rules = rules_from_records(
        [
            {"source": "FD-6574-40", "target": "FD-60612-20", "coefficient": 0.1},
            {"source": "FD-60612-20", "target": "FD-6042-30", "coefficient": 0.1},
            {"source": "FD-6042-30", "target": "FD-6574-40", "coefficient": 0.1},
            {"source": "FR-73111", "target": "FD-6574-40", "coefficient": 0.1},
        ]
    )
    with pytest.raises(SimulationError) as caught:
        prepare(budget(), rules)
    assert caught.value.messages == [
        "Les impacts induits forment un cycle : FD-6574-40 → FD-60612-20 → FD-6042-30 → FD-6574-40."
    ]


def test_it_refuses_a_rule_on_an_unknown_line_or_with_a_bad_lag():
    rules = rules_from_records(
        [
            {"source": "FD-6574-40", "target": "FD-9999", "coefficient": 0.1},
            {"source": "FD-6574-40", "target": "FD-6042-30", "coefficient": 0.1, "lag": 11},
        ]
    )
    with pytest.raises(SimulationError) as caught:
        prepare(budget(), rules)
    assert caught.value.messages == [
        "L'impact induit FD-6574-40 → FD-9999 vise une ligne inconnue : FD-9999.",
        "L'impact induit FD-6574-40 → FD-6042-30 a un décalage de 11 an(s) ; il doit être "
        "un entier de 0 à 10.",
    ]


def test_it_refuses_a_growth_rate_of_minus_one_hundred_percent_or_less():
    assert refusal(growth_rates={"011": -1}) == [
        "Le taux d'évolution du chapitre 011 doit être un nombre supérieur à −100 % (reçu : -1)."
    ]


def test_it_refuses_values_that_are_not_numbers_as_json_may_bring_them():
    assert refusal(
        Adjustment(line="FD-6042-30", amount="beaucoup"),
        Adjustment(line="FD-6042-30", percent=-1, recurring="non"),
        target="trois cents",
        horizon="3",
    ) == [
        "L'horizon doit être compris entre 1 et 10 ans (reçu : 3).",
        "L'objectif d'économies doit être un montant (reçu : trois cents).",
        "L'ajustement de la ligne FD-6042-30 n'a pas une valeur numérique valide.",
        "L'ajustement de la ligne FD-6042-30 doit dire s'il est récurrent par vrai ou faux "
        "(reçu : non).",
    ]
