-- Acknowledgements reach the delivery channels too: the dashboard sets acknowledged_at (it may not write deliveries),
-- and the evaluator's next pass enqueues an 'acknowledged' event for each alert acknowledged lately that has none yet.
-- These two indexes keep that look-up, and the cascade from a deleted alert, off full scans.
CREATE INDEX alert_deliveries_alert_event ON alert_deliveries (alert_id, event);
CREATE INDEX alerts_acknowledged ON alerts (acknowledged_at) WHERE acknowledged_at IS NOT NULL;
