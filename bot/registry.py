"""Where features plug in: commands, choice and form routes, programme kinds and their
deliverers, daily maintenance jobs, and sections of /kith stats, /kith status and the home view.

Each feature module has a ``register(registry)`` function; ``bot.features`` lists them. The core
dispatches through this table and knows nothing about any one feature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from bot.choice_ids import ChoiceId
from bot.commands.parse import Invocation
from bot.i18n import _
from bot.messages import Reply, Text

if TYPE_CHECKING:
    from bot.aggregates import StatRow
    from bot.context import Context, Services
    from bot.identity import MessageRef
    from bot.maintenance import MaintenanceRun
    from bot.programmes import Programme
    from bot.scheduling.occurrences import DeliveryContext
    from bot.sparklines import StatsItem
    from bot.store.base import Tx


class OptionKind(Enum):
    TEXT = "text"
    CHANNEL = "channel"
    USER = "user"
    TIME = "time"
    DAYS = "days"
    TIMEZONE = "timezone"
    DATE = "date"
    INTEGER = "integer"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    kind: OptionKind
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()


CommandHandler = Callable[["Context", Invocation], Awaitable[Reply]]
ChoiceHandler = Callable[["Context", ChoiceId], Awaitable[Reply]]
FormHandler = Callable[["Context", ChoiceId, dict[str, str]], Awaitable[Reply]]
Deliverer = Callable[["DeliveryContext"], Awaitable["MessageRef | None"]]
# Optional database work for a deliverer, done for a whole claimed batch in one transaction
# before any network send; its result reaches the deliverer as ``DeliveryContext.prepared``.
Preparer = Callable[["Tx", "DeliveryContext"], Awaitable[object]]
# Optional: whether an earlier attempt already began delivering this occurrence in part (a buddy
# round that introduced some of its groups). Found past its grace window, such an occurrence is
# finished rather than recorded as missed, so no member is left out of something half done.
Started = Callable[["Services", int], Awaitable[bool]]
# A section of /kith stats: (context, window in days) → paragraphs.
# Series among them are shown as a sparkline line and drawn in the stats chart.
StatsSection = Callable[["Context", int], Awaitable[list["StatsItem"]]]
# A feature's rows of /kith stats export (aggregates only; small figures are withheld there).
StatsExport = Callable[["Context"], Awaitable[list["StatRow"]]]
# A section of a member's home (Slack App Home): (context) → paragraphs about the member's own
# use of a feature ("my streak", "my buddy"); an empty list when there is nothing to show.
HomeSection = Callable[["Context"], Awaitable[list["str | tuple[Text, ...]"]]]
# Extra lines under a programme in /kith status (a round under way, members it couldn't reach).
StatusLines = Callable[["Context", "Programme"], Awaitable[list[str]]]
# A line for the weekly kindness digest from another feature (buddy pairing's met rate):
# (services, community key, start of the week, now) → paragraphs, empty when there is nothing.
DigestSection = Callable[["Services", str, datetime, datetime], Awaitable[list[str]]]
# Told, inside the command's transaction, that a member chose a new time zone (tx, context, zone).
TimezoneListener = Callable[["Tx", "Context", str], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    summary: str
    handler: CommandHandler
    admin: bool = False
    usage: str = ""  # positional part, e.g. N_("<Area/City>"), shown translated
    options: tuple[Option, ...] = ()
    # Whether the core screens the command's words for signs of crisis (every command's are,
    # refused or not); off only where the words are about screening itself (an admin's phrases).
    screened: bool = True

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)

    @property
    def option_names(self) -> frozenset[str]:
        return frozenset(o.name for o in self.options)

    @property
    def synopsis(self) -> str:
        opts = [f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in self.options]
        return " ".join(filter(None, [self.name, _(self.usage) if self.usage else "", *opts]))


@dataclass(frozen=True)
class Slot:
    kind: str  # occurrence kind, e.g. 'checkin.post'
    slot: str  # unique per programme and kind, e.g. a local date
    due_at: datetime


@dataclass(frozen=True)
class ProgrammeKind:
    """A kind of programme: how it is named, when it fires, and how late a firing may still go."""

    name: str
    title: str
    slots: Callable[[Programme, datetime, datetime], Iterable[Slot]]
    grace: Callable[[Programme], timedelta]
    describe: Callable[[Programme], str]
    aliases: tuple[str, ...] = ()
    status: StatusLines | None = None
    # Occurrence kinds sent to single members (personal check-ins): their failures are the
    # kind's own status lines, not the programme's delivery problems or missed posts.
    member_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaintenanceJob:
    """Daily housekeeping across all communities (retention). ``run`` is idempotent and works in
    short slices (``bot.maintenance``); the scheduler claims each (job, UTC date) once, from
    ``at_seconds`` past midnight UTC on, and again only if a claimed run stopped short."""

    name: str
    at_seconds: int
    run: Callable[[MaintenanceRun], Awaitable[str]]


@dataclass(frozen=True)
class Planner:
    """Occurrences laid out per member rather than per programme (personal check-ins).
    ``materialise`` tops up whatever runs short at ``now`` and returns the rows created;
    ``frontier`` is the earliest moment one of its horizons needs topping up, for the timer."""

    name: str
    materialise: Callable[[Services, datetime], Awaitable[int]]
    frontier: Callable[[Services], Awaitable[datetime | None]]


@dataclass
class Registry:
    commands: dict[tuple[str, ...], Command] = field(default_factory=dict)
    choices: dict[str, ChoiceHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    # How many fields each kind's ids carry after ``v1:kind``: an id with more or fewer is not
    # one Kith made (a tampered ``v1:reflect:21:0`` must not pass for ``v1:reflect:21``).
    choice_fields: dict[str, int] = field(default_factory=dict)
    form_fields: dict[str, int] = field(default_factory=dict)
    programme_kinds: dict[str, ProgrammeKind] = field(default_factory=dict)
    deliverers: dict[str, Deliverer] = field(default_factory=dict)
    preparers: dict[str, Preparer] = field(default_factory=dict)
    started: dict[str, Started] = field(default_factory=dict)
    stats_sections: list[StatsSection] = field(default_factory=list)
    stats_exports: list[StatsExport] = field(default_factory=list)
    maintenance: list[MaintenanceJob] = field(default_factory=list)
    home_sections: list[HomeSection] = field(default_factory=list)
    planners: list[Planner] = field(default_factory=list)
    timezone_listeners: list[TimezoneListener] = field(default_factory=list)
    digest_sections: list[DigestSection] = field(default_factory=list)

    def command(self, command: Command) -> None:
        if command.path in self.commands:
            raise ValueError(f"{command.name} is registered twice")
        self.commands[command.path] = command

    def choice(self, kind: str, handler: ChoiceHandler, *, fields: int) -> None:
        if kind in self.choices:
            raise ValueError(f"the button kind {kind!r} is registered twice")
        self.choices[kind] = handler
        self.choice_fields[kind] = fields

    def form(self, kind: str, handler: FormHandler, *, fields: int) -> None:
        if kind in self.forms:
            raise ValueError(f"the form kind {kind!r} is registered twice")
        self.forms[kind] = handler
        self.form_fields[kind] = fields

    def programme_kind(self, kind: ProgrammeKind) -> None:
        self.programme_kinds[kind.name] = kind

    def deliverer(
        self,
        occurrence_kind: str,
        deliver: Deliverer,
        prepare: Preparer | None = None,
        started: Started | None = None,
    ) -> None:
        self.deliverers[occurrence_kind] = deliver
        if prepare is not None:
            self.preparers[occurrence_kind] = prepare
        if started is not None:
            self.started[occurrence_kind] = started

    def stats_section(self, section: StatsSection) -> None:
        self.stats_sections.append(section)

    def stats_export(self, section: StatsExport) -> None:
        self.stats_exports.append(section)

    def home_section(self, section: HomeSection) -> None:
        self.home_sections.append(section)

    def planner(self, planner: Planner) -> None:
        self.planners.append(planner)

    def timezone_listener(self, listener: TimezoneListener) -> None:
        self.timezone_listeners.append(listener)

    def digest_section(self, section: DigestSection) -> None:
        self.digest_sections.append(section)

    def find(self, words: list[str]) -> tuple[Command | None, int]:
        """The longest registered command path that starts ``words``, and its length."""
        lowered = [w.lower() for w in words]
        for length in range(min(len(lowered), 4), 0, -1):
            found = self.commands.get(tuple(lowered[:length]))
            if found:
                return found, length
        return None, 0

    def option_as_path(self, words: list[str]) -> list[str]:
        """``/kith setup language:es`` reads as ``/kith setup language language:es``: a
        ``key:value`` word whose key completes a command path that takes that option."""
        for i, word in enumerate(words[:4]):
            key, colon, _value = word.partition(":")
            if colon:
                path = (*(w.lower() for w in words[:i]), key.lower())
                command = self.commands.get(path)
                if i and command is not None and key.lower() in command.option_names:
                    return [*words[:i], key, *words[i:]]
                break
        return words

    def under(self, prefix: tuple[str, ...]) -> list[Command]:
        return [c for p, c in sorted(self.commands.items()) if p[: len(prefix)] == prefix]

    def programme_named(self, name: str) -> ProgrammeKind | None:
        lowered = name.lower()
        for kind in self.programme_kinds.values():
            if lowered == kind.name or lowered in kind.aliases:
                return kind
        return None
