"""The Django admin edits an authority's EPCI through AuthorityForm."""

from __future__ import annotations

import pytest

from budget.models import Authority
from tests.factories import make_authority, make_user

pytestmark = pytest.mark.django_db


def post_data(authority: Authority, **changes) -> dict:
    data = {
        "name": authority.name,
        "slug": authority.slug,
        "siren": authority.siren,
        "kind": authority.kind,
        "population": authority.population or "",
        "member_of": "",
        "territory": "null",
        "territory_updated_at_0": "",
        "territory_updated_at_1": "",
        "communes-TOTAL_FORMS": "0",
        "communes-INITIAL_FORMS": "0",
        "communes-MIN_NUM_FORMS": "0",
        "communes-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_offers_the_epcis_and_records_the_membership(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    epci = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    commune = make_authority(name="Saran")
    url = f"/admin/budget/authority/{commune.pk}/change/"

    page = client.get(url).content.decode()
    response = client.post(url, post_data(commune, member_of=epci.pk))

    assert "Orléans Métropole" in page and 'name="member_of"' in page
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.member_of == epci


def test_the_admin_refuses_an_epci_inside_another_and_writes_nothing(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    metropolis = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    other = make_authority(name="Communauté des Loges", kind=Authority.Kind.EPCI)
    url = f"/admin/budget/authority/{other.pk}/change/"

    response = client.post(url, post_data(other, member_of=metropolis.pk))

    assert response.status_code == 200
    assert "Un EPCI n&#x27;est membre d&#x27;aucun autre : laissez ce champ vide." in (
        response.content.decode()
    )
    other.refresh_from_db()
    assert other.member_of is None
