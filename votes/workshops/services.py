"""Workshops (domain.md §8): sessions, groups joining by code, each group's scenario.

Writes are keyword-only and atomic, and check access themselves: views, the demo loader and
the tests call the same functions. A group has no account: a browser joins one group by its
code, and the group's pk is kept in that browser's session (`group_join`, `session_group`).
The group's scenario is a `Scenario` without owner, saved on every change of the group's
screen through `simulator.services.scenario_save_state`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.roles import ADMINISTRATOR, FACILITATOR
from simulator import services
from simulator.engine import Adjustment, SimulationError, simulate
from simulator.inputs import (
    LINE_ADJUSTMENTS,
    growth_rates,
    lever_choices,
    measure_adjustments,
    prepared_budget,
    tax_lever,
)

# The simulator screen's rule on policy areas: the dashboard applies the very same one.
from simulator.limits import policy_area_limit
from simulator.models import Measure, Scenario
from simulator.state import ScenarioState
from votes.access import filter_campaigns, is_administrator, is_facilitator, require
from votes.campaigns.models import Campaign
from votes.voting.models import VotingCodeBatch
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup
from votes.workshops.progress import GroupProgress, group_progress

User = AbstractBaseUser | AnonymousUser

# Join codes are read aloud and typed on tablets: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V, G.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPQRTWXY34679"
JOIN_CODE_LENGTH = 6
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._]+")
SESSION_KEY = "workshop_group"
ARGUMENT_MAX_LENGTH = 600
TITLE_MAX_LENGTH = 120
# Characters a pasted text may carry that have no place in an argument (controls, bidi).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# --- join codes (pure) -------------------------------------------------------------------------


def normalise_join_code(raw: str) -> str:
    """What the group typed, without spaces or dashes, in capitals."""
    return _SEPARATORS.sub("", raw or "").upper()


def join_code_problem(code: str) -> str | None:
    """Why a normalised code cannot be a join code (None when it could be one)."""
    if not code:
        return _("Saisissez le code de votre groupe, affiché par l'animateur ou l'animatrice.")
    if len(code) != JOIN_CODE_LENGTH:
        return _("Un code de groupe a %(length)s caractères (vous en avez saisi %(count)s).") % {
            "length": JOIN_CODE_LENGTH,
            "count": len(code),
        }
    foreign = sorted({c for c in code if c not in JOIN_CODE_ALPHABET})
    if foreign:
        return _(
            "Les codes de groupe ne contiennent jamais %(chars)s : vérifiez la lecture du code "
            "(par exemple, un O est en fait un Q ou un D)."
        ) % {"chars": ", ".join(f"« {c} »" for c in foreign)}
    return None


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


# --- access and reads --------------------------------------------------------------------------


def can_run_workshop(user: User, workshop: Workshop) -> bool:
    """Workshops are not shared between facilitators: each runs their own, administrators
    run them all (and can hand one over by changing its facilitator)."""
    if is_administrator(user, workshop):
        return True
    return is_facilitator(user, workshop) and workshop.facilitator_id == user.pk


def workshops_for(user: User) -> QuerySet[Workshop]:
    workshops = Workshop.objects.select_related("campaign", "facilitator")
    if is_administrator(user):
        # An administrator of some authorities or campaigns: their workshops only.
        return filter_campaigns(workshops, user, ADMINISTRATOR, prefix="campaign__")
    if is_facilitator(user):
        return filter_campaigns(
            workshops.filter(facilitator=user), user, FACILITATOR, prefix="campaign__"
        )
    return workshops.none()


def campaign_target(campaign: Campaign) -> Decimal | None:
    """The savings the campaign asks for: its categories' targets, else its budget's."""
    targets = [c.savings_target for c in campaign.categories.all() if c.savings_target is not None]
    if targets:
        return sum(targets, Decimal("0"))
    return campaign.budget.savings_target if campaign.budget_id else None


def workshop_groups(workshop: Workshop) -> QuerySet[WorkshopGroup]:
    """The groups with their scenario, chosen measures (and their adjustments) and arguments:
    a fixed number of queries however many groups there are (the dashboard polls this)."""
    return (
        WorkshopGroup.objects.filter(workshop=workshop)
        .select_related("scenario")
        .prefetch_related(
            Prefetch(
                "scenario__measures",
                queryset=Measure.objects.order_by("position", "title").prefetch_related(
                    "adjustments__line"
                ),
            ),
            "scenario__adjustments__line",
            "arguments",
        )
    )


def group_arguments(group: WorkshopGroup) -> dict[int, str]:
    """The group's argument for each measure (by measure pk), prefetched or not."""
    return {argument.measure_id: argument.text for argument in group.arguments.all()}


