"""The slash-command tree, built from the core's registry (pure: no client, no I/O).

Nothing here knows any one feature. Every registered command becomes a Discord chat-input
command, subcommand or subcommand in a group, following its path. Typed options keep their kind
(channel and user pickers, integers, fixed choices, time-zone autocomplete); the positional part
of a command's ``usage`` (``<Area/City>``, ``@member <why>``, ``[list|add @member]``) becomes
options too, so members get pickers instead of free text. ``inbound`` turns an invocation back into
the ``/path key:value`` text the core's single parser reads.

Names and descriptions carry Discord's localisations for every language Kith ships (Discord's
``es-ES`` and ``es-419`` read Spanish, ``pt-BR`` Brazilian Portuguese): the tree is built once per
language with the names of ``command_names`` and the descriptions from the catalogue, and the
translations are laid over the English payload. Interactions still carry the English names.

Discord can limit visibility only per top-level command (``default_member_permissions``), so a
top-level command whose every subcommand is for admins is hidden from non-admins by default; a
mixed group such as ``/kith`` stays visible, and the core re-checks admin rights on every call.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from adapters.discord.command_names import choice_names, command_names
from bot.i18n import N_, _, current_language, use_language
from bot.i18n.languages import DEFAULT_LANGUAGE, match_language
from bot.registry import Command, OptionKind, Registry
from bot.scheduling.timezones import suggest_zones

# Discord's documented limits for application commands.
MAX_NAME = 32
MAX_DESCRIPTION = 100
MAX_CHOICES = 25
MAX_OPTIONS = 25
MAX_AUTOCOMPLETE = 25
_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
_TOKEN = re.compile(r"\[[^\]]*\]|<[^>]*>|\S+")
_ZONE_WORDS = re.compile(r"area/city|iana|time ?zone|\btz\b", re.IGNORECASE)

# Discord's locales (its documentation's list): each one whose language Kith ships gets that
# language's names and descriptions.
DISCORD_LOCALES = (
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi",
    "th", "zh-CN", "ja", "zh-TW", "ko",
)  # fmt: skip

# Option types (application command option type in Discord's documentation).
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, USER, CHANNEL = 1, 2, 3, 4, 6, 7
TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL = 0, 5
MANAGE_GUILD = 1 << 5
GUILD_CONTEXT, GUILD_INSTALL = 0, 0

OPTION_TYPES = {
    OptionKind.TEXT: STRING,
    OptionKind.CHANNEL: CHANNEL,
    OptionKind.USER: USER,
    OptionKind.TIME: STRING,
    OptionKind.DAYS: STRING,
    OptionKind.TIMEZONE: STRING,
    OptionKind.DATE: STRING,
    OptionKind.INTEGER: INTEGER,
    OptionKind.CHOICE: STRING,
}
HINTS = {
    OptionKind.TIME: " (HH:MM)",
    OptionKind.DATE: " (YYYY-MM-DD)",
}
# What the options made from a command's usage words say about themselves.
A_MEMBER = N_("a member")
A_CHANNEL = N_("a channel")
A_ZONE = N_("time zone, like Europe/London")
WHICH_PROGRAMME = N_("which programme")
WHAT_TO_DO = N_("what to do")
A_DATE = N_("a date")
# Discord cannot invoke a command that also has subcommands (``/streak`` beside
# ``/streak milestones``), so such a command is offered as its first free name from this list
# (``/streak show``) and sent to the core under its own path.
SELF_NAMES = ("show", "view", "open", "run")
# Shown before anything is typed into a time-zone option.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


Namer = Callable[[str], str]


def namer() -> Namer:
    """Command words → their names in the current language; a deduplicated option name
    (``member2``) keeps its number, and a word with no entry stays as it is."""
    names = command_names()

    def name(word: str) -> str:
        if word in names:
            return names[word]
        base = word.rstrip("0123456789")
        return names[base] + word[len(base) :] if base in names else word

    return name


@cache
def choice_words(language: str) -> dict[str, str]:
    """How fixed choices are shown in ``language`` (read once per language)."""
    with use_language(language):
        return choice_names()


def valid_name(name: str) -> bool:
    """Discord's rule for a chat-input command or option name in any locale: 1-32 letters,
    digits, ``-``, ``_`` or ``'``, in lower case wherever the letter has one."""
    return (
        0 < len(name) <= MAX_NAME
        and name == name.lower()
        and all(c.isalnum() or c in "-_'" for c in name)
    )


