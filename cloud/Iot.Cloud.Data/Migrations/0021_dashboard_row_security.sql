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

-- The login that runs migrations usually runs the dashboard too; it must be able to SET ROLE iot_dashboard_app.
-- (A superuser can anyway; a separate dashboard login needs `GRANT iot_dashboard_app TO <login>` once.)
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'iot_dashboard_app', 'MEMBER') THEN
        EXECUTE format('GRANT iot_dashboard_app TO %I', current_user);
    END IF;
END
$$;

CREATE FUNCTION dashboard_tenant() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '') $$;

-- app.branches: '*' = all branches of the tenant, otherwise a comma-separated list. Rows without a branch need '*'.
CREATE FUNCTION dashboard_all_branches() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.branches', true), '') = '*' $$;

CREATE FUNCTION dashboard_branches() RETURNS text[] LANGUAGE sql STABLE AS
$$ SELECT coalesce(string_to_array(nullif(current_setting('app.branches', true), ''), ','), '{}') $$;

-- Speed: policies call these through (SELECT ...), so PostgreSQL evaluates each once per statement (an InitPlan) and
-- can use tenant_id in index conditions, instead of once per row.

-- Transcripts, analyses and segments carry their dialogue's tenant and branch (kept by triggers, so the pipeline's
-- inserts stay as they are): their policies are then a column test rather than a lookup of the dialogue per row.
ALTER TABLE transcripts ADD COLUMN tenant_id text, ADD COLUMN branch_id text;
ALTER TABLE analyses ADD COLUMN tenant_id text, ADD COLUMN branch_id text;
ALTER TABLE dialogue_segments ADD COLUMN tenant_id text, ADD COLUMN branch_id text;

CREATE FUNCTION dashboard_copy_dialogue_scope() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    SELECT d.tenant_id, d.branch_id INTO NEW.tenant_id, NEW.branch_id FROM dialogues d WHERE d.dialogue_id = NEW.dialogue_id;
    RETURN NEW;
END
$$;

-- Analyses also carry their dialogue's start and deletion, so the overview aggregates a period from one index of
-- analyses instead of joining every dialogue of the period to its analysis.
ALTER TABLE analyses ADD COLUMN dialogue_started_at timestamptz, ADD COLUMN dialogue_deleted boolean NOT NULL DEFAULT false;

CREATE FUNCTION dashboard_copy_dialogue_facts() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    SELECT d.tenant_id, d.branch_id, d.started_at, d.deleted_at IS NOT NULL
      INTO NEW.tenant_id, NEW.branch_id, NEW.dialogue_started_at, NEW.dialogue_deleted
      FROM dialogues d WHERE d.dialogue_id = NEW.dialogue_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER dashboard_scope BEFORE INSERT OR UPDATE OF dialogue_id ON transcripts FOR EACH ROW EXECUTE FUNCTION dashboard_copy_dialogue_scope();
CREATE TRIGGER dashboard_scope BEFORE INSERT OR UPDATE OF dialogue_id ON analyses FOR EACH ROW EXECUTE FUNCTION dashboard_copy_dialogue_facts();
CREATE TRIGGER dashboard_scope BEFORE INSERT OR UPDATE OF dialogue_id ON dialogue_segments FOR EACH ROW EXECUTE FUNCTION dashboard_copy_dialogue_scope();

-- Runs as the owner: a soft delete by the dashboard's role must still reach the copies, which that role cannot write.
CREATE FUNCTION dashboard_push_dialogue_scope() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS
$$
BEGIN
    UPDATE transcripts SET tenant_id = NEW.tenant_id, branch_id = NEW.branch_id WHERE dialogue_id = NEW.dialogue_id;
    UPDATE analyses SET tenant_id = NEW.tenant_id, branch_id = NEW.branch_id, dialogue_started_at = NEW.started_at,
                        dialogue_deleted = NEW.deleted_at IS NOT NULL
    WHERE dialogue_id = NEW.dialogue_id;
    UPDATE dialogue_segments SET tenant_id = NEW.tenant_id, branch_id = NEW.branch_id WHERE dialogue_id = NEW.dialogue_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER dashboard_scope AFTER UPDATE OF tenant_id, branch_id, started_at, deleted_at ON dialogues FOR EACH ROW
    WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.branch_id IS DISTINCT FROM NEW.branch_id
          OR OLD.started_at IS DISTINCT FROM NEW.started_at OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION dashboard_push_dialogue_scope();

UPDATE transcripts t SET tenant_id = d.tenant_id, branch_id = d.branch_id FROM dialogues d WHERE d.dialogue_id = t.dialogue_id;
UPDATE analyses a SET tenant_id = d.tenant_id, branch_id = d.branch_id, dialogue_started_at = d.started_at, dialogue_deleted = d.deleted_at IS NOT NULL
FROM dialogues d WHERE d.dialogue_id = a.dialogue_id;
-- branch_id is included so the branch policy can be checked without visiting the table (index-only scans).
CREATE INDEX analyses_tenant_started ON analyses (tenant_id, dialogue_started_at)
    INCLUDE (branch_id, upsell_attempted, quality_score, offered_categories) WHERE NOT dialogue_deleted;
UPDATE dialogue_segments s SET tenant_id = d.tenant_id, branch_id = d.branch_id FROM dialogues d WHERE d.dialogue_id = s.dialogue_id;

-- The dialogue list's keyset order (newest first, id as tie-breaker).
CREATE INDEX dialogues_tenant_keyset ON dialogues (tenant_id, started_at DESC, dialogue_id DESC) INCLUDE (branch_id) WHERE deleted_at IS NULL;
-- "This operator's dialogues" is a common filter and picks 1 in hundreds of rows.
CREATE INDEX dialogues_tenant_operator ON dialogues (tenant_id, operator_id, started_at DESC) WHERE deleted_at IS NULL;

GRANT SELECT ON tenants, branches, devices, chunks, dialogues, dialogue_segments, transcripts, analyses, tenant_settings,
                provisioning_requests, preregistrations TO iot_dashboard_app;
GRANT UPDATE (deleted_at, deleted_by, delete_reason, updated_at) ON dialogues TO iot_dashboard_app;
GRANT INSERT, UPDATE ON tenant_settings TO iot_dashboard_app;
GRANT SELECT, INSERT ON audit_log TO iot_dashboard_app;
GRANT USAGE ON SEQUENCE audit_log_audit_id_seq TO iot_dashboard_app;
GRANT SELECT, INSERT, UPDATE ON dashboard_users TO iot_dashboard_app;

-- One policy per table, in three kinds: tenant only; tenant with a write check; tenant and allowed branches.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'provisioning_requests', 'preregistrations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY dashboard_tenant ON %I TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant()))', t);
    END LOOP;

    FOREACH t IN ARRAY ARRAY['tenant_settings', 'audit_log', 'dashboard_users'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY dashboard_tenant ON %I TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())) WITH CHECK (tenant_id = (SELECT dashboard_tenant()))', t);
    END LOOP;

    FOREACH t IN ARRAY ARRAY['branches', 'devices', 'dialogues', 'dialogue_segments', 'transcripts', 'analyses'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY dashboard_tenant ON %I TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant()) '
            'AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])))', t);
    END LOOP;
END
$$;

-- Chunks have no branch of their own: they follow their device.
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON chunks TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR EXISTS (SELECT 1 FROM devices d WHERE d.device_id = chunks.device_id)));
