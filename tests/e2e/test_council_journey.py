"""Issue 6's "Done" in a real browser, on the data `make run` loads: the whole demo journey,
explore → simulate → propose → instruct → validate → vote (online, code, paper) → tally → send
to council → answer → publish → follow-up, until a citizen sees what became of every
proposal. axe checks every page visited."""

from __future__ import annotations

import hashlib
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from budget.models import Commune
from fixtures import demo_campaign as data
from fixtures import make_demo
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
from votes.campaigns.models import Campaign, Category, Phase
from votes.council.models import CouncilAnswer, CouncilSnapshot, FollowUp
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.voting.models import Ballot, PollingStation, VotingCodeBatch

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = data.SLUG
BUDGET = data.BUDGET_SLUG
SPORT = "Sport et culture"
LIFE = "Cadre de vie et énergie"
TITLE = "Louer la salle de musculation aux clubs le samedi"
NEW = f"P-{len(data.PROPOSALS) + 1:04d}"  # the citizen's proposal, after the demo's
BATCH = "Permanence du marché"
MILESTONE = "Convention signée avec les trois clubs"


def log_in(page, base: str, path: str, *, username: str) -> None:
    log_in_as(page, base, path, username=username, password=PASSWORD)


def move_to_next_phase(page, base: str, phase: str) -> None:
    visit(page, f"{base}/gestion/campagnes/{SLUG}/")
    submit(page, page.get_by_role("link", name=f"Passer à la phase suivante : {phase}"))
    # With warnings (proposals left off the ballot, open stations) the button says so.
    confirm = re.compile(rf"^Confirmer( malgré ces points)? : passer à la phase « {phase} »$")
    submit(page, page.get_by_role("button", name=confirm))
    assert f"La campagne est passée en phase « {phase} »." in messages_text(page)


def toggle(page, reference: int, category: Category, counter: str) -> None:
    """Click a proposal's Ajouter/Retirer button; htmx swaps its category in place."""
    page.locator(f"#choice-{reference}").click()
    page.locator(f"#counter-{category.pk}").filter(has_text=counter).wait_for()
    assert_accessible(page)


def download(page, link) -> bytes:
    with page.expect_download() as event:
        link.click()
    return Path(event.value.path()).read_bytes()


def checks(page) -> dict[str, str]:
    """The sending page's preconditions: label → state as shown."""
    rows = page.locator("main table tbody tr")
    return {
        row.locator("th").inner_text(): row.locator("td").first.inner_text() for row in rows.all()
    }


def row_cells(section, reference: str) -> list[str]:
    return section.locator(".results-table tbody tr", has_text=reference).inner_text().split("\t")


# --- the journey -----------------------------------------------------------------------------


