"""A workshop carried from a laptop to the central server, as one file (issue 15 §6).

A workshop run in a room without internet (`make room`) lives in the laptop's database. The
facilitator exports it (`workshop_export`: JSON, a format version, a SHA-256 checksum), and an
administrator or facilitator imports it on the central server through the one upload flow
(budget/imports/uploads.py: validate → preview → confirm) with `workshop_import`.

Nothing in the file is a database id: the campaign is named by its slug, the budget by a
fingerprint of its lines (`budget_fingerprint`: the same budget file imported on both machines
gives the same fingerprint, whatever the ids), measures by slug, lines by code, groups by name,
the workshop by its uuid. So the import is refused when the campaign or its budget differ, and
a second import of the same file finds everything in place and writes nothing. All or nothing:
the first problem found undoes the whole import (one transaction).

What is carried: the workshop (title, date, place, state), its groups and their scenarios
(measures, line adjustments, revenue levers, horizon, target), their arguments, and the
consolidated proposals with the groups that carried them. A proposal already carried by the
workshop on the server is left as it is (as `workshop_consolidate` does); new ones take the
next P-numbers of the campaign and need it in its proposals phase.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import Budget, BudgetLine
from simulator.models import Measure, Scenario, ScenarioAdjustment
from votes.access import is_facilitator, require
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import PhaseError, require_phase
from votes.proposals.models import Proposal, ProposalAdjustment
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal
from votes.workshops.services import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    campaign_target,
    can_run_workshop,
    clean_argument,
    new_join_code,
)

FORMAT = "arbitrages-atelier"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
ADJUSTMENT_FIELDS = ("amount", "percent", "start_year", "recurring", "first_year_share")


# --- the file ------------------------------------------------------------------------------------


def budget_fingerprint(budget: Budget) -> str:
    """SHA-256 of what makes the budget the same budget on two machines: its year, stage and
    every line's code, classification and amounts; never a database id."""
    digest = hashlib.sha256(f"{budget.year}|{budget.stage}".encode())
    for line in budget.lines.order_by("code"):
        digest.update(
            "\n{}|{}|{}|{}|{}|{}|{}|{}|{}".format(
                line.code,
                line.section,
                line.direction,
                line.kind,
                line.chapter,
                line.account,
                line.function,
                line.amount,
                "" if line.realised is None else line.realised,
            ).encode()
        )
    return digest.hexdigest()


def _canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _checksum(content: dict) -> str:
    return hashlib.sha256(_canonical(content)).hexdigest()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _adjustment(adjustment) -> dict:
    return {
        "line": adjustment.line.code,
        "amount": _money(adjustment.amount),
        "percent": _money(adjustment.percent),
        "start_year": adjustment.start_year,
        "recurring": adjustment.recurring,
        "first_year_share": str(adjustment.first_year_share),
    }


def _scenario(scenario: Scenario) -> dict:
    return {
        "title": scenario.title,
        "horizon": scenario.horizon,
        "target": _money(scenario.target),
        "tax_rate_change": str(scenario.tax_rate_change),
        "levers": scenario.levers,
        "measures": sorted(scenario.measures.values_list("slug", flat=True)),
        "adjustments": [
            _adjustment(a)
            for a in scenario.adjustments.select_related("line").order_by("line__code")
        ],
    }


