#!/bin/sh
# Install what the benchmarks need besides stave itself: the Cedar peer
# (@cedar-policy/cedar-wasm, pinned by bench/package-lock.json) into
# bench/node_modules, and Debian's time and yamllint. Needs Node.js >= 18
# and npm. Python 3.9+ runs bench/run.py and bench/gen_repo.py with the
# standard library only; GNU time (/usr/bin/time) gives the peak memory of
# each run.
set -eu
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup.sh: node and npm are needed for the Cedar peer (apt-get install nodejs npm)" >&2
  exit 1
fi
# GNU time gives the peak memory of each run; yamllint is the YAML peer of
# run.py's "Peers on the emitted YAML". Both are Debian packages.
missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v yamllint >/dev/null 2>&1 || missing="$missing yamllint"
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup.sh: installing$missing" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi

npm ci --no-audit --no-fund --loglevel=error
node -e "import('@cedar-policy/cedar-wasm/nodejs').then(c => console.log('cedar-wasm ' + c.getCedarVersion() + ' ready'))"
