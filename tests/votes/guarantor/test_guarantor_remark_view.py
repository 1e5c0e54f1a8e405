from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.guarantor.factories import make_guarantor
from votes.guarantor.models import GuarantorRemark
from votes.guarantor.services import remark_publish

pytestmark = pytest.mark.django_db


def test_the_guarantor_publishes_and_lands_on_the_dashboard(client):
    campaign = make_campaign()
    client.force_login(make_guarantor(campaign))

    response = client.post(f"/garant/{campaign.slug}/remarque/", {"text": "Vote régulier."})

    assert response.status_code == 302
    assert response["Location"] == f"/garant/{campaign.slug}/"
    assert GuarantorRemark.objects.get().text == "Vote régulier."


def test_an_empty_remark_re_renders_with_the_message_and_writes_nothing(client):
    campaign = make_campaign()
    client.force_login(make_guarantor(campaign))

    response = client.post(f"/garant/{campaign.slug}/remarque/", {"text": "  "})

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not GuarantorRemark.objects.exists()


def test_a_correction_of_an_unknown_remark_is_refused(client):
    campaign = make_campaign()
    client.force_login(make_guarantor(campaign))

    response = client.post(
        f"/garant/{campaign.slug}/remarque/", {"text": "Correction.", "corrects": "999"}
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not GuarantorRemark.objects.exists()


def test_a_correction_names_the_remark_it_corrects(client):
    campaign = make_campaign()
    user = make_guarantor(campaign)
    first = remark_publish(campaign=campaign, by=user, text="Deux bureaux.")
    client.force_login(user)

    client.post(
        f"/garant/{campaign.slug}/remarque/", {"text": "Trois bureaux.", "corrects": first.pk}
    )

    assert GuarantorRemark.objects.get(text="Trois bureaux.").corrects == first


def test_an_administrator_cannot_post_a_remark(client):
    campaign = make_campaign()
    make_guarantor(campaign)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(f"/garant/{campaign.slug}/remarque/", {"text": "Au nom du garant."})

    assert response.status_code == 403
    assert not GuarantorRemark.objects.exists()


def test_the_form_says_a_remark_is_final(client):
    campaign = make_campaign()
    client.force_login(make_guarantor(campaign))

    page = client.get(f"/garant/{campaign.slug}/remarque/").content.decode()

    assert "ne se modifie ni ne se retire" in page
