from django.contrib import admin

from simulator.models import Measure, MeasureAdjustment, Scenario, ScenarioAdjustment


class MeasureAdjustmentInline(admin.TabularInline):
    model = MeasureAdjustment
    extra = 1
    autocomplete_fields = ["line"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "budget", "policy_area", "origin", "published", "position"]
    list_filter = ["budget", "origin", "published", "policy_area"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MeasureAdjustmentInline]


class ScenarioAdjustmentInline(admin.TabularInline):
    model = ScenarioAdjustment
    extra = 0
    autocomplete_fields = ["line"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "budget", "owner", "horizon", "updated_at"]
    list_filter = ["budget"]
    search_fields = ["title", "owner__username"]
    readonly_fields = ["share_token", "created_at", "updated_at"]
    filter_horizontal = ["measures"]
    inlines = [ScenarioAdjustmentInline]
