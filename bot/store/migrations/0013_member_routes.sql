-- A member's direct-message routing, named by member, so /kith forget drops it at once: the DM
-- channels of Discord messages Kith sent (for routing clicks), and Slack's write-ahead markers
-- of posts to a member's DM.

ALTER TABLE discord_dm_routes ADD COLUMN user_key TEXT
;
CREATE INDEX discord_dm_routes_member ON discord_dm_routes (community_id, user_key)
;
ALTER TABLE slack_deliveries ADD COLUMN community_id TEXT
;
ALTER TABLE slack_deliveries ADD COLUMN user_key TEXT
;
CREATE INDEX slack_deliveries_member ON slack_deliveries (community_id, user_key)
