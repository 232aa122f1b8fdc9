-- Maintenance jobs work in short slices and record how far they got in the slice's own
-- transaction, so a run cut short (a restart, a crash) is taken up again where it stopped once
-- its lease has run out, instead of waiting for the next day's run.

ALTER TABLE maintenance_runs ADD COLUMN progress TEXT
;
ALTER TABLE maintenance_runs ADD COLUMN lease_until BIGINT
