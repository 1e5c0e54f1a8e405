"""A station's paper ballots from a CSV file: all or nothing, void ballots are not errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_paper_services import station_with_officer
from votes.voting.models import Ballot, BallotLine, PaperVoter
from votes.voting.paper import PaperImportError, paper_ballots_import, parse_paper_csv

pytestmark = pytest.mark.django_db


def setup():
    station, officer = station_with_officer()
    commune = make_commune(station.campaign.authority, name="Saint-Éloi", insee_code="45999")
    return station, officer, commune


def test_a_good_file_records_every_ballot_including_void_ones():
    station, officer, commune = setup()
    citizen = make_voter(commune=commune, email="ali@example.org")
    content = (
        b"references;compte;nom;date_naissance;commune\n"
        b'"P-0001, P-0004";;Jeanne Martin;12/03/1961;45999\n'
        b"1,2,3;;Paul Durand;1970-01-31;saint eloi\n"
        b"2;ali@example.org;;;\n"
    )
    result = paper_ballots_import(station=station, officer=officer, content=content)
    assert (result.ballots, result.void) == (3, 1)
    assert result.void_reasons[0][0] == 3
    assert "3 choix pour 2 votes au plus" in result.void_reasons[0][1]
    assert Ballot.objects.filter(station=station).count() == 3
    assert Ballot.objects.filter(is_void=True).count() == 1
    assert sorted(BallotLine.objects.values_list("proposal__reference", flat=True)) == [1, 2, 4]
    assert PaperVoter.objects.filter(user=citizen).exists()
    assert PaperVoter.objects.count() == 3


def test_a_comma_separated_file_with_quoted_references_is_read():
    station, officer, _commune = setup()
    content = b'references,nom,date_naissance,commune\n"1, 4",Jeanne Martin,12/03/1961,45999\n'
    result = paper_ballots_import(station=station, officer=officer, content=content)
    assert (result.ballots, result.void) == (1, 0)


def test_a_malformed_row_refuses_the_whole_file():
    station, officer, _commune = setup()
    content = (
        b"references;compte;nom;date_naissance;commune\n"
        b"1;;Jeanne Martin;12/03/1961;45999\n"
        b"1, quatre;;Paul Durand;31/13/1970;45999\n"
        b"2;;;;\n"
        b"3;inconnu@example.org;;;\n"
        b"4;;Luc Petit;01/01/1980;Atlantis\n"
    )
    with pytest.raises(PaperImportError) as error:
        paper_ballots_import(station=station, officer=officer, content=content)
    assert error.value.messages == [
        "Ligne 3 : « quatre » n'est pas une référence de proposition (ex. P-0012 ou 12).",
        "Ligne 3 : date de naissance « 31/13/1970 » illisible (attendu JJ/MM/AAAA).",
        "Ligne 4 : le votant n'est pas identifié (compte, ou nom + date + commune).",
        "Ligne 5 : aucun compte « inconnu@example.org ».",
        "Ligne 6 : commune « Atlantis » inconnue sur ce territoire.",
    ]
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_the_same_voter_twice_in_a_file_is_an_error():
    station, officer, _commune = setup()
    content = (
        b"references;nom;date_naissance;commune\n"
        b"1;Jeanne Martin;12/03/1961;45999\n"
        b"2;JEANNE MARTIN;12/03/1961;45999\n"
    )
    with pytest.raises(PaperImportError) as error:
        paper_ballots_import(station=station, officer=officer, content=content)
    assert error.value.messages == ["Ligne 3 : même votant qu'à la ligne 2."]
    assert not Ballot.objects.exists()


def test_a_voter_already_in_a_register_is_an_error_for_the_file():
    station, officer, _commune = setup()
    first = b"references;nom;date_naissance;commune\n1;Jeanne Martin;12/03/1961;45999\n"
    paper_ballots_import(station=station, officer=officer, content=first)
    second = (
        b"references;nom;date_naissance;commune\n2;Paul Durand;01/01/1970;45999\n"
        b"2;Jeanne Martin;12/03/1961;45999\n"
    )
    with pytest.raises(PaperImportError) as error:
        paper_ballots_import(station=station, officer=officer, content=second)
    assert "Ligne 3 : Cette personne" in error.value.messages[0]
    assert Ballot.objects.count() == 1 and PaperVoter.objects.count() == 1


def test_a_file_without_the_expected_header_is_refused():
    rows, errors = parse_paper_csv("bulletin;qui\n1;moi\n")
    assert rows == []
    assert errors == [
        "En-tête attendu : references ; compte ; nom ; date_naissance ; commune "
        "(colonnes trouvées : bulletin, qui)."
    ]


def test_an_empty_file_is_refused():
    assert parse_paper_csv("")[1] == ["Le fichier est vide : il faut au moins la ligne d'en-tête."]
    assert parse_paper_csv("references;nom\n")[1] == ["Le fichier ne contient aucun bulletin."]


def test_a_windows_1252_file_is_read():
    station, officer, _commune = setup()
    content = "references;nom;date_naissance;commune\n1;Éloïse Légère;12/03/1961;Saint-Éloi\n"
    result = paper_ballots_import(
        station=station, officer=officer, content=content.encode("cp1252")
    )
    assert result.ballots == 1
    assert PaperVoter.objects.get().name_key == "eloise legere"


def test_an_officer_of_another_station_cannot_import():
    station, _officer, _commune = setup()
    _other, other_officer = station_with_officer(station.campaign, name="École")
    with pytest.raises(PermissionDenied):
        paper_ballots_import(
            station=station,
            officer=other_officer,
            content=b"references;nom;date_naissance;commune\n1;Jeanne Martin;12/03/1961;45999\n",
        )
    assert not Ballot.objects.exists()
