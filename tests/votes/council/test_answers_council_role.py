"""The council role (issue 16 §6): the council's members and secretariat record and publish
the answers themselves; a council member of another authority, or of another campaign,
reaches nothing; the council role opens no other management page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from budget.roles import COUNCIL
from tests.factories import grant_role, make_authority, make_user
from tests.votes.council.test_answers_services import Council, answer_all, council_campaign
from tests.votes.factories import grant_campaign_role, make_campaign
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move, council_answers_publish
from votes.council.answers import council_answer_set
from votes.council.models import CouncilAnswer

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision


def _answer(c: Council, by) -> CouncilAnswer:
    return council_answer_set(proposal=c.p1, by=by, decision=Decision.ADOPTED, answer="Adopté.")


def test_a_council_member_records_an_answer_signed_with_their_name():
    c = council_campaign()
    member = make_user(roles=(COUNCIL,))

    answer = _answer(c, member)

    assert answer.answered_by == member


def test_a_council_member_publishes_the_answers(mailoutbox):
    c = council_campaign()
    member = make_user(roles=(COUNCIL,))
    answer_all(c)

    council_answers_publish(campaign=c.campaign, by=member)

    transition = PhaseTransition.objects.get(campaign=c.campaign, to_phase=Phase.ANSWERED)
    assert transition.by == member


def test_an_administrator_still_records_answers():
    c = council_campaign()

    assert _answer(c, c.admin).answered_by == c.admin


def test_the_council_role_moves_the_campaign_to_no_other_phase():
    campaign = make_campaign(phase=Phase.TALLY)
    member = make_user(roles=(COUNCIL,))

    with pytest.raises(PermissionDenied):
        campaign_move(campaign=campaign, to_phase=Phase.COUNCIL, by=member)

    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.TALLY
    assert not PhaseTransition.objects.filter(campaign=campaign).exists()


def test_a_council_member_of_another_authority_records_nothing():
    c = council_campaign()
    member = make_user()
    grant_role(member, COUNCIL, make_authority())

    with pytest.raises(PermissionDenied):
        _answer(c, member)
    with pytest.raises(PermissionDenied):
        council_answers_publish(campaign=c.campaign, by=member)

    assert not CouncilAnswer.objects.exists()
    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.COUNCIL


def test_a_council_member_of_the_authority_records_an_answer():
    c = council_campaign()
    member = make_user()
    grant_role(member, COUNCIL, c.campaign.authority)

    assert _answer(c, member).answered_by == member


def test_a_council_role_in_another_campaign_of_the_authority_records_nothing():
    c = council_campaign()
    member = make_user()
    other = make_campaign(budget=c.campaign.budget)
    grant_campaign_role(member, COUNCIL, other)

    with pytest.raises(PermissionDenied):
        _answer(c, member)

    assert not CouncilAnswer.objects.exists()


def test_the_council_pages_open_to_a_council_member(client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    client.force_login(make_user(roles=(COUNCIL,)))

    for name in ["votes:council_answers", "votes:council_answers_import"]:
        response = client.get(reverse(name, kwargs={"slug": campaign.slug}))
        assert response.status_code == 200, name


def test_the_council_pages_refuse_a_council_member_of_another_authority(client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    member = make_user()
    grant_role(member, COUNCIL, make_authority())
    client.force_login(member)

    for name in ["votes:council_answers", "votes:council_answers_import"]:
        response = client.get(reverse(name, kwargs={"slug": campaign.slug}))
        assert response.status_code == 403, name


def test_the_council_role_opens_no_other_management_page(client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    client.force_login(make_user(roles=(COUNCIL,)))

    for name in ["votes:campaign_admin", "votes:follow_ups", "votes:council_send"]:
        response = client.get(reverse(name, kwargs={"slug": campaign.slug}))
        assert response.status_code == 403, name


def test_the_public_page_links_the_council_member_to_the_answers(client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    client.force_login(make_user(roles=(COUNCIL,)))

    response = client.get(reverse("votes:campaign", kwargs={"slug": campaign.slug}))

    assert reverse("votes:council_answers", kwargs={"slug": campaign.slug}) in response.text


def test_a_council_member_reads_the_council_report(client):
    c = council_campaign()
    client.force_login(make_user(roles=(COUNCIL,)))

    response = client.get(reverse("votes:council_report", kwargs={"slug": c.campaign.slug}))

    assert response.status_code == 200


def test_a_council_member_of_another_authority_does_not_read_the_report(client):
    c = council_campaign()
    member = make_user()
    grant_role(member, COUNCIL, make_authority())
    client.force_login(member)

    response = client.get(reverse("votes:council_report", kwargs={"slug": c.campaign.slug}))

    assert response.status_code == 403


def test_the_answers_page_of_a_council_member_links_no_management_page(client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    client.force_login(make_user(roles=(COUNCIL,)))

    response = client.get(reverse("votes:council_answers", kwargs={"slug": campaign.slug}))

    admin = reverse("votes:campaign_admin", kwargs={"slug": campaign.slug})
    public = reverse("votes:campaign", kwargs={"slug": campaign.slug})
    assert f'href="{admin}"' not in response.text
    assert f'href="{public}"' in response.text
