"""The « scénario des propositions adoptées » button of the council report (issue 16 §7): the
finance service builds it in one click and lands on the simulator page of the scenario."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from simulator.models import Scenario
from tests.factories import make_user
from tests.votes.council.test_scenario_services import small_campaign
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Phase
from votes.council.models import AdoptedScenario

pytestmark = pytest.mark.django_db


def build_url(campaign) -> str:
    return reverse("votes:council_adopted_scenario", kwargs={"slug": campaign.slug})


@pytest.mark.parametrize("role", [FINANCE, ADMINISTRATOR])
def test_one_click_builds_the_scenario_and_opens_it(client, role):
    campaign = small_campaign()
    client.force_login(make_user(roles=(role,)))

    response = client.post(build_url(campaign), follow=True)

    scenario = Scenario.objects.get()
    assert response.redirect_chain[-1][0] == scenario.get_absolute_url()
    page = response.content.decode()
    assert "Scénario construit avec les propositions adoptées par le conseil." in page
    # The adopted proposals are the scenario's own measures, shown checked on the screen so
    # that the next change keeps them.
    assert "Mesures de ce scénario" in page
    assert 'value="adopte-' in page


def test_the_report_links_the_scenario_once_built(client):
    campaign = small_campaign()
    client.force_login(make_user(roles=(FINANCE,)))
    client.post(build_url(campaign))

    page = client.get(reverse("votes:council_report", kwargs={"slug": campaign.slug}))

    built = AdoptedScenario.objects.get()
    assert built.scenario.get_share_url() in page.content.decode()
    assert "Reconstruire le scénario des propositions adoptées" in page.content.decode()


@pytest.mark.parametrize("role", [INSTRUCTOR, MODERATOR, FACILITATOR, OFFICER, None])
def test_other_roles_are_refused(client, role):
    campaign = small_campaign()
    client.force_login(make_user(roles=(role,) if role else ()))

    response = client.post(build_url(campaign))

    assert response.status_code == 403
    assert not Scenario.objects.exists()


def test_the_guarantor_reads_the_report_but_builds_nothing(client):
    campaign = small_campaign()
    client.force_login(make_guarantor(campaign))

    response = client.post(build_url(campaign))

    assert response.status_code == 403
    assert not Scenario.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    campaign = small_campaign()

    response = client.post(build_url(campaign))

    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]
    assert not Scenario.objects.exists()


def test_get_is_not_allowed(client):
    campaign = small_campaign()
    client.force_login(make_user(roles=(FINANCE,)))

    assert client.get(build_url(campaign)).status_code == 405


def test_before_the_tally_the_page_does_not_exist(client):
    campaign = small_campaign(phase=Phase.VOTING)
    client.force_login(make_user(roles=(FINANCE,)))

    assert client.post(build_url(campaign)).status_code == 404
    assert not Scenario.objects.exists()
