"""The council's reasoned answers (issue 6 §3): entry, spreadsheet import, publication, e-mails.

The council answers every proposal it received: those of the stored snapshot (what went to the
council), in reference order. Answers are written only while the campaign is in phase
``council`` and by an administrator; publishing (``council_answers_publish`` in
campaigns/workflow.py) moves the campaign to ``answered`` so that the phase history records
it, and the move's step ``answers_notify_published`` tells the authors and the voters who
asked to be told.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from budget.spreadsheets.cells import RowError, normalise_word, quoted
from votes.access import can_answer_for_council, require
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.phases import PhaseError
from votes.council import answer_sheet as sheet
from votes.council.models import CouncilAnswer, CouncilSnapshot
from votes.council.services import snapshot_proposals
from votes.notifications.models import Kind
from votes.notifications.sending import notify_on_commit, wants
from votes.proposals.models import Proposal
from votes.voting.models import Ballot, PaperVoter

Decision = CouncilAnswer.Decision
IMPORT_MAX_BYTES = 5 * 1024 * 1024
ANSWER_MAX = sheet.ANSWER_MAX


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def require_council_phase(campaign: Campaign) -> None:
    """Answers are the council's, after it received the results and before they are public."""
    if campaign.phase == Phase.COUNCIL:
        return
    if campaign.phase == Phase.ANSWERED:
        problem = _(
            "Les avis de la campagne « %(campaign)s » sont publiés : ils ne peuvent plus être "
            "modifiés."
        )
    else:
        problem = _(
            "Les avis du conseil se saisissent une fois les résultats transmis au conseil : la "
            "campagne « %(campaign)s » est en phase « %(phase)s » (possible seulement en phase "
            "« %(council)s »)."
        )
    raise PhaseError(
        problem
        % {
            "campaign": campaign.title,
            "phase": campaign.get_phase_display(),
            "council": Phase.COUNCIL.label,
        }
    )


# --- reads ---------------------------------------------------------------------------------


def answerable_proposals(campaign: Campaign) -> list[Proposal]:
    """What the council answers, in reference order: the proposals of the stored snapshot
    (a proposal hidden after sending was still sent), else the snapshot's live selection."""
    content = (
        CouncilSnapshot.objects.filter(campaign_id=campaign.pk)
        .values_list("content", flat=True)
        .first()
    )
    if content is None:
        return snapshot_proposals(campaign)
    numbers = [item["number"] for item in json.loads(content)["proposals"]]
    return list(
        Proposal.objects.filter(campaign=campaign, reference__in=numbers)
        .select_related("category")
        .order_by("reference")
    )


def answers_by_proposal(proposals: list[Proposal]) -> dict[int, CouncilAnswer]:
    return {
        answer.proposal_id: answer
        for answer in CouncilAnswer.objects.filter(proposal__in=[p.pk for p in proposals])
    }


def unanswered(campaign: Campaign) -> list[Proposal]:
    proposals = answerable_proposals(campaign)
    answered = set(
        CouncilAnswer.objects.filter(proposal__in=[p.pk for p in proposals]).values_list(
            "proposal_id", flat=True
        )
    )
    return [proposal for proposal in proposals if proposal.pk not in answered]


def missing_answers_problem(campaign: Campaign) -> str | None:
    """The precondition of the move to ``answered``: every proposal has the council's answer."""
    missing = unanswered(campaign)
    if not missing:
        return None
    return _(
        "Le conseil doit avoir répondu à chaque proposition avant la publication : "
        "%(count)s sans avis (%(refs)s)."
    ) % {"count": len(missing), "refs": ", ".join(p.public_reference for p in missing)}


# --- one answer ----------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Line ends unified, control characters dropped (the text is rendered as Markdown)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or ord(c) >= 32).strip()


def answer_problems(
    *,
    decision: str,
    answer: str,
    deliberation_reference: str,
    deliberation_date: date | None,
    today: date,
) -> dict[str, list[str]]:
    """The rules of an answer, with a French message per field (pure: forms and import)."""
    problems: dict[str, list[str]] = {}
    if decision not in Decision.values:
        problems["decision"] = [
            _("Décision inconnue ; attendu : %(labels)s.")
            % {"labels": ", ".join(str(label) for label in Decision.labels)}
        ]
    if not answer:
        problems["answer"] = [
            _("Rédigez la réponse argumentée : le conseil motive chacune de ses décisions.")
        ]
    elif len(answer) > ANSWER_MAX:
        problems["answer"] = [
            _("La réponse argumentée dépasse %(max)s caractères.") % {"max": ANSWER_MAX}
        ]
    if len(deliberation_reference) > sheet.DELIBERATION_REFERENCE_MAX:
        problems["deliberation_reference"] = [
            _("La référence de la délibération dépasse %(max)s caractères.")
            % {"max": sheet.DELIBERATION_REFERENCE_MAX}
        ]
    if deliberation_date is not None and deliberation_date > today:
        problems["deliberation_date"] = [
            _("La date de la délibération (%(date)s) est dans le futur.")
            % {"date": deliberation_date.strftime("%d/%m/%Y")}
        ]
    return problems


