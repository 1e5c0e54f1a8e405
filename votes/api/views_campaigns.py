"""Campaigns, proposals, results and follow-up (issue 16 §5)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from votes.api import public
from votes.api.base import Public, PublicDetail, PublicList
from votes.api.filters import CampaignFilter, FollowUpFilter, ProposalFilter
from votes.api.serializers_campaigns import (
    CampaignSerializer,
    FollowUpItemSerializer,
    ProposalSerializer,
    answers_public,
)
from votes.api.serializers_results import ResultsSerializer, results_data
from votes.campaigns.models import Phase
from votes.results.services import campaign_results

CAMPAIGNS = "campagnes"
PROPOSALS = (
    "Publiées, ou non retenues à l'étape des soutiens ; jamais masquées, retirées, ni d'un "
    "brouillon. L'instruction une fois validée et publiée ; l'avis du conseil et le suivi une "
    "fois les avis publiés."
)


@extend_schema_view(get=extend_schema(tags=[CAMPAIGNS], summary="Les campagnes publiques"))
class CampaignList(PublicList):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return public.campaigns()


@extend_schema_view(get=extend_schema(tags=[CAMPAIGNS], summary="Une campagne publique"))
class CampaignDetail(PublicDetail):
    serializer_class = CampaignSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return public.campaigns()


@extend_schema_view(
    get=extend_schema(
        tags=[CAMPAIGNS],
        summary="Les propositions publiques de toutes les campagnes",
        description=PROPOSALS,
    )
)
class ProposalList(PublicList):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter

    def get_queryset(self):
        return public.proposals()


@extend_schema_view(
    get=extend_schema(
        tags=[CAMPAIGNS],
        summary="Une proposition publique, par son numéro",
        description=PROPOSALS,
    )
)
class ProposalDetail(PublicDetail):
    serializer_class = ProposalSerializer

    def get_object(self):
        return get_object_or_404(
            public.proposals(), campaign__slug=self.kwargs["slug"], reference=self.kwargs["number"]
        )


class CampaignResults(Public, generics.GenericAPIView):
    serializer_class = ResultsSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        tags=[CAMPAIGNS],
        summary="Les résultats d'une campagne, une fois dépouillée",
        description=(
            "Introuvable (404) avant la phase de dépouillement, comme la page des résultats. "
            "« adopted » reste null tant que les avis du conseil ne sont pas publiés."
        ),
    )
    def get(self, request: Request, slug: str) -> Response:
        campaign = get_object_or_404(public.campaigns(), slug=slug)
        if not campaign.reached(Phase.TALLY):
            raise Http404
        adopted = None
        if answers_public(campaign):
            adopted = frozenset(campaign.proposals.adopted().values_list("pk", flat=True))
        data = results_data(campaign_results(campaign=campaign), adopted=adopted)
        return Response(ResultsSerializer(data).data)


@extend_schema_view(
    get=extend_schema(
        tags=[CAMPAIGNS],
        summary="Le suivi de réalisation des propositions adoptées",
        description="Une fois les avis du conseil publiés.",
    )
)
class FollowUpList(PublicList):
    serializer_class = FollowUpItemSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self):
        return public.follow_ups()
