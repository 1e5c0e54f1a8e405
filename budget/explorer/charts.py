"""Figures of the public explorer: pandas in, plotly figures (or plain frames) out, no request.

Every figure has a frame behind it (`budget_hierarchy`, `impact_effects`) that the page also
renders as the chart's data table, so screen-reader users read the same numbers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from budget.finance import DEPENSE, FONCTIONNEMENT, INVESTISSEMENT, RECETTE, REEL
from budget.templatetags.budget_tags import format_amount

ORDRE = "ordre"
VIEW_FUNCTION = "fonction"
VIEW_NATURE = "nature"
VIEWS = (VIEW_FUNCTION, VIEW_NATURE)
DIRECTIONS = (DEPENSE, RECETTE)
SECTIONS = (FONCTIONNEMENT, INVESTISSEMENT)
KINDS = (REEL, ORDRE)
ROOT_ID = "total"
# The line page shows what a 10 % change of the line sets off.
CHANGE_SHARE = 0.10

# Dark enough for white text on every slice (WCAG AA on the labels plotly draws inside).
COLORWAY = ["#1f4e8c", "#b3261e", "#1e6b34", "#6b3fa0", "#8a5a00", "#00677f", "#8c1f5b", "#4a5260"]
ROOT_COLOR = "#ffffff"
SECTION_COLORS = {FONCTIONNEMENT: "#163a69", INVESTISSEMENT: "#3d4451"}
BRANCH_COLORS = COLORWAY[1:7]
FRENCH_SEPARATORS = ", "  # decimal comma, then the thousands separator


def _section_label(section: str) -> str:
    return {FONCTIONNEMENT: _("Fonctionnement"), INVESTISSEMENT: _("Investissement")}.get(
        section, section
    )


def root_label(direction: str) -> str:
    return _("Dépenses réelles") if direction == DEPENSE else _("Recettes réelles")


def _percent_text(share: float | None) -> str:
    if share is None or pd.isna(share):
        return "—"
    return f"{format_amount(share * 100, 1)}\u00a0%"


def _money_text(value: float) -> str:
    return f"{format_amount(value)}\u00a0€"


def section_totals(lines: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """Totals by kind (réel/ordre), section and direction; every combination present."""
    sums = lines.groupby(["kind", "section", "direction"])["amount"].sum()
    return {
        kind: {
            section: {
                direction: float(sums.get((kind, section, direction), 0.0))
                for direction in DIRECTIONS
            }
            for section in SECTIONS
        }
        for kind in KINDS
    }


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip()


def _optional_text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A label column that older frames may lack: missing means empty."""
    if column in frame:
        return _text(frame[column])
    return pd.Series("", index=frame.index, dtype=object)


def _function_names(frame: pd.DataFrame) -> pd.Series:
    function = _text(frame["function"])
    label = _optional_text(frame, "function_label")
    named = (function + " " + label).where(label != "", function).str.strip()
    return named.where(function != "", _("Non ventilé"))


def _chapter_names(frame: pd.DataFrame) -> pd.Series:
    chapter = _text(frame["chapter"])
    label = _optional_text(frame, "chapter_label")
    return (chapter + " " + label).where(label != "", _("Chapitre") + " " + chapter)


def _account_names(frame: pd.DataFrame) -> pd.Series:
    """The account's label, else the label its lines share, else just its number.

    Several lines may share an account (one per function): a line's own label would then
    mislabel the whole account.
    """
    account = _text(frame["account"])
    account_label = _optional_text(frame, "account_label")
    line_label = _text(frame["label"])
    distinct = line_label.groupby(account).transform("nunique")
    fallback = (account + " " + line_label).where(
        (distinct == 1) & (line_label != account), _("Compte") + " " + account
    )
    return (account + " " + account_label).where(account_label != "", fallback)


def _line_names(frame: pd.DataFrame) -> pd.Series:
    label = _text(frame["label"])
    return label.where(label != "", _text(frame["account"]))


