"""Issue 21's bar on the console: members whose platform language is Spanish (or Brazilian
Portuguese) run every command and press every button Kith has, through five weeks of scheduled
posts, and get no English back apart from names and slash-command words.

Each paragraph and button label Kith sent is read for English: a catalogue text whose
translation differs (a marked message id), shown whole or as a phrase of it; and English words
left once slash commands, ``key:value`` words, mentions, zones, links and data files (an
export's JSON) are taken out: common English words that are not Spanish or Portuguese, and
words of the English message ids that no translation or translated deck uses, two in a
paragraph or one in a label of up to four words. The words also catch text nobody marked for
translation. The tour fails too when a command or a button kind is added and not run here. Set
KITH_LANGUAGE_TOUR_REPORT to a file name to get every finding in full."""

from __future__ import annotations

import io
import json
import os
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from adapters.console.runner import ConsoleClock, ConsoleCommunity
from bot import choice_ids
from bot.i18n.catalogues import translations
from bot.i18n.messages import extract

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday
MEMBERS = ("ana", "bo", "cy", "dee", "eve")
QUIET = "eve"  # answers nothing, so after three rounds Kith asks whether she wants to stay
# Words that mark a sentence as English and are not Spanish or Portuguese words.
ENGLISH_WORDS = frozenset(
    "the your you you're you've you'll you'd i'm i've i'll it's that's don't can't won't isn't "
    "haven't with this that what which will would here there when where who how been have "
    "and or but from into about after before every each only just now yet still again "
    "is are was were be being please thanks thank week today tomorrow for of to not my our it "
    "we they them their can could should did does had let get".split()
)
_NOT_PROSE = re.compile(
    r"/[a-z_]+(?: [a-z_]+)*"  # slash commands: /kith setup checkin
    r"|\b[a-z_]+:\S*"  # options: time:09:00, channel:#general
    r"|[@#][\w.\-]+"  # members and channels
    r"|https?://\S+|<[^>]+>"  # links
    r"|\b[A-Z][a-z]+/[A-Za-z_/]+"  # zones: Europe/Madrid
)
# A data file shown inline ("[kith-export-….json]" and its content): field names are data.
_DATA_FILE = re.compile(r"^\[[^\]\n]+\.(?:json|csv)\]$.*", re.MULTILINE | re.DOTALL)


@dataclass
class Tour:
    """A console community driven line by line, pressing every button it is shown."""

    community: ConsoleCommunity
    out: io.StringIO
    seen: int = 0
    lineno: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    clicked: set[tuple[str, str]] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)

    def _read(self) -> list[dict[str, Any]]:
        lines = self.out.getvalue().splitlines()[self.seen :]
        self.seen += len(lines)
        fresh = [json.loads(line) for line in lines if line.strip()]
        self.messages.extend(fresh)
        return fresh

    async def line(self, text: str) -> None:
        self.lineno += 1
        await self.community.run_line(self.lineno, text)
        await self.click_all(self._read(), depth=2)

    async def click_all(self, messages: list[dict[str, Any]], depth: int) -> None:
        """Press every button of these messages once, as the member they were for (a channel
        post's as bo), and the buttons those presses bring, ``depth`` levels down."""
        if depth == 0:
            return
        for message in messages:
            who = message["to"][1:] if message["to"].startswith("@") else "bo"
            values = {c["value"] for c in message["choices"]}
            if who == QUIET and "stay" not in values:
                continue
            for choice in message["choices"]:
                key = (message["id"], choice["value"])
                if key in self.clicked:
                    continue
                self.clicked.add(key)
                choice_id = await self.community.chat.find_choice(
                    message["id"], choice["value"], who
                )
                self.kinds.add(choice_ids.decode(choice_id).kind)
                self.lineno += 1
                await self.community.run_line(
                    self.lineno, f"@{who}: !click {message['id']} {choice['value']}"
                )
                await self.click_all(self._read(), depth - 1)


