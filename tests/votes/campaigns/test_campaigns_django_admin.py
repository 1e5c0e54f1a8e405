"""votes/admin.py: every votes model is registered, its pages load, evidence stays read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal
from votes.campaigns.models import Campaign, PhaseTransition
from votes.proposals.models import ModerationAction

pytestmark = pytest.mark.django_db


def test_every_votes_model_is_registered():
    models = [
        model
        for model in apps.get_app_config("votes").get_models()
        if not model.__name__.startswith("Historical")
    ]

    assert [m.__name__ for m in models if not admin.site.is_registered(m)] == []


def test_every_changelist_and_change_page_loads(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    campaign = make_campaign()
    make_instruction(make_proposal(campaign))

    for model in apps.get_app_config("votes").get_models():
        if not admin.site.is_registered(model):
            continue
        name = model._meta.model_name
        assert client.get(f"/admin/votes/{name}/").status_code == 200, name
    assert client.get(f"/admin/votes/campaign/{campaign.pk}/change/").status_code == 200
    instruction = campaign.proposals.get().instruction
    assert client.get(f"/admin/votes/instruction/{instruction.pk}/history/").status_code == 200


@pytest.mark.parametrize("model", [PhaseTransition, ModerationAction])
def test_the_records_kept_as_evidence_cannot_be_edited_here(rf, model):
    request = rf.get("/")
    request.user = make_user(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_phase_is_read_only_in_the_admin():
    assert "phase" in admin.site._registry[Campaign].readonly_fields
