-- Issue 17 item 1: the microphone-missing alert needs to know since when the microphone has been missing, and telemetry
-- only says whether it is missing now. The fleet service sets this when telemetry first says "missing" and clears it
-- when telemetry says anything else (times are the cloud's receive times, like state_received_at).
ALTER TABLE device_health ADD COLUMN mic_missing_since timestamptz;
