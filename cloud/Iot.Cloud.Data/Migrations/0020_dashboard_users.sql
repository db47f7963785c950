-- Dashboard staff accounts and their refresh tokens. Passwords and refresh tokens are stored only as hashes.
CREATE TABLE dashboard_users (
    user_id        uuid PRIMARY KEY,
    tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
    email          text NOT NULL,
    display_name   text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'supervisor', 'analyst', 'technician')),
    -- Null = every branch of the tenant.
    branches       text[],
    password_hash  text NOT NULL,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dashboard_users_email ON dashboard_users (lower(email));

-- One row per issued refresh token. A rotation revokes the old row and links it to its successor; presenting a revoked
-- token again means it was stolen, and the whole family (one sign-in) is revoked.
CREATE TABLE dashboard_refresh_tokens (
    token_hash   text PRIMARY KEY,     -- SHA-256 hex of the random token; the token has 256 bits, so no salt is needed
    user_id      uuid NOT NULL REFERENCES dashboard_users (user_id),
    family_id    uuid NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    replaced_by  text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dashboard_refresh_family ON dashboard_refresh_tokens (family_id);
