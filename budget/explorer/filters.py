"""Filters of the public table of budget lines."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from budget.models import Budget, BudgetLine

# The function filter's value for lines attached to no function ("Non ventilé").
NO_FUNCTION = "aucune"


class BudgetLineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Libellé, compte ou code"),
    )
    section = django_filters.ChoiceFilter(
        label=_("Section"), choices=BudgetLine.Section.choices, empty_label=_("Toutes")
    )
    direction = django_filters.ChoiceFilter(
        label=_("Sens"), choices=BudgetLine.Direction.choices, empty_label=_("Tous")
    )
    chapter = django_filters.ChoiceFilter(label=_("Chapitre"), empty_label=_("Tous"))
    function = django_filters.ChoiceFilter(
        label=_("Fonction"), method="filter_function", empty_label=_("Toutes")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Réel ou ordre"), choices=BudgetLine.Kind.choices, empty_label=_("Tous")
    )

    class Meta:
        model = BudgetLine
        fields = ["q", "section", "direction", "chapter", "function", "kind"]

    def __init__(self, data=None, queryset=None, *, budget: Budget, **kwargs) -> None:
        super().__init__(data, queryset=queryset, **kwargs)
        chapters: dict[str, str] = {}
        functions: dict[str, str] = {}
        # One query for both lists of choices: the page's query count must not grow.
        pairs = (
            BudgetLine.objects.filter(budget=budget)
            .values_list("chapter", "chapter_label", "function", "function_label")
            .distinct()
        )
        for chapter, chapter_label, function, function_label in pairs:
            if not chapters.get(chapter):
                chapters[chapter] = chapter_label
            if not functions.get(function):
                functions[function] = function_label
        self.filters["chapter"].extra["choices"] = [
            (code, f"{code} {label}".strip()) for code, label in sorted(chapters.items())
        ]
        self.filters["function"].extra["choices"] = [
            (code or NO_FUNCTION, f"{code} {label}".strip() if code else _("Non ventilé"))
            for code, label in sorted(functions.items())
        ]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(label__icontains=word)
                | Q(account_label__icontains=word)
                | Q(account__istartswith=word)
                | Q(code__icontains=word)
            )
        return queryset

    def filter_function(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(function="" if value == NO_FUNCTION else value)
