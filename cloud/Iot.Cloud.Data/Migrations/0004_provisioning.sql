-- Device registry for self-provisioning (claim model), per-device credentials, desired/reported config, commands.
-- Secrets are stored only as PBKDF2 hashes: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".

CREATE TABLE branches (
    branch_id   text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (tenant_id),
    name        text NOT NULL,
    time_zone   text NOT NULL DEFAULT 'Etc/UTC',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- What to do when known hardware asks again after a factory reset: approve at once, or queue for an operator.
CREATE TABLE tenant_policies (
    tenant_id           text PRIMARY KEY REFERENCES tenants (tenant_id),
    reprovision_policy  text NOT NULL DEFAULT 'auto-known-hardware' CHECK (reprovision_policy IN ('auto-known-hardware', 'queue'))
);

ALTER TABLE devices
    ADD COLUMN serial             text UNIQUE,
    ADD COLUMN hardware_id        text,
    ADD COLUMN model              text,
    ADD COLUMN agent_version      text,
    ADD COLUMN branch_id          text REFERENCES branches (branch_id),
    ADD COLUMN capabilities       jsonb,
    ADD COLUMN secret_hash        text,
    ADD COLUMN pending_secret_hash text,      -- rotation: valid together with secret_hash until the device confirms
    ADD COLUMN secret_rotated_at  timestamptz,
    ADD COLUMN provisioned_at     timestamptz,
    ADD COLUMN revoked_at         timestamptz,
    ADD COLUMN last_seen_at       timestamptz;
CREATE INDEX devices_hardware ON devices (tenant_id, hardware_id);

-- Claim credentials placed on devices by installers: per batch/tenant, limited in uses and time.
CREATE TABLE claim_tokens (
    claim_id     text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (tenant_id),
    branch_id    text REFERENCES branches (branch_id),
    secret_hash  text NOT NULL,
    max_uses     integer CHECK (max_uses IS NULL OR max_uses > 0),
    uses         integer NOT NULL DEFAULT 0,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Serials an operator announced in advance (CSV upload): approved without a human step.
CREATE TABLE preregistrations (
    serial        text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (tenant_id),
    branch_id     text REFERENCES branches (branch_id),
    device_id     text,
    display_name  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    consumed_at   timestamptz
);

CREATE TABLE provisioning_requests (
    request_id     uuid PRIMARY KEY,
    serial         text NOT NULL,
    hardware_id    text NOT NULL,
    model          text NOT NULL,
    agent_version  text NOT NULL,
    capabilities   jsonb NOT NULL,
    nonce          text NOT NULL,
    claim_id       text NOT NULL REFERENCES claim_tokens (claim_id),
    status         text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reason         text,
    device_id      text REFERENCES devices (device_id),
    received_at    timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz,
    decided_by     text,
    UNIQUE (serial, nonce)
);
CREATE INDEX provisioning_pending ON provisioning_requests (status, received_at) WHERE status = 'pending';

CREATE TABLE device_configs (
    device_id         text PRIMARY KEY REFERENCES devices (device_id),
    desired_version   bigint NOT NULL,
    desired           jsonb NOT NULL,
    issued_at         timestamptz NOT NULL DEFAULT now(),
    reported_version  bigint,
    reported          jsonb,
    reported_error    text,
    reported_at       timestamptz
);

CREATE TABLE device_commands (
    command_id    uuid PRIMARY KEY,
    device_id     text NOT NULL REFERENCES devices (device_id),
    name          text NOT NULL,
    args          jsonb NOT NULL DEFAULT '{}'::jsonb,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    status        text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'accepted', 'done', 'failed', 'rejected', 'expired', 'timeout')),
    detail        text,
    completed_at  timestamptz
);
CREATE INDEX device_commands_device ON device_commands (device_id, issued_at DESC);
