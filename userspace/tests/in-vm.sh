#!/bin/sh
# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# in-vm.sh: the integration suite, run inside the test VM (busybox sh) as
# root, cwd /root, by scripts/vm-tests.sh on the host:
#   scripts/vm-run.sh --add <test binaries> --add this --add ktap.sh
#       --add /bin/bash --add /usr/bin/tail -- sh /root/in-vm.sh
# Test binaries are in /root (also on PATH), the tool is vmainspect on PATH.
#
# Output: KTAP version 1 (ktap.sh).  Its own checks are results at the top
# level ("ok N cli: --help", "not ok N name # reason"); each program run
# by `suite NAME CMD...` is a subtest ("# Subtest: NAME", the program's
# KTAP indented 4 spaces, then "ok N NAME" or "not ok N NAME");
# informational lines are "# " diagnostics.  The last line is "# Totals:
# pass:N fail:N skip:N", counting the checks of the programs and its own
# (what ktap.sh counts); exit status 1 on any failure.
#
#   sh /root/in-vm.sh [all [SECONDS]]  every section; SECONDS of torture
#                                  (default 20; 0: of the adversarial
#                                  suites only the regression tests)
#   sh /root/in-vm.sh klayout   only the kernel-layout section, and, as
#                                  the last thing in the VM, lockdown
#                                  (confidentiality cannot be undone)
#   sh /root/in-vm.sh matrix    only the access matrix (it also ends in
#                                  lockdown, and Yama ptrace_scope 3)
#   sh /root/in-vm.sh adversarial [SECONDS]
#                                  only the adversarial suites (regressions,
#                                  frame sweep, fuzz, fault injection,
#                                  torture for SECONDS (default 20),
#                                  lifecycle, kmemleak): the debug kernel's

SECTION=${1:-all}
TORTURE_SECONDS=${2:-20}
case $SECTION in
all | klayout | matrix | adversarial) ;;
*) echo "usage: in-vm.sh [klayout | matrix | adversarial [SECONDS]]" >&2; exit 2 ;;
esac
# shellcheck source=userspace/tests/ktap.sh
. "${0%/*}/ktap.sh" || exit 1
cd /root || exit 1
T=/root
PASSES=0
FAILS=0
SKIPS=0
NR_TOP=0
PIDS=
OUT=/tmp/vmi-tests.$$
mkdir -p "$OUT"

echo "KTAP version 1"
# ok DESC: a check that passed; ko DESC [REASON]: one that failed
ok() {
	ktap_clean "$*"
	NR_TOP=$((NR_TOP + 1))
	echo "ok $NR_TOP $ktap_s"
	PASSES=$((PASSES + 1))
}
ko() {
	ktap_clean "$1"
	NR_TOP=$((NR_TOP + 1))
	if [ $# -gt 1 ]; then
		d=$ktap_s
		ktap_clean "$2"
		echo "not ok $NR_TOP $d # $ktap_s"
	else
		echo "not ok $NR_TOP $ktap_s"
	fi
	FAILS=$((FAILS + 1))
}
# diag TEXT: not a check, only for the log
diag() { echo "# $*"; }
# the last line
totals() { echo "# Totals: pass:$PASSES fail:$FAILS skip:$SKIPS"; }

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.2 2>/dev/null
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
}
trap cleanup EXIT

# suite NAME CMD...: run a program that reports in KTAP (vmi-report.h) as
# the subtest NAME; count its checks.  A non-zero exit without a failed
# check, or a missing totals line, is a failed check of its own in the
# subtest ("exit status", "totals").  A program that reported no check
# at all and ended well is a skipped result.  Its raw output stays in
# $OUT/out.
suite() {
	name=$1
	shift
	# Files of their own: a process a suite left behind may still write
	# to its stdout, which must not land in the next suite's.
	so="$OUT/suite$((NR_TOP + 1)).out" se="$OUT/suite$((NR_TOP + 1)).err"
	start=$(cut -d' ' -f1 /proc/uptime)
	"$@" >"$so" 2>"$se"
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	ktap_read "" nest <"$so" >"$OUT/sub"
	PASSES=$((PASSES + KTAP_PASS))
	FAILS=$((FAILS + KTAP_FAIL))
	SKIPS=$((SKIPS + KTAP_SKIP))
	ktap_clean "$(head -c 400 "$se")"
	extra=
	if [ "$rc" -ne 0 ] && [ "$KTAP_FAIL" -eq 0 ]; then
		extra="exit status # $rc without a failed check: $ktap_s"
	elif [ -z "$KTAP_TOTALS" ]; then
		extra="totals # no totals line (crashed?): $ktap_s"
	fi
	NR_TOP=$((NR_TOP + 1))
	if [ -z "$extra" ] && [ "$KTAP_N" -eq 0 ]; then
		cat "$OUT/sub"
		echo "ok $NR_TOP $name # SKIP no checks reported"
		SKIPS=$((SKIPS + 1))
	else
		echo "    KTAP version 1"
		echo "    # Subtest: $name"
		cat "$OUT/sub"
		[ -s "$se" ] && [ "$rc" -eq 0 ] && head -5 "$se" | sed 's/^/    # stderr: /'
		if [ -n "$extra" ]; then
			echo "    not ok $((KTAP_N + 1)) $extra"
			FAILS=$((FAILS + 1))
		fi
		if [ "$KTAP_FAIL" -gt 0 ] || [ -n "$extra" ]; then echo "not ok $NR_TOP $name"
		else echo "ok $NR_TOP $name"; fi
	fi
	t=${KTAP_TOTALS#\# Totals: }
	diag "$name: ${t:-no totals line} (exit $rc, $(awk "BEGIN{printf \"%.1f\", $end - $start}") s)"
	# the last suite's output stays in $OUT/out (a new file each time)
	mv -f "$so" "$OUT/out"
	rm -f "$se"
}

# wait_exec PID PATH: until PID has exec'd PATH (max ~10 s)
wait_exec() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

diag "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus," \
	"la57 cpu flag: $(grep -qw la57 /proc/cpuinfo && echo yes || echo no)"

# cli NAME EXPECTED_STATUS PATTERN CMD...: exit status and an extended
# regexp the output (stdout+stderr) must match ("" = anything)
cli() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$OUT/cli" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		ko "cli: $name" "exit $rc, expected $want: $(head -c 300 "$OUT/cli" | tr '\n' ' ')"
	elif [ -n "$pat" ] && ! grep -Eq -- "$pat" "$OUT/cli"; then
		ko "cli: $name" "output does not match /$pat/: $(head -c 300 "$OUT/cli" | tr '\n' ' ')"
	else
		ok "cli: $name"
	fi
}

# mutate_selftest NAME CMD...: the checker's self-test: CMD corrupts the
# module's answers (--mutate), so it must fail, with 10 failed checks
# ("not ok" results) at least
mutate_selftest() {
	name=$1
	shift
	"$@" >"$OUT/mut" 2>&1
	rc=$?
	nm=$(grep -c '^not ok ' "$OUT/mut")
	if [ "$rc" -eq 1 ] && [ "$nm" -ge 10 ]; then ok "$name: $nm injected faults caught"
	else ko "$name" "--mutate gave exit $rc and only $nm failed checks"; fi
}

