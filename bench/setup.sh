#!/bin/sh
# Install what the benchmarks need besides stave itself: the Cedar peer
# (@cedar-policy/cedar-wasm, pinned by bench/package-lock.json) into
# bench/node_modules. Needs Node.js >= 18 and npm. Python 3.9+ runs
# bench/run.py and bench/gen_repo.py with the standard library only; GNU time
# (/usr/bin/time, Debian package `time`) gives the peak memory of each run.
set -eu
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup.sh: node and npm are needed for the Cedar peer (apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "setup.sh: /usr/bin/time not found: run.py will report peak memory from wait4," >&2
  echo "          which counts the Python parent's ~20 MB (apt-get install time)" >&2
fi

npm ci --no-audit --no-fund --loglevel=error
node -e "import('@cedar-policy/cedar-wasm/nodejs').then(c => console.log('cedar-wasm ' + c.getCedarVersion() + ' ready'))"
