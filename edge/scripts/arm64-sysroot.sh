#!/usr/bin/env bash
# Prepares an arm64 library root for running the Raspberry Pi build of the agent on an x86-64 machine with
# qemu-aarch64-static (tests and technicians' dry runs): Debian's arm64 cross C/C++ runtime plus arm64 libssl3,
# which .NET needs for hashing. Idempotent.   Usage: arm64-sysroot.sh [DIR]   (default: REPO/.cache/arm64-sysroot)
# Safe to run concurrently: one run builds under a lock into a private folder and renames it into place with a stamp
# written last, so a folder from an interrupted or older run is rebuilt rather than trusted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-$root/.cache/arm64-sysroot}"
readonly stamp="arm64-sysroot v2: aarch64 cross libc + libssl3:arm64 + Pi 4 cpuinfo"

# qemu-user shows the x86 host's /proc/cpuinfo to the guest, and ONNX Runtime's arm64 CPU probe crashes on it (a
# segfault in dlopen). qemu resolves absolute paths under -L first, so a Raspberry Pi 4's (Cortex-A72) is put there.
write_cpuinfo() {
  mkdir -p "$1/proc"
  for i in 0 1 2 3; do
    printf 'processor\t: %s\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n' "$i"
  done > "$1/proc/cpuinfo"
}

ready() {
  [ "$(cat "$dir/.complete" 2>/dev/null)" = "$stamp" ] && [ -f "$dir/lib/libssl.so.3" ] &&
    [ -e "$dir/lib/ld-linux-aarch64.so.1" ] && [ -s "$dir/proc/cpuinfo" ]
}

ready && exit 0
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock -w 1200 9
ready && exit 0

[ -d /usr/aarch64-linux-gnu/lib ] || { echo "arm64-sysroot: install libc6-arm64-cross libstdc++6-arm64-cross" >&2; exit 1; }
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq
fi
tmp="$(mktemp -d)"
build="$dir.$$.tmp"
trap 'rm -rf "$tmp" "$build"' EXIT
chmod 777 "$tmp"
(cd "$tmp" && apt-get download -qq libssl3:arm64 2>/dev/null)
mkdir -p "$build/lib"
cp -a /usr/aarch64-linux-gnu/lib/. "$build/lib/"
dpkg-deb -x "$tmp"/libssl3_*_arm64.deb "$tmp/ssl"
cp -a "$tmp"/ssl/usr/lib/aarch64-linux-gnu/. "$build/lib/"
write_cpuinfo "$build"
echo "$stamp" > "$build/.complete"
rm -rf "$dir"
mv "$build" "$dir"
echo "arm64-sysroot: ready in $dir" >&2
