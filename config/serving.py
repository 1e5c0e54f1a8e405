"""Checks made once when a server (gunicorn, uvicorn) loads the application."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_production_secret() -> None:
    """A server with DEBUG off needs its own SECRET_KEY: sessions, CSRF and e-mail links are
    signed with it, and the throwaway key of one-off commands would differ per process."""
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        raise ImproperlyConfigured(
            "SECRET_KEY doit être défini dans l'environnement pour servir l'application "
            "(DEBUG désactivé)."
        )
