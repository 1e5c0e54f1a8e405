"""Scope every role check of a request to the object its URL names.

A back-office URL names a campaign (its slug), or a polling station, a workshop, a service,
a budget or an authority. This middleware tells budget/roles.py which authority and campaign
that is, so that a check written as `is_finance(request.user)` in a view, or in a service the
view calls with `by=request.user`, refuses a finance officer of another authority, even where
the object is not passed explicitly. The lookup runs only for an account that holds a role
in some authorities or campaigns and not everywhere (the resolver is lazy): nothing changes,
not even a query, for the others.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from budget.models import Authority, Budget
from budget.roles import set_request_scope
from votes.campaigns.models import Campaign
from votes.instruction.models import Service
from votes.voting.models import PollingStation, VotingCodeBatch
from votes.workshops.models import Workshop

Scope = tuple[int | None, int | None]


def _campaign(slug: str) -> Scope:
    row = Campaign.objects.filter(slug=slug).values_list("authority_id", "pk").first()
    return row or (None, None)


def _through_campaign(model, pk: int) -> Scope:
    row = model.objects.filter(pk=pk).values_list("campaign__authority_id", "campaign_id").first()
    return row or (None, None)


def _authority_of(model, **lookup) -> Scope:
    authority_id = model.objects.filter(**lookup).values_list("authority_id", flat=True).first()
    return authority_id, None


def _authority(slug: str) -> Scope:
    return Authority.objects.filter(slug=slug).values_list("pk", flat=True).first(), None


# The URLs whose object is not a campaign named by its slug: (namespace, url name) → resolver.
_BY_PK: dict[tuple[str, str], Callable[[dict], Scope]] = {
    ("votes", "station"): lambda kw: _through_campaign(PollingStation, kw["pk"]),
    ("votes", "station_import"): lambda kw: _through_campaign(PollingStation, kw["pk"]),
    ("votes", "station_close"): lambda kw: _through_campaign(PollingStation, kw["pk"]),
    ("votes", "instruction_service_edit"): lambda kw: _authority_of(Service, pk=kw["pk"]),
    ("budget", "backoffice_territory"): lambda kw: _authority(kw["slug"]),
    # Public pages today, but their slug names an authority: never read it as a campaign's.
    ("votes", "metropolis_consolidation"): lambda kw: _authority(kw["slug"]),
    ("votes", "metropolis_consolidation_xlsx"): lambda kw: _authority(kw["slug"]),
}
# A workshop's group code is a slug that names no campaign.
_NOT_A_CAMPAIGN = {"workshop_group_argument"}


def _resolver(namespace: str, name: str, kwargs: dict) -> Callable[[], Scope] | None:
    key = (namespace, name)
    if key in _BY_PK:
        return lambda: _BY_PK[key](kwargs)
    if namespace == "votes" and name.startswith("workshop") and "pk" in kwargs:
        return lambda: _through_campaign(Workshop, kwargs["pk"])
    if namespace == "votes" and name.startswith("code_") and "pk" in kwargs:
        # The batch's own campaign, whatever slug the URL carries.
        return lambda: _through_campaign(VotingCodeBatch, kwargs["pk"])
    if "slug" not in kwargs or name in _NOT_A_CAMPAIGN:
        return None
    if namespace == "votes":
        return lambda: _campaign(kwargs["slug"])
    if namespace in {"budget", "simulator"} and name.startswith(("backoffice", "catalogue")):
        return lambda: _authority_of(Budget, slug=kwargs["slug"])
    return None


class RoleScopeMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        if match is None or not view_kwargs:
            return None
        resolve = _resolver(match.namespace, match.url_name or "", view_kwargs)
        if resolve is not None and request.user.is_authenticated:
            set_request_scope(request.user, resolve)
        return None
