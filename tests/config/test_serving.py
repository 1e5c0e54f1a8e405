from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.serving import require_production_secret


def test_a_server_without_its_own_secret_key_refuses_to_start(settings):
    settings.DEBUG = False
    settings.SECRET_KEY_FROM_ENVIRONMENT = False

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY doit être défini"):
        require_production_secret()


def test_a_server_with_its_secret_key_or_in_debug_starts(settings):
    settings.DEBUG = False
    settings.SECRET_KEY_FROM_ENVIRONMENT = True
    require_production_secret()

    settings.DEBUG = True
    settings.SECRET_KEY_FROM_ENVIRONMENT = False
    require_production_secret()
