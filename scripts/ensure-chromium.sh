#!/usr/bin/env bash
# The console's browser tests (test/console) drive Debian's Chromium with playwright-core: no browser
# download, the distribution's /usr/bin/chromium, installed here when missing.
set -euo pipefail
if [ -x "${TOLLGATE_CHROMIUM:-/usr/bin/chromium}" ]; then exit 0; fi
as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
echo "installing Debian's chromium for the console's browser tests" >&2
$as_root apt-get update
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
