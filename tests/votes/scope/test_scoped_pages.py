"""Issue 16 §6: a role held in one authority (RoleGrant) or one campaign (CampaignRole) opens
the pages of that authority's objects only, whatever the URL names (a campaign, a polling
station, a workshop, a service, a budget, an authority), and the lists show only them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, MODERATOR, OFFICER
from tests.factories import grant_role, make_authority, make_budget, make_user
from tests.votes.factories import grant_campaign_role, make_campaign, make_proposal, make_service
from tests.votes.workshops.factories import make_workshop_setup
from votes.access import is_finance, scope_of
from votes.campaigns.models import Campaign, Phase
from votes.debate.models import Comment, CommentFlag
from votes.instruction.models import Service
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db


def _granted(role: str, authority):
    user = make_user()
    grant_role(user, role, authority)
    return user


def test_scope_of_resolves_an_object_to_its_authority_and_campaign():
    campaign = make_campaign()
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    service = make_service(campaign.authority)

    assert scope_of(campaign) == (campaign.authority_id, campaign.pk)
    assert scope_of(station) == (campaign.authority_id, campaign.pk)
    assert scope_of(service) == (campaign.authority_id, None)
    assert scope_of(campaign.authority) == (campaign.authority_id, None)
    assert scope_of(None) == (None, None)


def test_a_campaign_role_holds_in_its_campaign_only():
    campaign = make_campaign()
    sibling = make_campaign(budget=campaign.budget)
    user = make_user()
    grant_campaign_role(user, FINANCE, campaign)

    assert is_finance(user, campaign)
    assert not is_finance(type(user).objects.get(pk=user.pk), sibling)
    assert not is_finance(type(user).objects.get(pk=user.pk), campaign.authority)


def test_an_officer_of_another_authority_is_refused_at_a_polling_station(client):
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    officer = _granted(OFFICER, make_authority())
    station.officers.add(officer)
    client.force_login(officer)

    assert client.get(reverse("votes:station", kwargs={"pk": station.pk})).status_code == 403
    assert client.get(reverse("votes:station_list")).status_code == 200
    assert "Mairie" not in client.get(reverse("votes:station_list")).text


def test_an_administrator_of_another_authority_is_refused_on_a_service(client):
    service = make_service(make_authority(), name="Voirie")
    admin = _granted(ADMINISTRATOR, make_authority())
    client.force_login(admin)

    edit = reverse("votes:instruction_service_edit", kwargs={"pk": service.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Renommé"}).status_code == 403
    assert Service.objects.get(pk=service.pk).name == "Voirie"
    assert "Voirie" not in client.get(reverse("votes:instruction_services")).text


def test_an_administrator_creates_services_only_in_their_authority(client):
    own, other = make_authority(name="Commune B"), make_authority(name="Commune A")
    client.force_login(_granted(ADMINISTRATOR, own))

    page = client.get(reverse("votes:instruction_service_create")).text
    response = client.post(
        reverse("votes:instruction_service_create"), {"authority": other.pk, "name": "Sports"}
    )

    assert "Commune B" in page and "Commune A" not in page
    assert response.status_code == 200  # the form again, with the choice refused
    assert not Service.objects.exists()


def test_the_campaign_list_shows_the_administrators_authority_only(client):
    mine = make_campaign(title="Campagne de B", phase=Phase.DRAFT)
    theirs = make_campaign(title="Campagne de A", phase=Phase.DRAFT)
    client.force_login(_granted(ADMINISTRATOR, mine.authority))

    text = client.get(reverse("votes:campaign_admin_list")).text

    assert "Campagne de B" in text and "Campagne de A" not in text
    # A draft exists only for the administrators of its authority.
    assert client.get(reverse("votes:campaign", kwargs={"slug": theirs.slug})).status_code == 404
    assert client.get(reverse("votes:campaign", kwargs={"slug": mine.slug})).status_code == 200


def test_an_administrator_creates_campaigns_only_in_their_authority(client):
    own, other = make_authority(), make_authority()
    budget = make_budget(authority=other)
    client.force_login(_granted(ADMINISTRATOR, own))

    response = client.post(
        reverse("votes:campaign_admin_create"),
        {"authority": other.pk, "budget": budget.pk, "title": "Intruse", "slug": "intruse"},
    )

    assert response.status_code == 200
    assert not Campaign.objects.filter(slug="intruse").exists()


def test_a_facilitator_of_another_authority_is_refused_on_a_workshop(client):
    setup = make_workshop_setup()
    outsider = _granted(FACILITATOR, make_authority())
    client.force_login(outsider)

    url = reverse("votes:workshop_setup", kwargs={"pk": setup.workshop.pk})
    assert client.get(url).status_code in {403, 404}
    assert setup.workshop.title not in client.get(reverse("votes:workshop_list")).text


def test_a_facilitator_creates_no_workshop_in_another_authority():
    from votes.workshops.services import workshop_create

    setup = make_workshop_setup()
    outsider = _granted(FACILITATOR, make_authority())

    with pytest.raises(PermissionDenied):
        workshop_create(
            campaign=setup.campaign, title="Intrus", starts_at=setup.workshop.starts_at, by=outsider
        )

    assert setup.campaign.workshops.count() == 1


def test_the_comment_queue_of_another_authority_leaves_this_campaign_out(client):
    campaign = make_campaign()
    author = make_user()
    comment = Comment.objects.create(
        proposal=make_proposal(campaign), author=author, body="Un commentaire signalé de A"
    )
    CommentFlag.objects.create(comment=comment, user=make_user(), reason="Hors sujet")

    client.force_login(make_user(roles=(MODERATOR,)))
    assert "Un commentaire signalé de A" in client.get(reverse("votes:comment_queue")).text
    client.force_login(_granted(MODERATOR, make_authority()))
    assert "Un commentaire signalé de A" not in client.get(reverse("votes:comment_queue")).text


def test_finance_of_another_authority_is_refused_on_a_budget_and_its_territory(client):
    budget = make_budget(slug="budget-a")
    client.force_login(_granted(FINANCE, make_authority()))

    params = reverse("budget:backoffice_params", kwargs={"slug": budget.slug})
    territory = reverse("budget:backoffice_territory", kwargs={"slug": budget.authority.slug})
    assert client.get(params).status_code == 403
    assert client.get(territory).status_code == 403
    assert "budget-a" not in client.get(reverse("budget:backoffice")).text


def test_finance_of_the_authority_reaches_its_budget(client):
    budget = make_budget(slug="budget-b")
    client.force_login(_granted(FINANCE, budget.authority))

    params = reverse("budget:backoffice_params", kwargs={"slug": budget.slug})
    assert client.get(params).status_code == 200


def test_the_glossary_needs_the_role_everywhere(client):
    client.force_login(_granted(FACILITATOR, make_authority()))
    assert client.get(reverse("budget:glossary_term_add")).status_code == 403

    client.force_login(make_user(roles=(FACILITATOR,)))
    assert client.get(reverse("budget:glossary_term_add")).status_code == 200


def test_an_unpublished_budget_is_hidden_from_finance_of_another_authority(client):
    hidden = make_budget(published=False, slug="budget-cache")
    client.force_login(_granted(FINANCE, make_authority()))

    response = client.get(reverse("budget:overview", kwargs={"slug": hidden.slug}))

    assert response.status_code == 404
