-- The dashboard's device page shows desired/reported configuration and recent commands. Both tables only name the
-- device, so their rows follow its visibility (tenant and branch) like chunks do. Writes still go through
-- Iot.Provisioning's ProvisioningAdmin as the table owner, after the dashboard proved the device is the caller's.
GRANT SELECT ON device_configs, device_commands TO iot_dashboard_app;
ALTER TABLE device_configs ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON device_configs TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM devices d WHERE d.device_id = device_configs.device_id));
ALTER TABLE device_commands ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON device_commands TO iot_dashboard_app
    USING (EXISTS (SELECT 1 FROM devices d WHERE d.device_id = device_commands.device_id));
