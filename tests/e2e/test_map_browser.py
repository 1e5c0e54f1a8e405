"""Maps and agenda in a real browser (issue 15): a proposal placed on the map with the mouse
and with the keyboard; the maps still show the territory and the points when the tiles cannot
be fetched; axe finds nothing serious on the new pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.roles import ADMINISTRATOR
from tests.e2e.conftest import PASSWORD, assert_accessible, log_in, starts, submit, wait_until
from tests.factories import make_user
from tests.territory_data import give_territory
from tests.votes.agenda.factories import make_event
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_proposal,
    make_voter,
)
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db(transaction=True)

MAP_READY = "document.querySelector('{map}')?.dataset.territoryShown === 'true'"


def world():
    campaign = make_campaign(slug="bi-2026", title="Budget inversé 2026")
    give_territory(campaign.authority)
    category = make_category(campaign, name="Éclairage")
    voter = make_voter(commune=make_commune(campaign.authority), username="awa")
    return campaign, category, voter


def open_form(page, base: str, campaign) -> None:
    log_in(
        page,
        base,
        reverse("votes:proposal_create", args=[campaign.slug]),
        username="awa",
        password=PASSWORD,
    )
    wait_until(page, MAP_READY.format(map="#location-map"))
    assert page.locator("#location-map path.map-outline").count() == 1
    assert page.locator("#location-map path.map-neighbourhood").count() == 2


def fill_and_publish(page, category) -> Proposal:
    page.get_by_label(starts("Titre")).fill("Éteindre l'éclairage de 1 h à 5 h")
    page.get_by_label(starts("Rubrique")).select_option(str(category.pk))
    page.get_by_label(starts("Description")).fill("Comme les communes voisines.")
    submit(page, page.get_by_role("button", name="Publier ma proposition"))
    return Proposal.objects.get()


def test_a_citizen_places_a_proposal_with_the_mouse(live_server, open_page):
    campaign, category, _voter = world()
    page = open_page()
    open_form(page, live_server.url, campaign)

    # The upper half of the square territory is « Nord ».
    the_map = page.locator("#location-map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] / 2, "y": box["height"] * 0.3})

    assert page.locator("#id_latitude").input_value() != ""
    assert page.locator("#map-pick-status").inner_text().startswith("Point placé : latitude 47.1")
    proposal = fill_and_publish(page, category)
    assert proposal.has_point
    assert proposal.neighbourhood == "Nord"
    # The proposal's page shows it on its own map.
    wait_until(page, MAP_READY.format(map="#proposal-map"))
    assert page.locator("#proposal-map .leaflet-marker-icon").count() == 1


def test_a_citizen_places_a_proposal_with_the_keyboard(live_server, open_page):
    campaign, category, _voter = world()
    page = open_page()
    open_form(page, live_server.url, campaign)

    # Tab reaches the map (Leaflet makes it focusable); the arrows move it under the crosshair.
    page.locator("#id_description").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "location-map":
            break
    assert page.evaluate("document.activeElement.id") == "location-map"
    centre_lat = "document.querySelector('#location-map').mapInstance.getCenter().lat"
    start = page.evaluate(centre_lat)
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    wait_until(page, f"{centre_lat} < {start} - 0.001")
    page.keyboard.press("Enter")

    latitude = page.locator("#id_latitude").input_value()
    assert float(latitude) < start
    assert "Point placé" in page.locator("#map-pick-status").inner_text()
    # Delete takes it off again, Enter puts it back.
    page.keyboard.press("Delete")
    assert page.locator("#id_latitude").input_value() == ""
    assert page.locator("#map-pick-status").inner_text() == "Point retiré de la carte."
    page.keyboard.press("Enter")
    latitude = page.locator("#id_latitude").input_value()
    assert float(latitude) < start
    assert_accessible(page)
    proposal = fill_and_publish(page, category)
    assert proposal.latitude == Decimal(latitude)
    assert proposal.neighbourhood == "Sud"


def test_the_maps_work_with_the_tiles_cut_off(live_server, open_page, settings):
    tiles = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    settings.MAP_TILE_URL = tiles
    settings.MAP_TILE_ATTRIBUTION = "© Fond de carte de test"
    # What config/settings.py allows when MAP_TILE_URL is set at start-up.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "img-src": ["'self'", "https://tiles.example.invalid", "data:"],
    }
    campaign, _category, _voter = world()
    for n, (lat, lon) in enumerate([("47.15", "2.05"), ("47.05", "2.15")], start=1):
        make_proposal(
            campaign, title=f"Proposition {n}", latitude=Decimal(lat), longitude=Decimal(lon)
        )
    make_event(campaign, title="Atelier", latitude=Decimal("47.1"), longitude=Decimal("2.1"))
    page = open_page()
    cut: list[str] = []

    def abort(route) -> None:
        cut.append(route.request.url)
        route.abort()

    page.context.route("https://tiles.example.invalid/**", abort)
    page.goto(live_server.url + reverse("votes:proposal_list", args=[campaign.slug]))

    wait_until(page, MAP_READY.format(map="#proposals-map"))
    assert cut, "the map asked for no tile: the base layer is not in use"
    assert page.locator("#proposals-map path.map-outline").count() == 1
    assert page.locator("#proposals-map .leaflet-marker-icon").count() == 3
    assert page.locator("#proposals-map .map-label").all_inner_texts() == ["Nord", "Sud"]
    assert "© Fond de carte de test" in page.locator("#proposals-map").inner_text()
    table = page.locator("#proposals-map-list")
    assert table.get_by_role("link", name="P-0001 · Proposition 1").is_visible()
    assert table.get_by_role("link", name="P-0002 · Proposition 2").is_visible()
    # A marker opens the link to its proposal.
    page.locator("#proposals-map .leaflet-marker-icon[alt='P-0001 · Proposition 1']").click()
    assert page.locator(".leaflet-popup-content a").inner_text() == "P-0001 · Proposition 1"
    # A filter swaps the list and the map in (htmx): the map is drawn again, filtered.
    page.get_by_label(starts("Rechercher")).fill("Proposition 2")
    wait_until(page, "document.querySelectorAll('#proposals-map-list tbody tr').length === 1")
    wait_until(page, MAP_READY.format(map="#proposals-map"))
    assert page.locator("#proposals-map .leaflet-marker-icon").count() == 2  # + the event
    assert_accessible(page)


def test_the_new_pages_pass_axe(live_server, open_page):
    campaign, _category, _voter = world()
    make_proposal(
        campaign, latitude=Decimal("47.15"), longitude=Decimal("2.05"), neighbourhood="Nord"
    )
    start = timezone.now() + dt.timedelta(days=2)
    event = make_event(
        campaign,
        title="Atelier du panel",
        starts_at=start,
        lsf_interpreter=True,
        step_free=True,
        registration_enabled=True,
        capacity=12,
        latitude=Decimal("47.1"),
        longitude=Decimal("2.1"),
    )
    base = live_server.url
    page = open_page()
    for url, map_id in [
        (reverse("votes:campaign", args=[campaign.slug]), None),
        (reverse("votes:agenda", args=[campaign.slug]), "#agenda-map"),
        (reverse("votes:event", args=[campaign.slug, event.pk]), "#event-map"),
        (reverse("votes:proposal", args=[campaign.slug, 1]), "#proposal-map"),
    ]:
        page.goto(base + url)
        if map_id:
            wait_until(page, MAP_READY.format(map=map_id))
        assert_accessible(page)
    # Register, land on the cancellation page.
    page.goto(base + reverse("votes:event", args=[campaign.slug, event.pk]))
    page.get_by_label(starts("Votre nom")).fill("Awa")
    page.get_by_label(starts("Votre adresse e-mail")).fill("awa@example.org")
    submit(page, page.get_by_role("button", name="M'inscrire"))
    assert page.get_by_role("button", name="Annuler mon inscription").is_visible()

    admin = open_page()
    make_user(username="admin", roles=(ADMINISTRATOR,))
    log_in(
        admin,
        base,
        reverse("votes:agenda_admin", args=[campaign.slug]),
        username="admin",
        password=PASSWORD,
    )
    admin.goto(base + reverse("votes:agenda_event_edit", args=[campaign.slug, event.pk]))
    wait_until(admin, MAP_READY.format(map="#location-map"))
    assert_accessible(admin)
    assert admin.get_by_role("cell", name="awa@example.org").is_visible()
    admin.goto(base + reverse("budget:backoffice_territory", args=[campaign.authority.slug]))
    wait_until(admin, MAP_READY.format(map="#territory-map"))
    assert_accessible(admin)
