"""proposals."""

from __future__ import annotations
