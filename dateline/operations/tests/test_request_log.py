"""One JSON line per request, with a request id and no personal data."""

import json
import logging

import pytest

from dateline.operations.requestlog import JsonFormatter


@pytest.fixture
def request_lines(caplog):
    """The request log as the production log shipper receives it: JSON text."""
    caplog.set_level(logging.INFO, logger="dateline.requests")
    formatter = JsonFormatter()

    def lines():
        return [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == "dateline.requests"
        ]

    return lines


def test_each_request_is_one_json_line_without_personal_data(client, demo_site, request_lines):
    response = client.get(
        "/world/?page=1&email=reader@example.org&q=my+home+address",
        REMOTE_ADDR="203.0.113.50",
        HTTP_USER_AGENT="Mozilla/5.0 (reader's phone)",
    )
    assert response.status_code == 200
    [line] = request_lines()
    assert line["method"] == "GET"
    assert line["path"] == "/world/"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert 0 < line["duration_ms"] < 60_000
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    serialised = json.dumps(line)
    for personal in ["reader@example.org", "home", "203.0.113.50", "phone", "page=1"]:
        assert personal not in serialised


def test_request_id_from_the_proxy_is_kept_and_forged_ones_are_not(
    client, demo_site, request_lines
):
    client.get("/", HTTP_X_REQUEST_ID="nginx-7f3a9c2e41d0")
    client.get("/", HTTP_X_REQUEST_ID='x"\n{"forged": true}')
    first, second = request_lines()
    assert first["request_id"] == "nginx-7f3a9c2e41d0"
    assert "forged" not in second["request_id"] and len(second["request_id"]) == 32


def test_errors_are_logged_as_json_without_the_query_string(client, db, caplog):
    caplog.set_level(logging.WARNING)
    client.get("/no/such/page/?token=s3cret-reset-token")
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    assert any(line["logger"] == "django.request" for line in lines)
    assert "s3cret-reset-token" not in json.dumps(lines)


def test_production_logging_is_configured_as_json(tmp_path):
    import os
    import subprocess
    import sys

    probe = (
        "import django, logging; django.setup();"
        "logging.getLogger('dateline.requests').info('GET / 200',"
        " extra={'request_id': 'abc12345', 'status': 200})"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(SECURE_HTTPS="1", DATELINE_VAR_DIR=str(tmp_path), SECRET_KEY="k" * 60)
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    [line] = result.stderr.splitlines()
    entry = json.loads(line)
    assert entry["message"] == "GET / 200"
    assert entry["request_id"] == "abc12345" and entry["status"] == 200
