"""What Kith says around a signal: to the member (care, a follow-up, answers to their buttons,
a request for a person) and to the moderators (alerts that tell the truth about what happened).

Every text is in the current language (``bot.i18n``): the member's for what reaches the member,
the community's for what reaches the moderators' channel (the caller switches). Organisations'
names stay as written; a member's quoted words are never translated.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import choice_ids
from bot.i18n import N_, _, current_language, pgettext
from bot.i18n.formats import language_name, or_list
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.messages import Choice, ChoiceStyle, Inline, Link, Mention, Message, Text, message
from bot.safety.resources import INTERNATIONAL, Region, regions

NOT_A_CRISIS_SERVICE = N_(
    "Kith is a peer-support companion, not a crisis service. The people above are trained to "
    "help, any time of day."
)
# What members are told about screening (in /kith help, /kith privacy and the README's words).
# Marked here, translated where shown: ``_(SCREENING)``.
SCREENING = N_(
    "What you write to Kith (reflections, notes, thanks, commands and private messages) is "
    "screened for signs that you may be struggling; Kith never reads the rest of the channel. "
    "If it sees one, it sends you, privately, a few people you can reach. If this community set "
    "up a moderators' channel, the moderators are told privately that you may need support and "
    "where it came from: your name, and your words only if the community turned quoting on."
)
MODERATORS_NEVER_SEE = N_(
    "Moderators never see your moods, your reflections, your private messages to Kith or your "
    "exported data. /kith support asks them for a person."
)
# The short version for /kith help, which must stay within one message.
SCREENING_IN_SHORT = N_(
    "What you write to Kith is screened for signs you may be struggling: if it sees one, it "
    "sends you people to reach, privately, and tells this community's moderators (if set up) "
    "your name and where, never your moods or reflections. /kith support asks for a person."
)
ASK_FOR_A_PERSON = N_("Ask for a person")
FALSE_ALARM = N_(
    "Thanks for letting me know, and sorry for the worry. I'll stay quiet. The resources are "
    "there if you ever want them."
)

# Where a text came from, as callers name it for moderators ("from a check-in reflection"):
# English words stored with the event, marked here so that an alert reads them in the
# community's language. A source not listed is shown as given.
SOURCES = (
    N_("a check-in reflection"),
    N_("a thank-you note"),
    N_("a kind-act note"),
    N_("a command they sent Kith"),
    N_("something they wrote to Kith"),
    N_("a private message to Kith"),
)


def _ordinal(n: int) -> str:
    """ "2nd", as in "the 2nd time in 24 hours", in the current language."""
    if current_language() != DEFAULT_LANGUAGE:
        # Translators: an ordinal number before the word "time" (occasion): "the 2nd time".
        return pgettext("the Nth time", "{n}th", n=n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _with_member(template: str, member: Mention) -> tuple[Inline, ...]:
    """A translated sentence holding ``{member}`` as a paragraph with the mention in its place
    (a translation may put the name anywhere in the sentence)."""
    before, found, after = template.partition("{member}")
    if not found:  # a translation that lost the name still names them, first
        return (member, Text(" " + template))
    parts: list[Inline] = []
    if before:
        parts.append(Text(before))
    parts.append(member)
    if after:
        parts.append(Text(after))
    return tuple(parts)


def resource_lines(region: Region) -> list[tuple[Inline, ...]]:
    """One line per helpline, its link labelled with the organisation's name."""
    lines = list(region.lines)
    if region.code != INTERNATIONAL:
        lines += regions()[INTERNATIONAL].lines[:1]
    return [
        (Text("• "), Link(line.source, line.name), Text(f": {line.contact_text()}"))
        for line in lines
    ]


def _answers(event_id: int | None) -> tuple[Choice, ...]:
    if event_id is None:  # the event could not be saved: there is nothing for an answer to mark
        return ()
    return (
        Choice(
            choice_ids.encode("safety", event_id, "notneeded"),
            _("This isn't what I need"),
            "notneeded",
        ),
        Choice(
            choice_ids.encode("safety", event_id, "false"),
            _("False alarm"),
            "false",
            ChoiceStyle.DEFAULT,
        ),
    )


def care_message(event_id: int | None, region: Region) -> Message:
    return message(
        _(
            "💛 What you wrote sounded heavy, and I wanted to check in. You don't have to carry "
            "this alone."
        ),
        _(
            "If you might be in danger right now, please call {emergency}.",
            emergency=region.emergency_text(),
        ),
        *resource_lines(region),
        _(NOT_A_CRISIS_SERVICE),
        choices=_answers(event_id),
    )


def support_message(event_id: int | None, region: Region) -> Message:
    """For a member worried about someone else: how to support them, with the same resources.
    Nothing here suggests the member themself is at risk, and moderators are not alerted."""
    return message(
        _(
            "💛 It sounds like you're worried about someone. That's a lot to hold, and it's kind "
            "of you to care."
        ),
        _(
            "What helps: ask them gently and directly how they are, and whether they're thinking "
            "about suicide (asking does not put the idea in their head). Listen without judging "
            "or rushing to fix it. Help them contact one of the services below, and stay with "
            "them if you can."
        ),
        _(
            "If they might be in danger right now, call {emergency}. These services also support "
            "people who are worried about someone, and that includes you.",
            emergency=region.emergency_text(),
        ),
        *resource_lines(region),
        _(NOT_A_CRISIS_SERVICE),
        choices=_answers(event_id),
    )


