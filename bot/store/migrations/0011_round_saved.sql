-- A big round is saved in several short transactions. Its row is written first with saved = 0
-- and marked saved = 1 in the last one, so a round cut short by a crash is never taken for a
-- planned one: it is deleted and planned again (nobody was introduced from it).

ALTER TABLE buddy_rounds ADD COLUMN saved INTEGER NOT NULL DEFAULT 1
