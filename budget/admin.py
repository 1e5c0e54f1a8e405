from __future__ import annotations

from django.contrib import admin

from budget.forms import AuthorityForm
from budget.models import Authority, Budget, BudgetLine, Commune, ImpactRule, Job, RoleGrant


class CommuneInline(admin.TabularInline):
    model = Commune
    extra = 0


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    form = AuthorityForm
    list_display = ["name", "kind", "member_of", "siren", "population"]
    list_filter = ["kind", "member_of"]
    list_select_related = ["member_of"]
    search_fields = ["name", "siren", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommuneInline]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "stage", "published", "imported_at"]
    list_filter = ["stage", "year", "published", "authority"]
    list_select_related = ["authority"]
    search_fields = ["slug", "authority__name"]
    readonly_fields = ["source_filename", "imported_at"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["code", "display_label", "section", "direction", "kind", "chapter", "amount"]
    list_display_links = ["code"]
    list_filter = ["budget", "section", "direction", "kind", "adjustable", "chapter"]
    list_select_related = ["budget__authority"]
    search_fields = ["code", "account", "label", "account_label", "chapter", "function"]
    show_full_result_count = False  # a budget has tens of thousands of lines
    raw_id_fields = ["budget"]


@admin.register(ImpactRule)
class ImpactRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "budget", "coefficient", "lag", "cumulative"]
    list_filter = ["budget", "cumulative"]
    list_select_related = ["budget__authority", "source", "target"]
    search_fields = ["source__code", "target__code", "description"]
    # ImpactRule.clean() refuses lines of another budget, order lines and cycles.
    autocomplete_fields = ["source", "target"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """For the operators: a job left "running" by a worker killed mid-task is marked failed
    here (its transaction did not commit, so nothing was written), then restarted from its
    page."""

    list_display = ["created_at", "kind", "status", "owner", "step", "attempts", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]
    fields = ["kind", "status", "owner", "step", "done", "total", "error", "attempts"]
    readonly_fields = ["kind", "owner", "step", "done", "total", "attempts"]


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Whatever opens a back office (a role's grant) is seen and changed by superusers only."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(RoleGrant)
class RoleGrantAdmin(SuperuserOnlyAdmin):
    """A role in one authority only (budget/roles.py): granted by a superuser, since it opens
    the authority's back office."""

    list_display = ["user", "role", "authority", "granted_at"]
    list_filter = ["role", "authority"]
    list_select_related = ["user", "authority"]
    search_fields = ["user__username", "user__email", "authority__name"]
    autocomplete_fields = ["user"]
