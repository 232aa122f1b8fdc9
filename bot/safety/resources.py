"""Support resources by region (prompts/resources.toml), and a best guess of a member's region."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

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


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    source: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    emergency: str
    lines: tuple[Line, ...]


@cache
def regions() -> dict[str, Region]:
    data = tomllib.loads((prompts_dir() / "resources.toml").read_text(encoding="utf-8"))
    return {
        code: Region(
            code, entry["name"], entry["emergency"], tuple(Line(**line) for line in entry["lines"])
        )
        for code, entry in data["regions"].items()
    }


def region_for(configured: str | None, member_zone: str) -> Region:
    table = regions()
    if configured in table:
        return table[configured]
    for code, zones in _ZONES.items():
        if any(_covers(zone, member_zone) for zone in zones):
            return table[code]
    return table[INTERNATIONAL]


def _covers(entry: str, zone: str) -> bool:
    return zone.startswith(entry) if entry.endswith("/") else zone == entry
