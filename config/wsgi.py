import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.serving import require_production_secret  # noqa: E402 - needs the settings

require_production_secret()
