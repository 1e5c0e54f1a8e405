"""Authorities, budgets and their lines as the explorer shows them (issue 16 §5).

Only the explorer's columns: a line's floor and responsible service stay in the back office.
Money is a decimal string ("1234.50"), never a float."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from budget.models import MONEY, Authority, Budget, BudgetLine, Commune


class CommuneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commune
        fields = ["insee_code", "name", "postal_codes", "population"]


class AuthoritySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    communes = CommuneSerializer(many=True, read_only=True)
    member_of = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="L'EPCI (métropole, communauté) dont la collectivité est membre, s'il y en a un.",
    )

    class Meta:
        model = Authority
        fields = [
            "slug",
            "name",
            "siren",
            "kind",
            "kind_label",
            "population",
            "member_of",
            "communes",
        ]


class BudgetSerializer(serializers.ModelSerializer):
    authority = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    page = serializers.SerializerMethodField(help_text="La page publique de l'explorateur.")
    lines = serializers.SerializerMethodField(help_text="La liste des lignes dans l'API.")

    class Meta:
        model = Budget
        fields = [
            "slug",
            "authority",
            "year",
            "stage",
            "stage_label",
            "debt_start",
            "savings_target",
            "imported_at",
            "page",
            "lines",
        ]

    def get_page(self, budget: Budget) -> str:
        return self.context["request"].build_absolute_uri(budget.get_absolute_url())

    def get_lines(self, budget: Budget) -> str:
        return reverse(
            "api:budget_lines", kwargs={"slug": budget.slug}, request=self.context["request"]
        )


class BudgetLineSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="display_label", read_only=True)
    realised = serializers.SerializerMethodField(
        help_text="Montant réalisé, pour un compte administratif seulement."
    )

    class Meta:
        model = BudgetLine
        fields = [
            "code",
            "label",
            "section",
            "direction",
            "kind",
            "chapter",
            "chapter_label",
            "account",
            "account_label",
            "function",
            "function_label",
            "operation",
            "amount",
            "realised",
            "adjustable",
        ]

    # As the explorer: the realised amount is shown for a compte administratif only.
    @extend_schema_field(serializers.DecimalField(allow_null=True, **MONEY))
    def get_realised(self, line: BudgetLine) -> str | None:
        if self.context["budget"].uses_realised_amounts and line.realised is not None:
            return str(line.realised.quantize(Decimal("0.01")))
        return None
