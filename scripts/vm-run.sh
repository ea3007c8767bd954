#!/bin/bash
# Run a command in a throwaway QEMU VM on a stock Debian kernel, with the
# vmainspect module loaded.
#
# Usage: scripts/vm-run.sh [OPTIONS] -- COMMAND [ARGS...]
#
#   --kernel SHORT|debug    kernel to boot (default 6.12): one of
#                           scripts/kernels.list (5.10, 6.1, 6.12,
#                           6.12-trixie, 7.3); debug: the
#                           KASAN/lockdep/kmemleak/fault-injection 6.12 of
#                           scripts/debug-kernel.sh (built on first use,
#                           about 17 min; 2048 MB unless --mem; aggressive
#                           khugepaged settings at boot)
#   --module PATH           module to insmod (default: the last line printed
#                           by `scripts/build-module.sh KERNEL`)
#   --no-module             boot without a module
#   --tool PATH             put PATH at /usr/bin/<basename> (default:
#                           userspace/vmainspect; skipped with a warning if absent)
#   --no-tool               do not add the tool
#   --add PATH              copy PATH to /root/<basename> (repeatable); dynamic
#                           ELFs bring their interpreter and libraries
#   --user UID              run COMMAND as UID (gid = UID, no supplementary
#                           groups); default 0. Users: root (0), user (1000),
#                           other (1001); the names work here too
#   --la57                  -cpu max: 5-level paging guest
#   --kvm                   -accel kvm -cpu host instead of TCG
#   --pvh                   boot the stock kernel's uncompressed vmlinux through
#                           QEMU's PVH entry (also VMI_PVH=1): ~5 s faster
#                           on 5.10/6.1 (their XZ decompressor is slow under
#                           TCG), but without KASLR
#   --mem MB                guest memory (default $MEM or 1024)
#   --timeout SEC           kill the VM after SEC seconds (default 600)
#   --append ARGS           extra kernel command line
#   --swap MB               a zram swap device of MB MiB (the stock kernel's
#                           zram module and its dependencies are loaded)
#   --kmod NAME             load the stock kernel's module NAME (and its
#                           dependencies) at boot, e.g. overlay; repeatable;
#                           ignored with --kernel debug (built in)
#   --vmlinuz PATH          boot this kernel image instead of the stock one
#                           (needs --module or --no-module)
#   -v, --verbose           progress, timings and the VM console on stderr
#   -h, --help              this help
#
# Inside: busybox, /dev/vmainspect, debugfs on /sys/kernel/debug, tmpfs on
# /tmp and /dev/shm, cwd /root (mode 1777), PATH=/root:/usr/bin:/bin:/usr/sbin:/sbin.
# COMMAND's stdout arrives byte-exact on stdout (own serial port, raw); its
# stderr, with kernel errors printed meanwhile, on stderr (console port).
# The two travel separately, so their relative order is lost: for one
# ordered stream run `sh -c 'CMD 2>&1'`. Throughput is about 100 KB/s.
#
# Exit status: COMMAND's; 124 timeout; 125 kernel splat (BUG, Oops, WARNING,
# KASAN, lockdep, panic, ... in dmesg; printed on stderr) when COMMAND
# itself succeeded; 123 the VM could not run COMMAND (insmod failed, boot
# failed, died without a splat); 2 usage error.
#
# Examples:
#   scripts/vm-run.sh -- vmainspect layout self
#   scripts/vm-run.sh --kernel 5.10 --add ./mytest -- mytest arg1
#   scripts/vm-run.sh --user 1000 -- vmainspect maps 1      # expect EPERM
#   scripts/vm-run.sh --la57 -- sh -c 'grep -o la57 /proc/cpuinfo | head -1'
#   scripts/vm-run.sh --add /usr/bin/env -- env -i true
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck source=scripts/splat.sh
. "$(dirname "${BASH_SOURCE[0]}")/splat.sh"

usage() {
	# The header comment, up to the first line that is not a comment.
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&$((${1:-2} ? 2 : 1))
	exit "${1:-2}"
}

now() { echo "${EPOCHREALTIME/./}"; } # microseconds
secs() { printf '%d.%02d' $(($1 / 1000000)) $(($1 % 1000000 / 10000)); }

