#!/usr/bin/env bash
# `make check`: every test of the project, in order of cost.  Each stage
# prints PASS/FAIL lines; a stage that exits non-zero without saying FAIL
# gets a FAIL line of its own.  The last line is "N passed, N failed".
#
#   scripts/check.sh [STAGE...]   stages: deps userspace docs selftest build style kunit
#                                 vm package debug
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

results=$(mktemp)
host_before=$(mktemp)
trap 'rm -f "$results" "$host_before"; stop_debug_prebuild' EXIT

# What a test run must never change on the host: the kernels in /boot, the
# installed linux-image packages (kernels are unpacked into the cache) and
# our own packages (installed only into the build root).
host_kernels() {
	ls -l --time-style=+%s /boot 2>/dev/null
	# (dpkg-query fails when a pattern matches nothing: not an error here)
	dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' 'linux-image-*' 'vmainspect*' \
		2>/dev/null | grep ' ii *$' || true
}
host_kernels >"$host_before"

# run_stage NAME CMD...: run, show output (minus sub-summaries), count.
run_stage() {
	local name=$1 rc before after start=$SECONDS
	shift
	before=$(grep -c '^FAIL' "$results")
	echo "=== $name: $*"
	"$@" 2>&1 | grep --line-buffered -Ev '^[0-9]+ passed, [0-9]+ failed' |
		tee -a "$results"
	rc=${PIPESTATUS[0]}
	after=$(grep -c '^FAIL' "$results")
	if [ "$rc" -ne 0 ] && [ "$after" -eq "$before" ]; then
		echo "FAIL $name: exited with status $rc" | tee -a "$results"
	fi
	echo "=== $name: $((SECONDS - start)) s"
}

# The debug kernel's first build (about 17 minutes on 2 cores) runs in the
# background, niced, from the build stage on: the module builds, style
# checks and the VM stage's single-threaded TCG guests leave a core idle.
# The debug stage's ensure waits for it (debug-kernel.sh holds a lock) and
# builds only what is left.  With the kernel built already it is a no-op.
# (setsid: a process group of its own, make and all, to stop as one.)
prebuild_pid=
start_debug_prebuild() {
	[[ -z $prebuild_pid && " ${stages[*]} " == *" debug "* ]] || return 0
	mkdir -p "$VMI_CACHE/logs"
	echo "=== debug kernel: building in the background (log: $VMI_CACHE/logs/debug-prebuild.log)"
	setsid nice -n 19 "$here/debug-kernel.sh" prebuild \
		>"$VMI_CACHE/logs/debug-prebuild.log" 2>&1 </dev/null &
	prebuild_pid=$!
}

# After the debug stage (its ensure waited for the lock: the build is
# over) or on exit (interrupted: the whole group goes).
stop_debug_prebuild() {
	[[ -n ${prebuild_pid:-} ]] || return 0
	if kill -0 "$prebuild_pid" 2>/dev/null; then
		kill -- "-$prebuild_pid" 2>/dev/null
	fi
	wait "$prebuild_pid" 2>/dev/null
	prebuild_pid=
}

build_modules() {
	local short ko
	for short in $("$here/kernels.sh" list); do
		if ko=$("$here/build-module.sh" "$short" 2>/tmp/vmi-build-$$.log | tail -n 1) &&
		   [ -f "$ko" ]; then
			echo "PASS build [$short] module, W=1 -Werror"
		else
			echo "FAIL build [$short] module, W=1 -Werror:"
			sed 's/^/    /' "/tmp/vmi-build-$$.log"
		fi
		rm -f "/tmp/vmi-build-$$.log"
	done
	# no 32-bit VM here: the i386 kernel-region code is compiled only
	if "$here/build-i386.sh" >/tmp/vmi-build-$$.log 2>&1; then
		echo "PASS build [i386 6.1 686-pae] kernel-region objects, W=1 -Werror"
	else
		echo "FAIL build [i386 6.1 686-pae] kernel-region objects, W=1 -Werror:"
		sed 's/^/    /' "/tmp/vmi-build-$$.log"
	fi
	rm -f "/tmp/vmi-build-$$.log"
}

build_userspace() {
	if make -s -C "$top/userspace" clean >/dev/null 2>&1 &&
	   make -s -C "$top/userspace"; then
		echo "PASS build userspace (-Wall -Wextra -Werror)"
	else
		echo "FAIL build userspace"
	fi
}

stages=("$@")
# debug: the adversarial suites on the debug kernel with a 2-minute
# torture (about 12 minutes with the kernel cached; its first build is
# about 17 minutes more on 2 cores)
[ ${#stages[@]} -gt 0 ] || stages=(deps userspace docs selftest build style kunit vm package debug)
for stage in "${stages[@]}"; do
	case $stage in
	deps)      run_stage deps "$here/deps.sh" ;;
	userspace) run_stage userspace build_userspace ;;
	docs)      run_stage docs "$top/userspace/tests/check-docs.sh"
	           run_stage elf "$top/userspace/tests/elf-fuzz.sh" ;;
	selftest)  run_stage selftest "$here/test-splat.sh" ;;
	build)     start_debug_prebuild; run_stage build build_modules ;;
	style)     run_stage style "$here/style.sh" ;;
	kunit)     run_stage kunit "$here/kunit.sh" ;;
	vm)        start_debug_prebuild; run_stage vm "$here/vm-tests.sh" ;;
	package)   run_stage package "$here/package.sh" test ;;
	debug)     run_stage debug "$here/debug-kernel.sh" check "${VMI_CHECK_TORTURE_SECONDS:-120}"
	           stop_debug_prebuild ;;
	*)         vmi_die "unknown stage '$stage'" ;;
	esac
done

if host_kernels | cmp -s - "$host_before"; then
	echo "PASS host: /boot, the installed linux-image packages and vmainspect packages are as before" | tee -a "$results"
else
	echo "FAIL host: /boot, the installed linux-image packages or vmainspect packages changed:" | tee -a "$results"
	host_kernels | diff "$host_before" - | sed 's/^/    /'
fi

passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
# The failures again at the end, where a CI log's tail shows them, and the
# whole result list kept in the cache for the next person.
mkdir -p "$VMI_CACHE/logs"
cp "$results" "$VMI_CACHE/logs/check-results.txt"
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failed (the whole list: $VMI_CACHE/logs/check-results.txt):"
	grep '^FAIL' "$results" | sed 's/^/  /'
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
