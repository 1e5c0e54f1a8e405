from __future__ import annotations

import html
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from simulator.models import Scenario
from tests.factories import make_authority, make_budget, make_user
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.accounts.models import Profile
from votes.accounts.services import account_update_profile
from votes.proposals.models import Flag, Support

pytestmark = pytest.mark.django_db

URL = "/compte/mes-donnees/"
JSON_URL = "/compte/mes-donnees.json"


@pytest.fixture
def territory():
    authority = make_authority(name="Montargis")
    return (
        authority,
        make_commune(authority, name="Montargis"),
        make_commune(authority, name="Amilly"),
    )


@pytest.fixture
def voter(territory):
    _, montargis, _ = territory
    return make_voter(
        commune=montargis,
        username="jeanne@example.org",
        email="jeanne@example.org",
        pseudonym="jeanne",
        birth_year=1984,
        gender=Profile.Gender.WOMAN,
        confirmed=False,
    )


def _form(commune, **overrides) -> dict:
    data = {
        "pseudonym": "jeanne",
        "residence": str(commune.pk),
        "gender": "woman",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("url", [URL, JSON_URL])
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


def test_the_page_shows_the_account_and_the_profile(client, voter):
    client.force_login(voter)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "jeanne@example.org" in content
    assert 'value="jeanne"' in content
    assert "non confirmée" in content
    assert 'action="/compte/confirmer/renvoyer/"' in content
    assert f'href="{JSON_URL}"' in content
    assert 'href="/compte/supprimer/"' in content


def test_a_team_account_without_profile_sees_its_account_only(client):
    client.force_login(make_user(email="agent@example.org"))

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "pas de profil citoyen" in content
    assert 'name="pseudonym"' not in content


# --- profile changes ------------------------------------------------------------------------


def test_a_citizen_changes_their_profile(client, voter, territory):
    _, _, amilly = territory
    client.force_login(voter)

    response = client.post(
        URL, _form(amilly, pseudonym="jeanne_m", gender="unsaid", notify_results="on")
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    profile = Profile.objects.get(user=voter)
    assert profile.pseudonym == "jeanne_m"
    assert profile.commune == amilly
    assert profile.gender == Profile.Gender.UNSAID
    assert profile.notify_results is True
    assert profile.birth_year == 1984


def test_a_citizen_moves_outside_the_territory(client, voter, territory):
    _, montargis, _ = territory
    client.force_login(voter)

    client.post(URL, _form(montargis, residence="outside"))

    profile = Profile.objects.get(user=voter)
    assert profile.commune is None
    assert profile.outside_territory is True


def test_htmx_gets_the_form_back_with_a_confirmation(client, voter, territory):
    _, _, amilly = territory
    client.force_login(voter)

    response = client.post(URL, _form(amilly), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<form method="post"')
    assert "<html" not in content
    assert "Vos modifications sont enregistrées." in content
    assert Profile.objects.get(user=voter).commune == amilly


def test_a_citizen_may_change_the_case_of_their_own_pseudonym(client, voter, territory):
    _, montargis, _ = territory
    client.force_login(voter)

    client.post(URL, _form(montargis, pseudonym="Jeanne"))

    assert Profile.objects.get(user=voter).pseudonym == "Jeanne"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pseudonym": "jo"}, "Le pseudonyme doit faire de 3 à 40 caractères"),
        ({"pseudonym": "jeanne@example.org"}, "n'y mettez pas d'adresse e-mail"),
        ({"pseudonym": "PAUL"}, "Ce pseudonyme est déjà pris : choisissez-en un autre."),
        ({"residence": ""}, "Indiquez votre commune de résidence"),
        ({"residence": "999999"}, "Choisissez votre commune de résidence dans la liste"),
        ({"gender": "robot"}, "Choisissez une des réponses proposées."),
    ],
)
def test_it_refuses_a_bad_change_and_keeps_the_profile(
    client, voter, territory, overrides, message
):
    _, montargis, amilly = territory
    make_voter(commune=montargis, pseudonym="paul")
    client.force_login(voter)

    response = client.post(URL, _form(amilly, notify_results="on", **overrides))

    assert response.status_code == 200
    assert html.escape(message) in response.content.decode()
    profile = Profile.objects.get(user=voter)
    assert (profile.pseudonym, profile.commune, profile.notify_results) == (
        "jeanne",
        montargis,
        False,
    )


def test_a_team_account_without_profile_cannot_post_a_profile(client):
    user = make_user()
    client.force_login(user)

    response = client.post(URL, {"pseudonym": "agent", "residence": "outside"})

    assert response.status_code == 200
    assert not Profile.objects.filter(user=user).exists()


def test_the_service_refuses_both_a_commune_and_outside(voter, territory):
    _, montargis, amilly = territory

    with pytest.raises(ValidationError) as caught:
        account_update_profile(
            user=voter, pseudonym="jeanne", commune=amilly, outside_territory=True
        )

    assert caught.value.message_dict["residence"] == [
        "Choisissez soit une commune, soit « Je n'habite pas sur le territoire », pas les deux."
    ]
    assert Profile.objects.get(user=voter).commune == montargis


def test_the_service_refuses_a_commune_of_another_authority(voter, territory):
    authority, montargis, _ = territory
    paron = make_commune(make_authority(name="Sens"), name="Paron")

    with pytest.raises(ValidationError) as caught:
        account_update_profile(
            user=voter,
            pseudonym="jeanne",
            commune=paron,
            outside_territory=False,
            authority=authority,
        )

    assert caught.value.message_dict["residence"] == [
        "La commune Paron ne fait pas partie du territoire de Montargis."
    ]
    assert Profile.objects.get(user=voter).commune == montargis


# --- the JSON download ----------------------------------------------------------------------


@pytest.fixture
def activity(voter, territory):
    """Everything a citizen can leave behind, and the same for somebody else."""
    authority, montargis, _ = territory
    campaign = make_campaign(authority=authority, title="Budget 2027")
    mine = make_proposal(
        campaign, author=voter, title="Éteindre l'éclairage à 23 h", estimate=Decimal("12000")
    )
    theirs_author = make_voter(commune=montargis, pseudonym="paul")
    theirs = make_proposal(campaign, author=theirs_author, title="Fermer la piscine le lundi")
    Support.objects.create(proposal=theirs, user=voter)
    Support.objects.create(proposal=mine, user=theirs_author)
    Flag.objects.create(proposal=theirs, user=voter, reason="Doublon de P-0001")
    budget = make_budget(authority=authority, year=2027)
    scenario = Scenario.objects.create(budget=budget, owner=voter, title="Plan sobriété")
    Scenario.objects.create(budget=budget, owner=theirs_author, title="Plan de Paul")
    return {"mine": mine, "theirs": theirs, "scenario": scenario}


def test_the_download_holds_everything_about_the_citizen(client, voter, activity):
    client.force_login(voter)

    response = client.get(JSON_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == ('attachment; filename="mes-donnees-arbitrages.json"')
    data = json.loads(response.content)
    assert data["account"]["username"] == "jeanne@example.org"
    assert data["account"]["email"] == "jeanne@example.org"
    assert data["account"]["date_joined"]
    assert data["profile"]["pseudonym"] == "jeanne"
    assert data["profile"]["commune"] == {
        "name": "Montargis",
        "insee_code": voter.profile.commune.insee_code,
        "authority": "Montargis",
    }
    assert data["profile"]["outside_territory"] is False
    assert data["profile"]["birth_year"] == 1984
    assert data["profile"]["gender"] == "woman"
    assert data["profile"]["email_confirmed_at"] is None
    assert data["profile"]["consented_at"]
    [proposal] = data["proposals"]
    assert proposal["reference"] == "P-0001"
    assert proposal["campaign"] == "Budget 2027"
    assert proposal["title"] == "Éteindre l'éclairage à 23 h"
    assert proposal["status"] == "published"
    assert proposal["estimate"] == "12000.00"
    assert proposal["created_at"] and proposal["updated_at"]
    [support] = data["supports"]
    assert (support["reference"], support["title"]) == ("P-0002", "Fermer la piscine le lundi")
    [flag] = data["flags"]
    assert (flag["reference"], flag["reason"]) == ("P-0002", "Doublon de P-0001")
    [scenario] = data["scenarios"]
    assert scenario["title"] == "Plan sobriété"
    assert scenario["share_token"] == str(activity["scenario"].share_token)
    assert scenario["updated_at"]


def test_the_download_is_readable_french(client, voter, activity):
    client.force_login(voter)

    content = client.get(JSON_URL).content.decode()

    # Accents written as such, not as \u escapes, for a person reading the file.
    assert "Éteindre l'éclairage" in content


def test_a_team_account_downloads_its_account_without_profile(client):
    user = make_user(email="agent@example.org")
    client.force_login(user)

    data = client.get(JSON_URL).json()

    assert data["account"]["email"] == "agent@example.org"
    assert data["profile"] is None
    assert data["proposals"] == data["supports"] == data["flags"] == data["scenarios"] == []


def test_json_download_only_answers_get(client, voter):
    client.force_login(voter)

    assert client.post(JSON_URL).status_code == 405
