"""After the session, in a real browser: the facilitator compares the groups (the common
measure stands out, in words too), turns it into the panel's proposal, and prints the summary.
axe checks every screen."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    PASSWORD,
    assert_accessible,
    log_in,
    messages_text,
    starts,
    submit,
    visit,
)
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.proposals.models import Proposal
from votes.workshops.models import WorkshopGroup, WorkshopProposal
from votes.workshops.services import group_argument_set, group_choices_save

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workshop():
    """Three tables: two chose the lights (the common measure), one also the pool."""
    setup = make_workshop_setup()
    one = make_group(setup, "Table A", kind=WorkshopGroup.Kind.MIXED)
    two = make_group(setup, "Table B", kind=WorkshopGroup.Kind.WOMEN)
    group_choices_save(group=one, measures=["eclairage-nuit", "piscine-lundi"])
    group_choices_save(group=two, measures=["eclairage-nuit"])
    make_group(setup, "Table C", kind=WorkshopGroup.Kind.YOUNG)
    group_argument_set(group=one, measure=setup.lights, text="Les communes voisines le font déjà.")
    return setup


def test_the_facilitator_compares_consolidates_and_prints(live_server, page, workshop):
    base = live_server.url
    pk = workshop.workshop.pk
    log_in(
        page,
        base,
        f"/gestion/ateliers/{pk}/comparaison/",
        username=workshop.facilitator.username,
        password=PASSWORD,
    )

    # 1. The comparison: the common measure is a consensus, said in words, not colour only.
    common = page.locator(".consensus-matrix tbody tr", has_text="Éteindre l'éclairage la nuit")
    assert "consensus" in (common.get_attribute("class") or "")
    assert "consensus" in common.locator("th").inner_text()
    cells = common.locator("td.check .visually-hidden").all_inner_texts()
    assert cells == ["choisie", "choisie", "non choisie"]
    other = page.locator(".consensus-matrix tbody tr", has_text="Fermer la piscine le lundi")
    assert "consensus" not in other.inner_text()
    assert "Choix par type de groupe" in page.locator("main").inner_text()
    page.wait_for_selector("#chart-workshop-spread .main-svg")
    page.wait_for_selector("#chart-workshop-consensus .main-svg")
    assert_accessible(page)

    # 2. Consolidation: the consensus comes preselected; the panel signs the proposal.
    submit(page, page.get_by_role("link", name="Consolidation"))
    # Django puts the checkbox inside its label: the label's text begins with a space.
    lights = page.get_by_label("Éteindre l'éclairage la nuit — 2 groupes sur 3 · consensus")
    assert lights.is_checked()
    assert not page.get_by_label("Fermer la piscine le lundi — 1 groupe sur 3").is_checked()
    page.get_by_label(starts("Nom du panel")).fill("Panel citoyen de l'Est")
    submit(page, page.get_by_role("button", name="Créer les propositions du panel"))
    refused = page.locator("main").inner_text()
    assert "Le formulaire n'a pas été enregistré" in refused
    assert "Ce champ est obligatoire." in refused
    assert not Proposal.objects.exists()
    page.get_by_label(starts("Rubrique des propositions")).select_option(label="Énergie")
    page.get_by_label(starts("Nom du panel")).fill("Panel citoyen de l'Est")
    submit(page, page.get_by_role("button", name="Créer les propositions du panel"))
    assert "1 proposition du panel créée : P-0001." in messages_text(page)
    proposal = Proposal.objects.get()
    assert (proposal.author_label, proposal.measure) == ("Panel citoyen de l'Est", workshop.lights)
    outcome = WorkshopProposal.objects.get()
    assert sorted(outcome.groups.values_list("name", flat=True)) == ["Table A", "Table B"]
    submit(page, page.get_by_role("link", name="P-0001 — Éteindre l'éclairage la nuit"))
    assert "Panel citoyen de l'Est" in page.locator("main").inner_text()
    assert "Les communes voisines le font déjà." in page.locator("main").inner_text()

    # 3. The printable summary, with its workbook.
    visit(page, f"{base}/gestion/ateliers/{pk}/synthese/")
    summary = page.locator("main").inner_text()
    assert "P-0001 — Éteindre l'éclairage la nuit" in summary
    assert "Les communes voisines le font déjà." in summary
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="Imprimer / PDF").is_hidden()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la synthèse (XLSX)").click()
    assert download.value.suggested_filename == f"synthese-atelier-du-panel-{pk}.xlsx"
