"""Publication of the validated instructions to their authors, at the end of the instruction
phase (a step of the move to voting, campaigns/workflow.py) or earlier by an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from votes import access
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.history import REASON_PUBLISH, history_save
from votes.instruction.models import Instruction
from votes.notifications.models import Kind
from votes.notifications.sending import notify_on_commit, wants
from votes.proposals.models import Proposal

Validation = Instruction.Validation


@dataclass
class PublishReport:
    published: int = 0
    emailed: int = 0
    without_address: int = 0


def published_instruction_ids(campaign: Campaign) -> set[int]:
    """Instructions of the campaign whose publication (and author e-mail) is on record."""
    return set(
        Instruction.objects.filter(
            proposal__campaign=campaign, published_at__isnull=False
        ).values_list("id", flat=True)
    )


def instruction_is_public(instruction: Instruction) -> bool:
    """Shown on the public proposal page: validated, and the instruction phase is over or
    the administrator published it."""
    if not instruction.is_validated:
        return False
    campaign = instruction.proposal.campaign
    if campaign.reached(Phase.VOTING):
        return True
    return instruction.published_at is not None


@transaction.atomic
def instruction_publish(*, campaign: Campaign, by, site_url: str = "") -> PublishReport:
    """Publish the validated instructions and tell each author, once.

    Called by the administrator from the instruction dashboard, and when the campaign leaves
    the instruction phase. Instructions already published are skipped: no second e-mail.
    `site_url` ("https://example.org/") makes the link in the e-mail absolute.
    """
    access.require(access.is_administrator(by, campaign))
    # Two administrators publishing at once would each e-mail every author: serialise them.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.reached(Phase.INSTRUCTION):
        raise PhaseError(
            _(
                "Impossible de publier les instructions : la campagne « %(campaign)s » est en "
                "phase « %(phase)s » (possible à partir de la phase : %(allowed)s)."
            )
            % {
                "campaign": campaign.title,
                "phase": campaign.get_phase_display(),
                "allowed": Phase.INSTRUCTION.label,
            }
        )
    done = published_instruction_ids(campaign)
    instructions = (
        Instruction.objects.filter(
            proposal__campaign=campaign,
            proposal__status=Proposal.Status.PUBLISHED,
            validation=Validation.VALIDATED,
        )
        .exclude(pk__in=done)
        .select_related("proposal__author", "proposal__campaign")
        .order_by("proposal__reference")
    )
    report = PublishReport()
    for instruction in instructions:
        instruction.published_at = timezone.now()
        history_save(instruction, by=by, reason=REASON_PUBLISH)
        report.published += 1
        proposal = instruction.proposal
        address = proposal.author.email if proposal.author_id else ""
        if not address:
            report.without_address += 1
            continue
        context = {
            "proposal": proposal,
            "instruction": instruction,
            "campaign": campaign,
            "url": site_url.rstrip("/") + proposal.get_absolute_url(),
            "on_ballot": instruction.is_feasible,
        }
        subject = _("Votre proposition %(ref)s a été instruite") % {
            "ref": proposal.public_reference
        }
        if not wants(proposal.author, Kind.PROPOSAL_ANSWER):
            continue
        # Sent once the publication is committed: no e-mail about a rolled-back publication.
        notify_on_commit(
            user=proposal.author,
            kind=Kind.PROPOSAL_ANSWER,
            subject=subject,
            template="votes/emails/instruction_published.txt",
            context=context,
            site_url=site_url,
        )
        report.emailed += 1
    return report
