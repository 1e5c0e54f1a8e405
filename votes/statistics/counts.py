"""Participation statistics of a campaign (issue 6 §4, domain.md §7).

Two halves. ``campaign_facts`` reads the database and returns plain ``Facts``: one ``Person``
(residence, commune, year of birth, gender; never a name or an id) per participant of each
population, and the proposals of each funnel step. ``shape`` (in ``votes.statistics_shape``,
no database there) counts, applies the small-cell rule and returns the JSON-ready dict that
the council snapshot stores under "statistics". ``campaign_statistics`` chains them.
``reported_statistics`` is what screens and exports show: the snapshot's statistics once the
results went to the council.

The dict holds only str / int / bool / None / list / dict (it goes through ``json.dumps``
unchanged); every row has a stable ``code`` and a French ``label`` evaluated when built. A
count of people, written ``N`` below, is an int, or None when under 5 ("< 5" on screen), or
the string "masked" when it is 5 or more but hidden so that a small cell of the same sum
cannot be recovered by subtraction ("masqué" on screen)::

    {
      "version": 1,
      "threshold": 5,
      "reference_year": 2026,    # age = reference_year - year of birth
      "populations": [{"code": "authors", "label": "Auteurs de propositions"}, ...],
          # in this order, among: authors, supporters (only when supports are enabled or
          # exist), online, code, paper, import (only when ballots were imported), voters
      "participants": [          # people per phase and channel
        {"code": <population>|"accounts"|"everyone", "label": str,
         "resident": N, "unknown": N, "territory": N, "outside": N}, ...],
          # territory = resident + unknown; outside is never inside territory.
          # "accounts": distinct accounts over every phase; "everyone": distinct people at
          # most (a code or paper voter without account may also hold one)
      "paper_ballots": {"valid": int|None, "void": int|None},
      "proposals_origin": {"resident": N, "unknown": N, "territory": N, "outside": N},
          # proposals of every status (hidden and withdrawn too: a flood is often hidden),
          # by where their author lives; imported proposals (no author account) left out
      "age":    {"rows": [{"code": "18-24", "label": "18–24 ans",
                           "counts": {<population>: N}}, ..., {"code": "unknown", ...}],
                 "total": {<population>: N},      # the territory: rows summed
                 "outside": {<population>: N}},   # apart, never in total
      "gender": same shape, rows woman, man, other, unsaid, unknown,
      "commune": same shape, rows per INSEE code then unknown, each row with also
                 "insee": str|None, "population": int|None,
                 "rates": {<population>: "12.3"|None}    # per 1,000 inhabitants
                 and at the top "population": int|None (the authority's), "rates": {...},
      "funnel": [{"code": "proposals"|"feasible"|"on_ballot"|"selected"|"adopted",
                  "label": str, "count": int|None, "outside": int|None}],
          # count None: step not reached yet; outside: of them, by outside authors
      "outside": {"notable": bool,
                  "flags": [{"code": "proposals"|<population>, "count": int|None,
                             "percent": int|None, "message": str}]},
          # count None when the tables hide it; percent None when it would give back a
          # hidden count
      "notes": [str, ...],       # how to read the figures, printed under the tables
    }

Tables for screens and exports: ``statistics_tables(stats) -> list[Table]`` in
``votes.statistics_tables`` (re-exported here); ``Table(code, title, headers: list[str],
rows: list[list[str | int | Decimal]])``, "< 5" / "masqué" for hidden cells, "—" for a
step not reached or a rate without population.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from votes.accounts.models import Profile
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilAnswer, CouncilSnapshot
from votes.proposals.models import Proposal, Support
from votes.results.services import ballot_proposals, campaign_results
from votes.results.tally import Status
from votes.statistics.shape import (
    OUTSIDE,
    RESIDENT,
    UNKNOWN,
    UNKNOWN_PERSON,
    CommuneFact,
    Facts,
    Person,
    funnel_step,
    shape,
)
from votes.statistics.tables import HIDDEN, Table, statistics_tables
from votes.voting.models import Ballot, PaperVoter

__all__ = [
    "HIDDEN",
    "Table",
    "Facts",
    "Person",
    "campaign_facts",
    "campaign_statistics",
    "reported_statistics",
    "shape",
    "statistics_tables",
]

# --- the database part -----------------------------------------------------------------------


def campaign_statistics(campaign: Campaign) -> dict[str, Any]:
    """The statistics of ``campaign`` computed now (the snapshot keeps them once sent)."""
    return shape(campaign_facts(campaign))


def reported_statistics(campaign: Campaign) -> tuple[dict[str, Any], CouncilSnapshot | None]:
    """What screens and exports show, with the snapshot it comes from (or None).

    Once the results went to the council the statistics are read from the snapshot, so that
    they never drift from what the council received; only the "adopted" funnel step is read
    live, since the council's answers come after the snapshot.
    """
    # Read from the stored snapshot itself, not through council.services.council_data: the
    # snapshot is built from campaign_statistics, so that module imports this one.
    snapshot = CouncilSnapshot.objects.filter(campaign_id=campaign.pk).first()
    if snapshot is not None:
        stats = snapshot.data()["statistics"]
        stats["funnel"] = [
            funnel_step("adopted", adopted_residences(campaign))
            if step["code"] == "adopted"
            else step
            for step in stats["funnel"]
        ]
        return stats, snapshot
    return campaign_statistics(campaign), None


def _residence(outside: bool, insee: str | None, territory: frozenset[str]) -> str:
    # A commune is known by its INSEE code: a resident who chose their commune under a member
    # commune of a metropolis lives in the metropolis too (votes/voting/shared.py); a commune
    # of no row of this territory is outside it, whatever the profile says.
    if outside or (insee is not None and insee not in territory):
        return OUTSIDE
    return RESIDENT if insee is not None else UNKNOWN


def territory_insee(campaign: Campaign) -> frozenset[str]:
    """The INSEE codes of the communes of the campaign's territory."""
    return frozenset(campaign.authority.communes.values_list("insee_code", flat=True))


