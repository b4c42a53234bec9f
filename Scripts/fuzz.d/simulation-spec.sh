#!/usr/bin/env bash
# Fuzz target `simulation-spec`: the run-local --simulate spec parser (SimulatedCallPlacer.parseRules).
# Builds ParleyYAML and ParleyStore as static libraries and ParleyCampaign with the driver, all with
# -sanitize=fuzzer,address, then fuzzes for $FUZZ_SECONDS seconds seeded with a small spec.
# Crashes land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/simulation-spec}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus" "$work/module"

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -O)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyYAML \
  -emit-module-path "$work/module/ParleyYAML.swiftmodule" -I Sources/CYAML \
  Sources/ParleyYAML/*.swift -o "$work/libParleyYAML.a"
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyStore \
  -emit-module-path "$work/module/ParleyStore.swiftmodule" -I Sources/CSQLite \
  Sources/ParleyStore/*.swift -o "$work/libParleyStore.a"
swiftc "${flags[@]}" -module-name SimulationSpecFuzz -I "$work/module" -I Sources/CYAML -I Sources/CSQLite \
  Sources/ParleyCampaign/*.swift Fuzz/SimulationSpec/*.swift \
  "$work/libParleyYAML.a" "$work/libParleyStore.a" -lyaml -lsqlite3 -o "$work/fuzz-simulation-spec"

printf '* answered 300\n+14155550100 busy,busy,answered 200\n# comment\n+1 (415) 555-0101 noAnswer\n' > "$work/corpus/seed.txt"
cd "$work"
exec ./fuzz-simulation-spec -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 corpus
