from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_authority, make_user
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.accounts import services as services
from votes.accounts.models import Profile
from votes.accounts.services import account_create

pytestmark = pytest.mark.django_db

URL = "/compte/inscription/"
GOOD_PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture
def territory():
    authority = make_authority(name="Montargis")
    return (
        authority,
        make_commune(authority, name="Montargis"),
        make_commune(authority, name="Amilly"),
    )


def _form(commune, **overrides) -> dict:
    data = {
        "email": "Jeanne.Martin@Example.org",
        "password": GOOD_PASSWORD,
        "pseudonym": "jeanne_42",
        "residence": str(commune.pk),
        "birth_year": "1984",
        "gender": "woman",
        "notify_results": "on",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert html.escape(message) in response.content.decode()


def _service_kwargs(commune, **overrides) -> dict:
    kwargs = {
        "email": "jeanne.martin@example.org",
        "password": GOOD_PASSWORD,
        "pseudonym": "jeanne_42",
        "commune": commune,
        "outside_territory": False,
        "birth_year": 1984,
        "gender": "",
        "notify_results": False,
        "consent": True,
    }
    kwargs.update(overrides)
    return kwargs


# --- the page -------------------------------------------------------------------------------


def test_the_page_explains_what_is_done_with_the_data(client, territory):
    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce que nous faisons de vos données" in content
    assert "seul votre pseudonyme est public" in content
    assert "au moins 5 personnes" in content
    assert "tant que votre compte existe" in content
    assert 'name="consent"' in content


def test_it_lists_the_communes_flat_when_there_is_one_territory(client, territory):
    content = client.get(URL).content.decode()

    assert "<optgroup" not in content
    assert ">Amilly</option>" in content
    assert ">Je n&#x27;habite pas sur le territoire</option>" in content


def test_it_groups_the_communes_by_authority_when_there_are_several(client, territory):
    other = make_authority(name="Agglomération de Sens")
    make_commune(other, name="Sens")

    content = client.get(URL).content.decode()

    assert '<optgroup label="Agglomération de Sens">' in content
    assert '<optgroup label="Montargis">' in content
    assert ">Sens</option>" in content


def test_a_sign_up_from_a_territory_lists_only_its_communes(client, territory):
    authority, _, _ = territory
    other = make_authority(name="Sens")
    make_commune(other, name="Paron")

    content = client.get(URL, {"collectivite": authority.slug}).content.decode()

    assert ">Amilly</option>" in content
    assert "Paron" not in content


def test_an_unknown_territory_is_a_404(client, territory):
    assert client.get(URL, {"collectivite": "nulle-part"}).status_code == 404


def test_a_logged_in_user_is_sent_to_their_data(client, territory):
    client.force_login(make_voter(outside_territory=True))

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/compte/mes-donnees/"


# --- happy paths ----------------------------------------------------------------------------


def test_it_creates_the_account_and_its_profile_and_logs_in(client, territory, mailoutbox):
    _, commune, _ = territory
    before = timezone.now()

    response = client.post(URL, _form(commune))

    assert response.status_code == 302
    assert response["Location"] == "/compte/mes-donnees/"
    user = User.objects.get()
    # The username is the e-mail, lowercased, so that one logs in with the address.
    assert user.username == "jeanne.martin@example.org"
    assert user.email == "jeanne.martin@example.org"
    assert user.is_active
    assert user.check_password(GOOD_PASSWORD)
    profile = user.profile
    assert profile.pseudonym == "jeanne_42"
    assert profile.commune == commune
    assert profile.outside_territory is False
    assert profile.birth_year == 1984
    assert profile.gender == Profile.Gender.WOMAN
    assert profile.notify_results is True
    assert profile.consented_at >= before
    assert profile.email_confirmed_at is None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jeanne.martin@example.org"]


def test_it_accepts_a_resident_of_outside_the_territory(client, territory):
    _, commune, _ = territory

    client.post(URL, _form(commune, residence="outside"))

    profile = Profile.objects.get()
    assert profile.commune is None
    assert profile.outside_territory is True


def test_gender_and_results_are_optional(client, territory):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, gender=None, notify_results=None))

    assert response.status_code == 302
    profile = Profile.objects.get()
    assert profile.gender == Profile.Gender.UNSAID
    assert profile.notify_results is False


def test_it_goes_back_where_the_visitor_came_from(client, territory):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, next="/campagnes/budget-2027/"))

    assert response["Location"] == "/campagnes/budget-2027/"


def test_it_ignores_a_next_address_on_another_site(client, territory):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, next="https://evil.example.com/"))

    assert response["Location"] == "/compte/mes-donnees/"


def test_a_proposal_shows_the_pseudonym_never_the_email(territory):
    _, commune, _ = territory
    user = account_create(**_service_kwargs(commune))
    proposal = make_proposal(make_campaign(authority=commune.authority), author=user)

    assert user.get_username() == "jeanne.martin@example.org"
    assert proposal.author_display == "jeanne_42"
    assert "@" not in proposal.author_display


