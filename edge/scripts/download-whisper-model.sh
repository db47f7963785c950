#!/usr/bin/env bash
# Fetches a ggml Whisper model for Transcription:ModelPath, on a machine WITH internet access (a build host or the
# device itself); copy the file to the device if needed. Test machines never run this: tests write their own
# tiny-shaped fixture model (tests/Iot.TestSupport/Whisper/WhisperFixtureModel.cs).
#
#   edge/scripts/download-whisper-model.sh [MODEL] [DEST_DIR]
#     MODEL     tiny (default, multilingual, 75 MiB) | tiny.en (English only) | tiny-q5_1 | tiny.en-q5_1 | tiny-q8_0
#               (quantized: ~2-3x smaller, a little faster on ARM, slightly less accurate) | base | base.en
#     DEST_DIR  default /var/lib/iot-agent/models
#
# Then set, e.g. in iot-agent.json:  "Transcription": { "Enabled": true, "ModelPath": "/var/lib/iot-agent/models/ggml-tiny.bin" }
# The file comes from the whisper.cpp project's public model repository; SHA-1 is checked where upstream publishes it.
set -euo pipefail
model="${1:-tiny}"
dest="${2:-/var/lib/iot-agent/models}"
base_url="https://huggingface.co/ggerganov/whisper.cpp/resolve/main"

case "$model" in
  tiny) sha1=bd577a113a864445d4c299885e0cb97d4ba92b5f ;;
  tiny.en) sha1=c78c86eb1a8faa21b369bcd33207cc90d64ae9df ;;
  base) sha1=465707469ff3a37a2b9b8d8f89f2f99de7299dac ;;
  base.en) sha1=137c40403d78fd54d454da0f9bd998f78703390c ;;
  tiny-q5_1|tiny.en-q5_1|tiny-q8_0|tiny.en-q8_0|base-q5_1|base.en-q5_1) sha1="" ;;
  *) echo "unknown model '$model' (tiny, tiny.en, tiny-q5_1, tiny.en-q5_1, tiny-q8_0, base, base.en)" >&2; exit 2 ;;
esac

file="ggml-$model.bin"
mkdir -p "$dest"
tmp="$(mktemp "$dest/.$file.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

if command -v curl >/dev/null; then
  curl --fail --location --retry 3 --output "$tmp" "$base_url/$file"
elif command -v wget >/dev/null; then
  wget --tries=3 -O "$tmp" "$base_url/$file"
else
  echo "curl or wget is required" >&2; exit 1
fi

actual="$(sha1sum "$tmp" | cut -d' ' -f1)"
if [ -n "$sha1" ] && [ "$actual" != "$sha1" ]; then
  echo "$file: SHA-1 $actual, expected $sha1: download damaged, not installed" >&2
  exit 1
fi

# Rename last, so the agent never sees a half-written model (it would refuse to start, naming Transcription:ModelPath).
mv "$tmp" "$dest/$file"
trap - EXIT
echo "$dest/$file (sha1 $actual)"
