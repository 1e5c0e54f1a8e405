"""The htmx addition and removal of an eligible voter in a few SQL statements (issue 13 §2).

Every click of every voter pays for this path during the vote, and in the ORM it cost ten
statements and twelve milliseconds of CPU (a third of it compiling the queries). Here one
hand-written read, under the same locks as votes.voting.ballots (campaign_held_for_voter:
FOR KEY SHARE of the campaign, FOR NO KEY UPDATE of the voter's account, taken just before by
a statement of their own on PostgreSQL; BEGIN IMMEDIATE on SQLite), brings back everything the
addition decides on: the campaign's phase and freeze, the voter's eligibility, their ballot,
the proposal with its category's rule, and the choices already made, one row per choice. Then
the line is inserted (or deleted) and the ballot's `updated_at` moved (one statement on
PostgreSQL, two on SQLite).

Only the common case is decided here: an eligible voter (of a campaign that asks for no census
list), a proposal on the ballot (of a category open to the whole territory) accepted or
refused by the caps (votes.voting.rules.addition_problem, the same rule as everywhere; the first
choice creates the ballot through the ORM and tells the voter by e-mail, as ballots.ballot_add
does), or a choice taken off. Anything else (a closed or frozen vote; an ineligible voter; a
proposal not on the ballot, unknown, or not among the choices) returns None, and the caller
takes the full path, votes.voting.ballots.ballot_add or ballot_remove, whose messages and
checks stay the only source of those refusals. Nothing is cached between requests: two
instances see the same database.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from decimal import Context, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from budget.events import log_event
from budget.models import MONEY, Commune
from votes.accounts.models import Profile
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import phase_allows
from votes.census.models import CensusList
from votes.council.models import CouncilSnapshot
from votes.instruction.choices import FEASIBLE, InstructionValidation
from votes.instruction.models import Instruction
from votes.notifications.sending import vote_recorded_notify
from votes.proposals.models import Proposal
from votes.voting.ballots import new_receipt, voting_year
from votes.voting.models import Ballot, BallotLine, PaperVoter
from votes.voting.rules import CategoryRule, Choice, addition_problem

logger = logging.getLogger(__name__)

_CENTS = Decimal(1).scaleb(-MONEY["decimal_places"])
_FLOATS = Context(prec=15)


@dataclass
class HotClick:
    """What the screen shows: the proposal (its category and campaign attached) and what it
    costs, the choices after the addition (before it when refused) and the refusal, "" when
    accepted."""

    campaign: Campaign
    proposal: Proposal
    cost: Decimal
    choices: list[Choice]
    refusal: str


def _money(value) -> Decimal | None:
    """A money column as the ORM gives it (SQLite returns numbers, PostgreSQL Decimals)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return _FLOATS.create_decimal_from_float(value).quantize(_CENTS)
    return Decimal(value).quantize(_CENTS)


def _cost(kind: str, estimate, instructed_cost, instructed_saving) -> Decimal:
    """votes.voting.ballots.proposal_cost on the columns of one row."""
    amount = _money(instructed_saving if kind == Proposal.Kind.SAVING else instructed_cost)
    if amount is not None:
        return amount
    estimate = _money(estimate)
    return estimate if estimate is not None else Decimal("0")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@functools.cache