# ---- why something is hidden: pt, pages, kernel name the real reason ----
# reason_oracle [runas UID]: "lockdown" under lockdown=confidentiality
# (the kernel's file), else "CAP_SYS_ADMIN" when the caller's CapEff lacks
# bit 21, else "" (nothing may be hidden)
reason_oracle() {
	if grep -q '\[confidentiality\]' /sys/kernel/security/lockdown 2>/dev/null; then
		echo lockdown
		return
	fi
	ce=$("$@" grep '^CapEff:' /proc/self/status | awk '{ print $2 }')
	[ -n "$ce" ] && [ $((0x$ce >> 21 & 1)) -eq 0 ] && echo CAP_SYS_ADMIN
}
# hidden_checks WHO [runas UID]: pt and pages on a process of the caller's
# own, kernel and kernel ADDR, text and --json: with a reason, it is named
# once, the other one never, and no "((" or "))"; without, nothing hidden
hidden_checks() {
	who=$1
	shift
	want=$(reason_oracle "$@")
	case $want in
	lockdown) other=CAP_SYS_ADMIN ;;
	CAP_SYS_ADMIN) other=lockdown ;;
	*) other= ;;
	esac
	"$@" sleep 100 </dev/null >/dev/null 2>&1 &
	hs=$!
	sleep 0.5
	# the top of its stack: present (the environment is there)
	hsp=$(awk '/\[stack\]/ { split($1, r, "-"); print r[2] }' "/proc/$hs/maps")
	hsp=$(printf 0x%x $((0x${hsp:-1000} - 8)))
	hka=$(awk '$1 == "vmainspect" { print $6 }' /proc/modules)
	for hc in "pt $hs $hsp" "--json pt $hs $hsp" "pages $hs" "--json pages $hs" \
		kernel "--json kernel" "kernel ${hka:-0xffffffffc0000000}" \
		"--json kernel ${hka:-0xffffffffc0000000}"; do
		# --json: the document (or error object) on stdout alone
		# shellcheck disable=SC2086 # hc is words
		case $hc in
		--json*) "$@" vmainspect $hc >"$OUT/hid" 2>/dev/null ;;
		*) "$@" vmainspect $hc >"$OUT/hid" 2>&1 ;;
		esac
		n=$(grep -o "${want:-@none@}" "$OUT/hid" | wc -l)
		if [ -z "$want" ]; then
			case $hc in *kernel\ *) continue ;; esac
			case $hc in *kernel) [ "$(cat /proc/sys/kernel/kptr_restrict)" = 2 ] && continue ;; esac
			if grep -Eq '(PFN|addresses|slots) hidden|"(pfn_)?hidden": ?true' "$OUT/hid"; then
				ko "hidden: $who: $hc: hidden without lockdown, with CAP_SYS_ADMIN" "$(head -c 300 "$OUT/hid")"
			else
				ok "hidden: $who: $hc: nothing hidden"
			fi
		elif [ "$n" -ne 1 ] || grep -q "$other" "$OUT/hid" || grep -Fq -e '((' -e '))' "$OUT/hid"; then
			ko "hidden: $who: $hc: names $want once, not $other" \
				"$want $n times: $(grep -m3 -e "$want" -e "$other" -e '((' -e '))' "$OUT/hid" | head -c 300)"
		else
			ok "hidden: $who: $hc: names $want once, not $other"
		fi
	done
	kill "$hs" 2>/dev/null
	wait "$hs" 2>/dev/null
}

# ---- kernel layout (KLAYOUT, KADDR) vs kcore, kallsyms, iomem, vmallocinfo ----
# root with kptr_restrict=1, root with kptr_restrict=2 (and 0), uid 1000
klayout_section() {
	diag "kernel layout: $(grep -qw la57 /proc/cpuinfo && echo 5-level || echo 4-level)" \
		"paging, cmdline: $(cat /proc/cmdline)"
	suite klayout "$T/vmi-check-klayout"
	suite kaddr "$T/vmi-check-kaddr"
	hidden_checks root
	mutate_selftest "klayout-check self-test" "$T/vmi-check-klayout" --mutate
	mutate_selftest "kaddr-check self-test" "$T/vmi-check-kaddr" --mutate
	suite klayout-kptr2 "$T/vmi-check-klayout" --kptr2
	suite kaddr-kptr2 "$T/vmi-check-kaddr" --kptr2
	if command -v runas >/dev/null; then
		# uid 1000 must reach /root (the access section reports a 700 /)
		[ "$(stat -c %a /)" = 700 ] && chmod 755 /
		suite klayout-uid1000 runas 1000 "$T/vmi-check-klayout" --unpriv
		suite kaddr-uid1000 runas 1000 "$T/vmi-check-kaddr" --unpriv
		# the tool as uid 1000: the reason, and no kernel address
		# (16 hex digits starting with ff, with or without 0x)
		cli "kernel as uid 1000: says why addresses are hidden" 0 'hidden: they need CAP_SYS_ADMIN' \
			runas 1000 vmainspect kernel
		kx=$(grep -Eio '(^|[^0-9a-fx])(0x)?ff[0-9a-f]{14}([^0-9a-f]|$)' "$OUT/cli" | head -1)
		if [ -z "$kx" ]; then ok "cli: kernel as uid 1000: no kernel address printed"
		else ko "cli: kernel as uid 1000: prints a kernel address: $kx"; fi
		M=$(awk '$1 == "vmainspect" { print $6 }' /proc/modules)
		cli "kernel ADDR as uid 1000: refused with the reason" 1 'CAP_SYS_ADMIN' \
			runas 1000 vmainspect kernel "${M:-0xffffffffc0000000}"
		hidden_checks "uid 1000" runas 1000
	else
		ko "klayout-uid1000: no runas helper in the VM"
	fi
	# the tool as root: its JSON regions are KLAYOUT's; ADDR classified
	if vmainspect --json kernel >"$OUT/kjson" 2>"$OUT/kjson.err"; then
		suite klayout-cli-json "$T/vmi-check-klayout" --cli-json "$OUT/kjson"
	else
		ko "cli: vmainspect --json kernel: exit $?: $(head -c 300 "$OUT/kjson.err")"
	fi
	# the text views: debugfs kernel_layout, `kernel`, `layout --full`,
	# each against KLAYOUT read right after (same kptr_restrict)
	KL=/sys/kernel/debug/vmainspect/kernel_layout
	if [ -r "$KL" ]; then
		cat "$KL" >"$OUT/kl.txt"
		suite klayout-debugfs "$T/vmi-check-klayout" --text "$OUT/kl.txt"
	else
		ko "klayout-debugfs: no $KL"
	fi
	vmainspect kernel >"$OUT/k.txt" 2>&1
	suite klayout-cli-text "$T/vmi-check-klayout" --text "$OUT/k.txt"
	vmainspect layout --full 1 >"$OUT/lf.txt" 2>&1
	suite klayout-layout-full "$T/vmi-check-klayout" --drawing "$OUT/lf.txt"
	kp=$(cat /proc/sys/kernel/kptr_restrict)
	# kptr_restrict=2: the same views without a single address
	echo 2 >/proc/sys/kernel/kptr_restrict
	[ -r "$KL" ] && cat "$KL" >"$OUT/kl2.txt" &&
		suite klayout-debugfs-kptr2 "$T/vmi-check-klayout" --text "$OUT/kl2.txt"
	vmainspect layout --full 1 >"$OUT/lf2.txt" 2>&1
	suite klayout-layout-full-kptr2 "$T/vmi-check-klayout" --drawing "$OUT/lf2.txt"
	echo 1 >/proc/sys/kernel/kptr_restrict	# raw %pK for root
	A=$(awk '/ vmalloc/ && / pages=/ { split($1, r, "-"); print r[1]; exit }' /proc/vmallocinfo)
	M=$(awk '$1 == "vmainspect" { print $6 }' /proc/modules)
	echo "$kp" >/proc/sys/kernel/kptr_restrict
	if [ -n "$A" ]; then
		cli "kernel ADDR: a vmallocinfo address is in vmalloc" 0 '^region: +vmalloc:' vmainspect kernel "$A"
		cli "kernel ADDR (json): a vmallocinfo address is in vmalloc, mapped" 0 \
			'"region": ?"vmalloc"' vmainspect --json kernel "$A"
		if grep -Eq '"mapped": ?true' "$OUT/cli"; then ok "cli: kernel ADDR (json): vmalloc address mapped"
		else ko "cli: kernel ADDR (json): vmalloc address $A not mapped: $(tr '\n' ' ' <"$OUT/cli" | head -c 300)"; fi
	else
		ko "cli: no vmalloc address in /proc/vmallocinfo"
	fi
	if [ -n "$M" ]; then
		cli "kernel ADDR (json): /proc/modules address is vmainspect's" 0 '"module": ?"vmainspect"' \
			vmainspect --json kernel "$M"
	fi
	# with raw %pK (kptr_restrict=1): the section from sysfs, the vm area
	# from vmallocinfo, each the one whose start the kernel's file gives
	echo 1 >/proc/sys/kernel/kptr_restrict
	for sec in .text .data; do
		S=$(cat "/sys/module/vmainspect/sections/$sec" 2>/dev/null)
		if [ -n "$S" ]; then
			cli "kernel ADDR: vmainspect's $sec start is in its $sec section" 0 \
				"^section: +\\$sec \\(from /sys/module/vmainspect/sections\\)" vmainspect kernel "$S"
		else
			ko "cli: no /sys/module/vmainspect/sections/$sec"
		fi
	done
	VL=$(awk '/ vmalloc/ && / pages=/ { print; exit }' /proc/vmallocinfo)
	VA=${VL%%-*}
	# the caller's function name (its "+0x../0x.." has regex characters)
	VC=$(echo "$VL" | awk '{ sub(/\+.*/, "", $3); print $3 }')
	if [ -n "$VA" ] && [ -n "$VC" ]; then
		cli "kernel ADDR: the vm area and caller of /proc/vmallocinfo" 0 \
			"^vm area: +$VA-.* bytes: $VC\\+" vmainspect -w kernel "$VA"
	fi
	echo "$kp" >/proc/sys/kernel/kptr_restrict
}

