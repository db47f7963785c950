#!/usr/bin/env bash
# Generates real speech for the simulated devices: espeak-ng voices saying shop-counter sentences, with silences
# between utterances and a longer pause between customers, as 16 kHz mono 16-bit WAV.  Usage: speech.sh OUT_DIR COUNT [SECONDS]
set -euo pipefail
out="$1"; count="${2:-3}"; seconds="${3:-120}"
mkdir -p "$out"
sentences=(
  "Good morning, welcome to our store. How can I help you today?"
  "I am looking for a charger for my phone."
  "We also have a protective case on sale this week, would you like to see it?"
  "No thank you, just the charger please."
  "Would you like to add an extended warranty for two years?"
  "How much does the warranty cost?"
  "It is nineteen ninety nine, and it covers accidental damage."
  "Okay, I will take it. Can I pay by card?"
  "Of course. Please insert your card. Do you have a loyalty card?"
  "Thank you for your purchase, have a nice day."
  "Next customer please. Your ticket number is forty two."
  "I would like to return these headphones, they do not work."
)
voices=(en-us en-gb en-gb-scotland en-us+f3 en-gb+m3 en-us+f2)
for ((d = 1; d <= count; d++)); do
  wav="$out/device-$d.wav"
  [ -s "$wav" ] && continue
  tmp="$(mktemp -d)"
  parts=()
  i=0
  total=0
  while ((total < seconds)); do
    s="${sentences[$(((d * 5 + i * 7) % ${#sentences[@]}))]}"
    v="${voices[$(((d + i) % ${#voices[@]}))]}"
    espeak-ng -v "$v" -s $((140 + (i % 4) * 15)) -w "$tmp/u$i.raw.wav" "$s"
    sox "$tmp/u$i.raw.wav" -r 16000 -c 1 -b 16 "$tmp/u$i.wav"
    gap="$(((i * 3 + d) % 3 + 1)).$(((i * 7) % 10))"
    # Every fifth utterance ends a customer visit: a long pause the cloud's dialogue builder splits on.
    ((i % 5 == 4)) && gap="14.0"
    sox -n -r 16000 -c 1 -b 16 "$tmp/g$i.wav" trim 0 "$gap"
    parts+=("$tmp/u$i.wav" "$tmp/g$i.wav")
    total=$(printf '%.0f' "$(sox --i -D "$tmp/u$i.wav" | awk -v g="$gap" -v t="$total" '{print t + $1 + g}')")
    i=$((i + 1))
  done
  # Written beside the target and renamed: an interrupted run leaves no half file that the -s check above trusts.
  sox "${parts[@]}" "$out/.device-$d.$$.wav"
  mv -f "$out/.device-$d.$$.wav" "$wav"
  rm -rf "$tmp"
done
echo "speech: $count file(s) in $out" >&2
