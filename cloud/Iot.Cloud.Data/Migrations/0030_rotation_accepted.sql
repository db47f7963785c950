-- Brokers that keep one password per client (Mosquitto dynsec) switch to the pending secret when the device reports
-- the rotation command accepted; the column says when that happened. Cleared when the rotation ends either way.
ALTER TABLE devices ADD COLUMN rotation_accepted_at timestamptz;
