-- Foundation: communities, members, programmes, the occurrences table, and daily check-ins.
-- Instants are epoch seconds (BIGINT); local dates are TEXT 'YYYY-MM-DD'; JSON is TEXT.

CREATE TABLE communities (
    id TEXT PRIMARY KEY,                 -- CommunityRef key, e.g. 'slack:T1'
    platform TEXT NOT NULL,
    tz TEXT NOT NULL DEFAULT 'UTC',
    admin_users TEXT NOT NULL DEFAULT '[]',  -- JSON list of member keys with admin rights
    admin_roles TEXT NOT NULL DEFAULT '[]',  -- JSON list of platform role ids with admin rights
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
)
;
CREATE TABLE members (
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_key TEXT NOT NULL,              -- UserRef key
    display_name TEXT NOT NULL DEFAULT '',
    tz TEXT,                             -- chosen with /kith timezone
    platform_tz TEXT,                    -- from the platform profile, if it has one
    created_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key)
)
;
CREATE TABLE programmes (
    id {autoid},
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- 'checkin', later 'buddies', 'kindness'
    channel_key TEXT NOT NULL,
    tz TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    paused INTEGER NOT NULL DEFAULT 0,
    materialised_until BIGINT NOT NULL,  -- occurrences exist for every slot due before this
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (community_id, kind)
)
;
-- One row per scheduled firing. UNIQUE(programme_id, kind, slot) is the exactly-once guarantee:
-- a slot (a local date for check-ins) can be materialised any number of times and exists once.
CREATE TABLE occurrences (
    id {autoid},
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    community_id TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- 'checkin.post', 'checkin.private', ...
    slot TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    ready_at BIGINT NOT NULL,            -- due_at, or later after a transient failure
    state TEXT NOT NULL DEFAULT 'pending',   -- pending | claimed | sent | missed | failed | skipped
    lease_until BIGINT,
    fence BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL DEFAULT '{}',
    message_key TEXT,                    -- 'channel_key|message id' of the post, once sent
    detail TEXT,                         -- why it was missed, skipped or failed
    finished_at BIGINT,
    UNIQUE (programme_id, kind, slot)
)
;
CREATE INDEX occurrences_ready ON occurrences (state, ready_at)
;
CREATE INDEX occurrences_programme ON occurrences (programme_id, due_at)
;
CREATE TABLE custom_prompts (
    id {autoid},
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    added_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
;
-- Which prompts a programme has used in the current pass through its deck.
CREATE TABLE prompt_uses (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    cycle INTEGER NOT NULL,
    prompt_key TEXT NOT NULL,
    theme TEXT NOT NULL,
    occurrence_id BIGINT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (programme_id, cycle, prompt_key)
)
;
CREATE TABLE moods (
    occurrence_id BIGINT NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    local_date TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (occurrence_id, user_key)
)
;
CREATE INDEX moods_community ON moods (community_id, answered_at)
;
CREATE TABLE reflections (
    id {autoid},
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    occurrence_id BIGINT REFERENCES occurrences(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    shared TEXT NOT NULL DEFAULT 'private',  -- private | named | anonymous
    shared_message_key TEXT
)
;
CREATE INDEX reflections_member ON reflections (community_id, user_key)
;
-- A member Kith is waiting on for free text where the platform has no modal.
CREATE TABLE pending_inputs (
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    form_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key)
)
