"""Publishing the council's answers: refused until each proposal is answered, then the move to
``answered`` and the e-mails (authors, opted-in voters), once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.council.test_answers_services import answer_all, council_campaign
from tests.votes.factories import make_voter
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move, council_answers_publish, move_problems
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


def voter(c, *, email: str, notify: bool, confirmed: bool = True):
    user = make_voter(
        outside_territory=True, email=email, notify_results=notify, confirmed=confirmed
    )
    Ballot.objects.create(campaign=c.campaign, channel="online", voter=user)
    return user


def _publish(c, capture, **kwargs):
    with capture(execute=True):
        return council_answers_publish(
            campaign=c.campaign, by=kwargs.pop("by", c.admin), site_url="https://example.org/"
        )


def test_it_refuses_while_a_proposal_has_no_answer(mailoutbox, django_capture_on_commit_callbacks):
    c = council_campaign()
    answer_all(c, skip=(3,))

    with pytest.raises(ValidationError) as error:
        _publish(c, django_capture_on_commit_callbacks)

    assert error.value.messages == [
        "Le conseil doit avoir répondu à chaque proposition avant la publication : 1 sans avis "
        "(P-0003)."
    ]
    c.campaign.refresh_from_db()
    assert c.campaign.phase == Phase.COUNCIL
    assert not PhaseTransition.objects.filter(to_phase=Phase.ANSWERED).exists()
    assert mailoutbox == []


def test_the_generic_phase_move_checks_the_answers_too():
    c = council_campaign()
    answer_all(c, skip=(1, 2))

    assert move_problems(c.campaign, Phase.ANSWERED) == [
        "Le conseil doit avoir répondu à chaque proposition avant la publication : 2 sans avis "
        "(P-0001, P-0002)."
    ]
    with pytest.raises(ValidationError):
        campaign_move(campaign=c.campaign, to_phase=Phase.ANSWERED, by=c.admin)
    c.campaign.refresh_from_db()
    assert c.campaign.phase == Phase.COUNCIL


def test_it_publishes_once_every_proposal_is_answered(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    answer_all(c)

    _publish(c, django_capture_on_commit_callbacks)

    c.campaign.refresh_from_db()
    assert c.campaign.phase == Phase.ANSWERED
    transition = PhaseTransition.objects.get(campaign=c.campaign, to_phase=Phase.ANSWERED)
    assert (transition.from_phase, transition.by) == (Phase.COUNCIL, c.admin)


def test_each_author_gets_one_email_listing_their_proposals(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    answer_all(c)

    report = _publish(c, django_capture_on_commit_callbacks)

    assert report.authors == 1
    assert [m.to for m in mailoutbox] == [["autrice@example.org"]]
    message = mailoutbox[0]
    assert message.subject == f"Le conseil a répondu à vos propositions — {c.campaign.title}"
    url = f"https://example.org/campagnes/{c.campaign.slug}/suites/"
    assert "- P-0001 « Proposition 1 » : Adoptée. Elle porte le label citoyen." in message.body
    assert "- P-0002 « Proposition 2 » : Adoptée avec modifications." in message.body
    assert f"{url}#P-0001" in message.body
    assert f"{url}#P-0002" in message.body
    assert "P-0003" not in message.body


def test_voters_who_asked_for_it_are_told(mailoutbox, django_capture_on_commit_callbacks):
    c = council_campaign()
    voter(c, email="oui@example.org", notify=True)
    voter(c, email="non@example.org", notify=False)
    voter(c, email="jamais-confirme@example.org", notify=True, confirmed=False)
    make_voter(outside_territory=True, email="pas-vote@example.org", notify_results=True)
    answer_all(c)

    report = _publish(c, django_capture_on_commit_callbacks)

    assert report.voters == 1
    to_voters = [m for m in mailoutbox if m.to != ["autrice@example.org"]]
    assert [m.to for m in to_voters] == [["oui@example.org"]]
    assert f"https://example.org/campagnes/{c.campaign.slug}/suites/" in to_voters[0].body
    assert "Vous avez voté dans la campagne" in to_voters[0].body


def test_an_author_who_voted_gets_only_the_author_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    c.author.profile.notify_results = True
    c.author.profile.save()
    Ballot.objects.create(campaign=c.campaign, channel="online", voter=c.author)
    answer_all(c)

    _publish(c, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    assert "Voici sa décision sur les vôtres" in mailoutbox[0].body


def test_nobody_is_told_twice(mailoutbox, django_capture_on_commit_callbacks):
    c = council_campaign()
    voter(c, email="oui@example.org", notify=True)
    answer_all(c)
    _publish(c, django_capture_on_commit_callbacks)
    sent = len(mailoutbox)

    with pytest.raises(ValidationError) as error:
        _publish(c, django_capture_on_commit_callbacks)

    assert sent == 2
    assert error.value.messages == [
        f"Les avis de la campagne « {c.campaign.title} » sont déjà publiés."
    ]
    assert len(mailoutbox) == sent


def test_the_campaign_cannot_go_back_to_change_the_published_answers():
    c = council_campaign()
    answer_all(c)
    council_answers_publish(campaign=c.campaign, by=c.admin)

    with pytest.raises(ValidationError):
        campaign_move(
            campaign=c.campaign, to_phase=Phase.COUNCIL, by=c.admin, reason="Corriger un avis."
        )

    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.ANSWERED


def test_it_refuses_before_the_council_phase(mailoutbox):
    c = council_campaign()
    Campaign.objects.filter(pk=c.campaign.pk).update(phase=Phase.TALLY)
    c.campaign.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        council_answers_publish(campaign=c.campaign, by=c.admin)

    assert "possible seulement en phase « Transmis au conseil »" in error.value.messages[0]
    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.TALLY


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_publishes(roles, mailoutbox):
    c = council_campaign()
    answer_all(c)

    with pytest.raises(PermissionDenied):
        council_answers_publish(campaign=c.campaign, by=make_user(roles=roles))

    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.COUNCIL
    assert mailoutbox == []


def test_a_second_administrator_publishing_is_refused(mailoutbox):
    c = council_campaign()
    answer_all(c)
    council_answers_publish(campaign=c.campaign, by=c.admin)
    stale = Campaign.objects.get(pk=c.campaign.pk)
    stale.phase = Phase.COUNCIL  # read before the first publication committed

    with pytest.raises(ValidationError):
        council_answers_publish(campaign=stale, by=make_user(roles=(ADMINISTRATOR,)))

    assert PhaseTransition.objects.filter(to_phase=Phase.ANSWERED).count() == 1


def test_the_generic_next_phase_button_tells_the_authors_and_voters_too(
    mailoutbox, django_capture_on_commit_callbacks
):
    c = council_campaign()
    answer_all(c)
    voter(c, email="lea@example.org", notify=True)

    with django_capture_on_commit_callbacks(execute=True):
        transition = campaign_move(campaign=c.campaign, to_phase=Phase.ANSWERED, by=c.admin)

    assert transition.notified.voters == 1
    assert "lea@example.org" in [message.to[0] for message in mailoutbox]
