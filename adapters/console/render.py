"""Rendering the neutral message model as console lines (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.messages import Link, Mention, Message, Text

PARAGRAPH_SEPARATOR = " | "


@dataclass(frozen=True)
class ConsoleMessage:
    id: str
    at: datetime
    to: str  # '#channel' or '@NAME'
    private: bool
    text: str
    choices: tuple[tuple[str, str], ...]  # (value, label)
    thread: str | None = None


def message_text(message: Message) -> str:
    paragraphs = []
    for para in message.paragraphs:
        parts = []
        for inline in para:
            if isinstance(inline, Text):
                parts.append(inline.text)
            elif isinstance(inline, Mention):
                parts.append(f"@{inline.name}")
            elif isinstance(inline, Link):
                parts.append(f"{inline.label} <{inline.url}>")
        paragraphs.append("".join(parts))
    if message.note:
        paragraphs.append(message.note)
    if message.attachment is not None:  # the console shows a file inline, after its name
        paragraphs.append(f"[{message.attachment.filename}]")
        paragraphs.append(message.attachment.content)
    return "\n".join(paragraphs)


def plain_line(msg: ConsoleMessage) -> str:
    target = f"{msg.to} (private)" if msg.private else msg.to
    text = msg.text.replace("\n", PARAGRAPH_SEPARATOR)
    line = f"[{msg.id} → {target}] {text}"
    if msg.choices:
        line += " (choices: " + ", ".join(f"{v}={label}" for v, label in msg.choices) + ")"
    return line


def json_line(msg: ConsoleMessage) -> str:
    return json.dumps(
        {
            "id": msg.id,
            "at": msg.at.isoformat(),
            "to": msg.to,
            "private": msg.private,
            "text": msg.text,
            "choices": [{"value": v, "label": label} for v, label in msg.choices],
            "thread": msg.thread,
        },
        ensure_ascii=False,
    )
