"""The public sign-up form of a campaign's pool (volunteer_register behind it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.votes.factories import make_campaign, make_commune
from tests.votes.panels.factories import make_quota, make_volunteer
from votes.campaigns.models import Phase, PhaseSchedule
from votes.panels import services as panels
from votes.panels.models import Volunteer

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "  Jeanne   Dupont ",
    "email": "Jeanne.Dupont@Example.org",
    "phone": "",
    "gender": "woman",
    "age_band": "25-34",
    "area": "Les Prés",
    "occupation": "5",
    "availability": "Soirs de semaine",
    "consent": "on",
}


def signup_url(campaign):
    return reverse("votes:volunteer_signup", kwargs={"slug": campaign.slug})


def test_a_citizen_joins_the_pool_and_sees_the_confirmation(client):
    campaign = make_campaign()
    response = client.post(signup_url(campaign), GOOD, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "votes:volunteer_thanks", kwargs={"slug": campaign.slug}
    )
    assert "Merci, votre inscription est enregistrée" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert (volunteer.name, volunteer.email, volunteer.area) == (
        "Jeanne Dupont",
        "jeanne.dupont@example.org",
        "Les Prés",
    )
    assert volunteer.source == Volunteer.Source.FORM
    assert volunteer.consented_at is not None


def test_the_retention_date_is_a_year_after_the_campaigns_last_date_and_is_shown(client):
    campaign = make_campaign()
    PhaseSchedule.objects.create(
        campaign=campaign, phase=Phase.VOTING, starts_on=dt.date(2030, 2, 1), ends_on=None
    )
    PhaseSchedule.objects.create(
        campaign=campaign, phase=Phase.ANSWERED, starts_on=dt.date(2030, 6, 30), ends_on=None
    )
    response = client.get(signup_url(campaign))
    assert "jusqu&#x27;au 30 juin 2031" in response.content.decode()
    client.post(signup_url(campaign), GOOD)
    assert Volunteer.objects.get().retain_until == dt.date(2031, 6, 30)


def test_without_a_calendar_it_is_a_year_after_the_sign_up():
    campaign = make_campaign()
    today = dt.date(2028, 2, 29)
    assert panels.retention_date(campaign, today=today) == dt.date(2029, 2, 28)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "Sans votre accord, nous ne pouvons pas vous inscrire au tirage."),
        (
            {"email": "", "phone": ""},
            "Indiquez une adresse e-mail ou un téléphone, pour qu&#x27;on puisse vous prévenir.",
        ),
        ({"email": "jeanne@"}, "Saisissez une adresse e-mail valide, ex. nom@exemple.fr."),
        ({"phone": "appelez-moi"}, "Saisissez un numéro de téléphone, ex. 06 12 34 56 78."),
        ({"gender": "licorne"}, "Sélectionnez un choix valide."),
        ({"age_band": ""}, "Ce champ est obligatoire."),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_inputs_are_shown_again_and_nothing_is_written(client, change, message):
    campaign = make_campaign()
    response = client.post(signup_url(campaign), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Volunteer.objects.exists()


def test_an_email_already_in_the_pool_is_refused(client):
    campaign = make_campaign()
    make_volunteer(campaign, email="jeanne.dupont@example.org")
    response = client.post(signup_url(campaign), GOOD)
    assert response.status_code == 400
    assert "Cette adresse e-mail est déjà inscrite dans le vivier de ce panel." in (
        response.content.decode()
    )
    assert Volunteer.objects.count() == 1


def test_the_same_email_may_join_another_campaigns_pool(client):
    make_volunteer(make_campaign(), email="jeanne.dupont@example.org")
    campaign = make_campaign()
    assert client.post(signup_url(campaign), GOOD).status_code == 302


def test_an_authority_of_several_communes_asks_for_the_commune(client):
    campaign = make_campaign()
    mine = make_commune(campaign.authority, name="Lorme-le-Haut")
    make_commune(campaign.authority, name="Lorme-le-Bas")
    elsewhere = make_commune(make_campaign().authority, name="Ailleurs")
    response = client.post(signup_url(campaign), {**GOOD, "commune": elsewhere.pk})
    assert response.status_code == 400
    assert not Volunteer.objects.exists()
    assert client.post(signup_url(campaign), {**GOOD, "commune": mine.pk}).status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.commune, volunteer.area) == (mine, "Lorme-le-Haut")


def test_area_quotas_make_the_neighbourhood_a_list(client):
    campaign = make_campaign()
    make_quota(campaign, "area", "Centre-bourg", 1, 3)
    response = client.post(signup_url(campaign), {**GOOD, "area": "Mon quartier"})
    assert response.status_code == 400
    assert not Volunteer.objects.exists()
    assert client.post(signup_url(campaign), {**GOOD, "area": "Centre-bourg"}).status_code == 302


def test_a_draft_campaign_has_no_sign_up(client):
    campaign = make_campaign(phase=Phase.DRAFT)
    assert client.get(signup_url(campaign)).status_code == 404
    assert client.post(signup_url(campaign), GOOD).status_code == 404
    assert not Volunteer.objects.exists()


def test_the_service_refuses_without_consent():
    with pytest.raises(ValidationError) as caught:
        panels.volunteer_register(
            campaign=make_campaign(),
            name="Jeanne",
            email="j@example.org",
            gender="woman",
            age_band="25-34",
            area="Centre",
            consent=False,
            now=timezone.now(),
        )
    assert "consent" in caught.value.message_dict
    assert not Volunteer.objects.exists()


def test_a_typed_neighbourhood_takes_the_pools_spelling(client):
    campaign = make_campaign()
    make_volunteer(campaign, area="Les Prés-Hauts")
    client.post(signup_url(campaign), {**GOOD, "area": "les prés hauts"})
    assert Volunteer.objects.latest("pk").area == "Les Prés-Hauts"
