from __future__ import annotations

from django.apps import AppConfig


class VotesConfig(AppConfig):
    verbose_name = "Campagnes et votes"
    default_auto_field = "django.db.models.BigAutoField"
    name = "votes"

    def ready(self) -> None:
        # The simulator applies the open campaign's cap on policy areas without importing votes.
        from simulator.limits import register_policy_area_limit
        from votes.campaigns.policy_areas import open_campaign_policy_area_limit

        register_policy_area_limit(open_campaign_policy_area_limit)

        # The per-campaign roles are read with the groups, in the role check's one query.
        from budget.roles import register_role_source
        from votes.scope.models import campaign_role_rows

        register_role_source(campaign_role_rows)