parse_args() {
	KSHORT=6.12 MODULE="" NO_MODULE=0 TOOL="$VMI_ROOT/userspace/vmainspect" TOOL_SET=0
	RUN_UID=0 LA57=0 KVM=0 PVH=${VMI_PVH:-0} VM_MEM=${MEM:-1024} TIMEOUT=600 APPEND="" VMLINUZ_ARG="" SWAP_MB=0
	VM_MEM_SET=0 DEBUG_KERNEL=0
	ADDS=() WANT_KMODS=()
	while (($#)); do
		case $1 in
		--kernel) KSHORT=${2:?}; shift ;;
		--module) MODULE=${2:?}; shift ;;
		--no-module) NO_MODULE=1 ;;
		--tool) TOOL=${2:?}; TOOL_SET=1; shift ;;
		--no-tool) TOOL="" ;;
		--add) ADDS+=("${2:?}"); shift ;;
		--user) RUN_UID=${2:?}; shift ;;
		--la57) LA57=1 ;;
		--kvm) KVM=1 ;;
		--pvh) PVH=1 ;;
		--mem) VM_MEM=${2:?}; VM_MEM_SET=1; shift ;;
		--timeout) TIMEOUT=${2:?}; shift ;;
		--append) APPEND=${2?}; shift ;;
		--swap) SWAP_MB=${2:?}; shift ;;
		--kmod) WANT_KMODS+=("${2:?}"); shift ;;
		--vmlinuz) VMLINUZ_ARG=${2:?}; shift ;;
		-v | --verbose) VMI_VERBOSE=1 ;;
		-h | --help) usage 0 ;;
		--) shift; break ;;
		*) echo "vm-run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
		esac
		shift
	done
	(($#)) || { echo "vm-run.sh: no COMMAND (try --help)" >&2; exit 2; }
	CMD=("$@")
	case $RUN_UID in root) RUN_UID=0 ;; user) RUN_UID=1000 ;; other) RUN_UID=1001 ;; esac
	# (not `kernels.sh list | grep -q`: grep's early exit fails the pipe)
	local known
	known=$("$VMI_ROOT/scripts/kernels.sh" list)
	[[ $KSHORT == debug ]] || grep -qxF -- "$KSHORT" <<<"$known" ||
		{ echo "vm-run.sh: --kernel $(printf '%s\n' "$known" debug | paste -sd '|')" >&2; exit 2; }
	if [[ $KSHORT == debug ]]; then
		# KASAN's shadow and kmemleak want memory; zram is built in
		[[ $VM_MEM_SET == 1 ]] || VM_MEM=2048
		DEBUG_KERNEL=1
		# THPs everywhere and a khugepaged that collapses (and so retracts
		# page tables) all the time: vm-init.sh reads vmi_khugepaged
		APPEND="transparent_hugepage=always vmi_khugepaged=fast${APPEND:+ $APPEND}"
		# A debug kernel under TCG is slow: khugepaged's collapse_file()
		# made page faults wait for folio locks over 30 s, and kmemleak's
		# scan thread stalled RCU, with no module loaded.  Report a hung
		# task after 120 s and an RCU stall after 60 s; kmemleak scans
		# when a test asks (vm-init.sh reads vmi_debug)
		APPEND="$APPEND rcupdate.rcu_cpu_stall_timeout=60 vmi_debug=1"
	fi
	[[ $RUN_UID =~ ^[0-9]+$ && $VM_MEM =~ ^[0-9]+$ && $TIMEOUT =~ ^[0-9]+$ && $SWAP_MB =~ ^[0-9]+$ ]] ||
		{ echo "vm-run.sh: --user, --mem, --timeout and --swap take numbers" >&2; exit 2; }
	if ((SWAP_MB)) && [[ -n $VMLINUZ_ARG ]] && ((!DEBUG_KERNEL)); then
		echo "vm-run.sh: --swap needs a stock kernel (its zram module)" >&2
		exit 2
	fi
	if [[ -n $VMLINUZ_ARG && -z $MODULE && $NO_MODULE == 0 ]]; then
		echo "vm-run.sh: --vmlinuz needs --module PATH or --no-module" >&2
		exit 2
	fi
	export VMI_VERBOSE=${VMI_VERBOSE:-0}
}