def _not_sent(proposal: Proposal) -> ValidationError:
    return ValidationError(
        _(
            "La proposition %(ref)s ne fait pas partie de ce qui a été transmis au conseil "
            "(masquée ou retirée) : elle n'appelle pas d'avis."
        )
        % {"ref": proposal.public_reference}
    )


def _write(
    proposal: Proposal, *, by: AbstractBaseUser, values: dict, current: CouncilAnswer | None
) -> CouncilAnswer:
    answer = current or CouncilAnswer(proposal=proposal)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.answered_by = by
    answer.full_clean()
    answer.save()
    return answer


@transaction.atomic
def council_answer_set(
    *,
    proposal: Proposal,
    by: AbstractBaseUser,
    decision: str,
    answer: str,
    deliberation_reference: str = "",
    deliberation_date: date | None = None,
) -> CouncilAnswer:
    """Record (or correct) the council's answer to one proposal."""
    require(can_answer_for_council(by, proposal))
    # Locked: a publication committing between our phase check and our write would publish
    # a set of answers that this write then changes behind the citizens' backs; two
    # administrators answering the same proposal at once would also both try to create it.
    campaign = _lock(proposal.campaign)
    require_council_phase(campaign)
    if proposal.pk not in {p.pk for p in answerable_proposals(campaign)}:
        raise _not_sent(proposal)
    values = {
        "decision": decision,
        "answer": clean_text(answer),
        "deliberation_reference": (deliberation_reference or "").strip(),
        "deliberation_date": deliberation_date,
    }
    problems = answer_problems(**values, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    current = CouncilAnswer.objects.filter(proposal=proposal).first()
    return _write(proposal, by=by, values=values, current=current)


# --- the spreadsheet -----------------------------------------------------------------------


def _decision_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Decision.choices}


def council_answers_sheet(
    *, campaign: Campaign, by: AbstractBaseUser, results: dict, file_format: str = writer.XLSX
) -> bytes:
    """The answer sheet, prefilled with the answers recorded so far. `results` maps a
    proposal's number to the text of its vote result (from the council's snapshot)."""
    require(can_answer_for_council(by, campaign))
    proposals = answerable_proposals(campaign)
    answers = answers_by_proposal(proposals)
    rows = []
    for proposal in proposals:
        answer = answers.get(proposal.pk)
        rows.append(
            sheet.AnswerRow(
                reference=proposal.public_reference,
                title=proposal.title,
                category=proposal.category.name,
                result=results.get(proposal.reference, ""),
                decision=str(answer.get_decision_display()) if answer else "",
                answer=answer.answer if answer else "",
                deliberation_reference=answer.deliberation_reference if answer else "",
                deliberation_date=answer.deliberation_date if answer else None,
            )
        )
    return sheet.build_sheet(
        rows,
        decisions=list(_decision_labels().values()),
        campaign_slug=campaign.slug,
        title=campaign.title,
        file_format=file_format,
    )


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def council_answers_import(
    *, campaign: Campaign, data: bytes, by: AbstractBaseUser
) -> ImportReport:
    """Apply a filled answer sheet (or the report's sheet with the two added columns): every
    row or none. Rows without decision nor answer are skipped; unchanged rows are not
    rewritten."""
    require(can_answer_for_council(by, campaign))
    require_council_phase(campaign)
    parsed = sheet.read_sheet(
        data,
        decisions=_decision_labels(),
        max_bytes=IMPORT_MAX_BYTES,
        today=timezone.localdate(),
    )
    report = ImportReport(skipped=parsed.skipped)
    if parsed.campaign_slug and parsed.campaign_slug != campaign.slug:
        report.errors = [
            sheet.file_error(
                _(
                    "Ce tableur a été téléchargé pour une autre campagne (« %(other)s ») : "
                    "téléchargez celui de la campagne « %(campaign)s »."
                )
                % {"other": parsed.campaign_slug, "campaign": campaign.title}
            )
        ]
        return report
    if any(error.row is None for error in parsed.errors):
        report.errors = parsed.errors
        return report
    # The rows that read well are checked against the campaign even when others did not, so
    # that every problem of the file is listed at once.
    _import_write(
        campaign=campaign, rows=parsed.rows, by=by, report=report, errors=list(parsed.errors)
    )
    return report


