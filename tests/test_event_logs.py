"""The events that matter each write one log line, when their transaction commits, with ids,
slugs and counts: no e-mail, no name, no code."""

from __future__ import annotations

import logging

import pytest

from budget.events import log_event
from budget.imports import views as backoffice
from budget.roles import ADMINISTRATOR, FINANCE
from tests.budget.test_backoffice_import import CONFIRM_URL, URL, good_file, upload
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator, ready_campaign
from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from tests.votes.voting.test_ballots_receipt import on_ballot
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_codes_services import voting_campaign
from tests.votes.voting.test_paper_services import person, station_with_officer
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import campaign_move, council_send
from votes.voting.ballots import ballot_add
from votes.voting.codes import code_ballot_confirm, code_check
from votes.voting.paper import paper_ballot_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(caplog, django_capture_on_commit_callbacks):
    """The event records written, once the test's transaction-level callbacks have run."""
    caplog.set_level(logging.INFO)

    def collected(action) -> list[logging.LogRecord]:
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return [record for record in caplog.records if hasattr(record, "event")]

    return collected


def test_an_online_vote_is_logged_with_its_campaign_and_channel(events):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    voter = make_voter(commune=make_commune(campaign.authority), email="jeanne@example.org")
    proposal = on_ballot(campaign, make_category(campaign), "Piscine")

    (record,) = events(lambda: ballot_add(campaign=campaign, user=voter, proposal=proposal))

    assert record.event == "vote_recorded"
    assert (record.campaign, record.channel, record.action) == (campaign.slug, "online", "add")
    assert record.proposal == proposal.reference
    assert "jeanne@example.org" not in str(vars(record))


def test_a_voting_code_used_is_logged_by_batch_never_by_code(events):
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    checked = code_check(campaign=campaign, raw=code)

    used, voted = events(lambda: code_ballot_confirm(code=checked, choices=[1]))

    assert (used.event, used.campaign, used.batch) == ("code_used", campaign.slug, checked.batch_id)
    assert (voted.event, voted.channel, voted.choices) == ("vote_recorded", "code", 1)
    assert code.replace("-", "") not in str(vars(used)) + str(vars(voted))


def test_a_paper_ballot_is_logged_without_the_voters_name(events):
    station, officer = station_with_officer()
    voter = person(station.campaign, name="Jeanne Martin")

    (record,) = events(
        lambda: paper_ballot_record(station=station, officer=officer, references=[1], voter=voter)
    )

    assert (record.event, record.channel, record.station) == ("vote_recorded", "paper", station.pk)
    assert record.void is False
    assert "Jeanne" not in str(vars(record))


def test_a_phase_change_is_logged(events):
    campaign = make_campaign(phase=Phase.FRAMING)
    admin = make_user(roles=(ADMINISTRATOR,))

    (record,) = events(lambda: campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin))

    assert record.event == "phase_changed"
    assert (record.campaign, record.from_phase, record.to_phase) == (
        campaign.slug,
        Phase.FRAMING,
        Phase.PROPOSALS,
    )
    assert (record.backward, record.by) == (False, admin.pk)


def test_a_refused_move_logs_nothing(events):
    campaign = make_campaign(phase=Phase.FRAMING)

    def refused():
        with pytest.raises(Exception):  # noqa: B017 - a citizen may not move a campaign
            campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=make_user())

    assert events(refused) == []


def test_the_council_snapshot_is_logged_with_its_fingerprint(events):
    s = ready_campaign()

    records = events(lambda: council_send(campaign=s.campaign, by=administrator()))

    frozen = next(record for record in records if record.event == "snapshot_frozen")
    assert frozen.campaign == s.campaign.slug
    assert len(frozen.sha256) == 64
    assert {record.event for record in records} >= {"phase_changed", "snapshot_frozen"}


def test_a_confirmed_budget_import_is_logged(client, events, settings, tmp_path):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    client.force_login(make_user(roles=(FINANCE,)))
    client.post(URL, {"file": upload(good_file())})
    token = client.session[backoffice.IMPORT_KEY]["token"]

    records = events(lambda: client.post(CONFIRM_URL, {"token": token}))

    (record,) = [record for record in records if record.event == "import_confirmed"]
    assert (record.kind, record.lines, record.lines_created) == ("budget", 25, 25)


def test_an_event_field_named_like_a_log_attribute_is_refused_before_the_commit():
    with pytest.raises(ValueError, match="created"):
        log_event(logging.getLogger("votes"), "import_confirmed", created=3)
