#!/bin/sh
# Installs, on Debian 12, everything lmi's build, tests and benchmarks need.
# Idempotent: prints nothing and changes nothing when all is present.
set -eu
pkgs="build-essential pkg-config libcsv-dev libsqlite3-dev sqlite3 libgsl-dev libxlsxwriter-dev
libsodium-dev libpcre2-dev mandoc r-base-core miller parallel unzip python3 python3-openpyxl
chromium time"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