# --- bad input: message shown, nothing written ----------------------------------------------


def _nothing_written(mailoutbox, users_before: int = 0) -> None:
    assert User.objects.count() == users_before
    assert Profile.objects.count() == users_before
    assert mailoutbox == []


@pytest.mark.parametrize(
    "email",
    ["jeanne.martin@example.org", "JEANNE.MARTIN@EXAMPLE.ORG", "Jeanne.Martin@example.org"],
)
def test_it_refuses_an_email_already_used_in_any_case(client, territory, mailoutbox, email):
    _, commune, _ = territory
    make_voter(
        username="jeanne.martin@example.org",
        email="jeanne.martin@example.org",
        commune=commune,
    )

    response = client.post(URL, _form(commune, email=email, pseudonym="autre_pseudo"))

    _assert_refused(response, "Un compte existe déjà avec cette adresse e-mail.")
    _nothing_written(mailoutbox, users_before=1)


def test_it_refuses_the_email_of_a_team_account(client, territory, mailoutbox):
    _, commune, _ = territory
    make_user(username="agent", email="Jeanne.Martin@example.org")

    response = client.post(URL, _form(commune))

    _assert_refused(response, "Un compte existe déjà avec cette adresse e-mail.")
    assert User.objects.count() == 1
    assert Profile.objects.count() == 0


@pytest.mark.parametrize("pseudonym", ["jeanne_42", "Jeanne_42", "JEANNE_42"])
def test_it_refuses_a_pseudonym_already_taken_in_any_case(client, territory, mailoutbox, pseudonym):
    _, commune, _ = territory
    make_voter(pseudonym="jeanne_42", commune=commune)

    response = client.post(URL, _form(commune, pseudonym=pseudonym))

    _assert_refused(response, "Ce pseudonyme est déjà pris : choisissez-en un autre.")
    _nothing_written(mailoutbox, users_before=1)


FORMAT = (
    "Le pseudonyme doit faire de 3 à 40 caractères : lettres, chiffres, tirets (-) et "
    "tirets bas (_), sans espace."
)
EMAIL_LIKE = "Le pseudonyme est public : n'y mettez pas d'adresse e-mail ni de nom de domaine."


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("jo", FORMAT),
        ("jeanne martin", FORMAT),
        ("jeanne.martin", FORMAT),
        ("<script>", FORMAT),
        ("x" * 41, "Le pseudonyme ne doit pas dépasser 40 caractères."),
        ("jeanne@example.org", EMAIL_LIKE),
        ("jeanne@", EMAIL_LIKE),
        ("jeanne.fr", EMAIL_LIKE),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_a_bad_pseudonym(client, territory, mailoutbox, pseudonym, message):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, pseudonym=pseudonym))

    _assert_refused(response, message)
    _nothing_written(mailoutbox)


def test_a_pseudonym_may_hold_accented_letters(client, territory):
    _, commune, _ = territory

    client.post(URL, _form(commune, pseudonym="Élodie-des_Prés"))

    assert Profile.objects.get().pseudonym == "Élodie-des_Prés"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
        ("12345678901", "Ce mot de passe est entièrement numérique."),
        ("motdepasse", "Ce mot de passe est trop courant."),
        ("jeanne.martin.org", "Le mot de passe est trop semblable"),
        ("", "Choisissez un mot de passe."),
    ],
)
def test_it_refuses_a_weak_password(client, territory, mailoutbox, password, message):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, password=password))

    _assert_refused(response, message)
    _nothing_written(mailoutbox)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pas-une-adresse", "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
        ("", "Indiquez votre adresse e-mail."),
        ("a" * 140 + "@example.org", "L&#x27;adresse e-mail ne doit pas dépasser 150 caractères."),
    ],
)
def test_it_refuses_a_bad_email(client, territory, mailoutbox, email, message):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, email=email))

    assert response.status_code == 200
    assert message in response.content.decode()
    _nothing_written(mailoutbox)


def test_it_refuses_a_sign_up_without_consent(client, territory, mailoutbox):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, consent=None))

    _assert_refused(
        response,
        "Cochez la case pour accepter le traitement de vos données, sans quoi le compte ne "
        "peut pas être créé.",
    )
    _nothing_written(mailoutbox)


@pytest.mark.parametrize(
    ("residence", "message"),
    [
        ("", "Indiquez votre commune de résidence, ou « Je n'habite pas sur le territoire »."),
        (
            "999999",
            "Choisissez votre commune de résidence dans la liste, ou « Je n'habite pas sur le "
            "territoire ».",
        ),
        (
            "Montargis",
            "Choisissez votre commune de résidence dans la liste, ou « Je n'habite pas sur le "
            "territoire ».",
        ),
    ],
)
def test_it_refuses_a_missing_or_unknown_residence(
    client, territory, mailoutbox, residence, message
):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, residence=residence))

    _assert_refused(response, message)
    _nothing_written(mailoutbox)


