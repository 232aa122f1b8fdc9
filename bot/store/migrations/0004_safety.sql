-- Safety: where crisis alerts go, which resources to show, and each time screening saw a signal.
-- Safety events never hold the member's text: only where it was and how serious it looked.

CREATE TABLE safety_settings (
    community_id TEXT PRIMARY KEY REFERENCES communities(id) ON DELETE CASCADE,
    alert_channel_key TEXT,
    region TEXT,                          -- resources region; NULL: guessed from the member's zone
    quote_text INTEGER NOT NULL DEFAULT 0,  -- may moderator alerts quote the member's words?
    extra_high TEXT NOT NULL DEFAULT '[]',
    extra_medium TEXT NOT NULL DEFAULT '[]',
    updated_at BIGINT NOT NULL
)
;
CREATE TABLE safety_events (
    id {autoid},
    community_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    severity INTEGER NOT NULL,
    source TEXT NOT NULL,
    cared INTEGER NOT NULL DEFAULT 0,     -- a caring message was sent for this one
    alerted INTEGER NOT NULL DEFAULT 0,   -- moderators were alerted for this one
    feedback TEXT,                        -- 'ok' or 'false_alarm', from the member
    created_at BIGINT NOT NULL
)
;
CREATE INDEX safety_events_member ON safety_events (community_id, user_key, created_at)
