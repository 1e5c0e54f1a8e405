"""Campaigns, accounts, proposals and their instruction (one module per concept)."""

from .accounts import Profile
from .ballots import Ballot, BallotLine, PaperVoter, PollingStation, VotingCode, VotingCodeBatch
from .campaigns import Campaign, Category, PhaseSchedule, PhaseTransition
from .council import CouncilAnswer, CouncilSnapshot, FollowUp, Milestone
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
    "CouncilAnswer",
    "CouncilSnapshot",
    "FollowUp",
    "Milestone",
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
