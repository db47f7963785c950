-- Issue 17 items 1, 2 and 6: device health kept in the database, alert rules evaluated from it, and alert delivery.
--
-- Owners: the fleet service (provisioning library, hosted in the bridge) writes device_health and device_events from
-- the status and telemetry topics, evaluates the rules into alerts, and delivers them (alert_deliveries). The dashboard
-- reads health and alerts, acknowledges alerts, and edits thresholds and channels for its own tenant.

-- The last status and telemetry of each device. Several bridges may hear the same message; the newest wins
-- (state_at / telemetry_at compare), so an old message delivered late does not roll the row back.
CREATE TABLE device_health (
    device_id         text PRIMARY KEY REFERENCES devices (device_id) ON DELETE CASCADE,
    tenant_id         text NOT NULL REFERENCES tenants (tenant_id),
    state             text CHECK (state IN ('online', 'offline')),
    state_at          timestamptz,                 -- the device's own clock in DeviceStatus.AtUtc
    state_received_at timestamptz,                 -- when the cloud heard it (offline alerts count from here)
    reconnect_reason  text,
    agent_version     text,
    started_at        timestamptz,                 -- agent process start, when the agent reports it
    telemetry         jsonb,                       -- the last DeviceTelemetry as sent
    telemetry_at      timestamptz,
    telemetry_received_at timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_health_tenant ON device_health (tenant_id);

-- Connects, disconnects and agent restarts, for crash-loop detection and the device page's history. Trimmed by age.
CREATE TABLE device_events (
    event_id    bigserial PRIMARY KEY,
    device_id   text NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,
    tenant_id   text NOT NULL REFERENCES tenants (tenant_id),
    at          timestamptz NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('online', 'offline', 'restart')),
    reason      text
);
CREATE INDEX device_events_device_at ON device_events (device_id, at DESC);
CREATE INDEX device_events_at ON device_events (at);

-- Chunks the bridge refused, per device and hour (a reason per row), counted in memory and added in batches.
CREATE TABLE chunk_rejections (
    tenant_id   text NOT NULL,
    device_id   text NOT NULL,
    hour        timestamptz NOT NULL,
    reason      text NOT NULL,
    count       integer NOT NULL,
    PRIMARY KEY (tenant_id, device_id, hour, reason)
);
CREATE INDEX chunk_rejections_hour ON chunk_rejections (hour);

-- Per-tenant overrides of the rules' defaults (the defaults live in code, AlertRuleCatalog, and in the docs).
-- threshold's unit is the rule's (minutes, chunks, MB, percent, restarts, jobs, per hour, days).
CREATE TABLE alert_rule_settings (
    tenant_id   text NOT NULL REFERENCES tenants (tenant_id),
    rule        text NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    threshold   double precision CHECK (threshold IS NULL OR threshold >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text,
    PRIMARY KEY (tenant_id, rule)
);

-- One row per cause while it lasts: (tenant, rule, subject) is open at most once. The evaluator bumps last_seen_at and
-- occurrences while the cause holds and sets resolved_at when it no longer does; a later recurrence opens a new row.
-- tenant_id null = a platform alert (the broker's certificate), seen by operators acting for every tenant only.
CREATE TABLE alerts (
    alert_id        bigserial PRIMARY KEY,
    tenant_id       text REFERENCES tenants (tenant_id),
    branch_id       text,
    device_id       text,
    rule            text NOT NULL,
    subject         text NOT NULL,                 -- device id, job kind, claim id, certificate name; '' = the tenant
    severity        text NOT NULL CHECK (severity IN ('warning', 'critical')),
    summary         text NOT NULL,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,   -- {value, threshold, unit, ...}
    first_seen_at   timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    occurrences     integer NOT NULL DEFAULT 1,
    resolved_at     timestamptz,
    acknowledged_at timestamptz,
    acknowledged_by text
);
CREATE UNIQUE INDEX alerts_open_cause ON alerts (coalesce(tenant_id, ''), rule, subject) WHERE resolved_at IS NULL;
CREATE INDEX alerts_tenant_recent ON alerts (tenant_id, alert_id DESC);

-- Where a tenant's alerts go besides the dashboard and the MQTT alert topic. The webhook secret is written by the
-- dashboard when the channel is made (shown to the admin once) and never readable by it again (column grants below).
CREATE TABLE alert_channels (
    channel_id   bigserial PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (tenant_id),
    kind         text NOT NULL CHECK (kind IN ('webhook', 'email')),
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    url          text CHECK (kind <> 'webhook' OR url IS NOT NULL),
    template     text NOT NULL DEFAULT 'generic' CHECK (template IN ('generic', 'slack', 'teams', 'bitrix')),
    secret       text,
    recipients   text[] CHECK (kind <> 'email' OR cardinality(recipients) BETWEEN 1 AND 20),
    min_severity text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('warning', 'critical')),
    enabled      boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text
);
CREATE INDEX alert_channels_tenant ON alert_channels (tenant_id);

-- The delivery log and retry queue in one: one row per (alert event, channel). channel_id null = the MQTT alert topic.
CREATE TABLE alert_deliveries (
    delivery_id     bigserial PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
    tenant_id       text,
    channel_id      bigint REFERENCES alert_channels (channel_id) ON DELETE CASCADE,
    event           text NOT NULL CHECK (event IN ('opened', 'resolved', 'acknowledged')),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    response_status integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_deliveries_tenant ON alert_deliveries (tenant_id, delivery_id DESC);

-- Dashboard: read health and events of its tenant's devices in its branches (branch via the device).
GRANT SELECT ON device_health, device_events TO iot_dashboard_app;
ALTER TABLE device_health ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON device_health TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND EXISTS (SELECT 1 FROM devices d WHERE d.device_id = device_health.device_id));
ALTER TABLE device_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON device_events TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND EXISTS (SELECT 1 FROM devices d WHERE d.device_id = device_events.device_id));

-- Alerts: tenant and branches; alerts without a branch (tenant-wide causes) need all branches. Acknowledging is the
-- only change the dashboard may make.
GRANT SELECT ON alerts TO iot_dashboard_app;
GRANT UPDATE (acknowledged_at, acknowledged_by) ON alerts TO iot_dashboard_app;
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON alerts TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));

-- Thresholds, channels and the delivery log are tenant-wide settings: all-branch users only (the policies say so too).
GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rule_settings TO iot_dashboard_app;
ALTER TABLE alert_rule_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON alert_rule_settings TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND (SELECT dashboard_all_branches()))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND (SELECT dashboard_all_branches()));

GRANT SELECT (channel_id, tenant_id, kind, name, url, template, recipients, min_severity, enabled, created_at, created_by)
    ON alert_channels TO iot_dashboard_app;
GRANT INSERT (tenant_id, kind, name, url, template, secret, recipients, min_severity, enabled, created_by) ON alert_channels TO iot_dashboard_app;
GRANT UPDATE (name, url, template, recipients, min_severity, enabled) ON alert_channels TO iot_dashboard_app;
GRANT DELETE ON alert_channels TO iot_dashboard_app;
GRANT USAGE ON SEQUENCE alert_channels_channel_id_seq TO iot_dashboard_app;
ALTER TABLE alert_channels ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON alert_channels TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND (SELECT dashboard_all_branches()))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND (SELECT dashboard_all_branches()));

GRANT SELECT ON alert_deliveries TO iot_dashboard_app;
ALTER TABLE alert_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON alert_deliveries TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND (SELECT dashboard_all_branches()));
