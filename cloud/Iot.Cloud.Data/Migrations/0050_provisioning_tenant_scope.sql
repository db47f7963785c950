-- Issue 15: the claim decides the tenant. A serial is a name printed on hardware, not a global key: two tenants may
-- each know (preregister, queue, own) the same serial without seeing or blocking each other. Device ids stay global
-- (they are the primary key every table references); provisioning picks a free one when the serial is taken.
ALTER TABLE devices DROP CONSTRAINT IF EXISTS devices_serial_key;
CREATE UNIQUE INDEX devices_tenant_serial ON devices (tenant_id, serial);

ALTER TABLE preregistrations DROP CONSTRAINT preregistrations_pkey;
ALTER TABLE preregistrations ADD PRIMARY KEY (tenant_id, serial);

-- Requests were unique per (serial, nonce) across tenants: another tenant's insert with a colliding nonce would fail
-- and so tell it the serial is in use. Every request now has the tenant its claim (or preregistration) decided.
ALTER TABLE provisioning_requests DROP CONSTRAINT IF EXISTS provisioning_requests_serial_nonce_key;
CREATE UNIQUE INDEX provisioning_requests_tenant_serial_nonce ON provisioning_requests (tenant_id, serial, nonce);
CREATE INDEX provisioning_requests_tenant_serial ON provisioning_requests (tenant_id, serial, received_at DESC);

-- Re-provisioning proof: the device's recovery key (made at its first provisioning, kept outside the area a factory
-- reset wipes) as a PBKDF2 hash, like every other secret. On a request until it is approved, then on the device.
ALTER TABLE provisioning_requests ADD COLUMN recovery_key_hash text;
ALTER TABLE devices ADD COLUMN recovery_key_hash text;

-- Every decision about an already known device (re-provisioning, queued or refused), for operators and the dashboard.
CREATE TABLE provisioning_audit (
    audit_id     bigserial PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (tenant_id),
    branch_id    text,
    device_id    text,
    serial       text NOT NULL,
    hardware_id  text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('approved', 'pending', 'rejected')),
    proof        text NOT NULL,       -- recovery-key, operator, lost-answer, none, ...
    reason       text,
    claim_id     text,
    decided_by   text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provisioning_audit_tenant_at ON provisioning_audit (tenant_id, at DESC);

GRANT SELECT ON provisioning_audit TO iot_dashboard_app;
ALTER TABLE provisioning_audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON provisioning_audit TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
