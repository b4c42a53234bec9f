# Sourced by the answering-machine-detection set generators (41-amd-heldout.sh,
# 42-amd-dev.sh, 43-amd-fresh.sh, 44-amd-final.sh); fixtures.sh runs only fixtures.d/*.sh,
# so this file is never run by itself.
#
# amd_set_begin NAME SUBDIR TOOL...: checks that every TOOL is installed, sets `dir` (the
#   fixtures.d folder), `out` ($PARLEY_FIXTURES/SUBDIR, emptied) and `work` (a scratch
#   folder removed on exit), or exits 0 when out's stamp matches the generator, this file
#   and amd_clips.py (the set is up to date).
# amd_set_end: writes the stamp and says how many clips the set has.

amd_set_begin() {
  amd_set_name=$1
  local subdir=$2 tool
  shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$amd_set_name: $tool is missing (apt-get install -y $*)" >&2; exit 1; }
  done
  dir=$(cd "$(dirname "$0")" && pwd)
  local root=${PARLEY_FIXTURES:-$(cd "$dir/../.." && pwd)/.data/fixtures}
  out=$root/$subdir
  amd_set_stamp=$out/.stamp
  amd_set_want=$(cat "$0" "$dir/amd_set.bash" "$dir/amd_clips.py" | sha256sum | cut -d' ' -f1)
  if [ -f "$amd_set_stamp" ] && [ "$(cat "$amd_set_stamp")" = "$amd_set_want" ] && [ -f "$out/labels.tsv" ]; then
    echo "$amd_set_name: up to date"; exit 0
  fi
  rm -rf "$out"; mkdir -p "$out"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
}

amd_set_end() {
  echo "$amd_set_want" > "$amd_set_stamp"
  echo "$amd_set_name: $(wc -l < "$out/labels.tsv") clips in $out"
}
