"""The check-in post: which prompt, what it says, and its delivery."""

from __future__ import annotations

import json
from typing import Any

from bot import choice_ids
from bot.checkins.deck import next_prompt
from bot.context import Services
from bot.i18n import _, pgettext
from bot.identity import MessageRef
from bot.messages import Choice, ChoiceStyle, Message, Text, message
from bot.programmes import Programme
from bot.prompts import Catalogue, Prompt, load_catalogue
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.store.base import Tx

MOODS = (
    (1, "😞", "rough"),
    (2, "😕", "low"),
    (3, "😐", "okay"),
    (4, "🙂", "good"),
    (5, "😄", "great"),
)
MOOD_EMOJI = {value: emoji for value, emoji, _ in MOODS}
CUSTOM_THEME = "community"


async def community_deck(tx: Tx, services: Services, community_key: str) -> list[Prompt]:
    rows = await tx.fetchall(
        "SELECT id, text FROM custom_prompts WHERE community_id = ? ORDER BY id", community_key
    )
    custom = [Prompt(f"custom:{r['id']}", CUSTOM_THEME, r["text"]) for r in rows]
    running = {
        r["kind"]
        for r in await tx.fetchall(
            "SELECT kind FROM programmes WHERE community_id = ? AND paused = 0", community_key
        )
    }
    # "Send your buddy a note" only where buddy pairing is set up (and not paused).
    builtin = [p for p in services.catalogue.checkins if not p.needs or p.needs in running]
    return [*builtin, *custom]


async def prompt_for(
    tx: Tx,
    services: Services,
    programme: Programme,
    occurrence_id: int,
    payload: dict[str, Any] | None = None,
) -> Prompt:
    """The occurrence's prompt, chosen once and stored, so a retry or a later /checkin shows the
    same words even if the deck changed since. ``payload`` saves a read when the caller holds
    the occurrence's claim (nobody else can change it meanwhile)."""
    if payload is None:
        row = await tx.fetchone("SELECT payload FROM occurrences WHERE id = ?", occurrence_id)
        payload = json.loads(row["payload"]) if row else {}
    payload = dict(payload)
    stored = stored_prompt(payload)
    if stored is not None:
        return stored
    # One read of the deck's history: the current pass, and the latest themes for mixing.
    history = await tx.fetchall(
        "SELECT cycle, prompt_key, theme FROM prompt_uses WHERE programme_id = ?"
        " ORDER BY used_at DESC, occurrence_id DESC",
        programme.id,
    )
    cycle = max((int(r["cycle"]) for r in history), default=0)
    used = {r["prompt_key"] for r in history if r["cycle"] == cycle}
    recent = [r["theme"] for r in history[:8]]
    deck = await community_deck(tx, services, programme.community_key)
    deal = next_prompt(deck, used, recent, seed=f"{programme.community_key}:{cycle}")
    if deal.new_cycle:
        cycle += 1
        # Older passes are no longer needed: keep the history to about one pass.
        await tx.execute(
            "DELETE FROM prompt_uses WHERE programme_id = ? AND cycle < ?", programme.id, cycle - 1
        )
    prompt = deal.prompt
    await tx.execute(
        "INSERT INTO prompt_uses (programme_id, cycle, prompt_key, theme, occurrence_id, used_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        programme.id,
        cycle,
        prompt.key,
        prompt.theme,
        occurrence_id,
        to_epoch(services.clock.now()),
    )
    payload.update(prompt_key=prompt.key, theme=prompt.theme, prompt_text=prompt.text)
    await tx.execute(
        "UPDATE occurrences SET payload = ? WHERE id = ?", json.dumps(payload), occurrence_id
    )
    return prompt


def stored_prompt(payload: dict[str, Any]) -> Prompt | None:
    """The prompt an occurrence was dealt, as stored: its key, theme and English text."""
    if not payload.get("prompt_key"):
        return None
    return Prompt(payload["prompt_key"], payload["theme"], payload["prompt_text"])


def prompt_words(catalogue: Catalogue, payload: dict[str, Any]) -> str:
    """The stored prompt in the current language (a community's own prompt as written)."""
    prompt = stored_prompt(payload)
    return catalogue.text(prompt) if prompt is not None else ""


def checkin_message(
    occurrence_id: int,
    prompt: Prompt,
    catalogue: Catalogue | None = None,
    *,
    private: bool = False,
) -> Message:
    """The check-in in the current language: the channel's for a post, the member's privately.
    The prompt is looked up by its key, so a stored prompt reads in whoever's language
    (``catalogue`` is the running one; the shipped decks if none is given)."""
    catalogue = catalogue or load_catalogue()
    moods = [
        Choice(choice_ids.encode("mood", occurrence_id, value), f"{emoji} {value}", str(value))
        for value, emoji, _word in MOODS
    ]
    reflect = Choice(
        choice_ids.encode("reflect", occurrence_id),
        pgettext("button", "✍️ Reflect"),
        "reflect",
        ChoiceStyle.PRIMARY,
    )
    how = (
        _(
            "How are you today? Tap a mood from 1 (rough) to 5 (great). Your answer stays "
            "private; ✍️ Reflect opens a private note."
        )
        if private
        else _(
            "How are you today? Tap a mood from 1 (rough) to 5 (great). Only you see your "
            "answer; ✍️ Reflect opens a private note."
        )
    )
    return message(
        (Text(_("☀️ Daily check-in"), bold=True),),
        catalogue.text(prompt),
        how,
        choices=(*moods, reflect),
    )


async def prepare_post(tx: Tx, ctx: DeliveryContext) -> Prompt:
    return await prompt_for(
        tx, ctx.services, ctx.programme, ctx.occurrence.id, ctx.occurrence.payload
    )


async def deliver_post(ctx: DeliveryContext) -> MessageRef | None:
    prompt = ctx.prepared
    if not isinstance(prompt, Prompt):  # delivered outside a scheduler batch
        async with ctx.services.db.transaction() as tx:
            prompt = await prepare_post(tx, ctx)
    return await ctx.chat.send_channel(
        ctx.programme.channel,
        checkin_message(ctx.occurrence.id, prompt, ctx.services.catalogue),
        delivery_key=ctx.occurrence.delivery_key,
    )