def workshop_export(*, workshop: Workshop, by: AbstractBaseUser) -> bytes:
    """The workshop as one JSON file, for `workshop_import` on another server."""
    require(can_run_workshop(by, workshop))
    campaign = workshop.campaign
    groups = workshop.groups.select_related("scenario").order_by("position", "name")
    content = {
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "budget": {
            "slug": campaign.budget.slug,
            "fingerprint": budget_fingerprint(campaign.budget),
        },
        "workshop": {
            "uuid": str(workshop.uuid),
            "title": workshop.title,
            "starts_at": workshop.starts_at.isoformat(),
            "place": workshop.place,
            "status": workshop.status,
            "groups": [
                {
                    "name": group.name,
                    "kind": group.kind,
                    "join_code": group.join_code,
                    "position": group.position,
                    "scenario": _scenario(group.scenario),
                    "arguments": [
                        {"measure": slug, "text": text}
                        for slug, text in group.arguments.order_by("measure__slug").values_list(
                            "measure__slug", "text"
                        )
                    ],
                }
                for group in groups
            ],
            "proposals": [
                _carried(outcome)
                for outcome in workshop.outcomes.select_related(
                    "measure", "proposal__category"
                ).order_by("proposal__reference")
            ],
        },
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        **content,
        "checksum": _checksum(content),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _carried(outcome: WorkshopProposal) -> dict:
    proposal = outcome.proposal
    return {
        "measure": outcome.measure.slug if outcome.measure else None,
        "choice": outcome.choice,
        "groups": sorted(outcome.groups.values_list("name", flat=True)),
        "category": proposal.category.name,
        "kind": proposal.kind,
        "title": proposal.title,
        "description": proposal.description,
        "author_label": proposal.author_label,
        "estimate": _money(proposal.estimate),
        "lever": proposal.lever,
        "lever_value": _money(proposal.lever_value),
        "adjustments": [
            _adjustment(a) for a in proposal.adjustments.select_related("line").order_by("id")
        ],
    }


# --- reading it back -----------------------------------------------------------------------------


@dataclass
class Problem:
    message: str


@dataclass
class TransferReport:
    """What an import did (or, validated, would do); `errors` when refused."""

    errors: list[Problem] = field(default_factory=list)
    title: str = ""
    campaign: str = ""
    groups_created: int = 0
    groups_updated: int = 0
    arguments_written: int = 0
    proposals_created: int = 0
    proposals_present: int = 0
    workshop_created: bool = False
    workshop_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return (
            self.groups_created
            + self.groups_updated
            + self.arguments_written
            + self.proposals_created
            + (1 if self.workshop_created else 0)
        )


class Refused(Exception):
    """The file cannot be imported: the message says why (in French)."""


def read_document(data: bytes) -> dict:
    """The checked content of a workshop file; Refused with the reason otherwise."""
    if len(data) > MAX_BYTES:
        raise Refused(_("Le fichier dépasse 5 Mo : ce n'est pas un export d'atelier."))
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(
            _("Ce fichier n'est pas un export d'atelier d'Arbitrages (JSON illisible).")
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Refused(_("Ce fichier n'est pas un export d'atelier d'Arbitrages."))
    if document.get("version") != VERSION:
        raise Refused(
            _(
                "Version %(found)s du format d'export non prise en charge (attendue : "
                "%(expected)s) : exportez l'atelier avec la même version d'Arbitrages."
            )
            % {"found": document.get("version"), "expected": VERSION}
        )
    content = {key: document.get(key) for key in ("campaign", "budget", "workshop")}
    if document.get("checksum") != _checksum(content):
        raise Refused(
            _(
                "Le fichier a été modifié ou abîmé depuis son export (somme de contrôle "
                "différente) : exportez-le de nouveau depuis l'ordinateur de l'atelier."
            )
        )
    return content


def _decimal(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Refused(
            _("Valeur illisible pour %(what)s : « %(value)s ».")
            % {
                "what": what,
                "value": value,
            }
        ) from None


class _Names:
    """Measures, lines and categories of the server, found by their names in the file."""

    def __init__(self, campaign: Campaign) -> None:
        budget = campaign.budget
        self.measures = {m.slug: m for m in Measure.objects.filter(budget=budget)}
        self.lines = {line.code: line for line in BudgetLine.objects.filter(budget=budget)}
        self.categories = {c.name: c for c in Category.objects.filter(campaign=campaign)}

    def measure(self, slug: str) -> Measure:
        if slug not in self.measures:
            raise Refused(
                _("La mesure « %(slug)s » n'existe pas dans le budget de ce serveur.")
                % {"slug": slug}
            )
        return self.measures[slug]

    def line(self, code: str) -> BudgetLine:
        if code not in self.lines:
            raise Refused(
                _("La ligne « %(code)s » n'existe pas dans le budget de ce serveur.")
                % {"code": code}
            )
        return self.lines[code]

    def category(self, name: str) -> Category:
        if name not in self.categories:
            raise Refused(
                _("La rubrique « %(name)s » n'existe pas dans la campagne de ce serveur.")
                % {"name": name}
            )
        return self.categories[name]

    def adjustments(self, rows: list[dict]) -> list[dict]:
        return [
            {
                "line": self.line(row["line"]),
                "amount": _decimal(row.get("amount"), _("un montant")),
                "percent": _decimal(row.get("percent"), _("un pourcentage")),
                "start_year": int(row.get("start_year", 1)),
                "recurring": bool(row.get("recurring", True)),
                "first_year_share": _decimal(row.get("first_year_share", "1"), _("une part")),
            }
            for row in rows
        ]


def _same_adjustments(existing, wanted: list[dict]) -> bool:
    have = sorted((a.line_id, *(getattr(a, name) for name in ADJUSTMENT_FIELDS)) for a in existing)
    want = sorted((row["line"].pk, *(row[name] for name in ADJUSTMENT_FIELDS)) for row in wanted)
    return have == want


# --- the import ----------------------------------------------------------------------------------


def workshop_import(*, data: bytes, by: AbstractBaseUser, dry_run: bool = False) -> TransferReport:
    """Import a workshop file, all or nothing; `dry_run` checks it and counts what would change,
    then undoes everything (the upload flow's validation: the preview is the import itself)."""
    require(is_facilitator(by))
    report = TransferReport()
    try:
        # One transaction rather than the decorator: a refusal raised inside undoes every row
        # already written and is turned into the report's message here; a dry run undoes them
        # too, after counting.
        with transaction.atomic():
            _import(data=data, by=by, report=report)
            if dry_run:
                transaction.set_rollback(True)
    except Refused as refusal:
        report.errors.append(Problem(str(refusal)))
    except (PhaseError, ValidationError) as refusal:
        report.errors.extend(Problem(message) for message in refusal.messages)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        report.errors.append(
            Problem(
                _("Le fichier est incomplet ou mal formé (%(detail)s) : rien n'a été enregistré.")
                % {"detail": error}
            )
        )
    if report.errors:
        report.workshop_id = None
    return report


def _import(*, data: bytes, by: AbstractBaseUser, report: TransferReport) -> None:
    content = read_document(data)
    slug = content["campaign"]["slug"]
    # Locked: the campaign row is the queue of P-numbers (as in proposal_create), and two
    # imports of the same file at once would otherwise both create the workshop.
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("budget")
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        raise Refused(
            _("La campagne « %(title)s » (%(slug)s) n'existe pas sur ce serveur.")
            % {"title": content["campaign"].get("title", ""), "slug": slug}
        )
    # The file names its campaign: a facilitator of another authority imports nothing.
    require(is_facilitator(by, campaign))
    if campaign.budget is None or budget_fingerprint(campaign.budget) != content["budget"].get(
        "fingerprint"
    ):
        raise Refused(
            _(
                "Le budget de la campagne « %(title)s » n'est pas celui de l'atelier : "
                "l'atelier a travaillé sur un autre budget (ou une autre version du budget). "
                "Importez d'abord le même fichier de budget sur les deux ordinateurs."
            )
            % {"title": campaign.title}
        )
    names = _Names(campaign)
    source = content["workshop"]
    report.title, report.campaign = source["title"], campaign.title
    workshop = _workshop(campaign, source, by=by, report=report)
    groups = {
        row["name"]: _group(workshop, row, names=names, report=report) for row in source["groups"]
    }
    for row in source["groups"]:
        for argument in row.get("arguments", []):
            _argument(groups[row["name"]], argument, names=names, report=report)
    new = [row for row in source.get("proposals", []) if not _carried_already(workshop, row, names)]
    report.proposals_present = len(source.get("proposals", [])) - len(new)
    if new:
        require_phase(campaign, "propose")
        reference = (
            Proposal.objects.filter(campaign=campaign).aggregate(Max("reference"))["reference__max"]
            or 0
        )
        for row in new:
            reference += 1
            _proposal(workshop, row, reference=reference, groups=groups, names=names)
            report.proposals_created += 1
    report.workshop_id = workshop.pk


def _workshop(campaign: Campaign, source: dict, *, by, report: TransferReport) -> Workshop:
    key = uuid.UUID(source["uuid"])
    workshop = Workshop.objects.select_for_update().filter(uuid=key).first()
    if workshop is not None:
        if workshop.campaign_id != campaign.pk:
            raise Refused(
                _("Cet atelier appartient à une autre campagne de ce serveur : « %(title)s ».")
                % {"title": workshop.campaign.title}
            )
        return workshop
    starts_at = dt.datetime.fromisoformat(source["starts_at"])
    workshop = Workshop(
        campaign=campaign,
        uuid=key,
        title=str(source["title"]).strip(),
        starts_at=starts_at,
        place=str(source.get("place", "")).strip(),
        # The facilitator of the room has no account here: the person importing answers for it.
        facilitator=by,
        status=source.get("status", Workshop.Status.CLOSED),
    )
    workshop.full_clean()
    workshop.save()
    report.workshop_created = True
    return workshop


def _group(workshop: Workshop, row: dict, *, names: _Names, report: TransferReport):
    measures = [names.measure(slug) for slug in row["scenario"].get("measures", [])]
    adjustments = names.adjustments(row["scenario"].get("adjustments", []))
    wanted = {
        "title": str(row["scenario"]["title"]),
        "horizon": int(row["scenario"]["horizon"]),
        "target": _decimal(row["scenario"].get("target"), _("l'objectif")),
        "tax_rate_change": _decimal(row["scenario"].get("tax_rate_change", "0"), _("le taux")),
        "levers": row["scenario"].get("levers") or {},
    }
    group = workshop.groups.select_related("scenario").filter(name=row["name"]).first()
    if group is None:
        scenario = Scenario(budget=workshop.campaign.budget, owner=None, **wanted)
        if scenario.target is None:
            scenario.target = campaign_target(workshop.campaign)
        scenario.full_clean()
        scenario.save()
        group = WorkshopGroup(
            workshop=workshop,
            name=str(row["name"]),
            kind=row.get("kind", ""),
            join_code=_free_code(row.get("join_code", "")),
            position=int(row.get("position", 0)),
            scenario=scenario,
            last_change_at=timezone.now(),
        )
        group.full_clean()
        group.save()
        report.groups_created += 1
    else:
        scenario = group.scenario
        same = all(getattr(scenario, name) == value for name, value in wanted.items())
        same = same and set(scenario.measures.values_list("pk", flat=True)) == {
            m.pk for m in measures
        }
        same = same and _same_adjustments(scenario.adjustments.all(), adjustments)
        if same:
            return group
        for name, value in wanted.items():
            setattr(scenario, name, value)
        scenario.full_clean()
        scenario.save()
        scenario.adjustments.all().delete()
        report.groups_updated += 1
    scenario.measures.set(measures)
    for values in adjustments:
        adjustment = ScenarioAdjustment(scenario=scenario, **values)
        adjustment.full_clean()
        adjustment.save()
    return group


def _free_code(code: str) -> str:
    """The group's code from the room when no group here uses it, else a new one (codes are
    unique on a server, and the room's tablets no longer need it)."""
    valid = len(code) == JOIN_CODE_LENGTH and all(c in JOIN_CODE_ALPHABET for c in code)
    if valid and not WorkshopGroup.objects.filter(join_code=code).exists():
        return code
    return new_join_code()


def _argument(group: WorkshopGroup, row: dict, *, names: _Names, report: TransferReport) -> None:
    measure = names.measure(row["measure"])
    # Typed on a tablet in the room: cleaned as the group's screen cleans it (services.py).
    text = clean_argument(str(row["text"]))
    current = GroupArgument.objects.filter(group=group, measure=measure).first()
    if current is not None and current.text == text:
        return
    argument = current or GroupArgument(group=group, measure=measure)
    argument.text = text
    argument.full_clean()
    argument.save()
    report.arguments_written += 1


def _carried_already(workshop: Workshop, row: dict, names: _Names) -> bool:
    if row.get("measure"):
        return WorkshopProposal.objects.filter(
            workshop=workshop, measure=names.measure(row["measure"])
        ).exists()
    return WorkshopProposal.objects.filter(workshop=workshop, choice=row["choice"]).exists()


def _proposal(workshop: Workshop, row: dict, *, reference: int, groups: dict, names: _Names):
    category = names.category(row["category"])
    measure = names.measure(row["measure"]) if row.get("measure") else None
    proposal = Proposal(
        campaign=workshop.campaign,
        category=category,
        reference=reference,
        kind=row["kind"],
        title=str(row["title"]),
        description=str(row["description"]),
        author=None,
        author_label=str(row["author_label"]),
        estimate=_decimal(row.get("estimate"), _("l'estimation")),
        measure=measure,
        lever=row.get("lever", ""),
        lever_value=_decimal(row.get("lever_value"), _("la valeur du levier")),
    )
    proposal.full_clean()
    proposal.save()
    for values in names.adjustments(row.get("adjustments", [])):
        adjustment = ProposalAdjustment(proposal=proposal, **values)
        adjustment.full_clean()
        adjustment.save()
    outcome = WorkshopProposal(
        workshop=workshop, measure=measure, choice=row.get("choice", ""), proposal=proposal
    )
    outcome.full_clean()
    outcome.save()
    missing = [name for name in row.get("groups", []) if name not in groups]
    if missing:
        raise Refused(
            _("La proposition « %(title)s » cite un groupe absent du fichier : %(names)s.")
            % {"title": proposal.title, "names": ", ".join(missing)}
        )
    outcome.groups.set([groups[name] for name in row.get("groups", [])])
