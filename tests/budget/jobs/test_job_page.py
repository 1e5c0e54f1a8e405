"""/gestion/taches/<uuid>/: the page of a job, its htmx fragment, its file and its retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.jobs.models import Job
from budget.jobs.services import job_enqueue
from budget.jobs.views import elapsed
from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE
from tests.budget.jobs.factories import BEHAVIOUR, make_job
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _finish_by_default():
    BEHAVIOUR.clear()
    yield
    BEHAVIOUR.clear()


@pytest.fixture
def owner():
    return make_user(roles=(FINANCE,))


def urls(job: Job) -> list[tuple[str, str]]:
    return [
        ("get", reverse("budget:job", kwargs={"pk": job.pk})),
        ("get", reverse("budget:job_file", kwargs={"pk": job.pk})),
        ("post", reverse("budget:job_restart", kwargs={"pk": job.pk})),
    ]


def test_the_address_of_a_job():
    job = make_job()
    assert job.get_absolute_url() == f"/gestion/taches/{job.pk}/"


def test_anonymous_visitors_are_sent_to_the_login(client, owner):
    job = job_enqueue(job=make_job(owner=owner))
    for method, url in urls(job):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith("/connexion/")
    assert client.get(urls(job)[0][1], headers=HTMX)["HX-Redirect"] == "/connexion/"


@pytest.mark.parametrize("roles", [(), (FINANCE,), (FACILITATOR,)])
def test_someone_else_than_the_owner_finds_no_job(client, owner, roles):
    BEHAVIOUR["do"] = "crash"
    job = job_enqueue(job=make_job(owner=owner))
    client.force_login(make_user(roles=roles))
    for method, url in urls(job):
        assert getattr(client, method)(url).status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1  # not restarted


def test_an_administrator_sees_any_job(client, owner):
    job = job_enqueue(job=make_job(owner=owner))
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert client.get(job.get_absolute_url()).status_code == 200
    assert client.get(reverse("budget:job_file", kwargs={"pk": job.pk})).status_code == 200


def test_a_job_nobody_started_is_seen_by_administrators_only(client):
    job = make_job(owner=None)
    client.force_login(make_user(roles=(FINANCE,)))
    assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert client.get(job.get_absolute_url()).status_code == 200


def test_an_unknown_job_is_not_found(client, owner):
    client.force_login(owner)
    assert client.get("/gestion/taches/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_running_job_shows_its_progress_bar_and_step_and_polls(client, owner):
    job = make_job(
        owner=owner,
        status=Job.Status.RUNNING,
        step="Enregistrement des lignes",
        done=250,
        total=1000,
        started_at=timezone.now() - dt.timedelta(seconds=75),
    )
    client.force_login(owner)
    body = client.get(job.get_absolute_url()).content.decode()
    assert '<progress max="1000" value="250" aria-labelledby="job-step">25 %</progress>' in body
    assert '<p id="job-step" role="status">Enregistrement des lignes (250 / 1000, 25 %)' in body
    assert 'hx-trigger="every 1s"' in body
    assert "durée : 1 min 15 s" in body


def test_the_htmx_fragment_is_the_progress_only_and_stops_polling_once_finished(client, owner):
    job = make_job(owner=owner, status=Job.Status.RUNNING, step="Lecture")
    client.force_login(owner)
    running = client.get(job.get_absolute_url(), headers=HTMX)
    assert running.status_code == 200
    body = running.content.decode()
    assert "<html" not in body and "<h1" not in body and "Lecture" in body
    job = job_enqueue(job=make_job(owner=owner))
    finished = client.get(job.get_absolute_url(), headers=HTMX)
    # 286: htmx stops polling.
    assert finished.status_code == 286
    assert "Fait." in finished.content.decode()


def test_a_finished_job_shows_its_result_link_and_file(client, owner):
    job = job_enqueue(job=make_job(owner=owner))
    client.force_login(owner)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "Fait." in body and '<a href="/budgets/x/">Voir le budget</a>' in body
    assert "Télécharger resultat.csv" in body
    assert 'hx-trigger="every 1s"' not in body
    download = client.get(reverse("budget:job_file", kwargs={"pk": job.pk}))
    assert download.content == b"a;b\n1;2\n"
    assert download["Content-Type"] == "text/csv"
    assert download["Content-Disposition"] == 'attachment; filename="resultat.csv"'
    # An ordinary file may be downloaded again.
    assert client.get(reverse("budget:job_file", kwargs={"pk": job.pk})).status_code == 200


def test_a_file_shown_once_is_gone_after_its_download(client, owner):
    job = job_enqueue(job=make_job(owner=owner, params={"download_once": True}))
    client.force_login(owner)
    url = reverse("budget:job_file", kwargs={"pk": job.pk})
    assert "une seule fois" in client.get(job.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 404
    job.refresh_from_db()
    assert job.result_data is None
    body = client.get(job.get_absolute_url()).content.decode()
    assert "Le fichier a déjà été téléchargé" in body and "Télécharger" not in body


def test_a_job_without_a_file_has_no_download(client, owner):
    job = make_job(owner=owner, status=Job.Status.RUNNING)
    client.force_login(owner)
    assert client.get(reverse("budget:job_file", kwargs={"pk": job.pk})).status_code == 404


def test_a_failed_job_shows_a_french_message_never_the_traceback_and_can_be_restarted(
    client, owner
):
    BEHAVIOUR["do"] = "crash"
    job = job_enqueue(job=make_job(owner=owner, input_data=b"file"))
    client.force_login(owner)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "La tâche a échoué à cause d&#x27;une erreur inattendue." in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert 'role="alert"' in body and "Relancer la tâche" in body

    BEHAVIOUR["do"] = "finish"
    response = client.post(reverse("budget:job_restart", kwargs={"pk": job.pk}))
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2


def test_restarting_a_job_that_did_not_fail_says_so_and_runs_nothing(client, owner):
    job = job_enqueue(job=make_job(owner=owner))
    client.force_login(owner)
    response = client.post(reverse("budget:job_restart", kwargs={"pk": job.pk}), follow=True)
    assert "Seule une tâche échouée peut être relancée." in response.content.decode()
    job.refresh_from_db()
    assert job.attempts == 1


def test_get_is_not_allowed_to_restart(client, owner):
    job = make_job(owner=owner, status=Job.Status.FAILED)
    client.force_login(owner)
    assert client.get(reverse("budget:job_restart", kwargs={"pk": job.pk})).status_code == 405


def test_elapsed_time_counts_from_the_start_to_the_end_or_now():
    start = timezone.now()
    job = Job(created_at=start, started_at=start + dt.timedelta(seconds=2))
    assert elapsed(job, now=start + dt.timedelta(seconds=9)) == "7 s"
    job.finished_at = start + dt.timedelta(seconds=125)
    assert elapsed(job, now=start + dt.timedelta(hours=1)) == "2 min 03 s"
