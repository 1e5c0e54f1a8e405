"""What each public page weighs on its first load, compressed as served (issue 15 §5: under
800 kB each; the full plotly.js alone was 1.4 MB compressed).

    DEBUG=1 .venv/bin/python bench/page_weight.py

Loads the demo (as `make run` does) into a throwaway SQLite database, asks each public page
with Django's test client (anonymously, or as the demo voter, or as a workshop table for the
pages that need it), and adds up what a browser with an empty cache downloads for it: the
HTML and every stylesheet, script and image the HTML references from /static/. Static files
are counted gzipped at level 9, as whitenoise's `CompressedManifestStaticFilesStorage` stores
them for production (brotli is not installed: gzip is what is served); the HTML gzipped at
level 6, as a proxy in front of gunicorn compresses it (without one, add the raw HTML).
The pages draw their charts from data in the HTML (budget/figures.py): no further request.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from budget.models import Budget  # noqa: E402
from simulator.services import scenario_create  # noqa: E402
from simulator.state import ScenarioState  # noqa: E402
from votes.campaigns.models import Campaign  # noqa: E402
from votes.panels.models import PanelDraw, Volunteer  # noqa: E402
from votes.proposals.models import Proposal  # noqa: E402
from votes.training.models import TrainingPage  # noqa: E402

GOAL = 800_000
VOTER = "habitant-demo-2"
ASSET = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref|img[^>]*\bsrc)="(/static/[^"?#]+)')


def gz(data: bytes, level: int) -> int:
    return len(gzip.compress(data, compresslevel=level))


def static_size(url: str) -> tuple[int, int]:
    path = finders.find(url.removeprefix("/static/"))
    if path is None:
        raise SystemExit(f"{url}: introuvable dans les fichiers statiques")
    data = Path(path).read_bytes()
    return len(data), gz(data, 9)


def pages(campaign: Campaign) -> list[tuple[str, str, str]]:
    """(name, path, who) of the public pages."""
    budget = Budget.objects.get(pk=campaign.budget_id)
    slug = campaign.slug
    proposal = Proposal.objects.filter(campaign=campaign).order_by("reference").first()
    line = budget.lines.filter(adjustable=True).first()
    draw = PanelDraw.objects.filter(campaign=campaign).exclude(selected=[]).first()
    member = Volunteer.objects.get(pk=draw.selected[0])
    training_page = TrainingPage.objects.filter(campaign=campaign).first()
    scenario = scenario_create(
        budget=budget,
        owner=User.objects.get(username=VOTER),
        state=ScenarioState(
            measures=list(budget.measures.catalogue().values_list("slug", flat=True)[:3])
        ),
        title="Mes économies",
    )
    return [
        ("accueil", "/", "anonymous"),
        ("budget : vue d'ensemble", f"/budgets/{budget.slug}/", "anonymous"),
        ("budget : lignes", f"/budgets/{budget.slug}/lignes/", "anonymous"),
        ("budget : une ligne", f"/budgets/{budget.slug}/lignes/{line.code}/", "anonymous"),
        ("glossaire", "/glossaire/", "anonymous"),
        ("simulateur", f"/budgets/{budget.slug}/simulateur/", "anonymous"),
        ("scénario partagé", scenario.get_share_url(), "anonymous"),
        ("mes scénarios", "/scenarios/", "voter"),
        ("un de mes scénarios", scenario.get_absolute_url(), "voter"),
        ("campagnes", "/campagnes/", "anonymous"),
        ("campagne", f"/campagnes/{slug}/", "anonymous"),
        ("propositions", f"/campagnes/{slug}/propositions/", "anonymous"),
        ("une proposition", proposal.get_absolute_url(), "anonymous"),
        ("résultats", f"/campagnes/{slug}/resultats/", "anonymous"),
        ("données ouvertes", f"/campagnes/{slug}/donnees/", "anonymous"),
        ("panel", f"/campagnes/{slug}/panel/", "anonymous"),
        ("panel : volontaire", f"/campagnes/{slug}/panel/volontaire/", "anonymous"),
        ("formation", f"/formation/{member.token}/", "anonymous"),
        ("formation : une page", f"/formation/{member.token}/{training_page.slug}/", "anonymous"),
        ("vote par code", f"/campagnes/{slug}/code/", "anonymous"),
        ("atelier : rejoindre", "/atelier/", "anonymous"),
        ("atelier : table", "/atelier/groupe/", "table"),
        ("connexion", "/connexion/", "anonymous"),
        ("inscription", "/compte/inscription/", "anonymous"),
        ("mes données", "/compte/mes-donnees/", "voter"),
    ]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_demo_campaign", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    campaign = Campaign.objects.get(slug="budget-inverse-2026")
    clients = {who: Client(HTTP_HOST="127.0.0.1") for who in ("anonymous", "voter", "table")}
    clients["voter"].force_login(User.objects.get(username=VOTER))
    clients["table"].post("/atelier/", {"code": "CANARD"})

    rows, worst = [], 0
    for name, path, who in pages(campaign):
        response = clients[who].get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        html = response.content
        assets = sorted(set(ASSET.findall(html.decode())))
        sizes = [static_size(url) for url in assets]
        raw = len(html) + sum(r for r, _ in sizes)
        packed = gz(html, 6) + sum(g for _, g in sizes)
        worst = max(worst, packed)
        rows.append((name, path, len(assets), raw, packed))

    print("| page | requests | raw | compressed | goal < 800 kB |")
    print("|---|---:|---:|---:|---|")
    for name, path, count, raw, packed in rows:
        verdict = "met" if packed < GOAL else "NOT met"
        print(
            f"| {name} (`{path}`) | {count + 1} | {raw / 1000:,.0f} kB | "
            f"{packed / 1000:,.0f} kB | {verdict} |"
        )
    print(f"\nHeaviest page: {worst / 1000:,.0f} kB compressed (goal < {GOAL / 1000:,.0f} kB).")
    sys.exit(0 if worst < GOAL else 1)


if __name__ == "__main__":
    main()
