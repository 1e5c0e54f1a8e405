"""The team's panel pages: who may reach them, the pool, deletion, draws, publication, export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from budget.jobs.models import Job
from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.panels.factories import (
    bulk_pool,
    facilitator,
    make_volunteer,
    panel_campaign,
    proportional_quotas,
)
from votes.panels.models import PanelDraw, Quota, Volunteer

pytestmark = pytest.mark.django_db


def fake_draw(campaign, **fields) -> PanelDraw:
    """A recorded draw without running the solver (these tests are about the pages)."""
    ids = [str(pk) for pk in campaign.volunteers.order_by("pk").values_list("pk", flat=True)]
    fields.setdefault("selected", ids[:4])
    fields.setdefault("reserve", ids[4:6])
    return PanelDraw.objects.create(
        campaign=campaign,
        size=4,
        reserve_size=2,
        seed="Loto 7 13",
        algorithm="maximin",
        quotas=[{"attribute": "gender", "value": "woman", "min": 2, "max": 2}],
        pool=[{"id": i, "gender": "woman"} for i in ids],
        pool_sha256="0" * 64,
        created_by=facilitator(),
        **fields,
    )


def team_urls(campaign, draw, volunteer, quota) -> list[tuple[str, str]]:
    slug = campaign.slug
    return [
        ("get", reverse("votes:panel_pool", kwargs={"slug": slug})),
        ("post", reverse("votes:panel_pool_import", kwargs={"slug": slug})),
        ("post", reverse("votes:panel_pool_import_confirm", kwargs={"slug": slug})),
        ("get", reverse("votes:volunteer_delete", kwargs={"slug": slug, "pk": volunteer.pk})),
        ("post", reverse("votes:volunteer_delete", kwargs={"slug": slug, "pk": volunteer.pk})),
        ("get", reverse("votes:panel_quotas", kwargs={"slug": slug})),
        ("post", reverse("votes:quota_delete", kwargs={"slug": slug, "pk": quota.pk})),
        ("get", reverse("votes:panel_draws", kwargs={"slug": slug})),
        ("post", reverse("votes:panel_draws", kwargs={"slug": slug})),
        ("get", reverse("votes:panel_draw", kwargs={"slug": slug, "pk": draw.pk})),
        ("post", reverse("votes:panel_draw_publish", kwargs={"slug": slug, "pk": draw.pk})),
        ("get", reverse("votes:panel_draw_export", kwargs={"slug": slug, "pk": draw.pk})),
    ]


@pytest.fixture
def setting():
    campaign = panel_campaign()
    draw = fake_draw(campaign)
    return campaign, draw, campaign.volunteers.first(), Quota.objects.filter(campaign=campaign)[0]


def _unchanged(campaign, draw) -> None:
    assert campaign.volunteers.count() == 10
    assert Quota.objects.filter(campaign=campaign).count() == 2
    assert PanelDraw.objects.filter(campaign=campaign).count() == 1
    draw.refresh_from_db()
    assert not draw.published


def test_anonymous_visitors_are_sent_to_the_login_page(client, setting):
    for method, url in team_urls(*setting):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    _unchanged(*setting[:2])


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,)])
def test_only_the_participation_team_reaches_the_panel_pages(client, setting, roles):
    client.force_login(make_user(roles=roles))
    for method, url in team_urls(*setting):
        assert getattr(client, method)(url).status_code == 403, url
    _unchanged(*setting[:2])


@pytest.mark.parametrize("roles", [(ADMINISTRATOR,), ("facilitator",)])
def test_administrators_and_facilitators_see_the_pool_with_personal_data(client, setting, roles):
    campaign, _draw, volunteer, _quota = setting
    client.force_login(make_user(roles=roles))
    response = client.get(reverse("votes:panel_pool", kwargs={"slug": campaign.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert volunteer.name in html and volunteer.email in html
    assert volunteer.retain_until.strftime("%d/%m/%Y") in html


def test_the_pool_page_flags_volunteers_past_their_retention_date(client):
    campaign = panel_campaign()
    make_volunteer(
        campaign, name="Ancien Volontaire", retain_until=timezone.localdate().replace(year=2000)
    )
    client.force_login(facilitator())
    html = client.get(reverse("votes:panel_pool", kwargs={"slug": campaign.slug})).content
    row = html.decode().split("Ancien Volontaire")[1].split("</tr>")[0]
    assert "à supprimer" in row


def test_deleting_a_volunteer_asks_first_then_deletes_on_post(client, setting):
    campaign, _draw, volunteer, _quota = setting
    client.force_login(facilitator())
    url = reverse("votes:volunteer_delete", kwargs={"slug": campaign.slug, "pk": volunteer.pk})
    response = client.get(url)
    assert "La suppression est définitive" in response.content.decode()
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    response = client.post(url, follow=True)
    assert f"Les données de {volunteer.name} sont supprimées." in response.content.decode()
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()


def test_a_volunteer_of_another_campaign_is_not_found(client, setting):
    campaign, *_rest = setting
    other = make_volunteer(panel_campaign(women=0, men=0))
    client.force_login(facilitator())
    url = reverse("votes:volunteer_delete", kwargs={"slug": campaign.slug, "pk": other.pk})
    assert client.post(url).status_code == 404
    assert Volunteer.objects.filter(pk=other.pk).exists()


def test_a_facilitator_draws_the_panel_from_the_form(client):
    campaign = panel_campaign()
    user = facilitator()
    client.force_login(user)
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    data = {"size": "4", "reserve_size": "2", "seed": " Loto 7 13 ", "algorithm": "maximin"}
    response = client.post(url, data)
    # The request enqueues the draw (run at once by the tests' immediate backend) and sends
    # to the job's page, which links to the draw.
    draw = PanelDraw.objects.get()
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.owner) == (Job.Kind.PANEL_DRAW, Job.Status.SUCCEEDED, user)
    page = client.get(response.url).content.decode()
    draw_url = reverse("votes:panel_draw", kwargs={"slug": campaign.slug, "pk": draw.pk})
    assert f'href="{draw_url}"' in page
    assert (draw.seed, len(draw.selected), len(draw.reserve)) == ("Loto 7 13", 4, 2)
    assert draw.created_by == user and not draw.published


def test_an_infeasible_draw_is_shown_on_the_job_page_and_nothing_is_written(client):
    campaign = panel_campaign(women=1)
    client.force_login(facilitator())
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    data = {"size": "4", "reserve_size": "0", "seed": "Loto", "algorithm": "maximin"}
    response = client.post(url, data, follow=True)
    assert Job.objects.get().status == Job.Status.FAILED
    assert (
        "Quota impossible : genre = femme demande au moins 2 personnes, le vivier n&#x27;en "
        "compte que 1." in response.content.decode()
    )
    assert not PanelDraw.objects.exists()


def test_a_large_pool_is_offered_the_draw_by_profiles_first(client):
    campaign = make_campaign()
    bulk_pool(campaign, 301)
    client.force_login(facilitator())
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    response = client.get(url)
    assert response.context["form"]["algorithm"].initial == "maximin-profils"
    html = response.content.decode()
    assert "maximin par profils (recommandé au-delà de 300 volontaires)" in html
    assert "au-delà de 300 volontaires, cela prendrait des heures" in html


def test_a_small_pool_is_offered_the_library_maximin_first(client):
    campaign = panel_campaign()
    client.force_login(facilitator())
    response = client.get(reverse("votes:panel_draws", kwargs={"slug": campaign.slug}))
    assert response.context["form"]["algorithm"].initial == "maximin"


@pytest.mark.parametrize("algorithm", ["maximin", "nash"])
def test_the_library_algorithms_are_refused_on_a_large_pool_and_nothing_is_queued(
    client, algorithm
):
    campaign = make_campaign()
    bulk_pool(campaign, 301)
    client.force_login(facilitator())
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    data = {"size": "30", "reserve_size": "0", "seed": "Loto", "algorithm": algorithm}
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        f"Avec 301 volontaires, l&#x27;algorithme « {algorithm} » prendrait des heures"
        in response.content.decode()
    )
    assert response.context["form"]["seed"].value() == "Loto"  # nothing typed is lost
    assert not Job.objects.exists() and not PanelDraw.objects.exists()


def test_a_large_pool_is_drawn_by_profiles_from_the_form(client):
    campaign = make_campaign()
    bulk_pool(campaign, 1_000)
    proportional_quotas(campaign, 100)
    client.force_login(facilitator())
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    data = {"size": "100", "reserve_size": "10", "seed": "Loto", "algorithm": "maximin-profils"}
    response = client.post(url, data)
    draw = PanelDraw.objects.get()
    assert response.url == Job.objects.get().get_absolute_url()
    assert (draw.algorithm, len(draw.selected), len(draw.reserve)) == ("maximin-profils", 100, 10)


def test_a_bad_draw_form_is_shown_again_and_nothing_is_written(client):
    campaign = panel_campaign()
    client.force_login(facilitator())
    url = reverse("votes:panel_draws", kwargs={"slug": campaign.slug})
    data = {"size": "0", "reserve_size": "-1", "seed": "  ", "algorithm": "legacy"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in html
    assert "Ce champ est obligatoire." in html
    assert "Sélectionnez un choix valide." in html
    assert not PanelDraw.objects.exists()


def test_the_draw_page_shows_members_and_reserve_with_names(client, setting):
    campaign, draw, *_rest = setting
    client.force_login(facilitator())
    url = reverse("votes:panel_draw", kwargs={"slug": campaign.slug, "pk": draw.pk})
    response = client.get(url)
    assert [m.id for m in response.context["selected"]] == draw.selected
    assert [m.id for m in response.context["reserve"]] == draw.reserve
    html = response.content.decode()
    for member in response.context["selected"] + response.context["reserve"]:
        assert member.volunteer.name in html


def test_publishing_from_the_draw_page(client, setting):
    campaign, draw, *_rest = setting
    client.force_login(facilitator())
    url = reverse("votes:panel_draw_publish", kwargs={"slug": campaign.slug, "pk": draw.pk})
    response = client.post(url)
    assert response.url == reverse("votes:panel", kwargs={"slug": campaign.slug})
    draw.refresh_from_db()
    assert draw.published
    second = fake_draw(campaign)
    url = reverse("votes:panel_draw_publish", kwargs={"slug": campaign.slug, "pk": second.pk})
    response = client.post(url, follow=True)
    assert "Un tirage est déjà publié pour cette campagne" in response.content.decode()
    second.refresh_from_db()
    assert not second.published


def test_the_export_lists_the_panel_and_the_reserve_with_contacts(client, setting):
    campaign, draw, *_rest = setting
    client.force_login(facilitator())
    url = reverse("votes:panel_draw_export", kwargs={"slug": campaign.slug, "pk": draw.pk})
    response = client.get(url)
    assert response["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Panel", "Réserve"]
    panel = list(book["Panel"].iter_rows(values_only=True))
    assert panel[0][:4] == ("Rang", "Identifiant", "Nom et prénom", "E-mail")
    first = Volunteer.objects.get(pk=int(draw.selected[0]))
    assert panel[1][:4] == (1, draw.selected[0], first.name, first.email)
    assert len(list(book["Réserve"].iter_rows())) == 3
