#!/usr/bin/env bash
# Run the VM integration suite (userspace/tests/in-vm.sh) on stock kernels.
#
# Usage: scripts/vm-tests.sh [--kernel SHORT]... [--la57] [--kvm] [--timeout SEC]
#                            [--klayout-only | --no-klayout-runs]
#                            [--klayout-timeout SEC] [-v]
#
#   --kernel LABEL   a kernel of scripts/kernels.list (5.10, 6.1, 6.12,
#                    6.12-trixie, 7.3), with -la57 for a 5-level-paging guest
#                    (6.1-la57); repeatable.  Default: every kernel the list
#                    marks for make check, and the -la57 of 6.1, 6.12 and
#                    7.3 among them.
#                    A -nokaslr suffix (6.1-nokaslr, 6.1-la57-nokaslr)
#                    boots with nokaslr.
#   --la57           boot every given kernel on a 5-level-paging guest
#   --kvm            passed to vm-run.sh (KVM instead of TCG)
#   --timeout SEC    per VM (default 900)
#   --klayout-only   only the short kernel-layout runs (below)
#   --matrix-only    only the access-matrix runs (below)
#   --no-klayout-runs  only the full runs
#   --klayout-timeout SEC  per short run (default 240)
#   -v               also show the suite's info lines and vm-run.sh progress
#
# After the full runs comes one short VM run per kernel of the access
# matrix (`sh /root/in-vm.sh matrix`: vmi-access-matrix, 36 knob
# settings x 301 cells, each against the kernel's own answer), then short
# VM runs of the kernel-layout section only
# (`sh /root/in-vm.sh klayout`, which ends by checking lockdown) for the
# paging/KASLR combinations the full runs do not cover: 5.10-nokaslr,
# 6.1-nokaslr, 6.12-nokaslr, 5.10-la57, 5.10-la57-nokaslr,
# 6.1-la57-nokaslr, 6.12-la57-nokaslr, 7.3-nokaslr, 7.3-la57-nokaslr (with
# --kernel: those of the given kernels).  5.10 has no 5-level paging (no CONFIG_X86_5LEVEL): on
# a la57 CPU it runs 4-level, and the checks expect that.
#
# The suite's output is KTAP (userspace/tests/ktap.sh reads it): each of
# its checks is printed as a line with the kernel in front (`PASS [6.12]
# zoo: ...`, `FAIL [6.1-la57-nokaslr] klayout: ...: reason`).  A VM that
# does not boot, times out, splats or ends without the suite's totals line
# is a FAIL line for that kernel.  Then the oracle of the reading: the same
# output through the kernel's own KTAP parser (`kunit.py parse`, of the
# newest linux-source tree under $VMI_CACHE/src that scripts/kunit.sh
# unpacked) must give the same counts as ktap.sh and no error, one check
# per VM run (`PASS [6.12] ktap: ...`; without a tree a SKIP line).  Ends
# with the total "N passed, N failed"; exit status 1 on any failure.
# Logs: $VMI_CACHE/vm-tests/<label>.{out,err} (vm-tests-$VMI_BUILD_TAG/ with
# VMI_BUILD_TAG set, as for the module build).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
VMI_CACHE=${VMI_CACHE:-/var/cache/vmainspect}
# shellcheck source=userspace/tests/ktap.sh
. "$top/userspace/tests/ktap.sh"

kernels=()
la57=0
verbose=0
timeout=900
ktimeout=240
full_runs=1
klayout_runs=1
matrix_runs=1
extra=()
while (($#)); do
	case $1 in
	--kernel) kernels+=("${2:?--kernel needs a value}"); shift 2 ;;
	--la57) la57=1; shift ;;
	--kvm) extra+=(--kvm); shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--klayout-only) full_runs=0; klayout_runs=1; matrix_runs=0; shift ;;
	--no-klayout-runs) klayout_runs=0; matrix_runs=0; shift ;;
	--matrix-only) full_runs=0; klayout_runs=0; matrix_runs=1; shift ;;
	--klayout-timeout) ktimeout=${2:?}; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) echo "vm-tests.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