def script(tag: str, code: str) -> list[str]:
    kind, thanks, prompt, heavy = {
        "es": (
            "ayudé a un vecino con la compra",
            "por escucharme",
            "¿Qué te hizo sonreír hoy?",
            "ya no puedo más, quiero morirme",
        ),
        "pt_BR": (
            "ajudei um vizinho com as compras",
            "por me ouvir",
            "O que te fez sorrir hoje?",
            "não aguento mais, quero morrer",
        ),
    }[code]
    return [
        ":admin ana",
        *(f":locale {m} {tag}" for m in MEMBERS),
        f"@ana: /kith setup language language:{tag}",
        "@ana: /kith help",
        "@ana: /kith",
        "@ana: /kith setup",
        "@bo: /buddy",
        "@ana: /kith language",
        "@ana: /kith timezone",
        "@ana: /kith timezone Europe/Madrid",
        "@ana: /kith nonsense",
        "@ana: /kith setup checkin channel:#general time:25:00",
        "@ana: /kith setup checkin channel:#general time:09:00 days:daily tz:Europe/Madrid",
        "@ana: /kith setup buddies channel:#buddies every:1w day:tue time:10:00 remind:1d",
        "@ana: /kith setup kindness channel:#kindness challenge:31-day digest:on",
        "@ana: /kith setup safety alerts:#mods",
        "@ana: /kith setup privacy retention:30",
        "@ana: /kith setup language",
        "@ana: /kith status",
        "@ana: /kith admins",
        "@ana: /kith admins add @bo",
        "@ana: /kith admins remove @bo",
        "@ana: /kith prompts list",
        f"@ana: /kith prompts add {prompt}",
        "@ana: /kith prompts remove 1",
        "@ana: /kith safety phrases",
        "@ana: /kith safety phrases add bajón total",
        "@ana: /kith safety phrases remove bajón total",
        *(f"@{m}: /buddy join" for m in MEMBERS),
        "@bo: /buddy status",
        "@bo: /buddy avoid @cy",
        "@bo: /buddy unavoid @cy",
        "@dee: /buddy skip",
        "@dee: /buddy resume",
        "@dee: /buddy pause until:2026-03-20",
        "@dee: /buddy resume",
        "@bo: /checkin",
        "@bo: /checkin daily time:08:00 days:daily remind:on",
        "@bo: /checkin pause until:2026-03-04",
        "@bo: /checkin resume",
        f"@bo: /kind {kind}",
        "@bo: /kind",
        f"@bo: /thanks @cy {thanks}",
        "@bo: /streak",
        "@bo: /streak @cy",
        "@bo: /streak milestones public",
        "@bo: /leaderboard",
        "@bo: /leaderboard join",
        "@bo: /leaderboard show window:month by:streak",
        "@bo: /kith privacy",
        "@bo: /kith export",
        "@bo: /kith support",
        "@ana: /kith pause checkin",
        "@ana: /kith resume checkin",
        ":advance 1d",
        f"@bo: {prompt}",  # a reflection, after the Reflect button asked for one
        f"@dee: {heavy}",
        ":advance 1d",
        ":advance 7d",
        f"@cy: /kind {kind}",
        *([":advance 7d"] * 3),
        "@ana: /kith stats",
        "@ana: /kith stats window:30d",
        "@ana: /kith stats export",
        "@bo: /leaderboard leave",
        "@dee: /checkin off",
        "@dee: /buddy leave",
        "@cy: /kith forget",
    ]


@dataclass(frozen=True)
class Catalogue:
    """The English of every catalogue text whose translation differs, to look for."""

    fragments: list[tuple[str, str]]  # (the longest literal stretch of a sentence, its id)
    whole: dict[str, str]  # a text exactly as its English id, with no placeholder → its id
    english_only: frozenset[str]  # words of the English ids no translation or deck uses


def _words(text: str) -> set[str]:
    bare = _NOT_PROSE.sub(" ", re.sub(r"\{[^}]*\}", " ", text))
    return {w.lower() for w in re.findall(r"[^\W\d_][\w'’-]*", bare)}


