"""workshop_export / workshop_import: a workshop run on a laptop without internet, carried to
the central server as one file (issue 15 §6)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from budget.models import Authority, Budget
from budget.roles import FACILITATOR
from simulator.models import Measure, Scenario
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.campaigns.models import Campaign, Phase
from votes.proposals.models import Proposal
from votes.workshops.consolidation import workshop_consolidate
from votes.workshops.models import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal
from votes.workshops.services import group_argument_set, group_choices_save
from votes.workshops.transfer import (
    _checksum,
    budget_fingerprint,
    workshop_export,
    workshop_import,
)

pytestmark = pytest.mark.django_db


def run_workshop():
    """The room: two tables, their choices, an argument, two measures carried as proposals."""
    setup = make_workshop_setup()
    table_1 = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)
    table_2 = make_group(setup, "Table 2")
    group_choices_save(
        group=table_1,
        measures=["piscine-lundi", "eclairage-nuit"],
        line_percents={setup.lines["electricity"].code: Decimal("-5")},
    )
    group_choices_save(group=table_2, measures=["eclairage-nuit"])
    group_argument_set(group=table_1, measure=setup.lights, text="Les voisins le font déjà.")
    workshop_consolidate(
        workshop=setup.workshop,
        by=setup.facilitator,
        measure_ids=[setup.lights.pk, setup.pool.pk],
        panel_name="Panel citoyen",
        category=setup.campaign.categories.get(name="Sport"),
    )
    return setup


def described(campaign: Campaign) -> dict:
    """Everything the transfer carries, by names only (no id): equal on both servers."""
    workshop = Workshop.objects.get(campaign=campaign)
    return {
        "workshop": (workshop.uuid, workshop.title, workshop.starts_at, workshop.place),
        "groups": sorted(
            (
                group.name,
                group.kind,
                group.scenario.horizon,
                group.scenario.target,
                tuple(sorted(group.scenario.measures.values_list("slug", flat=True))),
                tuple(group.scenario.adjustments.values_list("line__code", "percent", "amount")),
            )
            for group in workshop.groups.all()
        ),
        "arguments": sorted(
            GroupArgument.objects.filter(group__workshop=workshop).values_list(
                "group__name", "measure__slug", "text"
            )
        ),
        "proposals": sorted(
            (
                p.reference,
                p.title,
                p.description,
                p.category.name,
                p.author_label,
                p.estimate,
                p.measure.slug if p.measure else None,
                tuple(p.adjustments.values_list("line__code", "amount", "percent")),
                tuple(sorted(p.workshop_origin.groups.values_list("name", flat=True))),
            )
            for p in Proposal.objects.filter(campaign=campaign)
        ),
    }


def empty_the_database() -> None:
    """As if the file went to another server: nothing of the laptop's rows stays."""
    Workshop.objects.all().delete()
    Proposal.objects.all().delete()
    Scenario.objects.all().delete()
    Campaign.objects.all().delete()
    Measure.objects.all().delete()
    Budget.objects.all().delete()
    Authority.objects.all().delete()
    User.objects.all().delete()


def central_server(slug: str):
    """The central server's base data: the same campaign and budget, other ids, no workshop."""
    setup = make_workshop_setup()
    setup.workshop.delete()
    Campaign.objects.filter(pk=setup.campaign.pk).update(slug=slug)
    setup.campaign.refresh_from_db()
    setup.admin = make_user(roles=(FACILITATOR,))
    return setup


def rows() -> tuple[int, ...]:
    return (
        Workshop.objects.count(),
        WorkshopGroup.objects.count(),
        Scenario.objects.count(),
        GroupArgument.objects.count(),
        Proposal.objects.count(),
        WorkshopProposal.objects.count(),
    )


@pytest.fixture
def exported():
    room = run_workshop()
    before = described(room.campaign)
    laptop_ids = (room.campaign.pk, room.campaign.budget_id)
    data = workshop_export(workshop=room.workshop, by=room.facilitator)
    slug = room.campaign.slug
    empty_the_database()
    central = central_server(slug)
    # New rows on the "other server": the file must not rely on the laptop's ids.
    assert central.campaign.pk != laptop_ids[0] and central.campaign.budget_id != laptop_ids[1]
    return data, before, central


def test_exported_from_one_database_and_imported_into_another_gives_the_same_workshop(exported):
    data, before, central = exported

    report = workshop_import(data=data, by=central.admin)

    assert report.ok, report.errors
    assert described(central.campaign) == before
    assert (report.groups_created, report.arguments_written, report.proposals_created) == (2, 1, 2)
    workshop = Workshop.objects.get()
    assert workshop.facilitator == central.admin
    assert all(
        group.scenario.budget_id == central.campaign.budget_id for group in workshop.groups.all()
    )


