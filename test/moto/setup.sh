#!/usr/bin/env bash
# Creates the Python environment for moto server, the AWS emulator the tests run against
# (test/moto/.venv), on first use; prints the path of its moto_server. Idempotent and safe to run
# from several test processes at once (they wait on one lock). Needs Python 3.9+ and the PyPI registry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
stamp="$venv/.requirements"

ready() { [ -x "$venv/bin/moto_server" ] && [ -f "$stamp" ] && cmp -s "$stamp" "$here/requirements.txt"; }

if ! ready; then
  mkdir -p "$here"
  exec 9>"$here/.venv.lock"
  flock 9
  if ! ready; then
    echo "installing moto server for the AWS emulator tests into $venv (first run only)" >&2
    "$python" -c 'import sys; assert sys.version_info >= (3, 9), "Python 3.9+ needed for moto"'
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
  fi
fi
echo "$venv/bin/moto_server"
