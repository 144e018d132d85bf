#!/usr/bin/env bash
# Creates the Python environment for the Glue job's tests (jobs/.venv) on first run.
# Glue 5.0 = Spark 3.5.4 on Python 3.11; Java 17 must be on PATH for local pyspark.
# Idempotent: does nothing when the venv already has the pinned pyspark.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pyspark, pytest, boto3, moto, flask; assert pyspark.__version__ == "3.5.4"' 2>/dev/null; then
  exit 0
fi

"$python" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed (Glue 5.0 runs 3.11)"'
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt"
