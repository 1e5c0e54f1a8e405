from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from simulator.models import Scenario
from tests.factories import make_authority, make_budget
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.accounts.models import Profile
from votes.accounts.services import account_delete
from votes.proposals.models import Flag, ModerationAction, Proposal, Support

pytestmark = pytest.mark.django_db

URL = "/compte/supprimer/"
PASSWORD = "mot-de-passe-solide-42"  # make_user's


@pytest.fixture
def world():
    authority = make_authority()
    commune = make_commune(authority)
    campaign = make_campaign(authority=authority)
    voter = make_voter(commune=commune, pseudonym="jeanne")
    other = make_voter(commune=commune, pseudonym="paul")
    mine = make_proposal(campaign, author=voter, title="Éteindre l'éclairage à 23 h")
    theirs = make_proposal(campaign, author=other)
    Support.objects.create(proposal=theirs, user=voter)
    Support.objects.create(proposal=mine, user=other)
    Flag.objects.create(proposal=theirs, user=voter, reason="Doublon")
    budget = make_budget(authority=authority, year=2027)
    Scenario.objects.create(budget=budget, owner=voter, title="Plan A")
    Scenario.objects.create(budget=budget, owner=voter, title="Plan B")
    Scenario.objects.create(budget=budget, owner=other, title="Plan de Paul")
    return {"voter": voter, "other": other, "mine": mine, "theirs": theirs}


def _untouched(world) -> None:
    voter = world["voter"]
    assert User.objects.filter(pk=voter.pk).exists()
    assert Profile.objects.filter(user=voter).exists()
    assert Scenario.objects.filter(owner=voter).count() == 2
    assert Support.objects.filter(user=voter).count() == 1
    assert Flag.objects.filter(user=voter).count() == 1
    assert Proposal.objects.get(pk=world["mine"].pk).author == voter


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for response in (client.get(URL), client.post(URL, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={URL}"


def test_the_page_says_what_deletion_does(client, world):
    client.force_login(world["voter"])

    content = client.get(URL).content.decode()

    assert "vos 2 scénarios enregistrés sont supprimés" in content
    assert "votre proposition reste publiée, signée « compte supprimé »" in content
    assert "vos soutiens et vos signalements sont retirés" in content
    assert 'name="password"' in content


def test_the_page_leaves_out_what_the_citizen_does_not_have(client):
    client.force_login(make_voter(outside_territory=True))

    page = client.get(URL).content.decode()
    # The navigation links to "Mes scénarios" on every page: look at the page's own content.
    content = page[page.index('<main id="contenu"') : page.index("</main>")]

    assert "scénario" not in content
    assert "compte supprimé" not in content
    assert "votre compte, votre adresse e-mail et votre profil" in content


def test_deleting_removes_the_account_and_keeps_the_proposals(client, world):
    voter = world["voter"]
    client.force_login(voter)

    response = client.post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/compte/supprime/"
    assert not User.objects.filter(pk=voter.pk).exists()
    assert not Profile.objects.filter(pseudonym="jeanne").exists()
    assert list(Scenario.objects.values_list("title", flat=True)) == ["Plan de Paul"]
    assert Support.objects.count() == 1  # Paul's support of the kept proposal
    assert Flag.objects.count() == 0
    mine = Proposal.objects.get(pk=world["mine"].pk)
    assert mine.author is None
    assert mine.title == "Éteindre l'éclairage à 23 h"
    assert mine.author_display == "compte supprimé"
    assert Proposal.objects.get(pk=world["theirs"].pk).author == world["other"]
    assert "_auth_user_id" not in client.session


def test_the_confirmation_page_is_shown_after_deletion(client, world):
    client.force_login(world["voter"])

    response = client.post(URL, {"password": PASSWORD}, follow=True)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Votre compte est supprimé" in content
    assert "signées « compte supprimé »" in content


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pas-le-bon", "Mot de passe incorrect : le compte n&#x27;a pas été supprimé."),
        ("", "Saisissez votre mot de passe pour confirmer."),
    ],
)
def test_it_refuses_without_the_right_password(client, world, password, message):
    client.force_login(world["voter"])

    response = client.post(URL, {"password": password})

    assert response.status_code == 200
    assert message in response.content.decode()
    _untouched(world)
    assert "_auth_user_id" in client.session


def test_a_moderator_with_decisions_on_record_cannot_delete_themselves(client, world):
    voter = world["voter"]
    ModerationAction.objects.create(
        proposal=world["theirs"], moderator=voter, action="hide", reason="Injurieux"
    )
    client.force_login(voter)

    response = client.post(URL, {"password": PASSWORD})

    assert response.status_code == 200
    assert "restent au registre" in response.content.decode()
    _untouched(world)
    assert ModerationAction.objects.get().moderator == voter


def test_the_service_refuses_cleanly_when_records_name_the_user(world):
    voter = world["voter"]
    ModerationAction.objects.create(
        proposal=world["theirs"], moderator=voter, action="hide", reason="Injurieux"
    )

    with pytest.raises(ValidationError) as caught:
        account_delete(user=voter)

    assert "demandez à l'administrateur de la plateforme" in caught.value.messages[0]
    _untouched(world)
