-- Chunks whose speech segments all sit in closed dialogues (or can no longer join one) are done for the dialogue
-- builder: the flag keeps its "what is still open" query proportional to recent speech, not to the device's history.
ALTER TABLE chunks ADD COLUMN dialogues_final boolean NOT NULL DEFAULT false;
CREATE INDEX chunks_dialogue_pending ON chunks (device_id, seq)
    WHERE NOT dialogues_final AND audio_included AND speech_segments <> '[]'::jsonb;