# ---- basics ----
if [ -c /dev/vmainspect ]; then ok "basics: /dev/vmainspect exists"; else ko "basics: /dev/vmainspect: missing"; fi
if command -v vmainspect >/dev/null; then ok "basics: vmainspect on PATH"; else ko "basics: vmainspect not on PATH"; fi

finish() {
	cleanup
	trap - EXIT
	rm -rf "$OUT"
	totals
	[ "$FAILS" -eq 0 ]
	exit
}

# kmemleak (the debug kernel): nothing allocated by vmainspect unreferenced
kmemleak_check() {
	K=/sys/kernel/debug/kmemleak
	if [ ! -w $K ]; then
		diag "kmemleak: not in this kernel"
		return
	fi
	echo scan >$K
	sleep 1
	echo scan >$K
	awk '/^unreferenced object/ { if (o ~ /vmainspect/) print o; o = $0; next }
	     { o = o " | " $0 } END { if (o ~ /vmainspect/) print o }' $K >"$OUT/leaks"
	if [ -s "$OUT/leaks" ]; then
		ko "kmemleak: objects of vmainspect unreferenced: $(head -c 600 "$OUT/leaks")"
	else
		ok "kmemleak: no unreferenced object of vmainspect ($(grep -c '^unreferenced object' $K) of others)"
	fi
}

# The adversarial suites (issue 10): each must end without a splat, which
# the host checks in the kernel log (vm-run.sh exit 125).
adversarial_section() {
	# the regression tests of issue 10's defects; this poisons the
	# 1 GiB page of the la57 runs (a PUD hwpoison entry): after pt-zoo
	suite regress "$T/vmi-regress"
	# SECONDS 0: the regressions only (the la57 runs: the rest is the
	# same code as on the 4-level runs of the same kernel)
	if [ "$TORTURE_SECONDS" -eq 0 ]; then
		diag "adversarial: regressions only (torture seconds 0)"
		return
	fi
	# PAGE and RMAP on every frame up to twice the end of RAM, against
	# kpageflags/kpagecount (the frames past RAM oopsed every stock kernel)
	suite frame-sweep "$T/vmi-frame-sweep"
	# malformed calls, each with one defect and its exact errno; then
	# every ioctl and debugfs read under fail-nth fault injection
	suite fuzz "$T/vmi-fuzz"
	suite fuzz-fail-nth "$T/vmi-fuzz" --fail-nth --calls 0
	# queriers against mutating processes
	suite torture-1 "$T/vmi-torture" --threads 1 --seconds $((TORTURE_SECONDS / 4 + 1))
	suite torture-16 "$T/vmi-torture" --threads 16 --seconds $((TORTURE_SECONDS / 4 + 1))
	suite torture-4 "$T/vmi-torture" --threads 4 --seconds $((TORTURE_SECONDS / 2 + 1))
	# rmmod with fds and debugfs files open or a query blocked, SIGKILL of
	# a blocked query, insmod/rmmod cycles; it reloads the module: the
	# checks after it use the new instance
	suite lifecycle "$T/vmi-lifecycle" --cycles "${VMI_LIFECYCLE_CYCLES:-200}"
	kmemleak_check
}

if [ "$SECTION" = matrix ]; then
	# callers x targets x questions x knobs, each cell against the
	# kernel's own answer to the same caller (maps, pagemap, kallsyms)
	suite access-matrix "$T/vmi-access-matrix"
	finish
fi

if [ "$SECTION" = adversarial ]; then
	adversarial_section
	finish
fi

if [ "$SECTION" = klayout ]; then
	klayout_section
	# irreversible: only here, as the last check of the VM
	suite klayout-lockdown "$T/vmi-check-klayout" --lockdown
	suite kaddr-lockdown "$T/vmi-check-kaddr" --lockdown
	hidden_checks "root, lockdown"
	command -v runas >/dev/null && hidden_checks "uid 1000, lockdown" runas 1000
	# the same lockdown refuses the frame ioctls and hides page-table
	# frames, from root too (the stock kernels have the lockdown LSM)
	if grep -q '\[confidentiality\]' /sys/kernel/security/lockdown 2>/dev/null; then
		suite frames-lockdown "$T/vmi-check-frames" --lockdown
		SP=$(awk '{ printf "0x%x", $28 }' /proc/1/stat)
		cli "pt as root under lockdown: frames hidden" 0 '"pfn_hidden": ?true' \
			vmainspect --json pt 1 "$SP"
	else
		ko "lockdown: not in confidentiality mode after klayout-lockdown: $(cat /sys/kernel/security/lockdown 2>&1)"
	fi
	trap - EXIT
	rm -rf "$OUT"
	totals
	[ "$FAILS" -eq 0 ]
	exit
fi

# ---- targets ----
"$T/vmi-zoo" --sigwait >"$OUT/zoo" 2>&1 &
ZOO=$!
PIDS="$PIDS $ZOO"
i=0
while ! grep -q '^READY' "$OUT/zoo" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ZBRK=$(awk '$1 == "BRK" { print $2 }' "$OUT/zoo")
if grep -q "^READY $ZOO\$" "$OUT/zoo"; then
	ok "zoo: started (pid $ZOO, $(grep -c . "/proc/$ZOO/maps") lines in maps)"
else
	ko "zoo: did not become ready: $(head -c 300 "$OUT/zoo")"
fi
region() { awk -v n="$1" '$1 == "REGION" && $2 == n { print $3 }' "$OUT/zoo"; }

BASH=
if [ -x "$T/bash" ]; then
	"$T/bash" -c 'sleep 1000; :' </dev/null >/dev/null 2>&1 &
	BASH=$!
	PIDS="$PIDS $BASH"
	wait_exec "$BASH" "$T/bash" || ko "targets: bash did not start"
fi
TAIL=
if [ -x "$T/tail" ]; then
	"$T/tail" -f /dev/null </dev/null >/dev/null 2>&1 &
	TAIL=$!
	PIDS="$PIDS $TAIL"
	wait_exec "$TAIL" "$T/tail" || ko "targets: tail did not start"
fi
sleep 1000 >/dev/null 2>&1 &
BBSLEEP=$!
PIDS="$PIDS $BBSLEEP"
sleep 0.3

# ---- maps/layout/find vs /proc ----
if [ -n "$ZBRK" ]; then
	suite zoo "$T/vmi-check-maps" --find --brk "$ZBRK" "$ZOO"
fi
[ -n "$BASH" ] && suite bash "$T/vmi-check-maps" --find "$BASH"
[ -n "$TAIL" ] && suite tail "$T/vmi-check-maps" --find "$TAIL"
suite busybox-sleep "$T/vmi-check-maps" --find "$BBSLEEP"
suite all "$T/vmi-check-maps" --all

# ---- page tables (PT_RUNS, PT_PATH) vs /proc/PID/pagemap and smaps ----
# cover NAME: the last suite's COVER line (a diagnostic or not), field NAME
# (0 if absent)
cover() { awk -v f="$1" '{ sub(/^# /, "") } $1 == "COVER" { for (i = 4; i < NF; i++) if ($i == f) v = $(i + 1) } END { print v + 0 }' "$OUT/out"; }
# ptzoo_wait FILE: wait until the vmi-pt-zoo writing FILE is READY (15 s)
ptzoo_wait() {
	i=0
	while ! grep -q '^READY' "$1" && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q '^READY' "$1"
}
echo 8 >/proc/sys/vm/nr_hugepages 2>/dev/null
HP=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
# a 1 GiB page (PUD leaf): only CPUs with pdpe1gb (the --la57 guest) and
# guests with the memory for it (scripts/vm-tests.sh gives la57 2.5 GiB)
G1=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
if [ -w "$G1" ]; then
	echo 1 >"$G1" 2>/dev/null
	diag "1 GiB hugetlb pages reserved: $(cat "$G1")"
else
	diag "no 1 GiB hugetlb page size (CPU without pdpe1gb): PUD leaves not exercised"
