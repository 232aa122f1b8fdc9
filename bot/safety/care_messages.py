"""What Kith says around a signal: to the member (care, a follow-up, answers to their buttons,
a request for a person) and to the moderators (alerts that tell the truth about what happened)."""

from __future__ import annotations

from bot import choice_ids
from bot.messages import Choice, ChoiceStyle, Inline, Link, Mention, Message, Text, message
from bot.safety.resources import INTERNATIONAL, Region, regions

NOT_A_CRISIS_SERVICE = (
    "Kith is a peer-support companion, not a crisis service. The people above are trained to "
    "help, any time of day."
)
# What members are told about screening (in /kith help, /kith privacy and the README's words).
SCREENING = (
    "What you write to Kith (reflections, notes, thanks, commands and private messages) is "
    "screened for signs that you may be struggling; Kith never reads the rest of the channel. "
    "If it sees one, it sends you, privately, a few people you can reach. If this community set "
    "up a moderators' channel, the moderators are told privately that you may need support and "
    "where it came from: your name, and your words only if the community turned quoting on."
)
MODERATORS_NEVER_SEE = (
    "Moderators never see your moods, your reflections, your private messages to Kith or your "
    "exported data. /kith support asks them for a person."
)
# The short version for /kith help, which must stay within one message.
SCREENING_IN_SHORT = (
    "What you write to Kith is screened for signs you may be struggling: if it sees one, it "
    "sends you people to reach, privately, and tells this community's moderators (if set up) "
    "your name and where, never your moods or reflections. /kith support asks for a person."
)
ASK_FOR_A_PERSON = "Ask for a person"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def resource_lines(region: Region) -> list[tuple[Inline, ...]]:
    """One line per helpline, its link labelled with the organisation's name."""
    lines = list(region.lines)
    if region.code != INTERNATIONAL:
        lines += regions()[INTERNATIONAL].lines[:1]
    return [(Text("• "), Link(line.source, line.name), Text(f": {line.contact}")) for line in lines]


def _answers(event_id: int | None) -> tuple[Choice, ...]:
    if event_id is None:  # the event could not be saved: there is nothing for an answer to mark
        return ()
    return (
        Choice(
            choice_ids.encode("safety", event_id, "notneeded"),
            "This isn't what I need",
            "notneeded",
        ),
        Choice(
            choice_ids.encode("safety", event_id, "false"),
            "False alarm",
            "false",
            ChoiceStyle.DEFAULT,
        ),
    )


def care_message(event_id: int | None, region: Region) -> Message:
    return message(
        "💛 What you wrote sounded heavy, and I wanted to check in. You don't have to carry "
        "this alone.",
        f"If you might be in danger right now, please call {region.emergency}.",
        *resource_lines(region),
        NOT_A_CRISIS_SERVICE,
        choices=_answers(event_id),
    )


def support_message(event_id: int | None, region: Region) -> Message:
    """For a member worried about someone else: how to support them, with the same resources.
    Nothing here suggests the member themself is at risk, and moderators are not alerted."""
    return message(
        "💛 It sounds like you're worried about someone. That's a lot to hold, and it's kind "
        "of you to care.",
        "What helps: ask them gently and directly how they are, and whether they're thinking "
        "about suicide (asking does not put the idea in their head). Listen without judging "
        "or rushing to fix it. Help them contact one of the services below, and stay with "
        "them if you can.",
        f"If they might be in danger right now, call {region.emergency}. These services "
        "also support people who are worried about someone, and that includes you.",
        *resource_lines(region),
        NOT_A_CRISIS_SERVICE,
        choices=_answers(event_id),
    )


def followup_message(event_id: int | None, region: Region) -> Message:
    """A short follow-up inside the quiet period, when things sound more serious than before."""
    return message(
        "💛 I'm still here, and what you just wrote worries me. If you might act on these "
        f"thoughts, please call {region.emergency} now, or reach one of these people:",
        *resource_lines(region),
        "/kith support lets this community's moderators know you'd like someone to reach out.",
        choices=_answers(event_id),
    )


def not_what_i_need(can_ask: bool) -> Message:
    if not can_ask:
        return message(
            "Thank you for telling me, and I'm sorry that missed the mark. Sometimes what helps "
            "most is a person: a friend, someone you trust here, or the people in the list above, "
            "who are there any time. I'll leave you be now."
        )
    return message(
        "Thank you for telling me, and I'm sorry that missed the mark. Sometimes what helps "
        "most is a person. If you'd like, I'll let this community's moderators know, privately, "
        "that you'd like someone to reach out. Nobody is told unless you ask.",
        choices=(
            Choice(
                choice_ids.encode("support", "ask"),
                ASK_FOR_A_PERSON,
                "support",
                ChoiceStyle.PRIMARY,
            ),
        ),
    )


FALSE_ALARM = (
    "Thanks for letting me know, and sorry for the worry. I'll stay quiet. The resources are "
    "there if you ever want them."
)


def _who(member: Mention, source: str, how: str) -> tuple[Inline, ...]:
    return (Text("🛟 Kith noticed that "), member, Text(f" {how}, from {source}."))


def alert_message(
    member: Mention,
    source: str,
    serious: bool,
    *,
    delivered: bool,
    count: int,
    repeat: bool,
    quote: str | None,
) -> Message:
    """The moderators' alert: the first in a quiet period, or a repeat that sounds more serious."""
    how = "may be at risk" if serious else "may be struggling"
    if repeat:
        first: tuple[Inline, ...] = (
            Text("🛟 Repeat: "),
            member,
            Text(
                f" again, from {source}, and it sounds more serious or more specific than before"
                f" (the {_ordinal(count)} time in 24 hours)."
            ),
        )
    else:
        first = _who(member, source, how)
    reach = (
        (
            "Kith sent them a short follow-up privately."
            if repeat
            else "They have been sent support resources privately."
        )
        if delivered
        else "Kith could not reach them privately (their direct messages may be closed, or they "
        "may have left), so it added the resources to its reply where they wrote, if that can "
        "still reach them."
    )
    paragraphs: list[str | tuple[Inline, ...]] = [
        first,
        reach,
        "A kind, private check-in from someone they trust can help; if you believe someone is "
        "in immediate danger, contact emergency services.",
    ]
    if quote is not None:
        paragraphs.append(f"They wrote: “{quote[:500]}”")
    return message(*paragraphs)


def count_note(member: Mention, source: str, count: int, quote: str | None) -> Message:
    """The same level again inside the quiet period: the member is left in peace, moderators
    see the count."""
    paragraphs: list[str | tuple[Inline, ...]] = [
        (
            Text("🛟 "),
            member,
            Text(
                f" again, from {source}: the {_ordinal(count)} time in 24 hours, no more serious "
                "than before. Kith did not message them again, so as not to overwhelm them."
            ),
        )
    ]
    if quote is not None:
        paragraphs.append(f"They wrote: “{quote[:500]}”")
    return message(*paragraphs)


def support_alert(member: Mention) -> Message:
    return message(
        (
            Text("🙋 "),
            member,
            Text(" would like someone to reach out to them (they asked with /kith support)."),
        ),
        "A kind, private message from someone they trust is a good start. If you believe "
        "someone is in immediate danger, contact emergency services.",
    )