def reference_year(campaign: Campaign) -> int:
    """The year ages are counted at: the vote's planned start, else its actual start."""
    entry = campaign.schedule.filter(phase=Phase.VOTING, starts_on__isnull=False).first()
    if entry is not None:
        return entry.starts_on.year
    moved = campaign.transitions.filter(to_phase=Phase.VOTING).order_by("at").first()
    if moved is not None:
        return timezone.localtime(moved.at).year
    return timezone.localdate().year


class _Accounts:
    """Residence, commune, birth year and gender of accounts, read in a few queries."""

    # SQLite refuses more than a few thousand parameters in one query: ids go in batches.
    BATCH = 900

    def __init__(self, user_ids: set[int], territory: frozenset[str]) -> None:
        self.people: dict[int, Person] = {}
        ids = sorted(user_ids)
        for start in range(0, len(ids), self.BATCH):
            rows = Profile.objects.filter(user_id__in=ids[start : start + self.BATCH])
            for user_id, outside, insee, birth_year, gender in rows.values_list(
                "user_id",
                "outside_territory",
                "commune__insee_code",
                "birth_year",
                "gender",
            ):
                residence = _residence(outside, insee, territory)
                self.people[user_id] = Person(
                    residence,
                    insee if residence == RESIDENT else None,
                    birth_year,
                    gender or "unsaid",
                )

    def __call__(self, user_id: int | None) -> Person:
        # No profile: a team account, or a deleted one; nothing known of where they live.
        return self.people.get(user_id, UNKNOWN_PERSON) if user_id is not None else UNKNOWN_PERSON


