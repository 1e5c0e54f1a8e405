"""The glossary shown in tooltips beside every key term (domain.md §8, "training").

The terms live in the database (budget.GlossaryTerm, seeded by migration 0006 and edited by
the participation team); nothing but `lookup()` and `entries()` should depend on how they are
stored. Templates name a term by its French words (`{% term "épargne brute" %}`): the lookup
ignores case, accents, apostrophes and spacing, and follows a few other spellings (ALIASES).

Reading: the whole glossary is held per process and checked once per request with one small
query (count and latest change), so that an edit made in another worker shows on the next
page, and a page with fifty tooltips does not query fifty times. A save or a delete in this
process drops the held copy at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.utils.text import slugify
from django.utils.translation import gettext as _

from budget.models import GlossaryTerm
from budget.roles import ADMINISTRATOR, FACILITATOR, require_role_everywhere


class Entry(TypedDict):
    key: str
    term: str
    definition: str
    example: str


# Other spellings of an entry: alias -> key of the term (keys stay when a term is reworded).
ALIASES: dict[str, str] = {
    "article": "compte",
    "compte/article": "compte",
    "dépenses": "depense",
    "recettes": "recette",
    "réelle": "reel",
    "opération réelle": "reel",
    "opérations réelles": "reel",
    "opération d'ordre": "ordre",
    "opérations d'ordre": "ordre",
    "chapitres": "chapitre",
    "fonctions": "fonction",
    "rrf": "recettes-reelles-de-fonctionnement",
    "drf": "depenses-reelles-de-fonctionnement",
    "caf brute": "epargne-brute",
    "capacité d'autofinancement brute": "epargne-brute",
    "taux d'épargne": "taux-depargne-brute",
    "dette": "encours-de-dette",
    "intérêts": "interets-de-la-dette",
    "charges financières": "interets-de-la-dette",
    "impacts induits": "impact-induit",
    "effets induits": "impact-induit",
    "effet induit": "impact-induit",
    "effets directs": "effet-direct",
    "année pleine": "effet-en-annee-pleine",
    "première année": "effet-en-premiere-annee",
    "économies nettes": "economie-nette",
    "scénarios": "scenario",
    "mesures": "mesure",
    "levier": "mesure",
    "ajustable": "ligne-ajustable",
    "€/hab.": "euros-habitant",
    "par habitant": "euros-habitant",
    "budget inversé": "budget-participatif-inverse",
    "panel": "panel-citoyen",
    "bp": "budget-primitif",
    "ca": "compte-administratif",
    "réalisé": "montant-realise",
    "voté": "montant-vote",
}


def term_key(term: str) -> str:
    """The key (slug) of a term: "Épargne brute" -> "epargne-brute", "€/habitant" ->
    "euros-habitant". Also how a looked-up text is matched, so any spelling of the same
    words finds the term."""
    return slugify(term.replace("€", " euros "))[:80]


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    index: dict[str, Entry]  # every spelling's key -> entry
    entries: list[Entry]  # alphabetical, accents ignored (by term_key)
    version: tuple  # (count, latest change): what _version() says of the same rows


# The glossary held by this process (None: read it again), replaced whole, never changed.
_held: _Snapshot | None = None
# Per thread: inside a request, has the version been checked yet? Outside one (commands,
# tests rendering a template directly) it is checked on every lookup.
_local = threading.local()


def _version() -> tuple:
    found = GlossaryTerm.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return found["count"], found["last"]


def _load() -> _Snapshot:
    rows = list(
        GlossaryTerm.objects.values_list("key", "term", "definition", "example", "updated_at")
    )
    entries = [
        Entry(key=key, term=term, definition=definition, example=example)
        for key, term, definition, example, _updated_at in rows
    ]
    index: dict[str, Entry] = {}
    for entry in entries:
        index[entry["key"]] = entry
    # A reworded term answers to its new words too, never over another term's key.
    for entry in entries:
        index.setdefault(term_key(entry["term"]), entry)
    for alias, key in ALIASES.items():
        if key in index:
            index.setdefault(term_key(alias), index[key])
    return _Snapshot(
        index=index,
        entries=sorted(entries, key=lambda entry: term_key(entry["term"])),
        version=(len(rows), max((row[4] for row in rows), default=None)),
    )


def _current() -> _Snapshot:
    global _held
    held = _held
    if held is not None and getattr(_local, "checked", False):
        return held
    if held is None or _version() != held.version:
        held = _held = _load()
    if getattr(_local, "in_request", False):
        _local.checked = True
    return held


def lookup(term: str) -> Entry | None:
    """The glossary entry for a term, its key or one of its aliases; None when unknown."""
    key = term_key(term)
    return _current().index.get(key) if key else None


def entries() -> list[Entry]:
    """Every entry, in alphabetical order (accents ignored)."""
    return list(_current().entries)


def forget(**_kwargs) -> None:
    """Drop the held glossary: the next lookup reads the database again."""
    global _held
    _held = None


def _request_started(**_kwargs) -> None:
    _local.in_request = True
    _local.checked = False


def _request_finished(**_kwargs) -> None:
    _local.in_request = False
    _local.checked = False


request_started.connect(_request_started, dispatch_uid="glossary_request_started")
request_finished.connect(_request_finished, dispatch_uid="glossary_request_finished")
post_save.connect(forget, sender=GlossaryTerm, dispatch_uid="glossary_saved")
post_delete.connect(forget, sender=GlossaryTerm, dispatch_uid="glossary_deleted")


# --- writes (the participation team) -------------------------------------------------------


def _require_team(by) -> None:
    require_role_everywhere(by, ADMINISTRATOR, FACILITATOR)


def _check_free(key: str, *, instance: GlossaryTerm | None = None) -> None:
    if not key:
        raise ValidationError(
            {"term": _("Le terme doit contenir au moins une lettre ou un chiffre.")}
        )
    taken = GlossaryTerm.objects.filter(key=key).exclude(pk=getattr(instance, "pk", None))
    other = taken.first()
    if other is not None:
        raise ValidationError(
            {
                "term": _("Ce terme est déjà dans le glossaire : « %(term)s ».")
                % {"term": other.term}
            }
        )


@transaction.atomic
def glossary_term_create(*, term: str, definition: str, example: str = "", by) -> GlossaryTerm:
    _require_team(by)
    term = " ".join(term.split())
    key = term_key(term)
    _check_free(key)
    entry = GlossaryTerm(key=key, term=term, definition=definition.strip(), example=example.strip())
    entry.full_clean()
    try:
        # Two team members adding the same term at once: the unique key keeps one.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        _check_free(key)
        raise
    return entry


@transaction.atomic
def glossary_term_update(
    *, glossary_term: GlossaryTerm, term: str, definition: str, example: str = "", by
) -> GlossaryTerm:
    """Reword a term. Its key stays: templates, aliases and links to its anchor keep working."""
    _require_team(by)
    term = " ".join(term.split())
    new_key = term_key(term)
    if new_key != glossary_term.key:
        _check_free(new_key, instance=glossary_term)
    glossary_term.term = term
    glossary_term.definition = definition.strip()
    glossary_term.example = example.strip()
    glossary_term.full_clean()
    glossary_term.save()
    return glossary_term


@transaction.atomic
def glossary_term_delete(*, glossary_term: GlossaryTerm, by) -> None:
    _require_team(by)
    glossary_term.delete()
