"""Rendering the neutral message model as Slack Block Kit (pure: no I/O, no SDK client).

Blocks are built with ``slack_sdk.models`` and serialised with ``to_dict()``, which runs the SDK's
validators (text lengths, buttons per block, action_id length), so a message Slack would reject
fails here, in a test, instead of at 09:00 in someone's channel.

Member text is escaped for mrkdwn (``&``, ``<``, ``>``), so ``<!channel>``, ``<!here>`` or ``<@U1>``
typed by a member is shown as text and never pings anyone. Every mrkdwn object is ``verbatim`` so
Slack does not auto-link bare ``@here`` or channel names either. Members are named without a ping
(``@Name``) unless the message explicitly allows a ping for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import _, pgettext
from bot.messages import ChoiceStyle, Form, Inline, Mention, Message, Paragraph, Text

SECTION_TEXT = SectionBlock.text_max_length  # 3000
HEADER_TEXT = HeaderBlock.text_max_length  # 150
BUTTONS_PER_BLOCK = ActionsBlock.elements_max_length  # 25
BUTTON_TEXT = ButtonElement.text_max_length  # 75
BUTTON_VALUE = ButtonElement.value_max_length  # 2000
MESSAGE_BLOCKS = 50  # chat.postMessage refuses more
VIEW_BLOCKS = View.blocks_max_length  # 100, modals and the Home tab
MAX_ALT_TEXT = 2000  # an image block's alt_text
VIEW_TITLE = View.title_max_length  # 24
INPUT_MAX = 3000  # plain_text_input max_length
PLACEHOLDER = 150
FALLBACK_TEXT = 3000  # the notification / screen-reader text beside the blocks
SHORTENED = "… (shortened)"

# A channel link ``<#C123>`` is the one piece of Slack markup kept from text: it names a channel
# (``ChatPort.channel_label`` returns it) and can never notify anyone.
_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]{2,30})&gt;")
_USER_TOKEN = re.compile(r"&lt;@[UW][A-Z0-9]{2,30}(\|([^&|\s]{1,80}))?&gt;")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>|]+$")


def escape(text: str) -> str:
    """Escape text for mrkdwn the way Slack documents it: ``&``, ``<`` and ``>`` only.

    A member mention that arrived in member text (``<@U1|bo>``, how Slack sends "@bo") is shown
    as ``@bo``: readable, and never a ping."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _USER_TOKEN.sub(lambda m: "@" + (m.group(2) or "someone"), escaped)
    return _CHANNEL_LINK.sub(r"<#\1>", escaped)


def _bold(text: str) -> str:
    """``*text*`` with surrounding spaces kept outside the markers (Slack ignores ``* x*``)."""
    core = text.strip()
    if not core:
        return escape(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}*{escape(core)}*{trail}"


def _inline(inline: Inline, pings: frozenset[str]) -> str:
    if isinstance(inline, Text):
        return _bold(inline.text) if inline.bold else escape(inline.text)
    if isinstance(inline, Mention):
        if inline.user.key in pings:
            return f"<@{inline.user.id}>"
        return escape(f"@{inline.name}")
    if _SAFE_URL.match(inline.url):
        label = inline.label.strip() or inline.url
        return f"<{escape(inline.url)}|{escape(label)}>"
    return escape(f"{inline.label} ({inline.url})")


def paragraph_mrkdwn(paragraph: Paragraph, pings: frozenset[str] = frozenset()) -> str:
    return "".join(_inline(inline, pings) for inline in paragraph)


def _plain_inline(inline: Inline) -> str:
    if isinstance(inline, Text):
        return inline.text
    if isinstance(inline, Mention):
        return f"@{inline.name}"
    return f"{inline.label} ({inline.url})"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_TOKEN = re.compile(r"<[^<>]*>|&[a-z]+;|\s+|[^\s<&]+|.", re.DOTALL)


