from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from budget.explorer.charts import (
    budget_hierarchy,
    budget_sunburst,
    impact_effects,
    impacts_figure,
    section_totals,
)


def line(
    code,
    section,
    direction,
    chapter,
    account,
    amount,
    *,
    function="",
    label="",
    kind="reel",
    chapter_label="",
    function_label="",
    account_label="",
):
    return {
        "code": code,
        "section": section,
        "direction": direction,
        "kind": kind,
        "chapter": chapter,
        "chapter_label": chapter_label,
        "account": account,
        "account_label": account_label,
        "function": function,
        "function_label": function_label,
        "label": label or account,
        "amount": float(amount),
    }


@pytest.fixture
def frame() -> pd.DataFrame:
    F, INV, D, R = "fonctionnement", "investissement", "depense", "recette"
    return pd.DataFrame(
        [
            line(
                "FD-60612-212",
                F,
                D,
                "011",
                "60612",
                300,
                function="212",
                function_label="Écoles",
                label="Électricité écoles",
                chapter_label="Charges générales",
            ),
            line(
                "FD-60612-413",
                F,
                D,
                "011",
                "60612",
                100,
                function="413",
                function_label="Piscine",
                label="Électricité piscine",
                chapter_label="Charges générales",
            ),
            line(
                "FD-64111",
                F,
                D,
                "012",
                "64111",
                600,
                label="Salaires",
                account_label="Rémunération principale",
            ),
            line(
                "ID-2313-212",
                INV,
                D,
                "23",
                "2313",
                1000,
                function="212",
                function_label="Écoles",
                label="Travaux école",
            ),
            line("FD-6811", F, D, "042", "6811", 50, kind="ordre"),
            line(
                "FR-7066-413",
                F,
                R,
                "70",
                "7066",
                80,
                function="413",
                function_label="Piscine",
                label="Billetterie",
            ),
            line("FR-73111", F, R, "73", "73111", 720, label="Taxe foncière"),
            line("IR-1641", INV, R, "16", "1641", 200, label="Emprunt"),
            line("FR-7788", F, R, "77", "7788", -5, label="Correction"),
        ]
    )


def nodes(hierarchy: pd.DataFrame) -> dict[str, tuple[str, str, float]]:
    return {row.id: (row.label, row.parent, row.value) for row in hierarchy.itertuples()}


def test_expenditure_by_function_goes_section_function_chapter_line(frame):
    tree = nodes(budget_hierarchy(frame, view="fonction", direction="depense"))

    assert tree["total"] == ("Dépenses réelles", "", 2000)
    assert tree["total/fonctionnement"] == ("Fonctionnement", "total", 1000)
    assert tree["total/investissement"] == ("Investissement", "total", 1000)
    assert tree["total/fonctionnement/212"] == ("212 Écoles", "total/fonctionnement", 300)
    assert tree["total/fonctionnement/-"] == ("Non ventilé", "total/fonctionnement", 600)
    assert tree["total/fonctionnement/413/011"] == (
        "011 Charges générales",
        "total/fonctionnement/413",
        100,
    )
    assert tree["total/fonctionnement/-/012"] == ("Chapitre 012", "total/fonctionnement/-", 600)
    assert tree["total/fonctionnement/212/011/FD-60612-212"] == (
        "Électricité écoles",
        "total/fonctionnement/212/011",
        300,
    )
    # The ordre line never reaches the chart.
    assert not any("6811" in node_id for node_id in tree)
    assert len(tree) == 1 + 2 + 3 + 1 + 3 + 1 + 1 + 1 + 1 + 1


def test_expenditure_by_nature_goes_section_chapter_account(frame):
    tree = nodes(budget_hierarchy(frame, view="nature", direction="depense"))

    assert tree["total/fonctionnement/011"] == (
        "011 Charges générales",
        "total/fonctionnement",
        400,
    )
    # Two lines share account 60612 with different labels: the account keeps its number only.
    assert tree["total/fonctionnement/011/60612"] == (
        "Compte 60612",
        "total/fonctionnement/011",
        400,
    )
    assert tree["total/fonctionnement/012/64111"] == (
        "64111 Rémunération principale",
        "total/fonctionnement/012",
        600,
    )
    assert tree["total/investissement/23/2313"] == (
        "2313 Travaux école",
        "total/investissement/23",
        1000,
    )
    assert len(tree) == 1 + 2 + 3 + 3


