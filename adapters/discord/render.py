"""Rendering the neutral message model for Discord (pure: no I/O, no client).

A ``Message`` becomes one or more ``Rendered`` messages: markdown content split at Discord's
2,000-character limit, with the buttons on the last part. Every piece of text in the model is
plain text, so all of it is escaped (markdown and mentions); the only pings that can ever happen
are the members a message lists in ``pings``, and every message carries an explicit
``allowed_mentions`` saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from discord.utils import escape_markdown, escape_mentions

from bot.messages import ChoiceStyle, Form, Link, Mention, Message, Paragraph, Text

MAX_CONTENT = 2000
MAX_BUTTONS_PER_ROW = 5
MAX_ROWS = 5
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_MODAL_TITLE = 45
MAX_FIELD_LABEL = 45
MAX_PLACEHOLDER = 100
MAX_INPUT = 4000
MAX_MODAL_COMPONENTS = 5
_SNOWFLAKE = re.compile(r"^\d{15,21}$")
_SAFE_URL = re.compile(r"^https?://[^\s<>()]+$")
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
# Every character discord.py's escape_markdown or escape_mentions can act on (markdown marks,
# block quotes, headings, list dashes, masked links, mentions): text without any of them comes
# back unchanged, so it skips their regular expressions (about 9 µs for a sentence).
_MAY_NEED_ESCAPE = re.compile(r"[_\\~|*`>\[#\-@]")

STYLES = {ChoiceStyle.PRIMARY: 1, ChoiceStyle.DEFAULT: 2, ChoiceStyle.DANGER: 4}


@dataclass(frozen=True, slots=True)
class Button:
    custom_id: str
    label: str
    style: int  # Discord button style: 1 primary, 2 secondary, 4 danger


@dataclass(frozen=True, slots=True)
class File:
    filename: str
    data: bytes
    media_type: str
    description: str = ""  # an image's alt text


@dataclass(frozen=True, slots=True)
class Rendered:
    """One Discord message: content, rows of buttons, an optional file, and the only users it
    may ping."""

    content: str
    rows: tuple[tuple[Button, ...], ...] = ()
    ping_user_ids: tuple[str, ...] = ()
    file: File | None = None

    def allowed_mentions(self) -> dict[str, Any]:
        return {"parse": [], "users": list(self.ping_user_ids), "replied_user": False}

    def components(self) -> list[dict[str, Any]]:
        return [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": b.style, "label": b.label, "custom_id": b.custom_id}
                    for b in row
                ],
            }
            for row in self.rows
        ]

    def payload(self) -> dict[str, Any]:
        """The body of Discord's create-message call (what golden tests pin down)."""
        body: dict[str, Any] = {
            "content": self.content,
            "allowed_mentions": self.allowed_mentions(),
        }
        if self.rows:
            body["components"] = self.components()
        if self.file is not None:
            body["attachments"] = [{"id": 0, "filename": self.file.filename}]
            if self.file.description:
                body["attachments"][0]["description"] = self.file.description
        return body


@dataclass(frozen=True, slots=True)
class ModalField:
    custom_id: str
    label: str
    placeholder: str
    max_length: int
    paragraph: bool


@dataclass(frozen=True, slots=True)
class ModalSpec:
    custom_id: str
    title: str
    intro: str  # escaped markdown shown above the fields; may be empty
    fields: tuple[ModalField, ...]


def escape(text: str) -> str:
    """Plain text → Discord markdown that shows exactly that text and pings nobody."""
    if _MAY_NEED_ESCAPE.search(text) is None:
        return text
    return escape_mentions(escape_markdown(text))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _inline(inline: Text | Mention | Link) -> str:
    if isinstance(inline, Text):
        body = escape(inline.text)
        if not inline.bold or not body.strip():
            return body
        # Markers hug the words: "**Starter:** text", never "**Starter: **text".
        core = body.strip()
        start = body.index(core[0])
        return f"{body[:start]}**{core}**{body[start + len(core) :]}"
    if isinstance(inline, Mention):
        if _SNOWFLAKE.match(inline.user.id):
            return f"<@{inline.user.id}>"
        return escape(f"@{inline.name}")
    label = escape(inline.label) or escape(inline.url)
    if _SAFE_URL.match(inline.url):
        return f"[{label}](<{inline.url}>)"
    return f"{label} ({escape(inline.url)})"


