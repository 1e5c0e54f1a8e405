"""The open ``.pb`` format of pabulib (issue 5 §5): a pure parser, writer and ballot checks.

A file has three ``;``-separated sections: META (``key;value``), PROJECTS (``project_id;cost;
...``) and VOTES (``voter_id;vote;...``, ``vote`` being comma-separated project ids). Unknown
META keys and extra columns are kept as text so that a file can be written back as read.
No ORM here: the import/export commands turn these values into campaigns and back.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SECTIONS = ("meta", "projects", "votes")
APPROVAL_VOTE_TYPES = ("approval", "choose-1")

# The caps a ballot is checked against, in the order they are checked (§5).
MAX_LENGTH = "max_length"
MAX_LENGTH_PER_CATEGORY = "max_length_per_category"
MAX_SUM_COST_PER_CATEGORY = "max_sum_cost_per_category"
MAX_SUM_COST = "max_sum_cost"
CAPS: tuple[str, ...] = (
    MAX_LENGTH,
    MAX_LENGTH_PER_CATEGORY,
    MAX_SUM_COST_PER_CATEGORY,
    MAX_SUM_COST,
)

DEFAULT_PROJECT_COLUMNS = ["project_id", "cost", "name", "category"]
DEFAULT_VOTE_COLUMNS = ["voter_id", "vote"]


class PbError(ValueError):
    """A file that cannot be read as a pabulib election; the message says where and why."""


@dataclass
class PbProject:
    project_id: str
    cost: Decimal
    name: str = ""
    # Tags of the ``category`` column, in the order the file lists them.
    categories: list[str] = field(default_factory=list)
    # Every other column (votes, selected, beneficiaries...), verbatim.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class PbVote:
    voter_id: str
    # As written in the file: order kept, duplicates kept (check_ballots removes them).
    projects: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class PbElection:
    meta: dict[str, str] = field(default_factory=dict)
    projects: list[PbProject] = field(default_factory=list)
    votes: list[PbVote] = field(default_factory=list)
    project_columns: list[str] = field(default_factory=lambda: list(DEFAULT_PROJECT_COLUMNS))
    vote_columns: list[str] = field(default_factory=lambda: list(DEFAULT_VOTE_COLUMNS))

    @property
    def budget(self) -> Decimal:
        return _decimal(self.meta.get("budget"), "budget")

    @property
    def description(self) -> str:
        return self.meta.get("description", "").strip()

    def project(self, project_id: str) -> PbProject:
        for project in self.projects:
            if project.project_id == project_id:
                return project
        raise KeyError(project_id)


@dataclass(frozen=True)
class PbCategory:
    """One category to create from a file, with the rules §5 derives from its META."""

    name: str
    envelope: Decimal
    max_approvals: int | None  # K; None = unlimited
    knapsack: bool
    # The per-voter cost cap the file declares for this category, when knapsack.
    max_sum_cost: Decimal | None
    threshold: int | None
    project_ids: tuple[str, ...]


@dataclass(frozen=True)
class AcceptedBallot:
    voter_id: str
    projects: tuple[str, ...]  # without duplicates, in the file's order


@dataclass(frozen=True)
class RejectedBallot:
    voter_id: str
    cap: str  # the first cap of CAPS the ballot breaks


@dataclass
class BallotCheck:
    accepted: list[AcceptedBallot]
    rejected: list[RejectedBallot]
    # Number of ballots that named a project twice (duplicates removed before the caps).
    duplicates_removed: int

    @property
    def rejected_by_cap(self) -> dict[str, int]:
        counts = Counter(ballot.cap for ballot in self.rejected)
        return {cap: counts[cap] for cap in CAPS if counts[cap]}

    def approvals(self) -> dict[str, int]:
        """Approvals per project id, counted from the accepted ballots only."""
        counts: Counter[str] = Counter()
        for ballot in self.accepted:
            counts.update(ballot.projects)
        return dict(counts)


def parse_pb(text: str) -> PbElection:
    """Read a ``.pb`` file's text. Raises PbError (with the line) on anything unusable."""
    election = PbElection(project_columns=[], vote_columns=[])
    section = ""
    header: list[str] = []
    seen_sections: set[str] = set()
    project_ids: set[str] = set()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    pending_header = False
    for row in reader:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        first = row[0].strip().lower()
        if first in SECTIONS and len([cell for cell in row if cell.strip()]) == 1:
            if first in seen_sections:
                raise PbError(
                    _("Ligne %(line)d : section %(section)s en double.")
                    % {"line": line, "section": first.upper()}
                )
            section, pending_header = first, True
            seen_sections.add(first)
            continue
        if not section:
            raise PbError(
                _("Ligne %(line)d : des données avant toute section (META, PROJECTS, VOTES).")
                % {"line": line}
            )
        if pending_header:
            header = [cell.strip() for cell in row]
            pending_header = False
            if section == "projects":
                _require_columns(header, ("project_id", "cost"), line)
                election.project_columns = header
            elif section == "votes":
                _require_columns(header, ("voter_id", "vote"), line)
                election.vote_columns = header
            continue
        if section == "meta":
            if len(row) < 2:
                raise PbError(
                    _("Ligne %(line)d : une ligne META doit être « clé;valeur ».") % {"line": line}
                )
            # A value with an unquoted ";" was split by the reader: put it back together.
            election.meta[row[0].strip()] = ";".join(row[1:]).strip()
        elif section == "projects":
            project = _parse_project(header, row, line)
            if project.project_id in project_ids:
                raise PbError(
                    _("Ligne %(line)d : le projet %(id)s apparaît deux fois.")
                    % {"line": line, "id": project.project_id}
                )
            project_ids.add(project.project_id)
            election.projects.append(project)
        else:
            election.votes.append(_parse_vote(header, row, line, project_ids))
    for name in SECTIONS:
        if name not in seen_sections:
            raise PbError(_("Section %(section)s absente.") % {"section": name.upper()})
    if "budget" not in election.meta:
        raise PbError(_("META : la clé « budget » est obligatoire."))
    _decimal(election.meta["budget"], "budget")  # refused now rather than at first use
    vote_type = election.meta.get("vote_type", "approval").strip().lower()
    if vote_type not in APPROVAL_VOTE_TYPES:
        raise PbError(
            _("META : vote_type « %(type)s » non pris en charge (seul « approval » l'est).")
            % {"type": vote_type}
        )
    return election


