#!/usr/bin/env bash
# Fuzz target `dialogue-script`: YAML loader + dialogue loader + linter + engine.
# Builds ParleyYAML as a static library and ParleyDialogue with the driver, both with
# -sanitize=fuzzer,address, then fuzzes for $FUZZ_SECONDS seconds seeded from the
# examples and the YAML/lint fixtures. Crashes land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/dialogue-script}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus" "$work/module"

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -O)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyYAML \
  -emit-module-path "$work/module/ParleyYAML.swiftmodule" -I Sources/CYAML \
  Sources/ParleyYAML/*.swift -o "$work/libParleyYAML.a"
swiftc "${flags[@]}" -module-name DialogueScriptFuzz -I "$work/module" -I Sources/CYAML \
  Sources/ParleyDialogue/*.swift Fuzz/DialogueScript/*.swift \
  "$work/libParleyYAML.a" -lyaml -o "$work/fuzz-dialogue-script"

for f in examples/*/*.yaml Tests/ParleyDialogueTests/Fixtures/*/*.yaml Tests/ParleyYAMLTests/Fixtures/*.yaml; do
  [ -f "$f" ] && cp "$f" "$work/corpus/$(echo "$f" | tr '/' '_')"
done
cd "$work"
exec ./fuzz-dialogue-script -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 corpus
