"""python manage.py load_demo_campaign: the demo campaign in every state, idempotent."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from fixtures import demo_campaign as data
from fixtures import demo_debate
from votes.accounts.models import Profile
from votes.campaigns.models import Campaign, Phase, PhaseSchedule, PhaseTransition
from votes.debate.models import Comment
from votes.instruction.models import Instruction, Service
from votes.proposals.models import (
    Flag,
    ModerationAction,
    Proposal,
    ProposalAdjustment,
    Support,
)
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(settings):
    # Without DEBUG, load_demo creates no accounts: the campaign loader makes its own.
    settings.DEBUG = False
    run("load_demo")


def counts() -> dict:
    return {
        "campaigns": Campaign.objects.count(),
        "categories": Campaign.objects.get().categories.count(),
        "schedule": PhaseSchedule.objects.count(),
        "transitions": PhaseTransition.objects.count(),
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "services": Service.objects.count(),
        "proposals": Counter(Proposal.objects.values_list("status", flat=True)),
        "adjustments": ProposalAdjustment.objects.count(),
        "instructions": Counter(Instruction.objects.values_list("status", "validation")),
        "history": Instruction.history.count(),
        "moderation": ModerationAction.objects.count(),
        "flags": Flag.objects.count(),
        "supports": Support.objects.count(),
        "comments": Counter(Comment.objects.values_list("status", flat=True)),
    }


def expected_status(spec: data.DemoProposal) -> str:
    """The fixture's status, after the supports phase screened the published ones."""
    if spec.status == Proposal.Status.PUBLISHED and spec.supports < data.SUPPORTS_THRESHOLD:
        return Proposal.Status.NOT_RETAINED
    return spec.status


def test_it_needs_the_demo_budget_first():
    with pytest.raises(CommandError, match="lancez d'abord python manage.py load_demo"):
        run("load_demo_campaign")

    assert not Campaign.objects.exists()


def test_the_demo_campaign_is_a_savings_campaign_in_instruction(demo):
    out = run("load_demo_campaign")

    campaign = Campaign.objects.get()
    assert (campaign.slug, campaign.title) == (data.SLUG, "Budget participatif inversé 2026")
    assert campaign.kind == Campaign.Kind.SAVINGS
    assert campaign.phase == Phase.INSTRUCTION
    assert campaign.budget.slug == "val-de-lorme-2026-bp"
    assert campaign.framing.strip()
    assert "le conseil municipal s'engage à répondre à chaque proposition" in (
        campaign.framing.lower()
    )
    categories = list(campaign.categories.all())
    assert 4 <= len(categories) <= 6
    assert sum(c.savings_target for c in categories) == Decimal("300000")
    assert {c.vote_cap for c in categories} <= {2, 3}
    assert all(c.envelope is None and not c.knapsack for c in categories)
    assert all(row.starts_on.year == 2026 for row in campaign.schedule.all())
    moves = list(campaign.transitions.values_list("from_phase", "to_phase", "by__username"))
    assert moves == [
        ("draft", "framing", "admin-demo"),
        ("framing", "proposals", "admin-demo"),
        ("proposals", "supports", "admin-demo"),
        ("supports", "instruction", "admin-demo"),
    ]
    assert "créée en phase « Instruction par les services »" in out


def test_the_proposals_cover_every_state(demo):
    run("load_demo_campaign")

    campaign = Campaign.objects.get()
    proposals = campaign.proposals.all()
    assert proposals.count() == len(data.PROPOSALS) >= 25
    assert list(proposals.values_list("reference", flat=True)) == list(
        range(1, len(data.PROPOSALS) + 1)
    )
    assert set(proposals.values_list("kind", flat=True)) == {Proposal.Kind.SAVING}
    statuses = Counter(proposals.values_list("status", flat=True))
    assert statuses == Counter(expected_status(spec) for spec in data.PROPOSALS)
    assert statuses[Proposal.Status.HIDDEN] >= 2 and statuses[Proposal.Status.WITHDRAWN] == 1
    assert statuses[Proposal.Status.NOT_RETAINED] == 2
    # Hidden proposals carry the moderator's decision and its reason.
    for proposal in proposals.filter(status=Proposal.Status.HIDDEN):
        action = proposal.moderation_actions.get()
        assert action.action == ModerationAction.Action.HIDE
        assert action.reason and action.moderator.username == "moderateur-demo"
    # Authors are demo citizens living in the demo commune.
    authors = Profile.objects.filter(user__proposals__campaign=campaign).distinct()
    assert authors.count() == len(data.VOTERS)
    assert {p.commune.insee_code for p in authors} == {"45999"}


