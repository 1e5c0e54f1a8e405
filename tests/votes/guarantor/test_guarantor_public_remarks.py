"""The remarks on the campaign's public page: dated and signed; nobody edits or hides them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import timezone

from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Phase
from votes.guarantor.models import GuarantorRemark
from votes.guarantor.services import remark_publish

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_each_remark_signed_and_dated(client):
    campaign = make_campaign(phase=Phase.VOTING)
    user = make_guarantor(campaign, title="Garante de la concertation")
    first = remark_publish(campaign=campaign, by=user, text="Le bureau de la mairie a ouvert tard.")
    remark_publish(campaign=campaign, by=user, text="Il a ouvert à 9 h 30.", corrects=first)

    page = client.get(f"/campagnes/{campaign.slug}/").content.decode()

    assert "Le garant de la campagne" in page
    assert "Le bureau de la mairie a ouvert tard." in page
    assert "— Claire Garant, Garante de la concertation, <time" in page
    # The page dates in the site's time zone (Paris): past 23:00 UTC, already the next day.
    assert f"le {timezone.localtime(first.published_at):%d/%m/%Y}" in page
    assert f'<a href="#remarque-{first.pk}">de la remarque du' in page


def test_a_remark_is_escaped(client):
    campaign = make_campaign()
    remark_publish(campaign=campaign, by=make_guarantor(campaign), text="<script>x</script>")

    page = client.get(f"/campagnes/{campaign.slug}/").content.decode()

    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_a_campaign_without_a_guarantor_shows_no_section(client):
    campaign = make_campaign()

    page = client.get(f"/campagnes/{campaign.slug}/").content.decode()

    assert "Le garant de la campagne" not in page


def test_no_url_and_no_admin_edit_or_hide_a_remark():
    # The one remark URL publishes (tested in test_guarantor_remark_view.py); none takes a
    # remark to change, and the Django admin shows them read-only, even to a superuser.
    remark_urls = [
        name for name in _all_url_names() if "remark" in name and not name.startswith("admin:")
    ]
    model_admin = admin.site._registry[GuarantorRemark]
    request = RequestFactory().get("/")
    request.user = make_user(is_staff=True, is_superuser=True)

    assert remark_urls == ["votes:guarantor_remark"]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)


def test_deleting_the_campaign_is_refused_while_it_has_remarks():
    from django.db.models import ProtectedError

    campaign = make_campaign()
    remark_publish(campaign=campaign, by=make_guarantor(campaign), text="Noté.")

    with pytest.raises(ProtectedError):
        campaign.delete()

    assert GuarantorRemark.objects.count() == 1


def _all_url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _all_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name