fi
[ "${HP:-0}" -gt 0 ] || diag "nr_hugepages is 0: the hugetlb exhibit is skipped"
NSWAP=$(awk 'NR > 1' /proc/swaps | grep -c .)
if [ "$NSWAP" -gt 0 ]; then diag "swap: $NSWAP devices"
else diag "swap: no device: swap entries are not exercised"; fi
# anonymous 64 KiB folios (mTHP, 6.8+) for the zoo's mthp exhibit
MTHP=/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled
MTHP_WAS=
if [ -w "$MTHP" ]; then
	MTHP_WAS=$(sed 's/.*\[\(.*\)\].*/\1/' "$MTHP")
	echo always >"$MTHP" || MTHP_WAS=
fi
"$T/vmi-pt-zoo" --hwpoison >"$OUT/ptzoo" 2>&1 &
PTZOO=$!
PIDS="$PIDS $PTZOO"
if ptzoo_wait "$OUT/ptzoo"; then
	ok "pt-zoo: started (pid $PTZOO)"
	grep -E '^(SKIP|INFO)' "$OUT/ptzoo" | sed 's/^/# pt-zoo: /'
	suite pt-zoo "$T/vmi-check-pages" "$PTZOO"
	# the comparison saw the states the zoo made
	ptregion() { grep -q "^REGION $1 " "$OUT/ptzoo"; }
	c_pmd=$(cover pmd_pages) c_uffd=$(cover uffd_wp) c_marker=$(cover marker)
	c_pn=$(cover protnone) c_sp=$(cover special) c_sd=$(cover soft_dirty) c_none=$(cover none)
	if ptregion hugetlb || ptregion thp; then
		if [ "$c_pmd" -gt 0 ]; then ok "pt-zoo: PMD-mapped pages seen ($c_pmd pages)"
		else ko "pt-zoo: no PMD-mapped page seen although hugetlb/THP regions exist"; fi
	fi
	if ptregion uffd_wp_anon; then
		if [ "$c_uffd" -gt 0 ]; then ok "pt-zoo: uffd-wp pages seen ($c_uffd)"
		else ko "pt-zoo: no uffd-wp page seen although uffd_wp_anon exists"; fi
	fi
	if ptregion uffd_wp_shmem || grep -q wp_unpopulated "$OUT/ptzoo"; then
		if [ "$c_marker" -gt 0 ]; then ok "pt-zoo: PTE markers seen ($c_marker)"
		else ko "pt-zoo: no PTE marker seen although uffd-wp of empty ptes was set up"; fi
	fi
	if ptregion hugetlb_1g; then
		if [ "$(cover pud_pages)" -gt 0 ]; then ok "pt-zoo: PUD-mapped (1 GiB) pages seen"
		else ko "pt-zoo: no PUD-mapped page seen although hugetlb_1g exists"; fi
	fi
	if grep -qw la57 /proc/cpuinfo; then
		if ptregion high; then ok "pt-zoo: a mapping above 128 TiB was checked (5-level)"
		else ko "pt-zoo: la57 CPU but no mapping above 128 TiB: $(grep '^SKIP high' "$OUT/ptzoo")"; fi
	fi
	if [ "$NSWAP" -gt 0 ]; then
		if ! ptregion swap; then ko "pt-zoo: swap device but no swap region: $(grep '^SKIP swap' "$OUT/ptzoo")"
		elif [ "$(cover swap)" -gt 0 ]; then ok "pt-zoo: swap entries seen ($(cover swap) pages)"
		else ko "pt-zoo: no swap entry seen although MADV_PAGEOUT succeeded"; fi
	fi
	if ptregion hwpoison; then
		if [ "$(cover hwpoison)" -gt 0 ]; then ok "pt-zoo: hwpoison entry seen"
		else ko "pt-zoo: no hwpoison entry seen although MADV_HWPOISON succeeded"; fi
	fi
	if [ "$c_pn" -gt 0 ]; then ok "pt-zoo: PROT_NONE pages seen ($c_pn)"; else ko "pt-zoo: no protnone page seen"; fi
	if [ "$c_sp" -gt 0 ]; then ok "pt-zoo: special (zero page) pages seen ($c_sp)"; else ko "pt-zoo: no special page seen"; fi
	if [ "$c_sd" -gt 0 ]; then ok "pt-zoo: soft-dirty pages seen ($c_sd)"; else ko "pt-zoo: no soft-dirty page seen"; fi
	if [ "$c_none" -gt 0 ]; then ok "pt-zoo: empty pages seen ($c_none)"; else ko "pt-zoo: no empty page seen"; fi
	if ptregion mthp && [ -n "$MTHP_WAS" ]; then
		if [ "$(cover mthp)" -gt 0 ]; then ok "pt-zoo: 64 KiB folios (mTHP) seen ($(cover mthp) pages), as kpageflags says"
		else ko "pt-zoo: no mTHP page seen although hugepages-64kB is enabled"; fi
	fi
	if ptregion guard || ptregion guard_file; then
		if [ "$(cover guard)" -gt 0 ]; then ok "pt-zoo: guard markers seen ($(cover guard) pages)"
		else ko "pt-zoo: no guard marker seen although MADV_GUARD_INSTALL succeeded"; fi
	fi
	if [ "$(cover zero_page)" -gt 0 ]; then ok "pt-zoo: zero-page leaves seen ($(cover zero_page) pages), as kpageflags says"
	else ko "pt-zoo: no zero-page leaf seen (the zero exhibit reads anonymous memory)"; fi
	# the huge zero folio: a read fault in a MADV_HUGEPAGE PMD range
	THPON=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	THPZERO=$(cat /sys/kernel/mm/transparent_hugepage/use_zero_page 2>/dev/null)
	if ptregion huge_zero && [ "$THPZERO" = 1 ] && [ -n "$THPON" ] &&
		[ "${THPON#*\[never\]}" = "$THPON" ]; then
		if [ "$(cover huge_zero)" -gt 0 ]; then ok "pt-zoo: the huge zero folio seen in a PMD ($(cover huge_zero) pages)"
		else ko "pt-zoo: no huge zero PMD seen although THP and use_zero_page are on"; fi
	fi
	# userfaultfd read-write protection (7.3): protected and accessed pages
	if ptregion uffd_rwp; then
		if [ "$(cover uffd_rwp)" -gt 0 ] && [ "$(cover rwp_accessed)" -gt 0 ]; then
			ok "pt-zoo: uffd-rwp pages seen ($(cover uffd_rwp) protected, $(cover rwp_accessed) accessed)"
		else ko "pt-zoo: uffd_rwp: $(cover uffd_rwp) protected, $(cover rwp_accessed) accessed pages seen"; fi
	elif [ "$(cover uffd_rwp)" -gt 0 ]; then
		ko "pt-zoo: uffd-rwp pages without an RWP registration"
	fi
	# x86 6.6+ keeps a write-protected PTE's dirty bit as SavedDirty
	# (cow_dirty, and clear_refs write-protects every written page)
	kmaj=$(uname -r | cut -d. -f1) kmin=$(uname -r | cut -d. -f2)
	if [ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 6 ]; }; then
		if [ "$(cover saved_dirty)" -gt 0 ]; then ok "pt-zoo: saved-dirty PTEs seen ($(cover saved_dirty))"
		else ko "pt-zoo: no saved-dirty PTE seen on a 6.6+ kernel (cow_dirty, clear_refs)"; fi
	elif [ "$(cover saved_dirty)" -gt 0 ]; then
		ko "pt-zoo: saved-dirty PTEs on a kernel before 6.6"
	else
		ok "pt-zoo: no saved-dirty PTE before 6.6"
	fi
	# its VMAs (guard: VmFlags gu on 6.19+; uffd: uw) vs maps and smaps
	suite pt-zoo-maps "$T/vmi-check-maps" "$PTZOO"
	# cursor resumption after every run, ranges starting inside huge pages
	suite pt-zoo-batch1 "$T/vmi-check-pages" --per-process --batch 1 "$PTZOO"
	suite pt-zoo-chunk3 "$T/vmi-check-pages" --per-process --chunk 3 --batch 7 "$PTZOO"
	suite pt-zoo-no-frame-bits "$T/vmi-check-pages" --no-frame-bits "$PTZOO"
	if [ -d /sys/kernel/debug/vmainspect ]; then
		suite pt-debugfs "$T/vmi-check-pages" --debugfs "$PTZOO"
		# the mTHP exhibit's folios show as " folio=64kB" there
		if ptregion mthp && [ -n "$MTHP_WAS" ]; then
			if grep -q ' [1-9][0-9]* folio= suffixes' "$OUT/out"; then ok "pt-debugfs: folio= suffixes seen and checked"
			else ko "pt-debugfs: no folio= suffix although the zoo has 64 KiB folios"; fi
		fi
	fi
	mutate_selftest "pt-check self-test" "$T/vmi-check-pages" --mutate "$PTZOO"
