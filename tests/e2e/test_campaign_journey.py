"""The Campaigns issue in a real browser: an administrator runs a savings campaign from the
draft to the vote, citizens propose and flag, a moderator hides, a service instructs, finance
returns then validates, the public sees the validated instruction; axe checks every page."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import pytest

from budget.models import BudgetLine
from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from simulator.management.commands.load_demo import demo_load
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
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_commune,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from votes.campaigns.models import Campaign, Category, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal, Support

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "budget-inverse-2026"
MEASURE = "piscine-lundi"
MEASURE_TITLE = "Fermer la piscine le lundi"
SECRET_NOTE = "NOTE-INTERNE : prévenir le club de natation avant l'annonce"


def log_in(page, base: str, path: str, *, username: str) -> None:
    log_in_as(page, base, path, username=username, password=PASSWORD)


def wait_for_focus(page, selector: str) -> None:
    """After an htmx swap the keyboard focus must land on `selector`, not on the page's top.

    htmx moves it once the swap has settled, hence the wait.
    """
    wait_until(
        page,
        "selector => document.activeElement && document.activeElement.matches(selector)",
        arg=selector,
        timeout=5_000,
    )


def euros(value: Decimal) -> str:
    """French display of whole euros: thin no-break space between thousands, then " €"."""
    whole = int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u202f") + "\u00a0€"


def figure(page, section, label: str) -> str:
    return (
        section.locator(".figure", has=page.locator(".label", has_text=re.compile(f"^{label}$")))
        .locator(".value")
        .inner_text()
    )


# --- the journey -----------------------------------------------------------------------------


def test_an_administrator_runs_a_savings_campaign_from_framing_to_the_vote(
    live_server, open_page, mailoutbox
):
    demo = demo_load()
    base = live_server.url
    admin = make_user(username="admin-campagnes", roles=(ADMINISTRATOR,))
    moderator = make_user(username="moderatrice", roles=(MODERATOR,))
    finance = make_user(username="finances", roles=(FINANCE,))
    instructor = make_user(username="instructrice-sports", roles=(INSTRUCTOR,))
    other_instructor = make_user(username="instructeur-culture", roles=(INSTRUCTOR,))
    make_service(demo.authority, name="Service culture", members=[other_instructor])
    neighbour = make_voter(
        commune=demo.commune, email="voisine@example.org", pseudonym="la-voisine"
    )
    neighbour.username = "voisine@example.org"
    neighbour.save(update_fields=["username"])

    # 1. The administrator creates the campaign, a category and the framing, then opens it.
    admin_page = open_page()
    log_in(admin_page, base, "/gestion/campagnes/", username=admin.username)
    submit(admin_page, admin_page.get_by_role("link", name="Créer une campagne"))
    assert admin_page.url == f"{base}/gestion/campagnes/nouvelle/"
    # "Authority" and "Budget" have no French label (reported): found by their ids.
    admin_page.locator("#id_authority").select_option(str(demo.authority.pk))
    admin_page.locator("#id_budget").select_option(str(demo.budget.pk))
    admin_page.get_by_label(starts("Type")).select_option(Campaign.Kind.SAVINGS.value)
    admin_page.get_by_label(starts("Titre")).fill("Budget inversé 2026")
    admin_page.get_by_label(starts("Identifiant")).fill(SLUG)
    submit(admin_page, admin_page.get_by_role("button", name="Créer la campagne"))
    assert admin_page.url == f"{base}/gestion/campagnes/{SLUG}/"
    assert "créée en brouillon" in messages_text(admin_page)
    phase_panel = admin_page.locator("#phase")
    assert "Créez au moins une rubrique" in phase_panel.inner_text()
    assert "Rédigez le contrat participatif" in phase_panel.inner_text()

    categories = admin_page.locator("#rubriques")
    # An empty category is refused in place; the summary takes the focus, nothing is written.
    categories.get_by_role("button", name="Ajouter la rubrique").focus()
    admin_page.keyboard.press("Enter")
    summary = categories.get_by_role("alert")
    summary.wait_for()
    assert summary.inner_text() == (
        "La rubrique n'est pas ajoutée : corrigez ce qui est signalé ci-dessous."
    )
    wait_for_focus(admin_page, "#rubriques [role=alert]")
    assert not Category.objects.exists()
    assert_accessible(admin_page)
    categories.get_by_label(starts("Nom")).fill("Sport et piscine")
    categories.get_by_label(starts("Objectif d'économies (€ par an)")).fill("100 000")
    categories.get_by_label(re.compile(r"^Votes par votant\W*$")).fill("3")
    # With the keyboard: htmx swaps the section in place, and focus must not fall back to
    # the top of the page.
    categories.get_by_role("button", name="Ajouter la rubrique").focus()
    admin_page.keyboard.press("Enter")
    admin_page.get_by_text("Rubrique « Sport et piscine » ajoutée.").wait_for()
    wait_for_focus(admin_page, "#rubriques .message-success")
    row = admin_page.locator("#rubriques tbody tr", has_text="Sport et piscine")
    assert "100\u202f000\u00a0€" in row.inner_text()
    assert "3 votes au plus" in row.inner_text()
    assert_accessible(admin_page)

    framing = admin_page.locator("#contrat")
    framing.get_by_label(starts("Contrat participatif")).fill(
        "La commune doit trouver **300 000 €** d'économies par an.\n\n"
        "- Chaque proposition est instruite par les services.\n"
        "- Le conseil municipal répond à chaque mesure retenue."
    )
    submit(admin_page, framing.get_by_role("button", name="Enregistrer"))
    assert "Campagne enregistrée." in messages_text(admin_page)

    for phase in ("Contrat participatif", "Dépôt des propositions"):
        submit(
            admin_page,
            admin_page.get_by_role("link", name=f"Passer à la phase suivante : {phase}"),
        )
        assert admin_page.locator("h1").inner_text() == f"Passer à la phase « {phase} »"
        submit(
            admin_page,
            admin_page.get_by_role("button", name=f"Confirmer : passer à la phase « {phase} »"),
        )
        assert f"La campagne est passée en phase « {phase} »." in messages_text(admin_page)
    history = admin_page.locator("#phase table tbody tr").all_inner_texts()
    assert len(history) == 2
    assert "Brouillon\tContrat participatif" in history[0]
    assert "Contrat participatif\tDépôt des propositions" in history[1]
    assert all("admin-campagnes" in row for row in history)

    public = open_page()
    visit(public, f"{base}/campagnes/{SLUG}/")
    current = public.locator(".timeline [aria-current='step']")
    assert current.count() == 1
    assert "Dépôt des propositions" in current.inner_text()
    assert "en cours" in current.inner_text()
    category_row = public.locator("table tbody tr", has_text="Sport et piscine")
    assert "100\u202f000\u00a0€" in category_row.inner_text()
    assert "3 votes au plus" in category_row.inner_text()
    assert public.locator(".framing strong").inner_text() == "300 000 €"
    assert public.get_by_role("link", name="Déposer une proposition").count() == 1

    # 2. A citizen signs up from a catalogue measure, then deposits it and a plain proposal.
    citizen = open_page()
    create_url = f"/campagnes/{SLUG}/propositions/nouvelle/"
    query = urlencode(
        {"collectivite": demo.authority.slug, "next": f"{create_url}?mesure={MEASURE}"}
    )
    visit(citizen, f"{base}/compte/inscription/?{query}")
    citizen.get_by_label(starts("Adresse e-mail")).fill("Camille.Martin@example.org")
    citizen.get_by_label(starts("Mot de passe")).fill("Piscine-et-lundis-2026")
    citizen.get_by_label(starts("Pseudonyme public")).fill("camille_m")
    citizen.get_by_label(starts("Commune de résidence")).select_option(str(demo.commune.pk))
    citizen.get_by_label(starts("Année de naissance")).fill("1988")
    citizen.get_by_label(starts("J'ai lu ces informations")).check()
    submit(citizen, citizen.get_by_role("button", name="Créer mon compte"))
    assert citizen.url == f"{base}{create_url}?mesure={MEASURE}"
    confirmation = [m for m in mailoutbox if m.to == ["camille.martin@example.org"]]
    assert len(confirmation) == 1
    assert "/compte/confirmer/" in confirmation[0].body

    # The measure fills the form; the engine computes its effects on the proposal's page.
    assert citizen.get_by_label(starts("Titre")).input_value() == MEASURE_TITLE
    assert f"ajustements de « {MEASURE_TITLE} »" in citizen.locator("main").inner_text()
    citizen.get_by_label(starts("Rubrique")).select_option(label="Sport et piscine")
    submit(citizen, citizen.get_by_role("button", name="Publier ma proposition"))
    assert citizen.url == f"{base}/campagnes/{SLUG}/propositions/1/"
    assert citizen.locator("h1").inner_text() == f"P-0001 · {MEASURE_TITLE}"
    assert "Votre proposition P-0001 est publiée." in messages_text(citizen)
    impacts = citizen.locator("section", has=citizen.locator("#impacts-title"))
    assert "Fermer la piscine le lundi" in impacts.inner_text()
    public_net = figure(citizen, impacts, r"Économie nette par an \(année pleine\)")

    visit(citizen, f"{base}{create_url}")
    citizen.get_by_label(starts("Titre")).fill("Moins de papier à la mairie")
    citizen.get_by_label(starts("Rubrique")).select_option(label="Sport et piscine")
    citizen.get_by_label(starts("Description")).fill(
        "Imprimer recto verso.\n\n<script>window.pwned = true</script>\n\nFin du texte."
    )
    citizen.get_by_label(starts("Votre estimation (€)")).fill("5 000")
    submit(citizen, citizen.get_by_role("button", name="Publier ma proposition"))
    assert citizen.url == f"{base}/campagnes/{SLUG}/propositions/2/"
    assert citizen.locator("h1").inner_text() == "P-0002 · Moins de papier à la mairie"
    description = citizen.locator(".user-text")
    assert "Imprimer recto verso." in description.inner_text()
    assert "Fin du texte." in description.inner_text()
    assert description.locator("script").count() == 0
    assert citizen.evaluate("window.pwned") is None
    # In the list the description is plain text: the tag shows, it does not run.
    visit(citizen, f"{base}/campagnes/{SLUG}/propositions/")
    card = citizen.locator(".proposal-list .card", has_text="P-0002")
    assert "<script>window.pwned = true</script>" in card.inner_text()
    assert citizen.evaluate("window.pwned") is None

    # 3. Another citizen flags it; a moderator hides it; the public no longer finds it.
    neighbour_page = open_page()
    visit(neighbour_page, f"{base}/campagnes/{SLUG}/propositions/2/")
    submit(
        neighbour_page,
        neighbour_page.get_by_role("link", name="Connectez-vous pour signaler un contenu abusif."),
    )
    neighbour_page.locator("#id_username").fill("voisine@example.org")
    neighbour_page.locator("#id_password").fill(PASSWORD)
    submit(neighbour_page, neighbour_page.get_by_role("button", name="Se connecter"))
    assert neighbour_page.url == f"{base}/campagnes/{SLUG}/propositions/2/"
    neighbour_page.get_by_label(starts("Pourquoi signalez-vous cette proposition ?")).fill(
        "Un script dans la description."
    )
    neighbour_page.locator("#flag").get_by_role("button", name="Signaler").focus()
    neighbour_page.keyboard.press("Enter")
    neighbour_page.get_by_text("Merci : votre signalement est transmis à la modération.").wait_for()
    wait_for_focus(neighbour_page, "#flag .message-success")
    assert_accessible(neighbour_page)

    moderator_page = open_page()
    log_in(moderator_page, base, "/moderation/", username=moderator.username)
    flagged = moderator_page.locator("section", has=moderator_page.locator("#flagged-title"))
    card = flagged.locator(".card", has_text="P-0002")
    assert "la-voisine : Un script dans la description." in card.inner_text()
    card.get_by_label(starts("Motif (conservé et envoyé à l'auteur)")).fill(
        "Code informatique collé."
    )
    submit(moderator_page, card.get_by_role("button", name="Masquer"))
    assert moderator_page.url == f"{base}/moderation/"
    assert "Proposition P-0002 masquée ; son auteur est prévenu." in messages_text(moderator_page)
    hidden_row = moderator_page.locator("table tbody tr", has_text="P-0002")
    assert "Code informatique collé." in hidden_row.first.inner_text()
    told = [m for m in mailoutbox if m.to == ["camille.martin@example.org"] and "P-0002" in m.body]
    assert len(told) == 1
    assert "Code informatique collé." in told[0].body

    anonymous = open_page()
    assert visit(anonymous, f"{base}/campagnes/{SLUG}/propositions/2/").status == 404
    visit(anonymous, f"{base}/campagnes/{SLUG}/propositions/")
    assert "P-0001" in anonymous.locator(".proposal-list").inner_text()
    assert "P-0002" not in anonymous.locator(".proposal-list").inner_text()
    visit(moderator_page, f"{base}/campagnes/{SLUG}/propositions/2/")
    notice = moderator_page.locator("main .message-warning")
    assert "masquée par la modération" in notice.inner_text()
    assert "Motif : Code informatique collé." in notice.inner_text()

    # 4. Instruction: the campaign moves on, proposals go to services, finance checks.
    p3 = make_proposal(
        Campaign.objects.get(slug=SLUG),
        author=neighbour,
        title="Mutualiser le ménage des salles",
        kind=Proposal.Kind.SAVING,
    )
    visit(admin_page, f"{base}/gestion/services/")
    submit(admin_page, admin_page.get_by_role("link", name="Créer un service"))
    admin_page.get_by_label(starts("Collectivité")).select_option(str(demo.authority.pk))
    admin_page.get_by_label(starts("Nom du service")).fill("Service des sports")
    admin_page.get_by_label("instructrice-sports", exact=True).check()
    submit(admin_page, admin_page.get_by_role("button", name="Enregistrer"))
    assert "Service « Service des sports » créé." in messages_text(admin_page)

    visit(admin_page, f"{base}/gestion/campagnes/{SLUG}/")
    submit(
        admin_page,
        admin_page.get_by_role(
            "link", name="Passer à la phase suivante : Instruction par les services"
        ),
    )
    submit(admin_page, admin_page.get_by_role("button", name=re.compile("^Confirmer")))
    assert "phase « Instruction par les services »" in messages_text(admin_page)

    visit(admin_page, f"{base}/gestion/instruction/{SLUG}/attribution/")
    admin_page.get_by_label(starts("Choisir P-0001")).check()
    admin_page.get_by_label(starts("Attribuer les propositions cochées au service")).select_option(
        label="Service des sports"
    )
    submit(admin_page, admin_page.get_by_role("button", name="Attribuer la sélection"))
    assert "1 proposition(s) attribuée(s) au service « Service des sports »." in (
        messages_text(admin_page)
    )
    admin_page.get_by_label(starts(f"Service de {p3.public_reference}")).select_option(
        label="Service culture"
    )
    submit(
        admin_page,
        admin_page.get_by_role("button", name=f"Attribuer {p3.public_reference}", exact=True),
    )
    rows = admin_page.locator("table tbody tr")
    assert "En cours d'instruction" in rows.filter(has_text="P-0001").inner_text()
    assert rows.filter(has_text="P-0001").get_by_role("combobox").input_value() == str(
        Proposal.objects.get(reference=1).service_id
    )

    instructor_page = open_page()
    log_in(instructor_page, base, "/gestion/instruction/", username=instructor.username)
    mine = instructor_page.locator("section", has=instructor_page.locator("#mine-title"))
    assert mine.locator("tbody tr").count() == 1
    submit(instructor_page, mine.get_by_role("link", name=f"P-0001 — {MEASURE_TITLE}"))
    instruction_url = f"{base}/gestion/instruction/{SLUG}/1/"
    assert instructor_page.url == instruction_url
    engine = instructor_page.locator("section", has=instructor_page.locator("#engine-title"))
    engine_net = figure(instructor_page, engine, "Économie nette par an")
    # The instructor sees the figure the citizen saw on the proposal's page.
    assert engine_net == public_net
    # By hand: the measure (fixtures/make_demo_measures.py) takes 48 000 € off the pool's
    # staff and 12 % off its fuel line; the induced effects come on top of these.
    fuel = BudgetLine.objects.get(budget=demo.budget, code="FD-60621-323").amount
    direct = euros(Decimal("48000") + fuel * Decimal("0.12"))
    assert figure(instructor_page, engine, "dont effets directs") == direct
    # Computed, not typed: the form has no field for it.
    assert instructor_page.get_by_label(re.compile("Économie nette instruite")).count() == 0
    instructor_page.get_by_label(starts("Avis")).select_option(label="Faisable")
    instructor_page.get_by_label(starts("Durée de réalisation")).fill("3 mois")
    instructor_page.get_by_label(starts("Motivation publique")).fill(
        "La fréquentation du lundi est la plus faible de la semaine."
    )
    instructor_page.get_by_label(starts("Notes internes (jamais publiques)")).fill(SECRET_NOTE)
    submit(
        instructor_page,
        instructor_page.get_by_role(
            "button", name="Enregistrer et soumettre à la direction des finances"
        ),
    )
    assert "Instruction enregistrée et soumise à la direction des finances." in (
        messages_text(instructor_page)
    )

    other_page = open_page()
    log_in(other_page, base, "/gestion/instruction/", username=other_instructor.username)
    assert visit(other_page, instruction_url).status == 403

    finance_page = open_page()
    log_in(
        finance_page, base, f"/gestion/instruction/{SLUG}/validation/", username=finance.username
    )
    waiting = finance_page.locator("#queue tbody tr", has_text="P-0001")
    assert "Faisable" in waiting.inner_text()
    assert engine_net in waiting.inner_text()
    finance_page.get_by_label(starts("Commentaire de renvoi — P-0001")).fill(
        "Précisez la durée : la rentrée de septembre est trop proche."
    )
    finance_page.get_by_role("button", name="Renvoyer au service P-0001").focus()
    finance_page.keyboard.press("Enter")
    finance_page.get_by_text("Instruction de P-0001 renvoyée au service.").wait_for()
    wait_for_focus(finance_page, "#queue .message-success")
    assert_accessible(finance_page)

    visit(instructor_page, instruction_url)
    returned = instructor_page.locator("main .message-warning", has_text="Renvoyée")
    assert "la rentrée de septembre est trop proche" in returned.inner_text()
    instructor_page.get_by_label(starts("Durée de réalisation")).fill("6 mois")
    submit(
        instructor_page,
        instructor_page.get_by_role(
            "button", name="Enregistrer et soumettre à la direction des finances"
        ),
    )

    visit(finance_page, instruction_url)
    submit(finance_page, finance_page.get_by_role("button", name="Valider l'instruction"))
    assert finance_page.url == instruction_url
    assert "Instruction de P-0001 validée." in messages_text(finance_page)
    history = finance_page.locator("section", has=finance_page.locator("#timeline-title"))
    # Newest first: who did what, and the fields each step changed.
    assert history.locator(".timeline > li > p strong").all_inner_texts() == [
        "Validée par la direction des finances",
        "Soumise à la direction des finances",
        "Instruction enregistrée",
        "Renvoyée au service",
        "Soumise à la direction des finances",
        "Instruction enregistrée",
        "Attribuée au service « Service des sports »",
    ]
    correction = history.locator(".timeline > li").nth(2).locator("tbody tr").all_inner_texts()
    assert correction == ["Durée de réalisation\t3 mois\t6 mois"]
    sent_back = history.locator(".timeline > li").nth(3).inner_text()
    assert "par finances" in sent_back
    assert "la rentrée de septembre est trop proche" in sent_back
    assert Instruction.objects.get(proposal__reference=1).validation == "validated"

    # 5. The vote opens: validated instructions go public and their authors are told.
    visit(admin_page, f"{base}/gestion/campagnes/{SLUG}/")
    submit(admin_page, admin_page.get_by_role("link", name="Passer à la phase suivante : Vote"))
    # Proposals left without a validated instruction are listed before the vote opens.
    assert "ne seront pas soumises au vote" in admin_page.locator("#move-warnings").inner_text()
    submit(
        admin_page,
        admin_page.get_by_role(
            "button", name="Confirmer malgré ces points : passer à la phase « Vote »"
        ),
    )
    assert "La campagne est passée en phase « Vote »." in messages_text(admin_page)
    assert Campaign.objects.get(slug=SLUG).phase == Phase.VOTING

    visit(anonymous, f"{base}/campagnes/{SLUG}/propositions/1/")
    published = anonymous.locator("section", has=anonymous.locator("#instruction-title"))
    text = published.inner_text()
    assert "Faisable" in text
    assert "La fréquentation du lundi est la plus faible de la semaine." in text
    assert "6 mois" in text
    assert engine_net in text
    assert "NOTE-INTERNE" not in anonymous.content()
    # The neighbour's proposal was not instructed: nothing to publish on its page.
    visit(anonymous, f"{base}/campagnes/{SLUG}/propositions/{p3.reference}/")
    assert anonymous.locator("#instruction-title").count() == 0

    instructed = [m for m in mailoutbox if "P-0001 a été instruite" in m.subject]
    assert len(instructed) == 1
    assert instructed[0].to == ["camille.martin@example.org"]
    assert "La fréquentation du lundi est la plus faible de la semaine." in instructed[0].body
    assert "NOTE-INTERNE" not in instructed[0].body

    # 6. What the plain voter and the anonymous visitor may not reach.
    for path in ("/gestion/campagnes/", "/gestion/instruction/", "/moderation/"):
        assert visit(neighbour_page, base + path).status == 403
    assert visit(neighbour_page, instruction_url).status == 403
    navigation = neighbour_page.get_by_role("navigation", name="Navigation principale")
    for link in ("Gestion des campagnes", "Instruction", "Modération"):
        assert navigation.get_by_role("link", name=link).count() == 0
    for path in ("/gestion/campagnes/", "/gestion/instruction/"):
        visit(anonymous, base + path)
        assert anonymous.url == f"{base}/connexion/?next={path}"


# --- the other roles, and the supports button ---------------------------------------------------


def test_each_team_role_reaches_only_its_own_pages(live_server, open_page):
    campaign = make_campaign(slug="roles", phase=Phase.INSTRUCTION)
    commune = make_commune(campaign.authority)
    author = make_voter(commune=commune)
    member = make_user(username="membre", roles=(INSTRUCTOR,))
    service = make_service(campaign.authority, members=[member])
    proposal = make_proposal(campaign, author=author, service=service)
    make_instruction(proposal, status=Instruction.Status.TO_INSTRUCT, public_reasoning="")
    base = live_server.url
    instruction = f"/gestion/instruction/roles/{proposal.reference}/"
    forbidden = {
        MODERATOR: ["/gestion/campagnes/", "/gestion/instruction/", instruction],
        FINANCE: ["/gestion/campagnes/", "/moderation/", "/gestion/instruction/roles/attribution/"],
        INSTRUCTOR: [
            "/gestion/campagnes/",
            "/moderation/",
            "/gestion/instruction/roles/attribution/",
            "/gestion/instruction/roles/validation/",
        ],
    }
    landing = {
        MODERATOR: "/moderation/",
        FINANCE: "/gestion/instruction/",
        INSTRUCTOR: "/gestion/instruction/",
    }
    for role, paths in forbidden.items():
        user = member if role == INSTRUCTOR else make_user(roles=(role,))
        page = open_page()
        log_in(page, base, landing[role], username=user.username)
        for path in paths:
            assert visit(page, base + path).status == 403, (role, path)

    # Finance reads the instruction but cannot write it; the service's member can.
    finance_page = open_page()
    log_in(finance_page, base, instruction, username=make_user(roles=(FINANCE,)).username)
    assert finance_page.locator("#instruction-title").count() == 1
    assert finance_page.get_by_role("button", name=re.compile("^Enregistrer")).count() == 0
    member_page = open_page()
    log_in(member_page, base, instruction, username=member.username)
    assert member_page.get_by_role("button", name=re.compile("^Enregistrer")).count() == 2

    anonymous = open_page()
    for path in ("/moderation/", instruction, "/campagnes/roles/propositions/nouvelle/"):
        visit(anonymous, base + path)
        assert anonymous.url.startswith(f"{base}/connexion/?next="), path


def test_the_support_button_keeps_the_keyboard_focus_when_toggled(live_server, open_page):
    campaign = make_campaign(slug="soutiens", phase=Phase.SUPPORTS, supports_enabled=True)
    commune = make_commune(campaign.authority)
    proposal = make_proposal(campaign, author=make_voter(commune=commune))
    supporter = make_voter(commune=commune)
    page = open_page()
    path = f"/campagnes/soutiens/propositions/{proposal.reference}/"
    visit(page, live_server.url + path)
    submit(page, page.get_by_role("link", name="Connectez-vous pour soutenir cette proposition."))
    page.locator("#id_username").fill(supporter.username)
    page.locator("#id_password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Se connecter"))
    assert page.url == live_server.url + path

    for label, count, pressed in (
        ("Soutenir cette proposition", "1 soutien", "true"),
        ("Retirer mon soutien", "0 soutien", "false"),
    ):
        page.get_by_role("button", name=label).focus()
        page.keyboard.press("Enter")
        page.locator("#support [role=status]", has_text=count).wait_for()
        wait_for_focus(page, f"#support-toggle[aria-pressed={pressed}]")
        assert_accessible(page)
        assert Support.objects.filter(proposal=proposal, user=supporter).exists() == (
            pressed == "true"
        )
