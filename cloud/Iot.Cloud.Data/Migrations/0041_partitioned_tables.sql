-- chunks, dialogue_segments and dialogues become PARTITION BY RANGE (started_at), one partition per UTC month, so
-- retention can drop a whole month and date-range reads touch only their months. Existing rows are copied into the
-- new tables in place (one transaction: DbUp runs each script in its own). Design and trade-offs:
-- cloud/Iot.Cloud.Data/README.md.
--
-- Keys: every unique key of a partitioned table must contain the partition key.
--   chunks            PK (chunk_id, started_at). started_at is the device's recording start, fixed per chunk in its
--                     outbox, so a redelivery carries the same pair and ON CONFLICT still makes it a duplicate.
--   dialogue_segments PK (chunk_id, start_ms, started_at). started_at = chunk start + start_ms: a function of the
--                     other two columns, so the key is exactly as strict as before.
--   dialogues         PK (dialogue_id, started_at). An open dialogue's start can still move, so "one row per id" is
--                     kept by its single writer (the dialogue builder, under a per-device advisory lock).
-- Foreign keys that would have to point at the partitioned tables (segments -> chunks/dialogues, transcripts and
-- analyses -> dialogues) are dropped: a referenced partition cannot be detached or dropped while anything points at
-- it, which would defeat dropping months. The builder and the pipeline write these rows only for rows they hold.

-- Surprises from other migrations must fail here, not disappear silently with the old tables.
DO $$
DECLARE
    n integer;
BEGIN
    SELECT count(*) INTO n FROM pg_trigger t
    WHERE t.tgrelid IN ('chunks'::regclass, 'dialogue_segments'::regclass, 'dialogues'::regclass) AND NOT t.tgisinternal
      AND NOT (t.tgname = 'dashboard_scope' AND t.tgrelid IN ('dialogue_segments'::regclass, 'dialogues'::regclass));
    IF n > 0 THEN
        RAISE EXCEPTION '0041: unexpected trigger(s) on chunks/dialogue_segments/dialogues; extend this migration to recreate them';
    END IF;

    SELECT count(*) INTO n FROM pg_index i
    WHERE i.indrelid IN ('chunks'::regclass, 'dialogue_segments'::regclass, 'dialogues'::regclass) AND i.indisunique
      AND i.indexrelid NOT IN ('chunks_pkey'::regclass, 'dialogue_segments_pkey'::regclass, 'dialogues_pkey'::regclass, 'dialogues_transaction'::regclass);
    IF n > 0 THEN
        RAISE EXCEPTION '0041: unexpected unique index(es) on chunks/dialogue_segments/dialogues; extend this migration';
    END IF;

    SELECT count(*) INTO n FROM pg_constraint c
    WHERE c.contype = 'f' AND c.confrelid IN ('chunks'::regclass, 'dialogue_segments'::regclass, 'dialogues'::regclass)
      AND c.conname NOT IN ('dialogue_segments_chunk_id_fkey', 'dialogue_segments_dialogue_id_fkey', 'transcripts_dialogue_id_fkey', 'analyses_dialogue_id_fkey');
    IF n > 0 THEN
        RAISE EXCEPTION '0041: unexpected foreign key(s) referencing chunks/dialogue_segments/dialogues; extend this migration';
    END IF;
END
$$;

ALTER TABLE dialogue_segments DROP CONSTRAINT dialogue_segments_chunk_id_fkey, DROP CONSTRAINT dialogue_segments_dialogue_id_fkey;
ALTER TABLE transcripts DROP CONSTRAINT transcripts_dialogue_id_fkey;
ALTER TABLE analyses DROP CONSTRAINT analyses_dialogue_id_fkey;

-- Non-unique indexes are recreated from their definitions, so ones added by any earlier migration come along. The
-- definitions are taken before the renames, so they already name the tables the new ones will be called.
CREATE TEMP TABLE iot_saved_indexes ON COMMIT DROP AS
SELECT c.relname::text AS table_name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.oid IN ('chunks'::regclass, 'dialogue_segments'::regclass, 'dialogues'::regclass) AND NOT i.indisunique;

ALTER TABLE chunks RENAME TO chunks_unpartitioned;
ALTER TABLE dialogue_segments RENAME TO dialogue_segments_unpartitioned;
ALTER TABLE dialogues RENAME TO dialogues_unpartitioned;

