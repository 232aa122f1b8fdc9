"""The support resources: current numbers, every US and Canadian zone mapped to its country's
lines, Ireland covered, and each link labelled with its organisation."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest

from bot.messages import Link
from bot.safety.care_messages import care_message
from bot.safety.resources import region_for, regions

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
