"""Sortition of a citizen panel: an anonymised pool and quotas in, a panel and its reserve out.

No ORM here: the services (votes/panels/services.py) and the ``draw_panel`` command call the same
``draw()``, which wraps the Sortition Foundation's library (sortition-algorithms) with one of
its fair algorithms: maximin (default: raises the smallest chance of being drawn as high as
the quotas allow), nash (maximises the product of the chances), leximin (maximin, then the
next smallest chance, and so on: needs the Gurobi solver, offered only where it is installed).
These three work volunteer by volunteer: beyond a few hundred volunteers they take hours.
« maximin-profils » reaches the same smallest chance as maximin, computed over the
volunteers' profiles (votes/panels/sortition_profiles.py): seconds for a pool of thousands.

Same pool, quotas, size, seed and algorithm: same panel, in any process. Two things make it so.
The library draws its random numbers from one provider, seeded here with a number derived from
the published seed text (``seed_number``). And it keeps volunteers in Python sets, whose order
follows the process's string hashing (random per process): ids are given to it as strings
whose hash comes from their text, so the sets iterate in the same order everywhere (both in
votes/panels/sortition_library.py, the only module that imports the library). The draw by
profiles uses no set: profiles and ids are sorted, its solver (HiGHS) seeded, and its lottery
drawn with a generator seeded with the same number.

The reserve is not a second lottery: the volunteers not drawn are ranked by the SHA-256 of
« seed:id » (``reserve_order``), which anyone can recompute by hand, and the first ones form
the reserve, in that order.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.spreadsheets import writer

# Re-exported: callers name them sortition.Person, sortition.QuotaSpec...
from votes.panels.sortition_types import (
    DRAW_STEPS,
    PROFILES,
    STEP_PANEL,
    STEP_QUOTAS,
    STEP_RESERVE,
    InfeasibleQuotas,
    Labels,
    Person,
    Progress,
    QuotaSpec,
    natural_key,
)
from votes.panels.sortition_types import (
    STEP_LOTTERY as STEP_LOTTERY,
)
from votes.panels.sortition_types import (
    STEP_POOL as STEP_POOL,
)
from votes.panels.sortition_types import (
    STEP_SAVE as STEP_SAVE,
)

MAXIMIN = "maximin"
NASH = "nash"
LEXIMIN = "leximin"
ALGORITHMS = (MAXIMIN, NASH, LEXIMIN, PROFILES)
DEFAULT_ALGORITHM = MAXIMIN
# Above this many volunteers the library's algorithms (one solver run per volunteer before
# the lottery even starts) take far too long: the team draws by profiles (bench/README.md).
LIBRARY_POOL_LIMIT = 300


# The library's random provider is process-wide: one draw at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class DrawResult:
    selected: list[str]
    reserve: list[str]
    algorithm: str
    seed: str


@dataclass(frozen=True)
class CompositionRow:
    attribute: str
    value: str
    minimum: int
    maximum: int
    selected: int
    pool: int

    @property
    def met(self) -> bool:
        return self.minimum <= self.selected <= self.maximum


# --- canonical forms -------------------------------------------------------------------------


def attributes_of(pool: Iterable[Person]) -> list[str]:
    names: set[str] = set()
    for person in pool:
        names.update(person.attributes)
    return sorted(names)


def pool_csv(pool: Iterable[Person]) -> str:
    """The anonymised pool as published: ``id`` then the attributes in alphabetical order,
    one line per volunteer in id order, comma-separated, UTF-8, LF line ends. An area typed
    as "=…" is written "'=…" (formula injection), here and in the quotas alike."""
    people = sorted(pool, key=lambda person: natural_key(person.id))
    columns = attributes_of(people)
    rows = [
        [person.id, *(person.attributes.get(name, "") for name in columns)] for person in people
    ]
    return writer.csv_text(writer.Table(writer.columns("id", *columns), rows), line_end="\n")


def pool_fingerprint(pool: Iterable[Person]) -> str:
    """SHA-256 of the published anonymised pool file: ``sha256sum vivier.csv`` gives it."""
    return hashlib.sha256(pool_csv(pool).encode("utf-8")).hexdigest()


def quotas_csv(quotas: Iterable[QuotaSpec]) -> str:
    rows = [
        [quota.attribute, quota.value, quota.minimum, quota.maximum]
        for quota in sorted(quotas, key=lambda q: (q.attribute, natural_key(q.value)))
    ]
    columns = writer.columns("attribute", "value", "min", "max")
    return writer.csv_text(writer.Table(columns, rows), line_end="\n")


def seed_number(seed: str) -> int:
    """The library's integer seed: the first 8 bytes of the SHA-256 of the seed text (UTF-8).
    Zero would make the library fall back to unseeded randomness: it becomes 1."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") or 1


