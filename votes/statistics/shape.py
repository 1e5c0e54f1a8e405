"""Participation statistics, the pure half: counting, the small-cell rule, the dict's shape.

No database here: ``shape(facts)`` takes the plain ``Facts`` read by
``votes.statistics.campaign_facts`` and returns the statistics dict described at the top of
``votes.statistics``. Tested on its own (tests/votes/test_statistics_shape.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

VERSION = 1
THRESHOLD = 5
# Outside contributions are flagged from this share of a phase, or from this many people.
NOTABLE_PERCENT = 10
NOTABLE_COUNT = 20

RESIDENT, UNKNOWN, OUTSIDE = "resident", "unknown", "outside"
AGE_BANDS = (
    ("lt16", None, 15),
    ("16-17", 16, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-49", 35, 49),
    ("50-64", 50, 64),
    ("65+", 65, None),
)
GENDERS = ("woman", "man", "other", "unsaid")
POPULATION_ORDER = ("authors", "supporters", "online", "code", "paper", "import", "voters")
FUNNEL_ORDER = ("proposals", "feasible", "on_ballot", "selected", "adopted")


class Person(NamedTuple):
    """One participant as the statistics see them."""

    residence: str  # RESIDENT, UNKNOWN or OUTSIDE
    commune: str | None = None  # INSEE code, residents only
    birth_year: int | None = None
    gender: str | None = None


UNKNOWN_PERSON = Person(UNKNOWN)


@dataclass(frozen=True)
class CommuneFact:
    insee: str
    name: str
    population: int | None


@dataclass
class Facts:
    """Everything ``shape`` needs, read from the database by ``campaign_facts``."""

    reference_year: int
    communes: list[CommuneFact]
    authority_population: int | None
    # Population code → its participants (only the populations this campaign has).
    people: dict[str, list[Person]]
    accounts: list[Person]
    everyone: list[Person]
    paper_valid: int = 0
    paper_void: int = 0
    # Where the author of each proposal (any status, imported ones left out) lives.
    proposals_origin: list[str] = field(default_factory=list)
    # Funnel step → the author residence of each proposal at that step; None: not reached.
    funnel: dict[str, list[str] | None] = field(default_factory=dict)


def population_labels() -> dict[str, str]:
    return {
        "authors": _("Auteurs de propositions"),
        "supporters": _("Soutiens"),
        "online": _("Votants en ligne"),
        "code": _("Votants par code"),
        "paper": _("Votants sur papier"),
        "import": _("Bulletins importés"),
        "voters": _("Votants (tous canaux)"),
        "accounts": _("Comptes participants distincts"),
        "everyone": _("Participants distincts (au plus)"),
    }


def age_labels() -> dict[str, str]:
    return {
        "lt16": _("Moins de 16 ans"),
        "16-17": _("16–17 ans"),
        "18-24": _("18–24 ans"),
        "25-34": _("25–34 ans"),
        "35-49": _("35–49 ans"),
        "50-64": _("50–64 ans"),
        "65+": _("65 ans et plus"),
        UNKNOWN: _("Inconnu / non renseigné"),
    }


def gender_labels() -> dict[str, str]:
    return {
        "woman": _("Femme"),
        "man": _("Homme"),
        "other": _("Autre"),
        "unsaid": _("Préfère ne pas le dire"),
        UNKNOWN: _("Inconnu / non renseigné"),
    }


def funnel_labels() -> dict[str, str]:
    return {
        "proposals": _("Propositions publiées"),
        "feasible": _("Jugées faisables"),
        "on_ballot": _("Soumises au vote"),
        "selected": _("Retenues par le vote"),
        "adopted": _("Adoptées par le conseil"),
    }


# --- the pure part: counting, suppression, shaping -------------------------------------------


def hide(value: int) -> int | None:
    """The small-cell rule: a count of fewer than 5 people is never shown (0 included)."""
    return value if value >= THRESHOLD else None


Key = tuple[str, ...]
Group = tuple[list[Key], Key]
# A cell of 5 or more hidden so that a small one cannot be recovered by subtraction (the
# same string as votes.statistics_tables.MASKED, which prints it).
MASKED = "masked"
Count = int | str | None  # shown, MASKED, or None for under 5


def suppress(values: dict[Key, int], groups: list[Group]) -> dict[Key, Count]:
    """The small-cell rule over cells that add up: every count under 5 is hidden, then more
    cells are hidden until no hidden count under 5 can be recovered by subtraction.

    A group is components summing to a total printed somewhere. When its total is shown, the
    sum of its hidden components is total - shown components; if that sum is 1 to 4, the
    smallest shown component is hidden too, which lifts it to 5 or more. A sum of 0 only
    tells that the hidden cells are empty, which reveals nobody, so empty cells alone cost
    nothing more. Hiding a cell can open another group, hence the loop (it ends: it only
    ever hides). The same number (say the territory's voters) is one key in every table that
    prints it, so that no table shows what another one hides.

    Not covered, knowingly: the results page publishes the ballots per channel, territory and
    outside together, so the outside count of a channel can be worked out from it and the
    territory count. Hiding the territory count whenever 1 to 4 outside people took part
    would hide the main figure of most campaigns, and the outside count is never broken down
    further (no age, gender or commune), so it identifies nobody.

    A hidden cell is None when it is under 5 ("< 5" on screen), MASKED when it is 5 or more
    and hidden for another's sake ("masqué": "< 5" would be false).
    """
    hidden = {key for key, value in values.items() if value < THRESHOLD}
    changed = True
    while changed:
        changed = False
        for components, total in groups:
            if total in hidden:
                continue
            recoverable = sum(values[key] for key in components if key in hidden)
            if 0 < recoverable < THRESHOLD:
                # A shown total is 5 or more: with hidden cells under 5, some are shown.
                shown = [key for key in components if key not in hidden]
                hidden.add(min(shown, key=values.__getitem__))
                changed = True
    return {
        key: (None if value < THRESHOLD else MASKED) if key in hidden else value
        for key, value in values.items()
    }


def suppress_group(components: list[int], total: int) -> tuple[list[Count], Count]:
    """``suppress`` for one group of components and its total."""
    keys = [(str(i),) for i in range(len(components))]
    values = dict(zip(keys, components, strict=True)) | {("total",): total}
    cells = suppress(values, [(keys, ("total",))])
    return [cells[key] for key in keys], cells[("total",)]


def age_band(age: int) -> str:
    for code, low, high in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return code
    return UNKNOWN  # pragma: no cover - the bands cover every integer


def _key(dimension: str, person: Person, reference_year: int) -> str:
    if dimension == "age":
        if person.birth_year is None:
            return UNKNOWN
        return age_band(reference_year - person.birth_year)
    if dimension == "gender":
        return person.gender if person.gender in GENDERS else UNKNOWN
    return person.commune or UNKNOWN


def percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate(count: Count, population: int | None) -> str | None:
    """Participants per 1,000 inhabitants, one decimal, as a string (never a float). None
    when the count is hidden: with the population, the rate would give it back."""
    if not isinstance(count, int) or not population:
        return None
    value = (Decimal(1000) * count / population).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}"


CHANNELS = ("online", "code", "paper", "import")


class Grid:
    """Every count of people, keyed by what it counts, with the groups that add up: one key
    per number, whichever tables print it (see ``suppress``)."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.groups: list[Group] = []

    def residences(self, population: str, residences: list[str]) -> None:
        by = Counter(residences)
        resident, unknown, territory = (
            ("resident", population),
            (UNKNOWN, population),
            ("territory", population),
        )
        self.values[resident], self.values[unknown] = by[RESIDENT], by[UNKNOWN]
        self.values[territory] = by[RESIDENT] + by[UNKNOWN]
        self.values[(OUTSIDE, population)] = by[OUTSIDE]
        self.groups.append(([resident, unknown], territory))

    def dimension(self, dimension: str, population: str, codes: list[str], keys: list[str]):
        counts = Counter(keys)
        cells = [(dimension, code, population) for code in codes]
        for cell, code in zip(cells, codes, strict=True):
            self.values[cell] = counts[code]
        return cells


def _grid(facts: Facts, populations: list[str]) -> Grid:
    grid = Grid()
    ages, genders = list(age_labels()), list(gender_labels())
    communes = [c.insee for c in facts.communes]
    for population in populations:
        people = facts.people[population]
        grid.residences(population, [p.residence for p in people])
        inside = [p for p in people if p.residence != OUTSIDE]
        territory, resident = ("territory", population), ("resident", population)
        for dimension, codes in (("age", ages), ("gender", genders)):
            keys = [_key(dimension, person, facts.reference_year) for person in inside]
            cells = grid.dimension(dimension, population, codes, keys)
            grid.groups.append((cells, territory))
        # Communes add up to the residents; their "unknown" row is the residence unknown.
        keys = [p.commune for p in inside if p.residence == RESIDENT]
        grid.groups.append((grid.dimension("commune", population, communes, keys), resident))
    grid.residences("accounts", [p.residence for p in facts.accounts])
    grid.residences("everyone", [p.residence for p in facts.everyone])
    grid.residences("origin", facts.proposals_origin)
    channels = [c for c in CHANNELS if c in populations]
    if "voters" in populations:
        # Voters are the sum of the channels, cell by cell.
        for key in [k for k in grid.values if k[-1] == "voters"]:
            grid.groups.append(([(*key[:-1], channel) for channel in channels], key))
    return grid


def _table(
    cells: dict[Key, Count],
    dimension: str,
    populations: list[str],
    rows: list[tuple[str, str]],
) -> dict[str, Any]:
    def cell(code: str, population: str) -> Count:
        if dimension == "commune" and code == UNKNOWN:
            return cells[(UNKNOWN, population)]
        return cells[(dimension, code, population)]

    return {
        "rows": [
            {"code": code, "label": label, "counts": {p: cell(code, p) for p in populations}}
            for code, label in rows
        ],
        "total": {p: cells[("territory", p)] for p in populations},
        "outside": {p: cells[(OUTSIDE, p)] for p in populations},
    }


def _communes(facts: Facts, cells: dict[Key, Count], populations: list[str]):
    rows = [(c.insee, c.name) for c in facts.communes]
    rows.append((UNKNOWN, _("Commune inconnue / non renseignée")))
    block = _table(cells, "commune", populations, rows)
    population_of = {c.insee: c.population for c in facts.communes}
    for row in block["rows"]:
        row["insee"] = None if row["code"] == UNKNOWN else row["code"]
        row["population"] = population_of.get(row["code"])
        row["rates"] = {p: rate(row["counts"][p], row["population"]) for p in populations}
    block["population"] = facts.authority_population
    block["rates"] = {p: rate(block["total"][p], facts.authority_population) for p in populations}
    return block


def _residence_row(cells: dict[Key, Count], population: str) -> dict[str, Count]:
    return {
        "resident": cells[("resident", population)],
        "unknown": cells[(UNKNOWN, population)],
        "territory": cells[("territory", population)],
        "outside": cells[(OUTSIDE, population)],
    }


def funnel_step(code: str, residences: list[str] | None) -> dict[str, Any]:
    # Counts of proposals, not of people: every published proposal is listed publicly with
    # its author's pseudonym, so the count itself discloses nothing. Only the part written
    # by outside accounts (a private fact of a profile) follows the small-cell rule.
    return {
        "code": code,
        "label": funnel_labels()[code],
        "count": None if residences is None else len(residences),
        "outside": None if residences is None else hide(residences.count(OUTSIDE)),
    }


def outside_flags(facts: Facts, cells: dict[Key, Count]) -> list[dict[str, Any]]:
    """The warnings of the analysis screen: where accounts from outside weigh notably.

    Under 5 people is never flagged: the share would give the count back, and it is no
    flood. A count the tables hide is not printed here either, and the share only when both
    the outside and the territory counts are shown (it would give a hidden one back)."""
    labels = population_labels()
    groups: list[tuple[str, str, list[str]]] = [("proposals", "origin", facts.proposals_origin)]
    groups += [
        (code, code, [person.residence for person in people])
        for code, people in facts.people.items()
        if code != "voters"
    ]
    flags = []
    for code, population, residences in groups:
        count = residences.count(OUTSIDE)
        share = percent(count, len(residences))
        if count < THRESHOLD or (share < NOTABLE_PERCENT and count < NOTABLE_COUNT):
            continue
        shown = cells[(OUTSIDE, population)]
        if not isinstance(shown, int):
            shown = share = None
        elif not isinstance(cells[("territory", population)], int):
            share = None
        flags.append(
            {
                "code": code,
                "count": shown,
                "percent": share,
                "message": _flag_message(code, shown, share, labels.get(code, "")),
            }
        )
    return flags


def _flag_message(code: str, count: int | None, share: int | None, population: str) -> str:
    values = {"count": count, "percent": share, "population": population}
    if code == "proposals":
        if count is None:
            return _(
                "Attention : une part notable des propositions vient de comptes hors du "
                "territoire (leur nombre est masqué)."
            )
        if share is None:
            return (
                _("Attention : %(count)s propositions viennent de comptes hors du territoire.")
                % values
            )
        return (
            _(
                "Attention : %(count)s propositions (%(percent)s %%) viennent de comptes hors du "
                "territoire."
            )
            % values
        )
    if count is None:
        return (
            _(
                "Attention : une part notable de « %(population)s » vient de comptes hors du "
                "territoire (leur nombre est masqué)."
            )
            % values
        )
    if share is None:
        return (
            _(
                "Attention : %(count)s personnes parmi « %(population)s » viennent de comptes hors "
                "du territoire."
            )
            % values
        )
    return (
        _(
            "Attention : %(count)s personnes (%(percent)s %%) parmi « %(population)s » viennent de "
            "comptes hors du territoire."
        )
        % values
    )


def notes() -> list[str]:
    return [
        _(
            "Tout effectif de moins de 5 personnes est affiché « < 5 ». Quand il pourrait être "
            "retrouvé par soustraction à partir d'un total, une autre case de la même somme est "
            "cachée aussi et affichée « masqué »."
        ),
        _(
            "Les comptes déclarés hors du territoire sont comptés à part et jamais inclus dans "
            "les totaux du territoire."
        ),
        _(
            "Les votes par code, les bulletins importés, les votants papier sans compte et les "
            "comptes supprimés n'ont ni âge, ni genre, ni commune connus : ils sont comptés "
            "dans « Inconnu / non renseigné », jamais écartés."
        ),
        _(
            "Les auteurs sont les comptes ayant déposé au moins une proposition, publiée, "
            "masquée ou retirée. L'âge est celui atteint dans l'année du vote (année du vote "
            "moins année de naissance)."
        ),
        _(
            "L'entonnoir compte des propositions, pas des personnes : ces nombres, publics, ne "
            "sont pas masqués ; seule la part venue d'auteurs hors du territoire l'est sous 5."
        ),
    ]


def shape(facts: Facts) -> dict[str, Any]:
    """The statistics dict (see ``votes.statistics``) from plain facts: no database here."""
    labels = population_labels()
    populations = [code for code in POPULATION_ORDER if code in facts.people]
    grid = _grid(facts, populations)
    cells = suppress(grid.values, grid.groups)
    flags = outside_flags(facts, cells)
    return {
        "version": VERSION,
        "threshold": THRESHOLD,
        "reference_year": facts.reference_year,
        "populations": [{"code": code, "label": labels[code]} for code in populations],
        "participants": [
            {"code": code, "label": labels[code], **_residence_row(cells, code)}
            for code in [*populations, "accounts", "everyone"]
        ],
        # Valid and void ballots are on the public results page: hidden under 5 all the same,
        # for one rule everywhere.
        "paper_ballots": {"valid": hide(facts.paper_valid), "void": hide(facts.paper_void)},
        "proposals_origin": _residence_row(cells, "origin"),
        "age": _table(cells, "age", populations, list(age_labels().items())),
        "gender": _table(cells, "gender", populations, list(gender_labels().items())),
        "commune": _communes(facts, cells, populations),
        "funnel": [funnel_step(code, facts.funnel.get(code)) for code in FUNNEL_ORDER],
        "outside": {"notable": bool(flags), "flags": flags},
        "notes": notes(),
    }
