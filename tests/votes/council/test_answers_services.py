"""votes.council.answers: the council's answer to one proposal, and what the council answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_proposal, make_voter
from tests.votes.results.test_results_services import projects_campaign
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import council_send
from votes.council.answers import answerable_proposals, council_answer_set, missing_answers_problem
from votes.council.models import CouncilAnswer
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision


@dataclass
class Council:
    """A projects campaign whose results went to the council (see projects_campaign):
    P1 and P3 selected, P2 does not fit, P4 below the threshold, P5 not on the ballot.
    P1 and P2 are by `author`; P6 was hidden by the moderation before the sending."""

    campaign: Campaign
    admin: object
    author: object
    p1: Proposal
    p2: Proposal
    p3: Proposal
    p4: Proposal
    p5: Proposal
    p6: Proposal

    @property
    def sent(self) -> list[Proposal]:
        return [self.p1, self.p2, self.p3, self.p4, self.p5]


def council_campaign() -> Council:
    s = projects_campaign(phase=Phase.TALLY)
    author = make_voter(outside_territory=True, email="autrice@example.org")
    Proposal.objects.filter(pk__in=[s.p1.pk, s.p2.pk]).update(author=author)
    p6 = make_proposal(s.campaign, category=s.p1.category, status=Proposal.Status.HIDDEN)
    admin = make_user(roles=(ADMINISTRATOR,))
    council_send(campaign=s.campaign, by=admin)
    s.campaign.refresh_from_db()
    proposals = {p.pk: p for p in Proposal.objects.filter(campaign=s.campaign)}
    return Council(
        s.campaign,
        admin,
        author,
        *(proposals[p.pk] for p in (s.p1, s.p2, s.p3, s.p4, s.p5, p6)),
    )


DECISIONS = {
    1: Decision.ADOPTED,
    2: Decision.ADOPTED_CHANGED,
    3: Decision.DEFERRED,
    4: Decision.REJECTED,
    5: Decision.REJECTED,
}


def answer_all(c: Council, *, skip: tuple[int, ...] = ()) -> None:
    for proposal in c.sent:
        if proposal.reference in skip:
            continue
        council_answer_set(
            proposal=proposal,
            by=c.admin,
            decision=DECISIONS[proposal.reference],
            answer=f"Réponse à la proposition {proposal.reference}.",
            deliberation_reference="DEL-2025-042",
            deliberation_date=date(2025, 12, 15),
        )


def _set(c: Council, proposal: Proposal | None = None, **fields) -> CouncilAnswer:
    by = fields.pop("by", c.admin)
    values = {"decision": Decision.ADOPTED, "answer": "Le conseil adopte.", **fields}
    return council_answer_set(proposal=proposal or c.p1, by=by, **values)


def test_the_council_answers_the_proposals_it_received():
    c = council_campaign()

    assert answerable_proposals(c.campaign) == c.sent


def test_a_proposal_hidden_after_the_sending_still_gets_an_answer():
    c = council_campaign()
    Proposal.objects.filter(pk=c.p4.pk).update(status=Proposal.Status.HIDDEN)

    assert c.p4 in answerable_proposals(c.campaign)


def test_it_records_an_answer():
    c = council_campaign()

    answer = _set(
        c,
        decision=Decision.ADOPTED_CHANGED,
        answer="Adoptée, avec un autre emplacement.",
        deliberation_reference=" DEL-2025-042 ",
        deliberation_date=date(2025, 12, 15),
    )

    stored = CouncilAnswer.objects.get(proposal=c.p1)
    assert stored == answer
    assert (stored.decision, stored.answer) == (
        Decision.ADOPTED_CHANGED,
        "Adoptée, avec un autre emplacement.",
    )
    assert (stored.deliberation_reference, stored.deliberation_date) == (
        "DEL-2025-042",
        date(2025, 12, 15),
    )
    assert stored.answered_by == c.admin


def test_it_corrects_an_answer_in_place():
    c = council_campaign()
    _set(c, decision=Decision.DEFERRED, answer="Reportée.")

    _set(c, decision=Decision.REJECTED, answer="Rejetée, finalement.")

    stored = CouncilAnswer.objects.get(proposal=c.p1)
    assert (stored.decision, stored.answer) == (Decision.REJECTED, "Rejetée, finalement.")
    assert CouncilAnswer.objects.count() == 1


def test_it_cleans_the_answer_text():
    c = council_campaign()

    _set(c, answer="  Première ligne\r\nseconde\x00 ligne\x07  \n")

    assert CouncilAnswer.objects.get().answer == "Première ligne\nseconde ligne"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\x00"])
def test_it_refuses_an_empty_answer(text):
    c = council_campaign()

    with pytest.raises(ValidationError) as error:
        _set(c, answer=text)

    assert "Rédigez la réponse argumentée" in error.value.message_dict["answer"][0]
    assert not CouncilAnswer.objects.exists()


def test_it_refuses_an_unknown_decision():
    c = council_campaign()

    with pytest.raises(ValidationError) as error:
        _set(c, decision="maybe")

    assert error.value.message_dict["decision"] == [
        "Décision inconnue ; attendu : Adoptée, Adoptée avec modifications, Reportée, Rejetée."
    ]
    assert not CouncilAnswer.objects.exists()


def test_it_refuses_a_deliberation_in_the_future():
    c = council_campaign()
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        _set(c, deliberation_date=tomorrow)

    assert "est dans le futur" in error.value.message_dict["deliberation_date"][0]
    assert not CouncilAnswer.objects.exists()


def test_it_accepts_a_deliberation_of_today():
    c = council_campaign()

    _set(c, deliberation_date=timezone.localdate())

    assert CouncilAnswer.objects.get().deliberation_date == timezone.localdate()


def test_it_refuses_a_too_long_deliberation_reference():
    c = council_campaign()

    with pytest.raises(ValidationError) as error:
        _set(c, deliberation_reference="D" * 61)

    assert "dépasse 60 caractères" in error.value.message_dict["deliberation_reference"][0]
    assert not CouncilAnswer.objects.exists()


def test_it_refuses_a_too_long_answer():
    c = council_campaign()

    with pytest.raises(ValidationError) as error:
        _set(c, answer="x" * 10_001)

    assert "dépasse 10000 caractères" in error.value.message_dict["answer"][0]
    assert not CouncilAnswer.objects.exists()


def test_it_refuses_a_proposal_that_was_not_sent():
    c = council_campaign()

    with pytest.raises(ValidationError) as error:
        _set(c, proposal=c.p6)

    assert error.value.messages == [
        f"La proposition {c.p6.public_reference} ne fait pas partie de ce qui a été transmis au "
        "conseil (masquée ou retirée) : elle n'appelle pas d'avis."
    ]
    assert not CouncilAnswer.objects.exists()


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.TALLY])
def test_it_refuses_before_the_results_went_to_the_council(phase):
    s = projects_campaign(phase=phase)
    admin = make_user(roles=(ADMINISTRATOR,))

    with pytest.raises(ValidationError) as error:
        council_answer_set(proposal=s.p1, by=admin, decision=Decision.ADOPTED, answer="Oui.")

    assert "se saisissent une fois les résultats transmis au conseil" in error.value.messages[0]
    assert "Transmis au conseil" in error.value.messages[0]
    assert not CouncilAnswer.objects.exists()


def test_it_refuses_once_the_answers_are_published():
    c = council_campaign()
    answer_all(c)
    Campaign.objects.filter(pk=c.campaign.pk).update(phase=Phase.ANSWERED)

    with pytest.raises(ValidationError) as error:
        _set(c, decision=Decision.REJECTED, answer="Changement d'avis.")

    assert "sont publiés : ils ne peuvent plus être modifiés" in error.value.messages[0]
    assert CouncilAnswer.objects.get(proposal=c.p1).decision == Decision.ADOPTED


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_records_an_answer(roles):
    c = council_campaign()

    with pytest.raises(PermissionDenied):
        _set(c, by=make_user(roles=roles))

    assert not CouncilAnswer.objects.exists()


def test_the_missing_answers_are_listed_by_reference():
    c = council_campaign()
    answer_all(c, skip=(2, 5))

    assert missing_answers_problem(c.campaign) == (
        "Le conseil doit avoir répondu à chaque proposition avant la publication : 2 sans avis "
        "(P-0002, P-0005)."
    )


def test_nothing_is_missing_once_every_proposal_is_answered():
    c = council_campaign()
    answer_all(c)

    assert missing_answers_problem(c.campaign) is None
