"""votes/notifications/sending.py, as each notification reaches people: the vote recorded (never
what for), a phase opening in a followed campaign, the answers on my proposals, each under the
person's choice and with its unsubscribe link."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_user
from tests.votes.council.test_answers_publish import _publish, voter
from tests.votes.council.test_answers_services import answer_all, council_campaign
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import campaign_move
from votes.instruction.models import Instruction
from votes.notifications.models import Follow, Kind, Preferences
from votes.notifications.sending import wants
from votes.voting.ballots import ballot_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting():
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, title="Budget 2027")
    category = make_category(campaign)
    proposals = []
    for title in ("Des bancs publics", "Un jardin partagé"):
        proposal = make_proposal(campaign, category=category, title=title)
        make_instruction(
            proposal,
            validation=Instruction.Validation.VALIDATED,
            instructed_cost=Decimal("5000"),
        )
        proposals.append(proposal)
    person = make_voter(commune=make_commune(campaign.authority), email="v@exemple.fr")
    return campaign, proposals, person


def test_the_first_choice_records_the_vote_and_the_voter_is_told_without_what_for(
    voting, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, proposals, person = voting
    with django_capture_on_commit_callbacks(execute=True):
        ballot_add(campaign=campaign, user=person, proposal=proposals[0])
    with django_capture_on_commit_callbacks(execute=True):
        ballot_add(campaign=campaign, user=person, proposal=proposals[1])
    assert [m.to for m in mailoutbox] == [["v@exemple.fr"]]
    message = mailoutbox[0]
    assert message.subject == "Votre vote est enregistré — Budget 2027"
    for proposal in proposals:
        assert proposal.title not in message.body
        assert proposal.public_reference not in message.body
    assert "/notifications/desabonnement/" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_a_voter_who_said_no_gets_no_confirmation(
    voting, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, proposals, person = voting
    Preferences.objects.create(user=person, vote_recorded=False)
    with django_capture_on_commit_callbacks(execute=True):
        ballot_add(campaign=campaign, user=person, proposal=proposals[0])
    assert mailoutbox == []


def test_followers_are_told_when_a_phase_opens(mailoutbox, django_capture_on_commit_callbacks):
    campaign = make_campaign(phase=Phase.FRAMING, framing="Règles.", title="Budget 2027")
    make_category(campaign)
    commune = make_commune(campaign.authority)
    follower = make_voter(commune=commune, email="suit@exemple.fr")
    stopped = make_voter(commune=commune, email="stop@exemple.fr")
    make_voter(commune=commune, email="ne-suit-pas@exemple.fr")
    for user in (follower, stopped):
        Follow.objects.create(user=user, campaign=campaign)
    Preferences.objects.create(user=stopped, phase_opened=False)
    admin = make_user(roles=("administrator",))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin)
    assert [m.to for m in mailoutbox] == [["suit@exemple.fr"]]
    assert mailoutbox[0].subject == "Budget 2027 : phase « Dépôt des propositions » ouverte"
    assert "/notifications/desabonnement/" in mailoutbox[0].body


def test_a_backward_move_tells_nobody(mailoutbox, django_capture_on_commit_callbacks):
    campaign = make_campaign(phase=Phase.PROPOSALS, framing="Règles.")
    follower = make_voter(commune=make_commune(campaign.authority))
    Follow.objects.create(user=follower, campaign=campaign)
    admin = make_user(roles=("administrator",))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_move(campaign=campaign, to_phase=Phase.FRAMING, by=admin, reason="Erreur")
    assert mailoutbox == []


def test_the_answers_to_my_proposals_follow_my_choice(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    Preferences.objects.create(user=c.author, proposal_answer=False)
    answer_all(c)
    report = _publish(c, django_capture_on_commit_callbacks)
    assert report.authors == 0
    assert mailoutbox == []


def test_the_answers_e_mails_carry_an_unsubscribe_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    voter(c, email="oui@example.org", notify=True)
    answer_all(c)
    _publish(c, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "https://example.org/notifications/desabonnement/" in message.body
        assert message.extra_headers["List-Unsubscribe"].startswith(
            "<https://example.org/notifications/desabonnement/"
        )


def test_an_address_not_confirmed_yet_gets_only_its_proposals_news():
    person = make_voter(outside_territory=True, confirmed=False)
    assert [kind for kind in Kind if wants(person, kind)] == [
        Kind.PROPOSAL_ANSWER,
        Kind.PROPOSAL_COMMENT,
    ]
    assert wants(make_voter(outside_territory=True), Kind.VOTE_RECORDED)
