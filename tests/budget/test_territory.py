"""budget/territory.py: a GeoJSON territory is checked in full, stored reduced, and read."""

from __future__ import annotations

import json

import pytest

from budget.territory import (
    authority_territory_set,
    neighbourhood_at,
    neighbourhood_names,
    territory_bounds,
    territory_check,
    territory_contains,
)
from tests.factories import make_authority
from tests.territory_data import collection, feature, square, territory_bytes, territory_document


def messages(report) -> str:
    return " | ".join(problem.message for problem in report.errors)


def test_a_valid_collection_is_kept_with_its_neighbourhoods_and_outline():
    report = territory_check(territory_bytes(), name_property="nom")

    assert report.ok
    assert report.neighbourhoods == ["Nord", "Sud"]
    features = report.territory["features"]
    assert [f["properties"] for f in features] == [{}, {"name": "Nord"}, {"name": "Sud"}]
    # Every geometry becomes a MultiPolygon: one shape for the maps to draw.
    assert {f["geometry"]["type"] for f in features} == {"MultiPolygon"}


def test_other_properties_are_not_kept():
    report = territory_check(territory_bytes(), name_property="nom")

    assert "insee" not in json.dumps(report.territory)


def test_coordinates_are_rounded_to_six_decimals():
    document = collection(feature(square(2.00000012, 47.0, 2.2, 47.2), nom="Tout"))

    report = territory_check(territory_bytes(document), name_property="nom")

    assert report.territory["features"][0]["geometry"]["coordinates"][0][0][0] == [2.0, 47.0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "Ce n'est pas du JSON valable"),
        ("é".encode("latin-1"), "n'est pas en UTF-8"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "aucun objet"),
        (b"[1, 2]", "FeatureCollection"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(data, expected):
    report = territory_check(data, name_property="nom")

    assert not report.ok
    assert expected in messages(report)
    assert report.territory is None


def test_a_point_geometry_is_refused_with_its_number():
    document = territory_document()
    document["features"].append(
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [2, 47]}}
    )

    report = territory_check(territory_bytes(document), name_property="nom")

    assert "Objet 4 : géométrie « Point »" in messages(report)


def test_an_open_ring_is_refused():
    ring = [[2.0, 47.0], [2.1, 47.0], [2.1, 47.1], [2.0, 47.1]]
    document = collection(feature([ring], nom="Ouvert"))

    report = territory_check(territory_bytes(document), name_property="nom")

    assert "n'est pas fermé" in messages(report)
    assert "« Ouvert »" in messages(report)


def test_latitude_and_longitude_swapped_out_of_range_are_refused():
    document = collection(feature(square(47.0, 2.0, 147.0, 200.0), nom="Inversé"))

    report = territory_check(territory_bytes(document), name_property="nom")

    assert "position hors limites" in messages(report)
    assert "longitude d'abord" in messages(report)


def test_two_neighbourhoods_with_one_name_are_refused():
    document = collection(
        feature(square(2.0, 47.0, 2.1, 47.1), nom="Centre"),
        feature(square(2.1, 47.0, 2.2, 47.1), nom="Centre"),
    )

    report = territory_check(territory_bytes(document), name_property="nom")

    assert "deux quartiers portent ce nom" in messages(report)


def test_a_file_over_the_limit_is_refused_before_reading(settings):
    settings.TERRITORY_MAX_BYTES = 100

    report = territory_check(territory_bytes(), name_property="nom")

    assert "au-delà de la limite" in messages(report)


def test_the_name_property_is_the_one_chosen():
    report = territory_check(territory_bytes(), name_property="name")

    # No feature has "name": all draw the outline, none is a neighbourhood.
    assert report.ok
    assert report.neighbourhoods == []


def test_neighbourhood_at_finds_the_polygon_holding_the_point():
    territory = territory_check(territory_bytes(), name_property="nom").territory

    assert neighbourhood_at(territory, lat=47.15, lon=2.1) == "Nord"
    assert neighbourhood_at(territory, lat=47.05, lon=2.1) == "Sud"
    assert neighbourhood_at(territory, lat=48.0, lon=2.1) == ""


def test_a_hole_is_outside_its_polygon():
    outer = square(2.0, 47.0, 2.2, 47.2)[0]
    hole = [[2.05, 47.05], [2.05, 47.15], [2.15, 47.15], [2.15, 47.05], [2.05, 47.05]]
    territory = territory_check(
        territory_bytes(collection(feature([outer, hole], nom="Anneau"))), name_property="nom"
    ).territory

    assert neighbourhood_at(territory, lat=47.1, lon=2.1) == ""
    assert neighbourhood_at(territory, lat=47.01, lon=2.01) == "Anneau"


def test_territory_contains_and_bounds():
    territory = territory_check(territory_bytes(), name_property="nom").territory

    assert territory_contains(territory, lat=47.1, lon=2.1)
    assert not territory_contains(territory, lat=47.1, lon=3.0)
    assert territory_contains(None, lat=0, lon=0)
    assert territory_bounds(territory) == [[47.0, 2.0], [47.2, 2.2]]
    assert neighbourhood_names(territory) == ["Nord", "Sud"]


@pytest.mark.django_db
def test_the_service_stores_a_valid_file():
    authority = make_authority()

    report = authority_territory_set(
        authority=authority, data=territory_bytes(), name_property="nom"
    )

    authority.refresh_from_db()
    assert report.ok
    assert neighbourhood_names(authority.territory) == ["Nord", "Sud"]
    assert authority.territory_updated_at is not None


@pytest.mark.django_db
def test_the_service_writes_nothing_for_a_bad_file():
    authority = make_authority()
    authority_territory_set(authority=authority, data=territory_bytes(), name_property="nom")
    authority.refresh_from_db()
    kept = authority.territory

    report = authority_territory_set(authority=authority, data=b"{oops", name_property="nom")

    authority.refresh_from_db()
    assert not report.ok
    assert authority.territory == kept
    assert kept is not None