def _statements(vendor: str) -> tuple[str, str, str, str, str]:
    """The statements, built once per process from the models' tables and columns."""
    c, u, pf, cm = "c", "u", "pf", "cm"
    col = _column
    snapshot = (
        f"SELECT 1 FROM {_table(CouncilSnapshot)} s "
        f"WHERE s.{col(CouncilSnapshot, 'campaign')} = {c}.id"
    )
    paper = (
        f"SELECT 1 FROM {_table(PaperVoter)} pv WHERE pv.{col(PaperVoter, 'campaign')} = {c}.id "
        f"AND pv.{col(PaperVoter, 'user')} = {u}.id"
    )
    census = (
        f"SELECT 1 FROM {_table(CensusList)} cl WHERE cl.{col(CensusList, 'campaign')} = {c}.id "
        f"AND cl.{col(CensusList, 'required')}"
    )
    fields = [
        f"{c}.id",
        f"{c}.{col(Campaign, 'title')}",
        f"{c}.{col(Campaign, 'phase')}",
        f"{c}.{col(Campaign, 'authority')}",
        f"{c}.{col(Campaign, 'min_voter_age')}",
        f"{c}.{col(Campaign, 'max_categories_per_voter')}",
        f"EXISTS ({snapshot})",
        f"{pf}.{col(Profile, 'email_confirmed_at')} IS NOT NULL",
        f"{pf}.{col(Profile, 'outside_territory')}",
        f"{pf}.{col(Profile, 'birth_year')}",
        f"{cm}.{col(Commune, 'authority')}",
        f"EXISTS ({paper})",
        "b.id",
        # The proposal clicked, with what puts it on the ballot and what it costs.
        "p.id",
        f"p.{col(Proposal, 'title')}",
        f"p.{col(Proposal, 'kind')}",
        f"p.{col(Proposal, 'lever')}",
        f"p.{col(Proposal, 'status')}",
        f"p.{col(Proposal, 'estimate')}",
        f"i.{col(Instruction, 'status')}",
        f"i.{col(Instruction, 'validation')}",
        f"i.{col(Instruction, 'instructed_cost')}",
        f"i.{col(Instruction, 'instructed_saving')}",
        # Its category's rule and what the counters show.
        "k.id",
        f"k.{col(Category, 'name')}",
        f"k.{col(Category, 'vote_cap')}",
        f"k.{col(Category, 'knapsack')}",
        f"k.{col(Category, 'envelope')}",
        f"k.{col(Category, 'min_votes')}",
        # One row per choice already made (NULLs when none).
        "cp.id",
        f"cp.{col(Proposal, 'reference')}",
        f"cp.{col(Proposal, 'category')}",
        f"cp.{col(Proposal, 'kind')}",
        f"cp.{col(Proposal, 'estimate')}",
        f"ci.{col(Instruction, 'instructed_cost')}",
        f"ci.{col(Instruction, 'instructed_saving')}",
        # What sends the click to the full path: a vote reserved to a census list (the entry
        # to check and mark) and a category of one commune of a shared campaign (residence).
        f"EXISTS ({census})",
        f"k.{col(Category, 'commune')}",
    ]
    users = _table(get_user_model())
    read = (
        f"SELECT {', '.join(fields)} FROM {_table(Campaign)} {c} CROSS JOIN {users} {u} "
        f"LEFT JOIN {_table(Profile)} {pf} ON {pf}.{col(Profile, 'user')} = {u}.id "
        f"LEFT JOIN {_table(Commune)} {cm} "
        f"ON {cm}.id = {pf}.{col(Profile, 'commune')} "
        f"LEFT JOIN {_table(Ballot)} b ON b.{col(Ballot, 'campaign')} = {c}.id "
        f"AND b.{col(Ballot, 'voter')} = {u}.id "
        f"LEFT JOIN {_table(Proposal)} p ON p.{col(Proposal, 'campaign')} = {c}.id "
        f"AND p.{col(Proposal, 'reference')} = %s "
        f"LEFT JOIN {_table(Instruction)} i ON i.{col(Instruction, 'proposal')} = p.id "
        f"LEFT JOIN {_table(Category)} k ON k.id = p.{col(Proposal, 'category')} "
        f"LEFT JOIN {_table(BallotLine)} l ON l.{col(BallotLine, 'ballot')} = b.id "
        f"LEFT JOIN {_table(Proposal)} cp ON cp.id = l.{col(BallotLine, 'proposal')} "
        f"LEFT JOIN {_table(Instruction)} ci ON ci.{col(Instruction, 'proposal')} = cp.id "
        f"WHERE {c}.{col(Campaign, 'slug')} = %s AND {u}.id = %s"
    )
    lock = ""
    if vendor == "postgresql":
        # The locks of votes.voting.ballots._held_state, for the same races (its docstring),
        # taken by a statement of their own: a statement that waited for a lock still reads
        # the other tables as they were when it began (READ COMMITTED), so the choices a
        # second tab committed meanwhile would be missed. The read comes after, and sees them.
        lock = (
            f"SELECT 1 FROM {_table(Campaign)} {c} CROSS JOIN {users} {u} "
            f"WHERE {c}.{col(Campaign, 'slug')} = %s AND {u}.id = %s "
            f"FOR KEY SHARE OF {c} FOR NO KEY UPDATE OF {u}"
        )
    insert = (
        f"INSERT INTO {_table(BallotLine)} ({col(BallotLine, 'ballot')}, "
        f"{col(BallotLine, 'proposal')}, {col(BallotLine, 'category')}) VALUES (%s, %s, %s)"
    )
    touch = f"UPDATE {_table(Ballot)} SET {col(Ballot, 'updated_at')} = %s WHERE id = %s"
    delete = (
        f"DELETE FROM {_table(BallotLine)} WHERE {col(BallotLine, 'ballot')} = %s "
        f"AND {col(BallotLine, 'proposal')} = %s"
    )
    return lock, read, insert, touch, delete


