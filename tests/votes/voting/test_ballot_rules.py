from __future__ import annotations

from decimal import Decimal

from votes.voting.rules import CategoryRule, Choice, addition_problem, choice_problems

SPORT = CategoryRule(id=1, name="Sport", cap=3)
WORKS = CategoryRule(id=2, name="Travaux", cap=None, knapsack=True, envelope=Decimal("100000"))
RULES = {1: SPORT, 2: WORKS}


def choice(reference, category_id=1, cost="0"):
    return Choice(reference=reference, category_id=category_id, cost=Decimal(cost))


def test_it_refuses_a_fourth_vote_in_a_category_capped_at_three():
    current = [choice(1), choice(2), choice(3)]

    problem = addition_problem(current=current, new=choice(4), categories=RULES)

    assert problem == (
        "Vous avez utilisé vos 3 votes dans « Sport » : retirez-en un pour choisir celui-ci."
    )


def test_it_accepts_a_third_vote_and_any_number_when_uncapped():
    assert addition_problem(current=[choice(1), choice(2)], new=choice(3), categories=RULES) is None
    many = [choice(n, 2, "1") for n in range(10, 20)]
    assert addition_problem(current=many, new=choice(30, 2, "1"), categories=RULES) is None


def test_the_knapsack_envelope_caps_the_total_cost():
    current = [choice(10, 2, "60000")]

    problem = addition_problem(current=current, new=choice(11, 2, "50000"), categories=RULES)

    assert problem == (
        "Ce projet coûte 50\u202f000\u00a0€ et il ne reste que 40\u202f000\u00a0€ dans "
        "l'enveloppe de « Travaux » : retirez un projet pour le choisir."
    )
    assert addition_problem(current=current, new=choice(12, 2, "40000"), categories=RULES) is None


def test_the_number_of_categories_per_voter_can_be_capped():
    problem = addition_problem(
        current=[choice(1)], new=choice(10, 2, "1"), categories=RULES, max_categories=1
    )

    assert problem == (
        "Vous votez déjà dans 1 rubrique, le maximum : retirez vos choix d'une rubrique pour "
        "voter dans « Travaux »."
    )


def test_a_proposal_cannot_be_chosen_twice():
    assert addition_problem(current=[choice(1)], new=choice(1), categories=RULES) == (
        "Cette proposition est déjà dans votre bulletin."
    )


def test_a_whole_ballot_lists_every_broken_rule():
    ballot = [
        choice(1),
        choice(2),
        choice(3),
        choice(4),
        choice(4),
        choice(10, 2, "70000"),
        choice(11, 2, "40000"),
    ]

    problems = choice_problems(choices=ballot, categories=RULES, max_categories=1)

    assert problems == [
        "La proposition P-0004 est choisie deux fois.",
        "« Sport » : 5 choix pour 3 votes au plus.",
        "« Travaux » : les projets choisis coûtent 110\u202f000\u00a0€, au-delà de l'enveloppe "
        "de 100\u202f000\u00a0€.",
        "2 rubriques choisies : 1 rubrique au plus par votant.",
    ]


def test_a_valid_ballot_has_no_problem():
    assert choice_problems(choices=[choice(1), choice(10, 2, "100000")], categories=RULES) == []
