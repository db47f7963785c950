-- Devices are registered by provisioning; the bridge only reads them to refuse unknown senders.
CREATE TABLE tenants (
    tenant_id   text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
    device_id     text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (tenant_id),
    display_name  text,
    enabled       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per recorded chunk; chunk_id is minted on the device and makes redelivery idempotent.
CREATE TABLE chunks (
    chunk_id         uuid PRIMARY KEY,
    tenant_id        text NOT NULL,
    device_id        text NOT NULL REFERENCES devices (device_id),
    seq              bigint NOT NULL CHECK (seq >= 0),
    started_at       timestamptz NOT NULL,
    duration_ms      integer NOT NULL CHECK (duration_ms > 0),
    sample_rate      integer NOT NULL,
    codec            text NOT NULL,
    byte_length      integer NOT NULL CHECK (byte_length >= 0),
    sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    transaction_id   text,
    speech_segments  jsonb NOT NULL DEFAULT '[]'::jsonb,
    storage_path     text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    bridge_id        text NOT NULL
);

CREATE INDEX chunks_device_started ON chunks (device_id, started_at);
CREATE INDEX chunks_started ON chunks (started_at);
CREATE INDEX chunks_transaction ON chunks (tenant_id, transaction_id) WHERE transaction_id IS NOT NULL;
