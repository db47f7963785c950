-- Issue 16 item 6: tenants edit their analysis profile from the dashboard. Every saved profile is a numbered version
-- (history with author and note); tenant_settings.analysis_profile stays the current profile the pipeline reads, with
-- analysis_profile_version naming which version it is. Keeping it as the pointer (instead of moving the pipeline to the
-- versions table) leaves every existing reader and writer working: a direct SQL write to analysis_profile still takes
-- effect and becomes a version of its own (trigger below), so the history never misses what the pipeline used.
CREATE TABLE analysis_profile_versions (
    tenant_id   text NOT NULL REFERENCES tenants (tenant_id),
    version     integer NOT NULL CHECK (version > 0),
    profile     jsonb NOT NULL,
    author      text NOT NULL,
    note        text CHECK (note IS NULL OR length(note) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, version)
);

ALTER TABLE tenant_settings ADD COLUMN analysis_profile_version integer;

-- Which profile version produced a result: 0 = the built-in default (the tenant had none), null = stored before 0051.
ALTER TABLE analyses ADD COLUMN profile_version integer;

-- Profiles stored before versions existed become version 1.
INSERT INTO analysis_profile_versions (tenant_id, version, profile, author, note, created_at)
SELECT tenant_id, 1, analysis_profile, 'migration 0051', 'the profile stored before versions existed', updated_at
FROM tenant_settings WHERE analysis_profile IS NOT NULL;
UPDATE tenant_settings SET analysis_profile_version = 1 WHERE analysis_profile IS NOT NULL;

-- A writer that changes analysis_profile without naming a new version (psql, an old tool) still gets a version. The
-- dashboard inserts the version row itself and sets analysis_profile_version, so this does nothing for it.
CREATE FUNCTION iot_version_direct_profile_write() RETURNS trigger LANGUAGE plpgsql AS
$$
DECLARE
    next integer;
BEGIN
    IF NEW.analysis_profile IS NULL THEN
        NEW.analysis_profile_version := NULL;
        RETURN NEW;
    END IF;

    IF TG_OP = 'UPDATE' AND (NEW.analysis_profile IS NOT DISTINCT FROM OLD.analysis_profile
                             OR NEW.analysis_profile_version IS DISTINCT FROM OLD.analysis_profile_version) THEN
        RETURN NEW;
    END IF;

    IF TG_OP = 'INSERT' AND NEW.analysis_profile_version IS NOT NULL THEN
        RETURN NEW;
    END IF;

    SELECT coalesce(max(version), 0) + 1 INTO next FROM analysis_profile_versions WHERE tenant_id = NEW.tenant_id;
    INSERT INTO analysis_profile_versions (tenant_id, version, profile, author, note)
    VALUES (NEW.tenant_id, next, NEW.analysis_profile, 'sql:' || current_user, 'written directly to tenant_settings');
    NEW.analysis_profile_version := next;
    RETURN NEW;
END
$$;

CREATE TRIGGER analysis_profile_versioned BEFORE INSERT OR UPDATE OF analysis_profile, analysis_profile_version ON tenant_settings
    FOR EACH ROW EXECUTE FUNCTION iot_version_direct_profile_write();

GRANT SELECT, INSERT ON analysis_profile_versions TO iot_dashboard_app;
ALTER TABLE analysis_profile_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON analysis_profile_versions TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant())) WITH CHECK (tenant_id = (SELECT dashboard_tenant()));

-- Re-analysis of a period after a profile change: one low-priority 'reanalyze' job per dialogue and profile version
-- (dedup key '{dialogue}/v{version}', never enqueued twice, even after it finished), grouped in a run for progress.
CREATE TABLE reanalysis_runs (
    run_id           bigserial PRIMARY KEY,
    tenant_id        text NOT NULL REFERENCES tenants (tenant_id),
    profile_version  integer NOT NULL,
    from_at          timestamptz NOT NULL,
    to_at            timestamptz NOT NULL CHECK (to_at > from_at),
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    total            integer NOT NULL
);
CREATE INDEX reanalysis_runs_tenant ON reanalysis_runs (tenant_id, run_id DESC);
CREATE INDEX jobs_reanalyze_key ON jobs (dedup_key) WHERE kind = 'reanalyze';
CREATE INDEX jobs_reanalyze_run ON jobs (((payload ->> 'runId')::bigint), status) WHERE kind = 'reanalyze';

