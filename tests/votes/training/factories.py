"""A campaign's training path and its panel, built in code (draws written directly)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from tests.factories import make_user
from votes.campaigns.models import Campaign
from votes.panels.models import PanelDraw, Volunteer
from votes.training.models import TrainingPage, TrainingQuestion

_seq = itertools.count(1)


def make_volunteer(campaign: Campaign, **fields) -> Volunteer:
    n = next(_seq)
    fields.setdefault("name", f"Volontaire {n}")
    fields.setdefault("email", f"volontaire{n}@example.org")
    fields.setdefault("gender", Volunteer.Gender.WOMAN)
    fields.setdefault("age_band", Volunteer.AgeBand.A35)
    fields.setdefault("area", "Centre")
    fields.setdefault("consented_at", timezone.now())
    fields.setdefault("retain_until", dt.date(2027, 12, 31))
    return Volunteer.objects.create(campaign=campaign, **fields)


def make_draw(
    campaign: Campaign,
    selected: list[Volunteer],
    reserve: list[Volunteer] = (),
    *,
    published: bool = True,
) -> PanelDraw:
    # Ids as the sortition helper writes them: text.
    return PanelDraw.objects.create(
        campaign=campaign,
        size=max(len(selected), 1),
        reserve_size=len(reserve),
        seed="12345",
        algorithm="maximin",
        pool_sha256="0" * 64,
        selected=[str(v.pk) for v in selected],
        reserve=[str(v.pk) for v in reserve],
        published=published,
        created_by=make_user(),
    )


def make_page(campaign: Campaign, **fields) -> TrainingPage:
    n = next(_seq)
    fields.setdefault("title", f"Page {n}")
    fields.setdefault("slug", f"page-{n}")
    fields.setdefault("body", f"Contenu de la page {n}.")
    fields.setdefault("position", campaign.training_pages.count() + 1)
    return TrainingPage.objects.create(campaign=campaign, **fields)


def make_question(page: TrainingPage, **fields) -> TrainingQuestion:
    n = next(_seq)
    fields.setdefault("text", f"Question {n} ?")
    fields.setdefault("choices", ["Oui", "Non", "Peut-être"])
    fields.setdefault("correct", 0)
    fields.setdefault("explanation", f"Parce que {n}.")
    fields.setdefault("position", page.questions.count() + 1)
    return TrainingQuestion.objects.create(page=page, **fields)
