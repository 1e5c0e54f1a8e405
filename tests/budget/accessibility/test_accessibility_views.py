from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from budget.accessibility.models import AccessibilityStatement
from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_budget, make_user
from tests.votes.factories import make_campaign

pytestmark = pytest.mark.django_db

Level = AccessibilityStatement.Level


def statement(**overrides) -> AccessibilityStatement:
    values = {
        "entity": "Ville de Montargis",
        "level": Level.PARTIAL,
        "rate": Decimal("72.50"),
        "audited_by": "Access42",
        "established_on": date(2026, 11, 2),
        "contact_email": "accessibilite@montargis.example",
        "non_compliant": "Graphiques sans alternative sur mobile\nFocus peu visible",
        "derogations": "",
    }
    values.update(overrides)
    return AccessibilityStatement.objects.create(**values)


def test_without_a_statement_the_page_says_non_conforme_and_the_recourse(client):
    page = client.get("/accessibilite/").content.decode()

    assert "est <strong>non conforme</strong>" in page
    assert "aucun audit de conformité n'a encore été réalisé" in page
    assert "Défenseur des droits" in page
    assert "Libre réponse 71120, 75342 Paris CEDEX 07" in page


def test_the_page_follows_the_rgaa_format(client):
    statement()

    page = client.get("/accessibilite/").content.decode()

    assert "Ville de Montargis s'engage à rendre ses services en ligne accessibles" in page
    assert "est <strong>partiellement conforme</strong>" in page
    assert "(RGAA 4.1.2)" in page
    assert "réalisé par Access42 révèle que 72,5 % des critères" in page
    assert "<li>Graphiques sans alternative sur mobile</li><li>Focus peu visible</li>" in page
    assert "Dérogations pour charge disproportionnée" in page
    assert "Cette déclaration a été établie le 2 novembre 2026." in page
    assert "HTML5, CSS, JavaScript, SVG" in page
    assert "Environnement de test" in page
    assert 'href="mailto:accessibilite@montargis.example"' in page
    assert "Voies de recours" in page


@pytest.mark.parametrize(
    "path", ["/", "/campagnes/", "/glossaire/", "/accessibilite/", "/connexion/", "/budgets/{b}/"]
)
def test_every_page_links_the_statement_from_its_footer_with_the_level(client, path):
    budget = make_budget()
    make_campaign()
    statement()

    page = client.get(path.format(b=budget.slug)).content.decode()

    footer = page[page.index('<footer class="site-footer"') :]
    assert '<a href="/accessibilite/">Accessibilité : partiellement conforme</a>' in footer


def test_without_a_statement_the_footer_says_non_conforme(client):
    page = client.get("/").content.decode()

    assert '<a href="/accessibilite/">Accessibilité : non conforme</a>' in page


def test_error_pages_link_it_too(client):
    page = client.get("/campagnes/nulle-part/").content.decode()

    assert "Accessibilité : non conforme" in page


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_edits_it(client, role):
    client.force_login(make_user(roles=(role,)))

    response = client.post(
        "/gestion/accessibilite/",
        {
            "entity": "Ville de Montargis",
            "level": "total",
            "rate": "100",
            "rgaa_version": "RGAA 4.1.2",
            "established_on": "2026-11-02",
            "technologies": "HTML5",
            "test_environment": "Firefox et NVDA",
            "contact_email": "a11y@montargis.example",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accessibilite/"
    assert AccessibilityStatement.objects.get().get_level_display() == "totalement conforme"


def test_a_level_that_does_not_match_the_rate_is_refused_in_place(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(
        "/gestion/accessibilite/",
        {
            "entity": "Ville de Montargis",
            "level": "total",
            "rate": "80",
            "rgaa_version": "RGAA 4.1.2",
            "established_on": "2026-11-02",
            "technologies": "HTML5",
            "test_environment": "Firefox",
            "contact_email": "a11y@montargis.example",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "« Totalement conforme » demande un taux de 100 %." in body
    assert 'value="Ville de Montargis"' in body  # nothing typed is lost
    assert not AccessibilityStatement.objects.exists()


def test_a_missing_email_is_refused_in_place(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post("/gestion/accessibilite/", {"entity": "Ville", "level": "none"})

    assert response.status_code == 200
    assert response.context["form"].errors["contact_email"] == ["Ce champ est obligatoire."]
    assert not AccessibilityStatement.objects.exists()


@pytest.mark.parametrize("roles", [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)])
def test_others_cannot_edit_it(client, roles):
    client.force_login(make_user(roles=roles))

    assert client.get("/gestion/accessibilite/").status_code == 403
    assert client.post("/gestion/accessibilite/", {"entity": "x"}).status_code == 403
    assert not AccessibilityStatement.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/gestion/accessibilite/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_the_guarantor_cannot_edit_it(client):
    from tests.votes.guarantor.factories import make_guarantor

    client.force_login(make_guarantor(make_campaign()))

    assert client.post("/gestion/accessibilite/", {"entity": "x"}).status_code == 403
