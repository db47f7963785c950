-- Issue 17 item 4: operators and tenant admins look at the job queue and retry or cancel jobs.
--
-- A cancelled job stays status 'done' (so the dedup index, the workers, the depth metrics and everything else that
-- reads status need no change) and says why in cancel_reason; who cancelled is in cancelled_by and in audit_log.
ALTER TABLE jobs ADD COLUMN cancel_reason text;
ALTER TABLE jobs ADD COLUMN cancelled_by text;

-- Jobs have no tenant column: the tenant and branch of a job are those of the dialogue or device its payload names
-- (transcribe, analyze, reanalyze carry dialogueId; build-dialogues carries deviceId). Jobs naming neither (retention)
-- are the platform's: tenant_id is null and only an operator acting for every tenant sees them. This view is the one
-- place that rule lives; the operator API scopes every read and action through it. A malformed dialogueId is not cast
-- (that would fail the whole query): the job then belongs to no tenant, like a platform job.
CREATE VIEW job_scopes AS
SELECT j.job_id,
       coalesce(d.tenant_id, v.tenant_id) AS tenant_id,
       CASE WHEN d.dialogue_id IS NOT NULL THEN d.branch_id ELSE v.branch_id END AS branch_id,
       CASE WHEN d.dialogue_id IS NOT NULL THEN d.dialogue_id::text END AS dialogue_id,
       j.payload ->> 'deviceId' AS device_id
FROM jobs j
LEFT JOIN dialogues d
       ON d.dialogue_id = CASE WHEN j.payload ->> 'dialogueId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                               THEN (j.payload ->> 'dialogueId')::uuid END
LEFT JOIN devices v ON d.dialogue_id IS NULL AND v.device_id = j.payload ->> 'deviceId';

-- Dead letters are listed newest first per kind; done jobs pile up and must not be scanned for them.
CREATE INDEX jobs_dead ON jobs (kind, finished_at DESC) WHERE status = 'dead';

-- A cancelled re-analysis job did not re-analyse: count it with the failed ones, not the done ones.
CREATE OR REPLACE FUNCTION iot_reanalysis_progress(p_limit integer)
RETURNS TABLE (run_id bigint, profile_version integer, from_at timestamptz, to_at timestamptz, requested_by text,
               requested_at timestamptz, total integer, done integer, failed integer, pending integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$
    SELECT r.run_id, r.profile_version, r.from_at, r.to_at, r.requested_by, r.requested_at, r.total,
           coalesce(s.done, 0), coalesce(s.failed, 0), coalesce(s.pending, 0)
    FROM reanalysis_runs r
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE j.status = 'done' AND j.cancel_reason IS NULL)::integer AS done,
               count(*) FILTER (WHERE j.status = 'dead' OR j.cancel_reason IS NOT NULL)::integer AS failed,
               count(*) FILTER (WHERE j.status NOT IN ('done', 'dead'))::integer AS pending
        FROM jobs j WHERE j.kind = 'reanalyze' AND (j.payload ->> 'runId')::bigint = r.run_id) s ON true
    WHERE r.tenant_id = dashboard_tenant()
    ORDER BY r.run_id DESC
    LIMIT p_limit
$$;
