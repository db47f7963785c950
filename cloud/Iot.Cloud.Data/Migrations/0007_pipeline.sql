-- What happens after a chunk is durable: a job queue, dialogues built from speech segments, transcripts, analyses.
-- Numbering: 0010-0019 pipeline follow-ups, 0020-0029 dashboard/API, 0030+ everything else.

-- Desk user logged in at the device when the chunk was recorded (queue systems name the operator); optional.
ALTER TABLE chunks ADD COLUMN operator_id text;

-- Durable work queue. Claimed with FOR UPDATE SKIP LOCKED; a lease lets another worker retry a crashed worker's job.
CREATE TABLE jobs (
    job_id        bigserial PRIMARY KEY,
    kind          text NOT NULL,
    payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- At most one unfinished job per (kind, dedup_key): re-enqueueing the same work is a no-op.
    dedup_key     text,
    -- Lower runs first (0 = fresh dialogues, 100 = default, 200 = backfill).
    priority      smallint NOT NULL DEFAULT 100,
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'waiting', 'done', 'dead')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    run_after     timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    locked_by     text,
    -- 'waiting' jobs say why (e.g. "no transcriber configured"); dead jobs keep the last error and raw engine reply.
    wait_reason   text,
    last_error    text,
    raw_reply     text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX jobs_ready ON jobs (priority, run_after, job_id) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_dedup ON jobs (kind, dedup_key) WHERE status IN ('queued', 'running', 'waiting') AND dedup_key IS NOT NULL;

-- A conversation at one device: by transaction id (per-visit recording) or by silence gaps across chunks.
CREATE TABLE dialogues (
    dialogue_id     uuid PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (tenant_id),
    branch_id       text REFERENCES branches (branch_id),
    device_id       text NOT NULL REFERENCES devices (device_id),
    transaction_id  text,
    operator_id     text,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NOT NULL CHECK (ended_at >= started_at),
    speech_ms       integer NOT NULL DEFAULT 0,
    -- open: may still grow; closed: complete, waiting for text; transcribed; analyzed.
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'transcribed', 'analyzed')),
    deleted_at      timestamptz,
    deleted_by      text,
    delete_reason   text,
    audio_purged_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dialogues_tenant_started ON dialogues (tenant_id, started_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX dialogues_device_started ON dialogues (device_id, started_at);
CREATE UNIQUE INDEX dialogues_transaction ON dialogues (tenant_id, device_id, transaction_id) WHERE transaction_id IS NOT NULL;

-- Speech segments of chunks, placed in their dialogue. offset_ms = position in the dialogue's audio timeline.
CREATE TABLE dialogue_segments (
    chunk_id      uuid NOT NULL REFERENCES chunks (chunk_id),
    start_ms      integer NOT NULL CHECK (start_ms >= 0),
    end_ms        integer NOT NULL CHECK (end_ms > start_ms),
    dialogue_id   uuid NOT NULL REFERENCES dialogues (dialogue_id),
    started_at    timestamptz NOT NULL,
    offset_ms     integer NOT NULL CHECK (offset_ms >= 0),
    PRIMARY KEY (chunk_id, start_ms)
);
CREATE INDEX dialogue_segments_dialogue ON dialogue_segments (dialogue_id, offset_ms);

CREATE TABLE transcripts (
    dialogue_id  uuid PRIMARY KEY REFERENCES dialogues (dialogue_id),
    engine       text NOT NULL,              -- device, whisper, openai, pocketsphinx
    language     text NOT NULL,
    text         text NOT NULL,
    -- [{startMs,endMs,text,words:[{startMs,endMs,text}]}], times from the dialogue start.
    utterances   jsonb NOT NULL,
    search       tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transcripts_search ON transcripts USING gin (search);

CREATE TABLE analyses (
    dialogue_id         uuid PRIMARY KEY REFERENCES dialogues (dialogue_id),
    engine              text NOT NULL,       -- rules, llm
    upsell_attempted    boolean NOT NULL,
    offered_categories  text[] NOT NULL DEFAULT '{}',
    customer_reaction   text NOT NULL CHECK (customer_reaction IN ('none', 'accepted', 'declined', 'undecided')),
    checklist           jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{itemId, met}]
    sentiment           text NOT NULL CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    sentiment_score     real NOT NULL,
    quality_score       smallint NOT NULL CHECK (quality_score BETWEEN 0 AND 100),
    summary             text NOT NULL,
    evidence            jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{claim, quote}], every quote a verbatim substring of transcripts.text
    dropped_quotes      integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Per-tenant knobs the pipeline and dashboard read. Null = product default.
CREATE TABLE tenant_settings (
    tenant_id              text PRIMARY KEY REFERENCES tenants (tenant_id),
    time_zone              text NOT NULL DEFAULT 'Etc/UTC',
    transcription_language text,            -- null = detect
    analysis_profile       jsonb,           -- Iot.Cloud.Pipeline.Analysis.AnalysisProfile; null = built-in
    audio_retention_days   integer CHECK (audio_retention_days IS NULL OR audio_retention_days > 0),
    dialogue_gap_seconds   integer CHECK (dialogue_gap_seconds IS NULL OR dialogue_gap_seconds > 0),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Who did what: sign-ins, exports, deletions and restores, config changes, approvals, retention runs.
CREATE TABLE audit_log (
    audit_id   bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    tenant_id  text,
    actor      text NOT NULL,
    action     text NOT NULL,
    target     text,
    details    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC);
