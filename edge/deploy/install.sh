#!/usr/bin/env bash
# Installs the edge agent as a systemd service on a Raspberry Pi / Debian box (run as root).
#   install.sh PUBLISH_DIR [CONFIG_JSON]
# PUBLISH_DIR comes from: dotnet publish edge/Iot.Edge.Agent -c Release -r linux-arm64 --self-contained -o out
# CONFIG_JSON is the device's configuration (tenant, device id, broker, audio source); kept if already installed.
set -euo pipefail
src="${1:?usage: install.sh PUBLISH_DIR [CONFIG_JSON]}"
config="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
[ -x "$src/iot-agent" ] || { echo "install.sh: $src/iot-agent not found (publish first)" >&2; exit 1; }

getent group gpio >/dev/null || groupadd --system gpio
id iot-agent >/dev/null 2>&1 || useradd --system --home /var/lib/iot-agent --shell /usr/sbin/nologin --groups audio,gpio iot-agent

install -d -m 0755 /opt/iot-agent
cp -a "$src"/. /opt/iot-agent/
install -d -m 0750 -o root -g iot-agent /etc/iot-agent
if [ -n "$config" ]; then
  if [ -f /etc/iot-agent/iot-agent.json ]; then
    echo "install.sh: keeping existing /etc/iot-agent/iot-agent.json" >&2
  else
    install -m 0640 -o root -g iot-agent "$config" /etc/iot-agent/iot-agent.json
  fi
fi
install -d -m 0700 -o iot-agent -g iot-agent /var/lib/iot-agent /var/lib/iot-agent/spool

install -m 0644 "$here/iot-agent.service" /etc/systemd/system/iot-agent.service
systemctl daemon-reload
systemctl enable --now iot-agent.service
systemctl --no-pager status iot-agent.service || true
echo "installed: journalctl -u iot-agent -f   |   curl -s http://127.0.0.1:8042/health"