@transaction.atomic
def _import_write(
    *,
    campaign: Campaign,
    rows: list[sheet.ParsedAnswer],
    by: AbstractBaseUser,
    report: ImportReport,
    errors: list[RowError],
) -> None:
    # Locked for the same races as council_answer_set.
    campaign = _lock(campaign)
    require_council_phase(campaign)
    answerable = {p.reference: p for p in answerable_proposals(campaign)}
    existing = set(
        Proposal.objects.filter(
            campaign=campaign, reference__in=[row.reference for row in rows]
        ).values_list("reference", flat=True)
    )
    answers = {
        answer.proposal_id: answer
        for answer in CouncilAnswer.objects.filter(proposal__in=[p.pk for p in answerable.values()])
    }
    writes = []
    for row in rows:

        def refuse(problem: str, row: sheet.ParsedAnswer = row) -> None:
            errors.append(sheet.row_error(row.row, row.label, problem, column="reference"))

        proposal = answerable.get(row.reference)
        if proposal is None:
            if row.reference in existing:
                refuse(
                    _(
                        "cette proposition n'a pas été transmise au conseil (masquée ou "
                        "retirée) : elle n'appelle pas d'avis."
                    )
                )
            else:
                refuse(_("aucune proposition de cette campagne ne porte cette référence."))
            continue
        if row.title and normalise_word(row.title) != normalise_word(proposal.title):
            refuse(
                _(
                    "le titre %(sheet)s n'est pas celui de la proposition de cette campagne "
                    "(%(title)s) : ce tableur est-il celui d'une autre campagne ?"
                )
                % {"sheet": quoted(row.title), "title": quoted(proposal.title)}
            )
            continue
        values = {
            "decision": row.decision,
            "answer": clean_text(row.answer),
            "deliberation_reference": row.deliberation_reference,
            "deliberation_date": row.deliberation_date,
        }
        current = answers.get(proposal.pk)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            report.unchanged += 1
            continue
        writes.append((proposal, values, current))
    if errors:
        report.errors = sorted(errors, key=lambda error: error.row or 0)
        return
    for proposal, values, current in writes:
        _write(proposal, by=by, values=values, current=current)
        (report.updated if current else report.created).append(proposal.public_reference)


# --- publication ---------------------------------------------------------------------------


@dataclass
class PublishReport:
    authors: int = 0
    voters: int = 0
    without_address: int = 0
    already_told: bool = False


def answers_notify_published(*, campaign: Campaign, site_url: str = "") -> PublishReport:
    """E-mail the authors and the opted-in voters; a step of the move to ``answered``.

    Once only, through the phase move itself: a campaign enters ``answered`` once (it cannot
    go back from there), and a later re-entry, should one ever be allowed, tells nobody again.
    """
    report = PublishReport()
    moves = PhaseTransition.objects.filter(campaign=campaign, to_phase=Phase.ANSWERED).count()
    if campaign.phase != Phase.ANSWERED or moves != 1:
        report.already_told = moves > 1
        return report
    base = site_url.rstrip("/")
    outcomes_url = base + reverse("votes:outcomes", kwargs={"slug": campaign.slug})
    proposals = answerable_proposals(campaign)
    answers = answers_by_proposal(proposals)
    by_author: dict[int, list[tuple[Proposal, CouncilAnswer]]] = defaultdict(list)
    authors = {}
    for proposal in Proposal.objects.filter(pk__in=[p.pk for p in proposals]).select_related(
        "author"
    ):
        if proposal.author_id is None:
            continue
        answer = answers.get(proposal.pk)
        if answer is None:  # the move's precondition makes this impossible; never crash here
            continue
        authors[proposal.author_id] = proposal.author
        by_author[proposal.author_id].append((proposal, answer))
    told: set[int] = set()
    for author_id, items in by_author.items():
        author = authors[author_id]
        if not author.email:
            report.without_address += 1
            continue
        # Told (not e-mailed again as a voter below) even when they chose no e-mail.
        told.add(author_id)
        if not wants(author, Kind.PROPOSAL_ANSWER):
            continue
        items.sort(key=lambda item: item[0].reference)
        context = {
            "campaign": campaign,
            "items": [
                {
                    "proposal": proposal,
                    "answer": answer,
                    "url": f"{outcomes_url}#{proposal.public_reference}",
                }
                for proposal, answer in items
            ],
            "outcomes_url": outcomes_url,
        }
        subject = _("Le conseil a répondu à vos propositions — %(campaign)s") % {
            "campaign": campaign.title
        }
        # Sent once the publication is committed: no e-mail about a rolled-back move.
        notify_on_commit(
            user=author,
            kind=Kind.PROPOSAL_ANSWER,
            subject=subject,
            template="votes/emails/answers_published_author.txt",
            context=context,
            site_url=site_url,
        )
        report.authors += 1
    voter_ids = set(
        Ballot.objects.filter(campaign=campaign, voter__isnull=False).values_list(
            "voter_id", flat=True
        )
    ) | set(
        PaperVoter.objects.filter(campaign=campaign, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    # The authors' e-mail already carries the link: one e-mail per person.
    voters = (
        get_user_model()
        .objects.filter(
            pk__in=voter_ids - told,
            profile__notify_results=True,
            profile__email_confirmed_at__isnull=False,
        )
        .exclude(email="")
        .order_by("pk")
    )
    subject = _("Le conseil a répondu aux propositions — %(campaign)s") % {
        "campaign": campaign.title
    }
    for voter in voters:
        notify_on_commit(
            user=voter,
            kind=Kind.COUNCIL_ANSWERS,
            subject=subject,
            template="votes/emails/answers_published_voter.txt",
            context={"campaign": campaign, "outcomes_url": outcomes_url},
            site_url=site_url,
        )
        report.voters += 1
    return report
