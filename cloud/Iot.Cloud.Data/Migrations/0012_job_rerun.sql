-- A chunk that arrives while its device's build-dialogues job runs must still cause a rebuild. The dedup index keeps
-- at most one unfinished job per (kind, dedup_key), so instead of a second row the enqueue marks the running job;
-- when that job ends as done it goes back to queued (attempts reset) instead. One pending rebuild per device, never
-- two builds of one device at once, and no change lost.
ALTER TABLE jobs ADD COLUMN rerun_requested boolean NOT NULL DEFAULT false;

-- Queue depth by kind and status is read every metrics scrape; done jobs pile up and must not be scanned for it.
CREATE INDEX jobs_unfinished ON jobs (status, kind) WHERE status <> 'done';
