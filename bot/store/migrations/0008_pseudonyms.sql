-- Privacy: a secret per community for keyed hashes (HMAC-SHA256) of member keys. When a member
-- runs /kith forget, a reference to them that belongs to someone else (another member's
-- do-not-pair list) is replaced by this hash, so the owner's choice still holds if the forgotten
-- member comes back, while the plain platform id is gone.

CREATE TABLE privacy_keys (
    community_id TEXT PRIMARY KEY REFERENCES communities(id) ON DELETE CASCADE,
    pseudonym_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
