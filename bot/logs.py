"""Structured logs: one event per line as ``key=value`` pairs (or, with ``KITH_LOG_FORMAT=json``,
one JSON object per line), with every known secret redacted."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime

_TOKEN_SHAPES = re.compile(r"xox[abpr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}")


class RedactingFilter(logging.Filter):
    """Replace known secrets (and anything shaped like a Slack token) in every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _TOKEN_SHAPES.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        fields = getattr(record, "kith_fields", None)
        if fields:
            record.kith_fields = {k: self._redact_value(v) for k, v in fields.items()}
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def _redact_value(self, value: object) -> object:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self.redact(str(value))


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one structured event: ``event=name key=value …`` (values quoted when they need it).

    The name and fields also ride on the record, typed, for the JSON format."""
    if not logger.isEnabledFor(level):
        return
    parts = [f"event={name}"]
    for key, value in fields.items():
        text = str(value)
        if not text or any(c in text for c in ' ="'):
            text = '"' + text.replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    logger.log(level, " ".join(parts), extra={"kith_event": name, "kith_fields": fields})


_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')
_RESERVED = frozenset({"time", "level", "logger", "message", "event", "exc", "stack"})


def _parse_event(message: str) -> tuple[str, dict[str, object]] | None:
    """Fields of a message logged as ``"event=x key=%s" % …`` rather than through ``event``."""
    if not message.startswith("event="):
        return None
    pairs = {
        key: value[1:-1].replace('\\"', '"') if value.startswith('"') else value
        for key, value in _PAIR.findall(message)
    }
    name = str(pairs.pop("event", ""))
    return (name, dict(pairs)) if name else None


def _json_value(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the event's
    name and fields as top-level keys (a field named like one of those gets a ``field_`` prefix)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        out: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        name: str | None = getattr(record, "kith_event", None)
        fields: dict[str, object] | None = getattr(record, "kith_fields", None)
        if name is None:
            name, fields = _parse_event(message) or (None, None)
        if name:
            out["event"] = name
        for key, value in (fields or {}).items():
            out[f"field_{key}" if key in _RESERVED else key] = _json_value(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False)


def configure(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter("%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    )
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
