-- Per-community, per-day counts behind /kith stats, kept up to date as acts, thanks and check-in
-- answers arrive, so the stats read a few hundred rows instead of every act and answer.
--
-- The days are local dates: an act's or a thank-you's as the member logged it, an answer's the
-- check-in's own date. The counts are anonymous (no member is named) and they follow the rows
-- they count: forgetting a member takes their acts, thanks and answers back out, and retention's
-- deletion of old moods does too (bot.day_counts), so the stats say exactly what a scan of the
-- kept rows would say. On PostgreSQL each day is split into a few slots (by member) that the
-- stats add up, so concurrent writers in one community do not queue on one counter row; SQLite
-- has one writer and uses slot 0.

CREATE TABLE kind_days (
    community_id TEXT NOT NULL,
    local_date TEXT NOT NULL,
    slot INTEGER NOT NULL,
    acts INTEGER NOT NULL DEFAULT 0,      -- counted acts (kind_acts.counted = 1)
    thanks INTEGER NOT NULL DEFAULT 0,    -- thank-you notes sent, by the giver's local date
    PRIMARY KEY (community_id, local_date, slot)
)
;
CREATE TABLE checkin_days (
    community_id TEXT NOT NULL,
    local_date TEXT NOT NULL,
    slot INTEGER NOT NULL,
    answers INTEGER NOT NULL DEFAULT 0,       -- moods given to check-ins of this date
    post_answers INTEGER NOT NULL DEFAULT 0,  -- of which to the channel's check-in posts
    mood_sum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_date, slot)
)
;
-- "Members answering" is a distinct count: read from this index alone (one entry per answer).
CREATE INDEX moods_community_day ON moods (community_id, local_date, user_key)
;
-- The counts of what is already stored (an upgraded database gives the same stats as a scan).
INSERT INTO kind_days (community_id, local_date, slot, acts, thanks)
SELECT community_id, local_date, 0, SUM(acts), SUM(thanks) FROM (
    SELECT community_id, local_date, COUNT(*) AS acts, 0 AS thanks FROM kind_acts
    WHERE counted = 1 GROUP BY community_id, local_date
    UNION ALL
    SELECT community_id, local_date, 0 AS acts, COUNT(*) AS thanks FROM kind_thanks
    GROUP BY community_id, local_date
) AS days GROUP BY community_id, local_date
;
INSERT INTO checkin_days (community_id, local_date, slot, answers, post_answers, mood_sum)
SELECT m.community_id, m.local_date, 0, COUNT(*),
    SUM(CASE WHEN o.kind = 'checkin.post' THEN 1 ELSE 0 END), SUM(m.mood)
FROM moods m JOIN occurrences o ON o.id = m.occurrence_id
WHERE o.kind IN ('checkin.post', 'checkin.private', 'checkin.personal')
GROUP BY m.community_id, m.local_date
