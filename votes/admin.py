"""Django admin of the votes app: a support tool for the team, not the way to run a campaign.

Phase moves, rules and categories go through the management pages (votes/services): their
checks (one phase at a time, reasons, frozen voting rules) do not run here, so the phase,
the transition log and the moderation record are read-only.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budget.admin import SuperuserOnlyAdmin
from votes.accounts.models import Profile
from votes.agenda.models import Event, Registration
from votes.campaigns.models import Campaign, Category, PhaseSchedule, PhaseTransition
from votes.census.models import CensusEntry, CensusList
from votes.council.models import (
    AdoptedScenario,
    CouncilAnswer,
    CouncilSnapshot,
    FollowUp,
    Milestone,
)
from votes.debate.models import Comment, CommentFlag, CommentModeration
from votes.evaluation.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from votes.guarantor.models import Guarantor, GuarantorRemark
from votes.instruction.models import Instruction, Service
from votes.notifications.models import PREFERENCE_KINDS, Follow, Preferences, Sent
from votes.panels.models import PanelDraw, Quota, Volunteer
from votes.proposals.models import (
    Attachment,
    Flag,
    ModerationAction,
    Proposal,
    ProposalAdjustment,
    Support,
)
from votes.scope.models import CampaignRole
from votes.training.models import TrainingCompletion, TrainingPage, TrainingQuestion
from votes.voting.models import (
    Ballot,
    BallotLine,
    PaperVoter,
    PollingStation,
    VotingCode,
    VotingCodeBatch,
)
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as evidence (votes, moves, the council snapshot): visible, never edited by
    hand; the tally is recomputed from what the services wrote."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "user", "commune", "outside_territory", "birth_year", "gender"]
    list_filter = ["outside_territory", "gender", "commune"]
    list_select_related = ["user", "commune"]
    search_fields = ["pseudonym", "user__username", "user__email"]
    readonly_fields = ["consented_at", "email_confirmed_at"]
    raw_id_fields = ["user"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = [
        "name",
        "envelope",
        "savings_target",
        "vote_cap",
        "knapsack",
        "min_approvals",
        "position",
    ]


class PhaseScheduleInline(admin.TabularInline):
    model = PhaseSchedule
    extra = 0


class PhaseTransitionInline(ReadOnlyInline):
    model = PhaseTransition
    fields = ["at", "from_phase", "to_phase", "by", "reason"]
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "authority", "kind", "phase", "supports_enabled", "created_at"]
    list_filter = ["phase", "kind", "authority"]
    list_select_related = ["authority"]
    search_fields = ["title", "slug", "authority__name"]
    prepopulated_fields = {"slug": ["title"]}
    # The phase moves only through campaigns/workflow.py (one step at a time, recorded).
    readonly_fields = ["phase", "created_at"]
    raw_id_fields = ["budget"]
    inlines = [CategoryInline, PhaseScheduleInline, PhaseTransitionInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "campaign",
        "envelope",
        "savings_target",
        "vote_cap",
        "knapsack",
        "min_approvals",
    ]
    list_filter = ["campaign", "knapsack"]
    list_select_related = ["campaign"]
    search_fields = ["name", "description", "campaign__title"]


@admin.register(PhaseSchedule)
class PhaseScheduleAdmin(admin.ModelAdmin):
    list_display = ["campaign", "phase", "starts_on", "ends_on"]
    list_filter = ["phase", "campaign"]
    list_select_related = ["campaign"]
    search_fields = ["campaign__title"]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "from_phase", "to_phase", "by", "at", "reason"]
    list_filter = ["campaign", "to_phase"]
    list_select_related = ["campaign", "by"]
    search_fields = ["campaign__title", "by__username", "reason"]
    date_hierarchy = "at"


class ProposalAdjustmentInline(admin.TabularInline):
    model = ProposalAdjustment
    extra = 0
    autocomplete_fields = ["line"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["content_type", "size", "uploaded_at"]


class ModerationActionInline(ReadOnlyInline):
    model = ModerationAction
    fields = ["at", "action", "moderator", "reason"]
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "public_reference",
        "title",
        "campaign",
        "category",
        "kind",
        "status",
        "service",
        "author_display",
    ]
    list_display_links = ["public_reference", "title"]
    list_filter = ["campaign", "status", "kind", "category", "service"]
    list_select_related = ["campaign", "category", "service", "author__profile"]
    search_fields = ["title", "description", "author__profile__pseudonym", "author_label"]
    raw_id_fields = ["author", "scenario", "measure", "commune"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProposalAdjustmentInline, AttachmentInline, ModerationActionInline]

    @admin.display(description="référence", ordering="reference")
    def public_reference(self, obj: Proposal) -> str:
        return obj.public_reference

    @admin.display(description="auteur")
    def author_display(self, obj: Proposal) -> str:
        return obj.author_display


@admin.register(ProposalAdjustment)
class ProposalAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["proposal", "line", "amount", "percent", "start_year", "recurring"]
    list_filter = ["proposal__campaign", "recurring"]
    list_select_related = ["proposal", "line"]
    search_fields = ["proposal__title", "line__code"]
    raw_id_fields = ["proposal"]
    autocomplete_fields = ["line"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "proposal", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    list_select_related = ["proposal"]
    search_fields = ["name", "proposal__title"]
    raw_id_fields = ["proposal"]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["proposal", "user", "created_at"]
    list_filter = ["proposal__campaign"]
    list_select_related = ["proposal", "user"]
    search_fields = ["proposal__title", "user__username"]
    raw_id_fields = ["proposal", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["proposal", "user", "created_at", "handled"]
    list_filter = ["handled", "proposal__campaign"]
    list_select_related = ["proposal", "user"]
    search_fields = ["proposal__title", "reason", "user__username"]
    raw_id_fields = ["proposal", "user"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "action", "moderator", "at", "reason"]
    list_filter = ["action", "proposal__campaign"]
    list_select_related = ["proposal", "moderator"]
    search_fields = ["proposal__title", "reason", "moderator__username"]
    date_hierarchy = "at"


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "authority"]
    list_filter = ["authority"]
    list_select_related = ["authority"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Instruction)
class InstructionAdmin(SimpleHistoryAdmin):
    list_display = [
        "proposal",
        "status",
        "validation",
        "instructed_cost",
        "instructed_saving",
        "due_on",
        "updated_at",
    ]
    list_filter = ["status", "validation", "proposal__campaign", "proposal__service"]
    list_select_related = ["proposal"]
    search_fields = ["proposal__title", "public_reasoning", "internal_notes"]
    raw_id_fields = ["proposal", "instructed_by", "validated_by"]
    readonly_fields = ["validated_at", "updated_at"]
    history_list_display = ["status", "validation"]


@admin.register(PollingStation)
class PollingStationAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign"]
    list_filter = ["campaign"]
    search_fields = ["name"]
    filter_horizontal = ["officers"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "channel", "is_void", "created_at"]
    list_filter = ["campaign", "channel", "is_void"]
    # Who chose what stays out of the list: only the channel and the counts matter here.
    exclude = ["voter", "receipt"]


@admin.register(BallotLine)
class BallotLineAdmin(ReadOnlyAdmin):
    list_display = ["id", "proposal", "category"]
    list_filter = ["category__campaign"]


@admin.register(VotingCodeBatch)
class VotingCodeBatchAdmin(ReadOnlyAdmin):
    list_display = ["label", "campaign", "size", "created_at", "printed_at", "revoked_at"]
    list_filter = ["campaign"]
    exclude = ["salt"]


@admin.register(VotingCode)
class VotingCodeAdmin(ReadOnlyAdmin):
    list_display = ["id", "batch", "used_at"]
    list_filter = ["batch__campaign"]
    exclude = ["code_hash", "plain"]


@admin.register(PaperVoter)
class PaperVoterAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "station", "recorded_at"]
    list_filter = ["campaign", "station"]
    exclude = ["user", "name_key", "birth_date"]


@admin.register(CouncilSnapshot)
class CouncilSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "sha256", "created_by", "created_at"]
    exclude = ["content"]


@admin.register(CouncilAnswer)
class CouncilAnswerAdmin(ReadOnlyAdmin):
    # Answers go through the council screens: they check the phase and the publication.
    list_display = ["proposal", "decision", "deliberation_reference", "deliberation_date"]
    list_filter = ["decision", "proposal__campaign"]
    list_select_related = ["proposal"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["on", "text"]
    readonly_fields = fields


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "status", "progress", "spent", "updated_at"]
    list_filter = ["status", "proposal__campaign"]
    list_select_related = ["proposal"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["follow_up", "on", "text"]


@admin.register(AdoptedScenario)
class AdoptedScenarioAdmin(ReadOnlyAdmin):
    # Built by the finance service's button (votes/council/scenario.py), never here.
    list_display = ["campaign", "scenario", "basis", "built_by", "built_at"]
    list_select_related = ["campaign", "scenario", "built_by"]


# Panels, training and workshops (their models joined the votes app in issue 12): their
# screens run the draws and the sessions; here they are records to look at.
for _model in (
    Volunteer,
    Quota,
    PanelDraw,
    TrainingPage,
    TrainingQuestion,
    TrainingCompletion,
    Workshop,
    WorkshopGroup,
    GroupArgument,
    WorkshopProposal,
):
    admin.site.register(_model, ReadOnlyAdmin)


# The agenda (issue 15): its team screens create and edit; here they are records to look at.
@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "kind", "starts_at", "place", "capacity"]
    list_filter = ["kind", "campaign"]
    list_select_related = ["campaign"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["name", "event", "created_at", "cancelled_at"]
    list_filter = ["event__campaign"]
    list_select_related = ["event"]
    search_fields = ["name", "event__title"]


# The debate: comments are moderated on the site (hide, restore, with a reason kept on record);
# here they are read.
@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "topic", "author", "status", "created_at"]
    list_filter = ["status", "topic", "proposal__campaign"]
    list_select_related = ["proposal", "author"]
    search_fields = ["proposal__title", "body", "author__username"]


for _model in (CommentFlag, CommentModeration, Follow, Sent):
    admin.site.register(_model, ReadOnlyAdmin)


@admin.register(Preferences)
class PreferencesAdmin(ReadOnlyAdmin):
    list_display = ["user", *(kind.value for kind in PREFERENCE_KINDS), "updated_at"]


# The guarantor (issue 16 §2): assigned on the management page (which refuses a team member)
# and remarks written once by the guarantor; here, records to look at, never to edit.
admin.site.register(Guarantor, ReadOnlyAdmin)
admin.site.register(GuarantorRemark, ReadOnlyAdmin)


# The evaluation (issue 16 §3): questions are edited on the team's screen, answers are
# anonymous; here, records to look at.
for _model in (EvaluationQuestion, EvaluationResponse, EvaluationAnswer):
    admin.site.register(_model, ReadOnlyAdmin)


# The census list (issue 16 §1): hashes only, uploaded and switched on the team's page;
# here, records to look at (a changed mark would let someone vote twice).
admin.site.register(CensusList, ReadOnlyAdmin)
admin.site.register(CensusEntry, ReadOnlyAdmin)


@admin.register(CampaignRole)
class CampaignRoleAdmin(SuperuserOnlyAdmin):
    """A role in one campaign only (votes/scope/): granted by a superuser, since it opens the
    campaign's back office."""

    list_display = ["user", "role", "campaign", "granted_at"]
    list_filter = ["role", "campaign"]
    list_select_related = ["user", "campaign"]
    search_fields = ["user__username", "user__email", "campaign__title"]
    autocomplete_fields = ["user"]
