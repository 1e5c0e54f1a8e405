"""Forms of the instruction screens: services, assignment, instruction, validation, import."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from budget.models import Authority
from budget.spreadsheets.cells import parse_amount
from votes.campaigns.models import Campaign
from votes.instruction.assignment import instructor_candidates
from votes.instruction.models import Instruction, Service
from votes.instruction.sheet import AMOUNT_LIMIT, parse_schedule, schedule_text
from votes.proposals.models import Proposal


class AmountField(forms.CharField):
    """Euros typed the French way ("1 234,50", "1234.5", "12 000 €"), never negative."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value) -> Decimal | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        amount = parse_amount(text)
        if amount is None:
            raise forms.ValidationError(
                _("« %(value)s » n'est pas un montant en euros."), params={"value": text}
            )
        if amount < 0:
            raise forms.ValidationError(_("Le montant ne peut pas être négatif."))
        if amount >= AMOUNT_LIMIT:
            raise forms.ValidationError(_("Le montant est trop grand."))
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class ServiceForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Collectivité"),
        queryset=Authority.objects.order_by("name"),
        error_messages={"required": _("Choisissez la collectivité du service.")},
    )
    name = forms.CharField(
        label=_("Nom du service"),
        max_length=120,
        error_messages={"required": _("Donnez un nom au service.")},
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Instructeurs membres du service"),
        queryset=instructor_candidates(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seuls les comptes ayant le rôle d'instructeur sont proposés."),
    )

    def __init__(
        self, *args, service: Service | None = None, authorities: set[int] | None = None, **kwargs
    ) -> None:
        """`authorities`: those where the account administers (None: all of them)."""
        if service is not None:
            kwargs.setdefault(
                "initial", {"name": service.name, "members": list(service.members.all())}
            )
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = instructor_candidates()
        if service is not None:
            # A service stays with its authority: its proposals were assigned within it.
            del self.fields["authority"]
        elif authorities is not None:
            self.fields["authority"].queryset = Authority.objects.filter(
                pk__in=authorities
            ).order_by("name")


class AssignForm(forms.Form):
    """One proposal (a row's own form) or several (the checkboxes of the bulk form)."""

    proposals = forms.ModelMultipleChoiceField(
        label=_("Propositions"),
        queryset=Proposal.objects.none(),
        error_messages={
            "required": _("Cochez au moins une proposition."),
            "invalid_choice": _("Une des propositions choisies n'existe pas dans la campagne."),
        },
    )
    service = forms.ModelChoiceField(
        label=_("Service instructeur"),
        queryset=Service.objects.none(),
        error_messages={"required": _("Choisissez un service.")},
    )
    due_on = forms.DateField(
        label=_("À rendre le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = campaign.proposals.instructable()
        self.fields["service"].queryset = Service.objects.filter(authority=campaign.authority)


class InstructionForm(forms.Form):
    status = forms.ChoiceField(label=_("Avis"), choices=Instruction.Status.choices)
    instructed_cost = AmountField(
        label=_("Coût instruit (investissement, €)"),
        help_text=_("Obligatoire pour un projet faisable."),
    )
    cost_schedule = forms.CharField(
        label=_("Échéancier (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Une année par ligne, « année : montant », par exemple « 2027 : 100 000 ». "
            "Le total doit égaler le coût instruit."
        ),
    )
    induced_operating_cost = AmountField(
        label=_("Coût de fonctionnement induit (€ par an)"),
    )
    instructed_saving = AmountField(
        label=_("Économie nette instruite (€ par an, effet en année pleine)"),
        help_text=_("Obligatoire pour une économie faisable."),
    )
    duration = forms.CharField(label=_("Durée de réalisation"), required=False, max_length=120)
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoires pour un avis « Faisable sous conditions »."),
    )
    public_reasoning = forms.CharField(
        label=_("Motivation publique"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Publiée sur la page de la proposition et envoyée à son auteur ; obligatoire "
            "pour un avis « Non faisable » ou « Hors compétence »."
        ),
    )
    internal_notes = forms.CharField(
        label=_("Notes internes (jamais publiques)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal: Proposal, engine_computed: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if proposal.kind == Proposal.Kind.PROJECT or engine_computed:
            del self.fields["instructed_saving"]

    @classmethod
    def initial_from(cls, instruction: Instruction) -> dict:
        return {
            "status": instruction.status,
            "instructed_cost": _amount_text(instruction.instructed_cost),
            "cost_schedule": schedule_text(instruction.cost_schedule or {}).replace(" ; ", "\n"),
            "induced_operating_cost": _amount_text(instruction.induced_operating_cost),
            "instructed_saving": _amount_text(instruction.instructed_saving),
            "duration": instruction.duration,
            "conditions": instruction.conditions,
            "public_reasoning": instruction.public_reasoning,
            "internal_notes": instruction.internal_notes,
        }

    def clean_cost_schedule(self) -> dict[str, str]:
        schedule, problems = parse_schedule(self.cleaned_data["cost_schedule"])
        if problems:
            raise forms.ValidationError(problems)
        return {str(year): str(amount) for year, amount in schedule.items()}


def _amount_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value, "f").replace(".", ",")


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire pour le service"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Expliquez au service pourquoi l'instruction lui est renvoyée.")
        },
    )


class SheetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tableur d'instruction modifié (.xlsx ou .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods"}),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".xlsx", ".ods")):
            raise forms.ValidationError(
                _("Envoyez le classeur (.xlsx ou .ods) exporté depuis cette page.")
            )
        return uploaded
