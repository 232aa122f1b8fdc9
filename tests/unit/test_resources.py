"""The support resources: current numbers, every US and Canadian zone mapped to its country's
lines, Ireland covered, each link labelled with its organisation; the Spanish- and
Portuguese-speaking countries picked from their time zones, and every listed zone real."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest

from bot.messages import Link
from bot.safety import resources
from bot.safety.care_messages import care_message
from bot.safety.resources import INTERNATIONAL, region_for, regions

US_ZONES = (
    "America/Adak",
    "America/Juneau",
    "America/Sitka",
    "America/Yakutat",
    "America/Nome",
    "America/Metlakatla",
    "America/Menominee",
    "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem",
    "America/North_Dakota/Beulah",
    "America/Indiana/Knox",
    "America/Kentucky/Monticello",
    "America/Puerto_Rico",
    "America/New_York",
    "Pacific/Honolulu",
)
CA_ZONES = (
    "America/Moncton",
    "America/Glace_Bay",
    "America/Goose_Bay",
    "America/Blanc-Sablon",
    "America/Atikokan",
    "America/Iqaluit",
    "America/Rankin_Inlet",
    "America/Resolute",
    "America/Cambridge_Bay",
    "America/Inuvik",
    "America/Swift_Current",
    "America/Creston",
    "America/Dawson_Creek",
    "America/Fort_Nelson",
    "America/Whitehorse",
    "America/Dawson",
    "America/Toronto",
)


@pytest.mark.parametrize(
    ("zone", "code"), [(z, "us") for z in US_ZONES] + [(z, "ca") for z in CA_ZONES]
)
def test_every_us_and_canadian_zone_gets_its_countrys_lines(zone: str, code: str) -> None:
    assert zone in available_timezones()
    assert region_for(None, zone).code == code


def test_ireland_has_samaritans_and_50808() -> None:
    ireland = region_for(None, "Europe/Dublin")
    assert ireland.code == "ie"
    contacts = " ".join(f"{line.name} {line.contact}" for line in ireland.lines)
    assert "116 123" in contacts and "50808" in contacts
    assert region_for("ie", "Asia/Tokyo").code == "ie"  # a community may choose it


def test_india_lists_tele_manas_and_not_the_retired_helpline() -> None:
    india = regions()["in"]
    assert [line.name for line in india.lines] == ["Tele-MANAS"]
    assert "14416" in india.lines[0].contact


def test_each_link_is_labelled_with_its_organisation() -> None:
    for region in regions().values():
        message = care_message(1, region)
        links = [i for p in message.paragraphs for i in p if isinstance(i, Link)]
        assert links, region.code
        names = {line.name for line in (*region.lines, *regions()["international"].lines)}
        assert all(link.label in names for link in links), region.code


@pytest.mark.parametrize(
    ("zone", "code"),
    [
        ("Europe/Madrid", "es"),
        ("Atlantic/Canary", "es"),
        ("America/Mexico_City", "mx"),
        ("America/Tijuana", "mx"),
        ("America/Bahia_Banderas", "mx"),  # Mexico, though it begins like Brazil's America/Bahia
        ("America/Bahia", "br"),
        ("America/Sao_Paulo", "br"),
        ("America/Manaus", "br"),
        ("America/Argentina/Cordoba", "ar"),
        ("America/Buenos_Aires", "ar"),
        ("America/Bogota", "co"),
        ("Europe/Lisbon", "pt"),
        ("Atlantic/Azores", "pt"),
        ("America/Indiana/Indianapolis", "us"),
        ("America/Indianapolis", "us"),
        ("Europe/London", "uk"),
        ("Asia/Tokyo", INTERNATIONAL),
        ("America/Santiago", INTERNATIONAL),  # Chile: no list of its own yet, the directory
    ],
)
def test_a_members_time_zone_picks_their_countrys_resources(zone: str, code: str) -> None:
    assert region_for(None, zone).code == code


def test_a_community_setting_wins_over_the_time_zone() -> None:
    assert region_for("br", "Europe/Madrid").code == "br"
    assert region_for("nowhere", "Europe/Madrid").code == "es"


def test_every_listed_zone_exists() -> None:
    available = available_timezones()
    for code, zones in resources._ZONES.items():
        assert code in regions()
        for zone in zones:
            if zone.endswith("/"):
                assert any(z.startswith(zone) for z in available), zone
            else:
                assert zone in available, zone


@pytest.mark.parametrize("code", ["es", "mx", "ar", "co", "br", "pt"])
def test_each_new_country_has_complete_entries(code: str) -> None:
    region = regions()[code]
    assert region.name and region.emergency and region.lines
    for line in region.lines:
        assert line.name and line.contact and line.source.startswith("https://")


def test_the_international_directory_stays_the_fallback() -> None:
    assert region_for(None, "Etc/UTC").code == INTERNATIONAL
    assert "findahelpline.com" in regions()[INTERNATIONAL].lines[0].source
