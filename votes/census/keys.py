"""The keyed hash of a person on a census list, and the normalisation it needs (pure).

A list entry is stored as HMAC-SHA256(key, campaign | name | birth date | postcode) and
nothing else: without the server's key the hashes cannot be tested against guesses, and the
campaign in the message keeps two campaigns' entries from being linked. The key is
CENSUS_HMAC_KEY, else one derived from SECRET_KEY; changing it makes every stored list
unusable (upload the lists again), see docs/operations.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date, datetime

from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt of the key derived from SECRET_KEY when CENSUS_HMAC_KEY is not set.
_DERIVED_SALT = "arbitrages.census.entry"
_POSTCODE_RE = re.compile(r"^\d{5}$")


def normalise_name(name: str) -> str:
    """« Éloïse  DUPONT-Léger » → « eloise dupont leger »: the registers compare this key."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    # Hyphens and apostrophes are typed inconsistently by hand: they count as spaces.
    plain = re.sub(r"[-'’‐‑–—]", " ", plain)
    return " ".join(plain.split())


def parse_birth_date(text: str) -> date:
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def normalise_postcode(text: str) -> str | None:
    """« 75 011 » → « 75011 »; None when it is not five digits."""
    digits = re.sub(r"[\s.]", "", text or "")
    return digits if _POSTCODE_RE.match(digits) else None


def name_words(name: str) -> str:
    """The words of a name in a fixed order: « DUPONT Marie » and « Marie Dupont » are the
    same person, whether the list has one name column or « nom » and « prénoms »."""
    return " ".join(sorted(normalise_name(name).split()))


def census_key(*, campaign_id: int, name: str, birth_date: date, postcode: str) -> str:
    """The stored form of a person: `postcode` already normalised (normalise_postcode)."""
    message = f"{campaign_id}|{name_words(name)}|{birth_date.isoformat()}|{postcode}"
    secret = getattr(settings, "CENSUS_HMAC_KEY", "")
    if secret:
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return salted_hmac(_DERIVED_SALT, message, algorithm="sha256").hexdigest()
