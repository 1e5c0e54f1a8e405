"""The administrators' screens of the council's answers: list, one proposal in sequence, the
answer sheet, the import and the publication."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_answers_import import row, workbook_bytes
from tests.votes.council.test_answers_services import Council, answer_all, council_campaign
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilAnswer

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision
PAGES = [
    ("votes:council_answers", {}, "get"),
    ("votes:council_answer", {"reference": 1}, "get"),
    ("votes:council_answer", {"reference": 1}, "post"),
    ("votes:council_answers_sheet", {}, "get"),
    ("votes:council_answers_sheet_ods", {}, "get"),
    ("votes:council_answers_import", {}, "get"),
    ("votes:council_answers_import", {}, "post"),
    ("votes:council_answers_publish", {}, "get"),
    ("votes:council_answers_publish", {}, "post"),
]
OTHER_ROLES = [FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER]


def url(c: Council, name: str = "votes:council_answers", **kwargs) -> str:
    return reverse(name, kwargs={"slug": c.campaign.slug, **kwargs})


def test_the_urls_are_named():
    assert reverse("votes:council_answers", kwargs={"slug": "c"}) == "/gestion/campagnes/c/avis/"
    assert (
        reverse("votes:council_answer", kwargs={"slug": "c", "reference": 12})
        == "/gestion/campagnes/c/avis/12/"
    )


def _cheap_council() -> Campaign:
    # The access check comes before anything else: no snapshot needed to be refused.
    campaign = make_campaign(phase=Phase.COUNCIL)
    make_proposal(campaign)
    return campaign


def _call(client, campaign: Campaign, name: str, kwargs: dict, method: str):
    target = reverse(name, kwargs={"slug": campaign.slug, **kwargs})
    return getattr(client, method)(target, {"decision": "adopted", "answer": "Oui."})


def test_anonymous_visitors_are_sent_to_log_in(client):
    campaign = _cheap_council()

    for name, kwargs, method in PAGES:
        response = _call(client, campaign, name, kwargs, method)

        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("roles", [(), *[(role,) for role in OTHER_ROLES]])
def test_only_administrators_reach_the_answer_screens(client, roles):
    campaign = _cheap_council()
    user = make_voter(outside_territory=True) if not roles else make_user(roles=roles)
    client.force_login(user)

    for name, kwargs, method in PAGES:
        assert _call(client, campaign, name, kwargs, method).status_code == 403, (name, method)

    assert not CouncilAnswer.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.COUNCIL


def test_the_list_shows_each_proposal_its_result_and_the_progress(client):
    c = council_campaign()
    answer_all(c, skip=(2, 4, 5))
    client.force_login(c.admin)

    body = client.get(url(c)).content.decode()

    assert "2 / 5 renseignés" in body
    assert "P-0001" in body and "Proposition 1" in body
    assert "retenu" in body
    assert "non retenu — ne tient pas dans l&#x27;enveloppe restante" in body
    assert body.count("à renseigner") == 3
    assert "Adoptée" in body and "Reportée" in body
    first = url(c, "votes:council_answer", reference=2)
    assert f'href="{first}">Saisir le premier avis manquant (P-0002)' in body
    assert c.p6.public_reference not in body


def test_the_list_page_queries_are_bounded(client, django_assert_max_num_queries):
    c = council_campaign()
    answer_all(c)
    client.force_login(c.admin)

    with django_assert_max_num_queries(12):
        client.get(url(c))


def test_the_answer_page_shows_the_proposal_its_result_and_instruction(client):
    c = council_campaign()
    client.force_login(c.admin)

    body = client.get(url(c, "votes:council_answer", reference=1)).content.decode()

    assert "P-0001 — Proposition 1" in body
    assert "retenu" in body
    assert "Faisable" in body and "Instruite." in body
    assert "Enregistrer et passer à la suivante" in body
    assert 'name="decision"' in body


def test_save_and_next_goes_to_the_next_unanswered_proposal(client):
    c = council_campaign()
    answer_all(c, skip=(1, 3, 5))
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=1),
        {"decision": "adopted", "answer": "Adoptée.", "next": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(c, "votes:council_answer", reference=3)
    assert CouncilAnswer.objects.get(proposal=c.p1).decision == Decision.ADOPTED


def test_save_and_next_wraps_round_to_the_first_unanswered(client):
    c = council_campaign()
    answer_all(c, skip=(2, 5))
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=5),
        {"decision": "rejected", "answer": "Non.", "next": "1"},
    )

    assert response["Location"] == url(c, "votes:council_answer", reference=2)


def test_the_last_answer_goes_back_to_the_list(client):
    c = council_campaign()
    answer_all(c, skip=(4,))
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=4),
        {"decision": "rejected", "answer": "Non.", "next": "1"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url(c)
    assert "Toutes les propositions ont un avis : vous pouvez les publier." in (
        response.content.decode()
    )


def test_save_stays_on_the_proposal(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=2),
        {"decision": "deferred", "answer": "Plus tard.", "deliberation_date": "2025-11-20"},
    )

    assert response["Location"] == url(c, "votes:council_answer", reference=2)
    answer = CouncilAnswer.objects.get(proposal=c.p2)
    assert str(answer.deliberation_date) == "2025-11-20"


def test_an_invalid_answer_is_shown_again_with_what_was_typed(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=1),
        {"decision": "adopted", "answer": "  ", "deliberation_reference": "DEL-7"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Rédigez la réponse argumentée" in body
    assert 'value="DEL-7"' in body
    assert 'value="adopted" required id="id_decision_0" checked' in body
    assert not CouncilAnswer.objects.exists()


def test_a_future_deliberation_date_is_refused_in_place(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answer", reference=1),
        {"decision": "adopted", "answer": "Oui.", "deliberation_date": "2999-01-01"},
    )

    assert response.status_code == 400
    assert "La date de la délibération est dans le futur." in response.content.decode()
    assert not CouncilAnswer.objects.exists()


def test_a_proposal_that_was_not_sent_has_no_answer_page(client):
    c = council_campaign()
    client.force_login(c.admin)

    assert client.get(url(c, "votes:council_answer", reference=c.p6.reference)).status_code == 404


def test_the_answer_is_refused_outside_the_council_phase(client):
    c = council_campaign()
    Campaign.objects.filter(pk=c.campaign.pk).update(phase=Phase.TALLY)
    client.force_login(c.admin)

    get = client.get(url(c, "votes:council_answer", reference=1)).content.decode()
    response = client.post(
        url(c, "votes:council_answer", reference=1), {"decision": "adopted", "answer": "Oui."}
    )

    assert 'name="decision"' not in get
    assert "les avis du conseil se saisissent une fois les résultats transmis" in get
    assert response.status_code == 400
    assert "possible seulement en phase « Transmis au conseil »" in response.content.decode()
    assert not CouncilAnswer.objects.exists()


def test_the_answer_sheet_downloads_with_the_results(client):
    c = council_campaign()
    answer_all(c, skip=(2,))
    client.force_login(c.admin)

    response = client.get(url(c, "votes:council_answers_sheet"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"avis-conseil-{c.campaign.slug}-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Avis du conseil"]
    assert [cell.value for cell in sheet[2]][:5] == [
        "P-0001",
        "Proposition 1",
        "Sport",
        "retenu",
        "Adoptée",
    ]
    assert sheet["D3"].value == "non retenu — ne tient pas dans l'enveloppe restante"
    assert sheet["E3"].value is None


def _upload(data: bytes, name: str = "avis.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_import_writes_a_good_file(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answers_import"),
        {"file": _upload(workbook_bytes([row("P-0001"), row("P-0003", "Rejetée", "Non.")]))},
        follow=True,
    )

    assert "2 avis ajouté(s)" in response.content.decode()
    assert CouncilAnswer.objects.count() == 2


def test_the_import_lists_the_errors_and_writes_nothing(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answers_import"),
        {"file": _upload(workbook_bytes([row("P-0001"), row("P-0002", "Peut-être")]))},
    )

    body = response.content.decode()
    assert "Fichier refusé : 1 problème" in body
    assert "Ligne 3 (P-0002) : décision « Peut-être » inconnue" in body
    assert "Rien n'a été enregistré" in body
    assert not CouncilAnswer.objects.exists()


def test_the_import_answers_htmx_with_its_zone_only(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answers_import"),
        {"file": _upload(workbook_bytes([row("P-0099")]))},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="import-zone"')
    assert "aucune proposition de cette campagne ne porte cette référence" in body


def test_the_import_refuses_another_extension(client):
    c = council_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:council_answers_import"), {"file": _upload(b"a;b\n", "avis.csv")}
    )

    assert "Envoyez un classeur Excel (.xlsx) ou LibreOffice (.ods)." in response.content.decode()
    assert not CouncilAnswer.objects.exists()


def test_the_publish_page_lists_what_is_missing(client):
    c = council_campaign()
    answer_all(c, skip=(3,))
    client.force_login(c.admin)

    body = client.get(url(c, "votes:council_answers_publish")).content.decode()

    assert "Une proposition n'a pas encore d'avis" in body
    assert "P-0003 — Proposition 3" in body


def test_publishing_with_missing_answers_is_refused_in_place(client, mailoutbox):
    c = council_campaign()
    answer_all(c, skip=(3,))
    client.force_login(c.admin)

    response = client.post(url(c, "votes:council_answers_publish"))

    assert response.status_code == 400
    assert "1 sans avis (P-0003)" in response.content.decode()
    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.COUNCIL
    assert mailoutbox == []


def test_publishing_opens_the_public_page(client, django_capture_on_commit_callbacks):
    c = council_campaign()
    answer_all(c)
    client.force_login(c.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(c, "votes:council_answers_publish"))

    assert response["Location"] == reverse("votes:outcomes", kwargs={"slug": c.campaign.slug})
    assert Campaign.objects.get(pk=c.campaign.pk).phase == Phase.ANSWERED
