"""The administrators' follow-up screen: status, progress and milestones of adopted proposals."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from budget.roles import FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_follow_ups_services import answered_campaign
from tests.votes.factories import make_voter
from votes.council.follow_ups import milestone_add
from votes.council.models import FollowUp, Milestone

pytestmark = pytest.mark.django_db

Status = FollowUp.Status
OTHER_ROLES = [FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def url(c, name="votes:follow_ups", **kwargs) -> str:
    return reverse(name, kwargs={"slug": c.campaign.slug, **kwargs})


def _pages(c):
    milestone = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="Étude.")
    return [
        ("get", url(c)),
        ("post", url(c, "votes:follow_up_save", reference=1)),
        ("post", url(c, "votes:milestone_add", reference=1)),
        ("post", url(c, "votes:milestone_delete", reference=1, pk=milestone.pk)),
    ]


def test_the_url_is_named():
    assert reverse("votes:follow_ups", kwargs={"slug": "c"}) == "/gestion/campagnes/c/suivi/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    c = answered_campaign()

    for method, target in _pages(c):
        response = getattr(client, method)(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("roles", [(), *[(role,) for role in OTHER_ROLES]])
def test_only_administrators_reach_the_follow_up_screens(client, roles):
    c = answered_campaign()
    client.force_login(make_user(roles=roles) if roles else make_voter(outside_territory=True))

    for method, target in _pages(c):
        data = {"p1-suivi-status": "done", "p1-etape-on": "2026-04-01", "p1-etape-text": "X"}
        assert getattr(client, method)(target, data).status_code == 403

    assert Milestone.objects.count() == 1
    assert FollowUp.objects.get().status == Status.PLANNED


def test_the_page_lists_the_adopted_proposals_only(client):
    c = answered_campaign()
    client.force_login(c.admin)

    body = client.get(url(c)).content.decode()

    assert "P-0001 — Proposition 1" in body
    assert "P-0002 — Proposition 2" in body
    for reference in ("P-0003", "P-0004", "P-0005"):
        assert reference not in body
    assert 'name="p1-suivi-progress"' in body


def test_it_saves_the_follow_up(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {"p1-suivi-status": "in_progress", "p1-suivi-progress": "35"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(c) + "#p1"
    assert list(FollowUp.objects.values_list("status", "progress")) == [(Status.IN_PROGRESS, 35)]


def test_done_sets_the_progress_to_a_hundred(client):
    c = answered_campaign()
    client.force_login(c.admin)

    client.post(
        url(c, "votes:follow_up_save", reference=1),
        {"p1-suivi-status": "done", "p1-suivi-progress": "60"},
    )

    assert list(FollowUp.objects.values_list("status", "progress")) == [(Status.DONE, 100)]


@pytest.mark.parametrize("progress", ["-5", "140", "beaucoup"])
def test_a_progress_out_of_range_is_refused_in_place(client, progress):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {"p1-suivi-status": "in_progress", "p1-suivi-progress": progress},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "L&#x27;avancement est" in body
    assert f'value="{progress}"' in body
    assert not FollowUp.objects.exists()


def test_htmx_swaps_only_the_proposal_with_its_errors(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {"p1-suivi-status": "in_progress", "p1-suivi-progress": "300"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<article id="p1"')
    assert "L&#x27;avancement est un pourcentage, de 0 à 100." in body
    assert not FollowUp.objects.exists()


def test_htmx_swaps_the_saved_proposal_with_a_notice(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=2),
        {"p2-suivi-status": "planned", "p2-suivi-progress": "0"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<article id="p2"')
    assert "Suivi de P-0002 enregistré." in body


def test_it_adds_and_deletes_milestones(client):
    c = answered_campaign()
    client.force_login(c.admin)

    client.post(
        url(c, "votes:milestone_add", reference=1),
        {"p1-etape-on": "2026-05-04", "p1-etape-text": "Marché attribué."},
    )
    milestone = Milestone.objects.get()
    body = client.get(url(c)).content.decode()
    client.post(url(c, "votes:milestone_delete", reference=1, pk=milestone.pk))

    assert milestone.on == date(2026, 5, 4)
    assert "Marché attribué." in body
    assert not Milestone.objects.exists()


def test_a_milestone_without_text_is_refused_in_place(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:milestone_add", reference=1),
        {"p1-etape-on": "2026-05-04", "p1-etape-text": ""},
    )

    assert response.status_code == 400
    assert "Décrivez l&#x27;étape en quelques mots." in response.content.decode()
    assert 'value="2026-05-04"' in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_proposal_that_was_not_adopted_has_no_follow_up(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=3),
        {"p3-suivi-status": "planned", "p3-suivi-progress": "0"},
    )

    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_another_proposals_milestone_cannot_be_deleted(client):
    c = answered_campaign()
    milestone = milestone_add(proposal=c.p1, by=c.admin, on=date(2026, 3, 1), text="Étude.")
    client.force_login(c.admin)

    response = client.post(url(c, "votes:milestone_delete", reference=2, pk=milestone.pk))

    assert response.status_code == 404
    assert Milestone.objects.count() == 1


def test_it_saves_the_amount_spent_and_a_photo_with_its_description(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = answered_campaign()
    client.force_login(c.admin)
    photo = SimpleUploadedFile("chantier.png", png_bytes(), content_type="image/png")

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {
            "p1-suivi-status": "in_progress",
            "p1-suivi-progress": "35",
            "p1-suivi-spent": "12500,50",
            "p1-suivi-photo": photo,
            "p1-suivi-photo_alt": "Les vestiaires en travaux",
        },
    )

    assert response.status_code == 302
    stored = FollowUp.objects.get()
    assert stored.spent == Decimal("12500.50")
    assert stored.photo_alt == "Les vestiaires en travaux"
    body = client.get(url(c)).content.decode()
    assert "Montant dépensé : 12 501" in body or "Montant dépensé : 12\u202f501" in body
    assert f'src="{stored.photo.url}" alt="Les vestiaires en travaux"' in body
    assert 'enctype="multipart/form-data"' in body
    assert 'hx-encoding="multipart/form-data"' in body


def test_a_file_that_is_not_an_image_is_refused_in_place(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {
            "p1-suivi-status": "in_progress",
            "p1-suivi-progress": "35",
            "p1-suivi-spent": "100",
            "p1-suivi-photo": SimpleUploadedFile("photo.png", b"<svg/>", "image/png"),
            "p1-suivi-photo_alt": "Une photo",
        },
    )

    assert response.status_code == 400
    assert "La photo doit être une image JPEG, PNG ou WebP." in response.content.decode()
    assert not FollowUp.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_negative_amount_spent_is_refused_in_place(client):
    c = answered_campaign()
    client.force_login(c.admin)

    response = client.post(
        url(c, "votes:follow_up_save", reference=1),
        {"p1-suivi-status": "in_progress", "p1-suivi-progress": "35", "p1-suivi-spent": "-3"},
    )

    assert response.status_code == 400
    assert "Le montant dépensé ne peut pas être négatif." in response.content.decode()
    assert not FollowUp.objects.exists()
