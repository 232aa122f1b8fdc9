"""The core: one inbound entry (``handle``) and one scheduler entry (``run_due``).

Adapters hold a ``Kith`` (composition, not inheritance), translate platform payloads into events,
and deliver the ``Reply`` they get back.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from time import perf_counter

from bot import choice_ids
from bot.clock import to_epoch
from bot.commands.parse import CommandSyntaxError, bind, normalise, split_words
from bot.community import Community, ensure_community
from bot.context import Context, Services
from bot.errors import UserError
from bot.events import ClickEvent, CommandEvent, DirectTextEvent, Event, FormSubmitEvent
from bot.logs import event as log_event
from bot.messages import Reply
from bot.ports import ChatPort
from bot.safety.care import look_after
from bot.scheduler import RunReport, Scheduler
from bot.store.faults import WriteRefused, refusal

log = logging.getLogger("kith.core")

# Metric labels: what kind of inbound action, and (once known) which command, button or form.
_ACTION_KINDS: dict[type, str] = {
    CommandEvent: "command",
    ClickEvent: "click",
    FormSubmitEvent: "form",
    DirectTextEvent: "text",
}


class _Action:
    """What one ``handle`` call was, for ``kith_actions_total``. Names come from the registry
    (never the member's words), so the label set stays small."""

    __slots__ = ("kind", "name", "outcome")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = "unknown"
        self.outcome = "ok"


SORRY = "Something went wrong on my side, and nothing was changed. Please try again in a moment."


class Kith:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.scheduler = Scheduler(services)

    async def community(self, event: Event, now: datetime) -> Community:
        # Read afresh for every event (one indexed read): admin lists and zones change.
        return await ensure_community(self.services.db, event.actor.community, now)

    async def handle(self, event: Event, chat: ChatPort) -> Reply:
        started = perf_counter()
        action = _Action(_ACTION_KINDS.get(type(event), "text"))
        try:
            return await self._handle(event, chat, action)
        except WriteRefused as exc:  # even recording who the community is could not be saved
            action.outcome = "refused"
            return Reply.text(exc.member_text)
        except asyncio.CancelledError:
            action.outcome = "cancelled"
            raise
        except Exception:
            action.outcome = "error"
            raise
        finally:
            self.services.metrics.action(
                action.kind, action.name, action.outcome, perf_counter() - started
            )

    async def _handle(self, event: Event, chat: ChatPort, action: _Action) -> Reply:
        now = self.services.clock.now()
        community = await self.community(event, now)
        channel = event.channel if isinstance(event, (CommandEvent, ClickEvent)) else None
        ctx = Context(self.services, chat, event.actor, community, now, channel)
        try:
            if isinstance(event, CommandEvent):
                return await self._command(ctx, event, action)
            if isinstance(event, ClickEvent):
                return await self._click(ctx, event.choice_id, action)
            if isinstance(event, FormSubmitEvent):
                return await self._form(ctx, event.form_id, event.values, action)
            return await self._direct_text(ctx, event, action)
        except UserError as exc:
            action.outcome = "refused"
            return Reply.text(str(exc))
        except WriteRefused as exc:
            # A full disk or a damaged file, logged once by the store: the member is told
            # plainly that nothing was saved, and Kith goes on serving what it can.
            action.outcome = "refused"
            return Reply.text(exc.member_text)
        except Exception as exc:
            action.outcome = "error"
            log.exception(
                "event=handle_error community=%s kind=%s", community.ref.key, type(event).__name__
            )
            refused = refusal(exc)  # a storage fault met outside a write (a damaged page read)
            return Reply.text(refused.member_text if refused is not None else SORRY)

    async def run_due(self, now: datetime, chat: ChatPort) -> RunReport:
        started = perf_counter()
        try:
            report = await self.scheduler.run_due(now, chat)
        except WriteRefused:
            # Claims and outcomes cannot be saved: nothing is sent unrecorded. The store has
            # logged why; the next pass (or the lease, for a claim already taken) picks it up.
            return RunReport()
        self.services.metrics.scheduler_run(perf_counter() - started)
        if report.sent or report.missed or report.failed:
            log_event(
                log,
                "run_due",
                sent=report.sent,
                missed=report.missed,
                failed=report.failed,
                retried=report.retried,
            )
        return report

    async def _command(self, ctx: Context, event: CommandEvent, action: _Action) -> Reply:
        registry = self.services.registry
        try:
            words = split_words(normalise(event.text))
        except CommandSyntaxError as exc:
            raise UserError(str(exc)) from None
        command, length = registry.find(words)
        if command is None:
            group = [c for c in registry.under(tuple(w.lower() for w in words[:2])) if words]
            if group and len(words) <= 2:
                action.name = "/" + " ".join(w.lower() for w in words)
                lines = [
                    f"{c.synopsis} — {c.summary}" for c in group if not c.admin or ctx.is_admin
                ]
                return Reply.text("Here's what that can do:", *lines)
            shown = " ".join(words[:3])[:60]
            raise UserError(f"I don't know the command /{shown}. Try /kith help.")
        action.name = command.name
        if command.admin and not ctx.is_admin:
            raise UserError(
                f"{command.name} is for this community's admins. "
                "Ask an admin if something needs changing."
            )
        try:
            invocation = bind(words, length, command.option_names)
        except CommandSyntaxError as exc:
            raise UserError(str(exc)) from None
        missing = [
            o.name for o in command.options if o.required and not invocation.options.get(o.name)
        ]
        if missing:
            raise UserError(
                f"{command.name} needs {', '.join(m + ':' for m in missing)}. "
                f"Usage: {command.synopsis}"
            )
        return await command.handler(ctx, invocation)

    async def _click(self, ctx: Context, raw_id: str, action: _Action) -> Reply:
        try:
            choice = choice_ids.decode(raw_id)
        except choice_ids.ChoiceIdError:
            raise UserError("That button isn't one of mine, so nothing happened.") from None
        registry = self.services.registry
        handler = registry.choices.get(choice.kind)
        if handler is None:
            raise UserError("That button no longer does anything, so nothing happened.")
        if len(choice.fields) != registry.choice_fields[choice.kind]:
            raise UserError("That button isn't one of mine, so nothing happened.")
        action.name = choice.kind
        try:
            return await handler(ctx, choice)
        except choice_ids.ChoiceIdError:
            raise UserError("That button isn't one of mine, so nothing happened.") from None

    async def _form(
        self, ctx: Context, form_id: str, values: dict[str, str], action: _Action
    ) -> Reply:
        try:
            form = choice_ids.decode(form_id)
        except choice_ids.ChoiceIdError:
            raise UserError("That form isn't one of mine, so nothing was saved.") from None
        registry = self.services.registry
        handler = registry.forms.get(form.kind)
        if handler is None:
            raise UserError("That form has closed, so nothing was saved.")
        if len(form.fields) != registry.form_fields[form.kind]:
            raise UserError("That form isn't one of mine, so nothing was saved.")
        action.name = form.kind
        try:
            return await handler(ctx, form, values)
        except choice_ids.ChoiceIdError:
            raise UserError("That form isn't one of mine, so nothing was saved.") from None

    async def _direct_text(self, ctx: Context, event: DirectTextEvent, action: _Action) -> Reply:
        """Free text sent to the bot: the answer to a pending text box, if there is one."""
        async with self.services.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT form_id, expires_at FROM pending_inputs"
                " WHERE community_id = ? AND user_key = ?",
                ctx.community.ref.key,
                ctx.actor.user.key,
            )
            if row is not None:
                await tx.execute(
                    "DELETE FROM pending_inputs WHERE community_id = ? AND user_key = ?",
                    ctx.community.ref.key,
                    ctx.actor.user.key,
                )
        if row is not None and row["expires_at"] >= to_epoch(ctx.now):
            return await self._form(ctx, row["form_id"], {"text": event.text}, action)
        action.name = "message"
        await look_after(ctx, event.text, "a private message to Kith")
        return Reply.text(
            "Thanks for writing. I only act on commands here, so try /kith help to see what I "
            "can do. I'm not a crisis service: if you're in danger, please contact your local "
            "emergency number."
        )
