"""Where Django finds the participation models: each lives in its concept's folder.

Code imports a model from its concept (`votes.campaigns.models`), never from here, so that
this module stays out of every import chain between the concept folders.
"""

from votes.accounts.models import Profile
from votes.agenda.models import Event, Registration
from votes.campaigns.models import Campaign, Category, PhaseSchedule, PhaseTransition
from votes.census.models import CensusEntry, CensusList
from votes.council.models import CouncilAnswer, CouncilSnapshot, FollowUp, Milestone
from votes.debate.models import Comment, CommentFlag, CommentModeration
from votes.evaluation.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from votes.guarantor.models import Guarantor, GuarantorRemark
from votes.instruction.models import Instruction, Service
from votes.notifications.models import Follow, Preferences, Sent
from votes.panels.models import PanelDraw, Quota, Volunteer
from votes.proposals.models import (
    Attachment,
    Flag,
    ModerationAction,
    Proposal,
    ProposalAdjustment,
    Support,
)
from votes.scope.models import CampaignRole
from votes.training.models import TrainingCompletion, TrainingPage, TrainingQuestion
from votes.voting.models import (
    Ballot,
    BallotLine,
    PaperVoter,
    PollingStation,
    VotingCode,
    VotingCodeBatch,
)
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal

__all__ = [
    "Attachment",
    "Ballot",
    "BallotLine",
    "Campaign",
    "CensusEntry",
    "CensusList",
    "CampaignRole",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "EvaluationResponse",
    "Category",
    "Comment",
    "CommentFlag",
    "CommentModeration",
    "CouncilAnswer",
    "CouncilSnapshot",
    "Event",
    "Flag",
    "Follow",
    "FollowUp",
    "GroupArgument",
    "Guarantor",
    "GuarantorRemark",
    "Instruction",
    "Milestone",
    "ModerationAction",
    "PanelDraw",
    "PaperVoter",
    "PhaseSchedule",
    "PhaseTransition",
    "PollingStation",
    "Preferences",
    "Profile",
    "Proposal",
    "ProposalAdjustment",
    "Quota",
    "Registration",
    "Sent",
    "Service",
    "Support",
    "TrainingCompletion",
    "TrainingPage",
    "TrainingQuestion",
    "Volunteer",
    "VotingCode",
    "VotingCodeBatch",
    "Workshop",
    "WorkshopGroup",
    "WorkshopProposal",
]
