-- Slack adapter state. The core never reads these tables; they live in the shared database so that
-- several bot processes (and a restarted one) agree on them.

-- Events API deliveries already handled. Slack redelivers an event it thinks was not acknowledged
-- (HTTP retries with X-Slack-Retry-Num, Socket Mode redeliveries); the event_id stays the same.
CREATE TABLE slack_events (
    event_id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
)
;
CREATE INDEX slack_events_received ON slack_events (received_at)
;
-- Keyed posts (scheduled posts, intros). chat.postMessage has no idempotency key, so a row is
-- written before the first attempt; a retry that finds the row without a ts first searches the
-- channel history for the key in the message metadata before posting again.
CREATE TABLE slack_deliveries (
    delivery_key TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    thread_ts TEXT,
    ts TEXT,
    attempted_at BIGINT NOT NULL
)
