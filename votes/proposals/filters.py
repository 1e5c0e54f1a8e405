"""Filters of the public list of proposals (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from budget.models import Commune
from votes.campaigns.models import Campaign, Category
from votes.proposals.models import Proposal
from votes.proposals.services import allowed_kinds

SORT_NEWEST = "recentes"
SORT_REFERENCE = "reference"
SORT_SUPPORTS = "soutiens"
SORT_ORDER = {
    SORT_NEWEST: ("-created_at", "-reference"),
    SORT_REFERENCE: ("reference",),
    SORT_SUPPORTS: ("-support_count", "reference"),
}


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Dans le titre et la description"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Rubrique"), queryset=Category.objects.none(), empty_label=_("Toutes")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Proposal.Kind.choices, empty_label=_("Tous")
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.none(), empty_label=_("Toutes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Proposal.Status.choices, empty_label=_("Tous")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Trier par"), method="filter_sort", choices=(), empty_label=None
    )

    class Meta:
        model = Proposal
        fields = ["q", "category", "kind", "commune", "status", "sort"]

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        campaign: Campaign,
        statuses: list[str] | None = None,
        **kwargs,
    ) -> None:
        """`statuses`: the statuses the visitor may filter on (the team); None hides the filter."""
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["category"].queryset = campaign.categories.all()
        self.filters["commune"].queryset = Commune.objects.filter(
            authority_id=campaign.authority_id
        )
        if len(allowed_kinds(campaign)) < 2:
            del self.filters["kind"]
        if statuses:
            self.filters["status"].extra["choices"] = [
                (s, Proposal.Status(s).label) for s in statuses
            ]
        else:
            del self.filters["status"]
        sorts = [(SORT_NEWEST, _("Les plus récentes")), (SORT_REFERENCE, _("Référence"))]
        if campaign.supports_enabled:
            sorts.append((SORT_SUPPORTS, _("Les plus soutenues")))
        self.filters["sort"].extra["choices"] = sorts

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER[SORT_NEWEST]))
