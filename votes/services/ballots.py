"""ballots."""

from __future__ import annotations
