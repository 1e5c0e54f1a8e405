from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PABULIB_DIR = SHARED / "data" / "pabulib"


@pytest.fixture(autouse=True)
def _french_and_fast(settings):
    settings.LANGUAGE_CODE = "fr"
    # argon2 is the production hasher; tests do not need to pay for it on every user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