def ballot_add_hot(*, slug: str, reference: int, user: AbstractBaseUser) -> HotClick | None:
    """Add proposal `reference` to `user`'s ballot in campaign `slug`, within its caps; None
    for anything else than the common case (the caller then runs ballots.ballot_add).

    SQLite takes the write lock when the transaction begins (transaction_mode IMMEDIATE), so
    the read cannot be overtaken there either.
    """
    try:
        with transaction.atomic():
            return _add(slug=slug, reference=reference, user=user)
    except IntegrityError:
        # The line is there already (the lock bypassed?): the full path says so, as always.
        return None


@transaction.atomic
def ballot_remove_hot(*, slug: str, reference: int, user: AbstractBaseUser) -> HotClick | None:
    """Take proposal `reference` off `user`'s ballot; None for anything else than the common
    case (not on the ballot, not eligible...: the caller then runs ballots.ballot_remove)."""
    state = _read(slug=slug, reference=reference, user=user)
    if state is None or state.ballot_id is None:
        return None
    kept = [c for c in state.current if c.reference != reference]
    if len(kept) == len(state.current):
        return None
    delete = _statements(connection.vendor)[4]
    _change_and_touch(delete, [state.ballot_id, state.proposal.pk], state.ballot_id)
    log_event(
        logger,
        "vote_recorded",
        campaign=slug,
        channel="online",
        action="remove",
        proposal=reference,
    )
    return HotClick(state.campaign, state.proposal, state.choice.cost, kept, "")


def _change_and_touch(change: str, params: list, ballot_id: int) -> None:
    """The line's INSERT or DELETE, then the ballot's `updated_at`: in one statement on
    PostgreSQL (a data-modifying WITH runs once, whatever the main statement reads)."""
    touch = _statements(connection.vendor)[3]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH changed AS ({change}) {touch}", [*params, now, ballot_id])
        else:
            cursor.execute(change, params)
            cursor.execute(touch, [now, ballot_id])


@dataclass
class _State:
    campaign: Campaign
    proposal: Proposal
    listed: bool
    choice: Choice
    rule: CategoryRule
    ballot_id: int | None
    current: list[Choice]


