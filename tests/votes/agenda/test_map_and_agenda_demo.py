"""The demo shows the map and the agenda: Val-de-Lorme's territory, proposals placed on it,
and events, one of them with an LSF interpreter."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from budget.models import Authority
from budget.territory import neighbourhood_names
from fixtures import demo_map
from votes.agenda.models import Event
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_territory_the_locations_and_the_agenda(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    call_command("load_demo_campaign", stdout=StringIO(), stderr=StringIO())

    authority = Authority.objects.get()
    assert neighbourhood_names(authority.territory) == [
        "Centre-bourg",
        "Hameaux",
        "La Gare",
        "Les Prés",
    ]
    located = {p.title: p.neighbourhood for p in Proposal.objects.located()}
    assert len(located) == sum(isinstance(v, tuple) for v in demo_map.LOCATIONS.values())
    assert located["Fermer la piscine le lundi"] == "Les Prés"
    assert located["Partager le gymnase du collège avec les clubs"] == "La Gare"
    assert located["Vendre le terrain de football synthétique"] == "Hameaux"
    assert located["Supprimer les jardinières suspendues du centre-bourg"] == "Centre-bourg"
    assert Proposal.objects.filter(neighbourhood="Hameaux", latitude__isnull=True).exists()
    assert Event.objects.count() == 4
    assert Event.objects.filter(lsf_interpreter=True).exists()
    assert set(Event.objects.values_list("kind", flat=True)) == set(Event.Kind.values)

    # A second run adds nothing.
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    call_command("load_demo_campaign", stdout=StringIO(), stderr=StringIO())
    assert Event.objects.count() == 4
