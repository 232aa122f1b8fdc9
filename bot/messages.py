"""A small neutral message model that every adapter renders its own way.

Text is plain: adapters escape it for their markup and send it with mentions disabled, so member
text can never ping anyone. ``Mention`` is the only way to name a member, and adapters render it
without a ping unless the message explicitly allows pings for that member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.identity import UserRef


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    user: UserRef
    name: str


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str


Inline = Text | Mention | Link
Paragraph = tuple[Inline, ...]


class ChoiceStyle(Enum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. ``id`` is an encoded choice id (see bot.choice_ids); ``value`` is a short word
    the console and numbered-choice fallbacks show."""

    id: str
    label: str
    value: str
    style: ChoiceStyle = ChoiceStyle.DEFAULT


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    placeholder: str = ""
    max_length: int = 1500
    multiline: bool = True


@dataclass(frozen=True, slots=True)
class Form:
    """A private text box (a modal where the platform has one)."""

    id: str
    title: str
    fields: tuple[FormField, ...]
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: a member's data export (text), a stats chart (PNG bytes).
    ``description`` is an image's alt text (Discord's attachment description, Slack's
    ``alt_text``)."""

    filename: str
    content: str | bytes
    media_type: str = "application/json"
    description: str = ""

    @property
    def data(self) -> bytes:
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True, slots=True)
class Message:
    paragraphs: tuple[Paragraph, ...]
    choices: tuple[Choice, ...] = ()
    note: str = ""
    pings: frozenset[UserRef] = field(default_factory=frozenset)
    attachment: Attachment | None = None

    @property
    def plain_text(self) -> str:
        """The text without markup, paragraphs separated by newlines (for logs and the console)."""
        lines = ["".join(_plain(inline) for inline in para) for para in self.paragraphs]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


def _plain(inline: Inline) -> str:
    if isinstance(inline, Text):
        return inline.text
    if isinstance(inline, Mention):
        return f"@{inline.name}"
    return f"{inline.label} ({inline.url})"


def message(
    *paragraphs: str | Paragraph | Inline, choices: tuple[Choice, ...] = (), note: str = ""
) -> Message:
    """Build a message from strings, single inlines or tuples of inlines, one per paragraph."""
    built: list[Paragraph] = []
    for para in paragraphs:
        if isinstance(para, str):
            built.append((Text(para),))
        elif isinstance(para, tuple):
            built.append(para)
        else:
            built.append((para,))
    return Message(paragraphs=tuple(built), choices=choices, note=note)


@dataclass(frozen=True, slots=True)
class Reply:
    """The core's answer to one inbound event, delivered by the adapter to the actor.

    ``private`` answers are ephemeral (or a DM where the platform has no ephemeral messages).
    ``form`` asks the adapter to open a private text box instead of (or after) the message.
    """

    message: Message | None = None
    private: bool = True
    form: Form | None = None

    @classmethod
    def text(
        cls,
        *paragraphs: str | Paragraph | Inline,
        private: bool = True,
        choices: tuple[Choice, ...] = (),
    ) -> Reply:
        return cls(message(*paragraphs, choices=choices), private=private)


NO_REPLY = Reply()
