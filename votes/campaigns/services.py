"""Writes of campaigns: creation, rules, calendar and categories.

Phase moves are in campaigns/workflow.py. Views, the demo loader and the tests call these
functions. Access is checked here too (votes/access.py), and the phase with
campaigns/phases.py: a template hiding a button is not a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.models import Authority, Budget, Commune
from votes.access import is_administrator, require
from votes.campaigns.models import (
    PHASE_ORDER,
    Campaign,
    Category,
    Phase,
    PhaseSchedule,
)
from votes.campaigns.phases import require_phase

# What a voter is promised when the vote opens (domain.md §6): these never change afterwards.
VOTING_RULE_FIELDS = (
    "envelope",
    "savings_target",
    "vote_cap",
    "min_votes",
    "knapsack",
    "min_approvals",
    "savings_threshold",
    # Who may vote in it (a shared campaign's commune): announced with the rules.
    "commune",
)
CATEGORY_FIELDS = ("name", "description", *VOTING_RULE_FIELDS, "position")
# The public text of the contract, editable until the vote opens.
FRAMING_FIELDS = ("title", "framing")
# The campaign's rules, editable while phases.phase_allows(campaign, "change_rules").
RULE_FIELDS = (
    "kind",
    "budget",
    "min_voter_age",
    "supports_enabled",
    "supports_threshold",
    "max_policy_areas",
    "max_categories_per_voter",
    "tally_rule",
    "savings_threshold",
)
# Settings of the debate and the notifications, not promises to voters: changeable in any
# phase (closing a debate that turned sour, a reminder for a vote already open).
OPEN_FIELDS = ("comments_enabled", "reminder_days")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _voting_started(campaign: Campaign) -> bool:
    return campaign.reached(Phase.VOTING)


def _phase_label(phase: str) -> str:
    return str(Phase(phase).label)


# --- campaigns ------------------------------------------------------------------------------


# Words of the management URLs that sit where a campaign's slug goes.
RESERVED_SLUGS = {"nouvelle"}


def _campaign_problems(campaign: Campaign) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if campaign.slug in RESERVED_SLUGS:
        problems["slug"] = [
            _("« %(slug)s » est réservé par l'application : choisissez un autre identifiant.")
            % {"slug": campaign.slug}
        ]
    if campaign.budget_id and campaign.budget.authority_id != campaign.authority_id:
        problems["budget"] = [
            _("Ce budget est celui d'une autre collectivité (%(other)s).")
            % {"other": campaign.budget.authority.name}
        ]
    return problems


@transaction.atomic
def campaign_create(
    *,
    authority: Authority,
    budget: Budget | None,
    kind: str,
    title: str,
    slug: str,
    framing: str = "",
    min_voter_age: int = 16,
    supports_enabled: bool = False,
    supports_threshold: int | None = None,
    max_policy_areas: int | None = None,
    max_categories_per_voter: int | None = None,
    tally_rule: str = Campaign.TallyRule.GREEDY,
    savings_threshold: Decimal | None = None,
) -> Campaign:
    """A new campaign, in draft: invisible to the public until an administrator publishes it."""
    campaign = Campaign(
        authority=authority,
        budget=budget,
        kind=kind,
        title=title,
        slug=slug,
        framing=framing,
        phase=Phase.DRAFT,
        min_voter_age=min_voter_age,
        supports_enabled=supports_enabled,
        supports_threshold=supports_threshold,
        max_policy_areas=max_policy_areas,
        max_categories_per_voter=max_categories_per_voter,
        tally_rule=tally_rule,
        savings_threshold=savings_threshold,
    )
    problems = _campaign_problems(campaign)
    if problems:
        raise ValidationError(problems)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: AbstractBaseUser, **fields) -> Campaign:
    """Change the framing text (until the vote opens) and the rules (while the phase allows)."""
    require(is_administrator(by, campaign))
    unknown = set(fields) - set(FRAMING_FIELDS) - set(RULE_FIELDS) - set(OPEN_FIELDS)
    if unknown:
        raise TypeError(f"campaign_update() got unexpected fields: {', '.join(sorted(unknown))}")
    # Locked: a phase move committed between our checks and our write would let the rules
    # change after the phase that froze them.
    locked = _lock(campaign)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    if any(name in RULE_FIELDS for name in changed):
        require_phase(locked, "change_rules")
    if _voting_started(locked) and any(name not in OPEN_FIELDS for name in changed):
        raise ValidationError(
            _(
                "Le contrat participatif ne peut plus changer une fois le vote ouvert : les "
                "votants se sont prononcés sur ce texte."
            )
        )
    problems: dict[str, list[str]] = {}
    if "framing" in changed and locked.phase != Phase.DRAFT and not fields["framing"].strip():
        problems["framing"] = [
            _("Le contrat participatif est publié : il peut être corrigé, pas effacé.")
        ]
    if "kind" in changed and locked.proposals.exists():
        problems["kind"] = [
            _(
                "La campagne a déjà des propositions : son type ne peut plus changer "
                "(créez une autre campagne)."
            )
        ]
    if "supports_enabled" in changed and locked.reached(Phase.SUPPORTS):
        problems["supports_enabled"] = [
            _(
                "La phase de soutiens est passée ou en cours : elle ne peut plus être "
                "ajoutée ou retirée."
            )
        ]
    if "supports_threshold" in changed and locked.reached(Phase.SUPPORTS):
        problems["supports_threshold"] = [
            _(
                "Le seuil de soutiens est figé depuis l'ouverture de la phase de soutiens : "
                "les habitants ont soutenu en le connaissant."
            )
        ]
    for name in changed:
        setattr(locked, name, fields[name])
    found = _campaign_problems(locked)
    if "kind" in changed:
        found.update(_kind_mismatches(locked))
    for name, messages in found.items():
        problems.setdefault(name, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    locked.full_clean()
    locked.save(update_fields=changed)
    for name in changed:
        setattr(campaign, name, fields[name])
    return locked


def _kind_mismatches(campaign: Campaign) -> dict[str, list[str]]:
    wrong = [
        category.name
        for category in campaign.categories.all()
        if category_rule_errors(
            campaign_kind=campaign.kind,
            envelope=category.envelope,
            savings_target=category.savings_target,
            vote_cap=category.vote_cap,
            knapsack=category.knapsack,
            min_approvals=category.min_approvals,
        )
    ]
    if not wrong:
        return {}
    return {
        "kind": [
            _("Ces rubriques ne conviennent pas à ce type de campagne : %(names)s.")
            % {"names": ", ".join(wrong)}
        ]
    }


# --- calendar --------------------------------------------------------------------------------


@transaction.atomic
def phase_schedule_set(
    *, campaign: Campaign, phase: str, starts_on: date | None, ends_on: date | None
) -> PhaseSchedule | None:
    """Set the planned dates of a phase; no dates at all removes it from the timeline."""
    if phase not in PHASE_ORDER:
        raise ValidationError(_("Phase inconnue : %(phase)s.") % {"phase": phase})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": [
                    _("« %(phase)s » : la fin (%(end)s) précède le début (%(start)s).")
                    % {
                        "phase": _phase_label(phase),
                        "end": ends_on.strftime("%d/%m/%Y"),
                        "start": starts_on.strftime("%d/%m/%Y"),
                    }
                ]
            }
        )
    if starts_on is None and ends_on is None:
        PhaseSchedule.objects.filter(campaign=campaign, phase=phase).delete()
        return None
    schedule = PhaseSchedule.objects.filter(campaign=campaign, phase=phase).first()
    schedule = schedule or PhaseSchedule(campaign=campaign, phase=phase)
    schedule.starts_on, schedule.ends_on = starts_on, ends_on
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def campaign_schedule_set(
    *,
    campaign: Campaign,
    by: AbstractBaseUser,
    dates: Iterable[tuple[str, date | None, date | None]],
) -> None:
    """The whole calendar at once (phase, start, end): every row is saved, or none."""
    require(is_administrator(by, campaign))
    problems: list[ValidationError] = []
    for phase, starts_on, ends_on in dates:
        try:
            phase_schedule_set(campaign=campaign, phase=phase, starts_on=starts_on, ends_on=ends_on)
        except ValidationError as exc:
            problems.append(exc)
    if problems:
        # Every faulty row is reported, and the atomic block drops the rows saved above.
        raise ValidationError([message for exc in problems for message in exc.messages])


# --- categories ------------------------------------------------------------------------------


def category_rule_errors(
    *,
    campaign_kind: str,
    envelope: Decimal | None,
    savings_target: Decimal | None,
    vote_cap: int | None,
    knapsack: bool,
    min_approvals: int | None,
    min_votes: int = 0,
    savings_threshold: Decimal | None = None,
) -> dict[str, list[str]]:
    """The category rules, with a French message per field (pure: forms and services use it).

    Mirrors the database constraints of Category and adds what depends on the campaign's kind.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if envelope is not None and envelope < 0:
        add("envelope", _("L'enveloppe ne peut pas être négative."))
    if savings_target is not None and savings_target < 0:
        add("savings_target", _("L'objectif d'économies ne peut pas être négatif."))
    if vote_cap is not None and vote_cap < 1:
        add("vote_cap", _("Le nombre de votes par votant est d'au moins 1 (vide : sans limite)."))
    if min_approvals is not None and min_approvals < 0:
        add("min_approvals", _("Le nombre minimal de voix ne peut pas être négatif."))
    # Mirrors votes_category_min_votes_non_negative and votes_category_min_votes_within_cap.
    if min_votes is None or min_votes < 0:
        add("min_votes", _("Le nombre minimal de votes par votant est d'au moins 0."))
    elif vote_cap is not None and min_votes > vote_cap:
        add(
            "min_votes",
            _(
                "Le minimum (%(min)d votes par votant) dépasse le maximum (%(max)d) : un votant "
                "ne pourrait pas voter dans cette rubrique."
            )
            % {"min": min_votes, "max": vote_cap},
        )
    # Mirrors votes_category_savings_threshold_percent.
    if savings_threshold is not None:
        if not 0 <= savings_threshold <= 100:
            add(
                "savings_threshold",
                _("Le seuil des économies est un pourcentage des bulletins, entre 0 et 100."),
            )
        elif campaign_kind == Campaign.Kind.PROJECTS or (
            campaign_kind == Campaign.Kind.MIXED and savings_target is None
        ):
            add(
                "savings_threshold",
                _(
                    "Le seuil en pourcentage ne vaut que pour une rubrique d'économies : "
                    "laissez vide."
                ),
            )
    if campaign_kind == Campaign.Kind.PROJECTS:
        if envelope is None:
            add("envelope", _("Une rubrique de projets a une enveloppe : indiquez son montant."))
        if savings_target is not None:
            add(
                "savings_target",
                _("Une campagne de projets n'a pas d'objectif d'économies : laissez vide."),
            )
    elif campaign_kind == Campaign.Kind.SAVINGS:
        if savings_target is None:
            add(
                "savings_target",
                _("Une rubrique d'économies a un objectif : indiquez son montant annuel."),
            )
        if envelope is not None:
            add(
                "envelope",
                _("Une campagne d'économies n'a pas d'enveloppe de projets : laissez vide."),
            )
    elif (envelope is None) == (savings_target is None):
        add(
            NON_FIELD_ERRORS,
            _(
                "Dans une campagne mixte, une rubrique est soit de projets (une enveloppe), "
                "soit d'économies (un objectif) : remplissez l'un des deux montants."
            ),
        )
    if knapsack and envelope is None:
        add(
            "knapsack",
            _(
                "Le mode enveloppe n'existe que pour une rubrique de projets : une rubrique "
                "d'économies n'a pas d'enveloppe à ne pas dépasser."
            ),
        )
    return errors