def _require_columns(header: list[str], names: Sequence[str], line: int) -> None:
    for name in names:
        if name not in header:
            raise PbError(
                _("Ligne %(line)d : colonne « %(column)s » absente.")
                % {"line": line, "column": name}
            )


def _cells(header: list[str], row: list[str], line: int) -> dict[str, str]:
    if len(row) != len(header):
        raise PbError(
            _("Ligne %(line)d : %(found)d colonnes au lieu de %(expected)d.")
            % {"line": line, "found": len(row), "expected": len(header)}
        )
    return {name: cell.strip() for name, cell in zip(header, row, strict=True)}


def _is_none(value: str) -> bool:
    return not value or value.lower() == "none"


def _parse_project(header: list[str], row: list[str], line: int) -> PbProject:
    cells = _cells(header, row, line)
    project_id = cells.pop("project_id")
    if not project_id:
        raise PbError(_("Ligne %(line)d : identifiant de projet vide.") % {"line": line})
    raw_cost = cells.pop("cost")
    try:
        cost = Decimal(raw_cost.replace(",", "."))
    except InvalidOperation:
        cost = None
    if cost is None or not cost.is_finite() or cost < 0:
        raise PbError(
            _("Ligne %(line)d : coût « %(cost)s » invalide pour le projet %(id)s.")
            % {"line": line, "cost": raw_cost, "id": project_id}
        )
    name = cells.pop("name", "")
    tags = cells.pop("category", "")
    if "categories" in cells and not tags:
        tags = cells.pop("categories")
    categories = [] if _is_none(tags) else [tag.strip() for tag in tags.split(",") if tag.strip()]
    return PbProject(
        project_id=project_id, cost=cost, name=name, categories=categories, extra=cells
    )


def _parse_vote(header: list[str], row: list[str], line: int, project_ids: set[str]) -> PbVote:
    cells = _cells(header, row, line)
    voter_id = cells.pop("voter_id")
    raw = cells.pop("vote")
    projects = [] if _is_none(raw) else [p.strip() for p in raw.split(",") if p.strip()]
    for project_id in projects:
        if project_id not in project_ids:
            raise PbError(
                _("Ligne %(line)d : le bulletin %(voter)s vote pour un projet inconnu (%(id)s).")
                % {"line": line, "voter": voter_id, "id": project_id}
            )
    return PbVote(voter_id=voter_id, projects=projects, extra=cells)


