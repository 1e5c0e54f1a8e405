"""The public "Suites données" page: every proposal with its result and the council's answer,
and the implementation follow-up of the adopted ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_answers_services import answer_all, council_campaign
from tests.votes.council.test_follow_ups_services import answered_campaign
from tests.votes.council.test_follow_ups_views import png_bytes
from tests.votes.factories import make_campaign
from votes.campaigns.models import PHASE_ORDER, Phase
from votes.campaigns.workflow import council_answers_publish
from votes.council.follow_ups import follow_up_set, milestone_add
from votes.council.models import CouncilAnswer, FollowUp
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

TEAM = [FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER]


def url(campaign) -> str:
    return reverse("votes:outcomes", kwargs={"slug": campaign.slug})


def test_the_url_is_named():
    assert reverse("votes:outcomes", kwargs={"slug": "c"}) == "/campagnes/c/suites/"


@pytest.mark.parametrize("phase", [p for p in PHASE_ORDER if p != Phase.ANSWERED])
@pytest.mark.parametrize("roles", [None, (), *[(role,) for role in TEAM]])
def test_it_does_not_exist_before_the_answers_are_published(client, phase, roles):
    campaign = make_campaign(phase=phase)
    if roles is not None:
        client.force_login(make_user(roles=roles))

    assert client.get(url(campaign)).status_code == 404


@pytest.mark.parametrize(
    "phase", [p for p in PHASE_ORDER if p not in (Phase.COUNCIL, Phase.ANSWERED)]
)
def test_administrators_do_not_preview_it_before_the_council_phase(client, phase):
    campaign = make_campaign(phase=phase)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(url(campaign)).status_code == 404


def test_administrators_preview_it_with_a_banner(client):
    c = council_campaign()
    answer_all(c, skip=(5,))
    client.force_login(c.admin)

    body = client.get(url(c.campaign)).content.decode()

    assert "Aperçu" in body
    assert "les avis ne sont pas encore publiés" in body
    assert "Réponse à la proposition 1." in body
    assert "avis à venir" in body
    assert "Label citoyen" not in body


@pytest.mark.parametrize("roles", [None, (), *[(role,) for role in TEAM], (ADMINISTRATOR,)])
def test_it_is_public_once_published(client, roles):
    c = answered_campaign()
    if roles is not None:
        client.force_login(make_user(roles=roles))

    response = client.get(url(c.campaign))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Aperçu" not in body
    assert f"Suites données — {c.campaign.title}" in body


def test_it_shows_every_proposal_with_its_result_and_answer(client):
    c = answered_campaign()

    body = client.get(url(c.campaign)).content.decode()

    for proposal in c.sent:
        assert f'id="{proposal.public_reference}"' in body
        assert f"Réponse à la proposition {proposal.reference}." in body
    assert c.p6.public_reference not in body
    assert '<h2 id="rubrique-1">Sport</h2>' in body
    assert "retenu (5 voix)" in body
    assert "non retenu — sous le seuil" in body
    assert "Adoptée avec modifications" in body
    assert "DEL-2025-042, du 15 décembre 2025" in body


def test_the_answer_is_rendered_as_safe_markdown(client):
    c = council_campaign()
    answer_all(c)
    CouncilAnswer.objects.filter(proposal=c.p1).update(
        answer="**Adoptée** : voir [la délibération](https://example.org/del).\n\n"
        "<script>alert(1)</script>"
    )
    council_answers_publish(campaign=c.campaign, by=c.admin)

    body = client.get(url(c.campaign)).content.decode()

    assert "<strong>Adoptée</strong>" in body
    assert 'href="https://example.org/del"' in body
    assert "<script>alert(1)</script>" not in body


def test_the_adopted_proposals_show_their_follow_up(client):
    c = answered_campaign()
    follow_up_set(proposal=c.p1, by=c.admin, status=FollowUp.Status.IN_PROGRESS, progress=40)
    milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 2), text="Étude lancée.")

    body = client.get(url(c.campaign)).content.decode()

    assert "En cours" in body
    assert (
        '<progress max="100" value="40" aria-labelledby="P-0001-progress-label">40 %</progress>'
    ) in body
    assert '<span id="P-0001-progress-label">Avancement</span>' in body
    assert '<time datetime="2026-03-02">2 mars 2026</time> — Étude lancée.' in body
    assert body.count("Le suivi de réalisation sera publié ici.") == 1  # P-0002, not yet


def test_the_decisions_filter_keeps_one_decision(client):
    c = answered_campaign()

    body = client.get(url(c.campaign), {"decision": "rejected"}).content.decode()

    assert 'id="P-0004"' in body and 'id="P-0005"' in body
    assert 'id="P-0001"' not in body
    assert "2 propositions affichées" in body


def test_an_unknown_filter_shows_everything(client):
    c = answered_campaign()

    body = client.get(url(c.campaign), {"decision": "peut-etre"}).content.decode()

    assert "5 propositions affichées" in body


def test_the_filter_answers_htmx_with_the_list_only(client):
    c = answered_campaign()

    response = client.get(url(c.campaign), {"decision": "adopted"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="outcomes">')
    assert "1 proposition affichée" in body


def test_the_summary_counts_the_decisions(client):
    c = answered_campaign()

    body = client.get(url(c.campaign)).content.decode()

    assert '<span class="label">Rejetée</span><span class="value">2</span>' in body
    assert '<span class="label">Adoptée</span><span class="value">1</span>' in body


def test_a_proposal_hidden_after_the_sending_keeps_its_line_without_a_link(client):
    c = answered_campaign()
    Proposal.objects.filter(pk=c.p4.pk).update(status=Proposal.Status.HIDDEN)

    body = client.get(url(c.campaign)).content.decode()

    assert "P-0004 · Proposition 4" in body
    assert reverse("votes:proposal", kwargs={"slug": c.campaign.slug, "reference": 4}) not in (body)


def test_the_page_queries_are_bounded(client, django_assert_max_num_queries):
    c = answered_campaign()
    for proposal in (c.p1, c.p2):
        follow_up_set(proposal=proposal, by=c.admin, status="in_progress", progress=10)
        milestone_add(proposal=proposal, by=c.admin, on=date(2026, 3, 2), text="Étude.")

    with django_assert_max_num_queries(10):
        client.get(url(c.campaign))


def test_the_campaign_page_links_to_it_once_published(client):
    c = answered_campaign()

    body = client.get(reverse("votes:campaign", kwargs={"slug": c.campaign.slug})).content
    assert url(c.campaign) in body.decode()


def test_the_campaign_page_announces_it_during_the_council_phase(client):
    c = council_campaign()

    body = client.get(reverse("votes:campaign", kwargs={"slug": c.campaign.slug})).content
    body = body.decode()
    assert url(c.campaign) not in body
    assert "le conseil prépare ses réponses" in body


def test_the_public_page_shows_the_amount_spent_and_the_photo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = answered_campaign()
    follow_up = follow_up_set(
        proposal=c.p1,
        by=c.admin,
        status=FollowUp.Status.IN_PROGRESS,
        progress=40,
        spent=Decimal("48000"),
        photo=SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
        photo_alt="Le terrain refait",
    )

    body = client.get(url(c.campaign)).content.decode()

    assert "Montant dépensé :" in body
    assert "<strong>48\u202f000\u00a0€</strong>" in body or "<strong>48 000 €</strong>" in body
    assert f'<img src="{follow_up.photo.url}" alt="Le terrain refait" loading="lazy">' in body
