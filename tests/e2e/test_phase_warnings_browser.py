"""Opening the vote in a real browser while proposals are not instructed or not validated: the
administrator sees them listed with links, confirms, and the campaign is in voting. axe checks
every page visited."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR
from tests.e2e.conftest import PASSWORD, log_in, messages_text, submit, visit
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.instruction.models import Instruction
from votes.proposals.models import Support

pytestmark = pytest.mark.django_db(transaction=True)


def campaign_in_instruction() -> Campaign:
    campaign = make_campaign(
        slug="bp-2026", title="Budget participatif 2026", phase=Phase.INSTRUCTION
    )
    make_category(campaign, name="Cadre de vie")
    ready = make_proposal(campaign, title="Éteindre l'éclairage la nuit")
    make_instruction(ready, validation=Instruction.Validation.VALIDATED)
    make_proposal(campaign, title="Couper le chauffage des écoles")
    submitted = make_proposal(campaign, title="Tondre moins souvent")
    make_instruction(submitted, validation=Instruction.Validation.SUBMITTED)
    return campaign


def test_the_administrator_reads_the_warnings_confirms_and_the_vote_opens(live_server, page):
    campaign = campaign_in_instruction()
    make_user(username="mission", roles=(ADMINISTRATOR,))
    base = live_server.url

    log_in(page, base, "/gestion/campagnes/bp-2026/", username="mission", password=PASSWORD)
    submit(page, page.get_by_role("link", name="Passer à la phase suivante : Vote"))

    warnings = page.locator("#move-warnings")
    text = warnings.inner_text()
    assert "À lire avant de confirmer" in text
    assert "1 proposition(s) publiée(s) ne sont pas instruites" in text
    assert "1 proposition(s) sont instruites mais pas validées" in text
    links = warnings.get_by_role("link")
    assert links.all_inner_texts() == [
        "P-0002 — Couper le chauffage des écoles",
        "P-0003 — Tondre moins souvent",
    ]
    assert links.first.get_attribute("href") == "/gestion/instruction/bp-2026/2/"
    # Nothing has moved yet: reading the warnings is not confirming them.
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.INSTRUCTION

    submit(
        page,
        page.get_by_role("button", name="Confirmer malgré ces points : passer à la phase « Vote »"),
    )

    assert "La campagne est passée en phase « Vote »." in messages_text(page)
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.VOTING
    assert PhaseTransition.objects.filter(to_phase=Phase.VOTING).count() == 1
    # The public page now invites to vote; the warned proposals are simply not on the ballot.
    visit(page, f"{base}/campagnes/bp-2026/")
    assert page.get_by_role("link", name="Voter en ligne").count() == 1


def test_during_the_supports_phase_the_list_shows_each_proposal_against_the_threshold(
    live_server, page
):
    campaign = make_campaign(
        slug="soutiens-2026", phase=Phase.SUPPORTS, supports_enabled=True, supports_threshold=2
    )
    make_category(campaign, name="Cadre de vie")
    over = make_proposal(campaign, title="Des bancs au parc")
    make_proposal(campaign, title="Un composteur partagé")
    for _n in range(2):
        Support.objects.create(proposal=over, user=make_user())

    visit(page, f"{live_server.url}/campagnes/soutiens-2026/propositions/")

    assert (
        "1 proposition sur 2 a atteint le seuil." in page.locator("#supports-standing").inner_text()
    )
    assert page.locator("progress.supports-progress").count() == 2
    assert page.get_by_text("2 soutiens sur 2 requis").count() == 1
