"""The guarantor's remarks on the campaign's public page (a tag, so that the page's view
needs no change to show them)."""

from __future__ import annotations

from django import template

from votes.access import is_guarantor
from votes.guarantor.models import GuarantorRemark

register = template.Library()


@register.inclusion_tag("votes/guarantor/_public_remarks.html", takes_context=True)
def guarantor_remarks(context, campaign) -> dict:
    request = context.get("request")
    return {
        "campaign": campaign,
        "is_guarantor": request is not None and is_guarantor(request.user, campaign),
        "remarks": list(GuarantorRemark.objects.of_campaign(campaign)),
        "guarantors": list(campaign.guarantors.select_related("user")),
    }
