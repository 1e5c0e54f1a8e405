"""The dashboard's pure part: percent of the target, "il y a 2 min", the chart's data table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from votes.workshops.progress import (
    group_progress,
    progress_chart,
    progress_percent,
    rows_fingerprint,
    since_text,
)

NOW = dt.datetime(2026, 10, 3, 10, 0, tzinfo=dt.UTC)


def row(name="Table 1", full=40500.0, first=30000.0, target=Decimal("50000"), **extra):
    return group_progress(
        group_id=extra.pop("group_id", 1),
        name=name,
        kind=extra.pop("kind", "Mixte"),
        scenario_title=extra.pop("scenario_title", "Nos choix"),
        measures=extra.pop("measures", ["Fermer la piscine le lundi"]),
        full_year=full,
        first_year=first,
        target=target,
        last_change_at=extra.pop("last_change_at", NOW - dt.timedelta(minutes=2)),
        now=NOW,
        **extra,
    )


def test_progress_is_a_whole_percent_rounded_down():
    assert progress_percent(Decimal("40500"), Decimal("50000")) == 81
    assert progress_percent(Decimal("49999.99"), Decimal("50000")) == 99
    assert progress_percent(Decimal("54000"), Decimal("50000")) == 108


def test_a_scenario_that_costs_money_is_at_zero_percent():
    assert progress_percent(Decimal("-1000"), Decimal("50000")) == 0


def test_without_a_target_there_is_no_progress():
    assert progress_percent(Decimal("1000"), None) is None
    assert progress_percent(Decimal("1000"), Decimal("0")) is None
    assert progress_percent(None, Decimal("1000")) is None


def test_time_since_the_last_change_reads_like_a_clock():
    assert since_text(None, NOW) == "aucune modification"
    assert since_text(NOW - dt.timedelta(seconds=59), NOW) == "à l'instant"
    assert since_text(NOW - dt.timedelta(minutes=2, seconds=30), NOW) == "il y a 2 min"
    assert since_text(NOW - dt.timedelta(hours=1, minutes=5), NOW) == "il y a 1 h 05"
    assert since_text(NOW - dt.timedelta(days=3), NOW) == "il y a 3 j"


def test_a_clock_slightly_ahead_does_not_give_a_negative_time():
    assert since_text(NOW + dt.timedelta(seconds=3), NOW) == "à l'instant"


def test_a_group_row_carries_its_figures_in_euros_and_cents():
    progress = row(full=40500.004, first=27499.996)

    assert progress.full_year_net_saving == Decimal("40500.00")
    assert progress.first_year_net_saving == Decimal("27500.00")
    assert progress.progress == 81
    assert progress.target_met is False
    assert progress.since == "il y a 2 min"
    assert progress.bar_value == 81


def test_the_bar_stops_at_100_but_the_percent_does_not():
    progress = row(full=60000.0)

    assert (progress.progress, progress.bar_value, progress.target_met) == (120, 100, True)


def test_a_refused_scenario_has_no_figures_but_its_reasons():
    progress = row(full=None, first=None, errors=["Trop de politiques publiques."])

    assert progress.full_year_net_saving is None
    assert progress.progress is None
    assert progress.errors == ["Trop de politiques publiques."]


def test_the_fingerprint_changes_with_what_the_dashboard_shows():
    before = rows_fingerprint([row()])

    assert rows_fingerprint([row()]) == before
    assert rows_fingerprint([row(full=41000.0)]) != before
    assert rows_fingerprint([row(measures=[])]) != before
    assert rows_fingerprint([row(last_change_at=NOW - dt.timedelta(minutes=3))]) != before


def test_the_chart_has_one_bar_per_group_and_its_data_table():
    rows = [row(), row(name="Table 2", group_id=2, full=None, first=None, errors=["Refusé."])]

    chart = progress_chart(rows, Decimal("50000"))

    assert chart.id == "chart-workshop-progress"
    assert chart.columns == ["Groupe", "Année pleine", "Première année", "Part de l'objectif"]
    assert chart.rows == [
        ["Table 1", "40\u202f500\u00a0€", "30\u202f000\u00a0€", "81\u00a0%"],
        ["Table 2", "—", "—", "—"],
    ]
    full_year = chart.figure.data[0]
    assert list(full_year.x) == ["Table 1", "Table 2"]
    assert list(full_year.y) == [40500.0, 0.0]
    (line,) = chart.figure.layout.shapes
    assert line.y0 == line.y1 == 50000.0
    assert chart.figure.layout.annotations[0].text == "Objectif 50\u202f000\u00a0€"
