-- Scheduled summary reports (issue 19 item 5): each dashboard user's own subscriptions (weekly or monthly, PDF or
-- XLSX, the whole visible tenant or one branch or one operator), and one delivery row per subscription and period.
-- The dashboard's report mailer connects as the owner and claims a period by inserting its delivery row: the primary
-- key lets one instance (of several, or after a restart) send each period once.

-- The signed-in user, set by TenantDb next to app.tenant_id and app.branches: subscriptions are personal.
CREATE FUNCTION dashboard_user() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '') $$;

CREATE TABLE report_subscriptions (
    subscription_id bigserial PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (tenant_id),
    user_id         uuid NOT NULL REFERENCES dashboard_users (user_id) ON DELETE CASCADE,
    cadence         text NOT NULL CHECK (cadence IN ('weekly', 'monthly')),
    format          text NOT NULL CHECK (format IN ('pdf', 'xlsx')),
    -- Null = every branch the user may see when the report is made (row security decides then, not now).
    branch_id       text REFERENCES branches (branch_id) ON DELETE CASCADE,
    operator_id     text CHECK (operator_id IS NULL OR char_length(operator_id) BETWEEN 1 AND 100),
    -- Only periods ending after this are sent: subscribing does not mail last month's report at once.
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX report_subscriptions_same ON report_subscriptions (user_id, cadence, format, coalesce(branch_id, ''), coalesce(operator_id, ''));

CREATE TABLE report_deliveries (
    subscription_id bigint NOT NULL REFERENCES report_subscriptions (subscription_id) ON DELETE CASCADE,
    -- The period's first and last local day (tenant time zone), both inclusive.
    period_start    date NOT NULL,
    period_end      date NOT NULL,
    -- sending: claimed by an instance (a stale claim is taken over); skipped: the user may no longer see the scope.
    status          text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 1,
    claimed_at      timestamptz NOT NULL,
    claimed_by      text,
    sent_at         timestamptz,
    last_error      text,
    PRIMARY KEY (subscription_id, period_start)
);

-- Dashboard: a user sees and changes only their own subscriptions, in their tenant, naming only a branch they may
-- see (branches carry row security themselves, so the EXISTS is the same test the branch list passes).
GRANT SELECT, DELETE ON report_subscriptions TO iot_dashboard_app;
GRANT INSERT (tenant_id, user_id, cadence, format, branch_id, operator_id, created_at) ON report_subscriptions TO iot_dashboard_app;
GRANT USAGE ON SEQUENCE report_subscriptions_subscription_id_seq TO iot_dashboard_app;
ALTER TABLE report_subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_own ON report_subscriptions TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND user_id::text = (SELECT dashboard_user())
           AND (branch_id IS NULL OR EXISTS (SELECT 1 FROM branches b WHERE b.branch_id = report_subscriptions.branch_id)))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND user_id::text = (SELECT dashboard_user())
           AND (branch_id IS NULL OR EXISTS (SELECT 1 FROM branches b WHERE b.branch_id = report_subscriptions.branch_id)));

GRANT SELECT ON report_deliveries TO iot_dashboard_app;
ALTER TABLE report_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_own ON report_deliveries TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM report_subscriptions s WHERE s.subscription_id = report_deliveries.subscription_id));
