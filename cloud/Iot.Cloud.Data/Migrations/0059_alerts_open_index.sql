-- The dashboard's live alert stream counts and lists a tenant's open alerts every few seconds per signed-in screen.
-- alerts_tenant_recent would walk the tenant's whole resolved history for that; open alerts are few, so a partial
-- index keeps the poll proportional to what is open.
CREATE INDEX alerts_tenant_open ON alerts (tenant_id, alert_id DESC) WHERE resolved_at IS NULL;
