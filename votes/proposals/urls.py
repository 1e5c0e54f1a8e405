"""Routes of the proposal screens (collected by votes.urls)."""

from __future__ import annotations

from django.urls import path

from votes.proposals.views import (
    proposal_attachment,
    proposal_detail,
    proposal_flag,
    proposal_list,
    proposal_support,
)
from votes.proposals.views_deposit import proposal_create, proposal_edit, proposal_withdraw
from votes.proposals.views_moderation import moderation_decide, moderation_queue

urlpatterns = [
    path("campagnes/<slug:slug>/propositions/", proposal_list, name="proposal_list"),
    path("campagnes/<slug:slug>/propositions/nouvelle/", proposal_create, name="proposal_create"),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/",
        proposal_detail,
        name="proposal",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/modifier/",
        proposal_edit,
        name="proposal_edit",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/retirer/",
        proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/soutenir/",
        proposal_support,
        name="proposal_support",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/signaler/",
        proposal_flag,
        name="proposal_flag",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/pieces/<int:pk>/",
        proposal_attachment,
        name="proposal_attachment",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/moderation/",
        moderation_decide,
        name="moderation_decide",
    ),
    path("moderation/", moderation_queue, name="moderation_queue"),
]
