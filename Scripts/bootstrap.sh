#!/usr/bin/env bash
# Installs the Debian packages Parley needs, idempotently and non-interactively.
# Skips what is installed and says what it installs. Not root: prints the exact
# apt-get line and exits 1.
set -euo pipefail

packages=(
  pkg-config
  # C libraries bound as system-library targets (DESIGN.md, "Dependency rule")
  libopus-dev libsndfile1-dev libwebrtc-audio-processing-dev
  libpocketsphinx-dev pocketsphinx-en-us libyaml-dev libsqlite3-dev libspeexdsp-dev
  libmicrohttpd-dev libssl-dev
  # test peers and tools: SIPp, test speech and prompts, packet capture
  sip-tester espeak-ng flite sox tshark
  # the SIP load balancer the cluster tests put in front of parleyd nodes, and the sqlite3
  # shell the end-to-end and cluster tests read the store with
  kamailio sqlite3
  # a venv for the Python test server of the network recognizer; openssl makes its test CA
  python3-venv openssl
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} system packages present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap: not root; run:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer "no" up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# Packages with services (kamailio) must not start them: tests start their own instances on
# loopback. Block service starts for the duration of the install unless a policy exists.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: installed ${#missing[@]} package(s)"
