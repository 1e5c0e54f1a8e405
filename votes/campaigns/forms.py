"""Forms of the campaign management pages; the services write (votes/services/campaigns.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from budget.forms import AmountField
from budget.models import Authority, Budget
from budget.roles import ADMINISTRATOR, authorities_for
from votes.campaigns.models import PHASE_ORDER, Campaign, Category, Phase
from votes.campaigns.phases import phase_allows
from votes.campaigns.services import (
    FRAMING_FIELDS,
    OPEN_FIELDS,
    RULE_FIELDS,
    category_rule_errors,
)
from votes.campaigns.workflow import backward_phases


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = name if name in form.fields else None
            for item in errors:
                form.add_error(field, item)
    else:
        form.add_error(None, error)


class CampaignCreateForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "authority",
            "budget",
            "kind",
            "title",
            "slug",
            "framing",
            "min_voter_age",
            "supports_enabled",
            "supports_threshold",
            "max_policy_areas",
            "max_categories_per_voter",
            "tally_rule",
            "savings_threshold",
        ]
        widgets = {"framing": forms.Textarea(attrs={"rows": 12})}
        # The model's foreign keys carry no French name (renaming them needs a migration).
        labels = {"authority": _("Collectivité"), "budget": _("Budget")}
        help_texts = {
            "slug": _("Dans l'adresse de la page publique : lettres, chiffres et tirets."),
        }

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = Budget.objects.select_related("authority")
        self.fields["budget"].required = True
        # An administrator of some authorities only creates campaigns for those.
        authorities = authorities_for(user, ADMINISTRATOR) if user is not None else None
        if authorities is not None:
            self.fields["authority"].queryset = Authority.objects.filter(pk__in=authorities)
            self.fields["budget"].queryset = self.fields["budget"].queryset.filter(
                authority_id__in=authorities
            )

    def clean(self) -> dict:
        data = super().clean()
        authority, budget = data.get("authority"), data.get("budget")
        if authority and budget and budget.authority_id != authority.pk:
            self.add_error(
                "budget",
                _("Ce budget est celui d'une autre collectivité (%(other)s).")
                % {"other": budget.authority.name},
            )
        return data


class CampaignEditForm(forms.ModelForm):
    """Fields the phase no longer allows are shown disabled (their posted values are ignored)."""

    class Meta:
        model = Campaign
        fields = [*FRAMING_FIELDS, *RULE_FIELDS, *OPEN_FIELDS]
        widgets = {"framing": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        campaign = self.instance
        self.fields["budget"].queryset = Budget.objects.filter(
            authority=campaign.authority
        ).select_related("authority")
        self.fields["budget"].required = True
        self.rules_locked = not phase_allows(campaign, "change_rules")
        self.framing_locked = campaign.reached(Phase.VOTING)
        for name in RULE_FIELDS if self.rules_locked else ():
            self.fields[name].disabled = True
        for name in FRAMING_FIELDS if self.framing_locked else ():
            self.fields[name].disabled = True
        # Citizens support knowing the threshold: it stays as announced once they can.
        if campaign.reached(Phase.SUPPORTS):
            self.fields["supports_threshold"].disabled = True

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class ScheduleForm(forms.Form):
    """The calendar, one row per phase (a start and an end date, both optional)."""

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        planned = {row.phase: row for row in campaign.schedule.all()}
        self.phases = [
            phase
            for phase in PHASE_ORDER
            if phase != Phase.DRAFT and (phase != Phase.SUPPORTS or campaign.supports_enabled)
        ]
        for phase in self.phases:
            label = Phase(phase).label
            row = planned.get(phase)
            for part, part_label in (("starts_on", _("Début")), ("ends_on", _("Fin"))):
                self.fields[f"{phase}-{part}"] = forms.DateField(
                    required=False,
                    label=f"{part_label} — {label}",
                    initial=getattr(row, part) if row else None,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )

    def rows(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [
            (phase, Phase(phase).label, self[f"{phase}-starts_on"], self[f"{phase}-ends_on"])
            for phase in self.phases
        ]

    def clean(self) -> dict:
        data = super().clean()
        for phase in self.phases:
            start, end = data.get(f"{phase}-starts_on"), data.get(f"{phase}-ends_on")
            if start and end and end < start:
                self.add_error(
                    f"{phase}-ends_on",
                    _("La fin de « %(phase)s » précède son début.") % {"phase": Phase(phase).label},
                )
        return data

    def dates(self) -> list[tuple[str, object, object]]:
        data = self.cleaned_data
        return [(p, data.get(f"{p}-starts_on"), data.get(f"{p}-ends_on")) for p in self.phases]


class CategoryForm(forms.ModelForm):
    envelope = AmountField(
        required=False, max_digits=16, decimal_places=2, label=_("Enveloppe (€)")
    )
    savings_target = AmountField(
        required=False, max_digits=16, decimal_places=2, label=_("Objectif d'économies (€ par an)")
    )

    class Meta:
        model = Category
        fields = [
            "name",
            "description",
            "envelope",
            "savings_target",
            "vote_cap",
            "min_votes",
            "knapsack",
            "min_approvals",
            "savings_threshold",
            "commune",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        kwargs.setdefault("instance", Category(campaign=campaign))
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        # A savings campaign has no envelope (so no knapsack); a projects one has no target.
        if campaign.kind == Campaign.Kind.SAVINGS:
            del self.fields["envelope"], self.fields["knapsack"]
        elif campaign.kind == Campaign.Kind.PROJECTS:
            del self.fields["savings_target"], self.fields["savings_threshold"]
        self.fields["vote_cap"].widget.attrs["min"] = 1
        # Left empty, the minimum is 0 (none), as the model's default says.
        self.fields["min_votes"].required = False
        self.fields["min_votes"].widget.attrs["min"] = 0
        # Only a territory of several communes (an EPCI) shares a campaign among them.
        communes = campaign.authority.communes.all()
        if len(communes) > 1:
            self.fields["commune"].queryset = communes
            self.fields["commune"].empty_label = _("Tout le territoire")
        else:
            del self.fields["commune"]

    def clean(self) -> dict:
        data = super().clean()
        errors = category_rule_errors(
            campaign_kind=self.campaign.kind,
            envelope=data.get("envelope"),
            savings_target=data.get("savings_target"),
            vote_cap=data.get("vote_cap"),
            knapsack=bool(data.get("knapsack")),
            min_approvals=data.get("min_approvals"),
            min_votes=data.get("min_votes") or 0,
            savings_threshold=data.get("savings_threshold"),
        )
        for name, messages in errors.items():
            field = name if name in self.fields and name != NON_FIELD_ERRORS else None
            for message in messages:
                if field is None or field not in self._errors:
                    self.add_error(field, message)
        return data

    def clean_min_votes(self) -> int:
        value = self.cleaned_data.get("min_votes")
        return 0 if value is None else value

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class PhaseBackForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Revenir à la phase"))
    reason = forms.CharField(
        label=_("Motif (conservé dans l'historique)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _(
                "Indiquez le motif du retour en arrière : il est conservé dans l'historique."
            )
        },
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The graph's backward moves: none once the results went to the council.
        self.fields["to_phase"].choices = [
            (phase, Phase(phase).label) for phase in backward_phases(campaign)
        ]
