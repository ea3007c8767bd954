#!/usr/bin/env bash
# The debug kernel: x86_64 6.12 built from Debian's linux-source-6.12 with
# what finds the bugs a module like ours can have: KASAN, KFENCE, lockdep
# with PROVE_RCU, PREEMPT with DEBUG_PREEMPT, DEBUG_VM, DEBUG_VM_MAPLE_TREE,
# DEBUG_ATOMIC_SLEEP, DEBUG_LIST, DEBUG_PAGEALLOC, kmemleak, fault
# injection (failslab, fail_page_alloc, fail_usercopy: /proc/self/fail-nth),
# hung-task and soft-lockup detectors, userfaultfd, KSM, THP for files,
# memory failure, Yama, lockdown and LKDTM (to provoke a WARN on purpose).
#
#   scripts/debug-kernel.sh [build|ensure|prebuild|run|selftest|adversarial|check|all]
#                                                        default: all
#
#   build     (re)build the kernel (about 17 minutes on 2 cores the first
#             time; incremental after) and the module against it
#   ensure    build the kernel only if it is missing or its configuration
#             changed, always rebuild the module; print the module's path
#             last (scripts/vm-run.sh --kernel debug uses this)
#   run       the VM suite on it: a splat there is a failed test
#   selftest  the splat detector on this kernel: a clean boot is no splat,
#             a WARN provoked through LKDTM is one
#   adversarial [SECONDS]  the adversarial suites only (in-vm.sh
#             adversarial: regressions, frame sweep, fuzz, fail-nth fault
#             injection, torture for SECONDS (default 120), lifecycle,
#             kmemleak); every check must pass, nothing may splat
#   check [SECONDS]  ensure, selftest, adversarial: `make check`'s stage
#   prebuild  build the kernel only if it is missing or its configuration
#             changed, without the module: `make check` starts it niced
#             in the background while the VM stage keeps one core busy
#   all       build, selftest, run
#
# Cached in $VMI_CACHE/debug-6.12 (kernel build tree, O=) keyed by the
# config fragment below.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
# shellcheck source=userspace/tests/ktap.sh
. "$top/userspace/tests/ktap.sh"

SRC=$VMI_CACHE/src/linux-source-6.12
OUT=$VMI_CACHE/debug-6.12
FRAG=$OUT/vmainspect-debug.config

# defconfig, kvm_guest.config, then this.  The guest has no disk, network
# card or display (QEMU -nodefaults: two serial ports and an initramfs), so
# the last block leaves out the drivers and protocols it cannot use (DRM,
# sound, USB, wireless, Ethernet, ATA/SCSI, IPv6, netfilter, NFS...): a
# third of defconfig's objects, and of a cold build's time.
fragment() {
	cat <<'EOF'
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_X86_5LEVEL=y
CONFIG_DEBUG_FS=y
CONFIG_DEBUG_INFO_NONE=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_VM=y
CONFIG_DEBUG_VM_MAPLE_TREE=y
CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_PAGEALLOC=y
CONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT=y
CONFIG_TRANSPARENT_HUGEPAGE=y
CONFIG_HUGETLBFS=y
CONFIG_USERFAULTFD=y
CONFIG_MEM_SOFT_DIRTY=y
CONFIG_KSM=y
CONFIG_MEMCG=y
CONFIG_SECURITY=y
CONFIG_SECURITYFS=y
CONFIG_SECURITY_LOCKDOWN_LSM=y
CONFIG_SECURITY_LOCKDOWN_LSM_EARLY=y
CONFIG_LSM="lockdown,yama"
CONFIG_ZRAM=y
CONFIG_SWAP=y
CONFIG_RANDOMIZE_BASE=y
CONFIG_RANDOMIZE_MEMORY=y
CONFIG_PREEMPT=y
CONFIG_DEBUG_PREEMPT=y
CONFIG_PROVE_RCU=y
CONFIG_KFENCE=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE=16000
CONFIG_FAULT_INJECTION=y
CONFIG_FAULT_INJECTION_DEBUG_FS=y
CONFIG_FAILSLAB=y
CONFIG_FAIL_PAGE_ALLOC=y
CONFIG_FAULT_INJECTION_USERCOPY=y
CONFIG_DETECT_HUNG_TASK=y
CONFIG_DEFAULT_HUNG_TASK_TIMEOUT=30
CONFIG_SOFTLOCKUP_DETECTOR=y
CONFIG_READ_ONLY_THP_FOR_FS=y
CONFIG_MEMORY_FAILURE=y
CONFIG_ZSMALLOC=y
CONFIG_USER_NS=y
CONFIG_SECURITY_YAMA=y
CONFIG_CHECKPOINT_RESTORE=y
CONFIG_OVERLAY_FS=y
CONFIG_LKDTM=y
# CONFIG_DRM is not set
# CONFIG_SOUND is not set
# CONFIG_USB_SUPPORT is not set
# CONFIG_HID is not set
# CONFIG_WIRELESS is not set
# CONFIG_WLAN is not set
# CONFIG_CFG80211 is not set
# CONFIG_ETHERNET is not set
# CONFIG_NETFILTER is not set
# CONFIG_IPV6 is not set
# CONFIG_NETWORK_FILESYSTEMS is not set
# CONFIG_NET_9P is not set
# CONFIG_ATA is not set
# CONFIG_SCSI is not set
# CONFIG_MD is not set
# CONFIG_EXT4_FS is not set
# CONFIG_SECURITY_SELINUX is not set
# CONFIG_AGP is not set
EOF
}

