"""Who instructs what: the authority's instructing services (their members) and the
assignment of proposals to a service, which creates the proposal's instruction row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.models import Authority
from budget.roles import INSTRUCTOR
from votes import access
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.phases import require_phase
from votes.instruction.choices import FROZEN
from votes.instruction.history import REASON_ASSIGN, history_save
from votes.instruction.models import Instruction, Service
from votes.proposals.models import Proposal

# --- services -------------------------------------------------------------------------------


def _check_members(members: Iterable, authority: Authority) -> list:
    members = list(members)
    # An instructor of another authority could not instruct this authority's proposals.
    outsiders = [user for user in members if not access.is_instructor(user, authority)]
    if outsiders:
        names = ", ".join(user.get_username() for user in outsiders)
        raise ValidationError(
            {
                "members": _(
                    "Ces comptes n'ont pas le rôle d'instructeur et ne pourraient pas instruire : "
                    "%(names)s."
                )
                % {"names": names}
            }
        )
    return members


@transaction.atomic
def service_create(*, authority: Authority, name: str, by, members: Iterable = ()) -> Service:
    access.require(access.is_administrator(by, authority))
    members = _check_members(members, authority)
    _check_name_free(authority, name.strip())
    service = Service(authority=authority, name=name.strip())
    service.full_clean()
    service.save()
    service.members.set(members)
    return service


@transaction.atomic
def service_update(*, service: Service, name: str, by, members: Iterable = ()) -> Service:
    access.require(access.is_administrator(by, service))
    members = _check_members(members, service.authority)
    service = Service.objects.select_for_update().get(pk=service.pk)
    _check_name_free(service.authority, name.strip(), exclude=service.pk)
    service.name = name.strip()
    service.full_clean()
    service.save()
    service.members.set(members)
    return service


def _check_name_free(authority: Authority, name: str, exclude: int | None = None) -> None:
    taken = Service.objects.filter(authority=authority, name__iexact=name).exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("Un service « %(name)s » existe déjà pour cette collectivité.")
                % {"name": name}
            }
        )


def instructor_candidates():
    return get_user_model().objects.filter(groups__name=INSTRUCTOR).order_by("username")


# --- assignment -----------------------------------------------------------------------------


def _assign(proposal: Proposal, service: Service, *, by, due_on: date | None) -> Instruction:
    campaign = proposal.campaign
    if service.authority_id != campaign.authority_id:
        raise ValidationError(
            _("Le service « %(service)s » n'appartient pas à la collectivité de la campagne.")
            % {"service": service.name}
        )
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise ValidationError(
            _("La proposition %(ref)s a été retirée par son auteur : elle ne s'instruit pas.")
            % {"ref": proposal.public_reference}
        )
    if proposal.status == Proposal.Status.NOT_RETAINED:
        raise ValidationError(
            _(
                "La proposition %(ref)s n'a pas atteint le seuil de soutiens : elle n'est pas "
                "retenue pour l'instruction."
            )
            % {"ref": proposal.public_reference}
        )
    instruction = Instruction.objects.filter(proposal=proposal).first()
    if (
        instruction is not None
        and instruction.validation in FROZEN
        and proposal.service_id != service.pk
    ):
        raise ValidationError(
            _(
                "L'instruction de %(ref)s est soumise ou validée par la direction des finances : "
                "elle ne peut plus changer de service."
            )
            % {"ref": proposal.public_reference}
        )
    unchanged = proposal.service_id == service.pk and (
        due_on is None or due_on == (instruction.due_on if instruction else None)
    )
    if instruction is not None and unchanged:
        return instruction
    if proposal.service_id != service.pk:
        proposal.service = service
        proposal.save(update_fields=["service", "updated_at"])
    if instruction is None:
        instruction = Instruction(proposal=proposal, due_on=due_on)
    elif due_on is not None:
        instruction.due_on = due_on
    history_save(instruction, by=by, reason=f"{REASON_ASSIGN}:{service.pk}")
    return instruction


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, service: Service, by, due_on: date | None = None
) -> Instruction:
    """Give a proposal to a service; its instruction row is created, to instruct."""
    require_not_frozen(proposal.campaign)
    access.require(access.is_administrator(by, proposal))
    # Two administrators assigning the same proposal at once would both create its instruction.
    proposal = Proposal.objects.select_for_update().select_related("campaign").get(pk=proposal.pk)
    require_phase(proposal.campaign, "assign")
    return _assign(proposal, service, by=by, due_on=due_on)


@transaction.atomic
def proposals_assign_bulk(
    *, proposals: Iterable[Proposal], service: Service, by, due_on: date | None = None
) -> list[Instruction]:
    """Assign several proposals of one campaign at once: all of them, or none."""
    # The service's authority: _assign refuses a proposal of another authority.
    access.require(access.is_administrator(by, service))
    ids = sorted({proposal.pk for proposal in proposals})
    if not ids:
        raise ValidationError(_("Cochez au moins une proposition."))
    locked = list(
        Proposal.objects.select_for_update().select_related("campaign").filter(pk__in=ids)
    )
    campaigns = {proposal.campaign_id for proposal in locked}
    if len(campaigns) != 1:
        raise ValidationError(_("Les propositions doivent appartenir à une même campagne."))
    access.require(access.is_administrator(by, locked[0].campaign))
    require_not_frozen(locked[0].campaign)
    require_phase(locked[0].campaign, "assign")
    problems: list[str] = []
    instructions = []
    for proposal in locked:
        try:
            instructions.append(_assign(proposal, service, by=by, due_on=due_on))
        except ValidationError as error:
            problems += error.messages
    if problems:
        raise ValidationError(problems)
    return instructions
