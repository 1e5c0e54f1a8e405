"""A proposal on the map: the service's checks, the named constraints, the deposit and edit
forms, and the maps of the list and the detail page."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_user
from tests.territory_data import give_territory
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_proposal,
    make_voter,
)
from votes.proposals import services
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def setup():
    campaign = make_campaign()
    give_territory(campaign.authority)
    category = make_category(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    return campaign, category, voter


def create(campaign, category, voter, **location):
    return services.proposal_create(
        campaign=campaign,
        author=voter,
        category=category,
        kind=Proposal.Kind.SAVING,
        title="Éteindre l'éclairage",
        description="La nuit.",
        **location,
    )


def map_config(html: str, div_id: str) -> dict:
    match = re.search(rf'<div id="{div_id}"[^>]*data-map="([^"]*)"', html)
    assert match, f"no map #{div_id}"
    return json.loads(unescape(match.group(1)))


# --- the service --------------------------------------------------------------------------


def test_a_point_is_stored_and_its_neighbourhood_found():
    campaign, category, voter = setup()

    proposal = create(
        campaign, category, voter, latitude=Decimal("47.15"), longitude=Decimal("2.1")
    )

    proposal.refresh_from_db()
    assert (proposal.latitude, proposal.longitude) == (Decimal("47.150000"), Decimal("2.100000"))
    assert proposal.neighbourhood == "Nord"


def test_a_neighbourhood_alone_is_enough():
    campaign, category, voter = setup()

    proposal = create(campaign, category, voter, neighbourhood="Sud")

    assert proposal.neighbourhood == "Sud"
    assert not proposal.has_point


@pytest.mark.parametrize(
    ("location", "field", "message"),
    [
        ({"latitude": Decimal("47.1")}, "latitude", "ou aucune des deux"),
        (
            {"latitude": Decimal("48.5"), "longitude": Decimal("2.1")},
            "latitude",
            "hors du territoire",
        ),
        ({"neighbourhood": "Atlantide"}, "neighbourhood", "Choisissez un quartier du territoire"),
        ({"latitude": Decimal("95"), "longitude": Decimal("2.1")}, "latitude", "de -90 à 90"),
    ],
)
def test_a_bad_location_is_refused_and_nothing_is_written(location, field, message):
    campaign, category, voter = setup()

    with pytest.raises(ValidationError) as refused:
        create(campaign, category, voter, **location)

    assert message in " ".join(refused.value.message_dict[field])
    assert not Proposal.objects.exists()


def test_the_edit_moves_the_point_and_a_bad_one_changes_nothing():
    campaign, category, voter = setup()
    proposal = create(campaign, category, voter, neighbourhood="Sud")
    fields = {"category": category, "title": proposal.title, "description": "La nuit."}

    services.proposal_update(
        proposal=proposal,
        user=voter,
        latitude=Decimal("47.05"),
        longitude=Decimal("2.05"),
        **fields,
    )
    with pytest.raises(ValidationError):
        services.proposal_update(
            proposal=proposal,
            user=voter,
            latitude=Decimal("40"),
            longitude=Decimal("2.05"),
            **fields,
        )

    proposal.refresh_from_db()
    assert (proposal.latitude, proposal.neighbourhood) == (Decimal("47.050000"), "Sud")


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"latitude": Decimal("91"), "longitude": Decimal("2")}, "votes_proposal_latitude_range"),
        (
            {"latitude": Decimal("47"), "longitude": Decimal("-181")},
            "votes_proposal_longitude_range",
        ),
        ({"latitude": Decimal("47")}, "votes_proposal_point_complete"),
    ],
)
def test_the_database_refuses_an_impossible_point(fields, constraint):
    campaign = make_campaign()

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make_proposal(campaign, **fields)


# --- the deposit form ---------------------------------------------------------------------


def form_data(category, **extra) -> dict:
    return {
        "kind": Proposal.Kind.SAVING,
        "title": "Fermer la piscine le lundi",
        "category": category.pk,
        "description": "Peu de monde.",
        "estimate": "",
        "commune": "",
        "place": "",
        "latitude": "",
        "longitude": "",
        "neighbourhood": "",
        **extra,
    }


def test_the_deposit_form_has_a_picking_map_and_the_neighbourhoods(client):
    campaign, _category, voter = setup()
    client.force_login(voter)

    response = client.get(reverse("votes:proposal_create", kwargs={"slug": campaign.slug}))

    html = response.content.decode()
    config = map_config(html, "location-map")
    assert config["pick"]["lat_input"] == "id_latitude"
    assert config["territory"] == reverse(
        "budget:territory", kwargs={"slug": campaign.authority.slug}
    )
    assert config["tiles"] is None  # no tile server in tests: nothing is fetched
    assert '<option value="Nord">Nord</option>' in html
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html


def test_the_deposit_form_stores_the_picked_point(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(
        reverse("votes:proposal_create", kwargs={"slug": campaign.slug}),
        form_data(category, latitude="47.05", longitude="2.1"),
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.latitude, proposal.neighbourhood) == (Decimal("47.050000"), "Sud")


def test_a_point_outside_shows_the_error_in_place_and_keeps_the_input(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(
        reverse("votes:proposal_create", kwargs={"slug": campaign.slug}),
        form_data(category, latitude="45.0", longitude="2.1"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "hors du territoire" in html
    assert 'value="45.0"' in html
    assert 'value="Fermer la piscine le lundi"' in html
    assert not Proposal.objects.exists()


def test_coordinates_with_too_many_decimals_are_refused_by_the_form(client):
    campaign, category, voter = setup()
    client.force_login(voter)

    response = client.post(
        reverse("votes:proposal_create", kwargs={"slug": campaign.slug}),
        form_data(category, latitude="47.12345678", longitude="2.1"),
    )

    assert "Six décimales au plus" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_edit_form_starts_from_the_stored_point(client):
    campaign, category, voter = setup()
    create(campaign, category, voter, latitude=Decimal("47.15"), longitude=Decimal("2.1"))
    client.force_login(voter)

    response = client.get(
        reverse("votes:proposal_edit", kwargs={"slug": campaign.slug, "reference": 1})
    )

    assert 'value="47.150000"' in response.content.decode()


# --- the maps of the list and the detail ---------------------------------------------------


def test_the_list_map_shows_the_filtered_proposals_with_a_point(client):
    campaign, category, voter = setup()
    other = make_category(campaign, name="Sports")
    create(campaign, category, voter, latitude=Decimal("47.15"), longitude=Decimal("2.1"))
    make_proposal(
        campaign,
        category=other,
        latitude=Decimal("47.05"),
        longitude=Decimal("2.05"),
        title="Gymnase",
    )
    make_proposal(campaign, category=other, title="Sans lieu")
    list_url = reverse("votes:proposal_list", kwargs={"slug": campaign.slug})

    everything = client.get(list_url).content.decode()
    sports = client.get(list_url, {"category": other.pk}).content.decode()

    # Newest first, like the list.
    assert [p["label"] for p in map_config(everything, "proposals-map")["points"]] == [
        "P-0002 · Gymnase",
        "P-0001 · Éteindre l'éclairage",
    ]
    assert [p["label"] for p in map_config(sports, "proposals-map")["points"]] == [
        "P-0002 · Gymnase"
    ]
    # The table beside the map lists the same points.
    assert "2 propositions placées sur la carte" in everything
    assert "1 proposition placée sur la carte" in sports


def test_the_list_map_has_no_hidden_proposal_for_the_public(client):
    campaign = make_campaign()
    make_proposal(
        campaign,
        latitude=Decimal("47.05"),
        longitude=Decimal("2.05"),
        status=Proposal.Status.HIDDEN,
    )

    html = client.get(
        reverse("votes:proposal_list", kwargs={"slug": campaign.slug})
    ).content.decode()

    assert map_config(html, "proposals-map")["points"] == []


def test_the_detail_page_shows_the_location(client):
    campaign, category, voter = setup()
    create(campaign, category, voter, latitude=Decimal("47.15"), longitude=Decimal("2.1"))

    response = client.get(reverse("votes:proposal", kwargs={"slug": campaign.slug, "reference": 1}))

    html = response.content.decode()
    assert "<dt>Quartier</dt><dd>Nord</dd>" in html
    assert "latitude 47,150000, longitude 2,100000" in html
    assert map_config(html, "proposal-map")["points"][0]["lat"] == 47.15


def test_a_proposal_without_location_has_no_map(client):
    campaign = make_campaign()
    make_proposal(campaign)

    response = client.get(reverse("votes:proposal", kwargs={"slug": campaign.slug, "reference": 1}))

    assert 'id="proposal-map"' not in response.content.decode()


def test_another_user_cannot_move_a_proposal(client):
    campaign, category, voter = setup()
    create(campaign, category, voter, neighbourhood="Sud")
    client.force_login(make_user())

    response = client.post(
        reverse("votes:proposal_edit", kwargs={"slug": campaign.slug, "reference": 1}),
        form_data(category, latitude="47.15", longitude="2.1"),
    )

    assert response.status_code == 403
    assert Proposal.objects.get().latitude is None
