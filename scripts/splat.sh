# shellcheck shell=bash
# The kernel-splat detector of scripts/vm-run.sh (sourced; tested by
# scripts/test-splat.sh against real kernel logs in scripts/splat-samples/).
#
# It matches the *header line* of each kind of report the kernel prints,
# never a bare word: a debug kernel's boot banner says "RCU lockdep
# checking is enabled." and "KernelAddressSanitizer initialized", and those
# are not splats.  The headers, from the kernel's own printk formats:
#   BUG: ...              KASAN, KFENCE, NULL dereference, sleeping in
#                         atomic, soft lockup, Bad rss-counter, Bad page
#   WARNING: ...          WARN_ON, and lockdep's reports ("possible circular
#                         locking dependency", "suspicious RCU usage",
#                         "inconsistent lock state", "bad unlock balance")
#   kernel BUG at, Oops, Kernel panic - not syncing, general protection
#   fault, UBSAN:, refcount_t:, list_add/list_del corruption,
#   stack-protector:, double fault, Unable to handle kernel (arm64),
#   INFO: task ... blocked for more than (hung task), RCU "detected
#   stall(s)", Watchdog detected hard LOCKUP, DEBUG_LOCKS_WARN_ON, and
#   kmemleak's "new suspected memory leaks".
# shellcheck disable=SC2034 # used by the scripts that source this file
SPLAT_RE='BUG: |kernel BUG at |Oops[:[ ]|Kernel panic - not syncing|WARNING: |UBSAN: |general protection fault|INFO: task .* blocked for more than|detected stall|Watchdog detected hard LOCKUP|refcount_t: |list_add corruption|list_del corruption|stack-protector: |double fault|Unable to handle kernel|DEBUG_LOCKS_WARN_ON|new suspected memory leak'
# Kernel lines about user-space crashes (a test may crash on purpose):
# "traps: COMM[PID] general protection fault ip:..." and "COMM[PID]:
# segfault at ...", not the kernel's own "traps: PANIC: double fault".
# shellcheck disable=SC2034
SPLAT_IGNORE_RE='^(\[[ 0-9.]+\] )?(traps: [^ ]+\[[0-9]+\] |.*\[[0-9]+\]: segfault at )'

# Print splat regions of stdin (a kernel log) to stdout: each matching line
# with the line before it and up to 60 after, until an "end trace" line.
splats() {
	awk -v re="$SPLAT_RE" -v ign="$SPLAT_IGNORE_RE" '
		{ hit = ($0 ~ re && $0 !~ ign) }
		hit { if (!upto && NR > 1) print prev; upto = NR + 60 }
		upto && NR <= upto { print; if ($0 ~ /---\[ end (trace|Kernel panic)/) upto = 0; next }
		{ upto = 0; prev = $0 }'
}
