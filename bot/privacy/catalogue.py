"""Every table Kith keeps, and what of it is personal: one place to read, review and extend.

``PERSONAL`` lists tables that hold data about a member: the columns that name the member,
what ``/kith forget`` does with the rows, and which free text the retention job trims.
``NOT_PERSONAL`` lists the rest with the reason. A test enumerates the live schema and fails if a
table is in neither list, so a new table cannot slip past export and deletion unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class PersonalTable:
    table: str
    member_columns: tuple[str, ...]
    # Columns naming *another* member in rows that belong to someone else (an act done "for"
    # the member): on forget they are cleared instead of the row being deleted.
    mention_columns: tuple[str, ...] = ()
    text_column: str | None = None
    created_column: str | None = None
    # What retention does with free text older than the community's retention period.
    retention: Literal["delete", "clear"] | None = None


PERSONAL: tuple[PersonalTable, ...] = (
    PersonalTable("members", ("user_key",)),
    PersonalTable("moods", ("user_key",)),
    PersonalTable(
        "reflections",
        ("user_key",),
        text_column="text",
        created_column="created_at",
        retention="delete",
    ),
    PersonalTable("pending_inputs", ("user_key",)),
    PersonalTable("custom_prompts", (), mention_columns=("added_by",)),
    PersonalTable("safety_events", ("user_key",)),
    PersonalTable("member_prefs", ("user_key",)),
    PersonalTable(
        "kind_acts",
        ("user_key",),
        mention_columns=("for_user",),
        text_column="text",
        created_column="created_at",
        retention="clear",
    ),
    PersonalTable("kind_members", ("user_key",)),
    PersonalTable("kind_totals", ("user_key",)),
    PersonalTable(
        "kind_thanks",
        ("from_user", "to_user"),
        text_column="text",
        created_column="created_at",
        retention="clear",
    ),
    PersonalTable("kind_milestones", ("user_key",)),
    # buddy_group_members rows go with their buddy_members row (ON DELETE CASCADE).
    PersonalTable("buddy_members", ("user_key",)),
    PersonalTable("buddy_avoid", ("user_key", "avoid_key")),
)

NOT_PERSONAL: dict[str, str] = {
    "schema_migrations": "schema versions",
    "communities": "the community's settings; admin lists are cleaned on forget",
    "programmes": "a community's configured programmes",
    "occurrences": "when programmes fired; no member data",
    "prompt_uses": "which prompts a programme used",
    "safety_settings": "a community's safety settings",
    "privacy_settings": "a community's retention setting",
    "maintenance_runs": "which daily housekeeping jobs ran when",
    "buddy_rounds": "round totals (aggregates)",
    "buddy_groups": "groups of a round; who was in them lives in buddy_group_members",
    "buddy_group_members": "deleted with the member's buddy_members row (cascade)",
    "discord_kv": "adapter bookkeeping (command-tree hash)",
    "discord_dm_routes": "which DM channel a bot message went to, for routing clicks",
    "discord_threads": "threads Kith created, by delivery key",
    "programme_holds": "programmes paused because Kith left a server",
    "slack_events": "event ids already handled, for de-duplication",
    "slack_deliveries": "messages Kith posted, by delivery key",
    "console_messages": "the console platform's own message log (the platform, not Kith)",
    "console_members": "the console platform's own member list (the platform, not Kith)",
}
