"""The workshop's summary as a workbook: groups, measures × groups, arguments, proposals.

Data in (what `simulator.consolidation` read), bytes out; the view only wraps the response.
Values only: the writer keeps a group's text starting with "=" as text, never a formula.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.utils import timezone
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from votes.workshops.consolidation import WorkshopComparison
from votes.workshops.models import WorkshopGroup, WorkshopProposal

CHECK = "✓"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _kind(group: WorkshopGroup) -> str:
    return group.get_kind_display() if group.kind else ""


def _local(moment):
    # Excel has no time zones: the workshop's local time, as the screens show it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _groups_rows(data: WorkshopComparison) -> list[list]:
    rows = []
    for view in data.groups:
        progress = view.progress
        share = None
        if progress.full_year_net_saving is not None and progress.target:
            share = float(progress.full_year_net_saving / progress.target)
        rows.append(
            [
                view.group.name,
                _kind(view.group),
                view.group.scenario.title,
                len(view.measures),
                "; ".join(measure.title for measure in view.measures),
                progress.full_year_net_saving,
                progress.first_year_net_saving,
                progress.target,
                share,
                " ".join(progress.errors),
                _local(view.group.last_change_at),
            ]
        )
    return rows


def _matrix_rows(data: WorkshopComparison, kind_labels: dict[str, str]) -> tuple[list, list]:
    comparison = data.comparison
    total = len(comparison.groups)
    headers = [_("Mesure"), *[group.name for group in comparison.groups]]
    headers += [_("Groupes"), _("Part des groupes"), _("Consensus")]
    headers += [
        _("Part des groupes « %(kind)s »") % {"kind": kind_labels.get(kind, kind)}
        for kind, _count in comparison.kinds
    ]
    rows = [
        [
            row.title,
            *[CHECK if chosen else "" for chosen in row.chosen],
            row.count,
            row.count / total,
            _("oui") if row.consensus else _("non"),
            *[share.chosen / share.groups for share in row.by_kind],
        ]
        for row in comparison.rows
    ]
    return headers, rows


def _argument_rows(data: WorkshopComparison) -> list[list]:
    rows = []
    for view in data.groups:
        for measure in view.measures:
            text = view.arguments.get(measure.pk)
            if text:
                rows.append([view.group.name, _kind(view.group), measure.title, text])
    return rows


def _proposal_rows(outcomes: list[WorkshopProposal], base_url: str) -> list[list]:
    return [
        [
            outcome.proposal.public_reference,
            outcome.proposal.title,
            outcome.proposal.category.name,
            outcome.proposal.author_display,
            ", ".join(group.name for group in outcome.groups.all()),
            outcome.proposal.estimate,
            urljoin(base_url, outcome.proposal.get_absolute_url()),
        ]
        for outcome in outcomes
    ]


def summary_workbook(
    data: WorkshopComparison, outcomes: list[WorkshopProposal], *, base_url: str
) -> bytes:
    kind_labels = {"": _("type non précisé"), **dict(WorkshopGroup.Kind.choices)}
    kind_labels = {key: str(label) for key, label in kind_labels.items()}
    euro, percent = writer.EURO, writer.PERCENT
    groups = writer.Sheet(
        _("Groupes"),
        [
            *writer.columns(_("Groupe"), _("Type"), _("Nom des choix"), _("Nombre de mesures")),
            writer.Column(_("Mesures choisies")),
            writer.Column(_("Économie nette en année pleine (€/an)"), euro),
            writer.Column(_("Économie nette la première année (€)"), euro),
            writer.Column(_("Objectif d'économies (€/an)"), euro),
            writer.Column(_("Part de l'objectif"), percent),
            writer.Column(_("Scénario impossible")),
            writer.Column(_("Dernière modification"), DATETIME_FORMAT),
        ],
        _groups_rows(data),
    )
    headers, rows = _matrix_rows(data, kind_labels)
    count = len(data.comparison.groups)
    # Measure, one column per group, count, share, consensus, then the share by kind.
    shares = {count + 2} | set(range(count + 4, len(headers)))
    matrix = writer.Sheet(
        _("Mesures × groupes"),
        [
            writer.Column(str(header), percent if index in shares else None)
            for index, header in enumerate(headers)
        ],
        rows,
    )
    arguments = writer.Sheet(
        _("Arguments"),
        writer.columns(_("Groupe"), _("Type"), _("Mesure"), _("Argument")),
        _argument_rows(data),
    )
    proposals = writer.Sheet(
        _("Propositions"),
        [
            *writer.columns(_("Référence"), _("Titre"), _("Rubrique"), _("Auteur"), _("Groupes")),
            writer.Column(_("Estimation (€/an)"), euro),
            writer.Column(_("Adresse")),
        ],
        _proposal_rows(outcomes, base_url),
    )
    footer = writer.Footer(str(data.workshop))
    return writer.xlsx_bytes([groups, matrix, arguments, proposals], footer=footer)
