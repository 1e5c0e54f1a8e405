"""The guarantor's journey in a browser, on the demo: assigned by an administrator, they read
the dashboard, the proposals, the anomalies and the registers, publish a remark, and find it
signed on the campaign page; the team edits the accessibility statement. axe on every page."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR
from tests.e2e.conftest import PASSWORD, log_in, submit, visit
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_guarantor_reads_everything_and_publishes_a_remark(live_server, open_page, demo):
    base = live_server.url
    slug = demo.slug
    admin = make_user(username="admin-garant", roles=(ADMINISTRATOR,))
    make_user(username="paul", first_name="Paul", last_name="Martin")

    team = open_page()
    log_in(
        team,
        base,
        f"/gestion/campagnes/{slug}/garants/",
        username=admin.username,
        password=PASSWORD,
    )
    team.get_by_label("Compte du garant (identifiant ou adresse électronique)").fill("paul")
    team.get_by_label("Qualité").fill("Garant désigné par la CNDP")
    submit(team, team.get_by_role("button", name="Désigner"))
    assert "Paul Martin" in team.locator("table").inner_text()

    guarantor = open_page()
    log_in(guarantor, base, f"/garant/{slug}/", username="paul", password=PASSWORD)
    for path in ("propositions/", "anomalies/", "registres/"):
        visit(guarantor, f"{base}/garant/{slug}/{path}")
    visit(guarantor, f"{base}/gestion/instruction/{slug}/")
    visit(guarantor, f"{base}/gestion/campagnes/{slug}/statistiques/")
    visit(guarantor, f"{base}/garant/{slug}/remarque/")
    guarantor.get_by_role("textbox", name="Remarque").fill(
        "Les réunions publiques ont eu lieu comme annoncé."
    )
    submit(guarantor, guarantor.get_by_role("button", name="Publier"))

    citizen = open_page()  # anonymous: the remark is public, signed and dated
    visit(citizen, f"{base}/campagnes/{slug}/")
    remark = citizen.locator("#garant").inner_text()
    assert "Les réunions publiques ont eu lieu comme annoncé." in remark
    assert "— Paul Martin, Garant désigné par la CNDP, le" in remark


def test_the_team_edits_the_accessibility_statement(live_server, open_page, demo):
    base = live_server.url
    admin = make_user(username="admin-a11y", roles=(ADMINISTRATOR,))
    team = open_page()
    log_in(team, base, "/gestion/accessibilite/", username=admin.username, password=PASSWORD)

    team.get_by_label("Entité responsable").fill("Communauté de communes du Val de Lorme")
    team.get_by_label("État de conformité").select_option("partial")
    team.get_by_label("Taux de conformité (pourcentage des critères RGAA respectés)").fill("75")
    team.get_by_label("Déclaration établie le").fill("2026-11-02")
    team.get_by_label("Adresse de contact").fill("accessibilite@val-de-lorme.example")
    submit(team, team.get_by_role("button", name="Enregistrer et publier"))

    assert team.url == base + "/accessibilite/"
    assert "Accessibilité : partiellement conforme" in team.locator("footer").inner_text()
