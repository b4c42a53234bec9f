#!/usr/bin/env bash
# Creates the virtual environment of the ASR test server (a Vosk-protocol WebSocket server
# over the PyPI pocketsphinx package, which ships its own en-us model) under
# <repo>/.data/asr-test-server/venv, and its TLS test certificates (make-certs.sh).
# Idempotent: does nothing when the stamp matches and the certificates are fresh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/make-certs.sh"
repo="$(cd "$here/../.." && pwd)"
venv="${PARLEY_ASR_VENV:-$repo/.data/asr-test-server/venv}"
requirements="$here/requirements.txt"
stamp="$venv/.parley-stamp"
want="$(sha1sum "$requirements" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]]; then
  echo "asr-test-server: venv up to date ($venv)"
  exit 0
fi
python=${PYTHON:-python3}
if ! "$python" -c 'import venv' 2>/dev/null; then
  echo "asr-test-server: $python lacks the venv module (apt-get install python3-venv)" >&2
  exit 1
fi
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -c 'import pocketsphinx, websockets' || {
  echo "asr-test-server: the venv does not import pocketsphinx and websockets" >&2
  exit 1
}
echo "$want" > "$stamp"
echo "asr-test-server: venv ready ($venv)"