-- Columns, defaults, NOT NULL and CHECK constraints as they are now (whatever migrations added), in the same order.
CREATE TABLE chunks (LIKE chunks_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE (started_at);
CREATE TABLE dialogue_segments (LIKE dialogue_segments_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE (started_at);
CREATE TABLE dialogues (LIKE dialogues_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE (started_at);

SELECT iot_copy_privileges('chunks_unpartitioned', 'chunks');
SELECT iot_copy_privileges('dialogue_segments_unpartitioned', 'dialogue_segments');
SELECT iot_copy_privileges('dialogues_unpartitioned', 'dialogues');

-- DEFAULT + this month + 3 ahead, then one partition per month that holds rows (up to 10 years back; anything older
-- or beyond the horizon lands in DEFAULT, where the maintenance job reports it).
SELECT iot_partitions_maintain(3);
SELECT iot_partition_create('chunks', m) FROM (
    SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS m FROM chunks_unpartitioned) s
WHERE m >= date_trunc('month', now() AT TIME ZONE 'UTC')::date - interval '10 years' AND m < now() + interval '4 months';
SELECT iot_partition_create('dialogue_segments', m) FROM (
    SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS m FROM dialogue_segments_unpartitioned) s
WHERE m >= date_trunc('month', now() AT TIME ZONE 'UTC')::date - interval '10 years' AND m < now() + interval '4 months';
SELECT iot_partition_create('dialogues', m) FROM (
    SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS m FROM dialogues_unpartitioned) s
WHERE m >= date_trunc('month', now() AT TIME ZONE 'UTC')::date - interval '10 years' AND m < now() + interval '4 months';

-- Straight copies: the scope triggers are not on the new tables yet, and the copied tenant/branch are already right.
INSERT INTO chunks SELECT * FROM chunks_unpartitioned;
INSERT INTO dialogues SELECT * FROM dialogues_unpartitioned;
INSERT INTO dialogue_segments SELECT * FROM dialogue_segments_unpartitioned;

DROP TABLE dialogue_segments_unpartitioned;
DROP TABLE dialogues_unpartitioned;
DROP TABLE chunks_unpartitioned;

ALTER TABLE chunks ADD CONSTRAINT chunks_pkey PRIMARY KEY (chunk_id, started_at);
ALTER TABLE chunks ADD CONSTRAINT chunks_device_id_fkey FOREIGN KEY (device_id) REFERENCES devices (device_id);
ALTER TABLE dialogue_segments ADD CONSTRAINT dialogue_segments_pkey PRIMARY KEY (chunk_id, start_ms, started_at);
ALTER TABLE dialogues ADD CONSTRAINT dialogues_pkey PRIMARY KEY (dialogue_id, started_at);
ALTER TABLE dialogues ADD CONSTRAINT dialogues_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id);
ALTER TABLE dialogues ADD CONSTRAINT dialogues_branch_id_fkey FOREIGN KEY (branch_id) REFERENCES branches (branch_id);
ALTER TABLE dialogues ADD CONSTRAINT dialogues_device_id_fkey FOREIGN KEY (device_id) REFERENCES devices (device_id);
-- Was (tenant_id, device_id, transaction_id); the builder derives the id of a visit's dialogue from exactly these,
-- so one row per visit follows from one row per id.
CREATE UNIQUE INDEX dialogues_transaction ON dialogues (tenant_id, device_id, transaction_id, started_at) WHERE transaction_id IS NOT NULL;
-- Lookups by id alone (transcripts, analyses, detail, soft delete) probe each month's index; with no time predicate
-- there is no pruning, but months are few and each probe is one index descent.
CREATE INDEX dialogue_segments_chunk ON dialogue_segments (chunk_id);

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM pg_temp.iot_saved_indexes LOOP
        EXECUTE r.definition;
    END LOOP;
END
$$;

-- Row security as in 0021; SELECT on the parent covers its partitions, which the dashboard role cannot name itself.
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON chunks TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR EXISTS (SELECT 1 FROM devices d WHERE d.device_id = chunks.device_id)));
ALTER TABLE dialogue_segments ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON dialogue_segments TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
ALTER TABLE dialogues ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON dialogues TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));

-- Scope triggers as in 0021. A dialogue whose start moves to another month is moved as DELETE + INSERT, which fires
-- no AFTER UPDATE trigger; only open dialogues move, and their segments are rewritten (with fresh scope) by the
-- builder in the same transaction, and they have no transcript or analysis yet.
CREATE TRIGGER dashboard_scope BEFORE INSERT OR UPDATE OF dialogue_id ON dialogue_segments FOR EACH ROW EXECUTE FUNCTION dashboard_copy_dialogue_scope();
CREATE TRIGGER dashboard_scope AFTER UPDATE OF tenant_id, branch_id, started_at, deleted_at ON dialogues FOR EACH ROW
    WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.branch_id IS DISTINCT FROM NEW.branch_id
          OR OLD.started_at IS DISTINCT FROM NEW.started_at OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION dashboard_push_dialogue_scope();

ANALYZE chunks;
ANALYZE dialogue_segments;
ANALYZE dialogues;
