#!/usr/bin/env bash
# Measures the targets of the performance issue on generated monorepos (README, "Performance").
#
#   scripts/perf-targets.sh [RUNS]        (default 15 runs of each command)
#
# Commands are run interleaved (one run of each, RUNS times) so that a change of load on a
# shared machine affects all of them alike; medians of wall-clock time are reported. Needs
# bash, GNU date, awk and /usr/bin/time. Set PERF_DIR to keep the generated trees elsewhere
# (default /tmp/tf-elbcheck-perf) and JOBS to pass -j to the checker (default: one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
DIR=${PERF_DIR:-/tmp/tf-elbcheck-perf}
JOBS=${JOBS:-0}

cargo build --release --quiet --bin tf-elbcheck --example gen_monorepo --example parse_floor
BIN=$PWD/target/release/tf-elbcheck
FLOOR=$PWD/target/release/examples/parse_floor
GEN=$PWD/target/release/examples/gen_monorepo

# Classic Load Balancer stacks, as every earlier series measured them.
for n in 200 1000 5000; do
  [ -f "$DIR/m$n/FAULTS.txt" ] || "$GEN" "$n" "$DIR/m$n" --kinds classic >/dev/null
done
# The same stacks, each also calling one module shared by all of them.
[ -f "$DIR/s1000/FAULTS.txt" ] || "$GEN" 1000 "$DIR/s1000" --kinds classic --shared-module >/dev/null
# A mix of kinds: 40% Classic, 25% ALB, 20% NLB, 15% ECS behind an ALB.
[ -f "$DIR/mixed1000/FAULTS.txt" ] || "$GEN" 1000 "$DIR/mixed1000" --kinds classic,alb,nlb,ecs >/dev/null

names=(floor-1000 parse-1000 whole-1000 whole-200 whole-5000 floor-s1000 whole-s1000 floor-mixed-1000 whole-mixed-1000)
cmds=(
  "$FLOOR -j $JOBS $DIR/m1000"
  "$BIN -j $JOBS --stop-after parse --format compact $DIR/m1000"
  "$BIN -j $JOBS --format compact $DIR/m1000"
  "$BIN -j $JOBS --format compact $DIR/m200"
  "$BIN -j $JOBS --format compact $DIR/m5000"
  "$FLOOR -j $JOBS $DIR/s1000"
  "$BIN -j $JOBS --format compact $DIR/s1000"
  "$FLOOR -j $JOBS $DIR/mixed1000"
  "$BIN -j $JOBS --format compact $DIR/mixed1000"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in "${cmds[@]}"; do $c >/dev/null 2>&1 || true; done # warm the page cache
for ((r = 0; r < RUNS; r++)); do
  for i in "${!cmds[@]}"; do
    start=$(date +%s%N)
    ${cmds[$i]} >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >>"$tmp/${names[$i]}"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A m
echo "median wall-clock time of $RUNS interleaved runs (ms), -j $JOBS:"
for n in "${names[@]}"; do
  m[$n]=$(median "$tmp/$n")
  printf '  %-16s %7s\n' "$n" "${m[$n]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "whole / floor (walk+read+hcl-edit parse), 1000 stacks: $(ratio "${m[whole-1000]}" "${m[floor-1000]}")  (target <= 1.5)"
echo "whole / own frontend (--stop-after parse), 1000:       $(ratio "${m[whole-1000]}" "${m[parse-1000]}")"
echo "whole 1000 / whole 200 (5x stacks):                    $(ratio "${m[whole-1000]}" "${m[whole-200]}")  (target <= 5.5)"
echo "whole 5000 / whole 1000 (5x stacks):                   $(ratio "${m[whole-5000]}" "${m[whole-1000]}")  (target <= 5.5)"
echo "whole / floor, 1000 stacks calling a shared module:     $(ratio "${m[whole-s1000]}" "${m[floor-s1000]}")"
echo "whole / floor, 1000 stacks of mixed kinds:              $(ratio "${m[whole-mixed-1000]}" "${m[floor-mixed-1000]}")"
for n in m1000 m5000 s1000 mixed1000; do
  rss=$( { /usr/bin/time -f %M "$BIN" -j "$JOBS" --format compact "$DIR/$n" >/dev/null || true; } 2>&1 | tail -1)
  echo "peak RSS, $n: $((rss / 1024)) MiB$([ "$n" = m1000 ] && echo '  (target <= 150 MiB)')"
done
for n in m1000 m5000 s1000 mixed1000; do
  want=$(grep -v '^#' "$DIR/$n/FAULTS.txt" | awk '{k=split($2,c,","); for(i=1;i<=k;i++) print $1, c[i]}' | sort -u)
  got=$(cd "$DIR/$n" && "$BIN" --format compact . | sed -E 's#^([^/]+/[^/]+)/[^:]+:[0-9]+:[0-9]+: [a-z]+\[([A-Z0-9]+)\].*#\1 \2#' | sort -u || true)
  if [ "$want" = "$got" ]; then
    echo "$n: the findings are exactly the $(echo "$want" | wc -l) injected (root, code) pairs"
  else
    echo "$n: findings differ from FAULTS.txt:"
    diff <(echo "$want") <(echo "$got") | head -20
  fi
done