# Is the kernel there and built from the fragment of today?  $BUILT is
# the fragment of the last build that finished (written after make, so a
# failed or killed build is never taken for a current one).
BUILT=$OUT/.vmainspect-built.config
kernel_current() {
	[[ -f $OUT/arch/x86/boot/bzImage && -f $OUT/Module.symvers && -f $BUILT ]] &&
		cmp -s <(fragment) "$BUILT"
}

# The module against the debug tree; its path on stdout.
build_module() {
	rm -rf "$OUT/vmainspect"
	mkdir -p "$OUT/vmainspect"
	rsync -a "$top/Kbuild" "$top/src" "$top/include" "$OUT/vmainspect/"
	make -s -C "$OUT" M="$OUT/vmainspect" W=1 KCFLAGS=-Werror modules >&2
	echo "$OUT/vmainspect/src/vmainspect.ko"
}

build_kernel() {
	local f
	if [[ ! -d $SRC/mm ]]; then
		# scripts/kunit.sh unpacks it (and installs linux-source-6.12)
		"$here/kunit.sh" --unpack-only 6.12 >&2 ||
			vmi_die "no unpacked $SRC (scripts/kunit.sh --unpack-only 6.12 failed)"
	fi
	mkdir -p "$OUT"
	f=$(mktemp)
	fragment >"$f"
	if ! cmp -s "$f" "$FRAG" || [[ ! -f $OUT/.config ]]; then
		mv "$f" "$FRAG"
		vmi_log "configuring $OUT (defconfig + kvm_guest.config + debug options)"
		make -s -C "$SRC" O="$OUT" defconfig >&2
		(cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$OUT" "$OUT/.config" \
			kernel/configs/kvm_guest.config "$FRAG") >&2
		make -s -C "$SRC" O="$OUT" olddefconfig >&2
	else
		rm -f "$f"
	fi
	vmi_log "building the debug kernel in $OUT"
	rm -f "$BUILT"
	# modules: also writes the Module.symvers an external module links against
	make -s -C "$SRC" O="$OUT" -j"$(nproc)" bzImage modules >&2
	cp "$FRAG" "$BUILT"
}

build() {
	build_kernel
	build_module
}

# locked STEP: run build, ensure or prebuild as a process of its own that
# holds the tree's lock: one builder of the tree at a time.  `make check`
# runs prebuild in the background and its debug stage's ensure waits here
# until that is done.  (A process, not a function: bash ignores set -e in a
# function called from an `if`.)  vm-run.sh --kernel debug calls ensure
# too, after check's own ensure has returned and let go of the lock.
locked() {
	mkdir -p "$VMI_CACHE"
	flock "$VMI_CACHE/.debug-6.12.lock" "$0" "locked-$1"
}

ensure() {
	if kernel_current; then
		build_module
	else
		build
	fi
}

prebuild() {
	kernel_current || build_kernel
}

# The detector of scripts/splat.sh on this kernel, live: a clean boot and
# run is no splat (its banner says "RCU lockdep checking is enabled."), a
# WARN provoked with LKDTM is one (vm-run.sh exit 125).
selftest() {
	local rc=0
	"$here/vm-run.sh" --kernel debug --timeout 300 -- true >&2 || rc=$?
	if ((rc == 0)); then
		echo "PASS splat detector [debug]: a clean boot is no splat"
	else
		echo "FAIL splat detector [debug]: a clean boot gave vm-run.sh exit $rc"
	fi
	rc=0
	"$here/vm-run.sh" --kernel debug --timeout 300 -- \
		sh -c 'echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT; true' >/dev/null 2>&1 || rc=$?
	if ((rc == 125)); then
		echo "PASS splat detector [debug]: a WARN provoked with LKDTM is a splat (exit 125)"
	else
		echo "FAIL splat detector [debug]: a WARN provoked with LKDTM gave vm-run.sh exit $rc, not 125"
	fi
}

# The test programs and the suite (with its KTAP reader), as --add options.
test_adds() {
	local t
	make -s -C "$top/userspace" >&2
	make -s -C "$top/userspace/tests" >&2
	for t in "$@" in-vm.sh ktap.sh; do
		echo --add
		echo "$top/userspace/tests/$t"
	done
}

# The whole VM suite on the debug kernel.  Its own FAILs are expected where
# this configuration differs from Debian's (see README); the verdict is the
# splat check.
run() {
	local t adds=() rc=0
	local progs=()

	# every test program: userspace/tests/Makefile's PROGS
	read -ra progs < <(make -s --no-print-directory -C "$top/userspace/tests" print-progs)
	mapfile -t adds < <(test_adds "${progs[@]}")
	for t in /bin/bash /usr/bin/tail; do
		[[ -x $t ]] && adds+=(--add "$t")
	done
	"$here/vm-run.sh" --kernel debug --timeout 1800 \
		"${adds[@]}" -- sh /root/in-vm.sh || rc=$?
	case $rc in
	0 | 1) echo "PASS debug kernel: no splat (suite exit $rc)" ;;
	125) echo "FAIL debug kernel: kernel splat (vm-run.sh exit 125)"; return 1 ;;
	*) echo "FAIL debug kernel: vm-run.sh exit $rc"; return 1 ;;
	esac
}

