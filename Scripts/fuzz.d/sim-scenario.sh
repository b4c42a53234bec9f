#!/usr/bin/env bash
# Fuzz target `sim-scenario`: YAML loader + simulator scenario loader and validation.
# Builds ParleyYAML as a static library and the scenario sources of ParleySim with the
# driver, both with -sanitize=fuzzer,address, seeded from examples/sim and the fixtures.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/sim-scenario}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus" "$work/module"

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -O)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyYAML \
  -emit-module-path "$work/module/ParleyYAML.swiftmodule" -I Sources/CYAML \
  Sources/ParleyYAML/*.swift -o "$work/libParleyYAML.a"
src=Sources/ParleySim
swiftc "${flags[@]}" -module-name SimScenarioFuzz -I "$work/module" -I Sources/CYAML \
  "$src/Scenario.swift" "$src/ScenarioError.swift" "$src/ScenarioLoader.swift" "$src/ScenarioLoader+Calls.swift" \
  "$src/ScenarioLoader+Turns.swift" "$src/PromptCatalog.swift" "$src/LineConfiguration.swift" \
  Fuzz/SimScenario/*.swift "$work/libParleyYAML.a" -lyaml -o "$work/fuzz-sim-scenario"

for f in examples/sim/*.yaml Tests/ParleySimTests/Fixtures/*/*.yaml; do
  [ -f "$f" ] && cp "$f" "$work/corpus/$(echo "$f" | tr '/' '_')"
done
cd "$work"
exec ./fuzz-sim-scenario -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 corpus
