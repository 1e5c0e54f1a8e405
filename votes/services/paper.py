"""paper."""

from __future__ import annotations
