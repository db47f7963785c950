-- Transcription and analysis park as 'waiting' while their dialogue is soft-deleted (no engine, local or remote, sees
-- a deleted conversation). A restore can come from the dashboard (its own role, under row security) or from the
-- pipeline's DialogueAdmin, so the queue is woken here, once, for every writer. SECURITY DEFINER: the dashboard role
-- has no rights on jobs.
CREATE FUNCTION iot_resume_jobs_on_restore() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    resumed record;
BEGIN
    FOR resumed IN
        UPDATE jobs SET status = 'queued', wait_reason = NULL, run_after = now(), updated_at = now()
        WHERE status = 'waiting' AND kind IN ('transcribe', 'analyze') AND dedup_key = NEW.dialogue_id::text
        RETURNING kind
    LOOP
        PERFORM pg_notify('iot_jobs', resumed.kind);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER dialogues_restored_resume_jobs
    AFTER UPDATE OF deleted_at ON dialogues
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION iot_resume_jobs_on_restore();
