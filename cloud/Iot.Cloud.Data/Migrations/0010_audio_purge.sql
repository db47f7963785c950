-- Retention deletes old audio files but keeps the chunk rows (and everything built from them): a purged chunk had
-- audio, so audio_included stays true, its storage_path goes and audio_purged_at says when.
ALTER TABLE chunks ADD COLUMN audio_purged_at timestamptz;
ALTER TABLE chunks DROP CONSTRAINT chunks_audio_has_path;
ALTER TABLE chunks ADD CONSTRAINT chunks_audio_has_path CHECK (
    CASE WHEN audio_included THEN (storage_path IS NOT NULL) <> (audio_purged_at IS NOT NULL)
         ELSE storage_path IS NULL AND audio_purged_at IS NULL END);
CREATE INDEX chunks_audio_unpurged ON chunks (tenant_id, started_at) WHERE storage_path IS NOT NULL;