def campaign_facts(campaign: Campaign) -> Facts:
    """Read the campaign's participants and proposals: a handful of flat queries."""
    territory = territory_insee(campaign)
    authored = dict(
        Proposal.objects.filter(campaign=campaign, source_id="").values_list("id", "author_id")
    )
    author_ids = {user_id for user_id in authored.values() if user_id is not None}
    supporter_ids = set(
        Support.objects.filter(proposal__campaign=campaign).values_list("user_id", flat=True)
    )
    ballots = Ballot.objects.filter(campaign=campaign)
    online_ids = list(
        ballots.filter(channel=Ballot.Channel.ONLINE).values_list("voter_id", flat=True)
    )
    code_ballots = ballots.filter(channel=Ballot.Channel.CODE).count()
    import_ballots = ballots.filter(channel=Ballot.Channel.IMPORT).count()
    paper_valid = ballots.filter(channel=Ballot.Channel.PAPER).valid().count()
    paper_void = ballots.filter(channel=Ballot.Channel.PAPER).void().count()
    register = list(
        PaperVoter.objects.filter(campaign=campaign).values_list(
            "user_id", "birth_date", "commune__insee_code"
        )
    )
    account_ids = (
        author_ids
        | supporter_ids
        | {user_id for user_id in online_ids if user_id is not None}
        | {row[0] for row in register if row[0] is not None}
    )
    account = _Accounts(account_ids, territory)
    # The register, not the paper ballots, knows who voted on paper: a paper ballot is secret.
    paper, paper_without_account = [], []
    for user_id, birth_date, insee in register:
        if user_id is not None:
            paper.append(account(user_id))
            continue
        residence = _residence(False, insee, territory)
        person = Person(
            residence,
            insee if residence == RESIDENT else None,
            birth_date.year if birth_date else None,
        )
        paper.append(person)
        paper_without_account.append(person)
    people: dict[str, list[Person]] = {"authors": [account(u) for u in sorted(author_ids)]}
    if campaign.supports_enabled or supporter_ids:
        people["supporters"] = [account(u) for u in sorted(supporter_ids)]
    people["online"] = [account(u) for u in online_ids]
    people["code"] = [UNKNOWN_PERSON] * code_ballots
    people["paper"] = paper
    if import_ballots:
        people["import"] = [UNKNOWN_PERSON] * import_ballots
    people["voters"] = people["online"] + people["code"] + paper + people.get("import", [])
    accounts = [account(u) for u in sorted(account_ids)]
    # Without an account nobody can be matched across phases: each such ballot is a person.
    anonymous = online_ids.count(None) + code_ballots + import_ballots
    everyone = accounts + [UNKNOWN_PERSON] * anonymous + paper_without_account

    residence_of = {pid: account(user_id).residence for pid, user_id in authored.items()}
    return Facts(
        reference_year=reference_year(campaign),
        communes=[
            CommuneFact(insee=c.insee_code, name=c.name, population=c.population)
            for c in campaign.authority.communes.order_by("name")
        ],
        authority_population=campaign.authority.population,
        people=people,
        accounts=accounts,
        everyone=everyone,
        paper_valid=paper_valid,
        paper_void=paper_void,
        proposals_origin=list(residence_of.values()),
        funnel=funnel_facts(campaign, residence_of),
    )


def funnel_facts(campaign: Campaign, residence_of: dict[int, str]) -> dict[str, list[str] | None]:
    def residences(ids) -> list[str]:
        # Imported proposals have no author account: where they come from is unknown.
        return [residence_of.get(pid, UNKNOWN) for pid in ids]

    published = campaign.proposals.published()
    steps: dict[str, list[str] | None] = {
        "proposals": residences(published.values_list("id", flat=True)),
        "feasible": residences(published.feasible().values_list("id", flat=True)),
        "on_ballot": None,
        "selected": None,
        "adopted": adopted_residences(campaign),
    }
    if campaign.reached(Phase.VOTING):
        steps["on_ballot"] = residences(p.id for p in ballot_proposals(campaign))
    if campaign.reached(Phase.TALLY):
        computed = campaign_results(campaign=campaign)
        steps["selected"] = residences(
            outcome.proposals[row.reference].id
            for outcome in computed.categories
            for row in outcome.result.rows
            if row.status == Status.SELECTED
        )
    return steps


def adopted_residences(campaign: Campaign) -> list[str] | None:
    """Where the authors of the adopted proposals live; None while the council has answered
    nothing."""
    answers = CouncilAnswer.objects.filter(proposal__campaign=campaign)
    if not answers.exists():
        return None
    adopted = answers.filter(decision__in=CouncilAnswer.ADOPTED_DECISIONS).values_list(
        "proposal__source_id",
        "proposal__author__profile__outside_territory",
        "proposal__author__profile__commune__insee_code",
    )
    territory = territory_insee(campaign)
    residences = []
    for source_id, outside, insee in adopted:
        # No profile (imported, team or deleted author): where they live is unknown.
        if source_id or outside is None:
            residences.append(UNKNOWN)
        else:
            residences.append(_residence(outside, insee, territory))
    return residences
