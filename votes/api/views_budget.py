"""Authorities, budgets and budget lines (issue 16 §5)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view

from votes.api import public
from votes.api.base import PublicDetail, PublicList
from votes.api.filters import AuthorityFilter, BudgetFilter, BudgetLineFilter
from votes.api.serializers_budget import (
    AuthoritySerializer,
    BudgetLineSerializer,
    BudgetSerializer,
)

BUDGET = "budgets"


@extend_schema_view(get=extend_schema(tags=[BUDGET], summary="Les collectivités"))
class AuthorityList(PublicList):
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilter

    def get_queryset(self):
        return public.authorities()


@extend_schema_view(get=extend_schema(tags=[BUDGET], summary="Une collectivité"))
class AuthorityDetail(PublicDetail):
    serializer_class = AuthoritySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return public.authorities()


@extend_schema_view(get=extend_schema(tags=[BUDGET], summary="Les budgets publiés"))
class BudgetList(PublicList):
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter

    def get_queryset(self):
        return public.budgets()


@extend_schema_view(get=extend_schema(tags=[BUDGET], summary="Un budget publié"))
class BudgetDetail(PublicDetail):
    serializer_class = BudgetSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return public.budgets()


@extend_schema_view(
    get=extend_schema(
        tags=[BUDGET], summary="Les lignes d'un budget publié, dans l'ordre du fichier"
    )
)
class BudgetLineList(PublicList):
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilter

    def budget(self):
        if not hasattr(self, "_budget"):
            self._budget = get_object_or_404(public.budgets(), slug=self.kwargs["slug"])
        return self._budget

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a budget
            return public.budget_lines(None).none()
        return public.budget_lines(self.budget())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["budget"] = self.budget()
        return context
