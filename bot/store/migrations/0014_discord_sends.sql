-- Keyed Discord sends, written before each attempt. Discord deduplicates a repeated nonce for
-- only a few minutes, while a failing post is retried for longer: past that window the adapter
-- looks in the channel for the first attempt's message before posting again. ``message_id`` is
-- set once Discord has answered.
CREATE TABLE discord_sends (
    nonce TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    first_attempt_at BIGINT NOT NULL,
    message_id TEXT
)
;
CREATE INDEX discord_sends_age ON discord_sends (first_attempt_at)
;
