"""The settings gunicorn runs with in bench/vote_load.py: the production settings, plus a
bare view (the baseline) and a header counting each request's SQL queries.

Nothing here is used outside the benchmark.
"""

from config.settings import *  # noqa: F403 - the production settings, unchanged

ROOT_URLCONF = "bench.vote_load_urls"
# First: it counts every query of the request, the session's and the user's included.
MIDDLEWARE = ["bench.vote_load_urls.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
# The refused code confirmations answer 400, which Django logs as warnings: not news here.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}  # noqa: F405
