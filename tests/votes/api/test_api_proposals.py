"""/api/v1/proposals/ and a proposal by its number: published or not retained only, with the
instruction once published and the council's answer once the answers are published."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.votes.api.builders import SECRETS, answered_campaign, api, draft_campaign
from tests.votes.factories import make_campaign, make_category, make_proposal
from tests.votes.opendata.test_opendata_files import opendata_campaign
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    assert response.status_code == 200
    return [item["reference"] for item in response.json()["results"]]


def detail(client, proposal: Proposal):
    return client.get(api("proposal", slug=proposal.campaign.slug, number=proposal.reference))


def test_hidden_withdrawn_and_draft_proposals_are_neither_listed_nor_found(client):
    s = opendata_campaign()
    withdrawn = make_proposal(s.campaign, title="Retirée", status=Proposal.Status.WITHDRAWN)
    draft = draft_campaign()
    in_draft = draft.proposals.get()

    listed = references(client.get(api("proposals")))

    assert listed == ["P-0001", "P-0002", "P-0003", "P-0004", "P-0005"]
    for proposal in (s.hidden, withdrawn, in_draft):
        assert detail(client, proposal).status_code == 404


def test_a_proposal_not_retained_at_the_supports_stage_stays_public(client):
    campaign = make_campaign()
    proposal = make_proposal(campaign, status=Proposal.Status.NOT_RETAINED)

    body = detail(client, proposal).json()

    assert body["status"] == "not_retained"
    assert body["status_label"] == "Non retenue à l'étape des soutiens"


def test_nothing_private_is_given(client):
    answered_campaign(phase=Phase.COUNCIL)

    content = client.get(api("proposals")).content.decode()

    for secret in SECRETS:
        assert secret not in content
    assert "Jeanne D." in content  # the author's public name


def test_a_proposal_gives_its_public_instruction_with_money_as_strings(client):
    s = opendata_campaign()

    body = detail(client, s.p1).json()

    assert body["reference"] == "P-0001"
    assert body["estimate"] == "50000.00"
    assert body["commune"] == "Lorme-le-Bas"
    assert body["instruction"]["instructed_cost"] == "60000.50"
    assert body["instruction"]["induced_operating_cost"] == "2000.00"
    assert body["instruction"]["status"] == "feasible"
    assert body["page"] == f"http://testserver/campagnes/{s.campaign.slug}/propositions/1/"


def test_a_validated_instruction_waits_for_its_publication(client):
    s = opendata_campaign(Phase.INSTRUCTION)

    before = detail(client, s.p1).json()["instruction"]
    Instruction.objects.filter(proposal=s.p1).update(published_at=timezone.now())
    after = detail(client, s.p1).json()["instruction"]

    assert before is None
    assert after["public_reasoning"] == "Instruite."


def test_an_instruction_not_validated_is_never_given(client):
    s = opendata_campaign()
    Instruction.objects.filter(proposal=s.p2).update(
        validation=Instruction.Validation.RETURNED, published_at=timezone.now()
    )

    assert detail(client, s.p2).json()["instruction"] is None


def test_the_council_answer_waits_for_the_publication_of_the_answers(client):
    s = answered_campaign(phase=Phase.COUNCIL)

    before = detail(client, s.data.p1).json()
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=Phase.ANSWERED)
    after = detail(client, s.data.p1).json()

    assert before["answer"] is None and before["follow_up"] is None
    assert after["answer"] == {
        "decision": "adopted",
        "decision_label": "Adoptée",
        "adopted": True,
        "answer": "Adoptée : le terrain sera refait.",
        "deliberation_reference": "DEL-2026-12",
        "deliberation_date": "2026-11-30",
    }
    assert after["follow_up"]["progress"] == 40
    assert [m["text"] for m in after["follow_up"]["milestones"]] == ["Études", "Travaux"]


def test_the_decision_filter_reveals_no_unpublished_answer(client):
    s = answered_campaign(phase=Phase.COUNCIL)

    before = references(client.get(api("proposals"), {"decision": "rejected"}))
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=Phase.ANSWERED)
    after = references(client.get(api("proposals"), {"decision": "rejected"}))

    assert before == []
    assert after == ["P-0002"]


def test_proposals_filter_by_campaign_category_kind_and_status(client):
    s = opendata_campaign()
    other = make_campaign(slug="autre")
    make_proposal(other, status=Proposal.Status.NOT_RETAINED)
    sport = s.p1.category_id

    def listed(**parameters):
        return references(client.get(api("proposals"), parameters))

    assert listed(campaign="autre") == ["P-0001"]
    assert listed(campaign=s.campaign.slug, category=sport) == [
        "P-0001",
        "P-0002",
        "P-0003",
        "P-0004",
    ]
    assert listed(campaign=s.campaign.slug, kind="saving") == ["P-0005"]
    assert listed(status="not_retained") == ["P-0001"]


@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"kind": "idee"}, "kind", "Sélectionnez un choix valide"),
        ({"status": "hidden"}, "status", "Sélectionnez un choix valide"),
        ({"category": "0"}, "category", "supérieure ou égale à 1"),
        ({"category": "sport"}, "category", "Saisissez un nombre entier."),
    ],
)
def test_a_refused_filter_is_a_400_naming_it(client, parameters, field, message):
    opendata_campaign()

    response = client.get(api("proposals"), parameters)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_proposals_are_read_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    answered_campaign()
    campaign = make_campaign()
    category = make_category(campaign)
    for _ in range(10):
        make_proposal(campaign, category=category)

    # The rate-limit counter in the database cache (6), the count, the proposals with their
    # instruction, answer and follow-up, the milestones.
    with django_assert_max_num_queries(10):
        response = client.get(api("proposals"))

    assert response.json()["count"] == 15