def test_a_sign_up_from_a_territory_refuses_a_commune_of_another(client, territory, mailoutbox):
    authority, _, _ = territory
    elsewhere = make_commune(make_authority(name="Sens"), name="Paron")

    response = client.post(
        URL, _form(elsewhere, residence=str(elsewhere.pk), collectivite=authority.slug)
    )

    _assert_refused(
        response,
        "Choisissez votre commune de résidence dans la liste, ou « Je n'habite pas sur le "
        "territoire ».",
    )
    _nothing_written(mailoutbox)


@pytest.mark.parametrize(
    ("birth_year", "message"),
    [
        ("1899", None),
        ("next-year", None),
        ("1984.5", "Saisissez l'année en chiffres, par exemple 1984."),
        ("mil neuf cent", "Saisissez l'année en chiffres, par exemple 1984."),
        ("", "Indiquez votre année de naissance."),
    ],
)
def test_it_refuses_a_bad_birth_year(client, territory, mailoutbox, birth_year, message):
    _, commune, _ = territory
    this_year = timezone.localdate().year
    if birth_year == "next-year":
        birth_year = str(this_year + 1)
    if message is None:
        message = f"L'année de naissance doit être comprise entre 1900 et {this_year}."

    response = client.post(URL, _form(commune, birth_year=birth_year))

    _assert_refused(response, message)
    _nothing_written(mailoutbox)


def test_it_accepts_the_first_and_last_plausible_birth_years(territory):
    _, commune, _ = territory
    this_year = timezone.localdate().year

    account_create(**_service_kwargs(commune, birth_year=1900))
    account_create(
        **_service_kwargs(commune, birth_year=this_year, email="b@example.org", pseudonym="bebe")
    )

    assert sorted(Profile.objects.values_list("birth_year", flat=True)) == [1900, this_year]


def test_it_refuses_an_unknown_gender(client, territory, mailoutbox):
    _, commune, _ = territory

    response = client.post(URL, _form(commune, gender="robot"))

    _assert_refused(response, "Choisissez une des réponses proposées.")
    _nothing_written(mailoutbox)


def test_it_shows_every_mistake_at_once(client, territory, mailoutbox):
    _, commune, _ = territory

    response = client.post(
        URL, _form(commune, pseudonym="jo", birth_year="1850", consent=None, residence="")
    )

    content = response.content.decode()
    assert html.escape(FORMAT) in content
    assert "comprise entre 1900 et" in content
    assert "Cochez la case pour accepter" in content
    assert "Indiquez votre commune de résidence" in content
    _nothing_written(mailoutbox)


# --- the service refuses what the form cannot send ------------------------------------------


def _refused(kwargs: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        account_create(**kwargs)
    assert caught.value.message_dict[field] == [message]
    assert User.objects.count() == 0
    assert Profile.objects.count() == 0


def test_the_service_refuses_both_a_commune_and_outside(territory):
    _, commune, _ = territory

    _refused(
        _service_kwargs(commune, outside_territory=True),
        "residence",
        "Choisissez soit une commune, soit « Je n'habite pas sur le territoire », pas les deux.",
    )


def test_the_service_refuses_no_residence_at_all(territory):
    _refused(
        _service_kwargs(None, outside_territory=False),
        "residence",
        "Indiquez votre commune de résidence, ou « Je n'habite pas sur le territoire ».",
    )


def test_the_service_refuses_a_commune_of_another_authority(territory):
    authority, _, _ = territory
    paron = make_commune(make_authority(name="Sens"), name="Paron")

    _refused(
        _service_kwargs(paron, authority=authority),
        "residence",
        "La commune Paron ne fait pas partie du territoire de Montargis.",
    )


def test_the_service_refuses_a_missing_consent(territory):
    _, commune, _ = territory

    _refused(
        _service_kwargs(commune, consent=False),
        "consent",
        "Cochez la case pour accepter le traitement de vos données, sans quoi le compte ne "
        "peut pas être créé.",
    )


def test_the_service_refuses_an_impossible_birth_year(territory):
    _, commune, _ = territory
    this_year = timezone.localdate().year

    _refused(
        _service_kwargs(commune, birth_year=this_year + 1),
        "birth_year",
        f"L'année de naissance doit être comprise entre 1900 et {this_year}.",
    )


def test_the_service_refuses_an_email_like_pseudonym(territory):
    _, commune, _ = territory

    _refused(_service_kwargs(commune, pseudonym="jeanne@example.org"), "pseudonym", EMAIL_LIKE)


def test_a_lost_race_for_the_same_email_is_refused_cleanly(territory, monkeypatch):
    _, commune, _ = territory
    account_create(**_service_kwargs(commune))
    # The second sign-up checked before the first one wrote: only the constraint stops it.
    monkeypatch.setattr(services, "email_taken", lambda email: False)

    with pytest.raises(ValidationError) as caught:
        account_create(**_service_kwargs(commune, pseudonym="autre_pseudo"))

    assert caught.value.messages == [
        "Cette adresse e-mail ou ce pseudonyme vient d'être pris : réessayez."
    ]
    assert User.objects.count() == 1
    assert Profile.objects.count() == 1
