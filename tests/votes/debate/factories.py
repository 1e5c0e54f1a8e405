"""A campaign open to the debate, its people, and comments written through the service."""

from __future__ import annotations

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.debate.models import Comment
from votes.debate.services import comment_create


class Debate:
    """A proposal in the proposals phase, its author, a reader who comments, a moderator."""

    def __init__(self, *, phase: str = Phase.PROPOSALS, tag: str = "", **campaign_fields) -> None:
        self.campaign = make_campaign(phase=phase, **campaign_fields)
        self.commune = make_commune(self.campaign.authority)
        self.author = make_voter(
            commune=self.commune, pseudonym=f"autrice{tag}", email=f"a{tag}@exemple.fr"
        )
        self.reader = make_voter(
            commune=self.commune, pseudonym=f"lecteur{tag}", email=f"l{tag}@exemple.fr"
        )
        self.moderator = make_user(username=f"moderatrice{tag}", roles=("moderator",))
        self.proposal = make_proposal(self.campaign, author=self.author, title="Des bancs")

    @property
    def url(self) -> str:
        return self.proposal.get_absolute_url()

    def comment(self, body: str = "Bonne idée.", *, by=None, parent=None, **fields) -> Comment:
        return comment_create(
            proposal=self.proposal, author=by or self.reader, body=body, parent=parent, **fields
        )