def write_pb(election: PbElection) -> str:
    """The ``.pb`` text of an election; ``parse_pb`` and pabutools read it back unchanged.

    ``num_projects`` and ``num_votes`` are set to the real counts. Line breaks inside a value
    become spaces: pabutools splits the file into lines before reading the fields.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta.setdefault("vote_type", "approval")
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.votes))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([_flat(key), _flat(value)])

    project_columns = _columns(
        election.project_columns,
        ["project_id", "cost"],
        [key for p in election.projects for key in p.extra],
        optional={
            "name": any(p.name for p in election.projects),
            "category": any(p.categories for p in election.projects),
        },
    )
    writer.writerow(["PROJECTS"])
    writer.writerow(project_columns)
    for project in election.projects:
        values = {
            "project_id": project.project_id,
            "cost": _amount(project.cost),
            "name": project.name,
            "category": ",".join(project.categories) if project.categories else "None",
            **project.extra,
        }
        writer.writerow([_flat(values.get(column, "None")) for column in project_columns])

    vote_columns = _columns(
        election.vote_columns,
        ["voter_id", "vote"],
        [key for v in election.votes for key in v.extra],
        optional={},
    )
    writer.writerow(["VOTES"])
    writer.writerow(vote_columns)
    for vote in election.votes:
        values = {"voter_id": vote.voter_id, "vote": ",".join(vote.projects), **vote.extra}
        writer.writerow([_flat(values.get(column, "None")) for column in vote_columns])
    return out.getvalue()


def _columns(
    declared: list[str], required: list[str], extra: list[str], *, optional: dict[str, bool]
) -> list[str]:
    columns = [c for c in declared if c != "categories"]
    for column in required:
        if column not in columns:
            columns.insert(required.index(column), column)
    for column, wanted in optional.items():
        if wanted and column not in columns:
            columns.append(column)
    for column in extra:
        if column not in columns:
            columns.append(column)
    return columns


def _flat(value: str) -> str:
    return " ".join(str(value).splitlines())


def _amount(value: Decimal) -> str:
    # "25750", not "2.575E+4": Decimal's str() switches to exponents after normalize().
    return format(value, "f")


def _decimal(value: str | None, key: str) -> Decimal:
    try:
        amount = Decimal((value or "").strip().replace(",", "."))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise PbError(
            _("META : « %(key)s » = « %(value)s » n'est pas un montant.")
            % {"key": key, "value": value or ""}
        )
    return amount


def _int(value: str, key: str) -> int:
    try:
        number = int(Decimal(value.strip()))
    except (InvalidOperation, ValueError):
        number = -1
    if number < 0:
        raise PbError(
            _("META : « %(key)s » = « %(value)s » n'est pas un entier.")
            % {"key": key, "value": value}
        )
    return number


def category_order(election: PbElection) -> list[str]:
    """The categories META declares, in its order (empty when it declares none)."""
    raw = election.meta.get("categories", "")
    return [] if _is_none(raw) else [c.strip() for c in raw.split(",") if c.strip()]


def project_category(project: PbProject, order: Sequence[str]) -> str | None:
    """The one category of a project: the first of its tags in META order, else its first tag."""
    for category in order:
        if category in project.categories:
            return category
    return project.categories[0] if project.categories else None


def _per_category(
    election: PbElection, key: str, order: Sequence[str], parse, *, shared: bool = True
) -> dict[str, object] | None:
    """A per-category META value: one per category in META order, or (``shared``) one for all."""
    raw = election.meta.get(key)
    if raw is None or _is_none(raw):
        return None
    parts = [part.strip() for part in raw.split(",")]
    if not shared and not order:
        raise PbError(_("META : « %(key)s » demande la liste « categories ».") % {"key": key})
    if len(parts) == 1 and shared and len(order) != 1:
        return {"*": parse(parts[0], key)}
    if len(parts) != len(order):
        raise PbError(
            _("META : « %(key)s » : %(found)d valeur(s) pour %(expected)d catégories.")
            % {"key": key, "found": len(parts), "expected": len(order)}
        )
    return {name: parse(part, key) for name, part in zip(order, parts, strict=True)}


def _for(values: dict[str, object] | None, category: str | None):
    if values is None:
        return None
    if "*" in values:
        return values["*"]
    return values.get(category)


def categories_from_meta(election: PbElection) -> list[PbCategory]:
    """The categories to create (§5): one for the file, or one per ``budget_per_category``."""
    meta = election.meta
    threshold_raw = meta.get("min_project_score_threshold")
    threshold = (
        None
        if threshold_raw is None or _is_none(threshold_raw)
        else _int(threshold_raw, "min_project_score_threshold")
    )
    max_length = _optional_int(meta, MAX_LENGTH)
    order = category_order(election)
    budgets = _per_category(election, "budget_per_category", order, _decimal, shared=False)
    if budgets is None:
        max_sum_cost = meta.get(MAX_SUM_COST)
        cap = (
            None
            if max_sum_cost is None or _is_none(max_sum_cost)
            else _decimal(max_sum_cost, MAX_SUM_COST)
        )
        return [
            PbCategory(
                name=election.description or _("Budget participatif"),
                envelope=election.budget,
                max_approvals=max_length,
                knapsack=cap is not None,
                max_sum_cost=cap,
                threshold=threshold,
                project_ids=tuple(p.project_id for p in election.projects),
            )
        ]
    lengths = _per_category(election, MAX_LENGTH_PER_CATEGORY, order, _int)
    sum_costs = _per_category(election, MAX_SUM_COST_PER_CATEGORY, order, _decimal)
    members: dict[str, list[str]] = {name: [] for name in order}
    for project in election.projects:
        category = project_category(project, order)
        if category not in members:
            raise PbError(
                _("Le projet %(id)s n'appartient à aucune catégorie de META « categories ».")
                % {"id": project.project_id}
            )
        members[category].append(project.project_id)
    categories = []
    for name in order:
        per_category_length = _for(lengths, name)
        cap = _for(sum_costs, name)
        categories.append(
            PbCategory(
                name=name,
                envelope=budgets[name],
                max_approvals=per_category_length if lengths is not None else max_length,
                knapsack=sum_costs is not None,
                max_sum_cost=cap,
                threshold=threshold,
                project_ids=tuple(members[name]),
            )
        )
    return categories


def _optional_int(meta: dict[str, str], key: str) -> int | None:
    raw = meta.get(key)
    return None if raw is None or _is_none(raw) else _int(raw, key)


def check_ballots(election: PbElection, *, categories: Sequence[str] | None = None) -> BallotCheck:
    """Accept or reject every ballot against the caps the file declares (§5).

    Projects named twice in a ballot are first reduced to one (those ballots are counted).
    Then ``max_length``, ``max_length_per_category``, ``max_sum_cost_per_category`` and
    ``max_sum_cost`` are checked in that order, also when the categories are only thematic
    tags; a ballot breaking one is rejected whole and counted under the first it breaks.
    ``min_length`` and ``min_project_cost`` are not enforced. ``categories`` is the order in
    which a project's tags are resolved to its one category (default: META ``categories``).
    """
    order = list(categories) if categories is not None else category_order(election)
    meta = election.meta
    max_length = _optional_int(meta, MAX_LENGTH)
    lengths = _per_category(election, MAX_LENGTH_PER_CATEGORY, order, _int)
    sum_costs = _per_category(election, MAX_SUM_COST_PER_CATEGORY, order, _decimal)
    raw_sum = meta.get(MAX_SUM_COST)
    max_sum = None if raw_sum is None or _is_none(raw_sum) else _decimal(raw_sum, MAX_SUM_COST)
    cost = {p.project_id: p.cost for p in election.projects}
    category_of = {p.project_id: project_category(p, order) for p in election.projects}

    accepted: list[AcceptedBallot] = []
    rejected: list[RejectedBallot] = []
    duplicates = 0
    for vote in election.votes:
        projects = tuple(dict.fromkeys(vote.projects))
        if len(projects) != len(vote.projects):
            duplicates += 1
        cap = _first_broken_cap(
            projects, cost, category_of, max_length, lengths, sum_costs, max_sum
        )
        if cap is None:
            accepted.append(AcceptedBallot(voter_id=vote.voter_id, projects=projects))
        else:
            rejected.append(RejectedBallot(voter_id=vote.voter_id, cap=cap))
    return BallotCheck(accepted=accepted, rejected=rejected, duplicates_removed=duplicates)


def _first_broken_cap(
    projects: tuple[str, ...],
    cost: dict[str, Decimal],
    category_of: dict[str, str | None],
    max_length: int | None,
    lengths: dict[str, object] | None,
    sum_costs: dict[str, object] | None,
    max_sum: Decimal | None,
) -> str | None:
    if max_length is not None and len(projects) > max_length:
        return MAX_LENGTH
    if lengths is not None or sum_costs is not None:
        counts: Counter[str | None] = Counter()
        sums: dict[str | None, Decimal] = {}
        for project_id in projects:
            category = category_of[project_id]
            counts[category] += 1
            sums[category] = sums.get(category, Decimal(0)) + cost[project_id]
        # A project without any category is under no per-category cap.
        counts.pop(None, None)
        sums.pop(None, None)
        if lengths is not None:
            for category, count in counts.items():
                limit = _for(lengths, category)
                if limit is not None and count > limit:
                    return MAX_LENGTH_PER_CATEGORY
        if sum_costs is not None:
            for category, total in sums.items():
                limit = _for(sum_costs, category)
                if limit is not None and total > limit:
                    return MAX_SUM_COST_PER_CATEGORY
    if max_sum is not None and sum(cost[p] for p in projects) > max_sum:
        return MAX_SUM_COST
    return None
