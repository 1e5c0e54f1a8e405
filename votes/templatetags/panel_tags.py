"""Template tags of the citizen panel, for pages outside the simulator (the campaign page)."""

from __future__ import annotations

from django import template

from votes.panels.models import PanelDraw

register = template.Library()


@register.simple_tag
def published_panel(campaign) -> PanelDraw | None:
    """The campaign's published draw (its pool and results left unread), or None."""
    return (
        PanelDraw.objects.filter(campaign=campaign, published=True)
        .only("id", "campaign_id", "created_at")
        .first()
    )
