"""The first answer to an interaction, without asking Discord for the message back.

discord.py's ``InteractionResponse.send_message`` and ``defer`` always post the callback with
``?with_response=1``, so Discord returns the created message and discord.py builds an
``InteractionCallbackResponse`` and an ``InteractionMessage`` from it. Kith never uses that object:
a later edit, deletion or follow-up goes by the interaction token. Without the query Discord
answers ``204 No Content``: no message to read, parse and build, which was about a seventh of
the CPU spent answering an interaction (bench/README.md, "Discord load").

This relies on discord.py 2.7 internals (the webhook adapter, the interaction's session and
``InteractionResponse._response_type``); tests/unit/test_discord_respond.py compares every
request with what discord.py itself sends, so an upgrade that changes them fails there.

The request still goes through discord.py's own webhook adapter (its per-interaction lock,
429 and 5xx retries, error classes) with the same payload discord.py builds, and the
interaction is then marked as responded exactly as discord.py marks it, so ``is_done()``,
``edit_original_response``, ``delete_original_response`` and ``followup`` behave as before.
Anything this module does not handle the same way (a view with components that are not
dynamic items, which discord.py would keep in its view store under the created message's id)
is left to discord.py.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.http import MultipartParameters, Route
from discord.webhook.async_ import (
    async_context,
    interaction_message_response_params,
    interaction_response_params,
)

CALLBACK = "/interactions/{webhook_id}/{webhook_token}/callback"
EPHEMERAL = 64


def fully_dynamic(view: discord.ui.View | None) -> bool:
    """A view made only of dynamic items needs nothing from discord.py's view store: clicks
    reach the item class registered with ``add_dynamic_items``, whatever the message."""
    return view is None or all(
        isinstance(item, discord.ui.DynamicItem) for item in view.walk_children()
    )


async def _callback(interaction: discord.Interaction[Any], params: MultipartParameters) -> None:
    """POST the interaction callback (no ``with_response``) through discord.py's adapter."""
    route = Route("POST", CALLBACK, webhook_id=interaction.id, webhook_token=interaction.token)
    http = interaction._state.http
    kwargs: dict[str, Any] = {"payload": params.payload}
    if params.files:
        kwargs = {"files": params.files, "multipart": params.multipart}
    await async_context.get().request(
        route,
        session=interaction._session,
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        **kwargs,
    )


def _mark_done(
    interaction: discord.Interaction[Any], kind: discord.InteractionResponseType
) -> None:
    # What discord.py sets once its own callback request succeeded (interactions.py).
    interaction.response._response_type = kind


async def send_message(
    interaction: discord.Interaction[Any],
    content: str | None,
    *,
    ephemeral: bool = False,
    allowed_mentions: discord.AllowedMentions | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """``interaction.response.send_message`` without the created message coming back."""
    if not fully_dynamic(view):
        extra: dict[str, Any] = {"view": view}
        if allowed_mentions is not None:
            extra["allowed_mentions"] = allowed_mentions
        if file is not None:
            extra["file"] = file
        await interaction.response.send_message(content, ephemeral=ephemeral, **extra)
        return
    if interaction.response.is_done():
        raise discord.InteractionResponded(interaction)
    params = interaction_message_response_params(
        type=discord.InteractionResponseType.channel_message.value,
        content=content,
        file=file if file is not None else discord.utils.MISSING,
        previous_allowed_mentions=interaction._state.allowed_mentions,
        allowed_mentions=(
            allowed_mentions if allowed_mentions is not None else discord.utils.MISSING
        ),
        # As discord.py: flags only when ephemeral, else no flags field at all.
        flags=(discord.MessageFlags._from_value(EPHEMERAL) if ephemeral else discord.utils.MISSING),
        view=view if view is not None else discord.utils.MISSING,
    )
    await _callback(interaction, params)
    _mark_done(interaction, discord.InteractionResponseType.channel_message)


async def defer(
    interaction: discord.Interaction[Any], *, ephemeral: bool = False, thinking: bool = False
) -> None:
    """``interaction.response.defer`` without the callback object coming back."""
    if interaction.response.is_done():
        raise discord.InteractionResponded(interaction)
    kinds = discord.InteractionType
    data = {"flags": EPHEMERAL} if ephemeral else None
    if interaction.type in (kinds.component, kinds.modal_submit):
        kind = (
            discord.InteractionResponseType.deferred_channel_message
            if thinking
            else discord.InteractionResponseType.deferred_message_update
        )
        if not thinking:
            data = None  # an update of the clicked message has no flags
    elif interaction.type is kinds.application_command:
        kind = discord.InteractionResponseType.deferred_channel_message
    else:
        return  # discord.py sends nothing for other kinds either
    await _callback(interaction, interaction_response_params(type=kind.value, data=data))
    _mark_done(interaction, kind)
