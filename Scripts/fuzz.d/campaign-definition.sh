#!/usr/bin/env bash
# Fuzz target `campaign-definition`: YAML loader + campaign definition loader.
# Builds ParleyYAML and ParleyStore as static libraries and ParleyCampaign with the driver, all with
# -sanitize=fuzzer,address, then fuzzes for $FUZZ_SECONDS seconds seeded from the example
# campaign and the loader's fixtures. Crashes land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/campaign-definition}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus" "$work/module"

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -O)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyYAML \
  -emit-module-path "$work/module/ParleyYAML.swiftmodule" -I Sources/CYAML \
  Sources/ParleyYAML/*.swift -o "$work/libParleyYAML.a"
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name ParleyStore \
  -emit-module-path "$work/module/ParleyStore.swiftmodule" -I Sources/CSQLite \
  Sources/ParleyStore/*.swift -o "$work/libParleyStore.a"
swiftc "${flags[@]}" -module-name CampaignDefinitionFuzz -I "$work/module" -I Sources/CYAML -I Sources/CSQLite \
  Sources/ParleyCampaign/*.swift Fuzz/CampaignDefinition/*.swift \
  "$work/libParleyYAML.a" "$work/libParleyStore.a" -lyaml -lsqlite3 -o "$work/fuzz-campaign-definition"

shopt -s globstar nullglob
for f in examples/campaigns/*.yaml Tests/ParleyCampaignTests/Fixtures/**/*.yaml; do
  cp "$f" "$work/corpus/$(echo "$f" | tr '/' '_')"
done
cd "$work"
exec ./fuzz-campaign-definition -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=4096 corpus
