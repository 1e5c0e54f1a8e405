"""What bench/vote_load.py runs against: the throwaway PostgreSQL database, gunicorn, and
the bare HTTP client (standard library only) that talks to it as a browser would.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SLUG = "banc-vote"
ANNOUNCEMENT = 'id="ballot-status" hx-swap-oob'
REFUSAL = 'class="refusal"'
CSRF_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PG = "postgres://postgres@127.0.0.1:5432"
SECRET_KEY = "bench-vote-load-not-a-secret-" + "x" * 40


# --------------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------------


def psql(sql: str) -> None:
    # Quiet: "database does not exist, skipping" is the normal first run.
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(
        [
            "psql",
            "-h",
            HOST,
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            sql,
        ],
        check=True,
        env=env,
    )


def create_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(database: str, conn_max_age: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CONN_MAX_AGE"] = str(conn_max_age)
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


GUNICORN = Path(sys.executable).parent / "gunicorn"


def gunicorn_command(port: int, workers: int, threads: int = 1) -> list[str]:
    """The documented flags: sync workers (the default class; with --threads above 1, gthread
    workers), a 60 s worker timeout, warnings only in the log; 127.0.0.1 only."""
    return [
        str(GUNICORN),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]


def start_gunicorn(
    database: str, port: int, workers: int, threads: int, conn_max_age: int, static_root: str
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        # No collectstatic here: plain storage, so templates need no manifest.
        "STATIC_MANIFEST": "0",
        # An empty directory: WhiteNoise warns when STATIC_ROOT is missing; no static is fetched.
        "STATIC_ROOT": static_root,
        "CONN_MAX_AGE": str(conn_max_age),
        "CONN_HEALTH_CHECKS": "1",
        # The refused code confirmations are 400s, which Django logs as warnings: errors only.
        "LOG_LEVEL": "ERROR",
        # The production settings plus the bare view and the query-count header.
        "DJANGO_SETTINGS_MODULE": "bench.vote_load_settings",
    }
    return subprocess.Popen(
        gunicorn_command(port, workers, threads), cwd=ROOT, env=env, start_new_session=True
    )


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The gunicorn workers of this master (its children)."""
    found = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def wait_until_up(server: subprocess.Popen, port: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit code {server.returncode})")
        try:
            if Client(port).get("/connexion/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {limit:.0f} s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    # Its own session: the master and its workers, nothing else.
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --------------------------------------------------------------------------------------------
# The HTTP client (standard library only)
# --------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float


@dataclass
class Client:
    """One browser: its cookies, one new connection per request (sync workers close them)."""

    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, method: str, path: str, body: str = "", headers=None) -> Response:
        origin = f"https://{HOST}:{self.port}"
        sent = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            # HTTPS requests pass Django's CSRF check only with a matching Origin (or Referer).
            "Origin": origin,
            "Referer": f"{origin}/connexion/",
            **(headers or {}),
        }
        with self.lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body.encode() or None, headers=sent)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        with self.lock:
            for header in answer.headers.get_all("Set-Cookie") or []:
                name, _sep, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "max-age=0" in header.lower() or value in ('""', ""):
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
        return Response(answer.status, answer.headers, text, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def set_cookie(self, name: str, value: str) -> None:
        with self.lock:
            self.cookies[name] = value

    def csrf(self) -> str:
        with self.lock:
            return self.cookies.get("csrftoken", "")


# --------------------------------------------------------------------------------------------
# Requests and their outcomes
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    voter: int
    reference: int
    kind: str  # "acknowledged", "refused", "error"
    seconds: float = 0.0
    status: int = 0
    queries: int | None = None
    detail: str = ""


def classify(answer: Response, reference: int) -> tuple[str, str]:
    remove_form = f"/campagnes/{SLUG}/vote/retirer/{reference}/"
    announced = ANNOUNCEMENT in answer.body
    if answer.status != 200:
        return "error", f"HTTP {answer.status}"
    if announced and remove_form in answer.body and REFUSAL not in answer.body:
        return "acknowledged", ""
    if not announced and REFUSAL in answer.body:
        found = re.search(r'class="refusal"[^>]*>([^<]*)<', answer.body)
        return "refused", found.group(1).strip() if found else ""
    return "error", "HTTP 200 without a clear acknowledgement or refusal"


def add(client: Client, voter: int, reference: int, since: float | None = None) -> Outcome:
    """One htmx addition; latency from `since` (the scheduled instant) when given."""
    started = time.perf_counter() if since is None else since
    try:
        answer = client.request(
            "POST",
            f"/campagnes/{SLUG}/vote/ajouter/{reference}/",
            headers={"X-CSRFToken": client.csrf(), "HX-Request": "true"},
        )
    except (OSError, http.client.HTTPException) as error:
        return Outcome(voter, reference, "error", detail=f"{type(error).__name__}: {error}")
    kind, detail = classify(answer, reference)
    queries = answer.headers.get("X-Bench-Queries")
    return Outcome(
        voter,
        reference,
        kind,
        time.perf_counter() - started,
        answer.status,
        int(queries) if queries else None,
        detail,
    )


def open_loop(items, send, rate: float, seconds: float, on_half=None) -> tuple[list, float]:
    """Send items[i] at start + i/rate, whatever the answers; returns outcomes and duration."""
    count = min(len(items), int(rate * seconds))
    pool = ThreadPoolExecutor(max_workers=256)
    futures = []
    start = time.perf_counter() + 0.2
    for index in range(count):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if on_half is not None and index == count // 2:
            threading.Thread(target=on_half).start()
        futures.append(pool.submit(send, items[index], due))
    outcomes = [future.result() for future in futures]
    pool.shutdown()
    return outcomes, time.perf_counter() - start


def closed_loop(items, send, concurrency: int, seconds: float) -> tuple[list, float]:
    """`concurrency` clients, each sending its next request once the last is answered."""
    lock = threading.Lock()
    queue = iter(items)
    outcomes: list = []
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        while time.perf_counter() < deadline:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            outcome = send(item, None)
            with lock:
                outcomes.append(outcome)

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# Voting codes, confirmed twice at once
# --------------------------------------------------------------------------------------------


def code_ready(client: Client, code: str, reference: int) -> None:
    """Type the code and choose one proposal: the session is ready to confirm."""
    form = {"code": code, "csrfmiddlewaretoken": client.csrf()}
    entered = client.request("POST", f"/campagnes/{SLUG}/code/", _form(form))
    if entered.status != 302:
        raise RuntimeError(f"code entry: HTTP {entered.status}")
    choice = {"choix": str(reference), "csrfmiddlewaretoken": client.csrf()}
    chosen = client.request("POST", f"/campagnes/{SLUG}/code/bulletin/", _form(choice))
    if chosen.status != 302:
        raise RuntimeError(f"code ballot: HTTP {chosen.status}")


def _form(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


def code_confirm(client: Client, index: int) -> Outcome:
    started = time.perf_counter()
    body = _form({"csrfmiddlewaretoken": client.csrf()})
    try:
        answer = client.request("POST", f"/campagnes/{SLUG}/code/verification/", body)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(index, 0, "error", detail=f"{type(error).__name__}: {error}")
    location = answer.headers.get("Location", "")
    if answer.status == 302 and location.endswith("/code/merci/"):
        kind = "acknowledged"
    elif answer.status == 400 and "a déjà servi à voter" in answer.body:
        kind = "refused"
    elif answer.status == 302 and location.endswith("/code/"):
        kind = "refused"  # came after the winner's commit: sent back to the entry, told why
    else:
        kind = "error"
    return Outcome(index, 0, kind, time.perf_counter() - started, answer.status)


def bare_write(client: Client) -> Outcome:
    """The floor: a signed-in POST writing one row (bench/vote_load_urls.py)."""
    started = time.perf_counter()
    try:
        answer = client.request("POST", "/_banc/ecriture/", headers={"X-CSRFToken": client.csrf()})
    except (OSError, http.client.HTTPException) as error:
        return Outcome(0, 0, "error", detail=f"{type(error).__name__}: {error}")
    kind = "acknowledged" if answer.status == 200 else "error"
    queries = answer.headers.get("X-Bench-Queries")
    return Outcome(0, 0, kind, time.perf_counter() - started, answer.status, int(queries or 0))


def bare(client: Client) -> Outcome:
    started = time.perf_counter()
    try:
        answer = client.get(f"/_banc/nu/?c={SLUG}")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(0, 0, "error", detail=f"{type(error).__name__}: {error}")
    kind = "acknowledged" if answer.status == 200 else "error"
    queries = answer.headers.get("X-Bench-Queries")
    return Outcome(0, 0, kind, time.perf_counter() - started, answer.status, int(queries or 0))