else
	ko "pt-zoo: did not become ready: $(head -c 300 "$OUT/ptzoo")"
fi
[ -n "$BASH" ] && suite pt-bash "$T/vmi-check-pages" --per-process "$BASH"
[ -n "$TAIL" ] && suite pt-tail "$T/vmi-check-pages" --per-process "$TAIL"
suite pt-busybox-sleep "$T/vmi-check-pages" --per-process "$BBSLEEP"
suite pt-init "$T/vmi-check-pages" --per-process 1
suite pt-all "$T/vmi-check-pages" --all-pids
[ -z "$MTHP_WAS" ] || echo "$MTHP_WAS" >"$MTHP"

# ---- a live target: answers stay consistent, the kernel stays quiet ----
"$T/vmi-zoo" --churn --nvmas 64 >"$OUT/churn" 2>&1 &
CHURN=$!
PIDS="$PIDS $CHURN"
i=0
while ! grep -q '^READY' "$OUT/churn" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
suite churn "$T/vmi-check-maps" --consistency 30 "$CHURN"
# page-table walks and paths on the changing target: only invariants, and a quiet kernel
suite pt-churn "$T/vmi-check-pages" --stress 15 "$CHURN"
kill "$CHURN" 2>/dev/null

# ---- physical frames and their owners ----
suite frames "$T/vmi-check-frames"
suite frames-all "$T/vmi-check-frames" --all-pids
A=$(region anon_private)
if [ -n "$A" ]; then
	cli "page PID ADDR (json)" 0 '"mapping_kind": ?"anon"' vmainspect --json page "$ZOO" "$A"
	cli "rmap PID ADDR (json)" 0 "\"pid\": ?$ZOO" vmainspect --json rmap "$ZOO" "$A"
fi
cli "rmap --all self" 0 '1 process \(private\)' vmainspect rmap --all self
cli "page: PFN beyond RAM" 1 'not a frame of online RAM' vmainspect page --pfn 0xfffffffffff
cli "usage: page without argument" 2 '' vmainspect page
# ---- issue 13 items 6, 7, 9: command forms, processes without memory, ----
# ---- and where a page is (swap, the zero page, hugetlb VMAs)          ----
# Each oracle is the kernel's own: /proc/PID/stat, /proc/PID/pagemap,
# /proc/kpageflags and /proc/PID/smaps, read at test time.
# u64at FILE INDEX: 64-bit word INDEX of FILE (pagemap, kpageflags), as 0x...
u64at() { printf '0x%s' "$(dd if="$1" bs=8 skip="$2" count=1 2>/dev/null | od -An -tx8 | tr -d ' \n')"; }
# ptaddr NAME: first address of pt-zoo's region NAME
ptaddr() { awk -v n="$1" '$1 == "REGION" && $2 == n { print $3 }' "$OUT/ptzoo"; }
# (6) a frame number only with --pfn: a lone number is a usage error that
# names both forms (it used to be taken as a PFN)
cli "forms: page N is a usage error naming both forms" 2 'page --pfn 0x9a.*page PID 0x9a' vmainspect page 0x9a
cli "forms: rmap N is a usage error naming both forms" 2 'rmap --pfn 0x9a.*rmap PID 0x9a' vmainspect rmap 0x9a
cli "forms: debugfs page N names --pfn" 2 'debugfs --pfn 0x9a' vmainspect debugfs page 0x9a
cli "forms: --pfn and PID ADDR together" 2 'no other argument' vmainspect page --pfn 0x9a "$ZOO" 0x1000
cli "forms: rmap --all with --pfn" 2 'give one' vmainspect rmap --all --pfn 0x9a "$ZOO"
cli "forms: --pfn is only for frames" 2 "'--pfn' is not valid for maps" vmainspect maps --pfn 0x9a "$ZOO"
cli "forms: --pfn without a number" 2 'needs a frame number' vmainspect page --pfn
cli "forms: page N (json error)" 2 '^\{"error":"[^"]*--pfn[^"]*","errno":null\}$' vmainspect --json page 0x9a
# --pfn names the frame pagemap gives for the zoo's anonymous page, and
# page/rmap --pfn see that frame (flags as /proc/kpageflags says)
A=$(region anon_private)
PMW=$(u64at "/proc/$ZOO/pagemap" $((A / 4096)))
if [ -n "$A" ] && [ $(((PMW >> 63) & 1)) -eq 1 ]; then
	PFN=$(printf '0x%x' $((PMW & 0x7fffffffffffff)))
	KPF=$(u64at /proc/kpageflags $((PFN)))
	if [ $(((KPF >> 12) & 1)) -eq 1 ]; then kre=' anonymous'; else kre='^flags:'; fi
	cli "forms: page --pfn of pagemap's frame" 0 "^pfn: +$PFN .*" vmainspect page --pfn "$PFN"
	if grep -Eq "$kre" "$OUT/cli"; then ok "cli: forms: page --pfn: kpageflags' anonymous bit"
	else ko "cli: forms: page --pfn: kpageflags' anonymous bit" "kpageflags $KPF, want /$kre/"; fi
	cli "forms: rmap --pfn of pagemap's frame names the zoo" 0 "\"pid\":$ZOO" vmainspect --json rmap --pfn "$PFN"
	if [ -d /sys/kernel/debug/vmainspect ]; then
		cli "forms: debugfs --pfn" 0 "frames/$PFN/page" vmainspect debugfs --pfn "$PFN"
		if [ -r "/sys/kernel/debug/vmainspect/frames/$PFN/page" ]; then ok "cli: forms: debugfs --pfn: the directory exists"
		else ko "cli: forms: debugfs --pfn: the directory exists" "no /sys/kernel/debug/vmainspect/frames/$PFN/page"; fi
	fi
else
	ko "cli: forms: pagemap has no present page at the zoo's anon_private ($A: $PMW)"
fi
# (7) a kernel thread (pid 2, kthreadd), a zombie (a child of a process
# that never reaps: sh forks it, then execs sleep), a pid that does not
# exist: every command that takes a PID says what the process is, as
# /proc/PID/stat says it, in text and JSON (errno ESRCH kept), and never
# the internal word "attach" (cli() sets name, want, pat and rc: not used here)
sh -c 'true & echo $! >/tmp/vmi-zombie; exec sleep 120' </dev/null >/dev/null 2>&1 &
ZPARENT=$!
PIDS="$PIDS $ZPARENT"
i=0
while [ $i -lt 50 ]; do
	ZP=$(cat /tmp/vmi-zombie 2>/dev/null)
	[ -n "$ZP" ] && [ "$(sed 's/.*) //' "/proc/$ZP/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] && break
	sleep 0.1
	i=$((i + 1))
done
NOPID=999999
while [ -e "/proc/$NOPID" ]; do NOPID=$((NOPID - 1)); done
# pidstate PID: what /proc/PID/stat says, in the words the tool must use
pidstate() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 'no such process'; return; }
	# shellcheck disable=SC2086
	set -- $st
	if [ "$1" = Z ] || [ "$1" = X ]; then echo 'is a zombie: .*memory is gone'
	elif [ $(($7 & 0x200000)) -ne 0 ]; then echo 'is a kernel thread: .*no user address space'
	else echo "alive ($1)"; fi
}
for np in 2 "$ZP" "$NOPID"; do
	sre=$(pidstate "$np")
	case $sre in alive*) ko "cli: no-mm: pid $np is $sre by /proc/$np/stat, not what the test needs"; continue ;; esac
	for c in maps layout find pt pages page rmap debugfs; do
		case $c in find | pt | page | rmap) a2=0x400000 ;; *) a2= ;; esac
		# shellcheck disable=SC2086
		vmainspect "$c" "$np" $a2 >"$OUT/nm" 2>&1
		trc=$?
		# shellcheck disable=SC2086
		vmainspect --json "$c" "$np" $a2 >"$OUT/nmj" 2>/dev/null
		jrc=$?
		d="no-mm: $c pid $np (/proc: $sre)"
		if [ "$trc" -ne 1 ] || [ "$jrc" -ne 1 ]; then
			ko "cli: $d" "exit $trc, with --json $jrc: $(head -c 300 "$OUT/nm" | tr '\n' ' ')"
		elif ! grep -Eq "pid $np( \(.*\))?:? $sre" "$OUT/nm"; then
			ko "cli: $d" "text: $(head -c 300 "$OUT/nm" | tr '\n' ' ')"
		elif ! grep -Eq "pid $np( \(.*\))?:? $sre.*\"errno\":3\}" "$OUT/nmj"; then
			ko "cli: $d" "json: $(head -c 300 "$OUT/nmj" | tr '\n' ' ')"
		elif grep -qi attach "$OUT/nm" "$OUT/nmj"; then
			ko "cli: $d" "says 'attach': $(head -c 300 "$OUT/nm" | tr '\n' ' ')"
		else
			ok "cli: $d"
		fi
	done
