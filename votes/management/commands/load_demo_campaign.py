"""python manage.py load_demo_campaign: the demo inverse-budget campaign (after load_demo).

The campaign, its rules and its phase moves go through the campaign services, like an
administrator's clicks; the proposals, their moderation and their instructions are written
through the ORM (fixtures/demo_campaign.py holds the data). Running it again changes nothing:
a campaign already there (perhaps moved on by someone trying the demo) is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget import roles
from budget.models import Budget, Commune
from budget.territory import neighbourhood_at
from fixtures import demo_campaign as data
from fixtures import (
    demo_debate,
    demo_evaluation,
    demo_guarantor,
    demo_map,
    demo_panel,
    demo_training,
    demo_workshop,
    make_demo,
)
from simulator.engine import SimulationError
from simulator.inputs import prepared_budget, run_measure_alone
from simulator.models import Measure
from votes.accounts.models import Profile
from votes.agenda.services import event_create
from votes.campaigns.models import Campaign, Category, PhaseTransition
from votes.campaigns.services import (
    campaign_create,
    category_create,
    phase_schedule_set,
)
from votes.campaigns.workflow import campaign_move
from votes.debate.models import Comment, CommentFlag, CommentModeration
from votes.instruction.models import Instruction, Service
from votes.proposals.models import (
    Flag,
    ModerationAction,
    Proposal,
    ProposalAdjustment,
    Support,
)
from votes.proposals.services_moderation import support_toggle
from votes.voting.models import PollingStation

CENT = Decimal("0.01")
# Roles of the accounts the demo campaign needs (createdemousers makes them with passwords).
STAFF = {
    data.ADMIN: roles.ADMINISTRATOR,
    data.INSTRUCTOR: roles.INSTRUCTOR,
    data.FINANCE: roles.FINANCE,
    data.MODERATOR: roles.MODERATOR,
}


@dataclass
class DemoCampaignLoad:
    campaign: Campaign
    created: bool
    # Staff accounts this run had to create: they have no password yet.
    accounts_without_password: list[str] = field(default_factory=list)
    voters_created: int = 0
    services_created: int = 0


class DemoCampaignFailed(Exception):
    pass


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _staff(report: DemoCampaignLoad) -> dict[str, User]:
    accounts = {}
    for username, role in STAFF.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org")
            # No password is printed here; createdemousers --reset-passwords gives one.
            user.set_unusable_password()
            user.save()
            report.accounts_without_password.append(username)
        user.groups.add(Group.objects.get(name=role))
        accounts[username] = user
    return accounts


def _voters(commune: Commune, report: DemoCampaignLoad) -> list[User]:
    voters = []
    for username, pseudonym, birth_year, gender in data.VOTERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org")
            user.set_unusable_password()
            user.save()
            report.voters_created += 1
        if not Profile.objects.filter(user=user).exists():
            now = timezone.now()
            profile = Profile(
                user=user,
                pseudonym=pseudonym,
                commune=commune,
                birth_year=birth_year,
                gender=gender,
                email_confirmed_at=now,
                consented_at=now,
            )
            profile.full_clean()
            profile.save()
        voters.append(user)
    return voters


def _services(budget: Budget, instructor: User, report: DemoCampaignLoad) -> dict[str, Service]:
    services = {}
    for name in data.SERVICES:
        service, created = Service.objects.get_or_create(authority=budget.authority, name=name)
        report.services_created += created
        if name in data.INSTRUCTOR_SERVICES:
            service.members.add(instructor)
        services[name] = service
    return services


def _measure_figures(budget: Budget, measures: dict[str, Measure]) -> dict[str, tuple]:
    """Full-year net, direct and induced savings of each catalogue measure, by the engine."""
    if not measures:
        return {}
    prepared = prepared_budget(budget)
    figures = {}
    for slug, measure in measures.items():
        try:
            result = run_measure_alone(budget, measure, prepared=prepared, horizon=3)
        except SimulationError:
            continue
        figures[slug] = tuple(
            Decimal(str(value)).quantize(CENT)
            for value in (
                result.full_year_net_saving,
                result.full_year_direct_saving,
                result.full_year_induced_saving,
            )
        )
    return figures


def _instruct(
    proposal: Proposal,
    spec: data.DemoInstruction,
    *,
    figures: tuple | None,
    instructor: User | None,
    finance: User,
) -> Instruction:
    """The instruction's life, step by step, so that its history timeline tells it."""
    instruction = Instruction(proposal=proposal, due_on=spec.due_on)
    instruction.full_clean()
    instruction.save()
    if spec.status == Instruction.Status.TO_INSTRUCT:
        return instruction
    if figures and spec.status in Instruction.FEASIBLE:
        net, direct, induced = figures
        instruction.instructed_saving = net
        instruction.direct_saving = direct
        instruction.induced_saving = induced
    elif spec.saving is not None:
        instruction.instructed_saving = spec.saving
        instruction.direct_saving = spec.saving
        instruction.induced_saving = Decimal("0")
    instruction.status = spec.status
    instruction.duration = spec.duration
    instruction.conditions = spec.conditions
    instruction.public_reasoning = spec.reasoning
    instruction.internal_notes = spec.notes
    instruction.instructed_by = instructor
    instruction._history_user = instructor
    instruction.full_clean()
    instruction.save()
    if spec.validation == Instruction.Validation.DRAFT:
        return instruction
    instruction.validation = Instruction.Validation.SUBMITTED
    instruction.save(update_fields=["validation", "updated_at"])
    if spec.validation == Instruction.Validation.SUBMITTED:
        return instruction
    instruction._history_user = finance
    if spec.validation == Instruction.Validation.RETURNED:
        instruction.validation = Instruction.Validation.RETURNED
        instruction.return_comment = spec.return_comment
    else:
        instruction.validation = Instruction.Validation.VALIDATED
        instruction.validated_by = finance
        instruction.validated_at = _at(data.SCHEDULE["instruction"][0] + dt.timedelta(days=14))
    instruction.full_clean()
    instruction.save()
    return instruction


