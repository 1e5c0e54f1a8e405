"""The charter's indicators of a campaign (issue 16 §3), from data the app already holds.

Participation reuses the statistics' own tables (votes.statistics: the same counts and the
same small-cell rule, read from the council snapshot once sent). The rest counts proposals,
which are public one by one, so no count of them is hidden: share instructed (validated by
finance), answered and adopted by the council, carried out at follow-up, and the days from
the close of the vote to the publication of the council's answers.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from votes.campaigns.models import Phase
from votes.council.choices import ADOPTED_DECISIONS
from votes.proposals.models import Proposal
from votes.statistics.counts import reported_statistics
from votes.statistics.shape import percent
from votes.statistics.tables import MISSING, Table, statistics_tables

PARTICIPATION_TABLES = ("participants", "commune", "commune_rates", "age")


def proposal_counts(campaign) -> dict[str, int]:
    return (
        Proposal.objects.filter(campaign=campaign)
        .published()
        .aggregate(
            published=Count("pk"),
            instructed=Count("pk", filter=Q(instruction__validated_at__isnull=False)),
            answered=Count("pk", filter=Q(council_answer__isnull=False)),
            adopted=Count("pk", filter=Q(council_answer__decision__in=ADOPTED_DECISIONS)),
            carried_out=Count("pk", filter=Q(follow_up__status="done")),
        )
    )


def answer_delay_days(campaign) -> int | None:
    """Days from the vote's close (its first move out of the vote) to the answers' publication
    (the move to « Avis argumentés publiés »); None until both happened."""
    moves = campaign.transitions.all()
    closed = moves.filter(from_phase=Phase.VOTING).order_by("at").first()
    answered = moves.filter(to_phase=Phase.ANSWERED).order_by("at").first()
    if closed is None or answered is None:
        return None
    return (answered.at.date() - closed.at.date()).days


def proposals_table(campaign) -> Table:
    counts = proposal_counts(campaign)
    whole = counts["published"]
    labels = {
        "published": _("Propositions publiées"),
        "instructed": _("Instruites (avis validé par les finances)"),
        "answered": _("Avec un avis argumenté du conseil"),
        "adopted": _("Adoptées par le conseil"),
        "carried_out": _("Réalisées (suivi)"),
    }
    return Table(
        "indicateurs-propositions",
        _("Devenir des propositions"),
        [_("Étape"), _("Propositions"), _("Part des propositions publiées (%)")],
        [
            [label, counts[code], percent(counts[code], whole) if whole else MISSING]
            for code, label in labels.items()
        ],
    )


def delay_table(campaign) -> Table:
    days = answer_delay_days(campaign)
    return Table(
        "indicateurs-delai",
        _("Délai de réponse"),
        [_("Indicateur"), _("Jours")],
        [[_("De la clôture du vote à la publication des avis"), MISSING if days is None else days]],
    )


def evaluation_indicators(campaign) -> list[Table]:
    stats, _snapshot = reported_statistics(campaign)
    participation = {t.code: t for t in statistics_tables(stats)}
    return [
        *(participation[code] for code in PARTICIPATION_TABLES if code in participation),
        proposals_table(campaign),
        delay_table(campaign),
    ]


def indicator_notes() -> list[str]:
    return [
        _(
            "Participation : tableaux des statistiques de participation, effectifs de moins de "
            "5 personnes affichés « < 5 », « masqué » quand un effectif se déduirait par "
            "soustraction."
        ),
        _(
            "Population : la comparaison se fait par commune (taux pour 1 000 habitants, "
            "population légale). Aucune population par tranche d'âge n'est chargée : le tableau "
            "des âges donne les participants seulement."
        ),
        _(
            "Propositions : comptées parmi les propositions publiées ; une proposition est "
            "publique, son décompte n'est pas masqué."
        ),
    ]