done
kill "$ZPARENT" 2>/dev/null
# (9) page and rmap of a swapped-out address say where it went, as
# pagemap's swap type and offset say
SW=$(ptaddr swap)
if [ -n "$SW" ]; then
	PMW=$(u64at "/proc/$PTZOO/pagemap" $((SW / 4096)))
	if [ $(((PMW >> 62) & 1)) -eq 1 ]; then
		swre="swapped out to swap:$((PMW & 0x1f)):$(printf '0x%x' $(((PMW >> 5) & 0x3ffffffffffff)))"
		cli "swap: page PID ADDR says where (pagemap: $swre)" 1 "$swre" vmainspect page "$PTZOO" "$SW"
		cli "swap: rmap PID ADDR says where" 1 "$swre" vmainspect rmap "$PTZOO" "$SW"
		cli "swap: page PID ADDR (json error, errno ENOENT)" 1 "\"error\":\".*$swre.*\",\"errno\":2\}" vmainspect --json page "$PTZOO" "$SW"
	else
		diag "swap: pt-zoo's first swap page $SW is not swapped now (pagemap $PMW): not checked"
	fi
else
	diag "swap: pt-zoo has no swap region: page/rmap of a swapped address not checked"
fi
# rmap of the zero page (kpageflags ZERO_PAGE, bit 24, of pagemap's frame
# of a read-only anonymous page) calls it so; a page that is not, does not
ZA=$(ptaddr zero)
if [ -n "$ZA" ]; then
	PMW=$(u64at "/proc/$PTZOO/pagemap" $((ZA / 4096)))
	ZPFN=$(printf '0x%x' $((PMW & 0x7fffffffffffff)))
	KPF=$(u64at /proc/kpageflags $((ZPFN)))
	if [ $(((PMW >> 63) & 1)) -eq 1 ] && [ $(((KPF >> 24) & 1)) -eq 1 ]; then
		cli "zero page: rmap PID ADDR names it (kpageflags of $ZPFN: zero_page)" 0 "^pfn $ZPFN: the zero page" vmainspect rmap "$PTZOO" "$ZA"
		cli "zero page: rmap --pfn (json)" 0 '"zero_page":true' vmainspect --json rmap --pfn "$ZPFN"
	else
		diag "zero page: pagemap $PMW, kpageflags $KPF at $ZA: not the zero page now, not checked"
	fi
	if [ -n "$PFN" ] && [ $(((KPF >> 24) & 1)) -eq 1 ] && [ "$PFN" != "$ZPFN" ]; then
		cli "zero page: an anonymous page is not called so" 0 '"zero_page":false' vmainspect --json rmap --pfn "$PFN"
	fi
fi
# a hugetlb VMA's kind is hugetlb (smaps VmFlags "ht"), in maps and find
HA=$(ptaddr hugetlb)
if [ -n "$HA" ]; then
	VMF=$(awk -v s="${HA#0x}-" 'index($1, s) == 1 { f = 1 } f && $1 == "VmFlags:" { print; exit }' "/proc/$PTZOO/smaps")
	case " $VMF " in
	*" ht "*)
		cli "hugetlb: find says kind hugetlb (smaps: $VMF)" 0 '"kind":"hugetlb"' vmainspect --json find "$PTZOO" "$HA"
		cli "hugetlb: maps says hugetlb" 0 '^ +[0-9.]+ [KMG]iB hugetlb ' vmainspect maps "$PTZOO" ;;
	*) ko "cli: hugetlb: smaps VmFlags of $HA lack ht: $VMF" ;;
	esac
else
	diag "hugetlb: pt-zoo has no hugetlb region: kind hugetlb not checked"
fi
# pages: the frame flags, and --tables-only without them
cli "pages: frame flags (exclusive) shown" 0 ' exclusive' vmainspect pages "$ZOO"
cli "pages --tables-only: says so" 0 '^# --tables-only' vmainspect pages --tables-only "$ZOO"
if grep -Eq ' (exclusive|file)( |$)' "$OUT/cli"; then
	ko "cli: pages --tables-only: prints file/exclusive flags"
else
	ok "cli: pages --tables-only: no file/exclusive flags"
fi
cli "pages --tables-only (json)" 0 '"tables_only": ?true' vmainspect --json pages --tables-only "$ZOO"
cli "usage: --tables-only is for pages" 2 'tables-only' vmainspect maps --tables-only "$ZOO"

# ---- find/pt on file addresses: offset, section, symbol vs dladdr, maps ----
suite elfsym "$T/vmi-elfsym"

# ---- the raw ioctl ABI ----
suite abi "$T/vmi-abi-test"

# ---- access rules as uid 1000 and 1001 ----
# Unprivileged users must be able to reach /root at all.
if [ "$(stat -c %a /)" = 700 ]; then
	ko "env: / is mode 700 in the VM, uid 1000 cannot run anything (vm-run/initramfs); chmod 755 / to go on"
	chmod 755 /
fi
if command -v runas >/dev/null; then
	runas 1001 "$T/vmi-access-test" --sleeper </dev/null >/dev/null 2>&1 &
	S1001=$!
	runas 1000 "$T/vmi-access-test" --sleeper </dev/null >/dev/null 2>&1 &
	S1000=$!
	PIDS="$PIDS $S1001 $S1000"
	wait_exec "$S1001" "$T/vmi-access-test"
	wait_exec "$S1000" "$T/vmi-access-test"
	suite access-uid1000 runas 1000 "$T/vmi-access-test" --other "$S1001"
	suite access-uid1001 runas 1001 "$T/vmi-access-test" --other "$S1000"

	# page tables as uid 1000, on its own process: frames hidden like pagemap's
	runas 1000 "$T/vmi-pt-zoo" >"$OUT/ptzoo1000" 2>&1 &
	PTZ1000=$!
	PIDS="$PIDS $PTZ1000"
	if ptzoo_wait "$OUT/ptzoo1000"; then
		suite pt-zoo-uid1000 runas 1000 "$T/vmi-check-pages" "$PTZ1000"
		suite pt-zoo-uid1000-batch1 runas 1000 "$T/vmi-check-pages" --per-process --batch 1 --chunk 5 "$PTZ1000"
		mutate_selftest "pt-check self-test (uid 1000)" runas 1000 "$T/vmi-check-pages" --mutate "$PTZ1000"
		suite frames-uid1000 runas 1000 "$T/vmi-check-frames" --unpriv
		# file offset, section, symbol through /proc/PID/root (no map_files)
		suite elfsym-uid1000 runas 1000 "$T/vmi-elfsym"
		cli "page as uid 1000: refused with the reason" 1 'CAP_SYS_ADMIN' runas 1000 vmainspect page --pfn 0x100
		cli "rmap as uid 1000: refused with the reason" 1 'CAP_SYS_ADMIN' runas 1000 vmainspect rmap "$PTZ1000" 0x1000
	else
		ko "pt-zoo-uid1000: did not become ready: $(head -c 300 "$OUT/ptzoo1000")"
	fi
else
	diag "no runas helper: the access test drops privileges itself"
	suite access-uid1000 "$T/vmi-access-test" --drop 1000 --other-uid 1001
	suite access-uid1001 "$T/vmi-access-test" --drop 1001 --other-uid 1000
fi

klayout_section

# ---- the CLI ----
A=$(region anon_private)
[ -n "$A" ] && cli "find anon region" 0 '"in_vma": ?true' vmainspect --json find "$ZOO" "$A"
A=$(region guard)
[ -n "$A" ] && cli "find PROT_NONE guard" 0 '"perms": ?"---p"' vmainspect find "$ZOO" "$A" --json
A=$(region file_newline)
[ -n "$A" ] && cli "find file with newline in its name (JSON escape)" 0 'vmi zoo\\nnewline' \
	vmainspect --json find "$ZOO" "$A"