@dataclass(frozen=True, slots=True)
class Param:
    """One Discord option and how it goes back into command text."""

    name: str  # the Discord option name
    kind: OptionKind
    description: str
    required: bool
    positional: bool  # written as a bare word (usage) rather than ``key:value``
    core_name: str = ""  # the core's option key, for typed options
    choices: tuple[str, ...] = ()
    by_name: bool = False  # described by a usage word (``<what I did>``), not a catalogue text

    def describe(self, name: Namer) -> str:
        """The description in the current language: the catalogue's, or for a usage word
        nobody translated, the option's own name in that language (``lo_que_hice``)."""
        translated = _(self.description)
        if translated != self.description or not self.by_name:
            return translated
        shown = name(self.name)
        return shown.replace("_", " ") if shown != self.name else self.description

    def payload(self, name: Namer) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": OPTION_TYPES[self.kind],
            "name": name(self.name),
            "description": _clip(self.describe(name) + HINTS.get(self.kind, "")),
            "required": self.required,
        }
        if self.kind is OptionKind.CHANNEL:
            body["channel_types"] = [TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL]
        if self.choices:
            shown = choice_words(current_language())
            body["choices"] = [
                {"name": shown.get(c, c)[:MAX_DESCRIPTION], "value": c}
                for c in self.choices[:MAX_CHOICES]
            ]
        if self.kind is OptionKind.TIMEZONE:
            body["autocomplete"] = True
        if self.kind is OptionKind.INTEGER:
            body["min_value"] = 0
        return body


@dataclass(frozen=True, slots=True)
class Leaf:
    path: tuple[str, ...]  # as Discord invokes it
    params: tuple[Param, ...]
    admin: bool
    core_path: tuple[str, ...] = ()  # as the core knows it, when it differs (see SELF_NAMES)

    @property
    def command_path(self) -> tuple[str, ...]:
        return self.core_path or self.path

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class CommandTree:
    """The application-command payload, what each invocable path means, and what was left out."""

    payload: list[dict[str, Any]]
    leaves: dict[tuple[str, ...], Leaf]
    skipped: tuple[str, ...] = ()
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        canonical = json.dumps(self.payload, sort_keys=True, separators=(",", ":"))
        object.__setattr__(self, "digest", hashlib.sha256(canonical.encode()).hexdigest())


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split()) or "—"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:MAX_NAME]


def _single(body: str, required: bool, registry: Registry) -> Param:
    """A positional word from a usage string as a typed option."""
    inner = body.strip().strip("<>").strip()
    if inner.startswith("@"):
        return Param(_slug(inner[1:]) or "member", OptionKind.USER, A_MEMBER, required, True)
    if inner.startswith("#"):
        return Param(_slug(inner[1:]) or "channel", OptionKind.CHANNEL, A_CHANNEL, required, True)
    if _ZONE_WORDS.search(inner):
        return Param("zone", OptionKind.TIMEZONE, A_ZONE, required, True)
    slug = _slug(inner) or "text"
    if slug == "programme" and registry.programme_kinds:
        names = tuple(registry.programme_kinds)
        return Param(slug, OptionKind.CHOICE, WHICH_PROGRAMME, required, True, choices=names)
    if slug in {"number", "n", "count"}:
        return Param(slug, OptionKind.INTEGER, inner, required, True, by_name=True)
    if slug == "date":
        return Param(slug, OptionKind.DATE, A_DATE, required, True)
    return Param(slug, OptionKind.TEXT, inner, required, True, by_name=True)


def usage_params(usage: str, registry: Registry) -> list[Param]:
    """``<x>`` is a required word, ``[x]`` an optional one, ``a|b @member`` a choice of actions
    with the words that follow them; ``@``/``#`` words are member and channel pickers."""
    params: list[Param] = []
    for token in _TOKEN.findall(usage):
        optional = token.startswith("[") and token.endswith("]")
        body = token[1:-1] if optional else token
        if "|" in body:
            alternatives = [a.split() for a in body.split("|") if a.split()]
            actions = tuple(_slug(a[0].strip("<>")) for a in alternatives)
            params.append(
                Param("action", OptionKind.CHOICE, WHAT_TO_DO, not optional, True, "", actions)
            )
            following: dict[str, Param] = {}  # "add @member|remove @member": one member
            for words in alternatives:
                for word in words[1:]:
                    param = _single(word, False, registry)
                    following.setdefault(param.name, param)
            params.extend(following.values())
        else:
            params.append(_single(body, not optional, registry))
    return params


