"""Who reaches the campaign management pages: administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign, Category, Phase, PhaseSchedule, PhaseTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = make_campaign(slug="bp-2026", phase=Phase.FRAMING, framing="Les règles.")
    make_category(campaign, name="Sport", vote_cap=2)
    return campaign


def endpoints(campaign: Campaign) -> list[tuple[str, str, dict]]:
    base = f"/gestion/campagnes/{campaign.slug}/"
    category = campaign.categories.get()
    return [
        ("get", "/gestion/campagnes/", {}),
        ("get", "/gestion/campagnes/nouvelle/", {}),
        ("post", "/gestion/campagnes/nouvelle/", {"title": "Piratée", "slug": "piratee"}),
        ("get", base, {}),
        ("post", base, {"title": "Piratée", "framing": "Piraté."}),
        ("post", base + "calendrier/", {"voting-starts_on": "2026-12-05"}),
        ("post", base + "rubriques/", {"name": "Piratée", "savings_target": "1"}),
        ("get", base + f"rubriques/{category.pk}/", {}),
        ("post", base + f"rubriques/{category.pk}/", {"name": "Sport", "vote_cap": "9"}),
        ("post", base + f"rubriques/{category.pk}/supprimer/", {}),
        ("get", base + "phase/suivante/", {}),
        ("post", base + "phase/suivante/", {"to_phase": Phase.PROPOSALS}),
        ("post", base + "phase/retour/", {"to_phase": Phase.DRAFT, "reason": "Pirate."}),
    ]


def nothing_changed(campaign: Campaign) -> bool:
    saved = Campaign.objects.get(pk=campaign.pk)
    return (
        Campaign.objects.count() == 1
        and (saved.title, saved.phase, saved.framing)
        == (campaign.title, Phase.FRAMING, "Les règles.")
        and list(Category.objects.values_list("name", "vote_cap")) == [("Sport", 2)]
        and not PhaseSchedule.objects.exists()
        and not PhaseTransition.objects.exists()
    )


def test_urls_are_named(campaign):
    slug = campaign.slug
    assert reverse("votes:campaign_admin_list") == "/gestion/campagnes/"
    assert reverse("votes:campaign_admin_create") == "/gestion/campagnes/nouvelle/"
    assert reverse("votes:campaign_admin", kwargs={"slug": slug}) == "/gestion/campagnes/bp-2026/"
    assert reverse("votes:campaign_admin_schedule", kwargs={"slug": slug}).endswith("/calendrier/")
    assert reverse("votes:campaign_admin_category_create", kwargs={"slug": slug}).endswith(
        "/rubriques/"
    )
    assert reverse("votes:campaign_admin_category", kwargs={"slug": slug, "pk": 1}).endswith(
        "/rubriques/1/"
    )
    assert reverse("votes:campaign_admin_category_delete", kwargs={"slug": slug, "pk": 1}).endswith(
        "/rubriques/1/supprimer/"
    )
    assert reverse("votes:campaign_admin_advance", kwargs={"slug": slug}).endswith(
        "/phase/suivante/"
    )
    assert reverse("votes:campaign_admin_back", kwargs={"slug": slug}).endswith("/phase/retour/")


def test_anonymous_users_are_sent_to_login(client, campaign):
    for method, url, data in endpoints(campaign):
        response = getattr(client, method)(url, data)

        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/?next="), url
    assert nothing_changed(campaign)


def test_an_anonymous_htmx_request_is_redirected_by_htmx(client, campaign):
    response = client.post(
        f"/gestion/campagnes/{campaign.slug}/rubriques/",
        {"name": "X"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/connexion/"
    assert nothing_changed(campaign)


@pytest.mark.parametrize(
    "roles",
    [(), (FACILITATOR,), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,)],
    ids=["voter", "facilitator", "instructor", "finance", "moderator", "officer"],
)
def test_the_team_without_the_administrator_role_gets_403(client, campaign, roles):
    client.force_login(make_user(roles=roles))

    for method, url, data in endpoints(campaign):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert nothing_changed(campaign)


def test_an_administrator_reaches_every_page(client, campaign):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    for method, url, _data in endpoints(campaign):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_an_unknown_campaign_or_a_category_of_another_campaign_is_not_found(client, campaign):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    other = make_category(make_campaign(phase=Phase.FRAMING))

    assert client.get("/gestion/campagnes/inconnue/").status_code == 404
    url = f"/gestion/campagnes/{campaign.slug}/rubriques/{other.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url + "supprimer/").status_code == 404
    assert Category.objects.filter(pk=other.pk).exists()
