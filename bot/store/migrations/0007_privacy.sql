-- Privacy: each community's retention for free text; two more of a member's own settings beside
-- those the kindness feature keeps in member_prefs; and daily maintenance runs (retention),
-- claimed exactly once per job and day by the unique key, whatever the number of processes.

CREATE TABLE privacy_settings (
    community_id TEXT PRIMARY KEY REFERENCES communities(id) ON DELETE CASCADE,
    retention_days INTEGER NOT NULL DEFAULT 90,
    updated_at BIGINT NOT NULL
)
;
ALTER TABLE member_prefs ADD COLUMN share_anonymously INTEGER NOT NULL DEFAULT 0
;
ALTER TABLE member_prefs ADD COLUMN notify_thanks INTEGER NOT NULL DEFAULT 1
;
CREATE TABLE maintenance_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,                  -- the UTC date it ran for
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    detail TEXT,
    PRIMARY KEY (job, slot)
)
