"""An authority's membership of an EPCI (Authority.member_of): the form's French messages and the
database constraint behind them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError

from budget.forms import AuthorityForm
from budget.models import Authority
from tests.factories import make_authority

pytestmark = pytest.mark.django_db


def form_data(authority: Authority, **changes) -> dict:
    data = {
        "name": authority.name,
        "slug": authority.slug,
        "siren": authority.siren,
        "kind": authority.kind,
        "population": authority.population or "",
        "member_of": "",
    }
    data.update(changes)
    return data


def test_a_commune_joins_an_epci():
    epci = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    commune = make_authority(name="Saran")

    form = AuthorityForm(form_data(commune, member_of=epci.pk), instance=commune)
    assert form.is_valid(), form.errors
    form.save()

    commune.refresh_from_db()
    assert commune.member_of == epci
    assert list(epci.members.all()) == [commune]


def test_a_commune_cannot_be_a_member_of_another_commune_and_nothing_is_written():
    other = make_authority(name="Ingré")
    commune = make_authority(name="Saran")
    # The choice list offers EPCIs only: a forged choice is refused by it.
    form = AuthorityForm(form_data(commune, member_of=other.pk), instance=commune)

    assert not form.is_valid()
    assert form.errors["member_of"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    commune.refresh_from_db()
    assert commune.member_of is None


def test_the_form_says_in_french_when_the_parent_is_not_an_epci():
    region = make_authority(name="Centre-Val de Loire", kind=Authority.Kind.REGION)
    commune = make_authority(name="Saran")
    # Even offered (a list widened by hand), a parent that is no EPCI is refused by clean().
    form = AuthorityForm(form_data(commune, member_of=region.pk), instance=commune)
    form.fields["member_of"].queryset = Authority.objects.all()

    assert not form.is_valid()
    assert form.errors["member_of"] == [
        "Centre-Val de Loire n'est pas un EPCI : une collectivité n'est membre que d'un EPCI."
    ]
    commune.refresh_from_db()
    assert commune.member_of is None


def test_an_epci_cannot_be_its_own_member():
    epci = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    form = AuthorityForm(form_data(epci, member_of=epci.pk), instance=epci)
    form.fields["member_of"].queryset = Authority.objects.all()

    assert not form.is_valid()
    assert form.errors["member_of"] == ["Une collectivité ne peut pas être membre d'elle-même."]
    epci.refresh_from_db()
    assert epci.member_of is None


def test_an_epci_is_a_member_of_no_other():
    metropolis = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    other = make_authority(name="Communauté des Loges", kind=Authority.Kind.EPCI)

    form = AuthorityForm(form_data(other, member_of=metropolis.pk), instance=other)

    assert not form.is_valid()
    assert form.errors["member_of"] == [
        "Un EPCI n'est membre d'aucun autre : laissez ce champ vide."
    ]


def test_the_database_refuses_an_authority_of_its_own():
    epci = make_authority(kind=Authority.Kind.EPCI)
    with pytest.raises(IntegrityError):
        Authority.objects.filter(pk=epci.pk).update(member_of=epci)


def test_an_epci_with_members_cannot_be_deleted():
    epci = make_authority(kind=Authority.Kind.EPCI)
    make_authority(member_of=epci)
    with pytest.raises(ProtectedError):
        epci.delete()
    assert Authority.objects.filter(pk=epci.pk).exists()
