#!/usr/bin/env bash
# The splat detector's own test (scripts/splat.sh): every clean kernel log
# in scripts/splat-samples/clean-*.log (real boots, among them the debug
# kernel's, whose banner says "RCU lockdep checking is enabled.") must give
# no splat, and every report header of scripts/splat-samples/reports.txt
# must be one.  A live check on the debug kernel (a provoked WARN must be
# caught, a clean boot must not) is in scripts/debug-kernel.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/splat.sh
. "$here/splat.sh"
fail=0
for f in "$here"/splat-samples/clean-*.log; do
	sp=$(tr -d '\r' <"$f" | splats)
	if [[ -n $sp ]]; then
		echo "FAIL splat detector: clean log $(basename "$f") reported as a splat:"
		printf '%s\n' "$sp" | head -5 | sed 's/^/    /'
		fail=1
	else
		echo "PASS splat detector: clean log $(basename "$f") ($(wc -l <"$f") lines) is no splat"
	fi
done
n=0
missed=0
while IFS= read -r l; do
	[[ $l == \#* || -z $l ]] && continue
	n=$((n + 1))
	if [[ -z $(printf 'before\n%s\n' "$l" | splats) ]]; then
		echo "FAIL splat detector: missed report header: $l"
		missed=$((missed + 1))
	fi
done <"$here/splat-samples/reports.txt"
if ((missed == 0)); then
	echo "PASS splat detector: all $n report headers detected"
else
	fail=1
fi
exit $fail
