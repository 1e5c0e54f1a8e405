"""Reading a census list: CSV and XLSX, column names, every row's problem, nothing kept."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook

from votes.census.imports import census_file_read, census_keys_check
from votes.census.keys import census_key

GOOD = "nom;prénoms;date de naissance;code postal\nMartin;Jeanne;12/03/1961;45000\n"


def read(text: str, filename: str = "liste.csv"):
    return census_file_read(campaign_id=7, data=text.encode("utf-8"), filename=filename)


def test_a_csv_list_gives_one_key_per_person_and_no_name():
    report = read(GOOD + "Durand;Paul;1990-07-01;45 100\n")
    assert report.ok and report.created == 2
    expected = census_key(
        campaign_id=7,
        name="Jeanne Martin",
        birth_date=datetime(1961, 3, 12).date(),
        postcode="45000",
    )
    assert report.keys[0] == expected
    assert b"Martin" not in report.payload() and b"1961" not in report.payload()


def test_accents_case_hyphens_and_name_order_do_not_change_the_key():
    one = read("nom et prénom;naissance;cp\nÉloïse DUPONT-Léger;01/02/2000;45000\n")
    other = read("NOM;Prenoms;Date_Naissance;Code_Postal\ndupont leger;eloise;2000-02-01;45000\n")
    assert one.ok and other.ok and one.keys == other.keys


def test_an_xlsx_list_with_date_cells_and_a_postcode_read_as_a_number():
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Date de naissance", "Code postal"])
    sheet.append(["Martin", "Jeanne", datetime(1961, 3, 12), 1000])
    data = io.BytesIO()
    book.save(data)
    report = census_file_read(campaign_id=7, data=data.getvalue(), filename="liste.xlsx")
    assert report.ok
    assert report.keys == [
        census_key(
            campaign_id=7,
            name="Martin Jeanne",
            birth_date=datetime(1961, 3, 12).date(),
            postcode="01000",
        )
    ]


def test_every_bad_row_is_listed_with_its_line_and_no_key_is_kept():
    report = read(
        GOOD
        + "Durand;;1990-07-01;45100\n"
        + "Petit;Luc;31/02/1990;45100\n"
        + "Roux;Ana;01/01/1980;4510A\n"
        + "martin;JEANNE;12/03/1961;45000\n"
    )
    assert not report.ok and report.keys == []
    messages = [error.message for error in report.errors]
    assert messages[0].startswith("Ligne 3, colonne prénoms : le prénom est obligatoire")
    assert messages[1].startswith("Ligne 4, colonne date de naissance : date de naissance")
    assert messages[2].startswith("Ligne 5, colonne code postal : code postal « 4510A »")
    assert messages[3] == (
        "Ligne 6 : même personne (nom, date de naissance, code postal) qu'à la ligne 2."
    )


def test_a_header_without_the_needed_columns_is_refused():
    report = read("nom;adresse\nMartin;1 rue\n")
    assert not report.ok
    assert "en-tête attendu" in report.errors[0].message


def test_an_empty_file_and_a_header_alone_are_refused():
    assert read("").errors[0].message == "Le fichier est vide."
    assert read("nom;prénom;date de naissance;code postal\n").errors[0].message == (
        "Le fichier ne contient personne."
    )


def test_the_stashed_hashes_are_read_back_and_anything_else_refused():
    report = read(GOOD)
    assert census_keys_check(report.payload(), campaign=7).keys == report.keys
    assert not census_keys_check(b"Martin;Jeanne", campaign=7).ok
