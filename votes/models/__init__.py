"""Campaigns, accounts, proposals and their instruction (one module per concept)."""

from .accounts import Profile
from .ballots import Ballot, BallotLine, PaperVoter, PollingStation, VotingCode, VotingCodeBatch
from .campaigns import Campaign, Category, PhaseSchedule, PhaseTransition
from .instruction import Instruction, Service
from .proposals import Attachment, Flag, ModerationAction, Proposal, ProposalAdjustment, Support

__all__ = [
    "Attachment",
    "Ballot",
    "BallotLine",
    "PaperVoter",
    "PollingStation",
    "VotingCode",
    "VotingCodeBatch",
    "Campaign",
    "Category",
    "Flag",
    "Instruction",
    "ModerationAction",
    "PhaseSchedule",
    "PhaseTransition",
    "Profile",
    "Proposal",
    "ProposalAdjustment",
    "Service",
    "Support",
]
