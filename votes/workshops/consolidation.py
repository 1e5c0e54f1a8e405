"""From the groups' scenarios to the panel's proposals (domain.md §8, issue 7 §3).

`workshop_comparison` reads what the comparison screen, the summary and the workbook show:
the groups' choices and arguments, the engine's figures of each group (the dashboard's own
read, `simulator.workshops.dashboard_rows`) and the consensus (`simulator.consensus`).

`workshop_consolidate` turns the measures the facilitator picks into savings proposals of
the workshop's campaign, authored by the panel. It keeps the campaign's rules: proposals are
deposited in the "proposals" phase only (votes.phases), in a category of the campaign that
takes savings, from a published measure of the campaign's budget; these are the checks of
`votes.proposals.services.proposal_create`, run here by the same functions. The one
difference: `proposal_create` wants a citizen account with its profile as the author, and a
panel has none. The proposal is the panel's (`author_label`), with no account behind it
(`author` empty): the facilitator's account must not count as a citizen author in the
campaign's statistics, receive the answers meant for authors, or edit the panel's text.
The workshop (and its facilitator) stays reachable through `WorkshopProposal`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simulator.engine import Adjustment, SimulationError, simulate
from simulator.engine.levers import LeverChoice
from simulator.inputs import growth_rates, prepared_budget, run_measure_alone
from simulator.models import Measure
from votes.access import require
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import require_phase
from votes.proposals.models import Proposal, ProposalAdjustment
from votes.proposals.revenue import check_revenue
from votes.proposals.savings import check_simulator_source, source_adjustments
from votes.proposals.services import allowed_kinds, check_kind, check_place
from votes.workshops.choices import GroupSetting, group_settings
from votes.workshops.consensus import Comparison, GroupChoice, compare
from votes.workshops.models import Workshop, WorkshopGroup, WorkshopProposal
from votes.workshops.progress import GroupProgress
from votes.workshops.services import (
    campaign_target,
    can_run_workshop,
    dashboard_rows,
    group_arguments,
    workshop_groups,
)

PANEL_NAME_DEFAULT = "Panel citoyen"
PANEL_NAME_MAX_LENGTH = 120  # Proposal.author_label
ESTIMATE_HORIZON = 3  # as a deposit's estimate from a measure (votes.proposals.views_deposit)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    """One group as the comparison and the summary show it."""

    group: WorkshopGroup
    progress: GroupProgress  # the engine's figures, as on the dashboard
    measures: list[Measure]  # chosen, in the catalogue's order
    arguments: dict[int, str]  # measure pk → the group's argument

    @property
    def choices(self) -> list[tuple[Measure, str]]:
        """Each chosen measure with the group's argument ("" when it wrote none)."""
        return [(measure, self.arguments.get(measure.pk, "")) for measure in self.measures]


@dataclass(frozen=True)
class WorkshopComparison:
    workshop: Workshop
    groups: list[GroupView]
    comparison: Comparison
    measures: dict[int, Measure]  # every measure a group chose, in the catalogue's order
    target: Decimal | None

    def arguments_for(self, measure_id: int) -> list[tuple[WorkshopGroup, str]]:
        """The groups that chose the measure and wrote why, in the groups' order."""
        return [
            (view.group, view.arguments[measure_id])
            for view in self.groups
            if measure_id in view.arguments and any(m.pk == measure_id for m in view.measures)
        ]

    def groups_for(self, measure_id: int) -> list[WorkshopGroup]:
        return [
            view.group for view in self.groups if any(m.pk == measure_id for m in view.measures)
        ]


def workshop_comparison(workshop: Workshop) -> WorkshopComparison:
    """Everything the comparison needs, in a bounded number of queries and one engine run per
    group (the dashboard's)."""
    progress = {row.group_id: row for row in dashboard_rows(workshop)}
    groups = [group for group in workshop_groups(workshop) if group.pk in progress]
    views = [
        GroupView(
            group=group,
            progress=progress[group.pk],
            measures=list(group.scenario.measures.all()),
            arguments=group_arguments(group),
        )
        for group in groups
    ]
    chosen = {m.pk: m for view in views for m in view.measures}
    measures = dict(
        sorted(chosen.items(), key=lambda item: (item[1].position, item[1].title, item[0]))
    )
    choices = [
        GroupChoice(
            id=view.group.pk,
            name=view.group.name,
            kind=view.group.kind,
            measures=frozenset(m.pk for m in view.measures),
            full_year=view.progress.full_year_net_saving,
            first_year=view.progress.first_year_net_saving,
        )
        for view in views
    ]
    comparison = compare(
        choices,
        {pk: m.title for pk, m in measures.items()},
        kind_order=WorkshopGroup.Kind.values,
    )
    target = views[0].progress.target if views else campaign_target(workshop.campaign)
    return WorkshopComparison(workshop, views, comparison, measures, target)


