"""Interactions: slash commands, autocomplete, button clicks and modal submissions.

Discord wants an answer to every interaction within 3 seconds. The core usually answers in
milliseconds, so the handler gives it ``ack_budget`` seconds: if the reply is ready, it is the
initial response (which is also the only moment a modal can be opened); if not, the interaction
is deferred (an ephemeral "thinking…") and the reply follows when the core returns. Writes the
reply acknowledges are committed by the core before it returns.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord import inbound, respond
from adapters.discord.chat import DiscordChat, message_kwargs
from adapters.discord.commands import CommandTree, zone_suggestions
from adapters.discord.ids import channel_ref
from adapters.discord.render import render_message, render_modal
from adapters.discord.store import AdapterStore
from adapters.discord.views import CHOICE_TEMPLATE, KithModal
from adapters.language import language_of, platform_language
from bot.core import Kith
from bot.events import Actor, Event
from bot.i18n import N_, _, use_language
from bot.identity import CommunityRef
from bot.logs import event as log_event
from bot.messages import Reply, message
from bot.registry import OptionKind

log = logging.getLogger("kith.discord.interactions")

ACK_BUDGET = 1.5  # seconds the core gets before Kith defers; Discord allows 3
FORM_TOO_LATE = N_(
    "That took me a moment too long, so I couldn't open the text box. Please tap the button again."
)
NOT_HERE = N_(
    "I can't tell which server this belongs to any more, so nothing happened. "
    "Please use the command in your server."
)
UNKNOWN_COMMAND = N_("That command isn't one I know any more.")
DONE = N_("Done.")


class InteractionHandler:
    def __init__(
        self,
        kith: Kith,
        chat: DiscordChat,
        store: AdapterStore,
        tree: CommandTree,
        *,
        ack_budget: float = ACK_BUDGET,
    ) -> None:
        self.kith = kith
        self.chat = chat
        self.store = store
        self.tree = tree
        self.ack_budget = ack_budget

    # -- entry points ------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Commands, autocomplete and modal submissions; buttons arrive via ``on_click``."""
        kind = interaction.type
        try:
            if kind is discord.InteractionType.application_command:
                await self._command(interaction)
            elif kind is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction)
            elif kind is discord.InteractionType.modal_submit:
                await self._modal(interaction)
            elif kind is discord.InteractionType.component:
                custom_id = str((interaction.data or {}).get("custom_id", ""))
                if not CHOICE_TEMPLATE.fullmatch(custom_id):
                    # Not one of Kith's buttons (KithButton takes those): the core says so
                    # politely instead of Discord showing "interaction failed".
                    await self.on_click(interaction, custom_id)
        except Exception:
            log.exception("event=interaction_error type=%s", kind.name)

    async def on_click(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        try:
            who = await self._actor(interaction)
            if who is None:
                await self._not_here(interaction)
                return
            msg = interaction.message
            evt = inbound.click_event(
                who,
                custom_id,
                guild_id=who.community.id,
                channel_id=interaction.channel_id,
                message_id=msg.id if msg is not None else None,
            )
            await self._run(interaction, evt, who)
        except Exception:
            log.exception("event=click_error")

    # -- kinds -------------------------------------------------------------------------------

    async def _command(self, interaction: discord.Interaction[Any]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        invocation = inbound.parse_invocation(data)
        leaf = self.tree.leaves.get(invocation.path)
        who = await self._actor(interaction)
        if who is None:
            await self._not_here(interaction)
            return
        if leaf is None or interaction.guild_id is None:
            with use_language(await language_of(self.kith.services, who)):
                await self._deliver(interaction, Reply.text(_(UNKNOWN_COMMAND)), None)
            return
        channel = (
            channel_ref(interaction.guild_id, interaction.channel_id)
            if interaction.channel_id is not None
            else None
        )
        await self._run(interaction, inbound.command_event(who, channel, invocation, leaf), who)

    async def _autocomplete(self, interaction: discord.Interaction[Any]) -> None:
        invocation = inbound.parse_invocation(dict(interaction.data or {}))
        leaf = self.tree.leaves.get(invocation.path)
        param = leaf.param(invocation.focused) if leaf and invocation.focused else None
        names: list[str] = []
        if param is not None and param.kind is OptionKind.TIMEZONE:
            names = zone_suggestions(str(invocation.values.get(param.name) or ""))
        await interaction.response.autocomplete(
            [discord.app_commands.Choice(name=n, value=n) for n in names]
        )

    async def _modal(self, interaction: discord.Interaction[Any]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        who = await self._actor(interaction)
        if who is None:
            await self._not_here(interaction)
            return
        evt = inbound.form_event(who, custom_id, data.get("components", []))
        await self._run(interaction, evt, who)

    # -- shared ------------------------------------------------------------------------------

    async def _actor(self, interaction: discord.Interaction[Any]) -> Actor | None:
        user = interaction.user
        # Every interaction says which language the member's client and the server use.
        locale = interaction.locale.value if interaction.locale else None
        if interaction.guild_id is not None:
            roles = [r.id for r in getattr(user, "roles", []) if not r.is_default()]
            guild_locale = interaction.guild_locale
            return inbound.actor(
                interaction.guild_id,
                user.id,
                user.display_name,
                permissions=interaction.permissions.value,
                role_ids=roles,
                is_bot=user.bot,
                locale=locale,
                guild_locale=guild_locale.value if guild_locale is not None else None,
            )
        # A direct message: the community is the one Kith sent that DM for.
        msg = interaction.message
        community = await self.store.dm_community(
            str(msg.id) if msg is not None else None, str(interaction.channel_id)
        )
        if community is None:
            return None
        guild_id = CommunityRef.parse(community).id
        # A DM's interaction has no server locale: the community's stored one stands.
        return inbound.actor(
            guild_id, user.id, user.display_name, permissions=0, is_bot=user.bot, locale=locale
        )

    async def _not_here(self, interaction: discord.Interaction[Any]) -> None:
        """No community to place the member in: their client's language."""
        locale = interaction.locale.value if interaction.locale else None
        with use_language(platform_language(locale)):
            await self._deliver(interaction, Reply.text(_(NOT_HERE)), None)

    async def _run(self, interaction: discord.Interaction[Any], evt: Event, who: Actor) -> None:
        """Ack first: answer directly if the core is quick, else defer, then deliver."""
        task = asyncio.ensure_future(self.kith.handle(evt, self.chat))
        # A budget of 0 means "always defer" (the core may well finish without ever suspending).
        if self.ack_budget <= 0 or not (await asyncio.wait({task}, timeout=self.ack_budget))[0]:
            await respond.defer(interaction, ephemeral=True, thinking=True)
        reply = await task
        await self._deliver(interaction, reply, who)

    async def _deliver(
        self, interaction: discord.Interaction[Any], reply: Reply, who: Actor | None
    ) -> None:
        """Send the core's reply; the few words the adapter adds itself (a form that came too
        late, a "Done.") are looked up in the member's language only when they are needed."""

        async def say(text: str) -> str:
            if who is None:
                return _(text)  # the caller has set the language already
            with use_language(await language_of(self.kith.services, who)):
                return _(text)

        responded = interaction.response.is_done()
        if reply.form is not None:
            # A modal can only be the first answer, and never the answer to another modal.
            if not responded and interaction.type is not discord.InteractionType.modal_submit:
                extra = reply.message.plain_text if reply.message is not None else ""
                await interaction.response.send_modal(KithModal(render_modal(reply.form, extra)))
                return
            reply = Reply(message(await say(FORM_TOO_LATE)))
        if reply.message is None:
            if not responded:
                if interaction.type is discord.InteractionType.component:
                    await respond.defer(interaction)  # a silent acknowledgement of the click
                else:
                    await respond.send_message(interaction, await say(DONE), ephemeral=True)
            else:
                await interaction.delete_original_response()
            return
        parts = render_message(reply.message, max_text=self.chat.capabilities.max_text)
        if not responded:
            first, rest = parts[0], parts[1:]
            await respond.send_message(
                interaction, first.content, ephemeral=reply.private, **message_kwargs(first)
            )
        elif reply.private:
            first, rest = parts[0], parts[1:]
            extras = message_kwargs(first)
            file = extras.pop("file", None)
            if file is not None:
                extras["attachments"] = [file]  # an edit takes files as attachments
            await interaction.edit_original_response(content=first.content, **extras)
        else:
            # The deferral was ephemeral; a public reply is posted after it.
            await interaction.edit_original_response(content=await say(DONE))
            rest = parts
        for part in rest:
            await interaction.followup.send(
                part.content, ephemeral=reply.private, **message_kwargs(part)
            )
        log_event(
            log,
            "interaction_replied",
            logging.DEBUG,
            type=interaction.type.name,
            private=reply.private,
            parts=len(parts),
        )