def _proposals(
    campaign: Campaign,
    *,
    commune: Commune,
    voters: list[User],
    services: dict[str, Service],
    staff: dict[str, User],
) -> None:
    categories = {category.name: category for category in campaign.categories.all()}
    slugs = {spec.measure for spec in data.PROPOSALS if spec.measure}
    measures = {
        m.slug: m
        for m in Measure.objects.filter(budget=campaign.budget, slug__in=slugs).prefetch_related(
            "adjustments__line"
        )
    }
    proposals_start = data.SCHEDULE["proposals"][0]
    for reference, spec in enumerate(data.PROPOSALS, start=1):
        measure = measures.get(spec.measure)
        service = services.get(spec.service)
        proposal = Proposal(
            campaign=campaign,
            category=categories[spec.category],
            reference=reference,
            kind=Proposal.Kind.SAVING,
            title=spec.title,
            description=spec.description,
            author=voters[spec.author],
            estimate=spec.estimate,
            commune=commune,
            place=spec.place,
            status=spec.status,
            measure=measure,
            service=service,
        )
        proposal.full_clean()
        proposal.save()
        # Deposited over the proposals phase, one a day or so.
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=_at(proposals_start + dt.timedelta(days=reference), 10 + reference % 9)
        )
        for adjustment in measure.adjustments.all() if measure else ():
            ProposalAdjustment.objects.create(
                proposal=proposal,
                line=adjustment.line,
                amount=adjustment.amount,
                percent=adjustment.percent,
                start_year=adjustment.start_year,
                recurring=adjustment.recurring,
                first_year_share=adjustment.first_year_share,
            )
        if spec.status == Proposal.Status.HIDDEN:
            flagger = voters[(spec.author + 1) % len(voters)]
            Flag.objects.create(proposal=proposal, user=flagger, reason=spec.flag, handled=True)
            ModerationAction.objects.create(
                proposal=proposal,
                moderator=staff[data.MODERATOR],
                action=ModerationAction.Action.HIDE,
                reason=spec.moderation,
            )


def _supports(campaign: Campaign, voters: list[User]) -> None:
    """The demo citizens' supports, through the service (the campaign is in supports), each
    from someone other than the author, dated within the supports phase."""
    for reference, spec in enumerate(data.PROPOSALS, start=1):
        if spec.status != Proposal.Status.PUBLISHED:
            continue
        proposal = Proposal.objects.select_related("campaign").get(
            campaign=campaign, reference=reference
        )
        for k in range(spec.supports):
            support_toggle(proposal=proposal, user=voters[(spec.author + 1 + k) % len(voters)])
    start = data.SCHEDULE["supports"][0]
    for support in Support.objects.filter(proposal__campaign=campaign):
        day = start + dt.timedelta(days=support.pk % 12)
        Support.objects.filter(pk=support.pk).update(created_at=_at(day, 12 + support.pk % 8))


