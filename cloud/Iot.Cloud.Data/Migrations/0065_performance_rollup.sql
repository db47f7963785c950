-- Issue 19 items 1 and 2: the store managers' Performance and Trends pages. The overview's daily roll-up (0022) is cut
-- per branch only; these add the grains those pages filter and group by, kept by the same job (OverviewRollup, in the
-- same transaction per (tenant, local day) bucket) so there is still one owner and one watermark
-- (overview_rollup_state). Local days are in the tenant's time zone, as for overview_rollup.
--
-- performance_rollup holds each bucket at two grains and two spans, so a reader sums few rows whatever it asks:
--   grain 'o' = per branch, device and operator (the Performance table by operator, any device filter);
--   grain 'b' = per branch only, device_id/operator_id null (by branch, trends, the "All" row without a device filter);
--   week = false: one local day (day); week = true: the ISO week starting on Monday `day`, the sum of that week's day rows
--   at the same grain (rewritten whenever one of its days is). A reader takes a week row only for a whole week inside its
--   period that holds no day it must read raw (RollupPlan), so a 90-day period at operator grain is ~13 week rows and
--   ≤ 12 day rows per operator instead of 90 day rows.
-- Measures: dialogues = not deleted dialogues; analysed = of them with an unflagged analysis (0053 low_confidence is
--   null); attempted = analysed with an upsell attempt; accepted = attempted whose customer reaction is 'accepted';
--   quality = sum of the analysed ones' quality scores; flagged = analyses left out (unsure transcript).
-- Checklist compliance is folded into the same row as three parallel arrays, sorted by item id: items (the analyses'
--   checklist itemIds), items_checked (unflagged analyses that judged the item), items_met (of them, met). One row per
--   key instead of one per key and item: the reader unnests them in memory instead of fetching three times the rows.
CREATE TABLE performance_rollup (
    tenant_id     text NOT NULL,
    grain         char(1) NOT NULL CHECK (grain IN ('o', 'b')),
    week          boolean NOT NULL,
    day           date NOT NULL,
    branch_id     text,
    device_id     text,
    operator_id   text,
    dialogues     integer NOT NULL,
    analysed      integer NOT NULL,
    attempted     integer NOT NULL,
    accepted      integer NOT NULL,
    quality       bigint NOT NULL,
    flagged       integer NOT NULL,
    items         text[] NOT NULL,
    items_checked integer[] NOT NULL,
    items_met     integer[] NOT NULL,
    CHECK (grain = 'o' OR (device_id IS NULL AND operator_id IS NULL)),
    CHECK (NOT week OR extract(isodow FROM day) = 1),
    CHECK (cardinality(items) = cardinality(items_checked) AND cardinality(items) = cardinality(items_met))
);
CREATE UNIQUE INDEX performance_rollup_key ON performance_rollup (tenant_id, grain, week, day, branch_id, device_id, operator_id) NULLS NOT DISTINCT;

-- Hour x weekday heat map: per tenant, local day, branch and local hour (no device or operator: at that grain the rows
-- would be as many as the dialogues; a device filter reads that device's dialogues raw, which its index keeps small).
CREATE TABLE hourly_rollup (
    tenant_id   text NOT NULL,
    branch_id   text,
    day         date NOT NULL,
    hour        smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    dialogues   integer NOT NULL,
    analysed    integer NOT NULL,
    attempted   integer NOT NULL
);
CREATE UNIQUE INDEX hourly_rollup_key ON hourly_rollup (tenant_id, day, branch_id, hour) NULLS NOT DISTINCT;

-- The new tables start empty while overview_rollup_state may already call every past day current: forget the state,
-- so the next pass rebuilds every tenant in all tables (the overview reads raw rows until then).
DELETE FROM overview_rollup_state;

GRANT SELECT ON performance_rollup, hourly_rollup TO iot_dashboard_app;
ALTER TABLE performance_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON performance_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
ALTER TABLE hourly_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON hourly_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
