"""X-Request-Id in and out, and one JSON log object per line carrying it."""

import io
import json
import logging

from addchat.ops.logs import JsonFormatter, RequestIdFilter, configure_logging


def test_a_request_gets_an_id_and_a_sound_incoming_one_is_kept(app):
    client = app.test_client()
    made = client.get("/addchat/healthz").headers["X-Request-Id"]
    assert len(made) == 32
    assert (
        client.get("/addchat/healthz", headers={"X-Request-Id": "nginx-abc.123"}).headers["X-Request-Id"]
        == "nginx-abc.123"
    )


def test_an_unsound_incoming_id_is_replaced(app):
    client = app.test_client()
    for bad in ("x" * 200, "a b", 'x"},{"forged":1', "<script>"):
        got = client.get("/addchat/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert got != bad and len(got) == 32


def test_error_answers_carry_the_id_too(app):
    response = app.test_client().get("/addchat/api/poll?cursor=0", headers={"X-Request-Id": "r-401"})
    assert response.status_code == 401
    assert response.headers["X-Request-Id"] == "r-401"


def test_json_logs_carry_the_request_id_of_each_line(app):
    stream = io.StringIO()
    app.config["ADDCHAT_LOG_FORMAT"] = "json"
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(app, stream)
        app.test_client().get("/addchat/healthz", headers={"X-Request-Id": "trace-1"})
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "addchat.request"]
    assert access, lines
    assert access[-1]["request_id"] == "trace-1"
    assert access[-1]["path"] == "/addchat/healthz" and access[-1]["status"] == 200
    assert access[-1]["level"] == "info" and access[-1]["ts"].endswith("Z")


def test_the_formatter_keeps_a_hostile_message_on_one_line():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, 'line1\n{"level": "fake"}', None, None)
    RequestIdFilter().filter(record)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert json.loads(text)["message"] == 'line1\n{"level": "fake"}'
