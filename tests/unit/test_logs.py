from __future__ import annotations

import logging

import pytest

from bot.logs import RedactingFilter, event


def test_known_secrets_and_token_shapes_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("kith.test")
    logger.addFilter(RedactingFilter(["MTIzNDU2.discord-token-value"]))
    with caplog.at_level(logging.INFO, logger="kith.test"):
        event(logger, "login", token="MTIzNDU2.discord-token-value", other="xoxb-1234-5678-abcdef")
        try:
            raise RuntimeError("bad token MTIzNDU2.discord-token-value")
        except RuntimeError:
            logger.exception("failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "discord-token-value" not in text and "xoxb-1234" not in text
    assert "event=login token=***" in caplog.text


def test_structured_event_quotes_values_with_spaces(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="kith.test2"):
        event(logging.getLogger("kith.test2"), "x", reason='closed "DMs" here', n=3)
    assert 'event=x reason="closed \\"DMs\\" here" n=3' in caplog.text
