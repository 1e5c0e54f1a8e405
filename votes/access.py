"""Who may do what in the votes app: the one access helper every view and service uses.

Every role predicate takes the object it is about (a campaign, or anything of one: proposal,
instruction, polling station, workshop, code batch…; or an authority, or a service or a
budget of one): a role held in one authority or one campaign only (budget/roles.py,
votes/scope/) opens that object's pages and services and nothing of another authority's.
Without the object, the check uses the object of the request (votes/scope/middleware.py),
or else asks whether the role is held anywhere, and the caller filters its list with
`campaign_filter`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from budget.roles import (
    ADMINISTRATOR,
    COUNCIL,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
    campaigns_for,
    has_role,
)

User = AbstractBaseUser | AnonymousUser


def scope_of(obj) -> tuple[int | None, int | None]:
    """(authority id, campaign id) of an object; by model name, since the campaign's models
    import this module."""
    if obj is None:
        return None, None
    label = obj._meta.label
    if label == "votes.Campaign":
        return obj.authority_id, obj.pk
    if label == "budget.Authority":
        return obj.pk, None
    if getattr(obj, "campaign_id", None) is not None:
        return scope_of(obj.campaign)
    if getattr(obj, "proposal_id", None) is not None:
        return scope_of(obj.proposal)
    if getattr(obj, "workshop_id", None) is not None:
        return scope_of(obj.workshop)
    if getattr(obj, "follow_up_id", None) is not None:
        return scope_of(obj.follow_up)
    if getattr(obj, "authority_id", None) is not None:
        return obj.authority_id, None
    raise TypeError(f"No authority for {label}")


def _holds(user: User, obj, *roles: str) -> bool:
    authority, campaign = scope_of(obj)
    return has_role(user, *roles, authority=authority, campaign=campaign)


def campaign_filter(user: User, *roles: str, prefix: str = "") -> Q | None:
    """The campaigns a back-office list shows to an account that holds the roles only in
    some authorities or campaigns (`prefix`: the path to the campaign, e.g. "campaign__");
    None when it holds them everywhere."""
    scope = campaigns_for(user, *roles)
    if scope is None:
        return None
    authorities, campaigns = scope
    return Q(**{f"{prefix}authority_id__in": authorities}) | Q(**{f"{prefix}pk__in": campaigns})


def filter_campaigns(queryset, user: User, *roles: str, prefix: str = ""):
    """`queryset` restricted to the campaigns where the account holds one of the roles."""
    where = campaign_filter(user, *roles, prefix=prefix)
    return queryset if where is None else queryset.filter(where)


def is_administrator(user: User, obj=None) -> bool:
    return _holds(user, obj, ADMINISTRATOR)


def is_moderator(user: User, obj=None) -> bool:
    return _holds(user, obj, MODERATOR, ADMINISTRATOR)


def is_finance(user: User, obj=None) -> bool:
    return _holds(user, obj, FINANCE)


def is_instructor(user: User, obj=None) -> bool:
    return _holds(user, obj, INSTRUCTOR)


def is_facilitator(user: User, obj=None) -> bool:
    return _holds(user, obj, FACILITATOR, ADMINISTRATOR)


def is_council(user: User, obj=None) -> bool:
    return _holds(user, obj, COUNCIL)


def can_answer_for_council(user: User, campaign=None) -> bool:
    """The council's answers (votes/council/): recorded and published by the council's
    members and secretariat (role `council`); the administrators keep the ability, for a
    council that works on paper, and each answer records who entered it."""
    return _holds(user, campaign, COUNCIL, ADMINISTRATOR)


def can_edit_agenda(user: User, campaign=None) -> bool:
    """The agenda of a campaign (votes/agenda/): the participation team and the facilitators
    who run the workshops it lists."""
    return _holds(user, campaign, ADMINISTRATOR, FACILITATOR)


def can_edit_evaluation(user: User, campaign=None) -> bool:
    """The satisfaction questionnaire of a campaign (votes/evaluation/): the team that runs
    the participation, and the facilitators who hand it out at the end of workshops."""
    return _holds(user, campaign, ADMINISTRATOR, FACILITATOR)


def can_read_evaluation(user: User, campaign) -> bool:
    """The evaluation page of a campaign: those who read its statistics (the administrator,
    finance, the facilitators) and the campaign's guarantor, who oversees the process."""
    return _holds(user, campaign, ADMINISTRATOR, FINANCE, FACILITATOR) or is_guarantor(
        user, campaign
    )


def is_officer(user: User, obj=None) -> bool:
    return _holds(user, obj, OFFICER)


def is_team(user: User, obj=None) -> bool:
    """The participation team and the services: they see internal screens (not figures)."""
    return _holds(user, obj, ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR, FACILITATOR)


def is_guarantor(user: User, campaign) -> bool:
    """Object level: the guarantor of this very campaign (a per-campaign role, assigned by an
    administrator; see votes/guarantor/). They read everything of it and change nothing: no
    write view lets them in, since none asks for this role."""
    if not user.is_authenticated:
        return False
    held = getattr(user, "_guaranteed_campaigns", None)
    if held is None:
        from votes.guarantor.models import Guarantor

        held = set(Guarantor.objects.of_user(user).values_list("campaign_id", flat=True))
        user._guaranteed_campaigns = held  # cached for the request, like the role names
    return campaign.pk in held


def can_oversee(user: User, campaign) -> bool:
    """The guarantor's screens: their guarantor, and the administrators who assign one."""
    return is_administrator(user, campaign) or is_guarantor(user, campaign)


def can_instruct(user: User, proposal) -> bool:
    """Object level: an instructor instructs only the proposals assigned to their service."""
    if not is_instructor(user, proposal) or proposal.service_id is None:
        return False
    return proposal.service.members.filter(pk=user.pk).exists()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
