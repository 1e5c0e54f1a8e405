"""docs/permissions.md, tested: every role against every page and instruction service that
exists today. Anonymous visitors (and panel members, who have no account) are sent to log in;
logged-in users without the right get 403; the object level (instructor of the assigned
service versus another service) is checked, not only the role.

Issue 16 §6: the columns ending in `_b` hold their role in another authority only (a
`budget.RoleGrant`): they reach nothing of this campaign, only the lists, which then leave it
out; `finance_campaign` holds its role in this campaign only (a `votes.CampaignRole`),
`finance_sibling` in another campaign of the same authority; `council` is the council role."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import (
    ADMINISTRATOR,
    COUNCIL,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
)
from tests.factories import grant_role, make_authority, make_user
from tests.votes.factories import (
    grant_campaign_role,
    make_campaign,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Campaign, Phase
from votes.instruction import assignment, finance, instructing, publication, sheet_services
from votes.instruction.models import Instruction, Service
from votes.instruction.sheet import COLUMN_NAMES
from votes.proposals.models import Flag

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation

ROLES = [
    "anonymous",
    "voter",
    "panel",
    "facilitator",
    "instructor",  # member of the service the proposal is assigned to
    "instructor_other",  # instructor of another service of the same authority
    "finance",
    "moderator",
    "administrator",
    "officer",
    "council",  # the council's members and secretariat (issue 16 §6)
    "guarantor",  # the campaign's guarantor (issue 16 §2): reads, changes nothing
    "guarantor_other",  # guarantor of another campaign: nothing of this one
    # Issue 16 §6: roles held in another authority only (RoleGrant) …
    "facilitator_b",
    "instructor_b",  # even a member of the assigned service
    "finance_b",
    "moderator_b",
    "administrator_b",
    "officer_b",
    "council_b",
    # … and in one campaign only (CampaignRole): this one, or another of the same authority.
    "finance_campaign",
    "finance_sibling",
]
OTHER_AUTHORITY = {
    "facilitator_b": FACILITATOR,
    "instructor_b": INSTRUCTOR,
    "finance_b": FINANCE,
    "moderator_b": MODERATOR,
    "administrator_b": ADMINISTRATOR,
    "officer_b": OFFICER,
    "council_b": COUNCIL,
}
LOGGED_OUT = {"anonymous", "panel"}
LOGGED_IN = set(ROLES) - LOGGED_OUT
TEAM = {"instructor", "instructor_other", "finance", "administrator", "finance_campaign"}
READERS = TEAM | {"guarantor"}
FINANCE_HERE = {"finance", "finance_campaign"}
# The lists (no object in the URL) open to a role held anywhere; they leave this campaign out
# (test_a_role_of_another_authority_lists_nothing_of_this_one).
LISTERS = {"instructor_b", "finance_b", "administrator_b", "finance_sibling"}


class World:
    def __init__(self) -> None:
        self.campaign = make_campaign(
            phase=Phase.INSTRUCTION, kind=Campaign.Kind.PROJECTS, slug="budget-2026"
        )
        authority = self.campaign.authority
        self.users = {
            "anonymous": None,
            "panel": None,
            "voter": make_voter(outside_territory=True),
            "facilitator": make_user(roles=(FACILITATOR,)),
            "instructor": make_user(roles=(INSTRUCTOR,)),
            "instructor_other": make_user(roles=(INSTRUCTOR,)),
            "finance": make_user(roles=(FINANCE,)),
            "moderator": make_user(roles=(MODERATOR,)),
            "administrator": make_user(roles=(ADMINISTRATOR,)),
            "officer": make_user(roles=(OFFICER,)),
            "council": make_user(roles=(COUNCIL,)),
            "guarantor": make_guarantor(self.campaign),
            "guarantor_other": make_guarantor(make_campaign()),
        }
        self.other_authority = make_authority()
        for column, role in OTHER_AUTHORITY.items():
            self.users[column] = make_user()
            grant_role(self.users[column], role, self.other_authority)
        self.sibling = make_campaign(budget=self.campaign.budget, slug="budget-2026-quartiers")
        self.users["finance_campaign"] = make_user()
        grant_campaign_role(self.users["finance_campaign"], FINANCE, self.campaign)
        self.users["finance_sibling"] = make_user()
        grant_campaign_role(self.users["finance_sibling"], FINANCE, self.sibling)
        self.service = make_service(
            authority,
            name="Voirie",
            members=[self.users["instructor"], self.users["instructor_b"]],
        )
        self.other_service = make_service(
            authority, name="Sports", members=[self.users["instructor_other"]]
        )
        self.proposal = make_proposal(self.campaign, service=self.service)
        self.instruction = make_instruction(
            self.proposal, status=Status.TO_INSTRUCT, public_reasoning=""
        )

    def user(self, role: str):
        return self.users[role]


# --- pages ------------------------------------------------------------------------------------

# URL name → (kwargs builder, the roles that get the page). Everyone else: login or 403.
PAGES = {
    "votes:instruction_home": (lambda w: {}, TEAM | LISTERS),
    "votes:instruction_services": (lambda w: {}, {"administrator", "administrator_b"}),
    "votes:instruction_service_create": (lambda w: {}, {"administrator", "administrator_b"}),
    "votes:instruction_service_edit": (lambda w: {"pk": w.service.pk}, {"administrator"}),
    "votes:instruction_dashboard": (lambda w: {"slug": w.campaign.slug}, READERS),
    "votes:instruction_assign": (lambda w: {"slug": w.campaign.slug}, {"administrator"}),
    "votes:instruction_detail": (
        lambda w: {"slug": w.campaign.slug, "reference": w.proposal.reference},
        {"instructor", "administrator", "guarantor"} | FINANCE_HERE,
    ),
    "votes:instruction_queue": (
        lambda w: {"slug": w.campaign.slug},
        {"administrator"} | FINANCE_HERE,
    ),
    "votes:instruction_export": (lambda w: {"slug": w.campaign.slug}, TEAM),
    "votes:instruction_export_ods": (lambda w: {"slug": w.campaign.slug}, TEAM),
    "votes:instruction_import": (
        lambda w: {"slug": w.campaign.slug},
        {"instructor", "instructor_other", "administrator"},
    ),
    # The other engineers' pages of this issue (paths from the issue's shared context).
    "votes:campaign_admin": (lambda w: {"slug": w.campaign.slug}, {"administrator"}),
    "votes:moderation_queue": (
        lambda w: {},
        {"moderator", "administrator", "moderator_b", "administrator_b"},
    ),
    "votes:account_mydata": (lambda w: {}, LOGGED_IN),
    "votes:statistics": (
        lambda w: {"slug": w.campaign.slug},
        {"facilitator", "administrator", "guarantor"} | FINANCE_HERE,
    ),
    "votes:guarantor_dashboard": (
        lambda w: {"slug": w.campaign.slug},
        {"administrator", "guarantor"},
    ),
    # Issue 16 §3: the questionnaire's team screen, and the evaluation page.
    "votes:evaluation_questions": (
        lambda w: {"slug": w.campaign.slug},
        {"facilitator", "administrator"},
    ),
    "votes:evaluation": (
        lambda w: {"slug": w.campaign.slug},
        {"facilitator", "administrator", "guarantor"} | FINANCE_HERE,
    ),
    # Issue 16 §1: the census list (upload, requirement, counts), administrators only.
    "votes:census_team": (lambda w: {"slug": w.campaign.slug}, {"administrator"}),
    # Issue 16 §6: the council records its answers (administrators may too).
    "votes:council_answers": (lambda w: {"slug": w.campaign.slug}, {"administrator", "council"}),
    "votes:council_answers_import": (
        lambda w: {"slug": w.campaign.slug},
        {"administrator", "council"},
    ),
    "votes:panel_pool": (lambda w: {"slug": w.campaign.slug}, {"facilitator", "administrator"}),
}

PAGE_CASES = [(name, role) for name in PAGES for role in ROLES]


def test_the_documented_paths_are_the_ones_tested():
    world = World()
    paths = {name: reverse(name, kwargs=PAGES[name][0](world)) for name in PAGES}

    assert paths["votes:campaign_admin"] == "/gestion/campagnes/budget-2026/"
    assert paths["votes:moderation_queue"] == "/moderation/"
    assert paths["votes:account_mydata"] == "/compte/mes-donnees/"
    assert paths["votes:instruction_detail"] == "/gestion/instruction/budget-2026/1/"


@pytest.mark.parametrize(("name", "role"), PAGE_CASES)
def test_each_role_reaches_only_its_pages(name, role):
    world = World()
    kwargs, allowed = PAGES[name]
    url = reverse(name, kwargs=kwargs(world))
    client = Client()
    if world.user(role) is not None:
        client.force_login(world.user(role))

    response = client.get(url)

    if role in allowed:
        assert response.status_code == 200
    elif role in LOGGED_OUT:
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")
    else:
        assert response.status_code == 403


# --- instruction services (the same checks without the pages) ---------------------------------


def _nothing(world: World) -> None:
    pass


def _drafted(world: World) -> None:
    Instruction.objects.filter(pk=world.instruction.pk).update(
        status=Status.FEASIBLE, instructed_cost=1000
    )


def _submitted(world: World) -> None:
    Instruction.objects.filter(pk=world.instruction.pk).update(
        status=Status.FEASIBLE,
        instructed_cost=1000,
        validation=Validation.SUBMITTED,
        instructed_by=world.user("instructor"),
    )


def _validated(world: World) -> None:
    Instruction.objects.filter(pk=world.instruction.pk).update(
        status=Status.FEASIBLE, instructed_cost=1000, validation=Validation.VALIDATED
    )


def _fresh_proposal(world: World) -> None:
    world.fresh = make_proposal(world.campaign)


def _edited_sheet(world: World) -> None:
    data = sheet_services.instruction_sheet_export(
        campaign=world.campaign, by=world.user("administrator")
    )
    book = load_workbook(io.BytesIO(data))
    book["instruction"].cell(row=2, column=COLUMN_NAMES.index("duree") + 1, value="6 mois")
    buffer = io.BytesIO()
    book.save(buffer)
    world.sheet = buffer.getvalue()


def _import(world: World, user) -> None:
    report = sheet_services.instruction_sheet_import(
        campaign=world.campaign, data=world.sheet, by=user
    )
    # Allowed to import, but a row of another service is refused (object level).
    if user == world.user("instructor_other"):
        assert [error.column for error in report.errors] == ["reference"]
    else:
        assert report.ok


# action → (set-up, call, the roles allowed). Everyone else: PermissionDenied, nothing written.
SERVICES = {
    "assign": (
        _fresh_proposal,
        lambda w, u: assignment.proposal_assign(proposal=w.fresh, service=w.service, by=u),
        {"administrator"},
    ),
    "save": (
        _nothing,
        lambda w, u: instructing.instruction_save(
            instruction=w.instruction, by=u, status=Status.FEASIBLE, instructed_cost=1000
        ),
        {"instructor"},
    ),
    "submit": (
        _drafted,
        lambda w, u: instructing.instruction_submit(instruction=w.instruction, by=u),
        {"instructor"},
    ),
    "validate": (
        _submitted,
        lambda w, u: finance.instruction_validate(instruction=w.instruction, by=u),
        FINANCE_HERE,
    ),
    "return": (
        _submitted,
        lambda w, u: finance.instruction_return(
            instruction=w.instruction, by=u, comment="À revoir."
        ),
        FINANCE_HERE,
    ),
    "publish": (
        _validated,
        lambda w, u: publication.instruction_publish(campaign=w.campaign, by=u),
        {"administrator"},
    ),
    "service_create": (
        _nothing,
        lambda w, u: assignment.service_create(
            authority=w.campaign.authority, name="Culture", by=u
        ),
        {"administrator"},
    ),
    "export": (
        _nothing,
        lambda w, u: sheet_services.instruction_sheet_export(campaign=w.campaign, by=u),
        TEAM,
    ),
    "import": (_edited_sheet, _import, {"instructor", "instructor_other", "administrator"}),
}
SERVICE_CASES = [(action, role) for action in SERVICES for role in ROLES if role != "panel"]


def _state() -> list[tuple]:
    return [
        *Instruction.objects.order_by("pk").values_list("status", "validation", "duration"),
        *Instruction.history.values_list("history_id"),
        *Service.objects.values_list("name"),
    ]


@pytest.mark.parametrize(("action", "role"), SERVICE_CASES)
def test_each_role_may_call_only_its_instruction_services(action, role):
    world = World()
    prepare, call, allowed = SERVICES[action]
    prepare(world)
    user = world.user(role) or AnonymousUser()
    before = _state()

    if role in allowed:
        call(world, user)
        if action not in {"export", "import"}:  # import checks its own report
            assert _state() != before
    else:
        with pytest.raises(PermissionDenied):
            call(world, user)
        assert _state() == before


# --- issue 16 §6: the scope of a role ----------------------------------------------------------

# A role held in authority B only: the page of B's own campaign it still reaches.
HOME_PAGES = {
    "facilitator_b": "votes:panel_pool",
    "instructor_b": "votes:instruction_import",
    "finance_b": "votes:instruction_queue",
    "moderator_b": "votes:campaign",
    "administrator_b": "votes:campaign_admin",
    "council_b": "votes:council_answers",
    "finance_sibling": "votes:statistics",
}


@pytest.mark.parametrize(("role", "name"), HOME_PAGES.items())
def test_a_scoped_role_still_reaches_its_own_campaign(role, name):
    world = World()
    own = (
        world.sibling
        if role == "finance_sibling"
        else make_campaign(phase=Phase.INSTRUCTION, authority=world.other_authority)
    )
    client = Client()
    client.force_login(world.user(role))

    response = client.get(reverse(name, kwargs={"slug": own.slug}))

    assert response.status_code == 200


@pytest.mark.parametrize("role", sorted(LISTERS))
def test_a_role_of_another_authority_lists_nothing_of_this_one(role):
    world = World()
    client = Client()
    client.force_login(world.user(role))

    response = client.get(reverse("votes:instruction_home"))

    assert response.status_code == 200
    assert world.campaign.title not in response.text


def test_the_moderation_queue_of_another_authority_leaves_this_campaign_out():
    world = World()
    flagged = make_proposal(world.campaign, title="Proposition signalée de A")
    Flag.objects.create(proposal=flagged, user=world.user("voter"), reason="Hors sujet")
    client = Client()

    client.force_login(world.user("moderator"))
    assert "Proposition signalée de A" in client.get(reverse("votes:moderation_queue")).text
    client.force_login(world.user("moderator_b"))
    assert "Proposition signalée de A" not in client.get(reverse("votes:moderation_queue")).text
