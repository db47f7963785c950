-- Tenant isolation for the dashboard in one place: its data layer runs every statement as iot_dashboard_app with
-- app.tenant_id / app.branches set for the transaction; these policies then hide every other tenant's (and every
-- disallowed branch's) rows. Other processes connect as the table owner, which row security does not restrict.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iot_dashboard_app') THEN
        CREATE ROLE iot_dashboard_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    -- Another database on the same cluster created the role at the same moment.
    NULL;
END
$$;

CREATE FUNCTION dashboard_tenant() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '') $$;

-- '*' = all branches of the tenant; otherwise a comma-separated list. Rows without a branch are visible only with '*'.
CREATE FUNCTION dashboard_branch_allowed(branch text) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.branches', true), '') = '*'
          OR branch = ANY (string_to_array(nullif(current_setting('app.branches', true), ''), ',')) $$;

GRANT SELECT ON tenants, branches, devices, chunks, dialogues, dialogue_segments, transcripts, analyses, tenant_settings,
                provisioning_requests, preregistrations TO iot_dashboard_app;
GRANT UPDATE (deleted_at, deleted_by, delete_reason, updated_at) ON dialogues TO iot_dashboard_app;
GRANT INSERT, UPDATE ON tenant_settings TO iot_dashboard_app;
GRANT SELECT, INSERT ON audit_log TO iot_dashboard_app;
GRANT USAGE ON SEQUENCE audit_log_audit_id_seq TO iot_dashboard_app;
GRANT SELECT, INSERT, UPDATE ON dashboard_users TO iot_dashboard_app;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON tenants TO iot_dashboard_app USING (tenant_id = dashboard_tenant());

ALTER TABLE branches ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON branches TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant() AND dashboard_branch_allowed(branch_id));

ALTER TABLE devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON devices TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant() AND dashboard_branch_allowed(branch_id));

ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON chunks TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant() AND EXISTS (SELECT 1 FROM devices d WHERE d.device_id = chunks.device_id));

ALTER TABLE dialogues ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON dialogues TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant() AND dashboard_branch_allowed(branch_id));

ALTER TABLE dialogue_segments ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON dialogue_segments TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM dialogues d WHERE d.dialogue_id = dialogue_segments.dialogue_id));

ALTER TABLE transcripts ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON transcripts TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM dialogues d WHERE d.dialogue_id = transcripts.dialogue_id));

ALTER TABLE analyses ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON analyses TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM dialogues d WHERE d.dialogue_id = analyses.dialogue_id));

ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON tenant_settings TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant()) WITH CHECK (tenant_id = dashboard_tenant());

ALTER TABLE provisioning_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON provisioning_requests TO iot_dashboard_app USING (tenant_id = dashboard_tenant());

ALTER TABLE preregistrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON preregistrations TO iot_dashboard_app USING (tenant_id = dashboard_tenant());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON audit_log TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant()) WITH CHECK (tenant_id = dashboard_tenant());

ALTER TABLE dashboard_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON dashboard_users TO iot_dashboard_app
    USING (tenant_id = dashboard_tenant()) WITH CHECK (tenant_id = dashboard_tenant());

-- The login that runs migrations usually runs the dashboard too; it must be able to SET ROLE iot_dashboard_app.
-- (A superuser can anyway; a separate dashboard login needs `GRANT iot_dashboard_app TO <login>` once.)
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'iot_dashboard_app', 'MEMBER') THEN
        EXECUTE format('GRANT iot_dashboard_app TO %I', current_user);
    END IF;
END
$$;
