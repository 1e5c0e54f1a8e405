"""The open campaign's cap on policy areas, as the simulator reads it (see simulator/limits.py).

The simulator must not import the votes app: this reader is registered on its hook when the
votes app is ready, so the simulator screen applies the cap of the budget's open campaign.
"""

from __future__ import annotations

from budget.models import Budget
from votes.campaigns.models import Campaign, Phase


def open_campaign_policy_area_limit(budget: Budget) -> int | None:
    """The cap of the budget's open campaign, when it sets one (domain.md §5)."""
    campaign = (
        Campaign.objects.filter(budget=budget)
        .exclude(phase__in=[Phase.DRAFT, Phase.ANSWERED])
        .order_by("-created_at")
        .only("max_policy_areas")
        .first()
    )
    return campaign.max_policy_areas if campaign else None
