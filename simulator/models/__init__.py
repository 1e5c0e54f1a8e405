"""The simulator's models, one module per concept: measures and scenarios (core), citizen
panels and their sortition, the training path, workshops."""

from .core import (
    MAX_HORIZON,
    AdjustmentFields,
    Measure,
    MeasureAdjustment,
    MeasureQuerySet,
    Scenario,
    ScenarioAdjustment,
    adjustment_constraints,
)
from .panels import PanelDraw, Quota, Volunteer
from .training import TrainingCompletion, TrainingPage, TrainingQuestion
from .workshops import GroupArgument, Workshop, WorkshopGroup, WorkshopProposal

__all__ = [
    "MAX_HORIZON",
    "AdjustmentFields",
    "GroupArgument",
    "Measure",
    "MeasureAdjustment",
    "MeasureQuerySet",
    "PanelDraw",
    "Quota",
    "Scenario",
    "ScenarioAdjustment",
    "TrainingCompletion",
    "TrainingPage",
    "TrainingQuestion",
    "Volunteer",
    "Workshop",
    "WorkshopGroup",
    "WorkshopProposal",
    "adjustment_constraints",
]
