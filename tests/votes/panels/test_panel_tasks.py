"""votes/panels/tasks.py: the draw and the volunteers import as tasks; failure and retry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.jobs.models import Job
from budget.jobs.services import job_retry, job_submit
from tests.votes.factories import make_campaign
from tests.votes.panels.factories import facilitator, make_volunteer, panel_campaign
from votes.panels import sortition
from votes.panels.models import PanelDraw, Volunteer
from votes.panels.tasks import panel_draw_task, volunteers_import_task

pytestmark = pytest.mark.django_db
HEADER = "nom;email;telephone;genre;tranche_age;commune ou quartier;csp;disponibilites\n"
GOOD = HEADER + (
    "Jeanne Dupont;jeanne@example.org;;Femme;25-34;Centre;employés;soirs\n"
    "Ali Martin;;06 12 34 56 78;H;65 ans et plus;Nord;;\n"
)


def submit_draw(campaign, user, **params) -> Job:
    params = {"size": 4, "reserve_size": 2, "seed": "Loto 7 13", "algorithm": "maximin", **params}
    return job_submit(
        kind=Job.Kind.PANEL_DRAW,
        owner=user,
        task_path=panel_draw_task.module_path,
        params={"campaign": campaign.pk, "by": user.pk, **params},
    )


def submit_import(campaign, user, data: bytes) -> Job:
    return job_submit(
        kind=Job.Kind.VOLUNTEER_IMPORT,
        owner=user,
        task_path=volunteers_import_task.module_path,
        params={"campaign": campaign.pk, "filename": "volontaires.csv"},
        input_data=data,
    )


def test_the_draw_task_records_the_draw_and_links_to_it():
    campaign, user = panel_campaign(), facilitator()
    job = submit_draw(campaign, user)
    draw = PanelDraw.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_url == reverse(
        "votes:panel_draw", kwargs={"slug": campaign.slug, "pk": draw.pk}
    )
    assert draw.created_by == user and len(draw.selected) == 4 and len(draw.reserve) == 2


def test_the_draw_task_shows_each_step_on_the_job(monkeypatch):
    from votes.panels import tasks

    heard = []
    real = tasks.job_progress

    def record(*, job, step, done=0, total=0):
        heard.append((step, done, total))
        real(job=job, step=step, done=done, total=total)

    monkeypatch.setattr(tasks, "job_progress", record)
    submit_draw(panel_campaign(), facilitator(), algorithm="maximin-profils")
    steps = [step for step, _done, _total in heard]
    assert steps[:2] == ["Lecture du vivier et des quotas", "Vérification des quotas"]
    assert any(s.startswith("Calcul de la loterie (maximin-profils) : ") for s in steps)
    assert steps[-3:] == [
        "Vérification du panel tiré",
        "Liste de réserve",
        "Enregistrement du tirage",
    ]
    assert [done for _step, done, _total in heard] == sorted(done for _s, done, _t in heard)
    assert {total for *_rest, total in heard} == {6}
    assert Job.objects.get().status == Job.Status.SUCCEEDED


def test_the_library_rounds_within_a_step_are_written_at_most_twice_a_second(monkeypatch):
    from votes.panels import tasks

    writes = []
    monkeypatch.setattr(tasks, "job_progress", lambda **kwargs: writes.append(kwargs["step"]))
    progress = tasks._throttled_progress(Job(pk=1))
    for round_ in range(100):
        progress(f"Calcul de la loterie : {round_}", 1, 5)
    progress("Liste de réserve", 3, 5)
    assert writes == ["Calcul de la loterie : 0", "Liste de réserve"]


def test_a_draw_that_fails_midway_writes_nothing_and_can_be_retried(monkeypatch):
    campaign, user = panel_campaign(), facilitator()
    real_draw = sortition.draw

    def crash(*args, **kwargs):
        raise MemoryError("solver out of memory")

    monkeypatch.setattr(sortition, "draw", crash)
    job = submit_draw(campaign, user)
    assert job.status == Job.Status.FAILED and "erreur inattendue" in job.error
    assert not PanelDraw.objects.exists()

    monkeypatch.setattr(sortition, "draw", real_draw)
    job = job_retry(job=job)
    assert job.status == Job.Status.SUCCEEDED and PanelDraw.objects.count() == 1


def test_infeasible_quotas_fail_the_job_with_their_reason():
    job = submit_draw(panel_campaign(women=1), facilitator(), reserve_size=0)
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Le tirage est impossible : Quota impossible : genre = femme")
    assert not PanelDraw.objects.exists()


def test_the_import_task_adds_every_volunteer_and_links_to_the_pool():
    campaign = make_campaign()
    job = submit_import(campaign, facilitator(), GOOD.encode())
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_message == "2 volontaires importés dans le vivier."
    assert job.result_url == reverse("votes:panel_pool", kwargs={"slug": campaign.slug})
    assert Volunteer.objects.filter(campaign=campaign).count() == 2


def test_an_import_that_fails_midway_writes_nobody_and_can_be_retried(monkeypatch):
    campaign = make_campaign()
    real_create = Volunteer.objects.bulk_create

    def crash(objs, *args, **kwargs):
        real_create(objs[:1], *args, **kwargs)  # one row written, then the disk fails
        raise OSError("disk full")

    monkeypatch.setattr(Volunteer.objects, "bulk_create", crash)
    job = submit_import(campaign, facilitator(), GOOD.encode())
    assert job.status == Job.Status.FAILED
    assert not Volunteer.objects.exists()

    monkeypatch.setattr(Volunteer.objects, "bulk_create", real_create)
    job = job_retry(job=job)
    assert job.status == Job.Status.SUCCEEDED and Volunteer.objects.count() == 2


def test_a_sign_up_between_validation_and_the_task_refuses_the_whole_file():
    campaign = make_campaign()
    make_volunteer(campaign, email="jeanne@example.org")
    job = submit_import(campaign, facilitator(), GOOD.encode())
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Le fichier n'a pas été importé, rien n'a été enregistré.")
    assert "adresse déjà inscrite dans le vivier." in job.error
    assert Volunteer.objects.count() == 1
