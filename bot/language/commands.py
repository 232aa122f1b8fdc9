"""``/kith language`` (a member's own language) and ``/kith setup language`` (the community's)."""

from __future__ import annotations

from bot.commands.parse import Invocation
from bot.community import community_language, member_language, touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import _, use_language
from bot.i18n.formats import and_list
from bot.i18n.languages import LANGUAGES, language, match_language
from bot.messages import Reply

AUTO = "auto"


def _offered() -> str:
    return and_list([f"{lang.name} ({lang.tag})" for lang in LANGUAGES])


def _chosen(inv: Invocation) -> str | None:
    """The word the member typed, as a shipped language code or ``auto``; None when none."""
    word = (inv.options.get("language") or inv.rest).strip()
    if not word:
        return None
    if word.lower() == AUTO:
        return AUTO
    code = match_language(word)
    if code is None:
        raise UserError(
            _(
                "I don't speak “{word}” yet, so nothing changed. I can speak {languages}.",
                word=word[:40],
                languages=_offered(),
            )
        )
    return code


async def language_command(ctx: Context, inv: Invocation) -> Reply:
    chosen = _chosen(inv)
    key = ctx.actor.user.key
    if chosen is None:
        current = language(await member_language(ctx.db, ctx.community, key, ctx.actor.locale))
        return Reply.text(
            _("I speak {language} to you here.", language=current.name),
            _(
                "Choose with /kith language followed by a language: {languages}. "
                "/kith language auto follows your Discord or Slack settings again.",
                languages=_offered(),
            ),
        )
    async with ctx.db.transaction() as tx:
        await touch_member(tx, ctx.actor, ctx.now)
        await tx.execute(
            "UPDATE members SET language = ? WHERE community_id = ? AND user_key = ?",
            None if chosen == AUTO else chosen,
            ctx.community.ref.key,
            key,
        )
        now_speaking = await member_language(tx, ctx.community, key, ctx.actor.locale)
    with use_language(now_speaking):  # the answer is the first thing said in it
        name = language(now_speaking).name
        if chosen == AUTO:
            return Reply.text(
                _(
                    "Done: I follow your app's language again, which means {language} for now.",
                    language=name,
                )
            )
        return Reply.text(_("Done: I'll speak {language} to you from now on.", language=name))


async def setup_language(ctx: Context, inv: Invocation) -> Reply:
    chosen = _chosen(inv)
    community = ctx.community
    if chosen is None:
        how = (
            _("chosen here")
            if community.chosen_language
            else _("from the platform's settings, as nobody has chosen one")
        )
        return Reply.text(
            _(
                "This community's posts are in {language} ({how}). Members who chose their own "
                "language, or whose app is set to one I speak, read their own answers in it.",
                language=language(community.language).name,
                how=how,
            ),
            _(
                "Change it with /kith setup language followed by a language: {languages}, or auto.",
                languages=_offered(),
            ),
        )
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "UPDATE communities SET language = ? WHERE id = ?",
            None if chosen == AUTO else chosen,
            community.ref.key,
        )
        posts = await community_language(tx, community.ref.key)
    return Reply.text(
        _(
            "Done: this community's channel posts will be in {language}. Members read their "
            "own answers in the language they chose or their app is set to, and in {language} "
            "when I don't speak that one.",
            language=language(posts).name,
        )
    )
