-- Daily roll-up behind the dashboard overview, so a 30- or 90-day period reads a few thousand rows instead of every
-- dialogue. Kept by the dashboard's OverviewRollupJob (a background job, not triggers or views: dialogues is being
-- turned into a partitioned table and must stay free of them; hence also no foreign keys to dialogues).
--
-- One row per tenant, branch, local day (in the tenant's time zone) and figure, in the same shape the overview's raw
-- query produces, so the overview adds roll-up rows and raw rows of the period's partial edges without conversion:
--   total    n = dialogues
--   analysed n = analysed dialogues, upsell = of them with an upsell attempt, quality = sum of quality scores
--   hour     key = local hour 0..23, n = dialogues started in it
--   category key = offered category, n = analysed dialogues offering it
--   quality  key = bucket 0..9 (score / 10, 100 in 9), n = analysed dialogues in it
CREATE TABLE overview_rollup (
    tenant_id  text NOT NULL,
    branch_id  text,
    day        date NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('total', 'analysed', 'hour', 'category', 'quality')),
    key        text NOT NULL DEFAULT '',
    n          bigint NOT NULL,
    upsell     bigint NOT NULL DEFAULT 0,
    quality    bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX overview_rollup_key ON overview_rollup (tenant_id, day, branch_id, kind, key) NULLS NOT DISTINCT;

-- Per tenant: the time zone the days were cut in (a changed zone makes every row stale) and the highest
-- dialogues.updated_at the roll-up has seen; days of dialogues changed after it are read raw by the overview.
CREATE TABLE overview_rollup_state (
    tenant_id   text PRIMARY KEY,
    time_zone   text NOT NULL,
    watermark   timestamptz,
    computed_at timestamptz NOT NULL
);

-- Finds what changed since the watermark without reading every dialogue.
CREATE INDEX dialogues_updated ON dialogues (updated_at);

GRANT SELECT ON overview_rollup, overview_rollup_state TO iot_dashboard_app;
ALTER TABLE overview_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON overview_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
ALTER TABLE overview_rollup_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON overview_rollup_state TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant()));
