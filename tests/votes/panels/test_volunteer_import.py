"""Importing volunteers from CSV or XLSX: all or nothing, every row's problems named."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budget.jobs.models import Job
from tests.budget.files.bombs import MB, workbook, zip_bomb
from tests.votes.factories import make_campaign, make_commune
from tests.votes.panels.factories import facilitator, make_volunteer
from votes.panels.imports import IMPORT_MAX_BYTES, volunteers_import
from votes.panels.models import Volunteer

pytestmark = pytest.mark.django_db

HEADER = "nom;email;telephone;genre;tranche_age;commune ou quartier;csp;disponibilites\n"
GOOD = HEADER + (
    "Jeanne Dupont;jeanne@example.org;;Femme;25-34;Centre;employés;soirs\n"
    "Ali Martin;;06 12 34 56 78;H;65 ans et plus;Nord;;\n"
)


def _import(campaign, text: str, filename: str = "volontaires.csv", **extra):
    extra.setdefault("consent_confirmed", True)
    return volunteers_import(
        campaign=campaign, data=text.encode("utf-8"), filename=filename, **extra
    )


def messages(report) -> list[str]:
    return [error.message for error in report.errors]


def test_a_good_csv_creates_every_volunteer():
    campaign = make_campaign()
    report = _import(campaign, GOOD)
    assert report.ok and report.created == 2
    jeanne, ali = Volunteer.objects.filter(campaign=campaign).order_by("pk")
    assert (jeanne.gender, jeanne.age_band, jeanne.occupation, jeanne.area) == (
        "woman",
        "25-34",
        "5",
        "Centre",
    )
    assert (ali.gender, ali.age_band, ali.phone, ali.email) == ("man", "65+", "06 12 34 56 78", "")
    assert {jeanne.source, ali.source} == {Volunteer.Source.IMPORT}
    assert jeanne.retain_until == ali.retain_until


def test_a_good_xlsx_creates_every_volunteer():
    campaign = make_campaign()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "E-mail", "Genre", "Tranche d'âge", "Quartier"])
    sheet.append(["Jeanne Dupont", "jeanne@example.org", "femme", "18-24", "Centre"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = volunteers_import(
        campaign=campaign,
        data=buffer.getvalue(),
        filename="volontaires.xlsx",
        consent_confirmed=True,
    )
    assert report.ok and report.created == 1


def test_every_bad_row_is_named_and_nothing_is_written():
    campaign = make_campaign()
    text = HEADER + (
        "Jeanne Dupont;jeanne@example.org;;Femme;25-34;Centre;;\n"
        ";pas-une-adresse;;licorne;12-15;Centre;9;\n"
        "Ali Martin;;;H;35-49;Nord;;\n"
        "Léa Petit;JEANNE@example.org;;F;35-49;;;\n"
    )
    report = _import(campaign, text)
    assert messages(report) == [
        "Ligne 3, colonne nom : le nom est obligatoire.",
        "Ligne 3, colonne email : « pas-une-adresse » n'est pas une adresse e-mail.",
        "Ligne 3, colonne genre : valeur inconnue : « licorne ».",
        "Ligne 3, colonne tranche_age : valeur inconnue : « 12-15 ».",
        "Ligne 3, colonne csp : valeur inconnue : « 9 ».",
        "Ligne 4 : il faut une adresse e-mail ou un téléphone pour recontacter.",
        "Ligne 5, colonne email : adresse déjà présente ligne 2 du fichier.",
        "Ligne 5, colonne commune ou quartier : la commune ou le quartier est obligatoire.",
    ]
    assert not Volunteer.objects.exists()


def test_an_email_already_in_the_pool_is_refused():
    campaign = make_campaign()
    make_volunteer(campaign, email="jeanne@example.org")
    report = _import(campaign, GOOD)
    assert messages(report) == ["Ligne 2, colonne email : adresse déjà inscrite dans le vivier."]
    assert Volunteer.objects.count() == 1


def test_missing_columns_are_named():
    report = _import(make_campaign(), "nom;genre\nJeanne;F\n")
    missing = (
        "colonne obligatoire absente de l'en-tête (attendues : nom, genre, tranche d'âge, "
        "commune ou quartier)."
    )
    assert messages(report) == [
        f"Ligne 1, colonne tranche_age : {missing}",
        f"Ligne 1, colonne commune ou quartier : {missing}",
        "Ligne 1 : il faut une colonne « email » ou « telephone » (ou les deux).",
    ]


def test_communes_must_be_the_authoritys():
    campaign = make_campaign()
    make_commune(campaign.authority, name="Lorme-le-Haut", insee_code="45101")
    make_commune(campaign.authority, name="Lorme-le-Bas", insee_code="45102")
    text = HEADER + (
        "Jeanne;j@example.org;;F;25-34;lorme le haut;;\nAli;a@example.org;;H;25-34;Paris;;\n"
    )
    report = _import(campaign, text)
    assert messages(report) == [
        "Ligne 3, colonne commune ou quartier : « Paris » n'est pas une commune du territoire."
    ]
    report = _import(campaign, text.replace("Paris", "45102"))
    assert report.ok
    assert sorted(Volunteer.objects.values_list("area", flat=True)) == [
        "Lorme-le-Bas",
        "Lorme-le-Haut",
    ]


def test_consent_must_be_confirmed():
    report = _import(make_campaign(), GOOD, consent_confirmed=False)
    assert messages(report) == [
        "Confirmez que les personnes du fichier ont donné leur accord pour le tirage."
    ]
    assert not Volunteer.objects.exists()


def test_a_file_over_the_limit_is_refused():
    report = _import(make_campaign(), GOOD + "x" * IMPORT_MAX_BYTES)
    assert messages(report)[0].startswith("Le fichier pèse")
    assert not Volunteer.objects.exists()


def test_the_team_validates_then_confirms_from_the_pool_page(client, settings, tmp_path):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    campaign = make_campaign()
    client.force_login(facilitator())
    url = reverse("votes:panel_pool_import", kwargs={"slug": campaign.slug})
    upload = SimpleUploadedFile("volontaires.csv", GOOD.encode(), content_type="text/csv")
    checked = client.post(url, {"file": upload, "consent_confirmed": "on"})
    assert "2 volontaires seront ajoutés au vivier." in checked.content.decode()
    assert not Volunteer.objects.exists()

    token = client.session["panel_volunteers_pending"]["token"]
    confirm = reverse("votes:panel_pool_import_confirm", kwargs={"slug": campaign.slug})
    response = client.post(confirm, {"token": token}, follow=True)
    assert "2 volontaires importés dans le vivier." in response.content.decode()
    assert Volunteer.objects.count() == 2

    again = client.post(confirm, {"token": token}, follow=True)
    assert "Le fichier validé n&#x27;est plus disponible" in again.content.decode()
    assert Volunteer.objects.count() == 2


def test_a_refused_file_shows_its_problems_on_the_pool_page(client):
    campaign = make_campaign()
    client.force_login(facilitator())
    url = reverse("votes:panel_pool_import", kwargs={"slug": campaign.slug})
    upload = SimpleUploadedFile(
        "volontaires.csv", (HEADER + "Jeanne;;;F;25-34;Centre;;\n").encode()
    )
    response = client.post(url, {"file": upload, "consent_confirmed": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fichier refusé : rien n'a été importé" in html
    assert "Ligne 2 : il faut une adresse e-mail ou un téléphone pour recontacter." in html
    assert not Volunteer.objects.exists()


def test_the_form_refuses_other_formats_and_unconfirmed_consent(client):
    campaign = make_campaign()
    client.force_login(facilitator())
    url = reverse("votes:panel_pool_import", kwargs={"slug": campaign.slug})
    upload = SimpleUploadedFile("volontaires.pdf", b"%PDF")
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Envoyez un fichier CSV ou un classeur Excel (.xlsx)." in html
    assert "Confirmez le consentement des personnes du fichier." in html
    assert not Volunteer.objects.exists()


def test_free_neighbourhood_names_keep_one_spelling():
    campaign = make_campaign()
    make_volunteer(campaign, area="Centre")
    text = HEADER + "Jeanne;j@example.org;;F;25-34;CENTRE;;\nAli;a@example.org;;H;25-34;nord;;\n"
    text += "Léa;l@example.org;;F;25-34;Nord;;\n"
    assert _import(campaign, text).ok
    assert sorted(Volunteer.objects.values_list("area", flat=True)) == [
        "Centre",
        "Centre",
        "nord",
        "nord",
    ]


# --- files that would exhaust the server (budget/spreadsheets/limits.py) ------------------


def _post(client, campaign, name: str, data: bytes):
    client.force_login(facilitator())
    url = reverse("votes:panel_pool_import", kwargs={"slug": campaign.slug})
    upload = SimpleUploadedFile(name, data)
    return client.post(url, {"file": upload, "consent_confirmed": "on"})


def test_a_zip_bomb_is_refused_on_the_pool_page_and_nothing_is_written(client):
    campaign = make_campaign()
    bomb = zip_bomb([HEADER.strip().split(";")], inflated=5 * MB)

    response = _post(client, campaign, "volontaires.xlsx", bomb)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Fichier refusé : rien n'a été importé" in html
    assert "Le classeur se décompresse " in html
    assert "fois (limite : 100 fois) : ce n&#x27;est pas un tableur ordinaire" in html
    assert "panel_volunteers_pending" not in client.session
    assert not Volunteer.objects.exists()


def test_a_file_past_the_row_limit_is_refused_and_one_at_the_limit_is_accepted(client, settings):
    settings.SPREADSHEET_MAX_ROWS = 2  # GOOD is a header and two volunteers
    campaign = make_campaign()
    longer = GOOD + "Paul Petit;paul@example.org;;H;25-34;Centre;;\n"

    response = _post(client, campaign, "volontaires.csv", longer.encode())

    html = response.content.decode()
    assert response.status_code == 400
    assert "Le fichier dépasse la limite de 2 lignes : le fichier n&#x27;est pas lu." in html
    assert "panel_volunteers_pending" not in client.session
    assert not Volunteer.objects.exists()

    settings.SPREADSHEET_MAX_ROWS = 3
    accepted = _post(client, campaign, "volontaires.csv", GOOD.encode()).content.decode()
    assert "2 volontaires seront ajoutés au vivier." in accepted


def test_a_workbook_past_the_column_limit_is_refused(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 7  # the header has 8
    campaign = make_campaign()
    data = workbook([HEADER.strip().split(";"), GOOD.splitlines()[1].split(";")])

    report = volunteers_import(
        campaign=campaign, data=data, filename="volontaires.xlsx", consent_confirmed=True
    )

    assert messages(report) == [
        "Ligne 1 : La feuille « Sheet » compte 8 colonnes, au-delà de la limite de 7 : le "
        "fichier n'est pas lu. Retirez les colonnes inutiles (vides comprises)."
    ]
    assert not Volunteer.objects.exists()


def test_a_large_volunteers_file_is_checked_by_the_worker_then_shown_on_the_pool_page(
    client, settings, tmp_path
):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 100
    campaign = make_campaign()
    client.force_login(facilitator())
    url = reverse("votes:panel_pool_import", kwargs={"slug": campaign.slug})
    upload = SimpleUploadedFile("volontaires.csv", GOOD.encode(), content_type="text/csv")

    response = client.post(url, {"file": upload, "consent_confirmed": "on"})

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert not Volunteer.objects.exists()
    pool = reverse("votes:panel_pool", kwargs={"slug": campaign.slug})
    assert job.result_url == f"{pool}?verification={job.pk}"
    body = client.get(job.result_url).content.decode()
    assert "2 volontaires seront ajoutés au vivier." in body
    token = client.session["panel_volunteers_pending"]["token"]
    confirm = reverse("votes:panel_pool_import_confirm", kwargs={"slug": campaign.slug})
    client.post(confirm, {"token": token})
    assert Volunteer.objects.count() == 2
