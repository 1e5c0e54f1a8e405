"""The facilitator's dashboard, as plain data: each group's figures in, rows and a chart out.

No ORM here: `simulator.workshops.dashboard_rows` reads the groups and runs the engine, then
hands the figures to `group_progress`; these functions can be tested and timed alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from simulator.charts import COST, FONT, MUTED, NEUTRAL, SAVING, Chart, euros

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GroupProgress:
    group_id: int
    name: str
    kind: str  # the kind's label ("Mixte", "Femmes"...), "" when not set
    scenario_title: str
    measures: list[str] = field(default_factory=list)  # titles of the chosen measures
    full_year_net_saving: Decimal | None = None  # None when the engine refused the scenario
    first_year_net_saving: Decimal | None = None
    target: Decimal | None = None
    progress: int | None = None  # percent of the target, may pass 100; None without a target
    target_met: bool | None = None
    last_change_at: datetime | None = None
    since: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def bar_value(self) -> int:
        """What a <progress max=100> can show: the percent, kept within 0..100."""
        return max(0, min(100, self.progress or 0))


def to_money(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def progress_percent(net: Decimal | None, target: Decimal | None) -> int | None:
    """Whole percent of the target reached, rounded down so that 99.6 % never reads 100 %."""
    if net is None or target is None or target <= 0:
        return None
    if net <= 0:
        return 0
    return int(net * 100 / target)


def since_text(last_change_at: datetime | None, now: datetime) -> str:
    """ "il y a 2 min": minutes are what a facilitator glances at during a session."""
    if last_change_at is None:
        return _("aucune modification")
    seconds = max(0, int((now - last_change_at).total_seconds()))
    if seconds < 60:
        return _("à l'instant")
    minutes = seconds // 60
    if minutes < 60:
        return _("il y a %(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("il y a %(hours)s h %(minutes)02d") % {"hours": hours, "minutes": minutes}
    return _("il y a %(days)s j") % {"days": hours // 24}


def group_progress(
    *,
    group_id: int,
    name: str,
    kind: str,
    scenario_title: str,
    measures: list[str],
    full_year: float | Decimal | None,
    first_year: float | Decimal | None,
    target: Decimal | None,
    last_change_at: datetime | None,
    now: datetime,
    errors: list[str] | None = None,
) -> GroupProgress:
    full = to_money(full_year)
    met = None
    if target is not None and full is not None:
        met = full >= target
    return GroupProgress(
        group_id=group_id,
        name=name,
        kind=kind,
        scenario_title=scenario_title,
        measures=list(measures),
        full_year_net_saving=full,
        first_year_net_saving=to_money(first_year),
        target=target,
        progress=progress_percent(full, target),
        target_met=met,
        last_change_at=last_change_at,
        since=since_text(last_change_at, now),
        errors=list(errors or []),
    )


def rows_fingerprint(rows: list[GroupProgress]) -> str:
    """Changes whenever what the dashboard shows changes (figures, choices, "il y a...")."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(
            repr(
                (
                    row.group_id,
                    row.name,
                    row.kind,
                    row.scenario_title,
                    row.measures,
                    row.full_year_net_saving,
                    row.first_year_net_saving,
                    row.target,
                    row.since,
                    row.errors,
                )
            ).encode()
        )
    return digest.hexdigest()[:16]


def percent_text(progress: int | None) -> str:
    return "—" if progress is None else f"{progress}\u00a0%"


def progress_chart(rows: list[GroupProgress], target: Decimal | None) -> Chart:
    """Each group's net saving (full year, first year) against the workshop's target."""
    names = [row.name for row in rows]
    full = [float(row.full_year_net_saving or 0) for row in rows]
    first = [float(row.first_year_net_saving or 0) for row in rows]
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=full,
        name=_("Année pleine"),
        marker_color=[SAVING if row.target_met else NEUTRAL for row in rows],
        text=[euros(value) for value in full],
        textposition="outside",
        hoverinfo="x+text",
    )
    figure.add_bar(
        x=names,
        y=first,
        name=_("Première année"),
        marker_color=MUTED,
        hoverinfo="x+y",
    )
    if target is not None:
        figure.add_hline(
            y=float(target),
            line_dash="dash",
            line_color=COST,
            annotation_text=_("Objectif %(amount)s") % {"amount": euros(target)},
            annotation_position="top left",
        )
    figure.update_layout(
        font=FONT,
        height=420,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        barmode="group",
        legend={"orientation": "h", "y": 1.12},
        yaxis={
            "title": _("Économie nette (€ par an)"),
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
    )
    table = [
        [
            row.name,
            "—" if row.full_year_net_saving is None else euros(row.full_year_net_saving),
            "—" if row.first_year_net_saving is None else euros(row.first_year_net_saving),
            percent_text(row.progress),
        ]
        for row in rows
    ]
    return Chart(
        "chart-workshop-progress",
        _("Économie nette de chaque groupe face à l'objectif"),
        figure,
        [_("Groupe"), _("Année pleine"), _("Première année"), _("Part de l'objectif")],
        table,
        {1, 2, 3},
    )