A=$(region file_shared)
[ -n "$A" ] && cli "find shared file mapping" 0 '"perms": ?"rw-s"' vmainspect --json find "$ZOO" "$A"
A=$(region anon_named)
[ -n "$A" ] && cli "find PR_SET_VMA named region" 0 '\[anon:vmi-zoo named\]' vmainspect --json find "$ZOO" "$A"
A=$(region growsdown)
[ -n "$A" ] && cli "find MAP_GROWSDOWN region" 0 '"gd"' vmainspect --json find "$ZOO" "$A"
A=$(region memfd)
[ -n "$A" ] && cli "find memfd region" 0 'memfd:vmi-zoo-memfd' vmainspect --json find "$ZOO" "$A"
cli "find decimal address" 0 '"in_vma"' vmainspect --json find "$ZOO" 4096
cli "find above all VMAs" 0 '"in_vma": ?false' vmainspect --json find "$ZOO" 0x7ffffffff000
cli "maps self" 0 '' vmainspect maps self
cli "layout self (json)" 0 '"pgtable_levels"' vmainspect --json layout self
cli "find missing pid" 1 'vmainspect' vmainspect find 999999 0x1000
cli "layout missing pid" 1 'vmainspect' vmainspect layout 999999
cli "usage: no command" 2 '' vmainspect
cli "usage: find without address" 2 '' vmainspect find "$ZOO"

# ---- several processes per command: PID..., --pid, --comm ----
suite multi "$T/vmi-check-multi"

# ---- the JSON contract (issue 13, README "JSON") ----
# names of arbitrary bytes: strict UTF-8, decoded back to the kernel's names
suite json-names "$T/vmi-check-maps" --names 64
# every subcommand's document (and error objects): strict UTF-8, one line,
# no integer beyond 2^53 - 1, the hex rule; --pretty indented and equal
J="$OUT/json"
rm -rf "$J"
mkdir -p "$J"
jdoc() { n=$1; shift; vmainspect --json "$@" >"$J/$n" 2>/dev/null; }
jdoc2() { jdoc "$@"; n=$1; shift; vmainspect --pretty "$@" >"$J/$n.pretty" 2>/dev/null; }
AP=$(region anon_private)
FS=$(region file_shared)
KT=$(awk '$3 == "_text" { print "0x" $1; exit }' /proc/kallsyms)
jdoc2 version --version
jdoc2 maps maps "$ZOO"
jdoc2 find find "$ZOO" "$AP"
jdoc2 pt pt "$ZOO" "$AP"
jdoc2 kernel kernel
jdoc layout layout "$ZOO"
jdoc layout-full layout --full "$ZOO"
jdoc pages pages "$ZOO"
jdoc pages-all pages --all "$ZOO" "$AP"
jdoc pages-tables pages --tables-only "$ZOO"
jdoc page page "$ZOO" "$AP"
jdoc page-file page "$ZOO" "$FS"
jdoc rmap rmap "$ZOO" "$AP"
jdoc rmap-file rmap "$ZOO" "$FS"
jdoc rmap-all rmap --all "$ZOO"
jdoc kernel-text kernel "$KT"
jdoc kernel-user kernel "$AP"
jdoc debugfs-kernel debugfs kernel
jdoc debugfs-pid debugfs "$ZOO"
jdoc debugfs-page debugfs --pfn "$(sed -n 's/.*"pfn":\([0-9]*\),"phys_addr".*/\1/p' "$J/pt")"
jdoc maps-multi maps "$ZOO" 1
jdoc layout-multi layout --pid "$ZOO",999999
jdoc layout-full-multi layout --full "$ZOO" 1
jdoc pages-multi pages --pid "$ZOO" "$AP"
jdoc rmap-all-multi rmap --all 1 "$ZOO"
jdoc debugfs-multi debugfs "$ZOO" 1
jdoc2 err-nopid maps 999999
jdoc2 err-usage maps
jdoc err-addr find "$ZOO" 0xzz
jdoc err-option maps --bogus "$ZOO"
jdoc err-pfn page --pfn 0xfffffffffff
suite json "$T/vmi-check-json" "$J"/*
# each compact document to the host, where scripts/vm-tests.sh checks it
# against Documentation/json/ (one KTAP diagnostic line, which readers skip)
for f in "$J"/*; do
	case $f in *.pretty) continue ;; esac
	printf '# vmi-json %s %s\n' "${f##*/}" "$(tr -d '\n' <"$f")"
done
# compact by default, indented with -p (which implies --json)
nl1=$(vmainspect --json maps "$ZOO" | wc -l)
nlp=$(vmainspect -p maps "$ZOO" | wc -l)
if [ "$nl1" -eq 1 ] && [ "$nlp" -gt 1 ]; then ok "cli: --json is one line, -p indents ($nlp lines)"
else ko "cli: --json is one line, -p indents" "--json $nl1 lines, -p $nlp lines"; fi
# jerr NAME WANT ARGS...: exit WANT with and without --json; with it, an
# error object on stdout
jerr() {
	name=$1 want=$2
	shift 2
	vmainspect "$@" >/dev/null 2>&1
	trc=$?
	vmainspect --json "$@" >"$OUT/jerr" 2>/dev/null
	jrc=$?
	if [ "$trc" -ne "$want" ] || [ "$jrc" -ne "$trc" ]; then
		ko "cli: json error: $name" "exit $jrc with --json, $trc without, expected $want"
	elif ! grep -Eq '^\{"error":".+","errno":(null|[0-9]+)\}$' "$OUT/jerr"; then
		ko "cli: json error: $name" "stdout: $(head -c 300 "$OUT/jerr" | tr '\n' ' ')"
	else
		ok "cli: json error: $name"
	fi
}
jerr "no such process" 1 maps 999999
jerr "bad address" 2 find "$ZOO" 0xzz
jerr "usage: missing PID" 2 maps
jerr "usage: unknown command" 2 frobnicate
jerr "usage: invalid option" 2 maps --bogus "$ZOO"
jerr "PFN beyond RAM" 1 page --pfn 0xfffffffffff
cli "json error: errno of a missing process is ESRCH" 1 '"errno":3\}' vmainspect --json maps 999999
cli "json error: a usage error has errno null" 2 '"errno":null\}' vmainspect --json maps
cli "usage: bad address" 2 '' vmainspect find "$ZOO" 0xzz
cli "usage: unknown command" 2 '' vmainspect frobnicate 1
cli "--help" 0 'layout' vmainspect --help
cli "--version" 0 '' vmainspect --version
# the paging depth the kernel uses: 5 exactly when the CPU has la57
if grep -qw la57 /proc/cpuinfo; then LV=5; else LV=4; fi
cli "pgtable_levels = $LV (la57 cpu flag)" 0 "\"pgtable_levels\": ?$LV" vmainspect --json layout "$ZOO"