def _read(*, slug: str, reference: int, user: AbstractBaseUser) -> _State | None:
    """The locked read; None when the voter may not vote (or the proposal is unknown)."""
    lock, read = _statements(connection.vendor)[:2]
    with connection.cursor() as cursor:
        if lock:
            cursor.execute(lock, [slug, user.pk])
        cursor.execute(read, [reference, slug, user.pk])
        rows = cursor.fetchall()
    if not rows:
        return None
    (
        campaign_id, title, phase, authority_id, min_age, max_categories, frozen,
        confirmed, outside, birth_year, commune_authority, paper, ballot_id,
        proposal_id, proposal_title, kind, lever, status, estimate,
        verdict, validation, instructed_cost, instructed_saving,
        category_id, category_name, cap, knapsack, envelope, min_votes,
    ) = rows[0][:29]  # fmt: skip
    campaign = Campaign(
        id=campaign_id,
        slug=slug,
        title=title,
        phase=phase,
        authority_id=authority_id,
        min_voter_age=min_age,
        max_categories_per_voter=max_categories,
    )
    eligible = (
        phase_allows(campaign, "vote")
        and not frozen
        and confirmed
        and not outside
        and commune_authority == authority_id
        and voting_year() - birth_year >= min_age
        and not paper
    )
    census_required, category_commune = rows[0][36:38]
    if not eligible or proposal_id is None or census_required or category_commune is not None:
        return None
    category = Category(
        id=category_id,
        campaign_id=campaign_id,
        name=category_name,
        vote_cap=cap,
        knapsack=bool(knapsack),
        envelope=_money(envelope),
        min_votes=min_votes,
    )
    proposal = Proposal(
        id=proposal_id,
        campaign_id=campaign_id,
        reference=reference,
        title=proposal_title,
        kind=kind,
        lever=lever,
        status=status,
        estimate=_money(estimate),
        category_id=category_id,
    )
    proposal.category = category
    proposal.campaign = campaign
    return _State(
        campaign=campaign,
        proposal=proposal,
        listed=(
            status == Proposal.Status.PUBLISHED
            and validation == InstructionValidation.VALIDATED
            and verdict in FEASIBLE
        ),
        choice=Choice(
            reference=reference,
            category_id=category_id,
            cost=_cost(kind, estimate, instructed_cost, instructed_saving),
        ),
        rule=CategoryRule(
            id=category_id,
            name=category_name,
            cap=cap,
            knapsack=category.knapsack,
            envelope=category.envelope,
            minimum=min_votes,
        ),
        ballot_id=ballot_id,
        current=[
            Choice(reference=row[30], category_id=row[31], cost=_cost(*row[32:36]))
            for row in rows
            if row[29] is not None
        ],
    )


def _add(*, slug: str, reference: int, user: AbstractBaseUser) -> HotClick | None:
    state = _read(slug=slug, reference=reference, user=user)
    if state is None or not state.listed:
        return None
    campaign, proposal, choice = state.campaign, state.proposal, state.choice
    current = state.current
    problem = addition_problem(
        current=current,
        new=choice,
        categories={choice.category_id: state.rule},
        max_categories=campaign.max_categories_per_voter,
    )
    if problem is not None:
        return HotClick(campaign, proposal, choice.cost, current, problem)
    insert = _statements(connection.vendor)[2]
    ballot_id = state.ballot_id
    created = ballot_id is None
    if created:
        # The first choice creates the ballot and its receipt (under the account's lock, as
        # ballots._voter_ballot; a receipt drawn twice rolls back to the full path).
        ballot_id = Ballot.objects.create(
            campaign=campaign, channel=Ballot.Channel.ONLINE, voter=user, receipt=new_receipt()
        ).pk
    # Under the account's lock the caps were just checked: the unique constraint on (ballot,
    # proposal) is only the last line of defence, as in ballots.ballot_add (its IntegrityError
    # rolls this transaction back, see ballot_add_hot).
    params = [ballot_id, proposal.pk, choice.category_id]
    if created:
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
        # The first choice records the ballot: the voter is told (never what they chose).
        vote_recorded_notify(user=user, campaign=campaign)
    else:
        _change_and_touch(insert, params, ballot_id)
    log_event(
        logger, "vote_recorded", campaign=slug, channel="online", action="add", proposal=reference
    )
    return HotClick(campaign, proposal, choice.cost, [*current, choice], "")
