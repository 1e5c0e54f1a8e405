"""A workshop in real browsers, on the data `make run` loads: the facilitator opens a session
with two groups, two tablets (browser contexts) join by code and build different scenarios,
and the facilitator's dashboard (a third context) follows both, live. axe checks every
screen."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import (
    PASSWORD,
    assert_accessible,
    messages_text,
    starts,
    submit,
    visit,
    wait_until,
)
from tests.e2e.conftest import log_in as log_in_as
from votes.campaigns.workflow import campaign_move
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "budget-inverse-2026"


def add_group(page, name: str, kind: str) -> str:
    page.get_by_label(starts("Nom du groupe")).fill(name)
    page.get_by_label(starts("Type de groupe")).select_option(label=kind)
    submit(page, page.get_by_role("button", name="Ajouter le groupe"))
    assert f"Groupe « {name} » ajouté" in messages_text(page)
    return page.locator(".join-card", has_text=name).locator(".join-code").inner_text()


def join(page, base: str, typed: str, name: str) -> None:
    visit(page, f"{base}/atelier/")
    page.get_by_label(starts("Code de votre groupe")).fill(typed)
    submit(page, page.get_by_role("button", name="Rejoindre le groupe"))
    assert page.url == f"{base}/atelier/groupe/"
    assert page.locator("h1").inner_text().startswith(f"{name} : ")


def tick(page, slug: str) -> None:
    """Tick a measure by touch: htmx saves it and the arguments gain its form."""
    page.locator(f"#m-{slug}").tap()
    page.locator(f"#argument-{slug}").wait_for()


def full_year(page) -> str:
    return page.locator(".workshop-target-figures strong").first.inner_text()


def test_a_facilitator_follows_two_groups_building_their_scenarios(live_server, open_page, demo):
    base = live_server.url

    # 1. The facilitator prepares the session and its two tables.
    facilitator = open_page()
    log_in_as(facilitator, base, "/gestion/ateliers/", username="animateur-demo", password=PASSWORD)
    facilitator.get_by_label(starts("Campagne")).select_option(label=demo.title)
    facilitator.get_by_label(starts("Titre")).fill("Atelier du 10 octobre")
    facilitator.get_by_label(starts("Date et heure")).fill("2026-10-10T14:00")
    facilitator.get_by_label(starts("Lieu")).fill("Salle des fêtes")
    submit(facilitator, facilitator.get_by_role("button", name="Créer l'atelier"))
    workshop = Workshop.objects.get(title="Atelier du 10 octobre")
    assert facilitator.url == f"{base}/gestion/ateliers/{workshop.pk}/"
    code_a = add_group(facilitator, "Table A", "Mixte")
    code_b = add_group(facilitator, "Table B", "Femmes")
    assert re.fullmatch(r"[A-Z0-9]{6}", code_a) and code_a != code_b
    assert facilitator.locator(".join-card .qr svg").count() == 2

    # 2. Two tablets join, one typing its code in lower case with a space.
    table_a = open_page(width=1024, height=768, touch=True)
    join(table_a, base, f"{code_a[:3].lower()} {code_a[3:].lower()}", "Table A")
    assert "Objectif 300\u202f000\u00a0€" in table_a.locator("#workshop-target").inner_text()
    table_b = open_page(width=768, height=1024, touch=True)
    join(table_b, base, code_b, "Table B")

    # 3. They choose different measures (one in common); every change is saved at once.
    tick(table_a, "eclairage-nuit")
    tick(table_a, "piscine-lundi")
    table_a.get_by_label(starts("Pourquoi nous choisissons « Éteindre")).fill(
        "Les communes voisines le font déjà."
    )
    table_a.locator("#argument-eclairage-nuit").get_by_role(
        "button", name="Enregistrer l'argument"
    ).tap()
    table_a.locator("#argument-eclairage-nuit").get_by_text("Argument enregistré.").wait_for()
    table_a.get_by_label(starts("Nom de nos choix")).fill("La sobriété d'abord")
    table_a.get_by_role("button", name="Renommer nos choix").tap()
    table_a.get_by_role("heading", name="Table A : La sobriété d'abord").wait_for()
    assert_accessible(table_a)
    group_a = WorkshopGroup.objects.get(workshop=workshop, name="Table A")
    assert set(group_a.scenario.measures.values_list("slug", flat=True)) == {
        "eclairage-nuit",
        "piscine-lundi",
    }
    assert GroupArgument.objects.get(group=group_a).text == "Les communes voisines le font déjà."

    tick(table_b, "eclairage-nuit")
    tick(table_b, "fetes-ceremonies")
    assert_accessible(table_b)
    saving_a, saving_b = full_year(table_a), full_year(table_b)
    assert saving_a != saving_b

    # 4. The dashboard shows both groups' figures...
    dashboard = open_page()
    dashboard_path = f"/gestion/ateliers/{workshop.pk}/suivi/"
    log_in_as(dashboard, base, dashboard_path, username="animateur-demo", password=PASSWORD)
    row_a = dashboard.locator(".progress-table tbody tr", has_text="Table A")
    row_b = dashboard.locator(".progress-table tbody tr", has_text="Table B")
    assert saving_a in row_a.inner_text() and "2 mesures" in row_a.inner_text()
    assert "La sobriété d'abord" in row_a.inner_text()
    assert saving_b in row_b.inner_text() and "Femmes" in row_b.inner_text()
    dashboard.wait_for_selector("#chart-workshop-progress .main-svg")

    # ... and, by polling, the next change of a group, without reloading the page. The change
    # is made just after a poll: the test database (SQLite in memory) locks a table being
    # written, and a poll reading it at that very moment would fail.
    dashboard.evaluate(
        "window.polls = 0;document.body.addEventListener('htmx:afterRequest', () => window.polls++)"
    )
    wait_until(dashboard, "window.polls > 0")
    tick(table_b, "communication-papier")
    new_saving_b = full_year(table_b)
    assert new_saving_b != saving_b
    wait_until(
        dashboard,
        "([name, text]) => [...document.querySelectorAll('.progress-table tbody tr')].some("
        "row => row.textContent.includes(name) && row.textContent.includes(text))",
        arg=["Table B", new_saving_b],
        timeout=15_000,
    )
    assert "3 mesures" in row_b.inner_text()
    dashboard.wait_for_selector("#chart-workshop-progress .main-svg")
    assert_accessible(dashboard)
    dashboard.close()  # no more polls while the workshop closes and the database is emptied

    # 5. Closed, the workshop leaves each group its choices, read-only.
    visit(facilitator, f"{base}/gestion/ateliers/{workshop.pk}/")
    submit(facilitator, facilitator.get_by_role("button", name="Clore l'atelier"))
    visit(table_a, f"{base}/atelier/groupe/")
    assert "Cet atelier est clos" in table_a.locator("main").inner_text()
    assert table_a.locator("#m-eclairage-nuit").is_disabled()
    assert table_a.locator("#m-eclairage-nuit").is_checked()

    # 6. The comparison puts the measure both tables chose first, labelled "consensus" in
    # words. Consolidation keeps the campaign's rules: refused in the instruction phase, done
    # once an administrator brings the campaign back to the proposals phase.
    visit(facilitator, f"{base}/gestion/ateliers/{workshop.pk}/comparaison/")
    common = facilitator.locator(".consensus-matrix tbody tr").first
    assert common.locator("th").inner_text() == "Éteindre l'éclairage public de 1 h à 5 h consensus"
    assert "2 sur 2" in common.inner_text()
    facilitator.wait_for_selector("#chart-workshop-spread .main-svg")
    assert_accessible(facilitator)
    submit(facilitator, facilitator.get_by_role("link", name="Consolidation"))
    assert "phase « Instruction par les services »" in facilitator.locator("main").inner_text()
    admin = User.objects.get(username="admin-demo")
    campaign_move(campaign=demo, to_phase="proposals", by=admin, reason="Propositions du panel.")
    visit(facilitator, f"{base}/gestion/ateliers/{workshop.pk}/consolidation/")
    rubrique = facilitator.get_by_label(starts("Rubrique des propositions"))
    rubrique.select_option(label="Sport et culture")
    submit(facilitator, facilitator.get_by_role("button", name="Créer les propositions du panel"))
    assert "propositions du panel créées" in messages_text(facilitator)
    # With two groups, one of them is half: every measure chosen is a consensus, preselected.
    carried = WorkshopProposal.objects.filter(workshop=workshop)
    assert carried.count() == 4
    lights = carried.get(measure__slug="eclairage-nuit")
    assert sorted(lights.groups.values_list("name", flat=True)) == ["Table A", "Table B"]
    assert lights.proposal.author_label == "Panel citoyen"
    assert "Les communes voisines le font déjà." in lights.proposal.description
    assert facilitator.get_by_role("link", name=re.compile("— Éteindre l'éclairage")).is_visible()