def carried(workshop: Workshop) -> list[WorkshopProposal]:
    """The proposals the workshop already made, with their groups."""
    return list(
        WorkshopProposal.objects.filter(workshop=workshop)
        .select_related("measure", "proposal__campaign", "proposal__category")
        .prefetch_related("groups")
        .order_by("proposal__reference")
    )


def savings_categories(campaign: Campaign) -> list[Category]:
    """The campaign's categories that take savings (the panel's proposals are savings)."""
    return [
        category
        for category in campaign.categories.all()
        if Proposal.Kind.SAVING in allowed_kinds(campaign, category)
    ]


# --- the proposal's text -------------------------------------------------------------------------

# Inline Markdown a group's words must not trigger: emphasis, code, links, raw HTML.
_INLINE = re.compile(r"([\\`*_\[\]])")
# What would turn a line into a heading, a list, a quote, a rule or a code block.
_LINE_START = re.compile(r"^(#|>|[-+]|\d+[.)])")


def markdown_literal(text: str) -> str:
    """Plain text as Markdown that shows it as typed, on one line (no structure, no HTML)."""
    text = _CONTROL.sub(" ", text or "").strip()
    text = _INLINE.sub(r"\\\1", text).replace("<", "&lt;")
    return _LINE_START.sub(lambda match: match.group(1)[:-1] + "\\" + match.group(1)[-1], text)


def _quoted(name: str, text: str) -> list[str]:
    """A group's argument as a blockquote, one paragraph per line it wrote."""
    lines = [line for line in (text or "").split("\n") if line.strip()]
    quoted = []
    for index, line in enumerate(lines):
        if index:
            quoted.append(">")
        prefix = f"**{markdown_literal(name)}** : " if index == 0 else ""
        quoted.append(f"> {prefix}{markdown_literal(line)}")
    return quoted


def proposal_description(
    *,
    workshop: Workshop,
    panel_name: str,
    measure: Measure,
    groups: list[WorkshopGroup],
    group_count: int,
    arguments: list[tuple[WorkshopGroup, str]],
) -> str:
    """The proposal's Markdown: where it comes from, the measure, and the groups' arguments."""
    when = formats.date_format(timezone.localtime(workshop.starts_at), "j F Y")
    intro = _(
        "Proposition du panel « %(panel)s », issue de l'atelier « %(workshop)s » du %(date)s."
    ) % {
        "panel": markdown_literal(panel_name),
        "workshop": markdown_literal(workshop.title),
        "date": when,
    }
    names = ", ".join(markdown_literal(group.name) for group in groups)
    chosen = ngettext(
        "Mesure choisie par %(count)s groupe sur %(total)s : %(names)s.",
        "Mesure choisie par %(count)s groupes sur %(total)s : %(names)s.",
        len(groups),
    ) % {"count": len(groups), "total": group_count, "names": names}
    parts = [intro, measure.description.strip(), chosen]
    if arguments:
        parts.append(f"**{_('Arguments des groupes')}**")
        parts += ["\n".join(_quoted(group.name, text)) for group, text in arguments]
    return "\n\n".join(part for part in parts if part)


def measure_estimate(measure: Measure, *, prepared) -> Decimal | None:
    """The measure's own full-year net saving, as the proposal form fills the estimate."""
    try:
        result = run_measure_alone(
            measure.budget, measure, prepared=prepared, horizon=ESTIMATE_HORIZON
        )
    except SimulationError:
        return None
    if result.full_year_net_saving <= 0:
        return None
    return Decimal(str(round(result.full_year_net_saving)))


# --- the write -----------------------------------------------------------------------------------


def clean_panel_name(name: str) -> str:
    name = _CONTROL.sub("", name or "").strip()
    if not name:
        raise ValidationError(
            {"panel_name": _("Indiquez le nom du panel : il signe ses propositions.")}
        )
    if len(name) > PANEL_NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "panel_name": _("%(max)s caractères au plus (vous en avez écrit %(count)s).")
                % {"max": PANEL_NAME_MAX_LENGTH, "count": len(name)}
            }
        )
    return name


