-- Mosquitto's dynamic-security plugin keeps its own password hashes and accepts passwords only in plain text over
-- its control API, so a reconciler that rebuilds it from PostgreSQL needs the secret itself, not our PBKDF2 hash.
-- It is kept sealed (AES-256-GCM, key Broker:Dynsec:SecretKey, never in the database): format 0x01|nonce12|tag16|ciphertext,
-- associated data = the MQTT username. Written by provisioning next to secret_hash; NULL = not pushed to Mosquitto.
ALTER TABLE devices ADD COLUMN secret_sealed bytea;
ALTER TABLE claim_tokens ADD COLUMN secret_sealed bytea;
