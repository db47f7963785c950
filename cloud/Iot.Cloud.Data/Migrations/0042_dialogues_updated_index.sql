-- 0022 indexed dialogues.updated_at for the overview roll-up's "changed since the watermark" scan; 0041 rebuilt
-- dialogues as a partitioned table and recreated only the indexes it knew, so the index is created again here
-- (on the partitioned parent, hence on every month).
CREATE INDEX IF NOT EXISTS dialogues_updated ON dialogues (updated_at);
