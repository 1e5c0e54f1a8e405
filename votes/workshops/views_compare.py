"""A workshop's comparison, its consolidation into the panel's proposals, and its summary.

Facilitator's pages: the facilitator or administrator role, then the workshop's own
facilitator (simulator.workshops.can_run_workshop), as for the dashboard.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from votes.access import require
from votes.campaigns.models import Category
from votes.campaigns.phases import require_phase
from votes.workshops.charts import consensus_chart, gap_text, spread_chart
from votes.workshops.choices import group_settings
from votes.workshops.consensus import MeasureRow
from votes.workshops.consolidation import (
    PANEL_NAME_DEFAULT,
    PANEL_NAME_MAX_LENGTH,
    WorkshopComparison,
    carried,
    savings_categories,
    workshop_comparison,
    workshop_consolidate,
)
from votes.workshops.forms import attach_errors
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.services import can_run_workshop
from votes.workshops.summary import summary_workbook
from votes.workshops.views import facilitator_view


def _get_workshop(request: HttpRequest, pk: int) -> Workshop:
    workshop = get_object_or_404(
        Workshop.objects.select_related("campaign__budget", "facilitator"), pk=pk
    )
    require(can_run_workshop(request.user, workshop))
    return workshop


# --- presentation ------------------------------------------------------------------------------


def _kind_labels() -> dict[str, str]:
    return {"": _("Type non précisé"), **{k: str(v) for k, v in WorkshopGroup.Kind.choices}}


def comparison_context(data: WorkshopComparison) -> dict:
    """What the comparison and the summary pages show of the comparison."""
    comparison = data.comparison
    labels = _kind_labels()
    groups = [view.group for view in data.groups]
    rows = [
        {"row": row, "cells": list(zip(groups, row.chosen, strict=True))} for row in comparison.rows
    ]
    kinds = [{"label": labels.get(kind, kind), "groups": count} for kind, count in comparison.kinds]
    context = {
        "data": data,
        "group_rows": [
            {"view": view, "gap": gap_text(view.progress.full_year_net_saving, data.target)}
            for view in data.groups
        ],
        "comparison": comparison,
        "rows": rows,
        "kinds": kinds,
        "kind_rows": [
            {"row": row, "shares": list(zip(kinds, row.by_kind, strict=True))}
            for row in comparison.rows
        ],
        "target": data.target,
        "charts": [],
    }
    if data.groups:
        context["charts"] = [spread_chart(comparison, data.target)]
        if comparison.rows:
            context["charts"].append(consensus_chart(comparison, labels))
    return context


# --- comparison --------------------------------------------------------------------------------


@facilitator_view
@require_GET
def workshop_compare(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    context = comparison_context(workshop_comparison(workshop))
    context["workshop"] = workshop
    return render(request, "votes/workshops/compare/compare.html", context)


# --- consolidation -----------------------------------------------------------------------------


def measure_label(row: MeasureRow, total: int) -> str:
    label = ngettext(
        "%(title)s — %(count)s groupe sur %(total)s",
        "%(title)s — %(count)s groupes sur %(total)s",
        row.count,
    ) % {"title": row.title, "count": row.count, "total": total}
    return f"{label} · {_('consensus')}" if row.consensus else label


class ConsolidationForm(forms.Form):
    # Not required here: the service says what is missing, in the same words for every caller.
    measures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Mesures à transformer en propositions du panel"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Les mesures choisies par au moins la moitié des groupes (consensus) sont cochées "
            "d'avance."
        ),
    )
    choices = forms.MultipleChoiceField(
        label=gettext_lazy(
            "Réglages de lignes et leviers de recettes à transformer en propositions"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Une ligne ajustée devient une économie, un levier une proposition de recette, à la "
            "valeur médiane des groupes."
        ),
    )
    panel_name = forms.CharField(
        label=gettext_lazy("Nom du panel"),
        required=False,
        help_text=gettext_lazy("Il signe les propositions, à la place d'un pseudonyme."),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Rubrique des propositions"),
        queryset=Category.objects.none(),
        empty_label=gettext_lazy("Choisissez une rubrique"),
    )

    def __init__(
        self, *args, rows: list[MeasureRow], settings, total: int, categories, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [(row.id, measure_label(row, total)) for row in rows]
        self.fields["choices"].choices = [(s.key, s.label(total)) for s in settings]
        if not settings:
            del self.fields["choices"]
        self.fields["panel_name"].widget.attrs["maxlength"] = PANEL_NAME_MAX_LENGTH
        self.fields["category"].queryset = Category.objects.filter(
            pk__in=[category.pk for category in categories]
        )


def _consolidation_form(data: WorkshopComparison, outcomes, post=None) -> ConsolidationForm:
    done = {outcome.measure_id for outcome in outcomes}
    rows = [row for row in data.comparison.rows if row.id not in done]
    done_keys = {outcome.choice for outcome in outcomes}
    settings = [
        setting
        for key, setting in group_settings(
            data.workshop.campaign.budget, [view.group for view in data.groups]
        ).items()
        if key not in done_keys
    ]
    categories = savings_categories(data.workshop.campaign)
    initial = {
        "measures": [row.id for row in rows if row.consensus],
        "panel_name": PANEL_NAME_DEFAULT,
        "category": categories[0].pk if len(categories) == 1 else None,
    }
    return ConsolidationForm(
        post,
        initial=initial,
        rows=rows,
        settings=settings,
        total=len(data.groups),
        categories=categories,
    )


@facilitator_view
@require_http_methods(["GET", "POST"])
def workshop_consolidate_view(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    data = workshop_comparison(workshop)
    outcomes = carried(workshop)
    form = _consolidation_form(data, outcomes, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = workshop_consolidate(
                workshop=workshop,
                by=request.user,
                measure_ids=form.cleaned_data["measures"],
                choice_keys=form.cleaned_data.get("choices") or [],
                panel_name=form.cleaned_data["panel_name"],
                category=form.cleaned_data["category"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s proposition du panel créée : %(references)s.",
                        "%(count)s propositions du panel créées : %(references)s.",
                        len(created),
                    )
                    % {
                        "count": len(created),
                        "references": ", ".join(p.public_reference for p in created),
                    },
                )
            else:
                messages.info(request, _("Ces mesures étaient déjà des propositions du panel."))
            return redirect(
                reverse("votes:workshop_consolidate", kwargs={"pk": pk}) + "#propositions"
            )
    phase_refusal = None
    try:
        require_phase(workshop.campaign, "propose")
    except ValidationError as error:
        phase_refusal = error.messages[0]
    return render(
        request,
        "votes/workshops/compare/consolidate.html",
        {
            "workshop": workshop,
            "data": data,
            "form": form,
            "outcomes": outcomes,
            "phase_refusal": phase_refusal,
        },
        status=400 if form.errors else 200,
    )


# --- summary -----------------------------------------------------------------------------------


@facilitator_view
@require_GET
def workshop_summary(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    data = workshop_comparison(workshop)
    context = comparison_context(data)
    context.update({"workshop": workshop, "outcomes": carried(workshop)})
    return render(request, "votes/workshops/compare/summary.html", context)


@facilitator_view
@require_GET
def workshop_summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    content = summary_workbook(
        workshop_comparison(workshop), carried(workshop), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"synthese-{slugify(workshop.title) or 'atelier'}-{workshop.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("gestion/ateliers/<int:pk>/comparaison/", workshop_compare, name="workshop_compare"),
    path(
        "gestion/ateliers/<int:pk>/consolidation/",
        workshop_consolidate_view,
        name="workshop_consolidate",
    ),
    path("gestion/ateliers/<int:pk>/synthese/", workshop_summary, name="workshop_summary"),
    path(
        "gestion/ateliers/<int:pk>/synthese.xlsx",
        workshop_summary_xlsx,
        name="workshop_summary_xlsx",
    ),
]