# The kernels of scripts/kernels.list; a label is one of them with
# optional -la57 and -nokaslr suffixes (6.12-trixie-la57-nokaslr).
mapfile -t known < <("$here/kernels.sh" list)
mapfile -t checked < <("$here/kernels.sh" list --check)
label_short() { # LABEL: its kernel, the longest name of the list it starts with
	local s best=
	for s in "${known[@]}"; do
		if [[ $1 == "$s" || $1 == "$s"-* ]] && ((${#s} > ${#best})); then best=$s; fi
	done
	echo "$best"
}
klayout_all=(5.10-nokaslr 6.1-nokaslr 6.12-nokaslr 5.10-la57 5.10-la57-nokaslr
	6.1-la57-nokaslr 6.12-la57-nokaslr 7.3-nokaslr 7.3-la57-nokaslr)
klayout_labels=()
if ((${#kernels[@]})); then
	for l in "${klayout_all[@]}"; do
		for k in "${kernels[@]}"; do
			if [[ $(label_short "$l") == "$(label_short "$k")" ]]; then
				klayout_labels+=("$l")
				break
			fi
		done
	done
else
	# every kernel the list marks for make check, and the 5-level
	# guests of 6.1, 6.12 and 7.3 (those of them it marks)
	kernels=("${checked[@]}")
	for k in 6.1 6.12 7.3; do
		[[ " ${checked[*]} " == *" $k "* ]] && kernels+=("$k-la57")
	done
	for l in "${klayout_all[@]}"; do
		[[ " ${checked[*]} " == *" $(label_short "$l") "* ]] && klayout_labels+=("$l")
	done
fi
for k in "${kernels[@]}"; do
	s=$(label_short "$k")
	[[ -n $s && ${k#"$s"} =~ ^(-la57)?(-nokaslr)?$ ]] ||
		{ echo "vm-tests.sh: --kernel $k: expected one of ${known[*]}, with -la57 and/or -nokaslr" >&2; exit 2; }
done
((verbose)) && extra+=(-v)

logdir=$VMI_CACHE/vm-tests${VMI_BUILD_TAG:+-$VMI_BUILD_TAG}
mkdir -p "$logdir" || { echo "vm-tests.sh: cannot create $logdir" >&2; exit 2; }

passes=0
fails=0
ok() { echo "PASS $*"; passes=$((passes + 1)); }
ko() { echo "FAIL $*"; fails=$((fails + 1)); }

# Build the test programs (and the tool, if its Makefile is there).
if [[ -f $top/userspace/Makefile ]]; then
	build=(make -s -C "$top/userspace")
else
	build=(make -s -C "$top/userspace/tests")
fi
if ! blog=$("${build[@]}" 2>&1) ||
   ! blog2=$(make -s -C "$top/userspace/tests" 2>&1 && make -s -C "$top/userspace/demo" 2>&1); then
	ko "vm-tests: build of the test programs failed: ${blog:-} ${blog2:-}"
	echo "$passes passed, $fails failed"
	exit 1
fi

# every test program (userspace/tests/Makefile's PROGS), and the suite
# with its KTAP reader
adds=()
read -ra progs < <(make -s --no-print-directory -C "$top/userspace/tests" print-progs)
for f in "${progs[@]}" in-vm.sh ktap.sh; do
	adds+=(--add "$top/userspace/tests/$f")
done
adds+=(--add "$top/userspace/demo/vmi-demo")
for f in /bin/bash /usr/bin/tail; do
	[[ -x $f ]] && adds+=(--add "$f")
done

# the short runs need only the checker and the suite
suite_adds=(--add "$top/userspace/tests/in-vm.sh" --add "$top/userspace/tests/ktap.sh")
kadds=(--add "$top/userspace/tests/vmi-check-klayout" --add "$top/userspace/tests/vmi-check-kaddr" --add "$top/userspace/tests/vmi-check-frames" "${suite_adds[@]}")
madds=(--add "$top/userspace/tests/vmi-access-matrix" "${suite_adds[@]}")

# The oracle of ktap.sh: the kernel's KTAP parser, of the newest
# linux-source tree scripts/kunit.sh unpacked ("" if none).
kunit_py=
while IFS= read -r d; do
	[[ -f ${d%/}/tools/testing/kunit/kunit.py ]] && kunit_py=${d%/}/tools/testing/kunit/kunit.py
done < <(printf '%s\n' "$VMI_CACHE"/src/linux-source-*/ | sort -V)

# ktap_oracle LABEL FILE: FILE (a guest's output) through kunit.py parse:
# its counts must be those ktap_read just left in KTAP_* (and the guest's
# own totals line), with no parse error.  One check.  Without kunit.py,
# still one: ktap.sh's own counts against the guest's totals, and no
# result numbered out of order.
ktap_oracle() {
	local label=$1 file=$2 res sum n kp=0 kf=0 kc=0 ks=0 ke=0 want
	want="# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
	if [[ -n $KTAP_TOTALS ]] && { [[ $KTAP_TOTALS != "$want" ]] || ((KTAP_ERRORS)); }; then
		ko "[$label] ktap: ktap.sh counted $KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped with $KTAP_ERRORS numbering errors; the guest's totals: $KTAP_TOTALS"
		return
	fi
	if [[ -z $kunit_py ]]; then
		echo "SKIP [$label] ktap: no $VMI_CACHE/src/linux-source-*/tools/testing/kunit/kunit.py (scripts/kunit.sh unpacks one): the guest output not checked with kunit.py"
		return
	fi
	if [[ -z $KTAP_TOTALS ]]; then
		echo "INFO [$label] ktap: not checked with kunit.py: the guest's output did not end"
		return
	fi
	res=$(python3 "$kunit_py" parse <"$file" 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
	sum=$(grep -o 'Testing complete\. .*' <<<"$res" | tail -n 1)
	for n in passed failed crashed skipped errors; do
		[[ $sum =~ $n:\ ([0-9]+) ]] || continue
		case $n in
		passed) kp=${BASH_REMATCH[1]} ;;
		failed) kf=${BASH_REMATCH[1]} ;;
		crashed) kc=${BASH_REMATCH[1]} ;;
		skipped) ks=${BASH_REMATCH[1]} ;;
		errors) ke=${BASH_REMATCH[1]} ;;
		esac
	done
	if [[ -n $sum ]] && ((kp == KTAP_PASS && kf == KTAP_FAIL && ks == KTAP_SKIP &&
		kc == 0 && ke == 0 && KTAP_ERRORS == 0)) && [[ $KTAP_TOTALS == "$want" ]]; then
		ok "[$label] ktap: kunit.py parses the guest output, $kp passed $kf failed, as ktap.sh counted"
	else
		ko "[$label] ktap: kunit.py: ${sum:-no summary} (errors: $(grep -m 3 -F '[ERROR]' <<<"$res" | sed 's/^\[[0-9:]*\] //' | tr '\n' ' ')); ktap.sh: $KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped, $KTAP_ERRORS numbering errors; the guest's totals: $KTAP_TOTALS"
	fi
}

# schema_run PREFIX ARGS...: check-json-schemas.py ARGS, with Debian's
# python3 (and its python3-jsonschema), its PASS/FAIL lines as checks
# with PREFIX in front; any other line (a traceback) is a FAIL
schema_run() {
	local prefix=$1 line res
	shift
	res=$(/usr/bin/python3 "$here/check-json-schemas.py" "$@" 2>&1)
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok "$prefix${line#PASS }" ;;
		"FAIL "*) ko "$prefix${line#FAIL }" ;;
		*" passed, "*" failed") ;;
		*) ko "${prefix}check-json-schemas.py: $line" ;;
		esac
	done <<<"$res"
}

# schema_check LABEL FILE: the JSON documents the suite printed (in-vm.sh,
# "# vmi-json NAME DOC" lines) into $logdir/LABEL.json/, each checked
# against its schema of Documentation/json/ ("PASS [6.12] schema: maps");
# with --all, so a document the suite did not write is a FAIL.  Only for
# a full run that finished.
schema_check() {
	local label=$1 file=$2 dir=$logdir/$1.json line name
	rm -rf "$dir"
	mkdir -p "$dir" || { ko "[$label] schema: cannot create $dir"; return; }
	while IFS= read -r line; do
		line=${line%$'\r'}
		line=${line#'# vmi-json '}
		name=${line%% *}
		[[ $name =~ ^[a-z0-9-]+$ ]] || { ko "[$label] schema: a vmi-json line with a bad name: ${line:0:100}"; continue; }
		printf '%s\n' "${line#"$name" }" >"$dir/$name"
	done < <(grep -a '^# vmi-json ' "$file")
	schema_run "[$label] schema: " --all "$dir"
}

# On the host, before the VMs: the schemas are valid and bite (the
# validator's --self-test: examples pass, mutations of them such as an
# integer address or an extra key fail), and the documents the tool makes
# without the module (--version, usage errors, an error quoting bytes that
# are not UTF-8: error_hex) match them.  Lines "PASS [host] schema: ...".
schema_host() {
	local dir=$logdir/host.json tool=$top/userspace/vmainspect
	rm -rf "$dir"
	mkdir -p "$dir" || { ko "[host] schema: cannot create $dir"; return; }
	"$tool" --json --version >"$dir/version" 2>/dev/null
	"$tool" --json maps >"$dir/err-usage" 2>/dev/null
	"$tool" --json maps --bogus 1 >"$dir/err-option" 2>/dev/null
	"$tool" --json find 1 0xzz >"$dir/err-addr" 2>/dev/null
	"$tool" --json maps $'\xff\xfe' >"$dir/err-hex" 2>/dev/null
	schema_run "[host] schema: " --self-test "$dir"
}
((full_runs)) && schema_host

# run_vm LABEL SECTION VM-RUN-OPTIONS...: one VM, its checks as PASS/FAIL
# lines prefixed with [LABEL]; SECTION is passed to the suite ("" = all)
run_vm() {
	local label=$1 out err t0 t1 secs rc nf summary
	local -a sect=()
	# shellcheck disable=SC2206 # "all 0": the section and its argument
	[[ -n $2 ]] && sect=($2)
	shift 2
	out=$logdir/$label.out
	err=$logdir/$label.err
	t0=$EPOCHREALTIME
	"$here/vm-run.sh" "$@" -- sh /root/in-vm.sh "${sect[@]}" >"$out" 2>"$err"
	rc=$?
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	KTAP_DIAG=$verbose ktap_read "[$label] " flat <"$out"
	passes=$((passes + KTAP_PASS))
	fails=$((fails + KTAP_FAIL))
	nf=$KTAP_FAIL
	summary=${KTAP_TOTALS#\# Totals: }
	case $rc in
	0|1) ;;
	124) ko "[$label] vm: timed out after ${vm_timeout}s (logs: $out, $err)" ;;
	125) ko "[$label] vm: kernel splat: $(grep -m3 -E 'BUG|WARNING|Oops|panic|splat' "$err" | tr '\n' ' ')" ;;
	123) ko "[$label] vm: could not run the suite (boot/insmod failed): $(tail -n 5 "$err" | tr '\n' ' ')" ;;
	*) ko "[$label] vm: vm-run.sh exit status $rc: $(tail -n 5 "$err" | tr '\n' ' ')" ;;
	esac
	# a splat while the suite also failed keeps the suite's status: still a FAIL
	if ((rc != 125)) && grep -q '^vm-run.sh: kernel splat on' "$err"; then
		ko "[$label] vm: kernel splat (suite exit $rc): $(grep -m3 -E 'BUG|WARNING|Oops|panic' "$err" | tr '\n' ' ')"
	fi
	if [[ -z $summary ]] && ((rc != 124 && rc != 123)); then
		ko "[$label] vm: the suite did not finish (no totals line; logs: $out, $err)"
	elif ((rc == 1 && nf == 0)); then
		ko "[$label] vm: suite exit status 1 without a failed check"
	fi
	ktap_oracle "$label" "$out"
	[[ ${sect[0]:-all} == all && -n $summary ]] && schema_check "$label" "$out"
	echo "     [$label] guest totals: ${summary:-none}; VM run ${secs} s (vm-run.sh exit $rc)"
}

