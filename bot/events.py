"""Inbound events: what an adapter hands to ``Kith.handle``. Adapters translate platform payloads
into these and nothing else, so every feature is written once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.commands.parse import clean_text
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef


@dataclass(frozen=True, slots=True)
class Actor:
    """The member behind an event, as the platform knows them right now.

    ``is_platform_admin`` is the platform's own verdict (Discord Manage Server, Slack admin/owner,
    console ``:admin``); the core combines it with the community's configured admins.
    ``locale`` is the member's language as the platform knows it (Discord's interaction locale,
    Slack's ``users.info`` locale, console ``:locale``); ``community_locale`` the community's
    (Discord's server locale). Both are tags such as ``pt-BR``, matched by ``bot.i18n``.
    """

    user: UserRef
    display_name: str
    is_platform_admin: bool = False
    is_bot: bool = False
    platform_tz: str | None = None
    role_ids: frozenset[str] = field(default_factory=frozenset)
    locale: str | None = None
    community_locale: str | None = None

    def __post_init__(self) -> None:
        # Names are shown to other members: no control, zero-width or direction-override
        # characters (an override reverses the rest of the line it is shown in), on one line.
        name = " ".join(clean_text(self.display_name).split())
        if name != self.display_name:
            object.__setattr__(self, "display_name", name)

    @property
    def community(self) -> CommunityRef:
        return self.user.community


@dataclass(frozen=True, slots=True)
class CommandEvent:
    """A slash command as text, e.g. ``/kith setup checkin channel:#c time:09:00``.

    Adapters with typed options write them back as ``key:value`` words, so one parser serves all.
    """

    actor: Actor
    text: str
    channel: ChannelRef | None = None


@dataclass(frozen=True, slots=True)
class ClickEvent:
    actor: Actor
    choice_id: str
    message: MessageRef | None = None
    channel: ChannelRef | None = None


@dataclass(frozen=True, slots=True)
class FormSubmitEvent:
    actor: Actor
    form_id: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class DirectTextEvent:
    """Free text a member sent the bot privately (a DM, or a reply where a modal is unavailable)."""

    actor: Actor
    text: str


Event = CommandEvent | ClickEvent | FormSubmitEvent | DirectTextEvent
