#!/usr/bin/env bash
# Fuzz target "contacts-csv": the campaign contact-list CSV parser (RFC 4180 quoting,
# E.164 numbers, line-numbered errors).
# Run through Scripts/fuzz.sh contacts-csv [seconds]; uses FUZZ_SECONDS and FUZZ_WORK from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/contacts-csv}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
swiftc -swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzContactsCSV \
  Sources/ParleyCampaign/ContactCSVParser.swift Sources/ParleyCampaign/ContactList.swift \
  Sources/ParleyCampaign/PhoneNumber.swift Sources/ParleyCampaign/CampaignError.swift \
  Fuzz/ContactsCSV/main.swift -o "$work/fuzz-contacts-csv"
cp -n examples/campaigns/*.csv "$work/corpus/" 2>/dev/null || true
exec "$work/fuzz-contacts-csv" -max_total_time="$seconds" -max_len=4096 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus"