def session_group(session: SessionBase) -> WorkshopGroup | None:
    """The group this browser joined, if it still exists."""
    pk = session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return (
        WorkshopGroup.objects.select_related("workshop__campaign__budget__authority", "scenario")
        .filter(pk=pk)
        .first()
    )


# --- workshops -----------------------------------------------------------------------------------


def _lock_workshop(workshop: Workshop) -> Workshop:
    return (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("campaign__budget")
        .get(pk=workshop.pk)
    )


def _require_open(workshop: Workshop) -> None:
    if workshop.status != Workshop.Status.OPEN:
        raise ValidationError(
            _("Cet atelier est clos : les groupes ne peuvent plus rien modifier.")
        )


def _check_batch(campaign: Campaign, code_batch: VotingCodeBatch | None) -> None:
    if code_batch is not None and code_batch.campaign_id != campaign.pk:
        raise ValidationError(
            {"code_batch": _("Ce lot de codes de vote est celui d'une autre campagne.")}
        )


@transaction.atomic
def workshop_create(
    *,
    campaign: Campaign,
    title: str,
    starts_at: datetime,
    place: str = "",
    by: AbstractBaseUser,
    code_batch: VotingCodeBatch | None = None,
) -> Workshop:
    """A new open workshop, facilitated by its creator."""
    require(is_facilitator(by, campaign))
    if campaign.budget_id is None:
        raise ValidationError(
            {
                "campaign": _(
                    "Cette campagne n'a pas de budget : les groupes n'auraient rien à simuler."
                )
            }
        )
    _check_batch(campaign, code_batch)
    workshop = Workshop(
        campaign=campaign,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        facilitator=by,
        code_batch=code_batch,
    )
    workshop.full_clean()
    workshop.save()
    return workshop


UPDATABLE_FIELDS = ("title", "starts_at", "place", "code_batch", "facilitator")


@transaction.atomic
def workshop_update(*, workshop: Workshop, by: AbstractBaseUser, **fields) -> Workshop:
    """Change the session's details; only an administrator hands it to another facilitator."""
    require(can_run_workshop(by, workshop))
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown workshop fields: {sorted(unknown)}")
    # Locked: a facilitator editing while an administrator hands the workshop over.
    workshop = _lock_workshop(workshop)
    new_facilitator = fields.get("facilitator")
    if new_facilitator is not None and new_facilitator.pk != workshop.facilitator_id:
        require(is_administrator(by, workshop))
        if not is_facilitator(new_facilitator):
            raise ValidationError(
                {"facilitator": _("Cette personne n'a pas le rôle d'animateur ou d'animatrice.")}
            )
    if "code_batch" in fields:
        _check_batch(workshop.campaign, fields["code_batch"])
    for name, value in fields.items():
        if name == "facilitator" and value is None:
            continue
        setattr(workshop, name, value.strip() if isinstance(value, str) else value)
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def workshop_close(*, workshop: Workshop, by: AbstractBaseUser) -> Workshop:
    """End of the session: every group's screen becomes read-only."""
    require(can_run_workshop(by, workshop))
    # Locked: groups added or saved while the workshop closes see one state or the other.
    workshop = _lock_workshop(workshop)
    if workshop.status == Workshop.Status.CLOSED:
        raise ValidationError(_("Cet atelier est déjà clos."))
    workshop.status = Workshop.Status.CLOSED
    workshop.save(update_fields=["status"])
    return workshop


