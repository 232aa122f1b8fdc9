-- The language Kith speaks. ``language`` is a choice someone made (a member's /kith language, a
-- community's /kith setup language); ``platform_locale`` is what the platform last said (the
-- member's Discord client or Slack locale, the Discord server's locale), kept so that messages
-- sent later, without an event in hand (a buddy introduction, a channel post), use it too.

ALTER TABLE members ADD COLUMN language TEXT
;
ALTER TABLE members ADD COLUMN platform_locale TEXT
;
ALTER TABLE communities ADD COLUMN language TEXT
;
ALTER TABLE communities ADD COLUMN platform_locale TEXT
