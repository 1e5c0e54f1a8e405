"""The named reads of ballots (votes.voting.models), on small built data."""

from __future__ import annotations

import pytest

from tests.votes.factories import make_campaign
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


def test_valid_and_void_split_the_ballots():
    campaign = make_campaign()
    online = Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.ONLINE)
    paper = Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.PAPER)
    void = Ballot.objects.create(
        campaign=campaign, channel=Ballot.Channel.PAPER, is_void=True, void_reason="Raturé"
    )
    Ballot.objects.create(campaign=make_campaign(), channel=Ballot.Channel.ONLINE)

    assert set(campaign.ballots.valid()) == {online, paper}
    assert list(campaign.ballots.void()) == [void]
    assert list(campaign.ballots.filter(channel=Ballot.Channel.PAPER).valid()) == [paper]