def reserve_order(candidates: Iterable[str], seed: str) -> list[str]:
    """Candidates ranked by the SHA-256 of « seed:id » (hexadecimal, ascending)."""
    return sorted(
        candidates,
        key=lambda person_id: hashlib.sha256(f"{seed}:{person_id}".encode()).hexdigest(),
    )


def composition(
    pool: Iterable[Person], quotas: Iterable[QuotaSpec], selected: Iterable[str]
) -> list[CompositionRow]:
    """For every quota, how many of the panel and of the pool have its value."""
    people = list(pool)
    chosen = set(selected)
    rows = []
    for quota in sorted(quotas, key=lambda q: (q.attribute, natural_key(q.value))):
        having = [p for p in people if p.attributes.get(quota.attribute) == quota.value]
        rows.append(
            CompositionRow(
                attribute=quota.attribute,
                value=quota.value,
                minimum=quota.minimum,
                maximum=quota.maximum,
                selected=sum(1 for p in having if p.id in chosen),
                pool=len(having),
            )
        )
    return rows


# --- checks ----------------------------------------------------------------------------------


def _check_inputs(pool: Sequence[Person], quotas: Sequence[QuotaSpec], algorithm: str) -> None:
    """Programming or file errors (the forms and the command catch them first)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(
            _("Algorithme inconnu : « %(algorithm)s » (possibles : %(choices)s).")
            % {"algorithm": algorithm, "choices": ", ".join(ALGORITHMS)}
        )
    if algorithm == LEXIMIN and not leximin_available():
        raise ValueError(
            _(
                "L'algorithme leximin a besoin du solveur Gurobi, absent de ce serveur : "
                "choisissez maximin ou nash."
            )
        )
    ids = Counter(person.id for person in pool)
    duplicates = sorted((i for i, n in ids.items() if n > 1), key=natural_key)
    if duplicates:
        raise ValueError(
            _("Identifiants en double dans le vivier : %(ids)s.") % {"ids": ", ".join(duplicates)}
        )
    seen: set[tuple[str, str]] = set()
    for quota in quotas:
        key = (quota.attribute, quota.value)
        if key in seen:
            raise ValueError(
                _("Quota en double : %(attribute)s = %(value)s.")
                % {"attribute": quota.attribute, "value": quota.value}
            )
        seen.add(key)
        # The library compares values without case: « Nord » and « nord » would merge there.
        spellings = {p.attributes.get(quota.attribute, "") for p in pool} | {quota.value}
        lowered = Counter(value.lower() for value in spellings)
        clash = sorted(v for v in spellings if lowered[v.lower()] > 1)
        if clash:
            raise ValueError(
                _(
                    "Valeurs qui ne diffèrent que par les majuscules pour « %(attribute)s » : "
                    "%(values)s."
                )
                % {"attribute": quota.attribute, "values": ", ".join(clash)}
            )
        for person in pool:
            if not person.attributes.get(quota.attribute, "").strip():
                raise ValueError(
                    _("Le volontaire %(id)s n'a pas de valeur pour « %(attribute)s ».")
                    % {"id": person.id, "attribute": quota.attribute}
                )


def quota_problems(
    pool: Sequence[Person],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    reserve: int = 0,
    labels: Labels | None = None,
) -> list[str]:
    """The impossibilities one can see without a solver, each naming its quota."""
    labels = labels or Labels()
    problems = []
    if len(pool) < size:
        problems.append(
            ngettext(
                "Le vivier compte %(count)s volontaire, moins que les %(size)s places du panel.",
                "Le vivier compte %(count)s volontaires, moins que les %(size)s places du panel.",
                len(pool),
            )
            % {"count": len(pool), "size": size}
        )
    elif len(pool) - size < reserve:
        problems.append(
            _(
                "Le vivier compte %(count)s volontaires : après les %(size)s tirés au sort, il "
                "en reste %(left)s pour une réserve de %(reserve)s."
            )
            % {"count": len(pool), "size": size, "left": len(pool) - size, "reserve": reserve}
        )
    counts = Counter((a, v) for person in pool for a, v in person.attributes.items())
    for quota in quotas:
        name = labels.quota(quota.attribute, quota.value)
        have = counts[(quota.attribute, quota.value)]
        if quota.minimum > quota.maximum:
            problems.append(
                _(
                    "Quota incohérent : %(quota)s a un minimum (%(min)s) supérieur à son "
                    "maximum (%(max)s)."
                )
                % {"quota": name, "min": quota.minimum, "max": quota.maximum}
            )
        elif have < quota.minimum:
            wanted = ngettext(
                "Quota impossible : %(quota)s demande au moins %(min)s personne,",
                "Quota impossible : %(quota)s demande au moins %(min)s personnes,",
                quota.minimum,
            ) % {"quota": name, "min": quota.minimum}
            if have:
                found = _("le vivier n'en compte que %(count)s.") % {"count": have}
            else:
                found = _("le vivier n'en compte aucune.")
            problems.append(f"{wanted} {found}")
    by_attribute: dict[str, dict[str, QuotaSpec]] = {}
    for quota in quotas:
        by_attribute.setdefault(quota.attribute, {})[quota.value] = quota
    for attribute, values in sorted(by_attribute.items()):
        lowest = sum(q.minimum for q in values.values())
        present = {v for (a, v) in counts if a == attribute}
        highest = sum(
            min(values[v].maximum if v in values else size, counts[(attribute, v)]) for v in present
        )
        if lowest > size:
            problems.append(
                _(
                    "Quotas impossibles pour %(attribute)s : leurs minimums font %(lowest)s "
                    "personnes, plus que les %(size)s places du panel."
                )
                % {"attribute": labels.attribute(attribute), "lowest": lowest, "size": size}
            )
        elif highest < size and len(pool) >= size:
            problems.append(
                _(
                    "Quotas impossibles pour %(attribute)s : même au maximum, ils ne donnent que "
                    "%(highest)s personnes pour les %(size)s places du panel."
                )
                % {"attribute": labels.attribute(attribute), "highest": highest, "size": size}
            )
    return problems


def leximin_available() -> bool:
    # The library's own test: leximin runs only on Gurobi (a commercial solver).
    return importlib.util.find_spec("gurobipy") is not None


def available_algorithms() -> list[str]:
    return [a for a in ALGORITHMS if a != LEXIMIN or leximin_available()]


def recommended_algorithm(pool_size: int) -> str:
    return PROFILES if pool_size > LIBRARY_POOL_LIMIT else MAXIMIN


def _no_progress(step: str, done: int, total: int) -> None:
    pass


# --- the draw --------------------------------------------------------------------------------


def draw(
    pool: Sequence[Person],
    quotas: Sequence[QuotaSpec],
    *,
    size: int,
    seed: str,
    reserve: int = 0,
    algorithm: str = DEFAULT_ALGORITHM,
    labels: Labels | None = None,
    progress: Progress | None = None,
) -> DrawResult:
    """The panel (ids in id order) and its reserve (in replacement order).

    ``progress(step, done, total)`` hears each step (French text) as it starts, and the
    solver's iterations within the lottery's step.

    Raises InfeasibleQuotas (the message names the quotas) and ValueError (bad input)."""
    labels = labels or Labels()
    progress = progress or _no_progress
    progress(_("Vérification des quotas"), STEP_QUOTAS, DRAW_STEPS)
    if size < 1 or reserve < 0:
        raise ValueError(_("La taille du panel doit être d'au moins 1 et la réserve positive."))
    if not seed.strip():
        raise ValueError(_("La graine du tirage est vide."))
    _check_inputs(pool, quotas, algorithm)
    problems = quota_problems(pool, quotas, size=size, reserve=reserve, labels=labels)
    if problems:
        raise InfeasibleQuotas(" ".join(problems), problems)
    people_sorted = sorted(pool, key=lambda person: natural_key(person.id))
    # Imported here: the library is slow to import and only draws need it.
    from votes.panels.sortition_library import select

    with _LOCK:
        selected = select(
            people_sorted,
            quotas,
            size=size,
            seed=seed_number(seed),
            algorithm=algorithm,
            labels=labels,
            progress=progress,
        )
    progress(_("Vérification du panel tiré"), STEP_PANEL, DRAW_STEPS)
    missed = [row for row in composition(people_sorted, quotas, selected) if not row.met]
    if len(selected) != size or missed:  # the library guarantees it; a broken promise stops here
        raise RuntimeError(f"sortition-algorithms returned a panel off its quotas: {missed}")
    progress(_("Liste de réserve"), STEP_RESERVE, DRAW_STEPS)
    chosen = set(selected)
    rest = [person.id for person in people_sorted if person.id not in chosen]
    return DrawResult(
        selected=selected,
        reserve=reserve_order(rest, seed)[:reserve],
        algorithm=algorithm,
        seed=seed,
    )
