"""Schemathesis against /api/v1/openapi.json, in process through the WSGI application: every
operation, with generated parameters that fit the document and parameters that do not; no
5xx, and every response (status, content type, headers, body) matches the document.

schemathesis' own pytest loader (``schemathesis.pytest.from_fixture``) reads a node attribute
that pytest 9 no longer has; each operation's Hypothesis strategy (``as_strategy``) is the
documented way to run it inside an ordinary test, here after the test data is written."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.factories import make_line
from tests.votes.api.builders import answered_campaign, draft_campaign, unpublished_budget
from tests.votes.factories import make_campaign

EXAMPLES = 40
OPERATIONS = 11


@pytest.fixture
def api_schema(db, settings):
    # Hundreds of requests from one address: the rate limit is tested on its own.
    settings.RATE_LIMITS_ENABLED = False
    answered = answered_campaign()
    make_line(answered.campaign.budget, chapter="012", account="64111", function="213")
    make_campaign()  # in the proposals phase: its results are not found
    draft_campaign()
    unpublished_budget()
    # The WSGI handler closes the database connection after each request, which would end
    # the test's transaction (on PostgreSQL): Django's test client unhooks it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_document_says(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == OPERATIONS

    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate()

        check()