# Sets VMLINUZ (the image to boot), and KREL and KCONFIG for a stock kernel.
resolve_kernel() {
	KREL="" KCONFIG=""
	if ((DEBUG_KERNEL)) && [[ -z $VMLINUZ_ARG ]]; then
		# built on first use (about 17 minutes), the module every time
		local out
		out=$("$VMI_ROOT/scripts/debug-kernel.sh" ensure) ||
			vmi_die "scripts/debug-kernel.sh ensure failed"
		VMLINUZ=$VMI_CACHE/debug-6.12/arch/x86/boot/bzImage
		[[ -n $MODULE || $NO_MODULE == 1 ]] || MODULE=$(printf '%s\n' "$out" | tail -n 1)
	elif [[ -n $VMLINUZ_ARG ]]; then
		VMLINUZ=$VMLINUZ_ARG # QEMU takes a bzImage or a PVH-capable ELF
	else
		local envs
		envs=$("$VMI_ROOT/scripts/kernels.sh" env "$KSHORT") || vmi_die "kernels.sh env $KSHORT failed"
		eval "$envs"
		KCONFIG=${VMLINUZ%/*}/config-$KREL
		# shellcheck disable=SC2153 # VMLINUX comes from the eval
		[[ $PVH == 0 ]] || VMLINUZ=$VMLINUX
	fi
	[[ -r $VMLINUZ ]] || vmi_die "kernel image $VMLINUZ not readable"
}

# Sets KMODS to the stock kernel's modules to load at boot (zram for
# --swap, those of --kmod) and their dependencies, uncompressed into $T, in
# load order (dependencies first).
KMODS=()
resolve_zram() {
	local m
	((SWAP_MB)) || ((${#WANT_KMODS[@]})) || return 0
	((!DEBUG_KERNEL)) || return 0 # built in
	[[ -n $KREL ]] || vmi_die "--swap/--kmod need a stock kernel's modules"
	local tree=${VMLINUZ%/boot/*}/lib/modules/$KREL/kernel
	local -A seen=()
	add_kmod() {
		local name=$1 f dep
		[[ -z ${seen[$name]:-} ]] || return 0
		seen[$name]=1
		f=$(find "$tree" \( -name "$name.ko" -o -name "$name.ko.xz" -o \
			-name "${name//_/-}.ko" -o -name "${name//_/-}.ko.xz" \) -print -quit)
		[[ -n $f ]] || vmi_die "--swap: module $name not found under $tree"
		for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
			add_kmod "$dep"
		done
		if [[ $f == *.xz ]]; then
			xz -dc "$f" >"$T/$name.ko"
		else
			cp "$f" "$T/$name.ko"
		fi
		KMODS+=("$T/$name.ko")
	}
	((!SWAP_MB)) || add_kmod zram
	for m in "${WANT_KMODS[@]}"; do
		add_kmod "$m"
	done
}

# Sets MODULE to the .ko to load, or "".
resolve_module() {
	if ((NO_MODULE)); then
		MODULE=""
		return
	fi
	if [[ -z $MODULE ]]; then
		local b=$VMI_ROOT/scripts/build-module.sh out
		[[ -x $b ]] || vmi_die "$b not found: pass --module PATH or --no-module"
		out=$("$b" "$KSHORT") || vmi_die "scripts/build-module.sh $KSHORT failed"
		[[ $VMI_VERBOSE == 0 ]] || printf '%s\n' "$out" >&2
		MODULE=$(printf '%s\n' "$out" | awk 'NF { l = $0 } END { print l }')
	fi
	[[ -f $MODULE ]] || vmi_die "module '$MODULE' not found"
	MODULE=$(realpath "$MODULE")
	if [[ -n $KREL ]]; then
		local vm
		vm=$(modinfo -F vermagic "$MODULE" 2>/dev/null | awk '{ print $1 }') || true
		[[ -z $vm || $vm == "$KREL" ]] || vmi_warn "$MODULE is built for $vm, booting $KREL"
	fi
}

resolve_tool() {
	[[ -n $TOOL ]] || return 0
	if [[ ! -f $TOOL ]]; then
		if ((TOOL_SET)); then vmi_die "tool $TOOL not found"; fi
		vmi_warn "$TOOL not built (make -C userspace); running without it"
		TOOL=""
	fi
}

# Live reader of the console: keeps the whole console in $T/console.log,
# prints COMMAND's stderr (between the BEGIN and END markers) to stderr,
# and with -v everything else too. \r and terminal escapes are dropped.
console_reader() {
	sed -u -E 's/\r//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[()][A-Z0-9]//g; s/\x1b[^[()]//g' <"$T/con.fifo" |
		tee "$T/console.log" |
		awk -v verbose="$VMI_VERBOSE" '
			function err(s) { print s > "/dev/stderr"; fflush("/dev/stderr") }
			/@@VMI-BEGIN / { state = 1; blank = 0; if (verbose) err("[console] " $0); next }
			/@@VMI-END rc=/ {
				# The line break init puts before the marker shows as one
				# blank line: drop that one.
				for (; blank > 1; blank--) err("")
				state = 2; if (verbose) err("[console] " $0); next
			}
			state == 1 {
				if ($0 == "") { blank++; next }
				for (; blank > 0; blank--) err("")
				err($0); next
			}
			verbose { err("[console] " $0) }'
}

run_qemu() {
	# Single-threaded TCG: with multi-threaded TCG, code the guest patches
	# (text_poke_bp() at boot and at insmod) reached the other vCPU late,
	# about one boot in 15 died of an "Oops: int3" on an idle CPU.
	# watchdog_thresh=30: soft lockups after 60 s, not 20: a TCG guest on
	# a busy host was reported stuck for 33 s in the kernel's own boot-time
	# W^X page-table dump, before our module was loaded; a real lockup
	# still shows, later
	local accel=(-accel tcg,thread=single) cpu=() cmdline="console=ttyS0 quiet panic=-1 watchdog_thresh=30"
	((LA57)) && cpu=(-cpu max)
	((KVM)) && accel=(-accel kvm) cpu=(-cpu host)
	[[ -z $APPEND ]] || cmdline+=" $APPEND"
	# (since 6.16 there is no option: 5-level paging is always built in)
	if ((LA57)) && [[ -n $KCONFIG ]] && grep -q '^# CONFIG_X86_5LEVEL is not set' "$KCONFIG" 2>/dev/null; then
		vmi_warn "kernel $KREL is built without CONFIG_X86_5LEVEL: the guest uses 4-level paging"
	fi
	mkfifo "$T/con.fifo" "$T/out.fifo"
	console_reader &
	CONPID=$!
	cat "$T/out.fifo" &
	OUTPID=$!
	# No default devices (NIC, VGA, ...); ttyS0 = console, ttyS1 = stdout.
	# -no-reboot: poweroff -f and panic=-1 both end QEMU.
	QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
		"${accel[@]}" "${cpu[@]}" -m "$VM_MEM" -smp 2
		-kernel "$VMLINUZ" -initrd "$T/initrd.cpio" -append "$cmdline"
		-chardev "file,id=con,path=$T/con.fifo" -serial chardev:con
		-chardev "file,id=out,path=$T/out.fifo" -serial chardev:out)
	vmi_log "${QEMU[*]}"
	timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>"$T/qemu.err" &
	QPID=$!
	QRC=0
	wait "$QPID" || QRC=$?
	QPID=""
	unblock_readers
	wait "$OUTPID" "$CONPID" || true
}

# If QEMU died before opening a FIFO, its reader still blocks in open():
# an O_RDWR open (never blocks) wakes it, and it then reads EOF.
unblock_readers() {
	local f fd
	for f in "$T/con.fifo" "$T/out.fifo"; do
		if [[ -p $f ]]; then
			exec {fd}<>"$f"
			exec {fd}>&-
		fi
	done
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [[ -n ${QPID:-} ]]; then
		kill "$QPID" 2>/dev/null || true # timeout passes it on to QEMU
		wait "$QPID" 2>/dev/null || true
		unblock_readers
	fi
	[[ -z ${T:-} ]] || rm -rf "$T"
}

# Lines of the console log between two markers (exclusive).
section() { # START_RE END_RE
	awk -v s="$1" -v e="$2" '$0 ~ e { on = 0 } on { print } $0 ~ s { on = 1 }' "$T/console.log"
}

analyse() {
	local rc="" log=$T/console.log kernlog sp begin_up end_up
	[[ -f $log ]] || : >"$log"
	rc=$(sed -n 's/.*@@VMI-END rc=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	begin_up=$(sed -n 's/.*@@VMI-BEGIN uptime=\([0-9.]*\)@@.*/\1/p' "$log" | tail -n 1)
	end_up=$(sed -n 's/.*@@VMI-END rc=[0-9]* uptime=\([0-9.]*\)@@.*/\1/p' "$log" | tail -n 1)
	if grep -q '@@VMI-DMESG-END@@' "$log"; then
		kernlog=$(section '@@VMI-DMESG@@' '@@VMI-DMESG-END@@')
	else
		kernlog=$(cat "$log") # died early: only the console has the story
	fi
	sp=$(printf '%s\n' "$kernlog" | splats)
	vmi_log "guest uptime at COMMAND start ${begin_up:-?} s, at its end ${end_up:-?} s; qemu status $QRC"

	if [[ -n $sp ]]; then
		printf 'vm-run.sh: kernel splat on %s:\n%s\n' "${KREL:-$VMLINUZ}" "$sp" >&2
	fi
	if ((QRC == 124 || QRC == 137)); then
		[[ -n $sp ]] || { echo "vm-run.sh: console tail:" >&2; tail -n 30 "$log" >&2; }
		vmi_warn "timed out after $TIMEOUT s; VM killed"
		return 124
	fi
	if grep -q '@@VMI-ERROR@@' "$log"; then
		sed -n 's/.*@@VMI-ERROR@@ /vm-run.sh: /p' "$log" >&2
		[[ -n $sp ]] || { echo "vm-run.sh: dmesg tail:" >&2; printf '%s\n' "$kernlog" | tail -n 15 >&2; }
		return 123
	fi
	if [[ -z $rc ]]; then
		if [[ -z $sp ]]; then
			echo "vm-run.sh: the VM ended before COMMAND finished (qemu status $QRC); console tail:" >&2
			tail -n 40 "$log" >&2
			[[ ! -s $T/qemu.err ]] || cat "$T/qemu.err" >&2
			return 123
		fi
		return 125
	fi
	if [[ -n $sp ]]; then
		((rc != 0)) || rc=125
	fi
	return "$rc"
}

main() {
	local t0 t1 rc=0
	parse_args "$@"
	t0=$(now)
	local c
	for c in qemu-system-x86_64:qemu-system-x86 cpio:cpio busybox:busybox-static gcc:gcc modinfo:kmod; do
		vmi_need_cmd "${c%%:*}" "${c#*:}"
	done
	resolve_kernel
	resolve_module
	resolve_tool
	T=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	local a
	resolve_zram
	local mk=("$VMI_ROOT/scripts/mkinitramfs.sh" -o "$T/initrd.cpio" --uid "$RUN_UID")
	for a in "${KMODS[@]}"; do mk+=(--kmod "$a"); done
	((SWAP_MB == 0)) || mk+=(--swap "$SWAP_MB")
	[[ -z $MODULE ]] || mk+=(--module "$MODULE")
	[[ -z $TOOL ]] || mk+=(--tool "$TOOL")
	for a in "${ADDS[@]}"; do mk+=(--add "$a"); done
	"${mk[@]}" -- "${CMD[@]}"
	t1=$(now)
	vmi_log "kernel ${KREL:-$VMLINUZ}, module ${MODULE:-none}, tool ${TOOL:-none}; prepared in $(secs $((t1 - t0))) s"
	run_qemu
	analyse || rc=$?
	vmi_log "VM run $(secs $(($(now) - t1))) s, total $(secs $(($(now) - t0))) s, exit $rc"
	return "$rc"
}

main "$@"; exit
