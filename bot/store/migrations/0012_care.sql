-- Care around a signal: whether a disclosure was concrete (a plan, a time, a means), so that a
-- more concrete one inside the quiet period gets a follow-up and a repeat alert; whether the
-- caring message reached the member privately; and members' requests to be reached by a person.

ALTER TABLE safety_events ADD COLUMN concrete INTEGER NOT NULL DEFAULT 0
;
ALTER TABLE safety_events ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0
;
CREATE TABLE support_requests (
    id {autoid},
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    alerted INTEGER NOT NULL DEFAULT 0,   -- the moderators' channel got it
    created_at BIGINT NOT NULL
)
;
CREATE INDEX support_requests_member ON support_requests (community_id, user_key, created_at)