def budget_hierarchy(
    lines: pd.DataFrame, *, view: str = VIEW_FUNCTION, direction: str = DEPENSE
) -> pd.DataFrame:
    """The tree drawn by the sunburst, one row per node, parents before their children.

    By function: section → function → chapter → line; by nature: section → chapter →
    account. Real lines only (ordre lines are accounting transfers); lines without a
    function go under "Non ventilé". Columns: id, parent, label, value, depth,
    share_parent, share_total. Children are sorted by decreasing amount.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    data = lines[(lines["kind"] == REEL) & (lines["direction"] == direction)].copy()
    # A sunburst cannot draw negative slices; such lines (rare corrections) stay in the table.
    data = data[data["amount"] > 0]
    data["k_section"] = _text(data["section"])
    data["n_section"] = data["k_section"].map(_section_label)
    data["k_chapter"] = _text(data["chapter"])
    data["n_chapter"] = _chapter_names(data)
    if view == VIEW_FUNCTION:
        data["k_function"] = _text(data["function"]).where(_text(data["function"]) != "", "-")
        data["n_function"] = _function_names(data)
        data["k_line"] = _text(data["code"])
        data["n_line"] = _line_names(data)
        levels = ["section", "function", "chapter", "line"]
    else:
        data["k_account"] = _text(data["account"])
        data["n_account"] = _account_names(data)
        levels = ["section", "chapter", "account"]

    total = float(data["amount"].sum())
    nodes: list[dict] = [
        {"id": ROOT_ID, "parent": "", "label": root_label(direction), "value": total, "depth": 0}
    ]
    for depth in range(1, len(levels) + 1):
        keys = [f"k_{level}" for level in levels[:depth]]
        grouped = data.groupby(keys, sort=False).agg(
            value=("amount", "sum"), label=(f"n_{levels[depth - 1]}", "first")
        )
        for index, row in grouped.iterrows():
            path = index if isinstance(index, tuple) else (index,)
            node_id = "/".join([ROOT_ID, *path])
            parent = "/".join([ROOT_ID, *path[:-1]])
            nodes.append(
                {
                    "id": node_id,
                    "parent": parent,
                    "label": row["label"],
                    "value": float(row["value"]),
                    "depth": depth,
                }
            )

    children: dict[str, list[dict]] = {}
    for node in nodes[1:]:
        children.setdefault(node["parent"], []).append(node)
    ordered: list[dict] = []
    values = {node["id"]: node["value"] for node in nodes}

    def visit(node: dict) -> None:
        parent_value = values.get(node["parent"])
        node["share_parent"] = node["value"] / parent_value if parent_value else None
        node["share_total"] = node["value"] / total if total else None
        ordered.append(node)
        for child in sorted(children.get(node["id"], []), key=lambda n: (-n["value"], n["id"])):
            visit(child)

    visit(nodes[0])
    frame = pd.DataFrame(
        ordered,
        columns=["id", "parent", "label", "value", "depth", "share_parent", "share_total"],
    )
    # Missing shares (the root's parent share, an empty budget) stay None, not NaN.
    for column in ("share_parent", "share_total"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _slice_colors(hierarchy: pd.DataFrame) -> list[str]:
    """Sections in two dark tones, then one colour per branch under them.

    Plotly would colour by the root's children only, i.e. by section: one single colour for
    a budget whose real expenditure is all operating.
    """
    parents = dict(zip(hierarchy["id"], hierarchy["parent"], strict=True))
    depths = dict(zip(hierarchy["id"], hierarchy["depth"], strict=True))
    branch_colors: dict[str, str] = {}
    colors = []
    for node_id, depth in depths.items():
        if depth == 0:
            colors.append(ROOT_COLOR)
            continue
        if depth == 1:
            colors.append(SECTION_COLORS.get(node_id.rsplit("/", 1)[-1], COLORWAY[-1]))
            continue
        branch = node_id
        while depths[branch] > 2:
            branch = parents[branch]
        if branch not in branch_colors:
            branch_colors[branch] = BRANCH_COLORS[len(branch_colors) % len(BRANCH_COLORS)]
        colors.append(branch_colors[branch])
    return colors


def sunburst_figure(hierarchy: pd.DataFrame, *, title: str) -> go.Figure:
    """A sunburst of a `budget_hierarchy` frame; a click on a slice drills down into it."""
    labels_by_id = dict(zip(hierarchy["id"], hierarchy["label"], strict=True))
    customdata = [
        [
            _money_text(row.value),
            _percent_text(row.share_parent),
            _percent_text(row.share_total),
            labels_by_id.get(row.parent, ""),
        ]
        for row in hierarchy.itertuples()
    ]
    figure = go.Figure(
        go.Sunburst(
            ids=list(hierarchy["id"]),
            labels=list(hierarchy["label"]),
            parents=list(hierarchy["parent"]),
            values=[round(value, 2) for value in hierarchy["value"]],
            branchvalues="total",
            marker={"colors": _slice_colors(hierarchy), "line": {"color": "#ffffff", "width": 1}},
            customdata=customdata,
            texttemplate="%{label}<br>%{customdata[2]}",
            hovertemplate=(
                "<b>%{label}</b><br>%{customdata[0]}<br>"
                + _("%{customdata[1]} de « %{customdata[3]} »")
                + "<br>"
                + _("%{customdata[2]} du total")
                + "<extra></extra>"
            ),
            insidetextorientation="radial",
            maxdepth=3,
        )
    )
    figure.update_layout(
        title={"text": title, "x": 0},
        template="none",
        colorway=COLORWAY,
        sunburstcolorway=COLORWAY,
        separators=FRENCH_SEPARATORS,
        margin={"t": 48, "l": 8, "r": 8, "b": 8},
        height=600,
        font={"family": "system-ui, sans-serif", "size": 14},
    )
    return figure


def sunburst_title(*, view: str, direction: str) -> str:
    if view == VIEW_FUNCTION:
        return _("%(root)s par fonction") % {"root": root_label(direction)}
    return _("%(root)s par nature") % {"root": root_label(direction)}


def budget_sunburst(
    lines: pd.DataFrame, *, view: str = VIEW_FUNCTION, direction: str = DEPENSE
) -> go.Figure:
    hierarchy = budget_hierarchy(lines, view=view, direction=direction)
    return sunburst_figure(hierarchy, title=sunburst_title(view=view, direction=direction))


def impact_effects(rules: pd.DataFrame) -> pd.DataFrame:
    """The effect in euros of a 10 % change behind each linked impact of one line.

    `rules` has one row per rule with: side ("outgoing": this line moves the other one,
    "incoming": the other line moves this one), label (the other line), coefficient, lag
    and base (the amount of the line that changes: this line for outgoing rules, the
    source for incoming ones). Adds change (10 % of base) and effect (coefficient × change).
    """
    effects = rules.copy()
    effects["change"] = effects["base"].astype(float) * CHANGE_SHARE
    effects["effect"] = effects["coefficient"].astype(float) * effects["change"]
    return effects


def impacts_figure(effects: pd.DataFrame, *, line_label: str) -> go.Figure:
    """Horizontal bars: sources that move this line, then the lines this one moves."""
    figure = go.Figure()
    sides = [
        ("incoming", _("Ce qui l'affecte (hausse de 10 % de la source)"), COLORWAY[2]),
        ("outgoing", _("Ce qu'elle affecte (hausse de 10 % de cette ligne)"), COLORWAY[0]),
    ]
    for side, name, color in sides:
        rows = effects[effects["side"] == side]
        if rows.empty:
            continue
        arrow = "← " if side == "incoming" else "→ "
        figure.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=[arrow + label for label in rows["label"]],
                x=[round(value, 2) for value in rows["effect"]],
                marker_color=color,
                customdata=[_money_text(value) for value in rows["effect"]],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            )
        )
    figure.update_layout(
        title={"text": _("Impacts induits de « %(line)s »") % {"line": line_label}, "x": 0},
        template="none",
        separators=FRENCH_SEPARATORS,
        xaxis={"title": {"text": _("Effet en euros")}, "zeroline": True, "tickformat": ",.0f"},
        yaxis={"automargin": True},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"t": 96, "l": 8, "r": 24, "b": 56},
        height=180 + 44 * len(effects),
        font={"family": "system-ui, sans-serif", "size": 14},
    )
    return figure