# ---- text views: 80 columns, one unit style, plurals (issue 13 items 12, 13) ----
# Every text view of the tool and of debugfs, on the zoo and on itself:
# no line over 80 columns but the lines that are /proc/PID/maps's own
# (found in /proc/PID/maps, the oracle of those lines); sizes only as
# "4 KiB" (no "4K", "4 kB", "1 TB", "4KiB"); "1 run", "2 runs".  -w lifts
# the width: its lines are not wrapped, and nothing is cut (a VMA's flag
# names at least as many as /proc/PID/smaps's VmFlags).
text_views() {
	tv=$OUT/tv
	A=$(awk '$2 ~ /x/ && /vmi-zoo/ { split($1, r, "-"); print "0x" r[1]; exit }' "/proc/$ZOO/maps")
	PFN=$(vmainspect --json pt "$ZOO" "$A" | sed -n 's/.*"pfn": *\([0-9][0-9]*\).*/\1/p')
	KT=$(awk '$3 == "_text" { print "0x" $1; exit }' /proc/kallsyms)
	vmainspect debugfs "$ZOO" >/dev/null 2>&1
	[ -n "$PFN" ] && vmainspect debugfs --pfn "$PFN" >/dev/null 2>&1
	DF=/sys/kernel/debug/vmainspect
	PFNX=$(printf '0x%x' "${PFN:-0}")
	for v in "layout $ZOO" "layout --full $ZOO" "layout self" "maps $ZOO" \
		"find $ZOO $A" "pt $ZOO $A" "pages $ZOO" "pages --all $ZOO" \
		"page $ZOO $A" "rmap $ZOO $A" "rmap --all $ZOO" "kernel" \
		"kernel $KT" "cat $DF/$ZOO/layout" "cat $DF/$ZOO/maps" \
		"cat $DF/$ZOO/pagetables" "cat $DF/kernel_layout" \
		"cat $DF/frames/$PFNX/page" "cat $DF/frames/$PFNX/rmap"; do
		case $v in
		cat*) $v >"$tv" 2>&1 ;;
		*) vmainspect $v >"$tv" 2>&1 ;;
		esac
		[ -s "$tv" ] || { ko "text: $v: no output"; continue; }
		# the lines of /proc/PID/maps may be as long as they are
		cat "/proc/$ZOO/maps" /proc/self/maps >"$tv.maps" 2>/dev/null
		w=$(awk 'NR == FNR { m[$0] = 1; next }
			length($0) > 80 && !($0 in m) { n++; if (!l) l = $0 }
			END { if (n) print n " line(s), e.g. " l }' "$tv.maps" "$tv")
		if [ -z "$w" ]; then ok "text: $v: every line fits in 80 columns"
		else ko "text: $v: over 80 columns: $w"; fi
		u=$(grep -E '[0-9][KMGTPE]([^A-Za-z0-9]|$)|[0-9] ?[kKMGTPE]B([^A-Za-z]|$)|[0-9](KiB|MiB|GiB|TiB|PiB|EiB)' "$tv" | head -1)
		if [ -z "$u" ]; then ok "text: $v: sizes only as \"4 KiB\""
		else ko "text: $v: another unit style: $u"; fi
		# a count is a number after a blank, "(" or ","; not hex like 0x2b80
		p=$(grep -E '(^|[ (,])1 (runs|owners|pages|VMAs|processes|calls|bytes|frames|entries)([^A-Za-z_]|$)|(^|[ (,])([02-9]|[1-9][0-9]+) (run|owner|page|VMA|call|byte|frame|entry)([^A-Za-z_-]|$)' "$tv" | head -1)
		if [ -z "$p" ]; then ok "text: $v: plurals agree with their numbers"
		else ko "text: $v: plural: $p"; fi
	done
	# -w: no line is wrapped, and a long one stays long
	vmainspect -w pages "$ZOO" >"$tv" 2>&1
	if grep -q '^                                  [a-z]' "$tv"; then
		ko "text: -w pages: a run is wrapped: $(grep -m1 '^   ' "$tv")"
	elif ! awk 'length($0) > 80 { f = 1 } END { exit !f }' "$tv"; then
		ko "text: -w pages: no line over 80 columns: $(head -c 200 "$tv")"
	else
		ok "text: -w pages: runs on one line each, some over 80 columns"
	fi
	vmainspect -w maps "$ZOO" >"$tv" 2>&1
	r=$(awk 'FNR == 1 { file++ }
		file == 1 && /^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); s = a[1]; next }
		file == 1 && /^VmFlags:/ { want[s] = NF - 1; next }
		file == 2 && /^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); s = a[1]; lines = 0; next }
		file == 2 && /^    flags:/ { got[s] = NF - 1; next }
		file == 2 && /^      / { wrapped++ }
		END {
			for (s in got) { n++; if (got[s] < want[s]) { bad++; e = s } }
			if (wrapped || bad || !n) print n " VMAs, " wrapped " wrapped lines, " bad " with fewer flags than VmFlags, e.g. " e
		}' "/proc/$ZOO/smaps" "$tv")
	if [ -z "$r" ]; then ok "text: -w maps: each VMA's flags on one line, as many as smaps VmFlags"
	else ko "text: -w maps: $r"; fi
}
text_views

# ---- layout: its fields and its VMAs read at one moment (issue 13 item 9) ----
# In layout's text "[heap]" is named only as the heap band's own title: a
# heap band left empty while a band above it holds [heap] means brk and the
# VMAs were read at different moments.  layout self (the tool's own
# allocations grow its heap), then a zoo whose brk only grows: each layout
# between two reads of /proc/PID/maps, whose [heap] ends bracket the end
# of the heap layout says (brk rounded up to a page), its start start_brk.
heap_mixed() { grep '\[heap\]' "$1" | grep -qv '| heap \[heap\]'; }
layout_snapshot() {
	n=0 bad=
	for i in 1 2 3 4 5 6 7 8; do
		vmainspect layout self >"$OUT/ls" 2>&1 || bad="exit $?"
		heap_mixed "$OUT/ls" && bad="$(grep '\[heap\]' "$OUT/ls" | tr -s ' ' | head -3 | tr '\n' ' ')"
		n=$((n + 1))
		[ -n "$bad" ] && break
	done
	if [ -z "$bad" ]; then ok "layout self: $n runs, [heap] only in the heap band"
	else ko "layout self: run $n: [heap] outside an empty heap band: $bad"; fi
	"$T/vmi-zoo" --brk-grow --nvmas 2 >"$OUT/bz" 2>&1 &
	BZ=$!
	PIDS="$PIDS $BZ"
	i=0
	while ! grep -q '^READY' "$OUT/bz" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	# heap_range MAPS: START-END of the [heap] VMAs (first start, last
	# end: the heap may be more than one VMA), or nothing
	heap_range() {
		awk '/\[heap\]/ { split($1, r, "-"); if (s == "") s = r[1]; e = r[2] }
			END { if (s != "") print s "-" e }' "$1"
	}
	# hexish WORD: hex digits, 0x, '-' only, and a digit (safe in $((...)))
	hexish() {
		case $1 in *[!0-9a-fx-]* | "") return 1 ;; esac
		case $1 in *[0-9a-f]*) return 0 ;; esac
		return 1
	}
	n=0 bad=
	for i in $(seq 1 40); do
		h0=$(heap_range "/proc/$BZ/maps")
		vmainspect layout "$BZ" >"$OUT/lb" 2>&1 || { bad="exit $?"; break; }
		h1=$(heap_range "/proc/$BZ/maps")
		sb=$(awk '$1 == "start_brk" { print $2; exit }' "$OUT/lb")
		b=$(awk '$1 == "brk" { print $2; exit }' "$OUT/lb")
		# checked before any $((...)): a bad number would end the script
		if ! hexish "$h0" || ! hexish "$h1" || ! hexish "$sb" || ! hexish "$b"; then
			bad="maps [heap] '$h0' then '$h1', layout start_brk '$sb' brk '$b'"
			break
		fi
		e=$(( (b + 4095) / 4096 * 4096 ))
		if heap_mixed "$OUT/lb"; then bad="[heap] outside the heap band"; break; fi
		if [ $((0x${h0%-*})) -ne $((sb)) ] || [ $((0x${h0#*-})) -gt $e ] ||
			[ $e -gt $((0x${h1#*-})) ]; then
			bad="maps [heap] $h0 then $h1, layout start_brk $sb brk $b"
			break
		fi
		n=$((n + 1))
	done
	kill "$BZ" 2>/dev/null
	if [ -z "$bad" ]; then ok "layout of a growing heap: $n runs, brk between the [heap] ends before and after"
	else ko "layout of a growing heap: run $((n + 1)): $bad"; fi
}
layout_snapshot

# ---- the learner's demo runs through ----
if [ -x "$T/vmi-demo" ]; then
	cli "demo runs to the end" 0 'Step 5' "$T/vmi-demo"
fi

# ---- debugfs views ----
if [ -d /sys/kernel/debug/vmainspect ]; then
	suite debugfs "$T/vmi-check-maps" --debugfs --debugfs-pid "$ZOO"
else
	diag "/sys/kernel/debug/vmainspect absent: debugfs checks skipped"
fi

# ---- trust: the adversarial suites of issue 10 ----
# pt-zoo is done: its memory (in the la57 runs the VM's only 1 GiB huge
# page, which the regression test poisons) goes back to the kernel
kill "$PTZOO" 2>/dev/null
wait "$PTZOO" 2>/dev/null
adversarial_section

# ---- the zoo is still intact at the end (nothing we did changed it) ----
if kill -0 "$ZOO" 2>/dev/null; then ok "zoo: still alive"; else ko "zoo: died"; fi

cleanup
trap - EXIT
rm -rf "$OUT"
totals
[ "$FAILS" -eq 0 ]
