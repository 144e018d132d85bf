#!/usr/bin/env bash
# Runs the Glue job's Python tests under local pyspark (creates jobs/.venv on first run).
# Usage: jobs/test.sh [pytest args]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
cd "$here"
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export PYSPARK_PYTHON="$here/.venv/bin/python"
[ $# -gt 0 ] || set -- tests
exec "$here/.venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