def _typed_params(command: Command) -> list[Param]:
    return [
        Param(
            _slug(o.name),
            o.kind,
            o.help or o.name,
            o.required,
            False,
            o.name,
            tuple(o.choices),
            by_name=not o.help,
        )
        for o in command.options
    ]


def _dedupe(params: list[Param]) -> list[Param]:
    seen: set[str] = set()
    unique = []
    for param in params:
        name, n = param.name, 2
        while name in seen:
            name, n = f"{param.name[: MAX_NAME - 2]}{n}", n + 1
        seen.add(name)
        unique.append(param if name == param.name else _renamed(param, name))
    return unique


def _renamed(param: Param, name: str) -> Param:
    return Param(
        name,
        param.kind,
        param.description,
        param.required,
        param.positional,
        param.core_name,
        param.choices,
        param.by_name,
    )


def leaf_for(command: Command, registry: Registry, paths: set[tuple[str, ...]]) -> Leaf:
    typed = _typed_params(command)
    # A usage word that is also a typed option (``@member`` beside ``member:``) is one picker.
    positional = [
        p for p in usage_params(command.usage, registry) if p.name not in command.option_names
    ]
    params = tuple(_dedupe([*positional, *typed]))
    path = command.path
    children = {p[len(path)] for p in paths if len(p) > len(path) and p[: len(path)] == path}
    if not children:
        return Leaf(path, params, command.admin)
    free = next((n for n in SELF_NAMES if n not in children), "self")
    return Leaf((*path, free), params, command.admin, core_path=path)


def _problem(leaf: Leaf) -> str | None:
    if len(leaf.path) > 3:
        return "Discord allows at most a group and a subcommand under a command"
    if not all(_NAME.match(word) for word in leaf.path):
        return "a name Discord does not accept"
    if len(leaf.params) > MAX_OPTIONS:
        return f"more than {MAX_OPTIONS} options"
    for param in leaf.params:
        if not _NAME.match(param.name):
            return f"option {param.name!r} is not a valid Discord name"
        if len(param.choices) > MAX_CHOICES or any(len(c) > 100 for c in param.choices):
            return f"option {param.name!r} has too many or too long choices"
    return None


def _options(leaf: Leaf, name: Namer) -> list[dict[str, Any]]:
    # Discord wants required options before optional ones; the text order comes from the Leaf.
    ordered = sorted(leaf.params, key=lambda p: not p.required)
    return [p.payload(name) for p in ordered]


def build_tree(registry: Registry) -> CommandTree:
    """Every registered command as Discord application commands (guild-only, chat-input), with
    names and descriptions in every shipped language."""
    commands = sorted(registry.commands.values(), key=lambda c: c.path)
    paths = {c.path for c in commands}
    skipped: list[str] = []
    leaves: dict[tuple[str, ...], Leaf] = {}
    for command in commands:
        leaf = leaf_for(command, registry, paths)
        problem = _problem(leaf)
        if problem is not None:
            skipped.append(f"{command.name}: {problem}")
            continue
        leaves[leaf.path] = leaf
    with use_language(DEFAULT_LANGUAGE):
        payload = _payload(leaves, registry, skipped)
    for code, locales in shipped_locales().items():
        with use_language(code):
            translated = _payload(leaves, registry, [])
        for locale in locales:
            _lay_over(payload, translated, locale, skipped)
    return CommandTree(payload, leaves, tuple(skipped))


def shipped_locales() -> dict[str, list[str]]:
    """Kith's languages other than English → the Discord locales that read them."""
    found: dict[str, list[str]] = defaultdict(list)
    for locale in DISCORD_LOCALES:
        code = match_language(locale)
        if code is not None and code != DEFAULT_LANGUAGE:
            found[code].append(locale)
    return dict(found)