def local_words() -> set[str]:
    """Every word of every translation and every translated deck, in all shipped languages."""
    found: set[str] = set()
    for po in (ROOT / "locales").glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else [message.string]
                for text in strings:
                    found |= _words(text or "")
    for deck in (ROOT / "prompts").glob("*/*.toml"):
        found |= _words(deck.read_text(encoding="utf-8"))
    return found


def catalogue(code: str) -> Catalogue:
    fragments: list[tuple[str, str]] = []
    whole: dict[str, str] = {}
    english: set[str] = set()
    translated = translations(code)
    for domain, template in extract(ROOT).items():
        for message in template:
            if not message.id:
                continue
            ident = message.id[0] if isinstance(message.id, tuple) else message.id
            english |= _words(ident)
            if message.context:
                same = translated.pgettext(message.context, ident) == ident
            else:
                same = translated.gettext(ident) == ident
            if same:
                continue
            where = f"{domain}.po: {ident!r}"
            chunks = [literal.strip() for literal, *_ in string.Formatter().parse(ident)]
            if "{" not in ident and len(ident) >= 4:
                whole[ident.strip()] = where
            longest = max(chunks, key=len, default="")
            if not message.context and len(longest) >= 12 and " " in longest:
                fragments.append((longest, where))
    return Catalogue(fragments, whole, frozenset(english - local_words()))


_DECORATION = re.compile(r"^[^\w¿¡]+|[^\w.!?)]+$")  # emoji and marks around a label


def english_in(texts: list[str], code: str) -> list[tuple[str, str]]:
    """(what was found, the paragraph it was found in) for every English paragraph."""
    known = catalogue(code)
    findings: list[tuple[str, str]] = []
    for shown in texts:
        for paragraph in _DATA_FILE.sub("", shown).split("\n"):
            bare = _DECORATION.sub("", paragraph.strip())
            if bare in known.whole:
                findings.append((known.whole[bare], paragraph))
            for fragment, where in known.fragments:
                if fragment in paragraph:
                    findings.append((where, paragraph))
            words = _words(paragraph)
            english = sorted(words & (ENGLISH_WORDS | known.english_only))
            if len(english) >= 2 or (english and len(words) <= 4):
                findings.append((f"English words {english}", paragraph))
    return sorted(set(findings))


def write_report(findings: list[tuple[str, str]], code: str) -> None:
    report = os.environ.get("KITH_LANGUAGE_TOUR_REPORT")
    if report:
        lines = [f"{what}\n    {text!r}" for what, text in findings]
        Path(f"{report}.{code}").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("tag", "code"), [("es-ES", "es"), ("pt-BR", "pt_BR")])
async def test_every_command_and_button_answers_in_the_members_language(
    tmp_path: Path, tag: str, code: str
) -> None:
    out, err = io.StringIO(), io.StringIO()
    community = await ConsoleCommunity.open(
        str(tmp_path / "kith.sqlite3"), ConsoleClock(START), "Europe/Madrid", out, err, True
    )
    tour = Tour(community, out)
    try:
        for line in script(tag, code):
            await tour.line(line)
    finally:
        await community.close()
    registry = community.kith.services.registry

    said = [line.split(": /", 1)[1] for line in script(tag, code) if ": /" in line]
    missing = [" ".join(c.path) for c in registry.commands.values()]
    missing = [path for path in missing if not any(s.startswith(path) for s in said)]
    assert missing == [], "add these commands to the tour"
    assert tour.kinds == set(registry.choices), "add a way to these buttons to the tour"
    assert err.getvalue() == ""
    assert len(tour.messages) > 400 and len(tour.clicked) > 50  # a real tour, not a quiet one

    texts = [m["text"] for m in tour.messages]
    texts += [c["label"] for m in tour.messages for c in m["choices"]]
    findings = english_in(texts, code)
    write_report(findings, code)
    assert not findings, f"{len(findings)} English texts in {code}:\n" + "\n".join(
        f"{what}: {text[:200]!r}" for what, text in findings
    )
