"""discord.py components for rendered messages: the one button route, views and modals.

Every Kith button is a ``KithButton``: a ``DynamicItem`` whose template matches the core's choice
ids (``v1:kind:field…``). Registered once in ``setup_hook``, it receives clicks on any message,
including messages sent before a restart, because the custom id carries all the state and the
core checks it against the database. Views made only of dynamic items are never kept in memory.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from adapters.discord.render import Button, ModalSpec
from bot.choice_ids import VERSION
from bot.shutdown import InFlight

if TYPE_CHECKING:
    from collections.abc import Sequence

CHOICE_TEMPLATE = re.compile(rf"{VERSION}:[a-z][a-z0-9_.]{{0,23}}(?::[A-Za-z0-9_.\-]{{1,60}})*")
STYLES = {
    1: discord.ButtonStyle.primary,
    2: discord.ButtonStyle.secondary,
    4: discord.ButtonStyle.danger,
}


class ClickHandler(Protocol):
    async def on_click(self, interaction: discord.Interaction[Any], custom_id: str) -> None: ...


class KithButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CHOICE_TEMPLATE):
    def __init__(self, custom_id: str, label: str = "", style: int = 2) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                custom_id=custom_id,
                style=STYLES.get(style, discord.ButtonStyle.secondary),
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> KithButton:
        label = getattr(item, "label", None) or ""
        return cls(match.group(0), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler: ClickHandler | None = getattr(interaction.client, "kith_handler", None)
        inflight: InFlight | None = getattr(interaction.client, "inflight", None)
        if handler is None:
            return
        if inflight is None:
            await handler.on_click(interaction, self.custom_id)
            return
        async with inflight.working() as accepted:
            if accepted:  # else shutting down: unanswered, so the member can click again
                await handler.on_click(interaction, self.custom_id)


def build_view(rows: Sequence[Sequence[Button]]) -> discord.ui.View | None:
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(rows):
        for button in row:
            item = KithButton(button.custom_id, button.label, button.style)
            item.row = index
            view.add_item(item)
    return view


class KithModal(discord.ui.Modal):
    """A form. Submissions are handled by the adapter's interaction listener from the raw
    payload (so they work even if this process restarted while the member was typing); the
    modal object itself only lives briefly and does nothing on submit."""

    def __init__(self, spec: ModalSpec) -> None:
        super().__init__(title=spec.title, custom_id=spec.custom_id, timeout=900)
        if spec.intro:
            self.add_item(discord.ui.TextDisplay(spec.intro))
        for field in spec.fields:
            self.add_item(
                discord.ui.Label(
                    text=field.label,
                    component=discord.ui.TextInput(
                        custom_id=field.custom_id,
                        style=(
                            discord.TextStyle.paragraph
                            if field.paragraph
                            else discord.TextStyle.short
                        ),
                        placeholder=field.placeholder or None,
                        max_length=field.max_length,
                        required=True,
                    ),
                )
            )