def _lay_over(
    english: list[dict[str, Any]],
    translated: list[dict[str, Any]],
    locale: str,
    problems: list[str],
) -> None:
    """Add one locale's names and descriptions to the English nodes, level by level; one the
    same as the English is left out (Discord shows the English then). A name Discord would
    refuse (the whole sync would fail) is left out too, and reported."""
    for node, other in zip(english, translated, strict=True):
        name = unicodedata.normalize("NFC", other["name"])
        if not valid_name(name):
            problems.append(f"{locale} name {name!r} for {node['name']!r} is not a Discord name")
        elif name != node["name"]:
            node.setdefault("name_localizations", {})[locale] = name
        if other["description"] != node["description"]:
            node.setdefault("description_localizations", {})[locale] = other["description"]
        if node.get("options"):
            _lay_over(node["options"], other["options"], locale, problems)
        for choice, shown in zip(node.get("choices", []), other.get("choices", []), strict=True):
            if shown["name"].strip() and shown["name"] != choice["name"]:
                choice.setdefault("name_localizations", {})[locale] = shown["name"]
    shown = [n.get("name_localizations", {}).get(locale, n["name"]) for n in english]
    for node, name in zip(english, shown, strict=True):
        if shown.count(name) > 1 and locale in node.get("name_localizations", {}):
            del node["name_localizations"][locale]
            problems.append(f"{locale} name {name!r} is given to two commands or options at once")


def _payload(
    leaves: dict[tuple[str, ...], Leaf], registry: Registry, skipped: list[str]
) -> list[dict[str, Any]]:
    """The tree in the current language (names and descriptions)."""
    name = namer()
    summaries = {
        leaf.path: _(registry.commands[leaf.command_path].summary) for leaf in leaves.values()
    }
    tops: dict[str, list[Leaf]] = defaultdict(list)
    for leaf in leaves.values():
        tops[leaf.path[0]].append(leaf)
    payload: list[dict[str, Any]] = []
    for top, members in sorted(tops.items()):
        body: dict[str, Any] = {
            "type": 1,
            "name": name(top),
            "contexts": [GUILD_CONTEXT],
            "integration_types": [GUILD_INSTALL],
            "default_member_permissions": (
                str(MANAGE_GUILD) if all(m.admin for m in members) else None
            ),
            "nsfw": False,
        }
        single = [m for m in members if len(m.path) == 1]
        if single:
            body["description"] = _clip(summaries[single[0].path])
            body["options"] = _options(single[0], name)
        else:
            body["description"] = _listing(top, _children(members, 1), name)
            body["options"] = _subcommands(members, summaries, name)
        if len(body["options"]) > MAX_OPTIONS:
            skipped.append(f"/{top}: more than {MAX_OPTIONS} subcommands")
            for m in members:
                leaves.pop(m.path, None)
            continue
        payload.append(body)
    return payload


def _listing(word: str, children: list[str], name: Namer) -> str:
    """A group's description: its subcommands' names (``kith: admins, export, …``)."""
    return _clip(f"{name(word)}: " + ", ".join(name(c) for c in children))


def _children(members: list[Leaf], depth: int) -> list[str]:
    return sorted({m.path[depth] for m in members if len(m.path) > depth})


def _subcommands(
    members: list[Leaf], summaries: dict[tuple[str, ...], str], name: Namer
) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for word in _children(members, 1):
        under = [m for m in members if m.path[1] == word]
        direct = next((m for m in under if len(m.path) == 2), None)
        if direct is not None:
            options.append(
                {
                    "type": SUB_COMMAND,
                    "name": name(word),
                    "description": _clip(summaries[direct.path]),
                    "options": _options(direct, name),
                }
            )
            continue
        options.append(
            {
                "type": SUB_COMMAND_GROUP,
                "name": name(word),
                "description": _listing(word, _children(under, 2), name),
                "options": [
                    {
                        "type": SUB_COMMAND,
                        "name": name(m.path[2]),
                        "description": _clip(summaries[m.path]),
                        "options": _options(m, name),
                    }
                    for m in sorted(under, key=lambda m: m.path)
                ],
            }
        )
    return options


def zone_suggestions(partial: str) -> list[str]:
    """Time-zone autocomplete: IANA names matching what has been typed so far."""
    typed = partial.strip().replace(" ", "_")
    if not typed:
        return list(COMMON_ZONES)
    return suggest_zones(typed, limit=MAX_AUTOCOMPLETE)
