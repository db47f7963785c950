-- Speech-only devices report silent chunks as metadata without audio: no file, no storage path.
ALTER TABLE chunks ALTER COLUMN storage_path DROP NOT NULL;
ALTER TABLE chunks ADD COLUMN audio_included boolean NOT NULL DEFAULT true;
ALTER TABLE chunks ADD CONSTRAINT chunks_audio_has_path CHECK (audio_included = (storage_path IS NOT NULL));
