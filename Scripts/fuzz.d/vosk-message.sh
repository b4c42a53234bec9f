#!/usr/bin/env bash
# Fuzzes the network engine's parsers (handshake head, WebSocket frames, Vosk JSON).
# Run through Scripts/fuzz.sh vosk-message [seconds]; FUZZ_SECONDS and FUZZ_WORK come from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/VoskMessage}
seconds=${FUZZ_SECONDS:-60}
mkdir -p "$work/corpus"
src=Sources/ParleySpeech
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParleySpeechFuzz \
  Fuzz/VoskMessage/main.swift "$src/VoskMessage.swift" "$src/WebSocketFrame.swift" \
  "$src/WebSocketHandshake.swift" "$src/SHA1.swift" "$src/SpeechTypes.swift" \
  -o "$work/fuzz-vosk-message"
# Seeds: the golden messages (selector byte 0) and a frame (selector 1).
for f in Tests/ParleySpeechTests/Fixtures/vosk/*.json; do
  { printf '\x00'; cat "$f"; } > "$work/corpus/$(basename "$f").seed"
done
printf '\x01\x81\x05Hello\x89\x00' > "$work/corpus/frames.seed"
printf '\x02HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' > "$work/corpus/head.seed"
"$work/fuzz-vosk-message" -max_total_time="$seconds" -max_len=4096 "$work/corpus"
