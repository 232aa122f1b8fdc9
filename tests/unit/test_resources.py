"""The support resources: current numbers, every US and Canadian zone mapped to its country's
lines, Ireland covered, each link labelled with its organisation; the Spanish- and
Portuguese-speaking countries picked from their time zones, and every listed zone real."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("locale", "code"),
    [
        ("es-MX", "mx"),
        ("pt-BR", "br"),
        ("es-ES", "es"),
        ("es_AR", "ar"),
        ("es-CO", "co"),
        ("pt-PT", "pt"),
        ("es-419", INTERNATIONAL),  # Latin America as a whole: no one country
        ("es-LA", INTERNATIONAL),  # Slack's Latin American Spanish
        ("es", INTERNATIONAL),
        ("es-CL", INTERNATIONAL),  # Chile: no list of its own yet
        ("en-US", INTERNATIONAL),  # everyone's English on Discord: says nothing of a country
        ("en-GB", INTERNATIONAL),
    ],
)
def test_a_spanish_or_portuguese_locale_names_the_country(locale: str, code: str) -> None:
    assert region_for(None, None, locale).code == code


def test_the_members_own_zone_beats_their_locale_and_the_community_zone_comes_last() -> None:
    # A Mexican living in Madrid keeps es-MX: Spain's lines reach her.
    assert region_for(None, "Europe/Madrid", "es-MX").code == "es"
    # No zone of her own: her locale says more about her than the community's zone does.
    assert region_for(None, None, "pt-BR", "Europe/London").code == "br"
    assert region_for(None, None, "es-419", "America/Bogota").code == "co"
    assert region_for(None, None, None, "Europe/London").code == "uk"
    # The community's choice beats everything.
    assert region_for("ar", "Europe/Madrid", "pt-BR").code == "ar"


def _numbers(text: str) -> list[str]:
    """Every phone number or short code (three digits or more: 024, 988, 116123) in a text, its
    spaces and dashes dropped; hours and menu options are words each language writes its way."""
    return re.findall(r"\d{3,}", re.sub(r"(?<=\d)[ -](?=\d)", "", text))


@pytest.mark.parametrize("language", ["es", "pt_BR"])
def test_every_line_is_written_in_each_language_with_the_same_numbers(language: str) -> None:
    for region in regions().values():
        for line in region.lines:
            translated = dict(line.translations).get(language)
            assert translated and translated != line.contact, (region.code, line.name, language)
            missing = set(_numbers(line.contact)) - set(_numbers(translated))
            assert not missing, (region.code, line.name, language, missing)
        if any(c.isalpha() for c in region.emergency.replace("SAMU", "")):
            translated = dict(region.emergency_translations).get(language)
            assert translated, (region.code, language)
            assert set(_numbers(region.emergency)) <= set(_numbers(translated))


def test_the_care_message_shows_each_language_its_own_words() -> None:
    from bot.i18n import use_language

    mexico = regions()["mx"]
    with use_language("es"):
        text = care_message(1, mexico).plain_text
    assert "llama al 800 911 2000, gratis, a cualquier hora" in text
    assert "Línea de la Vida" in text  # a name stays a name
    assert "call 800" not in text and "any time" not in text
    with use_language("pt_BR"):
        text = care_message(1, regions()[INTERNATIONAL]).plain_text
    assert "ligue para o número de emergência do seu país" in text
    assert "your local emergency number" not in text
