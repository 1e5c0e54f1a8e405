"""instruction."""

from __future__ import annotations
