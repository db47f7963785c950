-- Provisioning decisions need to remember whom a request belongs to before a device row exists, and where the
-- initial configuration of a new device comes from.

-- A preregistered serial is recognised without any claim credential, so the claim is optional on a request.
ALTER TABLE provisioning_requests
    ALTER COLUMN claim_id DROP NOT NULL,
    ADD COLUMN tenant_id text REFERENCES tenants (tenant_id),
    ADD COLUMN branch_id text REFERENCES branches (branch_id);

-- Defaults for a device's first desired configuration: branch over tenant.
ALTER TABLE tenant_policies ADD COLUMN default_config jsonb;
ALTER TABLE branches ADD COLUMN default_config jsonb;

-- Rotation with Mosquitto dynsec: the new secret, sealed like secret_sealed, promoted with pending_secret_hash.
ALTER TABLE devices ADD COLUMN pending_secret_sealed bytea;
