"""A scenario's choices as plain data: what the screen edits, the session keeps and the DB saves.

Anonymous visitors simulate without an account: their state lives in the session as the
dict of `ScenarioState.as_dict()`. Saved scenarios are loaded into the same structure, so
the engine is always fed from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from simulator.models import MAX_HORIZON

# Bounds of the per-line slider (percent of the line's baseline).
SLIDER_MIN = -100
SLIDER_MAX = 50


@dataclass
class ScenarioState:
    measures: list[str] = field(default_factory=list)  # measure slugs, in catalogue order
    line_percents: dict[str, Decimal] = field(default_factory=dict)  # line code -> percent
    horizon: int = 3
    target: Decimal | None = None
    tax_rate_change: Decimal = Decimal("0")
    # Revenue levers (engine/levers.py): slug -> the value set (new rate, new price, loan).
    levers: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "measures": list(self.measures),
            "line_percents": {code: str(p) for code, p in self.line_percents.items()},
            "horizon": self.horizon,
            "target": None if self.target is None else str(self.target),
            "tax_rate_change": str(self.tax_rate_change),
            "levers": {slug: str(value) for slug, value in self.levers.items()},
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ScenarioState:
        data = data or {}
        state = cls()
        state.measures = [str(slug) for slug in data.get("measures", [])]
        state.line_percents = {}
        for code, value in (data.get("line_percents") or {}).items():
            percent = _decimal(value)
            if percent is not None and percent != 0:
                state.line_percents[str(code)] = clamp_percent(percent)
        state.horizon = clamp_horizon(data.get("horizon", 3))
        state.target = _decimal(data.get("target"))
        state.tax_rate_change = _decimal(data.get("tax_rate_change")) or Decimal("0")
        # Kept as typed, out of bounds included: the engine refuses them with its reasons.
        state.levers = {}
        for slug, value in (data.get("levers") or {}).items():
            number = _decimal(value)
            if number is not None:
                state.levers[str(slug)] = number
        return state

    @property
    def is_empty(self) -> bool:
        return (
            not self.measures
            and not self.line_percents
            and not self.tax_rate_change
            and not self.levers
        )


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def clamp_percent(value: Decimal) -> Decimal:
    return max(Decimal(SLIDER_MIN), min(Decimal(SLIDER_MAX), value))


def clamp_horizon(value) -> int:
    try:
        horizon = int(value)
    except (TypeError, ValueError):
        return 3
    return max(1, min(MAX_HORIZON, horizon))


def state_from_post(data) -> ScenarioState:
    """A simulator form (the public screen's or a workshop group's) as a state.

    Line sliders are `line__<code>`, levers `lever__<slug>`; slider values out of range are
    brought back into range, lever values are kept for the engine to refuse with its reasons.
    """
    line_percents = {
        key.removeprefix("line__"): value
        for key, value in data.items()
        if key.startswith("line__") and value not in ("", "0")
    }
    levers = {
        key.removeprefix("lever__"): value
        for key, value in data.items()
        if key.startswith("lever__") and value != ""
    }
    return ScenarioState.from_dict(
        {
            "measures": data.getlist("measures"),
            "line_percents": line_percents,
            "horizon": data.get("horizon", 3),
            "target": data.get("target") or None,
            "tax_rate_change": data.get("tax_rate_change") or "0",
            "levers": levers,
        }
    )
