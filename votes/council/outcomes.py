"""What became of each proposal (reads only): the vote result as the council received it, the
council's answer, and the implementation follow-up of the adopted ones.

The results come from the snapshot (``council_data``), not from a new tally: the public page
shows exactly what the council answered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.council.models import CouncilAnswer, FollowUp, Milestone
from votes.proposals.models import Proposal
from votes.results.services import status_label
from votes.text import render_markdown


def result_text(item: dict[str, Any]) -> str:
    """The vote result of a snapshot proposal, in words."""
    if item.get("result"):
        return status_label(item["result"])
    if item.get("not_retained"):
        return _("non retenue à l'étape des soutiens")
    if item.get("on_ballot"):
        return _("soumise au vote, non classée")
    instruction = item.get("instruction")
    if instruction:
        return _("non soumise au vote — %(status)s") % {"status": instruction["status_label"]}
    return _("non soumise au vote")


def snapshot_items(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The snapshot's proposals by number (the reference without its "P-")."""
    return {item["number"]: item for item in data.get("proposals", [])}


def _amount(item: dict[str, Any]) -> Decimal | None:
    instruction = item.get("instruction") or {}
    if item.get("kind") == Proposal.Kind.SAVING:
        value = instruction.get("instructed_saving")
    else:
        value = instruction.get("instructed_cost")
    value = value if value is not None else item.get("estimate")
    return Decimal(value) if value is not None else None


@dataclass
class Outcome:
    reference: str
    number: int
    title: str
    kind: str
    kind_label: str
    author: str
    url: str | None
    result: str | None
    result_text: str
    approvals: int
    amount: Decimal | None
    instruction: dict[str, Any] | None
    answer: CouncilAnswer | None
    answer_html: SafeString | str
    follow_up: FollowUp | None
    milestones: list[Milestone]

    @property
    def adopted(self) -> bool:
        return self.answer is not None and self.answer.is_adopted


@dataclass
class OutcomeGroup:
    name: str
    anchor: str
    items: list[Outcome] = field(default_factory=list)


def campaign_outcomes(campaign: Campaign, data: dict[str, Any]) -> list[OutcomeGroup]:
    """Every proposal of the snapshot, grouped by category in the campaign's order."""
    answers = {
        answer.proposal.reference: answer
        for answer in CouncilAnswer.objects.filter(proposal__campaign=campaign)
        .select_related("proposal__follow_up")
        .prefetch_related("proposal__follow_up__milestones")
    }
    # A proposal hidden after the sending keeps its line here, without a link to a page the
    # public cannot open.
    public = set(
        Proposal.objects.filter(
            campaign=campaign,
            status__in=(Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED),
        ).values_list("reference", flat=True)
    )
    kinds = dict(Proposal.Kind.choices)
    groups = {
        category["name"]: OutcomeGroup(name=category["name"], anchor=f"rubrique-{index}")
        for index, category in enumerate(data.get("categories", []), start=1)
    }
    for item in data.get("proposals", []):
        group = groups.get(item["category"])
        if group is None:
            group = groups[item["category"]] = OutcomeGroup(
                name=item["category"], anchor=f"rubrique-{len(groups) + 1}"
            )
        answer = answers.get(item["number"])
        follow_up = getattr(answer.proposal, "follow_up", None) if answer else None
        group.items.append(
            Outcome(
                reference=item["reference"],
                number=item["number"],
                title=item["title"],
                kind=item["kind"],
                kind_label=str(kinds.get(item["kind"], item["kind"])),
                author=item.get("author") or "",
                url=reverse(
                    "votes:proposal", kwargs={"slug": campaign.slug, "reference": item["number"]}
                )
                if item["number"] in public
                else None,
                result=item.get("result"),
                result_text=result_text(item),
                approvals=(item.get("approvals") or {}).get("total", 0),
                amount=_amount(item),
                instruction=item.get("instruction"),
                answer=answer,
                answer_html=render_markdown(answer.answer) if answer else "",
                follow_up=follow_up,
                milestones=list(follow_up.milestones.all()) if follow_up else [],
            )
        )
    return [group for group in groups.values() if group.items]


def decision_counts(groups: list[OutcomeGroup]) -> list[tuple[str, str, int]]:
    """(code, label, count) of each decision, in the decisions' order; "" for no answer yet."""
    counts = Counter(
        item.answer.decision if item.answer else "" for group in groups for item in group.items
    )
    rows = [
        (value, str(label), counts[value])
        for value, label in CouncilAnswer.Decision.choices
        if counts[value]
    ]
    if counts[""]:
        rows.append(("", _("sans avis"), counts[""]))
    return rows


def filter_outcomes(groups: list[OutcomeGroup], decision: str) -> list[OutcomeGroup]:
    if not decision:
        return groups
    kept = []
    for group in groups:
        items = [i for i in group.items if i.answer and i.answer.decision == decision]
        if items:
            kept.append(OutcomeGroup(name=group.name, anchor=group.anchor, items=items))
    return kept
