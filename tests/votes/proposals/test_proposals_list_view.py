"""The list of proposals: who sees what, filters, search, sorting, pages, htmx, query count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.proposals.models import ModerationAction, Proposal, Support

pytestmark = pytest.mark.django_db


def url(campaign, query: str = "") -> str:
    return reverse("votes:proposal_list", kwargs={"slug": campaign.slug}) + query


def listed(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_it_lists_the_published_proposals_of_the_campaign_only(client):
    campaign = make_campaign()
    make_proposal(campaign, title="Ici")
    make_proposal(make_campaign(), title="Ailleurs")

    response = client.get(url(campaign))

    assert response.status_code == 200
    assert listed(response) == ["Ici"]


def test_it_shows_the_author_pseudonym_never_the_email(client):
    campaign = make_campaign()
    voter = make_voter(outside_territory=True, pseudonym="Colibri", email="secret@example.org")
    make_proposal(campaign, author=voter)

    content = client.get(url(campaign)).content.decode()

    assert "Par Colibri" in content
    assert "secret@example.org" not in content


def test_hidden_and_withdrawn_proposals_are_not_listed_for_the_public(client):
    campaign = make_campaign()
    make_proposal(campaign, title="Publiée")
    make_proposal(campaign, title="Masquée", status=Proposal.Status.HIDDEN)
    make_proposal(campaign, title="Retirée", status=Proposal.Status.WITHDRAWN)

    public = client.get(url(campaign))
    # The status filter does not exist for the public: asking for it changes nothing.
    asking = client.get(url(campaign, "?status=hidden"))

    assert listed(public) == ["Publiée"]
    assert listed(asking) == ["Publiée"]
    assert "status" not in public.context["filter"].form.fields


def test_moderators_see_hidden_proposals_with_the_reason(client):
    campaign = make_campaign()
    moderator = make_user(roles=("moderator",))
    hidden = make_proposal(campaign, title="Masquée", status=Proposal.Status.HIDDEN)
    ModerationAction.objects.create(
        proposal=hidden, moderator=moderator, action="hide", reason="Propos injurieux"
    )
    client.force_login(moderator)

    response = client.get(url(campaign, "?status=hidden"))

    assert listed(response) == ["Masquée"]
    assert "Masquée par la modération : Propos injurieux" in response.content.decode()


def test_the_team_filters_by_status_but_only_moderators_see_hidden_ones(client):
    campaign = make_campaign()
    make_proposal(campaign, title="Publiée")
    make_proposal(campaign, title="Masquée", status=Proposal.Status.HIDDEN)
    make_proposal(campaign, title="Retirée", status=Proposal.Status.WITHDRAWN)
    client.force_login(make_user(roles=("instructor",)))

    everything = client.get(url(campaign, "?sort=reference"))
    withdrawn = client.get(url(campaign, "?status=withdrawn"))

    assert listed(everything) == ["Publiée", "Retirée"]
    assert listed(withdrawn) == ["Retirée"]


def test_it_filters_by_category_kind_and_commune(client):
    campaign = make_campaign(kind=Campaign.Kind.MIXED)
    parks = make_category(campaign, name="Parcs")
    energy = make_category(campaign, name="Énergie")
    north = make_commune(campaign.authority, name="Nord")
    make_proposal(campaign, title="Banc", category=parks, kind="project", commune=north)
    make_proposal(campaign, title="LED", category=energy, kind="saving")
    make_proposal(campaign, title="Arbres", category=parks, kind="saving")

    by_category = client.get(url(campaign, f"?category={parks.pk}&sort=reference"))
    by_kind = client.get(url(campaign, "?kind=saving&sort=reference"))
    by_commune = client.get(url(campaign, f"?commune={north.pk}"))

    assert listed(by_category) == ["Banc", "Arbres"]
    assert listed(by_kind) == ["LED", "Arbres"]
    assert listed(by_commune) == ["Banc"]


def test_a_single_kind_campaign_has_no_kind_filter(client):
    campaign = make_campaign(kind=Campaign.Kind.SAVINGS)

    response = client.get(url(campaign))

    assert "kind" not in response.context["filter"].form.fields


def test_it_searches_every_word_in_title_and_description(client):
    campaign = make_campaign()
    make_proposal(campaign, title="Éclairage public", description="Éteindre la nuit")
    make_proposal(campaign, title="Piscine", description="Fermer le lundi")

    assert listed(client.get(url(campaign, "?q=nuit+public"))) == ["Éclairage public"]
    assert listed(client.get(url(campaign, "?q=lundi"))) == ["Piscine"]
    assert listed(client.get(url(campaign, "?q=lundi+nuit"))) == []


def test_it_sorts_by_reference_and_by_supports_when_supports_are_on(client):
    campaign = make_campaign(supports_enabled=True, phase=Phase.SUPPORTS)
    first = make_proposal(campaign, title="Un")
    second = make_proposal(campaign, title="Deux")
    make_proposal(campaign, title="Trois")
    for _ in range(2):
        Support.objects.create(proposal=second, user=make_user())
    Support.objects.create(proposal=first, user=make_user())

    assert listed(client.get(url(campaign, "?sort=reference"))) == ["Un", "Deux", "Trois"]
    assert listed(client.get(url(campaign, "?sort=soutiens"))) == ["Deux", "Un", "Trois"]
    assert "2 soutiens" in client.get(url(campaign)).content.decode()


def test_sorting_by_supports_is_not_offered_without_a_supports_phase(client):
    campaign = make_campaign(supports_enabled=False)

    response = client.get(url(campaign, "?sort=soutiens"))

    choices = [value for value, _label in response.context["filter"].form.fields["sort"].choices]
    assert "soutiens" not in choices
    assert "sort" in response.context["filter"].errors


def test_newest_first_by_default(client):
    campaign = make_campaign()
    for title in ("A", "B", "C"):
        make_proposal(campaign, title=title)

    assert listed(client.get(url(campaign))) == ["C", "B", "A"]


def test_it_shows_twenty_proposals_per_page(client):
    campaign = make_campaign()
    for _ in range(25):
        make_proposal(campaign)

    first = client.get(url(campaign, "?sort=reference"))
    second = client.get(url(campaign, "?sort=reference&page=2"))

    assert len(first.context["page"].object_list) == 20
    assert [p.reference for p in second.context["page"].object_list] == [21, 22, 23, 24, 25]
    assert "25 propositions" in first.content.decode()


def test_htmx_gets_only_the_results(client):
    campaign = make_campaign()
    make_proposal(campaign, title="Seule")

    response = client.get(url(campaign), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'id="proposal-results"' in content
    assert "<html" not in content
    assert "Seule" in content


def test_a_draft_campaign_has_no_public_list(client):
    campaign = make_campaign(phase=Phase.DRAFT)

    assert client.get(url(campaign)).status_code == 404


@pytest.mark.parametrize("roles", [(), ("moderator",)])
def test_the_number_of_queries_does_not_grow_with_the_proposals(
    client, django_assert_max_num_queries, roles
):
    campaign = make_campaign(supports_enabled=True, kind=Campaign.Kind.MIXED)
    commune = make_commune(campaign.authority)
    categories = [make_category(campaign) for _ in range(3)]
    for i in range(30):
        author = make_voter(commune=commune)
        proposal = make_proposal(
            campaign,
            author=author,
            category=categories[i % 3],
            commune=commune,
            estimate=Decimal(i),
            status=Proposal.Status.HIDDEN if i % 7 == 0 else Proposal.Status.PUBLISHED,
        )
        Support.objects.create(proposal=proposal, user=author)
    if roles:
        client.force_login(make_user(roles=roles))

    # The map beside the list adds two reads, which do not grow either: the proposals of the
    # filter that have a point (all pages) and the campaign's coming events.
    with django_assert_max_num_queries(12):
        response = client.get(url(campaign, "?sort=soutiens"))

    assert len(response.context["page"].object_list) == 20
