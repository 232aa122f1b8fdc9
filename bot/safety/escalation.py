"""How serious a signal is, for deciding what happens inside the quiet period.

The screen says how worrying words are (medium or high). A disclosure that also names a plan, a
time or a means ("tonight", "I have a plan", "the pills") is more concrete, and a more concrete or
more serious disclosure after an earlier one deserves a follow-up and a fresh alert, where the
same again does not. These markers only ever raise the level of a text the screen already
flagged; on their own they never trigger anything. Every shipped language's markers are read in
every text, as the screen reads every language's rules (people switch mid-sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.safety.screen import Severity, normalise

# Kept short and readable; each is matched as whole words after the screen's normalisation.
PLAN = (
    "i have a plan",
    "ive planned",
    "my plan",
    "made a plan",
    "planned it",
    "wrote a note",
    "goodbye note",
    "goodbye letter",
    "said my goodbyes",
    "giving away my",
    # Spanish
    "tengo un plan",
    "ya lo planee",
    "mi plan",
    "escribi una carta",
    "carta de despedida",
    "nota de despedida",
    "ya me despedi",
    "regalando mis",
    # Brazilian Portuguese
    "tenho um plano",
    "ja planejei",
    "meu plano",
    "escrevi uma carta",
    "carta de despedida",
    "bilhete de despedida",
    "ja me despedi",
    "dando minhas coisas",
)
TIME = (
    "tonight",
    "today",
    "tomorrow",
    "this weekend",
    "right now",
    "after work",
    "when everyone is asleep",
    "this week",
    # Spanish
    "esta noche",
    "hoy",
    "manana",
    "este fin de semana",
    "ahora mismo",
    "despues del trabajo",
    "cuando todos duerman",
    "esta semana",
    # Brazilian Portuguese
    "hoje",
    "hoje a noite",
    "amanha",
    "este fim de semana",
    "esse fim de semana",
    "agora mesmo",
    "depois do trabalho",
    "quando todos dormirem",
    "essa semana",
)
MEANS = (
    "pills",
    "overdose",
    "rope",
    "noose",
    "bridge",
    "gun",
    "razor",
    "blade",
    "jump",
    "in front of a train",
    "the roof",
    "stockpiled",
    "stockpiling",
    # Spanish
    "pastillas",
    "sobredosis",
    "cuerda",
    "soga",
    "puente",
    "pistola",
    "cuchilla",
    "navaja",
    "tirarme",
    "las vias del tren",
    "la azotea",
    # Brazilian Portuguese
    "remedios",
    "comprimidos",
    "corda",
    "ponte",
    "revolver",
    "lamina",
    "gilete",
    "me jogar",
    "trilhos do trem",
    "telhado",
)


@cache
def _markers() -> re.Pattern[str]:
    words = sorted({normalise(m) for m in (*PLAN, *TIME, *MEANS)}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def is_concrete(text: str) -> bool:
    return _markers().search(normalise(text)) is not None


@dataclass(frozen=True, order=True)
class Level:
    """Ordered: a higher severity first, then concreteness at the same severity."""

    severity: int
    concrete: bool

    @classmethod
    def of(cls, severity: Severity | int, text: str) -> Level:
        return cls(int(severity), is_concrete(text))
