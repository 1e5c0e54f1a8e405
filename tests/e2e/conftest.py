"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _allow_sync_db_in_async_loop():
    # Playwright's sync API runs an event loop in this thread; Django's async-safety check
    # would otherwise refuse the ORM calls the tests make to set up data.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield


@pytest.fixture(scope="session")
def browser(_allow_sync_db_in_async_loop):
    from playwright import sync_api

    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "chromium introuvable : `make test` l'installe avec apt (paquet Debian chromium)."
        )
    # Playwright gives the browser a fresh temporary profile of its own.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Content-Security-Policy violations, recorded from the first script of every document (before
# the page's own): assert_accessible checks there are none, so every journey checks the policy.
RECORD_CSP_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""


def assert_no_csp_violation(page) -> None:
    violations = page.evaluate("window.__violations || []")
    assert violations == [], f"Violations de la politique CSP sur {page.url} : {violations}"


# The password the journeys give the demo accounts (and tests.factories.make_user's).
PASSWORD = "mot-de-passe-solide-42"


@pytest.fixture
def open_page(browser):
    """One browser context per person (or device): each keeps its own session. Generous
    timeouts: screens with several plotly charts are slow on a busy test machine."""
    contexts = []

    def new_page(*, width: int = 1280, height: int = 900, touch: bool = False):
        context = browser.new_context(
            locale="fr-FR",
            viewport={"width": width, "height": height},
            has_touch=touch,
            accept_downloads=True,
        )
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield new_page
    for context in contexts:
        context.close()


class _Null:
    def write(self, *_args) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture
def demo(settings):
    """What `make run` loads (DEBUG on, so the demo accounts exist), with known passwords."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from votes.campaigns.models import Campaign

    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=_Null())
    call_command("load_demo_campaign", verbosity=0, stdout=_Null())
    settings.DEBUG = False
    for user in User.objects.filter(username__endswith="-demo"):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return Campaign.objects.get(slug="budget-inverse-2026")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core on the current page: no serious or critical violation; and none of the
    Content-Security-Policy either."""
    from axe_playwright_python.sync_playwright import Axe

    assert_no_csp_violation(page)

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    detail = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node.get("target")) for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"Violations d'accessibilité sur {page.url} :\n{detail}"


# --- helpers shared by the journeys ------------------------------------------------------


def visit(page, url: str):
    """Open a page as a person would type its address, and check it with axe."""
    response = page.goto(url)
    assert_accessible(page)
    return response


def submit(page, control) -> None:
    """Click a control that loads a new page (a form posted, then its redirect)."""
    with page.expect_navigation():
        control.click()
    assert_accessible(page)


def log_in(page, base: str, path: str, *, username: str, password: str) -> None:
    """Ask for a protected page, get sent to /connexion/, log in, land on the page."""
    page.goto(base + path)
    page.wait_for_url(re.compile(r"/connexion/\?next="))
    assert_accessible(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    submit(page, page.get_by_role("button", name="Se connecter"))
    assert page.url == base + path


def starts(label: str) -> re.Pattern:
    """A label as it begins: Django adds " :" and help texts may follow."""
    return re.compile("^" + re.escape(label))


def messages_text(page) -> str:
    return " ".join(page.locator(".message").all_inner_texts())


def wait_until(page, expression: str, *, arg=None, timeout: int = 30_000) -> None:
    """Wait until a JavaScript expression (or function of `arg`) is true in the page.

    Not `page.wait_for_function`: Playwright runs its predicate with eval inside the page,
    which the Content-Security-Policy refuses (no 'unsafe-eval'); `page.evaluate` goes through
    the browser's DevTools protocol, which the policy does not govern."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except Error as error:  # a navigation under way: ask the next page
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"Toujours faux après {timeout} ms : {expression}")
        page.wait_for_timeout(100)


# --- background jobs: tasks waiting in the database, a worker in a thread -------------------


@pytest.fixture
def database_tasks(settings, tmp_path):
    """Tasks wait in the database, as in production (each request thread of the live server
    builds its backend from the settings)."""
    from django.tasks import task_backends

    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends.__dict__.pop("settings", None)
    yield
    task_backends.__dict__.pop("settings", None)


def start_worker():
    """`db_worker --batch` in a thread (the command itself installs signal handlers, which
    only the main thread may do)."""
    import threading

    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    def work() -> None:
        try:
            Worker(
                queue_names=["default"],
                interval=0.2,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="e2e-worker",
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread
