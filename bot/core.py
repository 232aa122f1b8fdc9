"""The core: one inbound entry (``handle``) and one scheduler entry (``run_due``).

Adapters hold a ``Kith`` (composition, not inheritance), translate platform payloads into events,
and deliver the ``Reply`` they get back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter

from bot import choice_ids
from bot.commands.parse import CommandSyntaxError, bind, normalise, split_words
from bot.community import actor_language, ensure_community
from bot.context import Context, Services
from bot.errors import UserError
from bot.events import ClickEvent, CommandEvent, DirectTextEvent, Event, FormSubmitEvent
from bot.i18n import N_, _, use_language
from bot.logs import event as log_event
from bot.messages import NO_REPLY, Message, Reply
from bot.pending_inputs import take_pending_form
from bot.ports import ChatPort
from bot.safety.care import look_after
from bot.scheduling.scheduler import RunReport, Scheduler
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


SORRY = N_(
    "Something went wrong on my side, and nothing was changed. Please try again in a moment."
)


@dataclass(frozen=True, slots=True)
class _Answers:
    """What a member is told when a button or form id is not Kith's, or its route is gone."""

    not_mine: str
    gone: str


_BUTTON = _Answers(
    N_("That button isn't one of mine, so nothing happened."),
    N_("That button no longer does anything, so nothing happened."),
)
_FORM = _Answers(
    N_("That form isn't one of mine, so nothing was saved."),
    N_("That form has closed, so nothing was saved."),
)


async def _route(
    raw_id: str,
    fields: Mapping[str, int],
    answers: _Answers,
    action: _Action,
    call: Callable[[choice_ids.ChoiceId], Awaitable[Reply]],
) -> Reply:
    """A click or a form submission: decode the id, check its kind is routed and its field count
    is the kind's, run its handler. A forged or stale id (also one a handler finds malformed) gets
    a clear refusal and changes nothing."""
    try:
        choice = choice_ids.decode(raw_id)
    except choice_ids.ChoiceIdError:
        raise UserError(_(answers.not_mine)) from None
    if choice.kind not in fields:
        raise UserError(_(answers.gone))
    if len(choice.fields) != fields[choice.kind]:
        raise UserError(_(answers.not_mine))
    action.name = choice.kind
    try:
        return await call(choice)
    except choice_ids.ChoiceIdError:
        raise UserError(_(answers.not_mine)) from None


