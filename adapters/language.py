"""The language of what an adapter itself writes to a member (a fallback, a "Done."), outside
the core's handling of an event, where the core has already set it."""

from __future__ import annotations

from bot.community import ensure_community, member_language
from bot.context import Services
from bot.events import Actor
from bot.i18n.languages import DEFAULT_LANGUAGE, match_language


async def language_of(services: Services, actor: Actor) -> str:
    """The language the core speaks to ``actor``: their choice, their platform's, the
    community's (read from the database, so only when an adapter has something to say)."""
    community = await ensure_community(
        services.db, actor.community, services.clock.now(), locale=actor.community_locale
    )
    return await member_language(services.db, community, actor.user.key, actor.locale)


def platform_language(locale: str | None) -> str:
    """For a member Kith cannot place in a community: their platform's language, else English."""
    return match_language(locale) or DEFAULT_LANGUAGE
