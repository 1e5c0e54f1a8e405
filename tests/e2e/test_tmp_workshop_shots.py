import pytest
from django.contrib.auth.models import Group
from budget.roles import ROLES
from simulator.workshops import group_choices_save, group_argument_set
from tests.simulator.workshop_factories import make_group, make_workshop_setup
pytestmark = pytest.mark.django_db(transaction=True)

def test_shots(live_server, browser):
    for name in ROLES: Group.objects.get_or_create(name=name)
    s = make_workshop_setup()
    g = make_group(s, "Table 1", join_code="CANARD", kind="women"); make_group(s, "Table 2", join_code="MARCHE")
    group_choices_save(group=g, measures=["piscine-lundi"])
    group_argument_set(group=g, measure=s.pool, text="Peu de monde le lundi.")
    for w, h, name in [(1024, 768, "tab"), (1600, 900, "wide")]:
        ctx = browser.new_context(locale="fr-FR", viewport={"width": w, "height": h}); p = ctx.new_page()
        p.goto(live_server.url + "/atelier/?code=CANARD")
        p.get_by_role("button", name="Rejoindre le groupe").click(); p.wait_for_url("**/atelier/groupe/")
        p.screenshot(path=f"/tmp/group-{name}.png")
        p.mouse.wheel(0, 500); p.wait_for_timeout(300); p.screenshot(path=f"/tmp/group-{name}-scrolled.png")
        ctx.close()
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}); p = ctx.new_page()
    p.goto(live_server.url + "/connexion/"); p.locator("#id_username").fill(s.facilitator.username); p.locator("#id_password").fill("mot-de-passe-solide-42")
    p.get_by_role("button", name="Se connecter").click(); p.wait_for_load_state()
    p.goto(live_server.url + f"/gestion/ateliers/{s.workshop.pk}/"); p.screenshot(path="/tmp/setup.png")
    p.goto(live_server.url + f"/gestion/ateliers/{s.workshop.pk}/suivi/"); p.wait_for_selector("#chart-workshop-progress .main-svg"); p.screenshot(path="/tmp/dash.png")
    ctx.close()
