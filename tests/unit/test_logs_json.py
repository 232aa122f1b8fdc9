"""KITH_LOG_FORMAT=json: one JSON object per line, with the event's fields, secrets redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import JsonFormatter, RedactingFilter, configure, event
from bot.settings import Settings, SettingsError

SECRET = "MTIzNDU2.discord-token-value"


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines to a buffer through the same filter ``configure`` installs."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter([SECRET]))
    logger = logging.getLogger("kith.test.json")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, out
    logger.handlers.clear()
    logger.propagate = True


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_an_event_is_one_json_object_with_typed_fields(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_log
    event(logger, "run_due", sent=3, missed=0, reason='closed "DMs" here', late=1.5, ok=True)
    event(logger, "odd", exc="x", message="y", time=None)  # names the format itself uses
    first, second = lines(out)
    assert first["event"] == "run_due" and first["level"] == "INFO"
    assert first["logger"] == "kith.test.json"
    assert first["sent"] == 3 and first["missed"] == 0 and first["late"] == 1.5
    assert first["ok"] is True and first["reason"] == 'closed "DMs" here'
    assert str(first["time"]).endswith("+00:00") and "T" in str(first["time"])
    assert str(first["message"]).startswith('event=run_due sent=3 missed=0 reason="closed \\"DMs')
    assert second["level"] == "INFO" and second["field_exc"] == "x" and "exc" not in second
    assert second["field_message"] == "y" and second["field_time"] is None


def test_secrets_are_redacted_in_fields_messages_and_tracebacks(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_log
    event(logger, "login", token=SECRET, other="xoxb-1234-5678-abcdef")
    try:
        raise RuntimeError(f"bad token {SECRET}")
    except RuntimeError:
        logger.exception("event=handle_error community=%s kind=%s", "d:1", "CommandEvent")
    text = out.getvalue()
    assert "discord-token-value" not in text and "xoxb-1234" not in text
    login, failure = lines(out)
    assert login["token"] == "***" and login["other"] == "***"
    # A plain log call written as "event=… key=%s" gets its fields parsed out too.
    assert failure["event"] == "handle_error" and failure["level"] == "ERROR"
    assert failure["community"] == "d:1" and failure["kind"] == "CommandEvent"
    assert "RuntimeError: bad token ***" in str(failure["exc"])


def test_a_plain_message_has_no_event(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = json_log
    logger.warning("disk %s is %d%% full", "/data", 93)
    (line,) = lines(out)
    assert line["message"] == "disk /data is 93% full" and "event" not in line


def test_configure_chooses_the_format() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure("INFO", [], "json")
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        configure("INFO", [], "text")
        assert not isinstance(root.handlers[0].formatter, JsonFormatter)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def test_settings_read_the_log_format_and_the_ops_endpoint() -> None:
    plain = Settings.from_env({})
    assert plain.log_format == "text" and plain.ops_port is None and plain.ops_host == "127.0.0.1"
    chosen = Settings.from_env(
        {"KITH_LOG_FORMAT": "JSON", "KITH_OPS_PORT": "9464", "KITH_OPS_HOST": "0.0.0.0"}
    )
    assert chosen.log_format == "json" and chosen.ops_port == 9464
    assert chosen.ops_host == "0.0.0.0"
    assert Settings.from_env({"KITH_OPS_PORT": "0"}).ops_port == 0  # any free port, logged
    for bad in ({"KITH_LOG_FORMAT": "xml"}, {"KITH_OPS_PORT": "http"}, {"KITH_OPS_PORT": "70000"}):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)