def test_the_demo_campaign_goes_from_the_explorer_to_the_councils_published_answers(
    live_server, open_page, demo, mailoutbox
):
    base = live_server.url
    sport = Category.objects.get(campaign=demo, name=SPORT)
    life = Category.objects.get(campaign=demo, name=LIFE)

    # 1. Explore: the demo budget, then one of its lines.
    citizen = open_page()
    visit(citizen, f"{base}/budgets/{BUDGET}/")
    assert "Val-de-Lorme" in citizen.locator("h1").inner_text()
    visit(citizen, f"{base}/budgets/{BUDGET}/lignes/?q=1641")
    submit(citizen, citizen.get_by_role("link", name="IR-1641-01"))
    assert citizen.url == f"{base}/budgets/{BUDGET}/lignes/IR-1641-01/"
    assert citizen.locator("ul.rule-sentences li").count() == 2

    # 2. Simulate: a catalogue measure ticked, the summary follows.
    visit(citizen, f"{base}/budgets/{BUDGET}/simulateur/")
    summary = citizen.locator("#sim-summary")
    assert "ne change encore rien" in summary.inner_text()
    citizen.locator("#m-eclairage-nuit").check()
    wait_until(citizen, "document.querySelector('#sim-summary').textContent.includes('économise')")
    assert "par an en année pleine" in summary.inner_text()
    assert_accessible(citizen)

    # 3. Propose: the administrator reopens the proposals phase, with a written reason.
    admin = open_page()
    log_in(admin, base, f"/gestion/campagnes/{SLUG}/", username=data.ADMIN)
    admin.get_by_text("Revenir à une phase antérieure").click()
    admin.get_by_label(starts("Revenir à la phase")).select_option(label="Dépôt des propositions")
    reason = "Les clubs sportifs ont demandé une semaine de plus pour déposer."
    admin.get_by_label(starts("Motif (conservé dans l'historique)")).fill(reason)
    submit(admin, admin.get_by_role("button", name="Revenir à cette phase"))
    assert "La campagne est revenue en phase « Dépôt des propositions »." in messages_text(admin)
    back = admin.locator("#phase tbody tr").last.inner_text()
    assert "Instruction par les services\tDépôt des propositions retour" in back
    assert reason in back

    # The demo voter files a savings proposal with the plain form (the simulator offers no
    # "propose this scenario" button).
    create_path = f"/campagnes/{SLUG}/propositions/nouvelle/"
    visit(citizen, f"{base}/campagnes/{SLUG}/")
    submit(citizen, citizen.get_by_role("link", name="Déposer une proposition"))
    assert citizen.url.startswith(f"{base}/connexion/?next=")
    citizen.locator("#id_username").fill(data.DEMO_VOTER)
    citizen.locator("#id_password").fill(PASSWORD)
    submit(citizen, citizen.get_by_role("button", name="Se connecter"))
    assert citizen.url == base + create_path
    citizen.get_by_label(starts("Titre")).fill(TITLE)
    citizen.get_by_label(starts("Rubrique")).select_option(label=SPORT)
    citizen.get_by_label(starts("Description")).fill(
        "La salle de musculation du gymnase est fermée le samedi : les clubs la loueraient."
    )
    citizen.get_by_label(starts("Votre estimation (€)")).fill("15 000")
    submit(citizen, citizen.get_by_role("button", name="Publier ma proposition"))
    assert citizen.locator("h1").inner_text() == f"{NEW} · {TITLE}"
    assert f"Votre proposition {NEW} est publiée." in messages_text(citizen)
    reference = int(NEW[2:])
    # The demo's contract has a supports phase; its screening ran the first time through,
    # so the new proposal goes on to the instruction (the step runs once).
    move_to_next_phase(admin, base, "Soutiens")
    move_to_next_phase(admin, base, "Instruction par les services")

    # 4. Instruct: the administrator assigns it to the Sports service, whose instructor
    # instructs it and submits it to the finance service.
    visit(admin, f"{base}/gestion/instruction/{SLUG}/attribution/")
    admin.get_by_label(starts(f"Service de {NEW}")).select_option(label="Sports")
    submit(admin, admin.get_by_role("button", name=f"Attribuer {NEW}", exact=True))
    assert "1 proposition(s) attribuée(s) au service « Sports »." in messages_text(admin)

    instruction_path = f"/gestion/instruction/{SLUG}/{reference}/"
    instructor = open_page()
    log_in(instructor, base, instruction_path, username=data.INSTRUCTOR)
    instructor.get_by_label(starts("Avis")).select_option(label="Faisable")
    instructor.get_by_label(starts("Économie nette instruite")).fill("12 000")
    instructor.get_by_label(starts("Durée de réalisation")).fill("Dès janvier 2027")
    instructor.get_by_label(starts("Motivation publique")).fill(
        "Faisable : trois clubs ont confirmé leur intérêt, au tarif des salles municipales."
    )
    submit(
        instructor,
        instructor.get_by_role(
            "button", name="Enregistrer et soumettre à la direction des finances"
        ),
    )
    assert "Instruction enregistrée et soumise à la direction des finances." in (
        messages_text(instructor)
    )

    # 5. Validate: the finance service checks the figures.
    finance = open_page()
    log_in(finance, base, instruction_path, username=data.FINANCE)
    submit(finance, finance.get_by_role("button", name="Valider l'instruction"))
    assert f"Instruction de {NEW} validée." in messages_text(finance)
    assert Instruction.objects.get(proposal__reference=reference).validation == "validated"

    # 6. Vote: online, with a code, on paper.
    move_to_next_phase(admin, base, "Vote")
    visit(citizen, f"{base}/campagnes/{SLUG}/vote/")
    toggle(citizen, reference, sport, "1 vote sur 3")
    toggle(citizen, 16, life, "1 vote sur 2")
    submit(citizen, citizen.get_by_role("link", name="Relire mon bulletin et voir mon reçu").first)
    assert "Votre bulletin compte 2 choix." in citizen.locator("main").inner_text()

    facilitator = open_page()
    codes_path = f"/gestion/campagnes/{SLUG}/codes/"
    log_in(facilitator, base, codes_path, username="animateur-demo")
    facilitator.get_by_label(starts("Libellé du lot")).fill(BATCH)
    facilitator.get_by_label(starts("Nombre de codes")).fill("2")
    submit(facilitator, facilitator.get_by_role("button", name="Générer les codes"))
    # A task makes the batch (at once here): its job page says so and links back.
    assert f"Lot « {BATCH} » créé : 2 codes." in facilitator.locator("main").inner_text()
    submit(facilitator, facilitator.get_by_role("link", name="Voir les lots de codes"))
    row = facilitator.locator("tbody tr", has_text=BATCH)
    submit(facilitator, row.get_by_role("button", name="Produire la feuille (et le CSV)"))
    code = facilitator.locator(".code-card .code").first.inner_text().strip()

    anonymous = open_page()
    visit(anonymous, f"{base}/campagnes/{SLUG}/code/")
    anonymous.get_by_label(starts("Votre code de vote")).fill(code)
    submit(anonymous, anonymous.get_by_role("button", name="Ouvrir mon bulletin"))
    for choice in (reference, 8):
        anonymous.locator(f"#choix-{choice}").check()
    submit(anonymous, anonymous.get_by_role("button", name="Vérifier mes choix"))
    submit(anonymous, anonymous.get_by_role("button", name="Confirmer mon vote"))
    assert anonymous.locator("h1").inner_text() == "Votre vote est enregistré"

    officer = open_page()
    log_in(officer, base, "/bureau/", username=data.OFFICER)
    submit(officer, officer.get_by_role("link", name=data.STATION_NAME))
    station_url = officer.url
    commune = Commune.objects.get(insee_code=make_demo.INSEE_CODE)
    officer.get_by_label(starts("Nom et prénom")).fill("Jeanne Durand")
    officer.get_by_label(starts("Date de naissance")).fill("1950-03-14")
    officer.get_by_label(starts("Commune de résidence")).select_option(str(commune.pk))
    officer.get_by_label(starts("Propositions cochées")).fill(f"{NEW}, P-0024")
    submit(officer, officer.get_by_role("button", name="Enregistrer le bulletin"))
    assert "Bulletin enregistré." in messages_text(officer)
    assert Ballot.objects.filter(campaign=demo).count() == 3

    # 7. Tally: the vote closes, the public results show the citizen's proposal retained.
    move_to_next_phase(admin, base, "Dépouillement")
    public = open_page()
    visit(public, f"{base}/campagnes/{SLUG}/resultats/")
    sport_section = public.locator(
        "section.results-category", has=public.get_by_role("heading", name=SPORT, exact=True)
    )
    cells = row_cells(sport_section, NEW)
    assert cells[3:7] == ["1", "1", "1", "3"]
    assert cells[-1] == "retenu"

    # 8. Send to council: refused while the station and the code batch are open.
    visit(admin, f"{base}/gestion/campagnes/{SLUG}/")
    submit(admin, admin.get_by_role("link", name="Transmission au conseil"))
    send_url = admin.url
    state = checks(admin)
    assert state == {
        "Dépouillement calculé": "✓ Remplie",
        "Instruction validée de chaque proposition retenue": "✓ Remplie",
        "Bulletins papier arrêtés": "✗ Non remplie",
        "Lots de codes de vote clos": "✗ Non remplie",
    }
    submit(admin, admin.get_by_role("button", name="Transmettre au conseil"))
    refusal = admin.locator(".refusal").inner_text()
    assert "La transmission est refusée ; rien n'a été enregistré" in refusal
    assert f"Le bureau « {data.STATION_NAME} » n'est pas clos" in refusal
    assert f"Le lot de codes « {BATCH} » n'est pas clos" in refusal
    assert not CouncilSnapshot.objects.exists()

    # The officer closes the station; the administrator closes the code batch.
    visit(officer, station_url)
    submit(officer, officer.get_by_role("link", name="Clore le bureau"))
    submit(
        officer,
        officer.get_by_role("button", name=f"Confirmer : clore le bureau « {data.STATION_NAME} »"),
    )
    assert f"Bureau « {data.STATION_NAME} » clos" in messages_text(officer)
    visit(admin, send_url)
    submit(admin, admin.get_by_role("link", name="Clore les lots depuis la page des codes de vote"))
    submit(admin, admin.get_by_role("button", name=f"Clore le lot {BATCH}"))
    assert f"Lot « {BATCH} » clos." in messages_text(admin)
    assert PollingStation.objects.get(campaign=demo).closed_at is not None
    assert VotingCodeBatch.objects.get(campaign=demo).closed_at is not None

    visit(admin, send_url)
    assert list(checks(admin).values()) == ["✓ Remplie"] * 4
    submit(admin, admin.get_by_role("button", name="Transmettre au conseil"))
    assert "Les résultats sont transmis au conseil" in messages_text(admin)
    assert admin.locator("h1").inner_text() == "Résultats transmis au conseil"
    snapshot = CouncilSnapshot.objects.get(campaign=demo)
    fingerprint = admin.locator("dl.facts code").inner_text()
    assert fingerprint == snapshot.sha256
    content = download(admin, admin.get_by_role("link", name=starts("Télécharger conseil-")))
    assert Campaign.objects.get(pk=demo.pk).phase == Phase.COUNCIL

    # Anyone recomputes the fingerprint shown on the public results page from the download.
    visit(public, f"{base}/campagnes/{SLUG}/resultats/")
    shown = public.locator(".council-snapshot code").first.inner_text()
    assert hashlib.sha256(content).hexdigest() == shown == fingerprint

    # 9. The council report: final, sealed with the fingerprint, its XLSX downloadable.
    visit(admin, f"{base}/gestion/campagnes/{SLUG}/")
    submit(admin, admin.get_by_role("link", name="Rapport au conseil"))
    report = admin.locator("main").inner_text()
    assert "PROVISOIRE" not in report
    assert admin.locator(".report-draft-mark").count() == 0
    assert "Rapport définitif" in report
    assert admin.locator(".fingerprint").inner_text() == fingerprint
    # The workbook is written by a task (run at once here): its job page offers it.
    submit(admin, admin.get_by_role("button", name="Préparer le fichier du conseil (XLSX)"))
    assert admin.locator("[data-job-status]").inner_text() == "Terminée"
    workbook = load_workbook(
        BytesIO(
            download(
                admin,
                admin.get_by_role("link", name=f"Télécharger rapport-conseil-{SLUG}.xlsx"),
            )
        )
    )
    # The demo asks its satisfaction questions (votes/evaluation/): their sheet comes before
    # the method; the ratios before/after the winners follow the proposals (issue 16 §7).
    assert workbook.sheetnames[:7] == [
        "Synthèse",
        "Résultats",
        "Propositions et instruction",
        "Conséquences budgétaires",
        "Participation",
        "Satisfaction",
        "Méthode",
    ]
    method = [cell for row in workbook["Méthode"].iter_rows(values_only=True) for cell in row]
    assert any(fingerprint in str(cell) for cell in method if cell)

    # 10. Answer every proposal in sequence: retained ones adopted, one more adopted with
    # changes, the others deferred or rejected.
    visit(admin, f"{base}/gestion/campagnes/{SLUG}/avis/")
    submit(admin, admin.get_by_role("link", name="Saisir le premier avis manquant (P-0001)"))
    today = timezone.localdate()
    decisions: dict[str, str] = {}
    changed = "Adoptée avec modifications"
    answers_url = f"{base}/gestion/campagnes/{SLUG}/avis/"
    while admin.url != answers_url:
        number = admin.locator("h1").inner_text().split(" — ")[0]
        facts = admin.locator("section", has=admin.locator("#proposal-title"))
        result = facts.locator("dd").nth(4).inner_text()
        if result == "retenu":
            decision = "Adoptée"
        elif result.startswith("non retenu") and changed not in decisions.values():
            decision = changed
        elif result.startswith("non soumise au vote"):
            decision = "Rejetée"
        else:
            decision = "Reportée"
        decisions[number] = decision
        admin.get_by_label(decision, exact=True).check()
        admin.get_by_label(starts("Réponse argumentée")).fill(
            f"Le conseil a examiné {number} en séance : décision « {decision} »."
        )
        admin.get_by_label(starts("Référence de la délibération")).fill("DEL-2026-117")
        admin.get_by_label(starts("Date de la délibération")).fill(today.isoformat())
        submit(admin, admin.get_by_role("button", name="Enregistrer et passer à la suivante"))
        assert f"Avis enregistré pour {number}." in messages_text(admin)
    assert "Toutes les propositions ont un avis : vous pouvez les publier." in messages_text(admin)
    # Every public proposal is answered, those not retained at the supports stage too.
    published = Proposal.objects.filter(campaign=demo, status=Proposal.Status.PUBLISHED)
    not_retained = Proposal.objects.filter(campaign=demo).not_retained()
    assert (published.count(), not_retained.count()) == (27, 2)
    assert len(decisions) == CouncilAnswer.objects.count() == 29
    assert decisions[NEW] == "Adoptée"
    assert "Adoptée avec modifications" in decisions.values()
    assert {"Rejetée", "Reportée"} <= set(decisions.values())

    # 11. Publish: the campaign is answered, the authors are told.
    submit(admin, admin.get_by_role("link", name="Toutes les propositions ont un avis : publier"))
    submit(admin, admin.get_by_role("button", name="Publier les avis"))
    assert "Les avis du conseil sont publiés." in messages_text(admin)
    assert Campaign.objects.get(pk=demo.pk).phase == Phase.ANSWERED
    told = [
        m
        for m in mailoutbox
        if m.to == ["votant-demo@example.org"] and m.subject.startswith("Le conseil a répondu")
    ]
    assert len(told) == 1
    assert NEW in told[0].body

    # 12. The public "Suites données" page: every proposal, its answer, the citizen label.
    outcomes_url = f"{base}/campagnes/{SLUG}/suites/"
    visit(public, outcomes_url)
    cards = public.locator("article.outcome")
    assert cards.count() == len(decisions)
    for number, decision in decisions.items():
        card = public.locator(f"article#{number}")
        text = card.inner_text()
        assert f"Décision du conseil\n{decision}" in text, number
        assert f"décision « {decision} »" in text
        labelled = card.locator(".citizen-label").count() == 1
        assert labelled == decision.startswith("Adoptée"), number
    assert (
        "Le suivi de réalisation sera publié ici." in public.locator(f"article#{NEW}").inner_text()
    )

    # The administrator reports the work in progress; the public page shows it.
    visit(admin, f"{base}/gestion/campagnes/{SLUG}/suivi/")
    item = admin.locator(f"#p{reference}")
    item.get_by_label(starts("État")).select_option(label="En cours")
    item.get_by_label(starts("Avancement (%)")).fill("40")
    item.get_by_role("button", name="Enregistrer le suivi").click()
    admin.get_by_text(f"Suivi de {NEW} enregistré.").wait_for()
    assert_accessible(admin)
    item.get_by_label(starts("Date")).fill(today.isoformat())
    item.get_by_label(starts("Étape")).fill(MILESTONE)
    item.get_by_role("button", name="Ajouter l'étape").click()
    admin.get_by_text(f"Étape ajoutée au suivi de {NEW}.").wait_for()
    assert_accessible(admin)
    follow_up = FollowUp.objects.get(proposal__reference=reference, proposal__campaign=demo)
    assert (follow_up.status, follow_up.progress) == ("in_progress", 40)

    visit(public, outcomes_url)
    followed = public.locator(f"article#{NEW}")
    assert "État : En cours" in followed.inner_text()
    assert followed.locator("progress").get_attribute("value") == "40"
    assert MILESTONE in followed.locator("ol.milestones").inner_text()
    # The citizen label follows the proposal onto its own page.
    visit(public, f"{base}/campagnes/{SLUG}/propositions/{reference}/")
    assert public.locator(".citizen-label").count() >= 1

    # 13. Open data for everyone, statistics for the team.
    visit(public, f"{base}/campagnes/{SLUG}/donnees/")
    datasets = public.locator("main table tbody tr th").all_inner_texts()
    assert datasets == [
        "Propositions",
        "Instructions publiques",
        "Résultats",
        "Voix par proposition et par canal",
        "Statistiques de participation",
        "Bulletins anonymisés (pabulib)",
        "Instantané transmis au conseil (JSON)",
    ]
    # Every file is open once the answers are published; the pabulib ballots hold project
    # categories only, which this savings campaign has not: that row says why instead.
    for row in public.locator("main table tbody tr").all():
        cell = row.locator("td").last
        if row.locator("th").inner_text().startswith("Bulletins anonymisés"):
            assert cell.inner_text().startswith("Sans objet")
        else:
            assert cell.locator("a").count() >= 1
    assert fingerprint in public.locator("main").inner_text()
    visit(admin, f"{base}/gestion/campagnes/{SLUG}/statistiques/")
    assert admin.locator("h1").inner_text() == f"Statistiques de participation — {demo.title}"
    assert fingerprint in admin.locator("main").inner_text()
