"""The filters of the API's lists (django-filter: a refused value is a 400 that names it).

Strict, so that a client learns of its mistake rather than receiving the whole list: a value
given empty is refused, as is a value out of its list, range or form."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from budget.models import Authority, Budget, BudgetLine
from votes.campaigns.models import Campaign, Phase
from votes.council.choices import Decision
from votes.council.models import FollowUp
from votes.proposals.models import Proposal

EMPTY = _("Valeur vide : donnez une valeur, ou retirez le paramètre.")
# A database integer column's range: a larger number is refused before any query.
LARGEST = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": LARGEST})
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(IntegerFilter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, max_value=9999, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugFilter(django_filters.CharFilter):
    """An identifier from the site's addresses (a collectivity, a campaign)."""

    field_class = forms.SlugField


# Text without a null character, which Django's forms refuse.
@extend_schema_field({"type": "string", "pattern": "^[^\\x00]+$"})
class CodeFilter(django_filters.CharFilter):
    """A code of the budget nomenclature (chapter, function, account)."""


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            # django-filter reads an empty value as "no filter": a client's mistake here.
            if self.data.get(name) == "":
                self.form.add_error(name, EMPTY)
                valid = False
        return valid


PUBLIC_STATUSES = [
    (value, label)
    for value, label in Proposal.Status.choices
    if value in (Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED)
]


class AuthorityFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=Authority.Kind.choices)
    member_of = SlugFilter(
        field_name="member_of__slug",
        help_text="Identifiant d'un EPCI : ses communes membres.",
    )

    class Meta:
        model = Authority
        fields = ["kind", "member_of"]


class BudgetFilter(StrictFilterSet):
    authority = SlugFilter(
        field_name="authority__slug", help_text="Identifiant de la collectivité."
    )
    year = YearFilter()
    stage = django_filters.ChoiceFilter(choices=Budget.Stage.choices)

    class Meta:
        model = Budget
        fields = ["authority", "year", "stage"]


class BudgetLineFilter(StrictFilterSet):
    section = django_filters.ChoiceFilter(choices=BudgetLine.Section.choices)
    direction = django_filters.ChoiceFilter(choices=BudgetLine.Direction.choices)
    kind = django_filters.ChoiceFilter(choices=BudgetLine.Kind.choices)
    chapter = CodeFilter(help_text="Chapitre (nature), par exemple 011.")
    function = CodeFilter(help_text="Fonction (nomenclature de la collectivité).")
    account = CodeFilter(
        lookup_expr="startswith", help_text="Compte, ou son début (606 pour 60612…)."
    )

    class Meta:
        model = BudgetLine
        fields = ["section", "direction", "kind", "chapter", "function", "account"]


class CampaignFilter(StrictFilterSet):
    authority = SlugFilter(
        field_name="authority__slug", help_text="Identifiant de la collectivité."
    )
    # A draft is never public: it is not offered.
    phase = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in Phase.choices if value != Phase.DRAFT]
    )
    kind = django_filters.ChoiceFilter(choices=Campaign.Kind.choices)

    class Meta:
        model = Campaign
        fields = ["authority", "phase", "kind"]


class ProposalFilter(StrictFilterSet):
    campaign = SlugFilter(field_name="campaign__slug", help_text="Identifiant de la campagne.")
    category = IntegerFilter(field_name="category_id", help_text="Identifiant de la rubrique.")
    kind = django_filters.ChoiceFilter(choices=Proposal.Kind.choices)
    status = django_filters.ChoiceFilter(choices=PUBLIC_STATUSES)
    decision = django_filters.ChoiceFilter(
        choices=Decision.choices,
        method="filter_decision",
        help_text="Décision du conseil (campagnes dont les avis sont publiés).",
    )

    class Meta:
        model = Proposal
        fields = ["campaign", "category", "kind", "status", "decision"]

    def filter_decision(self, queryset, name, value):
        # An answer not yet published is not there: no filter may reveal it.
        return queryset.filter(campaign__phase=Phase.ANSWERED, council_answer__decision=value)


class FollowUpFilter(StrictFilterSet):
    campaign = SlugFilter(
        field_name="proposal__campaign__slug", help_text="Identifiant de la campagne."
    )
    status = django_filters.ChoiceFilter(choices=FollowUp.Status.choices)

    class Meta:
        model = FollowUp
        fields = ["campaign", "status"]