def _check_category(category: Category, campaign: Campaign) -> None:
    errors = category_rule_errors(
        campaign_kind=campaign.kind,
        envelope=category.envelope,
        savings_target=category.savings_target,
        vote_cap=category.vote_cap,
        knapsack=category.knapsack,
        min_approvals=category.min_approvals,
        min_votes=category.min_votes,
        savings_threshold=category.savings_threshold,
    )
    if category.commune is not None and category.commune.authority_id != campaign.authority_id:
        errors.setdefault("commune", []).append(
            _("La commune %(commune)s n'est pas sur le territoire de %(authority)s.")
            % {"commune": category.commune.name, "authority": campaign.authority.name}
        )
    same_name = Category.objects.filter(campaign=campaign, name=category.name)
    if category.pk:
        same_name = same_name.exclude(pk=category.pk)
    if same_name.exists():
        errors.setdefault("name", []).append(
            _("Une autre rubrique de cette campagne s'appelle déjà « %(name)s ».")
            % {"name": category.name}
        )
    if errors:
        raise ValidationError(errors)
    category.full_clean()


def _rules_frozen(campaign: Campaign, what: str) -> ValidationError:
    return ValidationError(
        _("Les règles de vote ne peuvent plus changer une fois le vote ouvert : %(what)s")
        % {"what": what}
    )


