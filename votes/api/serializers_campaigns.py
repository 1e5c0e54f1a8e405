"""Campaigns with their phases and categories, and their proposals with what is public of
each: the published instruction, the council's answer once the answers are published, the
follow-up of an adopted proposal (issue 16 §5). Never an internal note, a return comment, a
user name, an e-mail or who moved a phase."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budget.models import MONEY
from votes.api.filters import PUBLIC_STATUSES
from votes.campaigns.models import PHASE_ORDER, Campaign, Category, Phase
from votes.council.models import CouncilAnswer, FollowUp, Milestone
from votes.instruction.models import Instruction
from votes.instruction.publication import instruction_is_public
from votes.proposals.models import Proposal


def answers_public(campaign: Campaign) -> bool:
    """The council's answers are public once the administrator published them (as the page of
    the "suites données")."""
    return campaign.phase == Phase.ANSWERED


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "description",
            "envelope",
            "savings_target",
            "vote_cap",
            "min_votes",
            "knapsack",
            "min_approvals",
            "savings_threshold",
        ]


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    label = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    reached = serializers.BooleanField(help_text="La campagne a atteint cette phase.")
    current = serializers.BooleanField()


class CampaignSerializer(serializers.ModelSerializer):
    authority = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    budget = serializers.SerializerMethodField(help_text="Le budget publié de la campagne.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    phases = serializers.SerializerMethodField(help_text="Les phases dans l'ordre, et leurs dates.")
    categories = CategorySerializer(many=True, read_only=True)
    page = serializers.SerializerMethodField(help_text="La page publique de la campagne.")

    class Meta:
        model = Campaign
        fields = [
            "slug",
            "title",
            "authority",
            "budget",
            "kind",
            "kind_label",
            "phase",
            "phase_label",
            "framing",
            "min_voter_age",
            "supports_enabled",
            "supports_threshold",
            "max_categories_per_voter",
            "max_policy_areas",
            "tally_rule",
            "savings_threshold",
            "phases",
            "categories",
            "page",
        ]

    def get_budget(self, campaign: Campaign) -> str | None:
        budget = campaign.budget
        return budget.slug if budget is not None and budget.published else None

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, campaign: Campaign) -> list[dict]:
        dates = {item.phase: item for item in campaign.schedule.all()}
        # A draft is never listed: the public timeline starts at the framing.
        phases = []
        for value in PHASE_ORDER[1:]:
            planned = dates.get(value)
            phases.append(
                {
                    "phase": value,
                    "label": Phase(value).label,
                    "starts_on": planned.starts_on if planned else None,
                    "ends_on": planned.ends_on if planned else None,
                    "reached": campaign.reached(value),
                    "current": campaign.phase == value,
                }
            )
        return PhaseSerializer(phases, many=True).data

    def get_page(self, campaign: Campaign) -> str:
        return self.context["request"].build_absolute_uri(campaign.get_absolute_url())


class InstructionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_feasible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Instruction
        fields = [
            "status",
            "status_label",
            "is_feasible",
            "public_reasoning",
            "conditions",
            "duration",
            "instructed_cost",
            "induced_operating_cost",
            "instructed_saving",
            "direct_saving",
            "induced_saving",
            "validated_at",
        ]


class AnswerSerializer(serializers.ModelSerializer):
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    adopted = serializers.BooleanField(source="is_adopted", read_only=True)

    class Meta:
        model = CouncilAnswer
        fields = [
            "decision",
            "decision_label",
            "adopted",
            "answer",
            "deliberation_reference",
            "deliberation_date",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["on", "text"]


class FollowUpSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    spent = serializers.DecimalField(
        read_only=True, help_text="Le montant dépensé jusqu'ici, en euros.", **MONEY
    )
    photo = serializers.SerializerMethodField(
        help_text="L'adresse absolue de la photo de la réalisation ; null sans photo."
    )
    photo_alt = serializers.CharField(
        read_only=True, help_text="Ce que montre la photo (texte alternatif) ; vide sans photo."
    )
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "status",
            "status_label",
            "progress",
            "spent",
            "photo",
            "photo_alt",
            "updated_at",
            "milestones",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, follow_up: FollowUp) -> str | None:
        if not follow_up.photo:
            return None
        return self.context["request"].build_absolute_uri(follow_up.photo.url)


def _related(proposal: Proposal, name: str):
    # A reverse one-to-one that does not exist raises rather than returning None.
    return getattr(proposal, name, None)


class ProposalSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="public_reference", read_only=True)
    number = serializers.IntegerField(source="reference", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.IntegerField(source="category_id", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = serializers.CharField(
        source="author_display", read_only=True, help_text="Le nom public de l'auteur."
    )
    estimate = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    commune = serializers.CharField(source="commune.name", read_only=True, allow_null=True)
    instruction = serializers.SerializerMethodField(
        help_text="L'instruction validée, une fois publiée ; null avant."
    )
    answer = serializers.SerializerMethodField(
        help_text="L'avis argumenté du conseil, une fois les avis publiés ; null avant."
    )
    follow_up = serializers.SerializerMethodField(
        help_text="Le suivi de réalisation d'une proposition adoptée ; null sinon."
    )
    page = serializers.SerializerMethodField(help_text="La page publique de la proposition.")

    class Meta:
        model = Proposal
        fields = [
            "reference",
            "number",
            "campaign",
            "category",
            "category_name",
            "kind",
            "kind_label",
            "title",
            "description",
            "author",
            "estimate",
            "commune",
            "place",
            "status",
            "status_label",
            "created_at",
            "instruction",
            "answer",
            "follow_up",
            "page",
        ]

    @extend_schema_field(InstructionSerializer(allow_null=True))
    def get_instruction(self, proposal: Proposal) -> dict | None:
        instruction = _related(proposal, "instruction")
        if instruction is None or not instruction_is_public(instruction):
            return None
        return InstructionSerializer(instruction).data

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, proposal: Proposal) -> dict | None:
        answer = _related(proposal, "council_answer")
        if answer is None or not answers_public(proposal.campaign):
            return None
        return AnswerSerializer(answer).data

    @extend_schema_field(FollowUpSerializer(allow_null=True))
    def get_follow_up(self, proposal: Proposal) -> dict | None:
        answer = _related(proposal, "council_answer")
        follow_up = _related(proposal, "follow_up")
        if follow_up is None or answer is None or not answer.is_adopted:
            return None
        if not answers_public(proposal.campaign):
            return None
        return FollowUpSerializer(follow_up, context=self.context).data

    def get_page(self, proposal: Proposal) -> str:
        return self.context["request"].build_absolute_uri(proposal.get_absolute_url())


class FollowUpItemSerializer(FollowUpSerializer):
    """A line of the follow-up list: the adopted proposal it follows, then its progress."""

    campaign = serializers.SlugRelatedField(
        source="proposal.campaign", slug_field="slug", read_only=True
    )
    reference = serializers.CharField(source="proposal.public_reference", read_only=True)
    number = serializers.IntegerField(source="proposal.reference", read_only=True)
    title = serializers.CharField(source="proposal.title", read_only=True)
    decision = serializers.CharField(source="proposal.council_answer.decision", read_only=True)
    page = serializers.SerializerMethodField(help_text="La page publique de la proposition.")

    class Meta(FollowUpSerializer.Meta):
        fields = [
            "campaign",
            "reference",
            "number",
            "title",
            "decision",
            *FollowUpSerializer.Meta.fields,
            "page",
        ]

    def get_page(self, follow_up: FollowUp) -> str:
        return self.context["request"].build_absolute_uri(follow_up.proposal.get_absolute_url())