def test_the_demo_went_through_a_supports_phase_with_proposals_over_and_under_the_threshold(
    demo,
):
    out = run("load_demo_campaign")

    campaign = Campaign.objects.get()
    assert campaign.supports_enabled
    assert campaign.supports_threshold == data.SUPPORTS_THRESHOLD == 3
    supports = Counter(Support.objects.values_list("proposal__reference", flat=True))
    for reference, spec in enumerate(data.PROPOSALS, start=1):
        wanted = spec.supports if spec.status == Proposal.Status.PUBLISHED else 0
        assert supports[reference] == wanted, reference
    over = campaign.proposals.published()
    under = campaign.proposals.not_retained()
    assert over.count() == 26 and under.count() == 2
    # Exactly at the threshold goes on: P-0028 has 3 supports and waits for its service.
    at_threshold = campaign.proposals.get(reference=28)
    assert (supports[28], at_threshold.status) == (3, Proposal.Status.PUBLISHED)
    assert {supports[p.reference] for p in under} == {1, 2}
    # Not retained: never instructed, never on the ballot.
    assert not Instruction.objects.filter(proposal__in=under).exists()
    assert not campaign.proposals.on_ballot().filter(pk__in=under).exists()
    assert "2 non retenues à l'étape des soutiens" in out
    # Supports are dated within the supports phase.
    start, end = data.SCHEDULE["supports"]
    days = {s.created_at.date() for s in Support.objects.all()}
    assert start <= min(days) and max(days) <= end


def test_the_instructions_cover_every_state(demo):
    run("load_demo_campaign")

    expected = Counter(
        (spec.instruction.status, spec.instruction.validation)
        for spec in data.PROPOSALS
        if spec.instruction and spec.service and expected_status(spec) != "not_retained"
    )
    found = Counter(Instruction.objects.values_list("status", "validation"))
    assert found == expected
    validations = {validation for _status, validation in found}
    assert validations == {"draft", "submitted", "validated", "returned"}
    assert ("to_instruct", "draft") in found
    assert ("feasible", "validated") in found
    assert ("not_feasible", "validated") in found
    for instruction in Instruction.objects.filter(status="not_feasible"):
        assert instruction.public_reasoning
    for instruction in Instruction.objects.filter(validation="returned"):
        assert instruction.return_comment
        assert instruction.validated_by is None
    assert Proposal.objects.on_ballot().exists()
    # Every proposal with an instruction is assigned to a service; one is not assigned yet.
    assert not Instruction.objects.filter(proposal__service=None).exists()
    assert Proposal.objects.filter(status="published", service=None).exists()


def test_proposals_built_from_a_measure_carry_it_and_the_engine_figures(demo):
    run("load_demo_campaign")

    pool = Proposal.objects.get(measure__slug="piscine-lundi")
    assert pool.adjustments.count() == pool.measure.adjustments.count() > 0
    instruction = pool.instruction
    assert instruction.validation == "validated"
    assert instruction.instructed_saving > 0
    assert instruction.instructed_saving == instruction.direct_saving + instruction.induced_saving
    # Its history tells the story: created, instructed, submitted, validated.
    assert instruction.history.count() == 4


def test_the_demo_instructor_belongs_to_some_services(demo):
    run("load_demo_campaign")

    instructor = User.objects.get(username="instructeur-demo")
    assert instructor.groups.filter(name="instructor").exists()
    assert set(instructor.services.values_list("name", flat=True)) == set(data.INSTRUCTOR_SERVICES)
    assert Service.objects.count() == len(data.SERVICES)
    assert Proposal.objects.filter(service__members=instructor).exists()
    assert Proposal.objects.exclude(service__members=instructor).exclude(service=None).exists()


def test_accounts_it_had_to_create_have_no_password_and_are_reported(demo):
    out = run("load_demo_campaign")

    assert "Comptes créés sans mot de passe : admin-demo" in out
    assert not User.objects.get(username="admin-demo").has_usable_password()
    assert User.objects.get(username="admin-demo").groups.filter(name="administrator").exists()


def test_running_it_twice_changes_nothing(demo):
    run("load_demo_campaign")
    first = counts()

    out = run("load_demo_campaign")

    assert counts() == first
    assert "déjà présente" in out
    assert "sans mot de passe" not in out


def test_the_demo_pages_render(demo, client):
    run("load_demo_campaign")
    client.force_login(User.objects.get(username="admin-demo"))

    assert client.get(f"/campagnes/{data.SLUG}/").status_code == 200
    assert client.get(f"/gestion/campagnes/{data.SLUG}/").status_code == 200


def test_the_demo_has_a_polling_station_and_a_voter_ready_for_the_vote(settings):
    # With DEBUG, load_demo also creates the demo accounts (as `make run` does).
    settings.DEBUG = True
    run("load_demo")
    run("load_demo_campaign")
    run("load_demo_campaign")

    station = PollingStation.objects.get()
    assert list(station.officers.values_list("username", flat=True)) == ["assesseur-demo"]
    profile = Profile.objects.get(user__username="votant-demo")
    assert profile.email_confirmed and profile.commune is not None


def test_a_few_proposals_carry_a_debate_one_comment_hidden_with_its_reason(demo):
    run("load_demo_campaign")
    threads = Comment.objects.filter(parent__isnull=True)
    assert threads.count() == len(demo_debate.COMMENTS)
    assert Comment.objects.count() == len(demo_debate.COMMENTS) + sum(
        len(spec.replies) for spec in demo_debate.COMMENTS
    )
    hidden = Comment.objects.with_hidden_reason().get(status=Comment.Status.HIDDEN)
    assert hidden.hidden_reason == next(spec.hidden for spec in demo_debate.COMMENTS if spec.hidden)
    assert all(comment.proposal.status == Proposal.Status.PUBLISHED for comment in threads)