# The adversarial suites on the debug kernel (in-vm.sh adversarial),
# torture for SECONDS: every check must pass and nothing may splat.
adversarial() {
	local secs=${1:-120} adds=() rc=0 out
	mapfile -t adds < <(test_adds vmi-regress vmi-frame-sweep vmi-fuzz vmi-torture vmi-lifecycle)
	out=$(mktemp)
	"$here/vm-run.sh" --kernel debug --timeout $((secs + 1500)) "${adds[@]}" \
		-- sh /root/in-vm.sh adversarial "$secs" >"$out" 2>"$out.err" || rc=$?
	# the suite's KTAP: one PASS/FAIL line per check (ktap.sh)
	ktap_read "[debug] " flat <"$out"
	case $rc in
	0) ;;
	1) ((KTAP_FAIL)) || echo "FAIL [debug] adversarial: suite exit 1 without a failed check" ;;
	125) echo "FAIL [debug] adversarial: kernel splat: $(grep -m5 -E 'BUG|WARNING|Oops|panic|leak' "$out.err" | tr '\n' ' ')" ;;
	*) echo "FAIL [debug] adversarial: vm-run.sh exit $rc: $(tail -n 5 "$out.err" | tr '\n' ' ')" ;;
	esac
	if ((rc != 125)) && grep -q '^vm-run.sh: kernel splat on' "$out.err"; then
		echo "FAIL [debug] adversarial: kernel splat: $(grep -m5 -E 'BUG|WARNING|Oops|panic|leak' "$out.err" | tr '\n' ' ')"
	fi
	# the whole output (diagnostics, a hang's kernel stacks) for the next
	# person; only PASS/FAIL lines were printed above
	mkdir -p "$VMI_CACHE/logs"
	tr -d '\r' <"$out" >"$VMI_CACHE/logs/debug-adversarial.log"
	cat "$out.err" >>"$VMI_CACHE/logs/debug-adversarial.log"
	((rc == 0)) || echo "INFO [debug] adversarial: the whole output is in $VMI_CACHE/logs/debug-adversarial.log"
	rm -f "$out" "$out.err"
	[[ $rc == 0 ]]
}

# `make check`'s debug stage: the kernel (cached), the live detector
# test, the adversarial suites with a 2-minute torture.
check() {
	local rc=0
	if ! locked ensure >/dev/null; then
		echo "FAIL [debug] build of the debug kernel or of the module against it"
		return 1
	fi
	echo "PASS [debug] module builds against the debug kernel, W=1 -Werror"
	selftest || rc=1
	adversarial "${1:-120}" || rc=1
	return $rc
}

case ${1:-all} in
build) locked build >/dev/null ;;
ensure) locked ensure ;;
prebuild) locked prebuild ;;
locked-build) build ;;
locked-ensure) ensure ;;
locked-prebuild) prebuild ;;
run) run ;;
selftest) selftest ;;
adversarial) adversarial "${2:-120}" ;;
check) check "${2:-120}" ;;
all) locked build >/dev/null; selftest; run ;;
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0" ;;
*) vmi_die "unknown argument '$1' (try --help)" ;;
esac
