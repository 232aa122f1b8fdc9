"""Rendering the neutral message model as console lines (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import _
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


def message_text(message: Message, saved: str | None = None) -> str:
    """The message's text; ``saved`` is where an image attachment was written (the console
    cannot show pictures, so it names the file and gives the picture's alt text)."""
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
    attachment = message.attachment
    if attachment is not None and saved is not None:
        paragraphs.append(_("[{file} saved to {path}]", file=attachment.filename, path=saved))
        if attachment.description:
            paragraphs.append(attachment.description)
    elif attachment is not None:  # the console shows a text file inline, after its name
        paragraphs.append(f"[{attachment.filename}]")
        paragraphs.append(attachment.data.decode("utf-8", errors="replace"))
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
