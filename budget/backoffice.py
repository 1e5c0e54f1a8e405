"""Back-office pages of the budget app (imports, simulator parameters)."""

from __future__ import annotations

urlpatterns: list = []
