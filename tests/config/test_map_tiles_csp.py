"""The base layer of the maps (MAP_TILE_URL) and the Content-Security-Policy: only the tile
server's origin is allowed, and nothing at all without a tile URL (the default, and tests)."""

from __future__ import annotations

import pytest
from django.conf import settings

from config.settings import tile_origin


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.ville.fr/carte/{z}/{x}/{y}.png", "https://*.tiles.ville.fr"),
        ("http://192.168.1.10:8080/{z}/{x}/{y}.png", "http://192.168.1.10:8080"),
    ],
)
def test_the_tile_origin_is_the_scheme_and_host_only(url, origin):
    assert tile_origin(url) == origin


def test_without_a_tile_url_images_come_from_this_site_only():
    assert settings.MAP_TILE_URL == ""
    assert [str(source) for source in settings.SECURE_CSP["img-src"]] == ["'self'"]