@transaction.atomic
def workshop_consolidate(
    *,
    workshop: Workshop,
    by: AbstractBaseUser,
    measure_ids: list[int],
    panel_name: str,
    category: Category,
    choice_keys: Sequence[str] = (),
) -> list[Proposal]:
    """One savings proposal of the campaign per picked measure, slider or lever (choices.py),
    signed by the panel: a slider becomes a saving with its line adjustment, a lever a revenue
    proposal (votes/proposals/revenue.py), both at the median of the groups' values.

    Idempotent per measure and per setting: one the workshop already carried is skipped (its
    proposal stays as it is). Returns the proposals created by this call, measures first.
    """
    require(can_run_workshop(by, workshop))
    # Locked: the facilitator's double click, or an administrator consolidating at the same
    # time, would both find a measure not yet carried and deposit it twice (the constraint
    # simulator_workshopproposal_unique_measure is the last line of defence).
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("campaign__budget")
        .get(pk=workshop.pk)
    )
    campaign = workshop.campaign
    require_phase(campaign, "propose")
    panel_name = clean_panel_name(panel_name)
    wanted = list(dict.fromkeys(int(pk) for pk in measure_ids))
    keys = list(dict.fromkeys(str(key) for key in choice_keys))
    if not wanted and not keys:
        raise ValidationError(
            {"measures": _("Cochez au moins une mesure à transformer en proposition du panel.")}
        )
    errors: dict[str, list[str]] = {}
    check_place(campaign, category=category, estimate=None, commune=None, errors=errors)
    if "category" not in errors:
        check_kind(campaign, category, Proposal.Kind.SAVING, errors)
        if "kind" in errors:
            errors["category"] = errors.pop("kind")
    if errors:
        raise ValidationError(errors)

    groups = list(workshop_groups(workshop))
    chosen_by: dict[int, list[WorkshopGroup]] = {}
    for group in groups:
        for measure in group.scenario.measures.all():
            chosen_by.setdefault(measure.pk, []).append(group)
    settings = group_settings(campaign.budget, groups)
    unset = [key for key in keys if key not in settings]
    if unset:
        raise ValidationError(
            {
                "choices": _("Aucun groupe n'a fait ce réglage : %(keys)s.")
                % {"keys": ", ".join(f"« {key} »" for key in unset)}
            }
        )
    orphans = [pk for pk in wanted if pk not in chosen_by]
    if orphans:
        titles = Measure.objects.filter(pk__in=orphans).values_list("title", flat=True)
        raise ValidationError(
            {
                "measures": ngettext(
                    "Aucun groupe n'a choisi cette mesure : %(titles)s.",
                    "Aucun groupe n'a choisi ces mesures : %(titles)s.",
                    len(orphans),
                )
                % {"titles": ", ".join(f"« {t} »" for t in titles) or ", ".join(map(str, orphans))}
            }
        )
    done = set(
        WorkshopProposal.objects.filter(workshop=workshop, measure_id__in=wanted).values_list(
            "measure_id", flat=True
        )
    )
    todo = [pk for pk in wanted if pk not in done]
    done_keys = set(
        WorkshopProposal.objects.filter(workshop=workshop, choice__in=keys).values_list(
            "choice", flat=True
        )
    )
    todo_keys = [key for key in keys if key not in done_keys]
    if not todo and not todo_keys:
        return []
    measures = {
        m.pk: m
        for m in Measure.objects.filter(pk__in=todo)
        .select_related("budget")
        .prefetch_related("adjustments__line")
    }
    for pk in todo:
        check_simulator_source(
            campaign, kind=Proposal.Kind.SAVING, scenario=None, measure=measures[pk], errors=errors
        )
    prepared = prepared_budget(campaign.budget)
    estimates = {
        key: setting_estimate(campaign, settings[key], prepared=prepared, errors=errors)
        for key in todo_keys
    }
    if errors:
        raise ValidationError(errors)

    texts = {group.pk: group_arguments(group) for group in groups}
    # The campaign row is the queue of P-numbers, as in proposal_create: a citizen depositing
    # at the same instant would otherwise take the same reference.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    reference = (
        Proposal.objects.filter(campaign=campaign).aggregate(Max("reference"))["reference__max"]
        or 0
    )
    created = []
    for pk in todo:
        measure = measures[pk]
        choosers = chosen_by[pk]
        reference += 1
        proposal = Proposal(
            campaign=campaign,
            category=category,
            reference=reference,
            kind=Proposal.Kind.SAVING,
            title=measure.title,
            description=proposal_description(
                workshop=workshop,
                panel_name=panel_name,
                measure=measure,
                groups=choosers,
                group_count=len(groups),
                arguments=[(g, texts[g.pk][pk]) for g in choosers if texts[g.pk].get(pk)],
            ),
            author=None,
            author_label=panel_name,
            estimate=measure_estimate(measure, prepared=prepared),
            measure=measure,
        )
        proposal.full_clean()
        proposal.save()
        adjustments = source_adjustments(scenario=None, measure=measure)
        for adjustment in adjustments:
            adjustment.proposal = proposal
            adjustment.full_clean()
        ProposalAdjustment.objects.bulk_create(adjustments)
        outcome = WorkshopProposal(workshop=workshop, measure=measure, proposal=proposal)
        outcome.full_clean()
        outcome.save()
        outcome.groups.set(choosers)
        created.append(proposal)
    for key in todo_keys:
        setting = settings[key]
        reference += 1
        proposal = Proposal(
            campaign=campaign,
            category=category,
            reference=reference,
            kind=Proposal.Kind.SAVING,
            title=setting.title[:200],
            description=setting_description(
                workshop=workshop, panel_name=panel_name, setting=setting, group_count=len(groups)
            ),
            author=None,
            author_label=panel_name,
            estimate=estimates[key],
            lever=setting.lever.slug if setting.lever is not None else "",
            lever_value=setting.value if setting.lever is not None else None,
        )
        proposal.full_clean()
        proposal.save()
        if setting.line is not None:
            adjustment = ProposalAdjustment(
                proposal=proposal, line=setting.line, percent=setting.value
            )
            adjustment.full_clean()
            adjustment.save()
        outcome = WorkshopProposal(workshop=workshop, choice=key, proposal=proposal)
        outcome.full_clean()
        outcome.save()
        outcome.groups.set(setting.groups)
        created.append(proposal)
    return created


