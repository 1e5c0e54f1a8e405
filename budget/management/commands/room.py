"""python manage.py room: serve Arbitrages from the facilitator's laptop to the tablets of a
workshop room, over the room's Wi-Fi, with no internet (issue 15 §6). `make room` runs it.

It finds the laptop's address on the local network, collects the static files (whitenoise
serves them, compressed; nothing comes from a CDN), prints the address and its QR code for the
tablets, then hands over to gunicorn listening on that address, with production settings
except HTTPS (ROOM_HTTP: no certificate offline), the address in ALLOWED_HOSTS, and background
jobs run at once (no worker to start). The session key is kept in `.room-secret-key` so that
the tablets stay joined when the command is restarted.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

import segno
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SECRET_FILE = ".room-secret-key"


def lan_address() -> str | None:
    """The laptop's IPv4 address on the local network, or None without one.

    A UDP socket "connected" to an address of the local range sends nothing: the system only
    picks the interface (and so the address) that would reach it. No internet is needed.
    """
    for probe in ("192.168.0.1", "10.0.0.1", "172.16.0.1"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                address = sock.getsockname()[0]
        except OSError:
            continue
        if ipaddress.ip_address(address).is_private and not address.startswith("127."):
            return address
    return None


def room_environment(base: dict[str, str], *, host: str, secret: str) -> dict[str, str]:
    """The environment gunicorn runs with: production settings, plain HTTP on the room's
    network, the laptop's address allowed, jobs run at once."""
    allowed = [h for h in base.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    for name in (host, "127.0.0.1", "localhost"):
        if name not in allowed:
            allowed.append(name)
    return {
        **base,
        "DEBUG": "0",
        "ROOM_HTTP": "1",
        "ALLOWED_HOSTS": ",".join(allowed),
        "SECRET_KEY": base.get("SECRET_KEY") or secret,
        "TASKS_BACKEND": "immediate",
        "SITE_URL": f"http://{host}:{base.get('ROOM_PORT', '8000')}/",
    }


def room_secret(directory: Path) -> str:
    path = directory / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key, encoding="utf-8")
    return key


class Command(BaseCommand):
    help = gettext_lazy(
        "Sert l'application aux tablettes d'une salle d'atelier, sur le Wi-Fi local, sans internet."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", help=_("Adresse à utiliser (sinon : trouvée sur le réseau)."))
        parser.add_argument("--port", type=int, default=int(os.environ.get("ROOM_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Affiche l'adresse et le code QR sans lancer le serveur."),
        )

    def handle(self, *args, host: str | None, port: int, workers: int, dry_run: bool, **opts):
        host = host or lan_address()
        if host is None:
            raise CommandError(
                _(
                    "Aucune adresse sur un réseau local : connectez l'ordinateur au Wi-Fi de la "
                    "salle (ou indiquez --host)."
                )
            )
        url = f"http://{host}:{port}/atelier/"
        self.stdout.write(
            _("Les tablettes ouvrent cette adresse (ou lisent le code QR) : %(url)s") % {"url": url}
        )
        qr = segno.make(url, error="m")
        qr.terminal(out=self.stdout._out, compact=True)
        self.stdout.write(
            _("Animation : http://%(host)s:%(port)s/gestion/ateliers/ — Ctrl+C pour arrêter.")
            % {"host": host, "port": port}
        )
        if dry_run:
            return
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
        if not Path(gunicorn).exists():
            raise CommandError(_("gunicorn introuvable : make install l'installe."))
        call_command("collectstatic", interactive=False, verbosity=0)
        environment = room_environment(
            dict(os.environ), host=host, secret=room_secret(Path(settings.BASE_DIR))
        )
        os.chdir(settings.BASE_DIR)
        os.execve(
            gunicorn,
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            environment,
        )
