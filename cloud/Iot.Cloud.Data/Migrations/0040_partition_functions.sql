-- Monthly range partitions (UTC months) for chunks, dialogue_segments and dialogues, all keyed on their started_at.
-- These functions are the only place partitions are made: migration 0041 (conversion), the migrator at every start-up
-- and the daily retention job (iot_partitions_maintain), so naming and bounds cannot drift apart.
-- Names: <table>_pYYYY_MM for [first of month, first of next month) UTC, <table>_default for everything else.

CREATE FUNCTION iot_partitioned_tables() RETURNS text[] LANGUAGE sql IMMUTABLE AS
$$ SELECT ARRAY['chunks', 'dialogue_segments', 'dialogues'] $$;

-- The partitions of a table with their bounds (null bounds = the DEFAULT partition).
CREATE FUNCTION iot_partitions(parent text)
RETURNS TABLE (partition_name text, from_at timestamptz, to_at timestamptz) LANGUAGE sql STABLE AS
$$
    SELECT c.relname::text,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = to_regclass(format('public.%I', parent))
    ORDER BY 2 NULLS LAST
$$;

-- Creates the partition for one month. Rows of that month already sitting in the DEFAULT partition would make
-- CREATE fail, so they are taken out first and routed again afterwards. Returns the number of rows moved, or null
-- when the partition already existed.
CREATE FUNCTION iot_partition_create(parent text, month date) RETURNS bigint LANGUAGE plpgsql AS
$$
DECLARE
    first date := date_trunc('month', month)::date;
    part text := format('%s_p%s', parent, to_char(first, 'YYYY_MM'));
    def text := parent || '_default';
    lo timestamptz := first::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    moved bigint := 0;
BEGIN
    IF to_regclass(format('public.%I', part)) IS NOT NULL THEN
        RETURN NULL;
    END IF;

    IF to_regclass(format('public.%I', def)) IS NOT NULL THEN
        EXECUTE format('CREATE TEMP TABLE iot_partition_moving AS SELECT * FROM public.%I WHERE started_at >= %L AND started_at < %L', def, lo, hi);
        GET DIAGNOSTICS moved = ROW_COUNT;
        IF moved > 0 THEN
            EXECUTE format('DELETE FROM public.%I WHERE started_at >= %L AND started_at < %L', def, lo, hi);
        END IF;
    END IF;

    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);

    IF to_regclass('pg_temp.iot_partition_moving') IS NOT NULL THEN
        IF moved > 0 THEN
            EXECUTE format('INSERT INTO public.%I SELECT * FROM iot_partition_moving', parent);
        END IF;
        DROP TABLE pg_temp.iot_partition_moving;
    END IF;

    RETURN moved;
END
$$;

-- Keeps every partitioned table ready: a DEFAULT partition (so no insert ever fails for want of a partition), the
-- current month and months_ahead more, and a partition for any month that rows in DEFAULT belong to between keep_from
-- (retention's first kept instant; null = 10 years back) and that horizon (those rows are moved). What stays in
-- DEFAULT (clocks years off, or late rows of months retention dropped) is counted in rows_in_default for the caller
-- to report.
CREATE FUNCTION iot_partitions_maintain(months_ahead integer, at timestamptz DEFAULT now(), keep_from timestamptz DEFAULT NULL)
RETURNS TABLE (parent text, partitions_created integer, rows_moved bigint, rows_in_default bigint) LANGUAGE plpgsql AS
$$
DECLARE
    current_month date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
    horizon timestamptz := (current_month + make_interval(months => months_ahead + 1))::timestamp AT TIME ZONE 'UTC';
    oldest timestamptz;
    m date;
    moved bigint;
BEGIN
    IF months_ahead < 0 THEN
        RAISE EXCEPTION 'months_ahead must be >= 0, got %', months_ahead;
    END IF;
    -- Start-ups and the daily job of several processes may meet here; one at a time, the others then find it done.
    PERFORM pg_advisory_xact_lock(hashtext('iot_partitions_maintain'));

    FOREACH parent IN ARRAY iot_partitioned_tables() LOOP
        partitions_created := 0;
        rows_moved := 0;
        IF to_regclass(format('public.%I', parent || '_default')) IS NULL THEN
            EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I DEFAULT', parent || '_default', parent);
        END IF;

        oldest := coalesce(keep_from, at - interval '10 years');
        FOR m IN EXECUTE format(
            'SELECT generate_series(%L::date, %L::date, interval ''1 month'')::date
             UNION
             SELECT DISTINCT date_trunc(''month'', started_at AT TIME ZONE ''UTC'')::date FROM public.%I WHERE started_at >= %L AND started_at < %L
             ORDER BY 1',
            current_month, current_month + make_interval(months => months_ahead), parent || '_default', oldest, horizon) LOOP
            moved := iot_partition_create(parent, m);
            IF moved IS NOT NULL THEN
                partitions_created := partitions_created + 1;
                rows_moved := rows_moved + moved;
            END IF;
        END LOOP;

        EXECUTE format('SELECT count(*) FROM public.%I', parent || '_default') INTO rows_in_default;
        RETURN NEXT;
    END LOOP;
END
$$;

-- Copies table- and column-level grants from one table to another (the conversion swaps tables; whatever earlier
-- migrations granted on the old one must hold on the new one).
CREATE FUNCTION iot_copy_privileges(source regclass, target regclass) RETURNS void LANGUAGE plpgsql AS
$$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = source AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON %s TO %s', r.privilege_type, target, r.grantee);
    END LOOP;

    FOR r IN
        SELECT att.attname, a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
        FROM pg_attribute att, aclexplode(att.attacl) a
        WHERE att.attrelid = source AND att.attacl IS NOT NULL AND NOT att.attisdropped
    LOOP
        EXECUTE format('GRANT %s (%I) ON %s TO %s', r.privilege_type, r.attname, target, r.grantee);
    END LOOP;
END
$$;
