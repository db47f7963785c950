-- Issue 16 item 9: which languages are spoken where, and transcripts that say how sure they are.
--
-- Spoken languages are set at three levels; the nearest one that is set wins:
--   device  device_configs.desired -> 'spokenLanguages' (the desired config: the agent's own Whisper uses it too;
--           written by the operator API like every other desired key)
--   branch  branch_settings.spoken_languages (dashboard settings; a table of its own because branches belongs to
--           provisioning)
--   tenant  tenant_settings.spoken_languages, else the older single tenant_settings.transcription_language
-- None set = detect any language (the behaviour before 0053).
ALTER TABLE tenant_settings ADD COLUMN spoken_languages text[]
    CHECK (spoken_languages IS NULL OR cardinality(spoken_languages) BETWEEN 1 AND 8);

CREATE TABLE branch_settings (
    branch_id        text PRIMARY KEY REFERENCES branches (branch_id),
    tenant_id        text NOT NULL REFERENCES tenants (tenant_id),
    spoken_languages text[] CHECK (spoken_languages IS NULL OR cardinality(spoken_languages) BETWEEN 1 AND 8),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON branch_settings TO iot_dashboard_app;
ALTER TABLE branch_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON branch_settings TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));

-- A branch row of another tenant must not be given settings under this tenant's id (the policy checks the tenant
-- column, not that the branch is the tenant's).
CREATE FUNCTION branch_settings_tenant_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM branches b WHERE b.branch_id = NEW.branch_id AND b.tenant_id = NEW.tenant_id) THEN
        RAISE EXCEPTION 'branch % is not a branch of tenant %', NEW.branch_id, NEW.tenant_id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$ SECURITY DEFINER SET search_path = public;
CREATE TRIGGER branch_settings_tenant BEFORE INSERT OR UPDATE ON branch_settings
    FOR EACH ROW EXECUTE FUNCTION branch_settings_tenant_matches();

-- How sure the recogniser was (0..1; null when the engine gives no figure) and whether the transcript is flagged:
-- below the configured threshold, or in a language the device's staff do not speak. A flagged transcript's analysis
-- is stored and shown, marked, but left out of the overview's figures.
ALTER TABLE transcripts ADD COLUMN confidence real CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1);
ALTER TABLE transcripts ADD COLUMN low_confidence text;   -- null = fine; else why it is flagged
ALTER TABLE analyses ADD COLUMN low_confidence text;

-- The overview's roll-up counts flagged analyses apart (kind 'flagged') so the page can say how many it left out.
ALTER TABLE overview_rollup DROP CONSTRAINT overview_rollup_kind_check;
ALTER TABLE overview_rollup ADD CONSTRAINT overview_rollup_kind_check
    CHECK (kind IN ('total', 'analysed', 'hour', 'category', 'quality', 'flagged'));

-- Why a dialogue is not transcribed or analysed yet ("no transcriber for ru"): the dashboard has no grant on jobs
-- (the workers' queue), so it asks through this function, which answers only for a dialogue the caller's tenant and
-- branch scope can see. Unfinished jobs first, then the newest.
CREATE FUNCTION iot_dialogue_pending(p_dialogue uuid)
RETURNS TABLE (kind text, status text, wait_reason text, last_error text, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$
    SELECT j.kind, j.status, j.wait_reason, left(j.last_error, 500), j.updated_at
    FROM jobs j
    WHERE j.dedup_key = p_dialogue::text AND j.status IN ('queued', 'running', 'waiting', 'dead')
      AND EXISTS (SELECT 1 FROM dialogues d WHERE d.dialogue_id = p_dialogue AND d.tenant_id = dashboard_tenant()
                  AND (dashboard_all_branches() OR d.branch_id = ANY (dashboard_branches())))
    ORDER BY j.updated_at DESC
    LIMIT 5
$$;
REVOKE ALL ON FUNCTION iot_dialogue_pending(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION iot_dialogue_pending(uuid) TO iot_dashboard_app;
