-- Issue 19 items 1 and 2: the store managers' Performance and Trends pages. The overview's daily roll-up (0022) is cut
-- per branch only; these add the grains those pages filter and group by, kept by the same job (OverviewRollup, in the
-- same transaction per (tenant, local day) bucket) so there is still one owner and one watermark
-- (overview_rollup_state). Local days are in the tenant's time zone, as for overview_rollup.
--
-- Per tenant, local day, branch, device and operator (performance table, day/week trend series):
--   dialogues = not deleted dialogues; analysed = of them with an unflagged analysis (0053 low_confidence is null);
--   attempted = analysed with an upsell attempt; accepted = attempted whose customer reaction is 'accepted';
--   quality = sum of the analysed ones' quality scores; flagged = analyses left out (unsure transcript).
CREATE TABLE performance_rollup (
    tenant_id   text NOT NULL,
    branch_id   text,
    device_id   text NOT NULL,
    operator_id text,
    day         date NOT NULL,
    dialogues   integer NOT NULL,
    analysed    integer NOT NULL,
    attempted   integer NOT NULL,
    accepted    integer NOT NULL,
    quality     bigint NOT NULL,
    flagged     integer NOT NULL
);
CREATE UNIQUE INDEX performance_rollup_key ON performance_rollup (tenant_id, day, branch_id, device_id, operator_id) NULLS NOT DISTINCT;

-- Checklist compliance at the same grain, per item of the analyses' checklist ([{itemId, met}]): checked = unflagged
-- analyses that judged the item, met = of them the ones that met it.
CREATE TABLE checklist_rollup (
    tenant_id   text NOT NULL,
    branch_id   text,
    device_id   text NOT NULL,
    operator_id text,
    day         date NOT NULL,
    item_id     text NOT NULL,
    checked     integer NOT NULL,
    met         integer NOT NULL
);
CREATE UNIQUE INDEX checklist_rollup_key ON checklist_rollup (tenant_id, day, branch_id, device_id, operator_id, item_id) NULLS NOT DISTINCT;

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

GRANT SELECT ON performance_rollup, checklist_rollup, hourly_rollup TO iot_dashboard_app;
ALTER TABLE performance_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON performance_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
ALTER TABLE checklist_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON checklist_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
ALTER TABLE hourly_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON hourly_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
