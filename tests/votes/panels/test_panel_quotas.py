"""The quotas editor: quota_set / quota_delete and the team's quotas page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.votes.panels.factories import facilitator, make_quota, panel_campaign
from votes.panels import services as panels
from votes.panels.models import Quota

pytestmark = pytest.mark.django_db


def _set(campaign, attribute="gender", value="femme", minimum=1, maximum=2):
    return panels.quota_set(
        campaign=campaign,
        attribute=attribute,
        value=value,
        minimum=minimum,
        maximum=maximum,
        today=timezone.localdate(),
    )


def quotas_url(campaign):
    return reverse("votes:panel_quotas", kwargs={"slug": campaign.slug})


def test_labels_and_codes_are_both_accepted():
    campaign = panel_campaign()
    quota, warnings = _set(campaign, value="  FEMME ", minimum=3, maximum=3)
    assert (quota.value, quota.minimum, quota.maximum, warnings) == ("woman", 3, 3, [])
    quota, _warnings = _set(campaign, attribute="age_band", value="18 – 24")
    assert quota.value == "18-24"
    quota, _warnings = _set(campaign, attribute="occupation", value="employés")
    assert quota.value == "5"


def test_setting_a_quota_again_changes_it():
    campaign = panel_campaign()
    _set(campaign, value="woman", minimum=1, maximum=1)
    assert Quota.objects.get(campaign=campaign, value="woman").maximum == 1


def test_an_area_takes_the_pools_spelling():
    campaign = panel_campaign()
    quota, warnings = _set(campaign, attribute="area", value="nord")
    assert (quota.value, warnings) == ("Nord", [])


def test_a_value_nobody_has_is_saved_with_a_warning():
    campaign = panel_campaign()
    quota, warnings = _set(campaign, attribute="area", value="Les Prés")
    assert quota.pk
    assert warnings == [
        "Aucun volontaire du vivier n'a la valeur « Les Prés » pour « Commune ou quartier » : "
        "vérifiez l'orthographe."
    ]


def test_an_unknown_value_is_refused():
    campaign = panel_campaign()
    with pytest.raises(ValidationError) as caught:
        _set(campaign, value="licorne")
    assert caught.value.message_dict["value"] == [
        "« licorne » n'est pas une valeur de ce critère (femme, homme, autre)."
    ]
    assert Quota.objects.filter(campaign=campaign).count() == 2


def test_a_minimum_over_the_maximum_is_refused():
    campaign = panel_campaign()
    with pytest.raises(ValidationError) as caught:
        _set(campaign, value="autre", minimum=3, maximum=2)
    assert caught.value.message_dict["maximum"] == [
        "Le maximum doit être supérieur ou égal au minimum."
    ]
    assert not Quota.objects.filter(value="other").exists()


def test_the_page_lists_quotas_with_their_pool_counts(client):
    campaign = panel_campaign(women=3)
    client.force_login(facilitator())
    response = client.get(quotas_url(campaign))
    assert response.status_code == 200
    assert response.context["quotas"][1]["label"] == "Femme"
    assert response.context["quotas"][1]["pool"] == 3


def test_the_form_adds_a_quota_and_warns_in_the_htmx_partial(client):
    campaign = panel_campaign()
    client.force_login(facilitator())
    data = {"attribute": "area", "value": "Ouest", "minimum": "1", "maximum": "2"}
    response = client.post(quotas_url(campaign), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="quotas-zone"')
    assert "Aucun volontaire du vivier n&#x27;a la valeur « Ouest »" in html
    assert Quota.objects.filter(campaign=campaign, value="Ouest").exists()


def test_an_invalid_form_is_shown_again_and_nothing_is_written(client):
    campaign = panel_campaign()
    client.force_login(facilitator())
    data = {"attribute": "gender", "value": "autre", "minimum": "3", "maximum": "1"}
    response = client.post(quotas_url(campaign), data)
    assert response.status_code == 400
    assert "Le maximum doit être supérieur ou égal au minimum." in response.content.decode()
    assert not Quota.objects.filter(value="other").exists()
    response = client.post(quotas_url(campaign), {**data, "value": "licorne", "maximum": "4"})
    assert "« licorne » n&#x27;est pas une valeur de ce critère" in response.content.decode()
    assert not Quota.objects.filter(value="licorne").exists()


def test_a_quota_is_removed(client):
    campaign = panel_campaign()
    quota = make_quota(campaign, "area", "Nord", 1, 2)
    client.force_login(facilitator())
    url = reverse("votes:quota_delete", kwargs={"slug": campaign.slug, "pk": quota.pk})
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="quotas-zone"')
    assert not Quota.objects.filter(pk=quota.pk).exists()


def test_without_htmx_the_form_redirects_with_its_warnings(client):
    campaign = panel_campaign()
    client.force_login(facilitator())
    data = {"attribute": "area", "value": "Ouest", "minimum": "1", "maximum": "2"}
    response = client.post(quotas_url(campaign), data, follow=True)
    assert response.redirect_chain[-1][0] == quotas_url(campaign)
    assert "Aucun volontaire du vivier n&#x27;a la valeur « Ouest »" in response.content.decode()


def test_a_quota_of_another_campaign_is_not_found(client):
    other = make_quota(panel_campaign(), "area", "Nord", 1, 2)
    campaign = panel_campaign()
    client.force_login(facilitator())
    url = reverse("votes:quota_delete", kwargs={"slug": campaign.slug, "pk": other.pk})
    assert client.post(url).status_code == 404
    assert Quota.objects.filter(pk=other.pk).exists()
