-- Buddy pairing: the pool, do-not-pair lists, rounds, groups and their answers.
-- Instants are epoch seconds (BIGINT); local dates are TEXT 'YYYY-MM-DD'.

-- Members who ran /buddy join. The integer id keeps pairing history small and fast to load.
CREATE TABLE buddy_members (
    id {autoid},
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_key TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,       -- 0 after /buddy leave
    paused_until TEXT,                       -- left out of rounds on local dates before this one
    skip_next INTEGER NOT NULL DEFAULT 0,    -- left out of the next round only
    ignored INTEGER NOT NULL DEFAULT 0,      -- rounds in a row with no answer to "did you connect?"
    awaiting INTEGER NOT NULL DEFAULT 0,     -- asked whether to stay; left out until they answer
    asked_round BIGINT,                      -- the round that asked them
    joined_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (community_id, user_key)
)
;
CREATE INDEX buddy_members_pool ON buddy_members (community_id, active)
;
-- Private do-not-pair lists: user_key is never grouped with avoid_key. Nobody is told.
CREATE TABLE buddy_avoid (
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_key TEXT NOT NULL,
    avoid_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key, avoid_key)
)
;
-- One row per round that ran, keyed by its occurrence (so a retried round finds its groups).
CREATE TABLE buddy_rounds (
    occurrence_id BIGINT PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    community_id TEXT NOT NULL,
    slot TEXT NOT NULL,                      -- the round's local date
    number INTEGER NOT NULL,                 -- 1, 2, 3 … within the programme
    started_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,                 -- when the next round is due (answers close later)
    size INTEGER NOT NULL,
    pool INTEGER NOT NULL,                   -- members eligible this round
    paired INTEGER NOT NULL,                 -- members placed in a group
    unplaced INTEGER NOT NULL,               -- a pool of one, or no place that respects avoid lists
    repeats INTEGER NOT NULL,                -- pairs grouped again within the window (unavoidable)
    kept_apart INTEGER NOT NULL,             -- recent pairs in the pool not grouped again
    starter_key TEXT NOT NULL,
    starter_text TEXT NOT NULL,
    note TEXT,                               -- why nobody was paired, if so
    unplaced_ids TEXT NOT NULL DEFAULT '',   -- buddy_members ids left out, comma-separated
    followup_at BIGINT,                      -- when "did you connect?" went out
    tallied INTEGER NOT NULL DEFAULT 0,      -- unanswered follow-ups counted toward "ignored"
    UNIQUE (programme_id, slot)
)
;
CREATE TABLE buddy_groups (
    id {autoid},
    round_id BIGINT NOT NULL REFERENCES buddy_rounds(occurrence_id) ON DELETE CASCADE,
    community_id TEXT NOT NULL,
    number INTEGER NOT NULL,                 -- 1, 2, 3 … within the round
    intro_state TEXT NOT NULL DEFAULT 'pending',     -- pending | sent | failed
    intro_detail TEXT,
    nudge_state TEXT NOT NULL DEFAULT 'pending',     -- pending | sent | failed | none
    followup_state TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed | none
    UNIQUE (round_id, number)
)
;
-- A round's groups get consecutive ids, so the primary key keeps a round's members together:
-- history loads through buddy_groups (round → group ids) and this key, with no extra index to
-- maintain on every insert.
CREATE TABLE buddy_group_members (
    group_id BIGINT NOT NULL REFERENCES buddy_groups(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES buddy_members(id) ON DELETE CASCADE,
    reached INTEGER,                         -- the intro reached them (NULL: not tried yet)
    asked INTEGER,                           -- "did you connect?" reached them
    answer TEXT,                             -- met | notyet | couldnt
    answered_at BIGINT,
    PRIMARY KEY (group_id, member_id)
)
;
-- A member's own groups (/buddy status), and deleting a member's history with them.
CREATE INDEX buddy_group_members_member ON buddy_group_members (member_id)
