"""The demo shows the guarantor and the accessibility statement (make run)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from budget.accessibility.models import AccessibilityStatement
from votes.campaigns.models import Campaign
from votes.guarantor.models import Guarantor, GuarantorRemark

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_its_guarantor_a_remark_and_the_statement(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=StringIO())
    out = StringIO()
    call_command("load_demo_campaign", stdout=out)
    call_command("load_demo_campaign", stdout=StringIO())  # a second run adds nothing

    campaign = Campaign.objects.get(slug="budget-inverse-2026")
    guarantor = Guarantor.objects.get(campaign=campaign)
    assert guarantor.user.username == "garant-demo"
    assert guarantor.user.groups.count() == 0  # independent: no team role
    remark = GuarantorRemark.objects.get(campaign=campaign)
    assert remark.signed_name == "Claire Dupré"
    assert AccessibilityStatement.objects.current().get_level_display() == "non conforme"
    assert "Garant de la campagne : garant-demo, sur /garant/budget-inverse-2026/" in out.getvalue()
