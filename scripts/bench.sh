#!/usr/bin/env bash
# Benchmark the module's page-table range walk against /proc/PID/pagemap and
# PAGEMAP_SCAN, inside a VM (userspace/bench/vmi-bench).
#
# Usage: scripts/bench.sh [--kernel 5.10|6.1|6.12] [--la57] [--kvm] [--reps N]
#                         [--mem MB] [--case NAME]... [--max-runs N] [-v]
#
#   --kernel SHORT  kernel to boot (default 6.12: the only one with PAGEMAP_SCAN)
#   --la57          5-level-paging guest
#   --kvm           KVM instead of TCG (absolute times then mean something)
#   --reps N        repetitions per measurement, the best counts (default 5)
#   --mem MB        guest memory (default 3072: the dense and THP cases map 1 GiB each)
#   --case NAME     dense, thp, sparse or empty (repeatable; default all four)
#   --max-runs N    PT_RUNS max_runs (default 65536, the ABI maximum)
#   -v              vm-run.sh progress on stderr
#
# Prints vmi-bench's table: per case the module's time, runs and calls,
# pagemap's and PAGEMAP_SCAN's time, ns per page and the ratios
# pagemap/module and scan/module. Under TCG (the default) absolute times are
# meaningless; the ratios, measured in the same run, are the result.
# Exit status: vmi-bench's (vm-run.sh's on a VM failure).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")

kernel=6.12 mem=3072 reps=5
vmopts=() args=()
while (($#)); do
	case $1 in
	--kernel) kernel=${2:?--kernel needs a value}; shift 2 ;;
	--la57) vmopts+=(--la57); shift ;;
	--kvm) vmopts+=(--kvm); shift ;;
	--reps) reps=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--case) args+=(--case "${2:?}"); shift 2 ;;
	--max-runs) args+=(--max-runs "${2:?}"); shift 2 ;;
	-v | --verbose) vmopts+=(-v); shift ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
[[ $reps =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || { echo "bench.sh: --reps and --mem take numbers" >&2; exit 2; }

make -s -C "$top/userspace/bench" >&2 || { echo "bench.sh: build of userspace/bench failed" >&2; exit 1; }
echo "bench.sh: kernel $kernel${vmopts[*]:+ (${vmopts[*]})}, ${mem} MiB guest" >&2
exec "$here/vm-run.sh" --kernel "$kernel" --mem "$mem" --timeout 1800 "${vmopts[@]}" \
	--add "$top/userspace/bench/vmi-bench" -- vmi-bench --reps "$reps" "${args[@]}"