GRANT SELECT ON reanalysis_runs TO iot_dashboard_app;
ALTER TABLE reanalysis_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON reanalysis_runs TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant()));

-- The dashboard's role has no rights on jobs (no tenant column there to secure). These two run as the owner and take
-- the tenant and branches from the caller's app.* settings, as row security would: a caller reaches only its own
-- tenant's dialogues. p_max bounds the run; more dialogues than that is an error naming the count.
CREATE FUNCTION iot_request_reanalysis(p_from timestamptz, p_to timestamptz, p_profile_version integer, p_actor text, p_max integer)
RETURNS TABLE (run_id bigint, added integer, in_range integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$
#variable_conflict use_column
DECLARE
    tenant text := dashboard_tenant();
    n integer;
    run bigint;
    k integer;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'iot_request_reanalysis: no tenant in app.tenant_id';
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS iot_reanalysis_pick (dialogue_id uuid PRIMARY KEY) ON COMMIT DROP;
    TRUNCATE iot_reanalysis_pick;
    INSERT INTO iot_reanalysis_pick
    SELECT d.dialogue_id FROM dialogues d
    WHERE d.tenant_id = tenant AND d.started_at >= p_from AND d.started_at < p_to AND d.deleted_at IS NULL
      AND d.status IN ('transcribed', 'analyzed') AND EXISTS (SELECT 1 FROM transcripts t WHERE t.dialogue_id = d.dialogue_id)
      AND (dashboard_all_branches() OR d.branch_id = ANY (dashboard_branches()));
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > p_max THEN
        RAISE EXCEPTION 'the period holds % dialogues; at most % can be re-analysed at once', n, p_max USING ERRCODE = '22023';
    END IF;

    -- Already done or queued for this profile version: skipped, so a repeated request adds nothing.
    DELETE FROM iot_reanalysis_pick p
    WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'reanalyze' AND j.dedup_key = p.dialogue_id::text || '/v' || p_profile_version)
       OR EXISTS (SELECT 1 FROM analyses a WHERE a.dialogue_id = p.dialogue_id AND a.profile_version = p_profile_version);
    SELECT count(*) INTO k FROM iot_reanalysis_pick;
    IF k = 0 THEN
        RETURN QUERY SELECT NULL::bigint, 0, n;
        RETURN;
    END IF;

    INSERT INTO reanalysis_runs (tenant_id, profile_version, from_at, to_at, requested_by, total)
    VALUES (tenant, p_profile_version, p_from, p_to, p_actor, k) RETURNING reanalysis_runs.run_id INTO run;
    INSERT INTO jobs (kind, payload, dedup_key, priority)
    SELECT 'reanalyze',
           jsonb_build_object('dialogueId', p.dialogue_id::text, 'profileVersion', p_profile_version, 'runId', run),
           p.dialogue_id::text || '/v' || p_profile_version, 200
    FROM iot_reanalysis_pick p
    ON CONFLICT DO NOTHING;
    PERFORM pg_notify('iot_jobs', 'reanalyze');
    RETURN QUERY SELECT run, k, n;
END
$$;

CREATE FUNCTION iot_reanalysis_progress(p_limit integer)
RETURNS TABLE (run_id bigint, profile_version integer, from_at timestamptz, to_at timestamptz, requested_by text,
               requested_at timestamptz, total integer, done integer, failed integer, pending integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$
    SELECT r.run_id, r.profile_version, r.from_at, r.to_at, r.requested_by, r.requested_at, r.total,
           coalesce(s.done, 0), coalesce(s.failed, 0), coalesce(s.pending, 0)
    FROM reanalysis_runs r
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE j.status = 'done')::integer AS done,
               count(*) FILTER (WHERE j.status = 'dead')::integer AS failed,
               count(*) FILTER (WHERE j.status NOT IN ('done', 'dead'))::integer AS pending
        FROM jobs j WHERE j.kind = 'reanalyze' AND (j.payload ->> 'runId')::bigint = r.run_id) s ON true
    WHERE r.tenant_id = dashboard_tenant()
    ORDER BY r.run_id DESC
    LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION iot_request_reanalysis(timestamptz, timestamptz, integer, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION iot_reanalysis_progress(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION iot_request_reanalysis(timestamptz, timestamptz, integer, text, integer) TO iot_dashboard_app;
GRANT EXECUTE ON FUNCTION iot_reanalysis_progress(integer) TO iot_dashboard_app;
