-- Personal check-ins: a member's own private check-in at their local time on their days.
-- Each firing is an occurrence of the community's check-in programme, kind 'checkin.personal',
-- slot '<personal id>/<local date>', so UNIQUE(programme_id, kind, slot) keeps it to one per
-- member and local date whatever the clocks, zones, restarts or processes do. The slot names the
-- member only through this table's id: forgetting the member removes the link.

CREATE TABLE personal_checkins (
    id {autoid},
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_key TEXT NOT NULL,
    at_time TEXT NOT NULL,               -- local wall-clock time, 'HH:MM'
    days TEXT NOT NULL,                  -- JSON list of weekdays, 0 = Monday
    remind INTEGER NOT NULL DEFAULT 0,   -- one gentle nudge if unanswered
    paused_until TEXT,                   -- first local date to send again, or NULL
    active INTEGER NOT NULL DEFAULT 1,   -- 0 after /checkin off (the row keeps its id)
    stopped_reason TEXT,                 -- why Kith itself stopped them (closed DMs)
    tz TEXT NOT NULL,                    -- the zone the pending occurrences were laid out in
    materialised_until BIGINT NOT NULL,  -- occurrences exist for every firing before this
    planned_at BIGINT NOT NULL,          -- when they were last laid out
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (community_id, user_key)
)
;
CREATE INDEX personal_checkins_frontier ON personal_checkins (active, materialised_until)
;
CREATE INDEX personal_checkins_planned ON personal_checkins (community_id, planned_at)