@transaction.atomic
def category_create(
    *,
    campaign: Campaign,
    by: AbstractBaseUser,
    name: str,
    description: str = "",
    envelope: Decimal | None = None,
    savings_target: Decimal | None = None,
    vote_cap: int | None = None,
    knapsack: bool = False,
    min_approvals: int | None = None,
    min_votes: int = 0,
    savings_threshold: Decimal | None = None,
    commune: Commune | None = None,
    position: int | None = None,
) -> Category:
    require(is_administrator(by, campaign))
    # Locked: a move to voting committed meanwhile would let a rubric appear on an open ballot.
    locked = _lock(campaign)
    if _voting_started(locked):
        raise _rules_frozen(locked, _("aucune rubrique ne peut être ajoutée."))
    if position is None:
        position = locked.categories.count()
    category = Category(
        campaign=locked,
        name=name,
        description=description,
        envelope=envelope,
        savings_target=savings_target,
        vote_cap=vote_cap,
        knapsack=knapsack,
        min_approvals=min_approvals,
        min_votes=min_votes,
        savings_threshold=savings_threshold,
        commune=commune,
        position=position,
    )
    _check_category(category, locked)
    category.save()
    return category


@transaction.atomic
def category_update(*, category: Category, by: AbstractBaseUser, **fields) -> Category:
    """Name and description may be corrected at any time; the voting rules until the vote."""
    require(is_administrator(by, category))
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"category_update() got unexpected fields: {', '.join(sorted(unknown))}")
    # Locked for the same race as category_create: the phase is read, then the rules written.
    campaign = _lock(category.campaign)
    current = Category.objects.select_for_update().get(pk=category.pk)
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    if not changed:
        return current
    frozen = [name for name in changed if name in VOTING_RULE_FIELDS]
    if frozen and _voting_started(campaign):
        labels = ", ".join(str(Category._meta.get_field(name).verbose_name) for name in frozen)
        raise _rules_frozen(
            campaign,
            _("la rubrique « %(name)s » garde les règles annoncées aux votants (%(fields)s).")
            % {"fields": labels, "name": current.name},
        )
    for name in changed:
        setattr(current, name, fields[name])
    _check_category(current, campaign)
    current.save(update_fields=changed)
    for name in changed:
        setattr(category, name, fields[name])
    return current


@transaction.atomic
def category_delete(*, category: Category, by: AbstractBaseUser) -> None:
    require(is_administrator(by, category))
    campaign = _lock(category.campaign)
    if _voting_started(campaign):
        raise _rules_frozen(
            campaign,
            _("la rubrique « %(name)s » ne peut plus être supprimée.") % {"name": category.name},
        )
    count = category.proposals.count()
    if count:
        raise ValidationError(
            _(
                "La rubrique « %(name)s » contient %(count)s proposition(s) : déplacez-les "
                "avant de la supprimer."
            )
            % {"name": category.name, "count": count}
        )
    category.delete()
