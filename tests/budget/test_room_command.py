"""`manage.py room` (`make room`): the address and QR code for the tablets, and the settings
gunicorn runs with in a workshop room without internet."""

from __future__ import annotations

import ipaddress
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budget.management.commands import room


def test_the_environment_allows_the_laptop_address_and_serves_plain_http():
    env = room.room_environment(
        {"ALLOWED_HOSTS": "example.org", "PATH": "/bin"}, host="192.168.1.20", secret="s3cret"
    )

    assert env["ALLOWED_HOSTS"].split(",") == [
        "example.org",
        "192.168.1.20",
        "127.0.0.1",
        "localhost",
    ]
    assert env["DEBUG"] == "0" and env["ROOM_HTTP"] == "1"
    assert env["TASKS_BACKEND"] == "immediate"
    assert env["SECRET_KEY"] == "s3cret"
    assert env["SITE_URL"] == "http://192.168.1.20:8000/"
    assert env["PATH"] == "/bin"


def test_a_secret_key_already_set_is_kept():
    env = room.room_environment({"SECRET_KEY": "mine"}, host="10.0.0.5", secret="other")

    assert env["SECRET_KEY"] == "mine"


def test_the_session_key_survives_a_restart(tmp_path):
    first = room.room_secret(tmp_path)

    assert room.room_secret(tmp_path) == first
    assert (tmp_path / room.SECRET_FILE).stat().st_mode & 0o077 == 0


def test_the_lan_address_is_private_or_none():
    address = room.lan_address()

    assert address is None or ipaddress.ip_address(address).is_private


def test_the_dry_run_prints_the_address_and_its_qr_code():
    out = StringIO()

    call_command("room", host="192.168.1.20", port=8001, dry_run=True, stdout=out)

    text = out.getvalue()
    assert "http://192.168.1.20:8001/atelier/" in text
    assert "█" in text  # the QR code, drawn in the terminal


def test_without_a_local_network_the_command_says_what_to_do(monkeypatch):
    monkeypatch.setattr(room, "lan_address", lambda: None)

    with pytest.raises(CommandError, match="Wi-Fi de la salle"):
        call_command("room", dry_run=True, stdout=StringIO())