def _comments(campaign: Campaign, voters: list[User], staff: dict[str, User]) -> None:
    """A few threads of the debate, dated within the supports phase, one hidden with its
    reason. Written as records, not through comment_create: loading the demo e-mails nobody."""
    start = data.SCHEDULE["supports"][0]
    proposals = {p.reference: p for p in campaign.proposals.all()}
    for n, spec in enumerate(demo_debate.COMMENTS):
        proposal = proposals[spec.reference]
        when = _at(start + dt.timedelta(days=n), 18)
        thread = _comment(proposal, voters[spec.author], spec.body, when)
        for k, (author, body) in enumerate(spec.replies, start=1):
            _comment(proposal, voters[author], body, when + dt.timedelta(hours=k), parent=thread)
        if spec.hidden:
            thread.status = Comment.Status.HIDDEN
            thread.save(update_fields=["status"])
            CommentFlag.objects.create(
                comment=thread, user=proposal.author, reason="Agressif", handled=True
            )
            CommentModeration.objects.create(
                comment=thread,
                moderator=staff[data.MODERATOR],
                action=ModerationAction.Action.HIDE,
                reason=spec.hidden,
            )


def _comment(
    proposal: Proposal, author: User, body: str, when: dt.datetime, parent: Comment | None = None
) -> Comment:
    comment = Comment(proposal=proposal, author=author, body=body, parent=parent)
    comment.full_clean()
    comment.save()
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def _instructions(campaign: Campaign, *, services: dict[str, Service], staff: dict) -> None:
    """The instructions of the proposals the supports phase retained."""
    measures = {
        m.slug: m
        for m in Measure.objects.filter(
            budget=campaign.budget, slug__in={s.measure for s in data.PROPOSALS if s.measure}
        ).prefetch_related("adjustments__line")
    }
    figures = _measure_figures(campaign.budget, measures)
    instructable = {p.reference: p for p in campaign.proposals.instructable()}
    for reference, spec in enumerate(data.PROPOSALS, start=1):
        proposal = instructable.get(reference)
        if spec.instruction is None or spec.service not in services or proposal is None:
            continue
        instructor = staff[data.INSTRUCTOR] if spec.service in data.INSTRUCTOR_SERVICES else None
        _instruct(
            proposal,
            spec.instruction,
            figures=figures.get(spec.measure),
            instructor=instructor,
            finance=staff[data.FINANCE],
        )


@transaction.atomic
def demo_campaign_load() -> DemoCampaignLoad:
    """Create the demo campaign with its proposals; a second run creates nothing."""
    budget = Budget.objects.select_related("authority").filter(slug=data.BUDGET_SLUG).first()
    commune = Commune.objects.filter(insee_code=make_demo.INSEE_CODE).first()
    if budget is None or commune is None:
        raise DemoCampaignFailed(
            _(
                "Le budget de démonstration (%(slug)s) est absent : lancez d'abord "
                "python manage.py load_demo."
            )
            % {"slug": data.BUDGET_SLUG}
        )
    existing = Campaign.objects.filter(slug=data.SLUG).first()
    report = DemoCampaignLoad(campaign=existing, created=existing is None)
    staff = _staff(report)
    voters = _voters(commune, report)
    services = _services(budget, staff[data.INSTRUCTOR], report)
    if existing is not None:
        _voting_desk(existing, commune)
        return report
    admin = staff[data.ADMIN]
    campaign = campaign_create(
        authority=budget.authority,
        budget=budget,
        kind=Campaign.Kind.SAVINGS,
        title=data.TITLE,
        slug=data.SLUG,
        framing=data.FRAMING,
        min_voter_age=data.MIN_VOTER_AGE,
        max_policy_areas=data.MAX_POLICY_AREAS,
        supports_enabled=True,
        supports_threshold=data.SUPPORTS_THRESHOLD,
    )
    for name, target, cap, description in data.CATEGORIES:
        category_create(
            campaign=campaign,
            by=admin,
            name=name,
            description=description,
            savings_target=target,
            vote_cap=cap,
        )
    for phase, (starts_on, ends_on) in data.SCHEDULE.items():
        phase_schedule_set(campaign=campaign, phase=phase, starts_on=starts_on, ends_on=ends_on)
    for phase in data.MOVES:
        if phase == "supports":
            _proposals(campaign, commune=commune, voters=voters, services=services, staff=staff)
            _locations(campaign)
        # Out of supports, the move's step marks the proposals below the threshold.
        transition = campaign_move(campaign=campaign, to_phase=phase, by=admin)
        # The log shows the move on the day the calendar announced.
        PhaseTransition.objects.filter(pk=transition.pk).update(at=_at(data.SCHEDULE[phase][0], 8))
        if phase == "supports":
            _supports(campaign, voters)
            _comments(campaign, voters, staff)
        if phase == "instruction":
            _instructions(campaign, services=services, staff=staff)
    _voting_desk(campaign, commune)
    for fields in demo_map.events():
        event_create(campaign=campaign, by=admin, **fields)
    report.campaign = campaign
    return report


