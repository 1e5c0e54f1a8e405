"""config/logs.py: a request id on every request, and one JSON object per log line."""

from __future__ import annotations

import json
import logging

import pytest

from config.logs import HEADER, JsonFormatter, RequestContextFilter
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/")[HEADER]
    second = client.get("/")[HEADER]

    assert len(first) == 32 and first != second


def test_the_load_balancers_request_id_is_kept(client):
    response = client.get("/", headers={HEADER: "lb-1234.abc"})

    assert response[HEADER] == "lb-1234.abc"


@pytest.mark.parametrize("given", ["a b", "x" * 65, 'evil"\n{"event":"x"}'])
def test_an_odd_request_id_is_replaced(client, given):
    response = client.get("/", headers={HEADER: given})

    assert response[HEADER] != given and len(response[HEADER]) == 32


def json_line(record: logging.LogRecord) -> dict:
    RequestContextFilter().filter(record)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    return json.loads(text)


def test_a_line_outside_a_request_has_no_request_id_nor_user():
    record = logging.makeLogRecord(
        {"name": "votes.voting.codes", "levelno": logging.INFO, "levelname": "INFO"}
    )
    record.msg, record.event, record.campaign = "code_used", "code_used", "budget-2026"

    line = json_line(record)

    assert line["message"] == "code_used"
    assert (line["event"], line["campaign"]) == ("code_used", "budget-2026")
    assert (line["request_id"], line["user"]) == ("-", "-")
    assert line["level"] == "INFO" and line["logger"] == "votes.voting.codes"
    assert line["time"].endswith("+00:00")


def test_lines_written_during_a_request_carry_its_id_and_the_user_id(client, caplog):
    user = make_user()
    client.force_login(user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/page-qui-n-existe-pas/", headers={HEADER: "req-42"})

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    line = json_line(record)
    assert response.status_code == 404
    assert (line["request_id"], line["user"]) == ("req-42", str(user.pk))
    assert "request" not in line  # the request object itself is not logged


def test_an_anonymous_visitor_is_logged_as_anonymous(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/page-qui-n-existe-pas/")

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert json_line(record)["user"] == "anonymous"