# --- groups --------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    workshop: Workshop,
    name: str,
    kind: str = "",
    by: AbstractBaseUser,
    join_code: str | None = None,
) -> WorkshopGroup:
    """A table of the workshop, its join code and its empty scenario (no owner: no account).

    `join_code` is for the demo's fixed codes; otherwise a random one is drawn.
    """
    require(can_run_workshop(by, workshop))
    # Locked: two groups added at once would get the same position, and a group could be
    # added to a workshop that is closing.
    workshop = _lock_workshop(workshop)
    _require_open(workshop)
    if join_code is not None:
        join_code = normalise_join_code(join_code)
        problem = join_code_problem(join_code)
        if problem:
            raise ValidationError({"join_code": problem})
    last = workshop.groups.aggregate(last=Max("position"))["last"]
    group = WorkshopGroup(
        workshop=workshop,
        name=name.strip(),
        kind=kind,
        join_code=join_code or new_join_code(),
        position=0 if last is None else last + 1,
    )
    group.full_clean(exclude=["scenario", "join_code"] if join_code is None else ["scenario"])
    campaign = workshop.campaign
    scenario = Scenario.objects.create(
        budget=campaign.budget,
        owner=None,
        title=(_("Choix de « %(name)s »") % {"name": group.name})[:TITLE_MAX_LENGTH],
        target=campaign_target(campaign),
    )
    group.scenario = scenario
    for _attempt in range(5):
        try:
            # A savepoint: a drawn code that another group took meanwhile is drawn again.
            with transaction.atomic():
                group.save()
        except IntegrityError:
            if join_code is not None:
                raise ValidationError({"join_code": _("Ce code est déjà pris.")}) from None
            group.pk = None
            group.join_code = new_join_code()
        else:
            return group
    raise ValidationError(_("Impossible de tirer un code libre : réessayez."))


@transaction.atomic
def group_delete(*, group: WorkshopGroup, by: AbstractBaseUser) -> None:
    workshop = group.workshop
    require(can_run_workshop(by, workshop))
    _require_open(_lock_workshop(workshop))
    scenario_id = group.scenario_id
    group.delete()
    Scenario.objects.filter(pk=scenario_id).delete()


def group_join(*, session: SessionBase, raw_code: str) -> WorkshopGroup:
    """The group whose code was typed, kept in this browser's session (one group at a time)."""
    code = normalise_join_code(raw_code)
    problem = join_code_problem(code)
    if problem:
        raise ValidationError(problem)
    group = WorkshopGroup.objects.select_related("workshop").filter(join_code=code).first()
    if group is None:
        raise ValidationError(
            _(
                "Aucun groupe n'a le code %(code)s : vérifiez-le auprès de l'animateur ou de "
                "l'animatrice."
            )
            % {"code": code}
        )
    session.cycle_key()  # a new session id for a new identity, as on login
    session[SESSION_KEY] = group.pk
    return group


def group_leave(*, session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def _lock_group(group: WorkshopGroup) -> WorkshopGroup:
    # Two tablets of the same table may post at once: their writes go one after the other.
    return (
        WorkshopGroup.objects.select_for_update()
        .select_related("workshop", "scenario")
        .get(pk=group.pk)
    )


def _touch(group: WorkshopGroup) -> None:
    group.last_change_at = timezone.now()
    group.save(update_fields=["last_change_at"])


@transaction.atomic
def group_choices_save(
    *,
    group: WorkshopGroup,
    measures: Iterable[str],
    line_percents: dict[str, Decimal] | None = None,
    levers: dict[str, Decimal] | None = None,
    tax_rate_change: Decimal | None = None,
) -> WorkshopGroup:
    """What the group set on its screen, saved at once (the screen has no save button).

    Published catalogue measures, line sliders (adjustable lines only, within the sliders'
    range), revenue levers (the budget's own) and the property-tax rate: like the public
    simulator's, and each can become a panel proposal (consolidation.py). Values out of a
    lever's bounds are kept: the engine refuses them on the group's screen, with why.
    """
    group = _lock_group(group)
    _require_open(group.workshop)
    scenario = group.scenario
    wanted = list(dict.fromkeys(str(slug) for slug in measures))
    allowed = set(
        Measure.objects.catalogue()
        .filter(budget=scenario.budget_id, slug__in=wanted)
        .values_list("slug", flat=True)
    )
    state = services.scenario_state(scenario)
    # Through the state's own reading: the same clamping and parsing as the public screen.
    chosen = ScenarioState.from_dict(
        {
            "line_percents": line_percents or {},
            "levers": levers or {},
            "tax_rate_change": tax_rate_change or "0",
        }
    )
    state.measures = [slug for slug in wanted if slug in allowed]
    state.line_percents = chosen.line_percents
    state.levers = chosen.levers
    state.tax_rate_change = chosen.tax_rate_change
    # The saved row, not the one read with the group: the screen shows the new levers.
    group.scenario = services.scenario_save_state(scenario=scenario, state=state)
    _touch(group)
    return group


@transaction.atomic
def group_rename(*, group: WorkshopGroup, title: str) -> WorkshopGroup:
    """The name the group gives its choices ("nom de nos choix")."""
    title = _CONTROL.sub("", title or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un nom à vos choix.")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("%(max)s caractères au plus (vous en avez écrit %(count)s).")
                % {"max": TITLE_MAX_LENGTH, "count": len(title)}
            }
        )
    group = _lock_group(group)
    _require_open(group.workshop)
    services.scenario_rename(scenario=group.scenario, title=title)
    _touch(group)
    return group


