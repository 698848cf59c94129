#!/usr/bin/env bash
# Import and drift of a generated 10,000-object dump (spec §15), timed as
# CPU time (user + sys) of the whole process, which a loaded machine does
# not inflate as it does wall time. Results: bench/cluster_results.md.
# usage: bench/cluster_bench.sh [BUILD] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
stave="${1:-build}/compiler/stave"
n="${2:-10000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_cluster_dump.py "$n" > "$work/dump.yaml"
cpu() { /usr/bin/time -f "%U %S %e %M" "$@" > /dev/null 2> "$work/time" || true; tail -1 "$work/time"; }
report() { read -r user sys wall rss <<< "$2"; printf '| %s | %.2f s | %.2f s | %.0f MiB |\n' "$1" "$(echo "$user + $sys" | bc)" "$wall" "$(echo "$rss / 1024" | bc)"; }
echo "| $n objects ($(wc -c < "$work/dump.yaml") bytes) | CPU | wall | peak RSS |"
echo "|---|---:|---:|---:|"
report "import" "$(cpu "$stave" import "$work/dump.yaml" -o "$work/policies")"
report "drift (imported program against the dump)" "$(cpu "$stave" drift "$work/policies" --cluster "$work/dump.yaml")"
"$stave" build "$work/policies" -o "$work/built" 2> /dev/null
rm -f "$work/built/kustomization.yaml"
report "drift (against the program's own build: no drift)" "$(cpu "$stave" drift "$work/policies" --cluster "$work/built")"
report "read only (drift of a one-namespace program)" "$(printf 'package p\nnamespace x\n' > "$work/one.policy"; cpu "$stave" drift "$work/one.policy" --cluster "$work/dump.yaml")"
