"""The htmx answer to a click on the ballot, written without the template engine (issue 13 §2).

The template engine cost about a quarter of the CPU of an accepted addition (bench/ballot_cpu.py)
for four small pieces of HTML. These functions write the same pieces as the partials `card`,
`tally`, `refusal` and `choice` of templates/votes/ballots/ballot.html (and
votes/ballots/_minimum.html), with the same strings to translate, the same escaping (texts of the
template as they are, every value escaped) and the same localisation. The template stays the
source of the ballot page; tests/votes/voting/test_ballot_fragment.py checks that both write
the same HTML, so a change to one without the other fails.
"""

from __future__ import annotations

from decimal import Decimal

from django.middleware.csrf import get_token
from django.templatetags.l10n import unlocalize
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.templatetags.budget_tags import money
from votes.campaigns.models import Category
from votes.proposals.models import Proposal


def _v(value) -> str:
    """A value as a template shows it: localised, then escaped."""
    return conditional_escape(localize(value))


def _fill(text: str, **values) -> str:
    """A translated text as {% blocktranslate %} fills it: the text as is, the values escaped."""
    return text % {name: _v(value) for name, value in values.items()}


def card(*, request, campaign_slug: str, proposal: Proposal, amount: Decimal, chosen: bool) -> str:
    """The partial `card`: the proposal, what it costs, its « Ajouter » or « Retirer » form."""
    reference = _v(proposal.reference)
    title = _v(proposal.title)
    if proposal.lever:
        cost = _fill(
            _("Recette nouvelle ou plus élevée : %(amount)s par an, comptée comme une économie"),
            amount=money(amount),
        )
    elif proposal.kind == "saving":
        cost = _fill(_("Économie : %(amount)s par an"), amount=money(amount))
    else:
        cost = _fill(_("Coût : %(amount)s"), amount=money(amount))
    csrf = (
        '<input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{conditional_escape(get_token(request))}">'
    )
    hidden = f'<span class="visually-hidden"> : {title}</span>'
    if chosen:
        action = conditional_escape(
            reverse("votes:ballot_remove", args=[campaign_slug, proposal.reference])
        )
        button = (
            f'<button type="submit" id="choice-{reference}">{_("Retirer")}{hidden}</button>'
            f'<span class="badge yes">{_("Choisie")}</span>'
        )
    else:
        action = conditional_escape(
            reverse("votes:ballot_add", args=[campaign_slug, proposal.reference])
        )
        button = (
            f'<button type="submit" class="primary" id="choice-{reference}">'
            f"{_('Ajouter')}{hidden}</button>"
        )
    link = conditional_escape(
        reverse("votes:proposal", kwargs={"slug": campaign_slug, "reference": proposal.reference})
    )
    return (
        f'<li class="card{" chosen" if chosen else ""}" id="card-{reference}">'
        f'<h3 id="proposal-{reference}-title">{title}</h3>'
        f'<p><span class="badge">{_v(proposal.public_reference)}</span> {cost}</p>'
        f'<p><a href="{link}">{_("Lire la description")}{hidden}</a></p>'
        f'<form method="post" action="{action}" hx-post="{action}" '
        f'hx-target="#card-{reference}" hx-swap="outerHTML">{csrf}{button}</form>'
        "</li>"
    )


def _minimum(category: Category, count: int) -> str:
    """votes/ballots/_minimum.html."""
    if not category.min_votes:
        return ""
    minimum = category.min_votes
    text = _fill(
        ngettext(
            "Si vous votez dans cette rubrique, choisissez au moins %(counter)s proposition.",
            "Si vous votez dans cette rubrique, choisissez au moins %(counter)s propositions.",
            minimum,
        ),
        counter=minimum,
    )
    html = f'<p class="help">{text}</p>'
    if count and count < minimum:
        error = _fill(
            ngettext(
                "Rubrique « %(category)s » : choisissez au moins %(counter)s proposition.",
                "Rubrique « %(category)s » : choisissez au moins %(counter)s propositions.",
                minimum,
            ),
            category=category.name,
            counter=minimum,
        )
        later = _(
            "Tant que ce minimum n'est pas atteint, vos choix dans cette rubrique ne sont pas "
            "comptés."
        )
        html += f'<p class="error" role="status">{error} {later}</p>'
    return html


def tally(*, category: Category, count: int, spent: Decimal) -> str:
    """The partial `tally`, out of band: the category's counter, minimum and envelope."""
    cap = category.vote_cap
    if cap:
        if count:
            counter = _fill(
                ngettext("%(counter)s vote sur %(cap)s", "%(counter)s votes sur %(cap)s", count),
                cap=cap,
                counter=count,
            )
        else:
            counter = _fill(_("Aucun vote sur %(cap)s"), cap=cap)
    elif count:
        counter = _fill(
            ngettext(
                "%(counter)s vote (sans limite dans cette rubrique)",
                "%(counter)s votes (sans limite dans cette rubrique)",
                count,
            ),
            counter=count,
        )
    else:
        counter = _("Aucun vote (sans limite dans cette rubrique)")
    pk = _v(category.pk)
    envelope = ""
    if category.knapsack and category.envelope is not None:
        left = _fill(
            _("Reste %(left)s sur %(envelope)s"),
            left=money(category.envelope - spent),
            envelope=money(category.envelope),
        )
        envelope = (
            f'<div class="target-bar"><label for="envelope-{pk}">{_("Enveloppe utilisée")}</label>'
            f'<progress id="envelope-{pk}" max="{_v(unlocalize(category.envelope))}" '
            f'value="{_v(unlocalize(spent))}">{_v(money(spent))}</progress>'
            f"<span>{left}</span></div>"
        )
    return (
        f'<div id="tally-{pk}" hx-swap-oob="outerHTML">'
        f'<p class="progress-value" id="counter-{pk}">{counter}</p>'
        f"{_minimum(category, count)}{envelope}</div>"
    )


def refusal(*, category: Category, text: str) -> SafeString:
    """The partial `refusal`, out of band: the category's refusal slot (empty when accepted)."""
    pk = _v(category.pk)
    inside = f'<p class="refusal" role="alert" id="refusal-{pk}">{_v(text)}</p>' if text else ""
    return mark_safe(f'<div id="refusal-slot-{pk}" hx-swap-oob="outerHTML">{inside}</div>')


def choice(
    *,
    request,
    campaign_slug: str,
    proposal: Proposal,
    amount: Decimal,
    chosen: bool,
    count: int,
    spent: Decimal,
    announcement: str,
) -> SafeString:
    """The partial `choice`: the answer to an accepted click (the card in place, the rest out
    of band)."""
    category = proposal.category
    return mark_safe(
        card(
            request=request,
            campaign_slug=campaign_slug,
            proposal=proposal,
            amount=amount,
            chosen=chosen,
        )
        + tally(category=category, count=count, spent=spent)
        + refusal(category=category, text="")
        + f'<span id="ballot-status" hx-swap-oob="innerHTML">{_v(announcement)}</span>'
    )