for k in "${kernels[@]}"; do
	((full_runs)) || break
	short=$(label_short "$k")
	# a zram swap device: swap entries to compare with pagemap
	vm_timeout=$timeout
	opts=(--kernel "$short" --timeout "$timeout" --swap 64 --kmod overlay)
	label=$short
	append=
	section=all
	if [[ $k == *-la57* ]] || ((la57)); then
		# the adversarial suites run on the 4-level guest of each kernel;
		# here only the regressions (one needs the 1 GiB page)
		section='all 0'
		# -cpu max also has pdpe1gb: a 1 GiB hugetlb page (PUD leaf),
		# reserved at boot while memory is still unfragmented
		opts+=(--la57 --mem 2560)
		append="hugepagesz=1G hugepages=1"
		label=$short-la57
	fi
	if [[ $k == *-nokaslr ]]; then
		append="${append:+$append }nokaslr"
		label=$label-nokaslr
	fi
	[[ -n $append ]] && opts+=(--append "$append")
	run_vm "$label" "$section" "${opts[@]}" "${extra[@]}" "${adds[@]}"
done

# the access matrix, alone in a VM of each kernel: it locks the kernel
# down and raises Yama's ptrace_scope to 3, neither of which can be undone
for k in "${kernels[@]}"; do
	((matrix_runs)) || break
	[[ $k == "$(label_short "$k")" ]] || continue
	vm_timeout=$ktimeout
	run_vm "$k-matrix" matrix --kernel "$k" --timeout "$ktimeout" "${extra[@]}" "${madds[@]}"
done

# the kernel-layout section alone, for the other paging/KASLR combinations
for l in "${klayout_labels[@]}"; do
	((klayout_runs)) || break
	vm_timeout=$ktimeout
	opts=(--kernel "$(label_short "$l")" --timeout "$ktimeout")
	[[ $l == *-la57* ]] && opts+=(--la57)
	[[ $l == *-nokaslr ]] && opts+=(--append nokaslr)
	run_vm "$l" klayout "${opts[@]}" "${extra[@]}" "${kadds[@]}"
done

echo "$passes passed, $fails failed"
((fails == 0))
