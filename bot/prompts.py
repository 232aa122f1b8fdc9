"""The prompt catalogue: built-in decks shipped in ``prompts/`` (TOML), found from any directory.

The English decks are ``prompts/*.toml``. Each other language has a folder named by its code
(``prompts/es/``, ``prompts/pt_BR/``) holding the same files with the same ids, its texts
adapted rather than translated word for word; a prompt keeps its key in every language, so what
was dealt and stored is the same whoever reads it. A missing translation reads in English.

An installed wheel carries them as ``bot/_prompts``; a source checkout reads ``prompts/`` at the
repository root.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from bot.i18n import current_language
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

_ID = re.compile(r"^[a-z0-9-]{3,40}$")
MAX_PROMPT_LENGTH = 300


# What a prompt may need set up in the community (``needs = "buddies"`` in the TOML).
NEEDS = ("", "buddies")


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Prompt:
    key: str  # 'builtin:<id>' or 'custom:<row id>'; stable, stored when used
    theme: str
    text: str
    # A programme the prompt talks about ("buddies"): dealt only where it is set up.
    needs: str = ""


@dataclass(frozen=True)
class Catalogue:
    themes: dict[str, str]
    checkins: tuple[Prompt, ...]
    starters: tuple[Prompt, ...]
    challenge: tuple[Prompt, ...]
    # language code → prompt key → text, and → theme → title (English is the fields above).
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    theme_titles: dict[str, dict[str, str]] = field(default_factory=dict)

    def checkin(self, key: str) -> Prompt | None:
        return next((p for p in self.checkins if p.key == key), None)

    def text(self, prompt: Prompt) -> str:
        """The prompt in the current language (``bot.i18n``); community prompts as written."""
        return self.texts.get(current_language(), {}).get(prompt.key, prompt.text)

    def theme(self, theme: str) -> str:
        """A theme's title in the current language."""
        titles = self.theme_titles.get(current_language(), {})
        return titles.get(theme) or self.themes.get(theme, theme)


def prompts_dir() -> Traversable:
    packaged = resources.files("bot") / "_prompts"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / "prompts"
    if source.is_dir():
        return source
    raise CatalogueError("cannot find the prompts folder; reinstall kith-bot")


def _read(folder: Traversable, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"prompts/{name}: {exc}") from exc


def _entries(data: dict[str, Any], table: str, file: str, theme_of: Any) -> tuple[Prompt, ...]:
    seen: set[str] = set()
    prompts: list[Prompt] = []
    for entry in data.get(table, []):
        ident, text = entry.get("id", ""), str(entry.get("text", "")).strip()
        if not _ID.match(ident) or ident in seen:
            raise CatalogueError(f"prompts/{file}: bad or repeated id {ident!r}")
        if not text or len(text) > MAX_PROMPT_LENGTH:
            raise CatalogueError(f"prompts/{file}: {ident} has empty or overlong text")
        seen.add(ident)
        needs = str(entry.get("needs", ""))
        if needs not in NEEDS:
            raise CatalogueError(f"prompts/{file}: {ident} needs unknown {needs!r}")
        prompts.append(Prompt(f"builtin:{ident}", theme_of(entry, file), text, needs))
    return tuple(prompts)


@cache
def load_catalogue() -> Catalogue:
    folder = prompts_dir()
    checkin_data = _read(folder, "checkins.toml")
    themes: dict[str, str] = dict(checkin_data.get("themes", {}))

    def checkin_theme(entry: dict[str, Any], file: str) -> str:
        theme = str(entry.get("theme", ""))
        if theme not in themes:
            raise CatalogueError(f"prompts/{file}: {entry.get('id')} has unknown theme {theme!r}")
        return theme

    def fixed(theme: str) -> Any:
        return lambda entry, file: theme

    challenge_data = _read(folder, "kindness.toml")
    days = sorted(challenge_data.get("day", []), key=lambda d: int(d.get("day", 0)))
    english = Catalogue(
        themes=themes,
        checkins=_entries(checkin_data, "prompt", "checkins.toml", checkin_theme),
        starters=_entries(
            _read(folder, "starters.toml"), "starter", "starters.toml", fixed("starter")
        ),
        challenge=_entries({"day": days}, "day", "kindness.toml", fixed("challenge")),
    )
    for lang in LANGUAGES:
        if lang.code != DEFAULT_LANGUAGE and (folder / lang.code).is_dir():
            english.texts[lang.code], english.theme_titles[lang.code] = _translated(
                folder / lang.code, lang.code, english
            )
    return english


# Each deck file and the table of entries in it.
DECK_FILES = (("checkins.toml", "prompt"), ("starters.toml", "starter"), ("kindness.toml", "day"))


def _translated(
    folder: Traversable, code: str, english: Catalogue
) -> tuple[dict[str, str], dict[str, str]]:
    """One language's deck texts by prompt key. Every id must be one of the English decks' (a
    typo would otherwise leave a prompt untranslated without a word)."""
    known = {p.key for p in (*english.checkins, *english.starters, *english.challenge)}
    texts: dict[str, str] = {}
    titles: dict[str, str] = {}
    for file, table in DECK_FILES:
        if not (folder / file).is_file():
            continue
        name = f"{code}/{file}"
        data = _read(folder, file)
        for entry in data.get(table, []):
            ident = str(entry.get("id", ""))
            key, text = f"builtin:{ident}", str(entry.get("text", "")).strip()
            if key not in known or key in texts:
                raise CatalogueError(f"prompts/{name}: unknown or repeated id {ident!r}")
            if not text or len(text) > MAX_PROMPT_LENGTH:
                raise CatalogueError(f"prompts/{name}: {ident} has empty or overlong text")
            texts[key] = text
        for theme, title in data.get("themes", {}).items():
            if theme not in english.themes:
                raise CatalogueError(f"prompts/{name}: unknown theme {theme!r}")
            titles[theme] = str(title)
    return texts, titles
