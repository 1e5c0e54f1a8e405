"""The phase panel: next phase with a confirmation, back with a reason, the transition log."""

from __future__ import annotations

import re

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(username="mission-participation", roles=(ADMINISTRATOR,))


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def base(campaign: Campaign) -> str:
    return f"/gestion/campagnes/{campaign.slug}/"


def phase_in_db(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).phase


def test_the_panel_names_the_next_phase(admin_client):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=False)

    content = admin_client.get(base(campaign)).content.decode()

    assert "Passer à la phase suivante : Instruction par les services" in content
    assert "Revenir à une phase antérieure" in content


def test_the_confirmation_page_then_the_move(admin_client, admin):
    campaign = make_campaign(phase=Phase.FRAMING)

    confirm = admin_client.get(base(campaign) + "phase/suivante/").content.decode()
    assert "Confirmer : passer à la phase « Dépôt des propositions »" in confirm
    assert phase_in_db(campaign) == Phase.FRAMING

    response = admin_client.post(base(campaign) + "phase/suivante/", {"to_phase": "proposals"})

    assert response.status_code == 302
    assert phase_in_db(campaign) == Phase.PROPOSALS
    transition = PhaseTransition.objects.get()
    assert (transition.by, transition.from_phase, transition.to_phase) == (
        admin,
        Phase.FRAMING,
        Phase.PROPOSALS,
    )


def test_leaving_draft_shows_what_is_missing_and_no_button(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT, framing="")

    content = admin_client.get(base(campaign) + "phase/suivante/").content.decode()

    assert "Ce passage n'est pas encore possible" in content
    assert "Créez au moins une rubrique" in content
    assert "Rédigez le contrat participatif" in content
    assert 'name="to_phase"' not in content


def test_a_draft_going_public_is_announced(admin_client):
    campaign = make_campaign(phase=Phase.DRAFT, framing="Les règles.")
    make_category(campaign)

    content = admin_client.get(base(campaign) + "phase/suivante/").content.decode()

    assert "La campagne sort du brouillon" in content


def test_a_refused_move_is_shown_on_the_panel_and_nothing_is_written(admin_client):
    campaign = make_campaign(phase=Phase.FRAMING)

    response = admin_client.post(base(campaign) + "phase/suivante/", {"to_phase": "instruction"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Le changement de phase a été refusé" in content
    assert "Une campagne avance d&#x27;une phase à la fois" in content
    assert phase_in_db(campaign) == Phase.FRAMING
    assert not PhaseTransition.objects.exists()


def test_going_back_without_a_reason_is_refused_in_place(admin_client):
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    response = admin_client.post(
        base(campaign) + "phase/retour/", {"to_phase": "proposals", "reason": "  "}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez le motif du retour en arrière" in content
    assert re.search(r"<details open>\s*<summary>Revenir à une phase antérieure", content)
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()


def test_the_back_form_offers_only_earlier_phases_of_the_campaign(admin_client):
    campaign = make_campaign(phase=Phase.INSTRUCTION, supports_enabled=False)

    content = admin_client.get(base(campaign)).content.decode()
    select = re.search(r'<select name="to_phase".*?</select>', content, re.S).group(0)

    assert re.findall(r'<option value="(\w+)"', select) == ["draft", "framing", "proposals"]


def test_going_to_a_later_phase_through_the_back_form_is_refused(admin_client):
    campaign = make_campaign(phase=Phase.PROPOSALS)

    response = admin_client.post(
        base(campaign) + "phase/retour/", {"to_phase": "voting", "reason": "Plus vite."}
    )

    assert response.status_code == 200
    assert phase_in_db(campaign) == Phase.PROPOSALS
    assert not PhaseTransition.objects.exists()


def test_going_back_with_a_reason_is_recorded_and_listed(admin_client, admin):
    campaign = make_campaign(phase=Phase.FRAMING)
    campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin)

    response = admin_client.post(
        base(campaign) + "phase/retour/",
        {"to_phase": "framing", "reason": "Le calendrier était faux."},
    )

    assert response.status_code == 302
    assert phase_in_db(campaign) == Phase.FRAMING
    log = admin_client.get(base(campaign)).content.decode()
    table = re.search(
        r"<caption>Historique des changements de phase</caption>(.*?)</table>", log, re.S
    ).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    assert len(rows) == 2
    assert "mission-participation" in rows[1]
    assert "Dépôt des propositions" in rows[1] and "Contrat participatif" in rows[1]
    assert "Le calendrier était faux." in rows[1]
    assert "retour" in rows[1]


def test_the_move_to_council_says_it_freezes_the_campaign(admin_client):
    campaign = make_campaign(phase=Phase.TALLY)
    make_category(campaign)

    content = admin_client.get(base(campaign) + "phase/suivante/").content.decode()

    assert "Transmettre au conseil fige la campagne" in content
    assert f"/gestion/campagnes/{campaign.slug}/conseil/" in content


def test_no_way_back_is_offered_once_the_results_went_to_the_council(admin_client):
    campaign = make_campaign(phase=Phase.COUNCIL)
    make_category(campaign)

    content = admin_client.get(base(campaign)).content.decode()

    assert "Revenir à une phase antérieure" not in content
