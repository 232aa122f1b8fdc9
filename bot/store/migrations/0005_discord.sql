-- Discord adapter state, plus one neutral table for communities that leave and come back.
-- The core never reads the discord_ tables; they live in the shared database so that several bot
-- processes (and a restarted one) agree on them.

-- Small adapter facts keyed by name, e.g. the hash of the last synced slash-command tree per
-- application and scope, so a restart syncs commands only when the tree changed.
CREATE TABLE discord_kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
)
;
-- Which community a direct message belongs to. Discord sends clicks, form submissions and
-- replies in DMs without a guild id; the message (or DM channel) tells the adapter which
-- community the member was acting in.
CREATE TABLE discord_dm_routes (
    message_id TEXT PRIMARY KEY,
    dm_channel_id TEXT NOT NULL,
    community_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
;
CREATE INDEX discord_dm_routes_channel ON discord_dm_routes (dm_channel_id, created_at)
;
CREATE INDEX discord_dm_routes_age ON discord_dm_routes (created_at)
;
-- The private thread opened for a keyed group introduction, so a retried round reuses it
-- instead of opening a second thread.
CREATE TABLE discord_threads (
    delivery_key TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
;
CREATE INDEX discord_threads_age ON discord_threads (created_at)
;
-- Programmes paused because the bot was removed from their community (neutral: Slack uninstalls
-- too). When the community comes back, exactly these programmes resume; ones an admin had
-- paused themselves stay paused.
CREATE TABLE programme_holds (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