def split_mrkdwn(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Cut mrkdwn into pieces of at most ``limit`` characters, at whitespace where possible and
    never inside an escape (``&amp;``) or a link/mention token (``<…>``)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        while len(token) > limit:  # a single enormous word: cut it (not inside tokens above)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(token[:limit])
            token = token[limit:]
        if len(current) + len(token) > limit:
            pieces.append(current)
            current = token.lstrip() if token.isspace() else token
        else:
            current += token
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _sections(lines: Sequence[str]) -> list[str]:
    """Pack paragraphs (one per line) into as few section texts as fit."""
    texts: list[str] = []
    current = ""
    for line in lines:
        for piece in split_mrkdwn(line) or [""]:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= SECTION_TEXT:
                current = candidate
            else:
                texts.append(current)
                current = piece
    if current.strip():
        texts.append(current)
    return texts


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def _header(paragraph: Paragraph) -> str | None:
    """A first paragraph that is one short bold text becomes a header block."""
    if len(paragraph) == 1 and isinstance(paragraph[0], Text) and paragraph[0].bold:
        text = paragraph[0].text.strip()
        if 0 < len(text) <= HEADER_TEXT:
            return text
    return None


def _buttons(message: Message) -> list[Block]:
    seen: set[str] = set()
    buttons: list[ButtonElement] = []
    for choice in message.choices:
        if choice.id in seen:  # Slack rejects a message with two equal action_ids
            continue
        seen.add(choice.id)
        style = None if choice.style is ChoiceStyle.DEFAULT else choice.style.value
        buttons.append(
            ButtonElement(
                text=_plain(_fit(choice.label, BUTTON_TEXT)),
                action_id=choice.id,
                value=choice.value[:BUTTON_VALUE],
                style=style,
            )
        )
    return [
        ActionsBlock(elements=buttons[start : start + BUTTONS_PER_BLOCK])
        for start in range(0, len(buttons), BUTTONS_PER_BLOCK)
    ]


def message_blocks(message: Message, max_blocks: int = MESSAGE_BLOCKS) -> list[Block]:
    pings = frozenset(user.key for user in message.pings)
    paragraphs = list(message.paragraphs)
    blocks: list[Block] = []
    header = _header(paragraphs[0]) if paragraphs else None
    if header is not None:
        blocks.append(HeaderBlock(text=_plain(header)))
        paragraphs = paragraphs[1:]
    tail: list[Block] = _buttons(message)
    if message.note:
        note = (split_mrkdwn(escape(message.note)) or ["…"])[0]
        tail.append(ContextBlock(elements=[_mrkdwn(note)]))
    room = max_blocks - len(blocks) - len(tail)
    texts = _sections([paragraph_mrkdwn(p, pings) for p in paragraphs])
    if len(texts) > room:
        texts = texts[: max(room, 1)]
        texts[-1] = split_mrkdwn(texts[-1], SECTION_TEXT - len(SHORTENED))[0] + SHORTENED
    blocks.extend(SectionBlock(text=_mrkdwn(text)) for text in texts)
    blocks.extend(tail)
    return blocks[:max_blocks]


def fallback_text(message: Message) -> str:
    """The top-level ``text``: notifications and screen readers show it; escaped like the rest."""
    lines = ["".join(_plain_inline(i) for i in para) for para in message.paragraphs]
    if message.note:
        lines.append(message.note)
    text = "\n".join(line for line in lines if line.strip()) or "Kith"
    return escape(_fit(text, FALLBACK_TEXT))


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage / chat.postEphemeral / a response_url take: text plus blocks."""

    text: str
    blocks: list[dict[str, Any]]


def render_message(message: Message) -> SlackMessage:
    blocks = message_blocks(message)
    return SlackMessage(fallback_text(message), [b.to_dict() for b in blocks])


_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(name: str) -> str:
    """A file name Slack shows as is: letters, digits, ``._-``; never empty."""
    return (_SAFE_FILENAME.sub("_", name).strip("._") or "kith.txt")[:100]


def render_form(form: Form, private_metadata: str = "") -> dict[str, Any]:
    """A modal for a ``Form``: its id is the view's callback_id, each field an input block whose
    block_id and action_id are the field name, so a submission maps straight back to values."""
    blocks: list[Block] = []
    if form.intro.strip():
        blocks.extend(SectionBlock(text=_mrkdwn(t)) for t in _sections([escape(form.intro)])[:1])
    for field in form.fields:
        element = PlainTextInputElement(
            action_id=field.name,
            multiline=field.multiline,
            max_length=max(1, min(field.max_length, INPUT_MAX)),
            placeholder=_plain(_fit(field.placeholder, PLACEHOLDER)) if field.placeholder else None,
        )
        blocks.append(
            InputBlock(
                block_id=field.name,
                label=_plain(_fit(field.label, InputBlock.label_max_length)),
                element=element,
            )
        )
    view = View(
        type="modal",
        callback_id=form.id,
        title=_plain(_fit(form.title, VIEW_TITLE)),
        submit=_plain(pgettext("button", "Save")),
        close=_plain(pgettext("button", "Cancel")),
        private_metadata=private_metadata or None,
        blocks=blocks[:VIEW_BLOCKS],
    )
    return view.to_dict()


def render_home(message: Message, chart: tuple[str, str] | None = None) -> dict[str, Any]:
    """The App Home tab: the same message model, with the larger view block budget; for an
    admin, ``chart`` (file id, alt text) adds the latest stats chart as an image block that
    refers to the uploaded file (no public URL)."""
    blocks = message_blocks(message, VIEW_BLOCKS - (1 if chart else 0))
    if chart is not None:
        file_id, alt = chart
        blocks.append(
            {
                "type": "image",
                "slack_file": {"id": file_id},
                "alt_text": alt[:MAX_ALT_TEXT] or _("Kith stats chart"),
                "title": {"type": "plain_text", "text": _("Latest /kith stats chart")},
            }
        )
    view = View(type="home", blocks=blocks)
    return view.to_dict()