def paragraph_text(paragraph: Paragraph) -> str:
    """A mention renders as ``<@id>``, which shows the name; whether it pings is decided by the
    message's ``allowed_mentions`` alone."""
    return "".join(_inline(inline) for inline in paragraph)


def _split_long(text: str, limit: int) -> list[str]:
    """Split one over-long paragraph at whitespace, never inside an escape or a mention."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        opening, closing = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
        if opening > closing and opening > 0:
            cut = opening  # do not cut a <@id> or <#id> in two
        while cut > 1 and text[cut - 1] == "\\":
            cut -= 1  # do not separate a backslash from the character it escapes
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip(" ")
    pieces.append(text)
    return [p for p in pieces if p]


def _chunks(paragraphs: list[str], limit: int) -> list[str]:
    lines: list[str] = []
    for para in paragraphs:
        lines.extend(_split_long(para, limit) if len(para) > limit else [para])
    chunks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def _rows(message: Message) -> tuple[tuple[Button, ...], ...]:
    buttons = []
    for choice in message.choices[: MAX_BUTTONS_PER_ROW * MAX_ROWS]:
        if not choice.id or len(choice.id) > MAX_CUSTOM_ID:
            raise ValueError(f"choice id {choice.id[:20]!r}… is not a valid Discord custom_id")
        label = _clip(choice.label.strip() or choice.value, MAX_LABEL)
        buttons.append(Button(choice.id, label, STYLES[choice.style]))
    return tuple(
        tuple(buttons[i : i + MAX_BUTTONS_PER_ROW])
        for i in range(0, len(buttons), MAX_BUTTONS_PER_ROW)
    )


def render_message(message: Message, *, max_text: int = MAX_CONTENT) -> list[Rendered]:
    """The Discord messages that show ``message``: usually one; buttons go on the last."""
    pings = sorted(u.id for u in message.pings if _SNOWFLAKE.match(u.id))
    paragraphs = [paragraph_text(p) for p in message.paragraphs]
    if message.note:
        paragraphs.append("-# " + escape(message.note))
    chunks = _chunks(paragraphs, max_text)
    rows = _rows(message)
    file = None
    if message.attachment is not None:
        attachment = message.attachment
        name = _SAFE_FILENAME.sub("_", attachment.filename).strip("._") or "kith.txt"
        file = File(
            name[:100], attachment.data, attachment.media_type, attachment.description[:1024]
        )
    if not chunks[-1].strip() and not rows and file is None:
        chunks[-1] = "\u200b"  # Discord refuses a message with neither text nor components
    rendered = [Rendered(chunk, (), tuple(pings)) for chunk in chunks[:-1]]
    rendered.append(Rendered(chunks[-1], rows, tuple(pings), file))
    return rendered


def render_modal(form: Form, extra: str = "") -> ModalSpec:
    """A form as a modal: the intro (and any message sent with it) above up to five fields."""
    intro = "\n".join(escape(t) for t in (form.intro, extra) if t.strip())
    room = MAX_MODAL_COMPONENTS - (1 if intro else 0)
    fields = tuple(
        ModalField(
            custom_id=f.name,
            label=_clip(f.label, MAX_FIELD_LABEL),
            placeholder=_clip(f.placeholder, MAX_PLACEHOLDER),
            max_length=max(1, min(f.max_length, MAX_INPUT)),
            paragraph=f.multiline,
        )
        for f in form.fields[:room]
    )
    return ModalSpec(form.id, _clip(form.title, MAX_MODAL_TITLE), _clip(intro, MAX_INPUT), fields)