def followup_message(event_id: int | None, region: Region) -> Message:
    """A short follow-up inside the quiet period, when things sound more serious than before."""
    return message(
        _(
            "💛 I'm still here, and what you just wrote worries me. If you might act on these "
            "thoughts, please call {emergency} now, or reach one of these people:",
            emergency=region.emergency_text(),
        ),
        *resource_lines(region),
        _("/kith support lets this community's moderators know you'd like someone to reach out."),
        choices=_answers(event_id),
    )


def not_what_i_need(can_ask: bool) -> Message:
    if not can_ask:
        return message(
            _(
                "Thank you for telling me, and I'm sorry that missed the mark. Sometimes what "
                "helps most is a person: a friend, someone you trust here, or the people in the "
                "list above, who are there any time. I'll leave you be now."
            )
        )
    return message(
        _(
            "Thank you for telling me, and I'm sorry that missed the mark. Sometimes what helps "
            "most is a person. If you'd like, I'll let this community's moderators know, "
            "privately, that you'd like someone to reach out. Nobody is told unless you ask."
        ),
        choices=(
            Choice(
                choice_ids.encode("support", "ask"),
                _(ASK_FOR_A_PERSON),
                "support",
                ChoiceStyle.PRIMARY,
            ),
        ),
    )


def _source(source: str) -> str:
    return _(source) if source in SOURCES else source


def _language_note(wrote_in: Sequence[str], cared_in: str | None) -> str | None:
    """For moderators reading in the community's language: which language the member's words
    were read in, and which language Kith wrote to them in, where either is not this one
    (someone reaching out will want to know)."""
    here = current_language()
    notes = []
    foreign = [code for code in wrote_in if code.split("_")[0] != here.split("_")[0]]
    if foreign:
        names = or_list([language_name(code) for code in foreign])
        notes.append(_("What they wrote was in {language}.", language=names))
    if cared_in is not None and cared_in != here:
        notes.append(
            _(
                "Kith wrote to them in {language}, the language they use Kith in.",
                language=language_name(cared_in),
            )
        )
    return " ".join(notes) or None


def alert_message(
    member: Mention,
    source: str,
    serious: bool,
    *,
    delivered: bool,
    count: int,
    repeat: bool,
    quote: str | None,
    wrote_in: Sequence[str] = (),
    cared_in: str | None = None,
) -> Message:
    """The moderators' alert: the first in a quiet period, or a repeat that sounds more serious.

    ``wrote_in`` names the languages the member's words were read in, ``cared_in`` the language
    Kith wrote to them in; either is mentioned only where it is not the alert's own."""
    where = _source(source)
    if repeat:
        first = _with_member(
            _(
                "🛟 Repeat: {member} again, from {source}, and it sounds more serious or more "
                "specific than before (the {ordinal} time in 24 hours).",
                member="{member}",
                source=where,
                ordinal=_ordinal(count),
            ),
            member,
        )
    elif serious:
        first = _with_member(
            _(
                "🛟 Kith noticed that {member} may be at risk, from {source}.",
                member="{member}",
                source=where,
            ),
            member,
        )
    else:
        first = _with_member(
            _(
                "🛟 Kith noticed that {member} may be struggling, from {source}.",
                member="{member}",
                source=where,
            ),
            member,
        )
    if not delivered:
        reach = _(
            "Kith could not reach them privately (their direct messages may be closed, or they "
            "may have left), so it added the resources to its reply where they wrote, if that can "
            "still reach them."
        )
    elif repeat:
        reach = _("Kith sent them a short follow-up privately.")
    else:
        reach = _("They have been sent support resources privately.")
    paragraphs: list[str | tuple[Inline, ...]] = [
        first,
        reach,
        _(
            "A kind, private check-in from someone they trust can help; if you believe someone "
            "is in immediate danger, contact emergency services."
        ),
    ]
    note = _language_note(wrote_in, cared_in)
    if note is not None:
        paragraphs.append(note)
    if quote is not None:
        paragraphs.append(_("They wrote: “{quote}”", quote=quote[:500]))
    return message(*paragraphs)


def count_note(
    member: Mention,
    source: str,
    count: int,
    quote: str | None,
    wrote_in: Sequence[str] = (),
) -> Message:
    """The same level again inside the quiet period: the member is left in peace, moderators
    see the count."""
    paragraphs: list[str | tuple[Inline, ...]] = [
        _with_member(
            _(
                "🛟 {member} again, from {source}: the {ordinal} time in 24 hours, no more "
                "serious than before. Kith did not message them again, so as not to overwhelm "
                "them.",
                member="{member}",
                source=_source(source),
                ordinal=_ordinal(count),
            ),
            member,
        )
    ]
    note = _language_note(wrote_in, None)
    if note is not None:
        paragraphs.append(note)
    if quote is not None:
        paragraphs.append(_("They wrote: “{quote}”", quote=quote[:500]))
    return message(*paragraphs)


def support_alert(member: Mention, member_language: str | None = None) -> Message:
    """A member asked for a person (``/kith support``); ``member_language`` is mentioned where it
    is not the alert's own, so whoever reaches out knows which language to write in."""
    paragraphs: list[str | tuple[Inline, ...]] = [
        _with_member(
            _(
                "🙋 {member} would like someone to reach out to them (they asked with "
                "/kith support).",
                member="{member}",
            ),
            member,
        ),
        _(
            "A kind, private message from someone they trust is a good start. If you believe "
            "someone is in immediate danger, contact emergency services."
        ),
    ]
    if member_language is not None and member_language != current_language():
        paragraphs.append(
            _(
                "They use Kith in {language}.",
                language=language_name(member_language),
            )
        )
    return message(*paragraphs)