def test_revenue_by_function_and_by_nature(frame):
    by_function = nodes(budget_hierarchy(frame, view="fonction", direction="recette"))
    by_nature = nodes(budget_hierarchy(frame, view="nature", direction="recette"))

    assert by_function["total"] == ("Recettes réelles", "", 1000)
    assert by_function["total/fonctionnement/413/70/FR-7066-413"][2] == 80
    assert by_function["total/investissement/-/16/IR-1641"][2] == 200
    assert by_nature["total/fonctionnement/73/73111"] == (
        "73111 Taxe foncière",
        "total/fonctionnement/73",
        720,
    )
    # A negative correction cannot be drawn as a slice.
    assert not any("7788" in node_id for node_id in by_function)


def test_shares_are_of_the_parent_and_of_the_total_and_children_come_by_size(frame):
    tree = budget_hierarchy(frame, view="fonction", direction="depense")
    rows = tree.set_index("id")

    assert rows.loc["total/fonctionnement/-", "share_parent"] == pytest.approx(600 / 1000)
    assert rows.loc["total/fonctionnement/-", "share_total"] == pytest.approx(600 / 2000)
    assert rows.loc["total", "share_parent"] is None
    ids = list(tree["id"])
    assert ids[0] == "total"
    functions = [i for i in ids if i.count("/") == 2 and i.startswith("total/fonctionnement/")]
    assert functions == [
        "total/fonctionnement/-",
        "total/fonctionnement/212",
        "total/fonctionnement/413",
    ]
    # Depth first: a node's children follow it before its next sibling.
    assert ids.index("total/fonctionnement/-/012") == ids.index("total/fonctionnement/-") + 1


def test_the_sunburst_carries_the_hierarchy_with_french_hover_text(frame):
    figure = budget_sunburst(frame, view="fonction", direction="depense")

    assert isinstance(figure, go.Figure)
    trace = figure.data[0]
    assert trace.type == "sunburst"
    assert trace.branchvalues == "total"
    labels = dict(zip(trace.ids, trace.labels, strict=True))
    parents = dict(zip(trace.ids, trace.parents, strict=True))
    values = dict(zip(trace.ids, trace.values, strict=True))
    assert labels["total/fonctionnement/-"] == "Non ventilé"
    assert parents["total/fonctionnement/-/012/FD-64111"] == "total/fonctionnement/-/012"
    assert values["total/investissement"] == 1000
    custom = dict(zip(trace.ids, trace.customdata, strict=True))
    # amount, share of the parent, share of the total, parent's label
    assert list(custom["total/fonctionnement/-"]) == [
        "600\u00a0€",
        "60,0\u00a0%",
        "30,0\u00a0%",
        "Fonctionnement",
    ]
    assert figure.layout.title.text == "Dépenses réelles par fonction"
    assert figure.layout.separators == ", "


def test_the_nature_sunburst_is_titled_for_revenue(frame):
    figure = budget_sunburst(frame, view="nature", direction="recette")

    assert figure.layout.title.text == "Recettes réelles par nature"
    assert "73111 Taxe foncière" in figure.data[0].labels


def test_unknown_view_or_direction_is_refused(frame):
    with pytest.raises(ValueError):
        budget_hierarchy(frame, view="couleur")
    with pytest.raises(ValueError):
        budget_hierarchy(frame, direction="ailleurs")


def test_section_totals_split_real_and_order_operations(frame):
    totals = section_totals(frame)

    assert totals["reel"]["fonctionnement"]["depense"] == 1000
    assert totals["reel"]["fonctionnement"]["recette"] == 80 + 720 - 5
    assert totals["reel"]["investissement"]["recette"] == 200
    assert totals["ordre"]["fonctionnement"]["depense"] == 50
    assert totals["ordre"]["investissement"]["recette"] == 0


def test_impact_effects_are_the_coefficient_times_ten_percent_of_the_moving_line():
    rules = pd.DataFrame(
        [
            {
                "side": "outgoing",
                "label": "Billetterie",
                "coefficient": 0.3,
                "lag": 1,
                "base": 200000.0,
            },
            {
                "side": "incoming",
                "label": "Énergie",
                "coefficient": -0.5,
                "lag": 0,
                "base": 40000.0,
            },
        ]
    )

    effects = impact_effects(rules)
    figure = impacts_figure(effects, line_label="Personnel")

    assert list(effects["change"]) == [20000.0, 4000.0]
    assert list(effects["effect"]) == pytest.approx([6000.0, -2000.0])
    names = [trace.name for trace in figure.data]
    assert len(names) == 2
    incoming = figure.data[0]
    assert incoming.orientation == "h"
    assert list(incoming.y) == ["← Énergie"] and list(incoming.x) == [-2000.0]
    assert list(figure.data[1].y) == ["→ Billetterie"]
    assert figure.layout.title.text == "Impacts induits de « Personnel »"
