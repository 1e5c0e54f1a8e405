"""The calendar: phase_schedule_set, campaign_schedule_set and its management form."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from votes.campaigns.models import Phase, PhaseSchedule
from votes.campaigns.services import campaign_schedule_set, phase_schedule_set

pytestmark = pytest.mark.django_db


def planned(campaign) -> dict[str, tuple]:
    return {row.phase: (row.starts_on, row.ends_on) for row in campaign.schedule.all()}


def test_it_sets_then_moves_the_dates_of_a_phase():
    campaign = make_campaign()

    phase_schedule_set(
        campaign=campaign,
        phase=Phase.PROPOSALS,
        starts_on=date(2026, 9, 21),
        ends_on=date(2026, 10, 25),
    )
    phase_schedule_set(
        campaign=campaign,
        phase=Phase.PROPOSALS,
        starts_on=date(2026, 9, 28),
        ends_on=date(2026, 11, 1),
    )

    assert planned(campaign) == {Phase.PROPOSALS: (date(2026, 9, 28), date(2026, 11, 1))}


def test_a_phase_may_have_only_a_start():
    campaign = make_campaign()

    phase_schedule_set(
        campaign=campaign, phase=Phase.ANSWERED, starts_on=date(2026, 12, 23), ends_on=None
    )

    assert planned(campaign) == {Phase.ANSWERED: (date(2026, 12, 23), None)}


def test_no_dates_remove_the_phase_from_the_timeline():
    campaign = make_campaign()
    PhaseSchedule.objects.create(campaign=campaign, phase=Phase.VOTING, starts_on=date(2026, 12, 5))

    phase_schedule_set(campaign=campaign, phase=Phase.VOTING, starts_on=None, ends_on=None)

    assert planned(campaign) == {}


def test_it_refuses_an_end_before_the_start():
    campaign = make_campaign()

    with pytest.raises(ValidationError) as caught:
        phase_schedule_set(
            campaign=campaign,
            phase=Phase.VOTING,
            starts_on=date(2026, 12, 18),
            ends_on=date(2026, 12, 5),
        )

    assert caught.value.message_dict["ends_on"] == [
        "« Vote » : la fin (05/12/2026) précède le début (18/12/2026)."
    ]
    assert not PhaseSchedule.objects.exists()


def test_it_refuses_an_unknown_phase():
    with pytest.raises(ValidationError):
        phase_schedule_set(
            campaign=make_campaign(), phase="fin", starts_on=date(2026, 1, 1), ends_on=None
        )

    assert not PhaseSchedule.objects.exists()


def test_the_whole_calendar_is_saved_or_none_of_it():
    campaign = make_campaign()
    admin = make_user(roles=(ADMINISTRATOR,))

    with pytest.raises(ValidationError) as caught:
        campaign_schedule_set(
            campaign=campaign,
            by=admin,
            dates=[
                (Phase.FRAMING, date(2026, 9, 1), date(2026, 9, 20)),
                (Phase.VOTING, date(2026, 12, 18), date(2026, 12, 5)),
            ],
        )

    assert caught.value.messages == [
        "« Vote » : la fin (05/12/2026) précède le début (18/12/2026)."
    ]
    assert not PhaseSchedule.objects.exists()


def test_only_an_administrator_sets_the_calendar():
    campaign = make_campaign()

    with pytest.raises(PermissionDenied):
        campaign_schedule_set(
            campaign=campaign,
            by=make_user(roles=(INSTRUCTOR,)),
            dates=[(Phase.FRAMING, date(2026, 9, 1), None)],
        )

    assert not PhaseSchedule.objects.exists()


# --- the form on the management page ---------------------------------------------------------


def url(campaign) -> str:
    return f"/gestion/campagnes/{campaign.slug}/calendrier/"


def test_the_management_page_saves_the_calendar(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    campaign = make_campaign(supports_enabled=False)

    response = client.post(
        url(campaign),
        {
            "framing-starts_on": "2026-09-01",
            "framing-ends_on": "2026-09-20",
            "voting-starts_on": "2026-12-05",
            "voting-ends_on": "",
        },
    )

    assert response.status_code == 302
    assert planned(campaign) == {
        Phase.FRAMING: (date(2026, 9, 1), date(2026, 9, 20)),
        Phase.VOTING: (date(2026, 12, 5), None),
    }


def test_the_management_page_shows_a_bad_row_in_place_and_saves_nothing(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    campaign = make_campaign()

    response = client.post(
        url(campaign),
        {
            "framing-starts_on": "2026-09-01",
            "voting-starts_on": "2026-12-18",
            "voting-ends_on": "2026-12-05",
            "tally-starts_on": "pas une date",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "La fin de « Vote » précède son début." in content
    assert "Saisissez une date valide." in content
    assert not PhaseSchedule.objects.exists()


def test_the_calendar_form_has_one_row_per_phase_of_the_campaign(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    without = make_campaign(supports_enabled=False)
    with_supports = make_campaign(supports_enabled=True)

    assert (
        'name="supports-starts_on"'
        not in client.get(f"/gestion/campagnes/{without.slug}/").content.decode()
    )
    content = client.get(f"/gestion/campagnes/{with_supports.slug}/").content.decode()
    assert 'name="supports-starts_on"' in content
    assert 'name="draft-starts_on"' not in content
    assert "Début — Dépôt des propositions" in content
