"""Parsing console input lines (pure): the SPEC's console contract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.scheduling.clock import OutOfRange, schedulable

NAME = r"[A-Za-z0-9_.\-]{1,32}"
_SAY = re.compile(rf"^@({NAME}):\s?(.*)$", re.DOTALL)
_CLICK = re.compile(r"^!click\s+(\S+)\s+(\S+)\s*$")
# A BCP 47 language tag as platforms send it (``es``, ``pt-BR``, ``es-419``); ``_`` read as ``-``.
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_DURATION = re.compile(r"^(\d{1,6})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# How far one line may move the clock. Moving it runs everything that falls due on the way, in
# order, so a line that skipped decades would keep the console busy for minutes.
MAX_STEP = timedelta(days=366)


class ScriptError(ValueError):
    pass


@dataclass(frozen=True)
class Say:
    name: str
    text: str


@dataclass(frozen=True)
class Click:
    name: str
    message_id: str
    value: str


@dataclass(frozen=True)
class MakeAdmin:
    name: str


@dataclass(frozen=True)
class SetZone:
    name: str
    zone: str


@dataclass(frozen=True)
class SetLocale:
    """The member's platform language, as Discord's interaction locale or Slack's user locale
    would carry it; the core matches it to a language Kith speaks, else uses the community's."""

    name: str
    locale: str


@dataclass(frozen=True)
class Advance:
    by: timedelta


@dataclass(frozen=True)
class At:
    instant: datetime


Line = Say | Click | MakeAdmin | SetZone | SetLocale | Advance | At


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise ScriptError(f"“{text[:20]}” is not a duration: use 90s, 15m, 3h, 2d or 1w")
    by = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if by > MAX_STEP:
        raise ScriptError(f"{too_far()}; split it into several :advance lines")
    return by


def parse_locale(rest: str) -> SetLocale:
    """``:locale NAME LANG``; a tag Kith has no language for (``fr``) is still the member's
    platform language: the core then answers in the community's."""
    parts = rest.split()
    if not parts:
        raise ScriptError(":locale takes a member name and a language, like :locale ana es")
    name = parts[0].removeprefix("@")
    if not re.fullmatch(NAME, name):
        raise ScriptError(
            f"“{parts[0][:40]}” is not a member name (letters, digits, _ . -, up to 32);"
            " nothing was changed"
        )
    if len(parts) == 1:
        raise ScriptError(f":locale {name} needs a language, like es or pt-BR; nothing was changed")
    if len(parts) > 2 or not _LANG.match(parts[1]):
        raise ScriptError(
            f"“{' '.join(parts[1:])[:40]}” is not a language tag like es or pt-BR;"
            " nothing was changed"
        )
    return SetLocale(name, parts[1].replace("_", "-"))


def too_far() -> str:
    return f"one line moves the clock at most {MAX_STEP.days} days"


def parse_instant(text: str, default_tz: object) -> datetime:
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ScriptError(f"“{text[:40]}” is not an ISO date-time like 2026-03-02T09:00") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=default_tz)  # type: ignore[arg-type]
    try:
        schedulable(instant)
    except OutOfRange as exc:
        raise ScriptError(str(exc)) from None
    return instant


def decode_line(raw: bytes) -> str:
    """A line of a script or of standard input as text; ScriptError if it is not UTF-8 (reported
    like any malformed line, and skipped)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError(
            f"not valid UTF-8 text (byte {exc.start + 1}); the line was skipped"
        ) from None


def parse_line(raw: str, default_tz: object) -> Line | None:
    """One input line → an action, None for blanks and comments; ScriptError if malformed."""
    line = raw.rstrip("\r\n")
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    if stripped.startswith("@"):
        match = _SAY.match(stripped)
        if not match:
            raise ScriptError("member lines look like @NAME: TEXT (names: letters, digits, _ . -)")
        name, text = match.group(1), match.group(2).strip()
        if not text:
            raise ScriptError(f"@{name} says nothing")
        if text.startswith("!click"):
            click = _CLICK.match(text)
            if not click:
                raise ScriptError("clicks look like @NAME: !click MSGID VALUE")
            return Click(name, click.group(1), click.group(2))
        return Say(name, text)
    if stripped.startswith(":"):
        word, _, rest = stripped[1:].partition(" ")
        rest = rest.strip()
        if word == "admin" and re.fullmatch(NAME, rest):
            return MakeAdmin(rest)
        if word == "tz":
            parts = rest.split()
            if len(parts) == 2 and re.fullmatch(NAME, parts[0]):
                return SetZone(parts[0], parts[1])
            raise ScriptError(":tz takes a member name and a zone, like :tz alice Europe/London")
        if word == "locale":
            return parse_locale(rest)
        if word == "advance":
            return Advance(parse_duration(rest))
        if word == "at":
            return At(parse_instant(rest, default_tz))
        raise ScriptError(
            f"unknown directive :{word[:20]} (known: :admin, :tz, :locale, :advance, :at)"
        )
    raise ScriptError("lines start with @NAME:, :directive or # (a comment)")
