"""Every table Kith keeps, and what of it is personal: one place to read, review and extend.

``PERSONAL`` lists tables that hold data about a member: the columns that name the member,
what ``/kith forget`` does with the rows, and which free text the retention job trims.

A row can name a member in three ways, and each is treated differently:

- *mine* (``member_columns``): the member's own data. Exported to them, deleted by their forget.
- *my part in something shared* (``mention_columns``): a prompt the member added to the community's
  deck. Exported to them; on forget the column is cleared and the shared thing stays.
- *about me, owned by someone else* (``about_columns``): another member's do-not-pair list naming
  the member, an act someone logged "for" them. Never exported to the member, never counted in
  their ``/kith privacy``, never deleted by their forget (it is the owner's data). On forget the
  reference is cleared, or with ``pseudonymise`` replaced by a keyed hash, so the owner's choice
  still holds if the member comes back (see ``bot.privacy.pseudonyms``).
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
    # The member's part in a shared row: exported; cleared on forget, the row stays.
    mention_columns: tuple[str, ...] = ()
    # The member named in someone else's row: not exported, not deleted; cleared on forget, or
    # replaced by a keyed hash where ``pseudonymise`` is set.
    about_columns: tuple[str, ...] = ()
    pseudonymise: bool = False
    text_column: str | None = None
    created_column: str | None = None
    # What retention does with rows (or free text) older than the community's retention period.
    retention: Literal["delete", "clear"] | None = None
    # An increasing integer column that retention walks in slices.
    slice_column: str = "id"


PERSONAL: tuple[PersonalTable, ...] = (
    PersonalTable("members", ("user_key",)),
    # Raw moods and safety events are health data: kept only for the retention period (the
    # stats are aggregates over at most 90 days and never show a person).
    PersonalTable(
        "moods",
        ("user_key",),
        created_column="answered_at",
        retention="delete",
        slice_column="occurrence_id",
    ),
    PersonalTable(
        "reflections",
        ("user_key",),
        text_column="text",
        created_column="created_at",
        retention="delete",
    ),
    PersonalTable("pending_inputs", ("user_key",)),
    PersonalTable("custom_prompts", (), mention_columns=("added_by",)),
    PersonalTable("safety_events", ("user_key",), created_column="created_at", retention="delete"),
    PersonalTable(
        "support_requests", ("user_key",), created_column="created_at", retention="delete"
    ),
    # Which DM channel reaches the member: dropped at once on forget.
    PersonalTable("discord_dm_routes", ("user_key",)),
    PersonalTable("slack_deliveries", ("user_key",)),
    PersonalTable("member_prefs", ("user_key",)),
    PersonalTable(
        "kind_acts",
        ("user_key",),
        about_columns=("for_user",),
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
    PersonalTable("buddy_avoid", ("user_key",), about_columns=("avoid_key",), pseudonymise=True),
    # Their occurrences name the member only through this row's id: with it gone, they are
    # nobody's (and any not yet sent are skipped).
    PersonalTable("personal_checkins", ("user_key",)),
)

NOT_PERSONAL: dict[str, str] = {
    "schema_migrations": "schema versions",
    "communities": "the community's settings; admin lists are cleaned on forget",
    "programmes": "a community's configured programmes",
    "occurrences": "when programmes fired; a milestone's slot and payload name the member, and"
    " forget cancels and blanks those (bot.privacy.data.forget_occurrences)",
    "privacy_keys": "each community's secret for keyed hashes of forgotten members' keys",
    "prompt_uses": "which prompts a programme used",
    "safety_settings": "a community's safety settings",
    "privacy_settings": "a community's retention setting",
    "maintenance_runs": "which daily housekeeping jobs ran when",
    "buddy_rounds": "round totals (aggregates)",
    "kind_days": "anonymous counts of acts and thanks per community and day; forget takes the"
    " member's share out (bot.day_counts)",
    "checkin_days": "anonymous counts and mood sums of answers per community and day; forget and"
    " retention take out what they delete (bot.day_counts)",
    "buddy_groups": "groups of a round; who was in them lives in buddy_group_members",
    "buddy_group_members": "deleted with the member's buddy_members row (cascade)",
    "discord_kv": "adapter bookkeeping (command-tree hash)",
    "discord_threads": "threads Kith created, by delivery key",
    "discord_sends": "Kith's own keyed posts (nonce, channel, message id), kept a week",
    "programme_holds": "programmes paused because Kith left a server",
    "slack_events": "event ids already handled, for de-duplication",
    "console_messages": "the console platform's own message log (the platform, not Kith)",
    "console_members": "the console platform's own member list (the platform, not Kith)",
}
