"""The scenario of the adopted proposals (issue 16 §7): one click by the finance service puts
the campaign's adopted proposals in the simulator, one measure each, over the years of the
plan (the levers are built in consequences.py, as the council file's sheet reads them)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from simulator.models import Measure, MeasureAdjustment, Scenario
from simulator.services import scenario_save_state
from votes import access
from votes.campaigns.models import Campaign, Phase
from votes.council.consequences import adopted_proposals, proposal_levers, scenario_state
from votes.council.models import AdoptedScenario


@transaction.atomic
def adopted_scenario_build(*, campaign: Campaign, by: AbstractBaseUser) -> AdoptedScenario:
    """Create, or rebuild in place, the scenario of the campaign's adopted proposals."""
    access.require(access.is_finance(by, campaign) or access.is_administrator(by, campaign))
    if campaign.budget_id is None:
        raise ValidationError(_("Cette campagne ne porte sur aucun budget : pas de scénario."))
    if not campaign.reached(Phase.TALLY):
        raise ValidationError(_("Le scénario se construit à partir des résultats du vote."))
    budget = campaign.budget
    # Race: two clicks at once would each create a scenario; the lock (and the one-to-one)
    # leaves one, rebuilt by the second click.
    existing = (
        AdoptedScenario.objects.select_for_update()
        .select_related("scenario")
        .filter(campaign=campaign)
        .first()
    )
    basis, proposals = adopted_proposals(campaign)
    levers = proposal_levers(campaign, proposals)
    title = _("Propositions adoptées — %(title)s") % {"title": campaign.title}
    if existing is None:
        scenario = Scenario.objects.create(budget=budget, owner=by, title=title[:200])
    else:
        scenario = existing.scenario
        scenario.owner = by
        scenario.title = title[:200]
        scenario.save(update_fields=["owner", "title", "updated_at"])
    # Replace, never add: the proposals adopted may have changed since the last click.
    Measure.objects.filter(budget=budget, slug__startswith=f"adopte-{campaign.pk}-").delete()
    for position, item in enumerate(levers):
        if not item.adjustments:
            continue
        measure = Measure.objects.create(
            budget=budget,
            slug=item.slug,
            title=item.title,
            description=_("%(kind)s %(reference)s de la campagne « %(campaign)s ».")
            % {
                "kind": item.proposal.get_kind_display(),
                "reference": item.proposal.public_reference,
                "campaign": campaign.title,
            },
            origin=Measure.Origin.COUNCIL,
            published=False,
            created_by=by,
            position=position,
        )
        lines = dict(
            budget.lines.filter(code__in={a.line for a in item.adjustments}).values_list(
                "code", "pk"
            )
        )
        MeasureAdjustment.objects.bulk_create(
            MeasureAdjustment(
                measure=measure,
                line_id=lines[adjustment.line],
                amount=_decimal(adjustment.amount, "0.01"),
                percent=_decimal(adjustment.percent, "0.001"),
                start_year=adjustment.start_year,
                recurring=adjustment.recurring,
                first_year_share=_decimal(adjustment.first_year_share, "0.001"),
            )
            for adjustment in item.adjustments
        )
    scenario_save_state(scenario=scenario, state=scenario_state(levers))
    if existing is None:
        return AdoptedScenario.objects.create(
            campaign=campaign, scenario=scenario, basis=basis, built_by=by
        )
    existing.basis = basis
    existing.built_by = by
    existing.save()
    return existing


def _decimal(value: float | None, step: str) -> Decimal | None:
    # The engine's floats come from Decimal fields: back to the cent (or the thousandth).
    return None if value is None else Decimal(str(value)).quantize(Decimal(step))
