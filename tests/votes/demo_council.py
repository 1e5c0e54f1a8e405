"""The demo campaign taken to the council, as `make run` loads it and an administrator would
move it on: the files the print layout tests print are the demo's own."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from budget.roles import ADMINISTRATOR
from fixtures import demo_campaign as data
from tests.factories import make_user
from tests.votes.results.test_results_services import cast
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import campaign_move, council_send, next_phase
from votes.council.models import CouncilSnapshot
from votes.proposals.models import Proposal
from votes.voting.closing import station_close
from votes.voting.models import PollingStation


def demo_campaign() -> Campaign:
    """The demo's campaign, in instruction as `load_demo_campaign` leaves it."""
    for command in ("load_demo", "load_demo_campaign"):
        call_command(command, stdout=StringIO(), stderr=StringIO())
    return Campaign.objects.get(slug=data.SLUG)


def demo_at_council() -> tuple[Campaign, CouncilSnapshot]:
    """The demo campaign voted on (a ballot per proposal on the ballot, and one for the lot),
    tallied and sent to the council."""
    campaign = demo_campaign()
    admin = make_user(roles=(ADMINISTRATOR,))
    while campaign.phase != Phase.TALLY:
        phase = next_phase(campaign)
        campaign_move(campaign=campaign, to_phase=phase, by=admin)
        campaign.refresh_from_db()
        if campaign.phase == Phase.VOTING:
            ballot = list(Proposal.objects.filter(campaign=campaign).on_ballot())
            for index, proposal in enumerate(ballot):
                for _copy in range(index % 4 + 1):
                    cast(campaign, [proposal])
            cast(campaign, ballot)
            for station in PollingStation.objects.filter(campaign=campaign):
                station_close(station=station, by=admin)
    snapshot = council_send(campaign=campaign, by=admin)
    campaign.refresh_from_db()
    return campaign, snapshot
