"""The results of a campaign as its public results page shows them, once tallied (issue 16
§5): per category, every proposal on the ballot in the rule's order, with its approvals per
channel; the citizen label (adopted) once the council's answers are published."""

from __future__ import annotations

from rest_framework import serializers

from votes.results import tally as rules
from votes.results.services import CampaignResults, status_label

# Sums and running totals of money: wider than a line's amount.
MONEY = {"max_digits": 18, "decimal_places": 2, "allow_null": True}
KINDS = [(rules.PROJECTS, "projets"), (rules.SAVINGS, "économies")]
STATUSES = [(status.value, status.value) for status in rules.Status]


class ChannelsSerializer(serializers.Serializer):
    online = serializers.IntegerField()
    code = serializers.IntegerField()
    paper = serializers.IntegerField()
    # "import" is a Python keyword: the field is declared under its JSON name below.

    def get_fields(self):
        fields = super().get_fields()
        fields["import"] = serializers.IntegerField()
        return fields


class ResultRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    reference = serializers.CharField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    approvals = serializers.IntegerField()
    approvals_by_channel = ChannelsSerializer()
    amount = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=STATUSES)
    status_label = serializers.CharField()
    envelope_left = serializers.DecimalField(**MONEY)
    cumulative_saving = serializers.DecimalField(**MONEY)
    adopted = serializers.BooleanField(
        allow_null=True,
        help_text="Adoptée par le conseil ; null tant que les avis ne sont pas publiés.",
    )


class ResultCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=KINDS)
    method = serializers.ChoiceField(choices=[(m, m) for m in rules.METHODS])
    envelope = serializers.DecimalField(**MONEY)
    target = serializers.DecimalField(**MONEY)
    threshold = serializers.IntegerField(allow_null=True)
    knapsack = serializers.BooleanField()
    spent = serializers.DecimalField(**MONEY)
    envelope_left = serializers.DecimalField(**MONEY)
    saved = serializers.DecimalField(**MONEY)
    target_met = serializers.BooleanField(allow_null=True)
    gap = serializers.DecimalField(**MONEY)
    rows = ResultRowSerializer(many=True)


class ParticipationSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    void = serializers.IntegerField(help_text="Bulletins papier nuls, comptés à part.")
    by_channel = ChannelsSerializer()


class ResultsSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    method = serializers.ChoiceField(choices=[(m, m) for m in rules.METHODS])
    participation = ParticipationSerializer()
    categories = ResultCategorySerializer(many=True)


def _channels(counts: dict[str, int]) -> dict[str, int]:
    return {channel: counts.get(channel, 0) for channel in rules.CHANNELS}


def results_data(results: CampaignResults, *, adopted: frozenset[int] | None) -> dict:
    """Plain data for ``ResultsSerializer``; ``adopted`` holds the ids of the adopted
    proposals, None while the answers are not public."""
    categories = []
    for outcome in results.categories:
        result = outcome.result
        rows = []
        for row in result.rows:
            proposal = outcome.proposals[row.reference]
            rows.append(
                {
                    "rank": row.rank,
                    "reference": proposal.public_reference,
                    "number": proposal.reference,
                    "title": proposal.title,
                    "approvals": row.approvals,
                    "approvals_by_channel": _channels(row.approvals_by_channel),
                    "amount": row.amount,
                    "status": str(row.status),
                    "status_label": status_label(row.status),
                    "envelope_left": row.envelope_left,
                    "cumulative_saving": row.cumulative_saving,
                    "adopted": None if adopted is None else proposal.id in adopted,
                }
            )
        categories.append(
            {
                "id": outcome.category.pk,
                "name": result.name,
                "kind": result.kind,
                "method": result.method,
                "envelope": result.envelope,
                "target": result.target,
                "threshold": result.threshold,
                "knapsack": result.knapsack,
                "spent": result.spent,
                "envelope_left": result.envelope_left,
                "saved": result.saved,
                "target_met": result.target_met,
                "gap": result.gap,
                "rows": rows,
            }
        )
    counts = results.participation
    return {
        "campaign": results.campaign.slug,
        "method": results.method,
        "participation": {
            "total": counts.total,
            "valid": counts.valid,
            "void": counts.void,
            "by_channel": _channels(counts.by_channel),
        },
        "categories": categories,
    }
