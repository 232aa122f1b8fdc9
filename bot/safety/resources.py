"""Support resources by region (prompts/resources.toml), and a best guess of a member's region.

Organisations' names are proper nouns and stay as written; how to reach them (``contact``) and the
emergency number's wording are written in each shipped language in the same file
(``contact_es``, ``contact_pt_BR``), beside the English, so that a changed number is changed in
every language at once (a test checks that every translation carries the English's numbers).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.i18n import current_language
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.prompts import prompts_dir

INTERNATIONAL = "international"
# A member's zone says more about where they are than the community's settings do. An entry ending
# in "/" is a folder of zones; any other is one zone ("America/Bahia" is Brazil,
# "America/Bahia_Banderas" Mexico).
_ZONES = {
    "us": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Phoenix",
        "America/Anchorage",
        "America/Detroit",
        "America/Indiana/",
        "America/Kentucky/",
        "America/Boise",
        "America/Menominee",
        "America/North_Dakota/",
        "America/Indianapolis",
        "America/Fort_Wayne",
        "America/Knox_IN",
        "America/Louisville",
        "America/Juneau",
        "America/Sitka",
        "America/Yakutat",
        "America/Nome",
        "America/Metlakatla",
        "America/Adak",
        "America/Atka",
        "America/Shiprock",
        "America/Puerto_Rico",
        "Navajo",
        "Pacific/Honolulu",
        "US/",
    ),
    "ca": (
        "America/Toronto",
        "America/Vancouver",
        "America/Edmonton",
        "America/Winnipeg",
        "America/Halifax",
        "America/St_Johns",
        "America/Regina",
        "America/Montreal",
        "America/Moncton",
        "America/Glace_Bay",
        "America/Goose_Bay",
        "America/Blanc-Sablon",
        "America/Atikokan",
        "America/Coral_Harbour",
        "America/Nipigon",
        "America/Thunder_Bay",
        "America/Rainy_River",
        "America/Iqaluit",
        "America/Pangnirtung",
        "America/Rankin_Inlet",
        "America/Resolute",
        "America/Cambridge_Bay",
        "America/Yellowknife",
        "America/Inuvik",
        "America/Swift_Current",
        "America/Creston",
        "America/Dawson_Creek",
        "America/Fort_Nelson",
        "America/Whitehorse",
        "America/Dawson",
        "Canada/",
    ),
    "uk": ("Europe/London", "Europe/Belfast", "GB", "GB-Eire"),
    "ie": ("Europe/Dublin", "Eire"),
    "au": ("Australia/",),
    "in": ("Asia/Kolkata", "Asia/Calcutta"),
    "es": ("Europe/Madrid", "Atlantic/Canary", "Africa/Ceuta"),
    "mx": (
        "America/Mexico_City",
        "America/Cancun",
        "America/Merida",
        "America/Monterrey",
        "America/Matamoros",
        "America/Chihuahua",
        "America/Ciudad_Juarez",
        "America/Ojinaga",
        "America/Mazatlan",
        "America/Bahia_Banderas",
        "America/Hermosillo",
        "America/Tijuana",
        "America/Ensenada",
        "America/Santa_Isabel",
        "Mexico/",
    ),
    "ar": (
        "America/Argentina/",
        "America/Buenos_Aires",
        "America/Cordoba",
        "America/Catamarca",
        "America/Jujuy",
        "America/Mendoza",
        "America/Rosario",
    ),
    "co": ("America/Bogota",),
    "br": (
        "America/Sao_Paulo",
        "America/Rio_Branco",
        "America/Manaus",
        "America/Cuiaba",
        "America/Campo_Grande",
        "America/Belem",
        "America/Fortaleza",
        "America/Recife",
        "America/Maceio",
        "America/Bahia",
        "America/Araguaina",
        "America/Santarem",
        "America/Porto_Velho",
        "America/Boa_Vista",
        "America/Eirunepe",
        "America/Noronha",
        "Brazil/",
    ),
    "pt": ("Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores", "Portugal"),
}


# The country a Spanish or Portuguese platform language names (``es-MX``, ``pt-BR``), when Kith
# has that country's lines. English tags are left out on purpose: Discord's English is ``en-US``
# for everyone who picks English, so it says nothing about where a member is.
_LOCALE_COUNTRIES = {"es": "es", "mx": "mx", "ar": "ar", "co": "co", "br": "br", "pt": "pt"}
_LOCALE_LANGUAGES = ("es", "pt")


@dataclass(frozen=True)
class Line:
    name: str
    contact: str  # in English
    source: str
    # How to reach them in each other shipped language: (language code, text).
    translations: tuple[tuple[str, str], ...] = ()

    def contact_text(self) -> str:
        """How to reach them, in the current language (English where it has no translation)."""
        return dict(self.translations).get(current_language(), self.contact)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    emergency: str  # in English
    lines: tuple[Line, ...]
    emergency_translations: tuple[tuple[str, str], ...] = ()

    def emergency_text(self) -> str:
        """The number to call in danger, in the current language ("112 or 999")."""
        return dict(self.emergency_translations).get(current_language(), self.emergency)


def _translations(entry: dict[str, Any], field: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (lang.code, str(entry[f"{field}_{lang.code}"]))
        for lang in LANGUAGES
        if lang.code != DEFAULT_LANGUAGE and f"{field}_{lang.code}" in entry
    )


def _line(entry: dict[str, Any]) -> Line:
    return Line(entry["name"], entry["contact"], entry["source"], _translations(entry, "contact"))


@cache
def regions() -> dict[str, Region]:
    data = tomllib.loads((prompts_dir() / "resources.toml").read_text(encoding="utf-8"))
    return {
        code: Region(
            code,
            entry["name"],
            entry["emergency"],
            tuple(_line(line) for line in entry["lines"]),
            _translations(entry, "emergency"),
        )
        for code, entry in data["regions"].items()
    }


def region_for(
    configured: str | None,
    member_zone: str | None,
    locale: str | None = None,
    community_zone: str | None = None,
) -> Region:
    """The lines a member sees: the community's choice, else the country of the member's own time
    zone, else the country their Spanish or Portuguese platform language names (``es-MX`` is
    Mexico), else the country of the community's zone, else the international directory.

    A zone says where a member is; a platform language only what they read (a Mexican living in
    Madrid keeps ``es-MX``), so the zone comes first when the member has one of their own."""
    table = regions()
    if configured in table:
        return table[configured]
    for guess in (_zone_region(member_zone), _locale_region(locale), _zone_region(community_zone)):
        if guess is not None and guess in table:
            return table[guess]
    return table[INTERNATIONAL]


def _zone_region(zone: str | None) -> str | None:
    if not zone:
        return None
    for code, zones in _ZONES.items():
        if any(_covers(entry, zone) for entry in zones):
            return code
    return None


def _locale_region(locale: str | None) -> str | None:
    """``es-MX`` → ``mx``, ``pt_BR`` → ``br``; a tag without a country (``es``, ``es-419``,
    Slack's ``es-LA``) or in another language names none."""
    if not locale:
        return None
    parts = locale.strip().replace("_", "-").lower().split("-")
    if len(parts) < 2 or parts[0] not in _LOCALE_LANGUAGES:
        return None
    return _LOCALE_COUNTRIES.get(parts[-1])


def _covers(entry: str, zone: str) -> bool:
    return zone.startswith(entry) if entry.endswith("/") else zone == entry
