"""The Voting issue's "Done" (§7) in a real browser, on the data `make run` loads: the
administrator opens the vote of the demo campaign, a voter votes online within the caps, a
facilitator prints codes and a code votes, an officer enters paper ballots, the administrator
closes the vote and the results page shows the winners by the published rule. axe checks
every page visited."""

from __future__ import annotations

import re

import pytest

from budget.models import Commune
from fixtures import make_demo
from tests.e2e.conftest import PASSWORD, assert_accessible, messages_text, starts, submit, visit
from tests.e2e.conftest import log_in as log_in_as
from votes.campaigns.models import Campaign, Category, Phase
from votes.results.services import campaign_tally
from votes.voting.models import Ballot, PaperVoter, VotingCode

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "budget-inverse-2026"
LIFE = "Cadre de vie et énergie"
SPORT = "Sport et culture"


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


# --- the journey -----------------------------------------------------------------------------


def test_the_demo_campaign_goes_from_instruction_to_published_results(live_server, open_page, demo):
    base = live_server.url
    life = Category.objects.get(campaign=demo, name=LIFE)
    # On the demo ballot, « Cadre de vie » (2 votes per voter) has P-0016, P-0017 and P-0019
    # validated: the cap can bite.
    # 1. The administrator opens the vote from the phase panel.
    admin = open_page()
    log_in(admin, base, f"/gestion/campagnes/{SLUG}/", username="admin-demo")
    move_to_next_phase(admin, base, "Vote")
    assert Campaign.objects.get(slug=SLUG).phase == Phase.VOTING

    # 2. The demo voter votes online: up to the cap, refused beyond, swaps one choice.
    voter = open_page()
    log_in(voter, base, f"/campagnes/{SLUG}/vote/", username="votant-demo")
    toggle(voter, 16, life, "1 vote sur 2")
    toggle(voter, 17, life, "2 votes sur 2")
    voter.locator("#choice-19").click()
    refusal = voter.locator(f"#category-{life.pk} [role=alert]")
    refusal.wait_for()
    assert refusal.inner_text() == (
        f"Vous avez utilisé vos 2 votes dans « {LIFE} » : retirez-en un pour choisir celui-ci."
    )
    assert_accessible(voter)
    toggle(voter, 17, life, "1 vote sur 2")
    toggle(voter, 19, life, "2 votes sur 2")
    submit(voter, voter.get_by_role("link", name="Relire mon bulletin et voir mon reçu").first)
    assert voter.url == f"{base}/campagnes/{SLUG}/vote/recapitulatif/"
    assert "Votre bulletin compte 2 choix." in voter.locator("main").inner_text()
    review = voter.locator("section", has=voter.get_by_role("heading", name=LIFE))
    assert "2 votes sur 2" in review.inner_text()
    assert "P-0016" in review.inner_text() and "P-0019" in review.inner_text()
    online = Ballot.objects.get(voter__username="votant-demo")
    assert voter.locator("#receipt-code").inner_text() == online.receipt
    assert sorted(online.lines.values_list("proposal__reference", flat=True)) == [16, 19]
    submit(voter, voter.get_by_role("link", name="Vérifier ce reçu"))
    assert voter.locator("#receipt-result").inner_text() == "Ce bulletin est enregistré : 2 choix."

    # 3. The facilitator generates 3 codes and produces their sheet, once.
    facilitator = open_page()
    codes_path = f"/gestion/campagnes/{SLUG}/codes/"
    log_in(facilitator, base, codes_path, username="animateur-demo")
    facilitator.get_by_label(starts("Libellé du lot")).fill("Atelier de la médiathèque")
    facilitator.get_by_label(starts("Nombre de codes")).fill("3")
    submit(facilitator, facilitator.get_by_role("button", name="Générer les codes"))
    # A task makes the batch (at once here): its job page says so and links back.
    assert (
        "Lot « Atelier de la médiathèque » créé : 3 codes."
        in facilitator.locator("main").inner_text()
    )
    submit(facilitator, facilitator.get_by_role("link", name="Voir les lots de codes"))
    row = facilitator.locator("tbody tr", has_text="Atelier de la médiathèque")
    sheet_form = row.locator("form", has=facilitator.get_by_role("button", name=starts("Produire")))
    sheet_action = sheet_form.first.get_attribute("action")
    submit(facilitator, row.get_by_role("button", name="Produire la feuille (et le CSV)"))
    cards = facilitator.locator(".code-card .code")
    assert cards.count() == 3
    code = cards.first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert not VotingCode.objects.exclude(plain="").exists()
    # A second production (the sheet's form posted again, e.g. from a stale tab) is refused.
    visit(facilitator, base + codes_path)
    assert row.get_by_role("button", name="Produire la feuille (et le CSV)").count() == 0
    with facilitator.expect_navigation():
        facilitator.evaluate(
            """action => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                for (const [name, value] of [
                    ["csrfmiddlewaretoken",
                     document.querySelector("[name=csrfmiddlewaretoken]").value],
                    ["format", "sheet"],
                ]) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            sheet_action,
        )
    assert_accessible(facilitator)
    assert facilitator.url == base + codes_path
    assert "Déjà imprimé le " in messages_text(facilitator)
    assert facilitator.locator(".code-card").count() == 0

    # ... and, without an account, the code votes once: lowercase, with its dashes.
    anonymous = open_page()
    visit(anonymous, f"{base}/campagnes/{SLUG}/code/")
    anonymous.get_by_label(starts("Votre code de vote")).fill(code.lower())
    submit(anonymous, anonymous.get_by_role("button", name="Ouvrir mon bulletin"))
    assert anonymous.url == f"{base}/campagnes/{SLUG}/code/bulletin/"
    # Over the cap first: refused, nothing recorded; then within the caps.
    for reference in (16, 17, 19, 8):
        anonymous.locator(f"#choix-{reference}").check()
    submit(anonymous, anonymous.get_by_role("button", name="Vérifier mes choix"))
    over_cap = f"« {LIFE} » : 3 choix pour 2 votes au plus."
    assert over_cap in anonymous.get_by_role("alert").inner_text()
    assert not Ballot.objects.filter(channel=Ballot.Channel.CODE).exists()
    anonymous.locator("#choix-17").uncheck()
    anonymous.locator("#choix-19").uncheck()
    submit(anonymous, anonymous.get_by_role("button", name="Vérifier mes choix"))
    assert anonymous.url == f"{base}/campagnes/{SLUG}/code/verification/"
    chosen = anonymous.locator("tbody th").all_inner_texts()
    assert sorted(text[:6] for text in chosen) == ["P-0008", "P-0016"]
    submit(anonymous, anonymous.get_by_role("button", name="Confirmer mon vote"))
    assert anonymous.locator("h1").inner_text() == "Votre vote est enregistré"
    code_ballot = Ballot.objects.get(channel=Ballot.Channel.CODE)
    assert code_ballot.receipt in anonymous.locator("main").inner_text()
    visit(anonymous, f"{base}/campagnes/{SLUG}/code/")
    anonymous.get_by_label(starts("Votre code de vote")).fill(code.replace("-", " "))
    submit(anonymous, anonymous.get_by_role("button", name="Ouvrir mon bulletin"))
    assert "un code ne vaut qu'un vote" in anonymous.locator("main").inner_text()
    assert Ballot.objects.filter(channel=Ballot.Channel.CODE).count() == 1

    # 4. The poll officer records paper ballots of voters without an account.
    officer = open_page()
    log_in(officer, base, "/bureau/", username="assesseur-demo")
    submit(officer, officer.get_by_role("link", name="Mairie — salle du conseil"))
    station_url = officer.url
    commune = Commune.objects.get(insee_code=make_demo.INSEE_CODE)

    def paper(name: str, birth_date: str, references: str) -> None:
        officer.get_by_label(starts("Nom et prénom")).fill(name)
        officer.get_by_label(starts("Date de naissance")).fill(birth_date)
        officer.get_by_label(starts("Commune de résidence")).select_option(str(commune.pk))
        officer.get_by_label(starts("Propositions cochées")).fill(references)
        submit(officer, officer.get_by_role("button", name="Enregistrer le bulletin"))

    paper("Jeanne Durand", "1950-03-14", "P-0016, P-0008")
    assert officer.url == station_url
    assert "Bulletin enregistré." in messages_text(officer)
    # The same person again (other spelling of the name): refused, nothing written.
    paper("  jeanne DURAND ", "1950-03-14", "P-0017")
    assert (
        "Cette personne (même nom, date de naissance et commune) est déjà inscrite sur le "
        "registre du bureau « Mairie — salle du conseil » : on ne vote qu'une fois."
    ) in officer.get_by_role("alert").all_inner_texts()[0]
    assert PaperVoter.objects.filter(campaign=demo).count() == 1
    assert Ballot.objects.filter(channel=Ballot.Channel.PAPER).count() == 1
    # Three ticks where two are allowed: recorded as void, with its reason.
    paper("Marc Petit", "1972-11-02", "P-0016, P-0017, P-0019")
    assert "Bulletin enregistré comme NUL" in messages_text(officer)
    void = Ballot.objects.get(channel=Ballot.Channel.PAPER, is_void=True)
    assert LIFE in void.void_reason
    assert void.void_reason in messages_text(officer)
    assert not void.lines.exists()

    # 5. The administrator closes the vote; the results are published.
    move_to_next_phase(admin, base, "Dépouillement")
    public = open_page()
    visit(public, f"{base}/campagnes/{SLUG}/resultats/")
    participation = public.locator("section", has=public.locator("#participation"))
    turnout = participation.locator("tbody tr").all_inner_texts()
    assert "En ligne\t1" in turnout
    assert "Code de vote\t1" in turnout
    assert "Papier\t1" in turnout
    assert "Bulletins papier nuls (comptés à part)\t1" in turnout
    assert participation.locator("tfoot").inner_text() == "Total\t4"

    tally = {result.name: result for result in campaign_tally(campaign=demo)}
    for category in Category.objects.filter(campaign=demo):
        section = public.locator(
            "section.results-category",
            has=public.get_by_role("heading", name=category.name, exact=True),
        )
        rules = section.locator(".rule-sentences").inner_text()
        assert "classées par nombre de voix" in rules
        assert "À égalité de voix, la mesure à la plus petite économie passe d'abord" in rules
        selected = [
            text.split("\t")[1]
            for text in section.locator(".results-table tbody tr").all_inner_texts()
            if text.endswith("\tretenu")
        ]
        assert selected == [f"P-{ref:04d}" for ref in tally[category.name].selected]

    # By hand, « Cadre de vie » (objective 70 000 €): P-0016 has 3 approvals (online, code,
    # paper), P-0019 1, P-0017 0 (the void paper ballot counts for none). P-0016 alone saves
    # more than 70 000 € (77 221,56 € instructed), so it is the only one retained; P-0019 comes
    # after the objective was reached, and P-0017, with no vote, is under the threshold (a
    # saving nobody chose is never retained, issue 14).
    life_section = public.locator(
        "section.results-category", has=public.get_by_role("heading", name=LIFE, exact=True)
    )
    rows = life_section.locator(".results-table tbody tr").all_inner_texts()
    assert [row.split("\t")[1] for row in rows] == ["P-0016", "P-0019", "P-0017"]
    headers = life_section.locator(".results-table thead th").all_inner_texts()
    assert headers[3:7] == [
        "Voix — En ligne",
        "Voix — Code de vote",
        "Voix — Papier",
        "Voix (total)",
    ]
    assert rows[0].split("\t")[3:7] == ["1", "1", "1", "3"]
    assert rows[0].endswith("\tretenu")
    assert rows[1].split("\t")[3:7] == ["1", "0", "0", "1"]
    assert rows[1].endswith("\tnon retenu — objectif déjà atteint")
    assert rows[2].endswith("\tnon retenu — sous le seuil")
    sport_section = public.locator(
        "section.results-category", has=public.get_by_role("heading", name=SPORT, exact=True)
    )
    sport_rows = sport_section.locator(".results-table tbody tr").all_inner_texts()
    assert sport_rows[0].split("\t")[1] == "P-0008"
    assert sport_rows[0].split("\t")[3:7] == ["0", "1", "1", "2"]