def _locations(campaign: Campaign) -> None:
    """Some proposals on the map: a point (its neighbourhood found from it) or a neighbourhood."""
    territory = campaign.authority.territory
    for proposal in campaign.proposals.filter(title__in=demo_map.LOCATIONS):
        where = demo_map.LOCATIONS[proposal.title]
        if isinstance(where, str):
            proposal.neighbourhood = where
        else:
            proposal.latitude, proposal.longitude = (Decimal(v) for v in where)
            proposal.neighbourhood = neighbourhood_at(
                territory, lat=float(where[0]), lon=float(where[1])
            )
        proposal.full_clean()
        proposal.save(update_fields=["latitude", "longitude", "neighbourhood"])


def _voting_desk(campaign: Campaign, commune: Commune) -> None:
    """What the vote needs in the demo: a polling station for the demo poll officer, and a
    profile for the demo voter so that it can vote online once the campaign reaches voting."""
    station, _created = PollingStation.objects.get_or_create(
        campaign=campaign, name=data.STATION_NAME
    )
    officer = User.objects.filter(username=data.OFFICER).first()
    if officer is not None:
        officer.groups.add(Group.objects.get_or_create(name="officer")[0])
        station.officers.add(officer)
    voter = User.objects.filter(username=data.DEMO_VOTER).first()
    if voter is not None and not Profile.objects.filter(user=voter).exists():
        now = timezone.now()
        profile = Profile(
            user=voter,
            pseudonym=data.DEMO_VOTER,
            commune=commune,
            birth_year=1985,
            email_confirmed_at=now,
            consented_at=now,
        )
        profile.full_clean()
        profile.save()


class Command(BaseCommand):
    help = (
        "Charge la campagne de démonstration (budget participatif inversé de Val-de-Lorme, "
        "passée par une phase de soutiens, en phase d'instruction) après python manage.py "
        "load_demo. Peut être relancée : elle ne crée rien de nouveau."
    )

    def handle(self, *args, **options) -> None:
        try:
            loaded = demo_campaign_load()
        except DemoCampaignFailed as exc:
            raise CommandError(str(exc)) from exc
        campaign = loaded.campaign
        if loaded.created:
            counts = {
                status: campaign.proposals.filter(status=status).count()
                for status in Proposal.Status.values
            }
            self.stdout.write(
                _(
                    "Campagne « %(title)s » créée en phase « %(phase)s » : %(categories)s "
                    "rubriques, %(proposals)s propositions (%(published)s publiées, "
                    "%(not_retained)s non retenues à l'étape des soutiens, %(hidden)s "
                    "masquées, %(withdrawn)s retirée(s)), %(instructions)s instructions."
                )
                % {
                    "title": campaign.title,
                    "phase": campaign.get_phase_display(),
                    "categories": Category.objects.filter(campaign=campaign).count(),
                    "proposals": sum(counts.values()),
                    "published": counts[Proposal.Status.PUBLISHED],
                    "not_retained": counts[Proposal.Status.NOT_RETAINED],
                    "hidden": counts[Proposal.Status.HIDDEN],
                    "withdrawn": counts[Proposal.Status.WITHDRAWN],
                    "instructions": Instruction.objects.filter(proposal__campaign=campaign).count(),
                }
            )
        else:
            self.stdout.write(
                _(
                    "Campagne « %(title)s » déjà présente (phase « %(phase)s ») : "
                    "laissée telle quelle."
                )
                % {"title": campaign.title, "phase": campaign.get_phase_display()}
            )
        demo_panel.load(campaign, stdout=self.stdout)
        demo_workshop.load(campaign, stdout=self.stdout)
        demo_training.load(campaign, stdout=self.stdout)
        demo_guarantor.load(campaign, stdout=self.stdout)
        demo_evaluation.load(campaign, stdout=self.stdout)
        if loaded.accounts_without_password:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Comptes créés sans mot de passe : %(names)s. Pour vous y connecter : "
                        "DEBUG=1 python manage.py createdemousers --reset-passwords"
                    )
                    % {"names": ", ".join(loaded.accounts_without_password)}
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Page publique : %(public)s ; gestion : %(admin)s")
                % {
                    "public": campaign.get_absolute_url(),
                    "admin": reverse("votes:campaign_admin", kwargs={"slug": campaign.slug}),
                }
            )
        )