def clean_argument(text: str) -> str:
    """Plain text, as typed: no control characters, Unix line ends, no trailing blanks.

    It stays plain text: templates escape it, and Markdown goes through votes.text.
    """
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@transaction.atomic
def group_argument_set(*, group: WorkshopGroup, measure: Measure, text: str) -> GroupArgument:
    """Why the group chose this measure, in its own words (one short text per measure)."""
    text = clean_argument(text)
    if not text:
        raise ValidationError(
            {"text": _("Écrivez en quelques mots pourquoi votre groupe a choisi cette mesure.")}
        )
    if len(text) > ARGUMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _(
                    "Un argument tient en %(max)s caractères au plus (vous en avez écrit "
                    "%(count)s) : raccourcissez-le."
                )
                % {"max": ARGUMENT_MAX_LENGTH, "count": len(text)}
            }
        )
    group = _lock_group(group)
    _require_open(group.workshop)
    if not group.scenario.measures.filter(pk=measure.pk).exists():
        raise ValidationError(
            _("Cochez d'abord la mesure « %(title)s » pour expliquer ce choix.")
            % {"title": measure.title}
        )
    argument, _created = GroupArgument.objects.update_or_create(
        group=group, measure=measure, defaults={"text": text}
    )
    _touch(group)
    return argument


# --- the facilitator's dashboard ----------------------------------------------------------------


def _group_adjustments(group: WorkshopGroup) -> list[Adjustment]:
    """The engine's input from the prefetched scenario (no query: see workshop_groups)."""
    scenario = group.scenario
    adjustments: list[Adjustment] = []
    for measure in scenario.measures.all():
        adjustments += measure_adjustments(measure)
    adjustments += [
        Adjustment(line=adj.line.code, percent=float(adj.percent), measure=LINE_ADJUSTMENTS)
        for adj in scenario.adjustments.all()
        if adj.percent is not None
    ]
    return adjustments


def group_levers(group: WorkshopGroup) -> dict[str, Decimal]:
    """The revenue levers the group set (slug -> value), from its scenario."""
    return ScenarioState.from_dict({"levers": group.scenario.levers}).levers


def dashboard_rows(workshop: Workshop, *, now: datetime | None = None) -> list[GroupProgress]:
    """Every group's progress toward the target, by the engine, in a bounded number of queries.

    Same rules as the group's screen (the cap on policy areas of the budget's open campaign),
    so the dashboard never tells a group something its own screen contradicts.
    """
    now = now or timezone.now()
    groups = list(workshop_groups(workshop))
    if not groups:
        return []
    budget = workshop.campaign.budget
    prepared = prepared_budget(budget)
    limit = policy_area_limit(budget)
    kinds = dict(WorkshopGroup.Kind.choices)
    rows = []
    for group in groups:
        scenario = group.scenario
        full_year = first_year = None
        errors: list[str] = []
        try:
            result = simulate(
                prepared,
                adjustments=_group_adjustments(group),
                horizon=scenario.horizon,
                debt_start=float(budget.debt_start),
                growth_rates=growth_rates(budget),
                target=None if scenario.target is None else float(scenario.target),
                max_policy_areas=limit,
                tax=tax_lever(budget, scenario.tax_rate_change),
                levers=lever_choices(budget, group_levers(group)),
            )
        except SimulationError as error:
            errors = list(error.messages)
        else:
            full_year, first_year = result.full_year_net_saving, result.first_year_net_saving
        rows.append(
            group_progress(
                group_id=group.pk,
                name=group.name,
                kind=str(kinds.get(group.kind, "")),
                scenario_title=scenario.title,
                measures=[m.title for m in scenario.measures.all()],
                full_year=full_year,
                first_year=first_year,
                target=scenario.target,
                last_change_at=group.last_change_at,
                now=now,
                errors=errors,
            )
        )
    return rows
