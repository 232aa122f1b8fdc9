-- Kindness: acts, thanks, per-member streak state, pre-aggregated totals for leaderboards,
-- milestones, and members' own preferences.
--
-- Local dates are TEXT 'YYYY-MM-DD' in the member's time zone at the moment of the act; instants
-- are epoch seconds. Leaderboards never aggregate raw acts: kind_totals keeps one counter per
-- member and period (week, month, all time, challenge), so a board is a short index scan even
-- with millions of acts. The member's leaderboard choice is copied into kind_members and
-- kind_totals (column `pref`): an "everyone" board scans the rank index skipping the few who
-- opted out, and an "opt-in" board reads a partial index holding only members who opted in,
-- which costs nothing to maintain for everyone else.

-- A member's own settings in a community. The privacy feature adds more columns later.
CREATE TABLE member_prefs (
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    leaderboard TEXT NOT NULL DEFAULT 'default',   -- default | in | out
    public_mentions INTEGER NOT NULL DEFAULT 1,    -- may milestones name me in the channel?
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key)
)
;
-- Every logged act. `counted` is 0 for acts past the day's cap (kept: they are the member's own
-- journal, and shown in their export). Repeats of the same text on the same day are not stored.
CREATE TABLE kind_acts (
    id {autoid},
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,                -- kind | challenge | buddy | ...
    for_user TEXT,                       -- who it was for, if the member said
    local_date TEXT NOT NULL,
    tz TEXT NOT NULL,                    -- the zone local_date was taken in
    counted INTEGER NOT NULL,
    created_at BIGINT NOT NULL
)
;
CREATE INDEX kind_acts_member_day ON kind_acts (community_id, user_key, local_date)
;
CREATE INDEX kind_acts_community_time ON kind_acts (community_id, created_at)
;
-- One row per member who acted or was thanked: the O(1) streak state and today's counters.
CREATE TABLE kind_members (
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    last_date TEXT,                      -- latest local date with an act
    run_start TEXT,                      -- first date of the current streak
    current_len INTEGER NOT NULL DEFAULT 0,   -- act dates in the current streak, up to last_date
    rest_date TEXT,                      -- the latest forgiven missed day in the current streak
    current_at BIGINT NOT NULL DEFAULT 0,     -- when current_len reached its value (tie-break)
    alive_until BIGINT NOT NULL DEFAULT 0,    -- the instant the streak ends without another act
    longest INTEGER NOT NULL DEFAULT 0,
    longest_at BIGINT NOT NULL DEFAULT 0,
    active_days INTEGER NOT NULL DEFAULT 0,
    day_date TEXT,                       -- the local date the two fields below are for
    day_counted INTEGER NOT NULL DEFAULT 0,
    day_keys TEXT NOT NULL DEFAULT '[]', -- JSON: short hashes of the texts logged that day
    noticed INTEGER NOT NULL DEFAULT 0,  -- thanks received that counted ("kindness noticed")
    pref TEXT NOT NULL DEFAULT 'default',     -- copy of member_prefs.leaderboard
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key)
)
;
CREATE INDEX kind_members_current
    ON kind_members (community_id, current_len DESC, current_at, user_key, alive_until, pref)
;
CREATE INDEX kind_members_current_in
    ON kind_members (community_id, current_len DESC, current_at, user_key, alive_until)
    WHERE pref = 'in'
;
CREATE INDEX kind_members_longest
    ON kind_members (community_id, longest DESC, longest_at, user_key, pref)
;
CREATE INDEX kind_members_longest_in
    ON kind_members (community_id, longest DESC, longest_at, user_key)
    WHERE pref = 'in'
;
-- Counted acts per member and period: 'all', 'w2026-10' (ISO week), 'm2026-03', 'c2026-03-02'
-- (the challenge that started that day). reached_at breaks ties: whoever got there first.
CREATE TABLE kind_totals (
    community_id TEXT NOT NULL,
    period TEXT NOT NULL,
    user_key TEXT NOT NULL,
    acts INTEGER NOT NULL,
    reached_at BIGINT NOT NULL,
    pref TEXT NOT NULL DEFAULT 'default',
    PRIMARY KEY (community_id, period, user_key)
)
;
CREATE INDEX kind_totals_rank
    ON kind_totals (community_id, period, acts DESC, reached_at, user_key, pref)
;
CREATE INDEX kind_totals_rank_in
    ON kind_totals (community_id, period, acts DESC, reached_at, user_key)
    WHERE pref = 'in'
;
CREATE INDEX kind_totals_member ON kind_totals (community_id, user_key)
;
CREATE TABLE kind_thanks (
    id {autoid},
    community_id TEXT NOT NULL,
    from_user TEXT NOT NULL,
    to_user TEXT NOT NULL,
    text TEXT NOT NULL,
    local_date TEXT NOT NULL,            -- the giver's local date
    counted INTEGER NOT NULL,            -- 1 for the first thanks a giver sends someone that day
    created_at BIGINT NOT NULL
)
;
CREATE INDEX kind_thanks_pair_day ON kind_thanks (community_id, from_user, to_user, local_date)
;
CREATE INDEX kind_thanks_to ON kind_thanks (community_id, to_user)
;
CREATE INDEX kind_thanks_community_time ON kind_thanks (community_id, created_at)
;
-- Milestones reached, once per streak and length; the channel post is an occurrence.
CREATE TABLE kind_milestones (
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    run_start TEXT NOT NULL,
    days INTEGER NOT NULL,
    reached_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_key, run_start, days)
)
;
CREATE INDEX kind_milestones_community_time ON kind_milestones (community_id, reached_at)