def test_importing_the_same_file_twice_changes_nothing(exported):
    data, before, central = exported
    workshop_import(data=data, by=central.admin)
    counts = rows()

    report = workshop_import(data=data, by=central.admin)

    assert report.ok and report.changes == 0
    assert report.proposals_present == 2
    assert rows() == counts
    assert described(central.campaign) == before


def test_a_later_export_of_the_same_workshop_updates_its_groups_without_duplicates(exported):
    data, _before, central = exported
    workshop_import(data=data, by=central.admin)
    document = json.loads(data)
    document["workshop"]["groups"][1]["scenario"]["measures"] = ["eclairage-nuit", "piscine-lundi"]
    content = {key: document[key] for key in ("campaign", "budget", "workshop")}
    document["checksum"] = _checksum(content)
    counts = rows()

    report = workshop_import(data=json.dumps(document).encode(), by=central.admin)

    assert report.ok and report.groups_updated == 1 and report.groups_created == 0
    assert rows() == counts
    table_2 = WorkshopGroup.objects.get(name="Table 2")
    assert set(table_2.scenario.measures.values_list("slug", flat=True)) == {
        "eclairage-nuit",
        "piscine-lundi",
    }


def test_the_validation_says_what_would_change_and_writes_nothing(exported):
    data, _before, central = exported

    report = workshop_import(data=data, by=central.admin, dry_run=True)

    assert report.ok
    assert (report.groups_created, report.proposals_created) == (2, 2)
    assert rows() == (0, 0, 0, 0, 0, 0)


def tampered(data: bytes, change) -> bytes:
    document = json.loads(data)
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("make_bad", "message"),
    [
        (lambda data: b"\x89PNG not json", "JSON illisible"),
        (lambda data: b'{"format": "autre"}', "n'est pas un export d'atelier"),
        (
            lambda data: tampered(data, lambda d: d.update(version=99)),
            "Version 99 du format d'export non prise en charge",
        ),
        (
            lambda data: tampered(data, lambda d: d["workshop"].update(title="Autre")),
            "somme de contrôle différente",
        ),
    ],
)
def test_a_file_that_is_not_a_sound_export_is_refused_and_nothing_is_written(
    exported, make_bad, message
):
    data, _before, central = exported

    report = workshop_import(data=make_bad(data), by=central.admin)

    assert not report.ok
    assert message in report.errors[0].message
    assert rows() == (0, 0, 0, 0, 0, 0)


def test_a_campaign_missing_on_the_server_is_refused(exported):
    data, _before, central = exported
    Campaign.objects.filter(pk=central.campaign.pk).update(slug="une-autre")

    report = workshop_import(data=data, by=central.admin)

    named = json.loads(data)["campaign"]
    assert [e.message for e in report.errors] == [
        f"La campagne « {named['title']} » ({named['slug']}) n'existe pas sur ce serveur."
    ]
    assert rows() == (0, 0, 0, 0, 0, 0)


def test_a_different_budget_is_refused_even_with_the_same_campaign(exported):
    data, _before, central = exported
    line = central.lines["electricity"]
    line.amount += 1
    line.save()

    report = workshop_import(data=data, by=central.admin)

    assert "n'est pas celui de l'atelier" in report.errors[0].message
    assert rows() == (0, 0, 0, 0, 0, 0)


def test_new_proposals_need_the_proposals_phase_and_then_nothing_is_written(exported):
    data, _before, central = exported
    Campaign.objects.filter(pk=central.campaign.pk).update(phase=Phase.VOTING)

    report = workshop_import(data=data, by=central.admin)

    assert "Impossible de" in report.errors[0].message
    assert rows() == (0, 0, 0, 0, 0, 0)


def test_a_measure_missing_on_the_server_is_refused(exported):
    data, _before, central = exported
    Measure.objects.filter(slug="piscine-lundi").delete()

    report = workshop_import(data=data, by=central.admin)

    assert report.errors[0].message == (
        "La mesure « piscine-lundi » n'existe pas dans le budget de ce serveur."
    )
    assert rows() == (0, 0, 0, 0, 0, 0)


def test_the_fingerprint_ignores_ids_but_not_amounts():
    first = make_workshop_setup().campaign.budget
    second = make_workshop_setup().campaign.budget

    assert first.pk != second.pk
    assert budget_fingerprint(first) == budget_fingerprint(second)
    line = second.lines.first()
    line.amount += 1
    line.save()
    assert budget_fingerprint(first) != budget_fingerprint(second)


def test_only_the_workshop_facilitator_or_an_administrator_exports_it():
    setup = make_workshop_setup()
    other = make_user(roles=(FACILITATOR,))

    with pytest.raises(PermissionDenied):
        workshop_export(workshop=setup.workshop, by=other)


def test_a_citizen_cannot_import(exported):
    data, _before, _central = exported

    with pytest.raises(PermissionDenied):
        workshop_import(data=data, by=make_user())
    assert rows() == (0, 0, 0, 0, 0, 0)