# --- sliders and levers ---------------------------------------------------------------------


def setting_estimate(
    campaign: Campaign, setting: GroupSetting, *, prepared, errors: dict
) -> Decimal | None:
    """The setting's own full-year net gain by the engine; a setting that saves nothing (a
    slider raising spending, a lower tariff) or that the engine refuses is no saving."""
    adjustments, levers = [], []
    if setting.lever is not None:
        check_revenue(
            campaign,
            kind=Proposal.Kind.SAVING,
            lever=setting.lever.slug,
            value=setting.value,
            has_simulator_source=False,
            errors=errors,
        )
        if "lever" in errors or "lever_value" in errors:
            errors.setdefault("choices", []).extend(
                [*errors.pop("lever", []), *errors.pop("lever_value", [])]
            )
            return None
        levers = [LeverChoice(lever=setting.lever, value=float(setting.value))]
    else:
        adjustments = [Adjustment(line=setting.line.code, percent=float(setting.value))]
    budget = campaign.budget
    try:
        result = simulate(
            prepared,
            adjustments=adjustments,
            horizon=ESTIMATE_HORIZON,
            debt_start=float(budget.debt_start),
            growth_rates=growth_rates(budget),
            levers=levers,
        )
    except SimulationError as error:
        errors.setdefault("choices", []).extend(error.messages)
        return None
    if result.full_year_net_saving <= 0:
        errors.setdefault("choices", []).append(
            _("« %(title)s » ne fait pas économiser : elle ne peut pas devenir une économie.")
            % {"title": setting.title}
        )
        return None
    return Decimal(str(round(result.full_year_net_saving)))


def setting_description(
    *, workshop: Workshop, panel_name: str, setting: GroupSetting, group_count: int
) -> str:
    """The Markdown of a slider's or a lever's proposal: where it comes from, what it sets."""
    when = formats.date_format(timezone.localtime(workshop.starts_at), "j F Y")
    intro = _(
        "Proposition du panel « %(panel)s », issue de l'atelier « %(workshop)s » du %(date)s."
    ) % {
        "panel": markdown_literal(panel_name),
        "workshop": markdown_literal(workshop.title),
        "date": when,
    }
    return "\n\n".join([intro, markdown_literal(setting.detail(group_count))])
