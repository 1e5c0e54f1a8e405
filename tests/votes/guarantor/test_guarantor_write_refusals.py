"""The guarantor changes nothing: every team write URL refuses them (403) and writes nothing.

The URLs are read from the URL conf (everything under /gestion/ and /bureau/, and the
moderation), so that a write view added later is covered without anyone remembering to add
it here. The few that answer GET only and check the method first are named below (405 to a POST):
the guarantor reads some of them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver, reverse

from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Campaign, Phase
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db

# GET only, the method checked before the role (405 to a POST); every other one: 403.
READ_ONLY = {
    "budget:glossary_manage",
    "votes:council_report",
    "votes:evaluation",
    "votes:evaluation_xlsx",
    "votes:instruction_dashboard",
    "votes:instruction_export",
    "votes:instruction_export_ods",
    "votes:instruction_home",
    "votes:instruction_queue",
    "votes:instruction_services",
    "votes:moderation_queue",
    "votes:statistics",
    "votes:statistics_csv",
    "votes:statistics_xlsx",
    "votes:station_list",
    "votes:training_follow",
    "votes:training_manage",
}
# A job (background task) belongs to whoever started it: 404 for anyone else, guarantor
# included (tested with the jobs); and a guarantor starts none (the council file is refused).
NOT_TEAM = {"budget:job", "budget:job_file", "budget:job_restart"}


def _team_urls():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield namespace + pattern.name, str(pattern.pattern), pattern.pattern.converters

    for name, route, converters in walk(get_resolver().url_patterns):
        team = route.startswith(("gestion/", "bureau/")) or name == "votes:moderation_decide"
        if team and name not in NOT_TEAM and "guarantor" not in name:
            yield name, route, sorted(converters)


TEAM_URLS = sorted(_team_urls())


class World:
    def __init__(self) -> None:
        self.campaign = make_campaign(
            slug="bp-2026", phase=Phase.VOTING, kind=Campaign.Kind.PROJECTS
        )
        self.proposal = make_proposal(self.campaign)
        make_instruction(self.proposal)
        self.service = make_service(self.campaign.authority)
        self.station = PollingStation.objects.create(campaign=self.campaign, name="Mairie")
        self.guarantor = make_guarantor(self.campaign)

    def kwargs(self, route: str, names: list[str]) -> dict:
        values = {
            "slug": self.campaign.budget.slug if "budgets/" in route else self.campaign.slug,
            "reference": self.proposal.reference,
            "page_slug": "accueil",
            "key": "epargne-brute",
            "group_pk": 1,
        }
        if route.startswith("bureau/"):
            values["pk"] = self.station.pk
        elif "rubriques/" in route:
            values["pk"] = self.proposal.category_id
        elif "services/" in route:
            values["pk"] = self.service.pk
        else:
            values["pk"] = 1
        return {name: values[name] for name in names}


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("budget", "simulator", "votes")
        for model in apps.get_app_config(label).get_models()
    }


def test_the_team_urls_are_found():
    names = {name for name, _route, _kw in TEAM_URLS}

    assert {
        "votes:campaign_admin_advance",
        "votes:station_close",
        "votes:moderation_decide",
    } <= names
    assert len(TEAM_URLS) > 80


@pytest.mark.parametrize(("name", "route", "names"), TEAM_URLS, ids=[u[0] for u in TEAM_URLS])
def test_every_team_write_refuses_the_guarantor(name, route, names):
    world = World()
    client = Client()
    client.force_login(world.guarantor)
    url = reverse(name, kwargs=world.kwargs(route, names))
    before = _rows()

    response = client.post(url, {"reason": "x", "to_phase": Phase.PROPOSALS, "text": "x"})

    assert response.status_code == (405 if name in READ_ONLY else 403)
    assert _rows() == before
