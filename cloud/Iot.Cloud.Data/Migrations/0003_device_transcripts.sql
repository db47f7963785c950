-- Transcript made on the device (Whisper tiny), kept verbatim so the cloud can skip its own ASR for the chunk.
ALTER TABLE chunks ADD COLUMN device_transcript jsonb;
