"""The public panel page and its files: composition, seed, fingerprint, no names."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.panels.factories import facilitator, panel_campaign
from votes.campaigns.models import Phase
from votes.management.commands.draw_panel import read_pool, read_quotas
from votes.panels import services as panels
from votes.panels.sortition import attributes_of, draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    campaign = panel_campaign(women=4, men=4)
    result = panels.panel_draw(
        campaign=campaign,
        size=4,
        reserve_size=2,
        seed="Loto 7 13 24",
        algorithm="maximin",
        by=facilitator(),
    )
    return campaign, panels.panel_draw_publish(draw=result)


def panel_url(campaign):
    return reverse("votes:panel", kwargs={"slug": campaign.slug})


def file_url(draw, name):
    return reverse(
        "votes:panel_draw_file",
        kwargs={"slug": draw.campaign.slug, "pk": draw.pk, "name": name},
    )


def test_before_any_draw_the_page_invites_volunteers(client):
    campaign = panel_campaign()
    response = client.get(panel_url(campaign))
    html = response.content.decode()
    assert "Le panel n'a pas encore été tiré au sort." in html
    assert reverse("votes:volunteer_signup", kwargs={"slug": campaign.slug}) in html


def test_an_unpublished_draw_stays_private(client):
    campaign = panel_campaign()
    result = panels.panel_draw(
        campaign=campaign, size=4, reserve_size=0, seed="s", algorithm="maximin", by=facilitator()
    )
    assert "pas encore été tiré" in client.get(panel_url(campaign)).content.decode()
    assert client.get(file_url(result, "vivier.csv")).status_code == 404
    client.force_login(facilitator())
    assert client.get(file_url(result, "vivier.csv")).status_code == 200


def test_the_page_shows_the_draw_but_no_name(client, published):
    campaign, result = published
    client.force_login(make_user())
    response = client.get(panel_url(campaign))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (result.seed, "maximin", result.pool_sha256, ", ".join(result.selected)):
        assert text in html
    assert ", ".join(result.reserve) in html
    assert "Composition du panel : Genre" in html and 'id="chart-panel-1"' in html
    for name in campaign.volunteers.values_list("name", flat=True):
        assert name not in html
    assert "draw_panel --pool vivier.csv --quotas quotas.csv --size 4 --reserve 2" in html


def test_a_draw_by_profiles_states_its_method_and_its_guarantee(client):
    campaign = panel_campaign(women=4, men=4)
    result = panels.panel_draw(
        campaign=campaign,
        size=4,
        reserve_size=1,
        seed="Loto",
        algorithm="maximin-profils",
        by=facilitator(),
    )
    panels.panel_draw_publish(draw=result)
    html = client.get(panel_url(campaign)).content.decode()
    assert "Algorithme « maximin-profils » : la méthode maximin" in html
    assert "la même que celle de maximin" in html
    assert "deux volontaires de même profil ont exactement la même chance" in html
    assert "--algorithm maximin-profils --json" in html
    assert "(maximin) ou que les chances soient les plus proches possible (nash)" not in html


def test_the_fingerprint_is_the_sha256_of_the_published_pool_file(client, published):
    _campaign, result = published
    response = client.get(file_url(result, "vivier.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == result.pool_sha256


def test_the_published_files_reproduce_the_draw(client, published, tmp_path):
    _campaign, result = published
    pool_path, quotas_path = tmp_path / "vivier.csv", tmp_path / "quotas.csv"
    pool_path.write_bytes(client.get(file_url(result, "vivier.csv")).content)
    quotas_path.write_bytes(client.get(file_url(result, "quotas.csv")).content)
    pool = read_pool(str(pool_path))
    quotas = read_quotas(str(quotas_path), set(attributes_of(pool)))
    again = draw(pool, quotas, size=4, seed=result.seed, reserve=2, algorithm=result.algorithm)
    assert (again.selected, again.reserve) == (result.selected, result.reserve)


def test_other_file_names_are_not_found(client, published):
    _campaign, result = published
    assert client.get(file_url(result, "noms.csv")).status_code == 404


def test_the_campaign_page_links_to_the_published_panel(client, published):
    campaign, _result = published
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert panel_url(campaign) in html
    other = panel_campaign()
    assert panel_url(other) not in client.get(other.get_absolute_url()).content.decode()


def test_a_draft_campaign_has_no_public_panel_page(client):
    campaign = panel_campaign(phase=Phase.DRAFT)
    assert client.get(panel_url(campaign)).status_code == 404
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert client.get(panel_url(campaign)).status_code == 200