class Kith:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.scheduler = Scheduler(services)

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
        # Read afresh for every event (one indexed read): admin lists and zones change.
        actor = event.actor
        community = await ensure_community(
            self.services.db, actor.community, now, locale=actor.community_locale
        )
        language = await actor_language(self.services.db, community, actor)
        channel = event.channel if isinstance(event, (CommandEvent, ClickEvent)) else None
        ctx = Context(self.services, chat, event.actor, community, now, channel)
        # Everything this event writes reads in the member's language, from its replies to
        # the care it may need; what it posts for others switches language where it does.
        with use_language(language):
            return await self._handle_in_language(ctx, event, action)

    async def _handle_in_language(self, ctx: Context, event: Event, action: _Action) -> Reply:
        community = ctx.community
        try:
            reply = await self._dispatch(ctx, event, action)
        except UserError as exc:
            action.outcome = "refused"
            reply = Reply.text(str(exc))
        except WriteRefused as exc:
            # A full disk or a damaged file, logged once by the store: the member is told
            # plainly that nothing was saved, and Kith goes on serving what it can.
            action.outcome = "refused"
            reply = Reply.text(exc.member_text)
        except Exception as exc:
            action.outcome = "error"
            log.exception(
                "event=handle_error community=%s kind=%s", community.ref.key, type(event).__name__
            )
            refused = refusal(exc)  # a storage fault met outside a write (a damaged page read)
            reply = Reply.text(refused.member_text if refused is not None else _(SORRY))
        return await self._screened(ctx, event, reply)

    def _free_text(self, event: Event) -> tuple[str, str]:
        """What the member wrote: for a known command, the words after its name ("/kith help"
        holds none, so nothing is screened); for anything else, all of it."""
        words, source = _free_text_of(event)
        if isinstance(event, CommandEvent):
            try:
                parts = split_words(normalise(words))
            except CommandSyntaxError:
                return words, source
            command, length = self.services.registry.find(parts)
            if command is not None:
                return " ".join(parts[length:]), source
        return words, source

    async def _dispatch(self, ctx: Context, event: Event, action: _Action) -> Reply:
        if isinstance(event, CommandEvent):
            return await self._command(ctx, event, action)
        if isinstance(event, ClickEvent):
            return await self._click(ctx, event.choice_id, action)
        if isinstance(event, FormSubmitEvent):
            return await self._form(ctx, event.form_id, event.values, action)
        return await self._direct_text(ctx, event, action)

    async def _screened(self, ctx: Context, event: Event, reply: Reply) -> Reply:
        """Every free text is screened, whatever happened to the command (refused, unknown,
        failed): features screen their own texts where they store them; the rest is done here.
        A caring message that could not be sent privately is shown with the reply, only to
        the member."""
        words, source = self._free_text(event)
        if words and not ctx.screened:
            try:
                await look_after(ctx, words, source)
            except Exception:
                # Never silent: the member's own action still gets its answer.
                log.exception("event=screen_error community=%s", ctx.community.ref.key)
        if ctx.care_inline is None:
            return reply
        return _with_care(ctx.care_inline, reply)

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
            words = registry.option_as_path(split_words(normalise(event.text)))
        except CommandSyntaxError as exc:
            raise UserError(str(exc)) from None
        command, length = registry.find(words)
        if command is None:
            group = [c for c in registry.under(tuple(w.lower() for w in words[:2])) if words]
            if group and len(words) <= 2:
                action.name = "/" + " ".join(w.lower() for w in words)
                lines = [
                    f"{c.synopsis} — {_(c.summary)}" for c in group if not c.admin or ctx.is_admin
                ]
                return Reply.text(_("Here's what that can do:"), *lines)
            shown = " ".join(words[:3])[:60]
            raise UserError(_("I don't know the command /{shown}. Try /kith help.", shown=shown))
        action.name = command.name
        if not command.screened:
            ctx.screened = True  # its words are screening phrases, not the admin's own
        if command.admin and not ctx.is_admin:
            raise UserError(
                _(
                    "{command} is for this community's admins. "
                    "Ask an admin if something needs changing.",
                    command=command.name,
                )
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
                _(
                    "{command} needs {options}. Usage: {usage}",
                    command=command.name,
                    options=", ".join(m + ":" for m in missing),
                    usage=command.synopsis,
                )
            )
        return await command.handler(ctx, invocation)

    async def _click(self, ctx: Context, raw_id: str, action: _Action) -> Reply:
        registry = self.services.registry
        return await _route(
            raw_id,
            registry.choice_fields,
            _BUTTON,
            action,
            lambda c: registry.choices[c.kind](ctx, c),
        )

    async def _form(
        self, ctx: Context, form_id: str, values: dict[str, str], action: _Action
    ) -> Reply:
        registry = self.services.registry
        return await _route(
            form_id,
            registry.form_fields,
            _FORM,
            action,
            lambda f: registry.forms[f.kind](ctx, f, values),
        )

    async def _direct_text(self, ctx: Context, event: DirectTextEvent, action: _Action) -> Reply:
        """Free text sent to the bot: the answer to a pending text box, if there is one."""
        form_id = await take_pending_form(
            self.services.db, ctx.community.ref.key, ctx.actor.user.key, ctx.now
        )
        if form_id is not None:
            return await self._form(ctx, form_id, {"text": event.text}, action)
        action.name = "message"
        if await look_after(ctx, event.text, "a private message to Kith") is not None:
            # A message that got care (or, inside the quiet period, is left in peace) gets
            # nothing else: never a cold "I only act on commands" after a caring message.
            return NO_REPLY
        return Reply.text(
            _(
                "Thanks for writing. I only act on commands here, so try /kith help to see what "
                "I can do. I'm not a crisis service: if you're in danger, please contact your "
                "local emergency number."
            )
        )


def _free_text_of(event: Event) -> tuple[str, str]:
    """The words a member wrote in an event, and where they came from (for moderators)."""
    if isinstance(event, CommandEvent):
        return event.text, "a command they sent Kith"
    if isinstance(event, FormSubmitEvent):
        return "\n".join(event.values.values()), "something they wrote to Kith"
    if isinstance(event, DirectTextEvent):
        return event.text, "a private message to Kith"
    return "", ""


def _with_care(care: Message, reply: Reply) -> Reply:
    """The caring message first, then the reply to what the member did; private either way."""
    if reply.message is None:
        return Reply(care, private=True, form=reply.form)
    merged = Message(
        paragraphs=care.paragraphs + reply.message.paragraphs,
        choices=care.choices + reply.message.choices,
        note=reply.message.note,
        attachment=reply.message.attachment,
    )
    return Reply(merged, private=True, form=reply.form)
