#!/bin/busybox sh
# shellcheck shell=sh
# /init of the test VM (busybox sh), installed by scripts/mkinitramfs.sh.
# Reads /vmi/config (VMI_UID, VMI_MODULE) and /vmi/cmd (`set -- ARGS...`).
#
# Channels (the host side is scripts/vm-run.sh):
#   ttyS0 = console: kernel messages, the markers below, COMMAND's stderr,
#           then the dmesg dump;
#   ttyS1 = COMMAND's stdout only, raw (no \n -> \r\n, no kernel noise).
# Markers are whole lines (each after a newline, because the first line of
# the serial console starts with BIOS escape junk):
#   @@VMI-BEGIN uptime=S@@  @@VMI-END rc=N uptime=S@@  @@VMI-DMESG@@
#   @@VMI-DMESG-END@@
#   @@VMI-ERROR@@ MESSAGE   (init could not run COMMAND; host fails)

/bin/busybox --install -s
export PATH=/usr/bin:/bin:/usr/sbin:/sbin

marker() { printf '\n@@VMI-%s@@\n' "$*"; }
error() {
	# One marker line per line of the message.
	printf '%s\n' "$*" | while IFS= read -r l; do printf '\n@@VMI-ERROR@@ %s\n' "$l"; done
}

# Wait until a serial tty's output buffer has gone out of the UART: stty
# applies settings with TCSADRAIN, even unchanged ones. Without it,
# poweroff can cut off the last kilobytes.
drain() { stty -F "$1" -ixon 2>/dev/null; }

finish() {
	marker DMESG
	dmesg
	marker DMESG-END
	drain /dev/console
	poweroff -f
}

# PID 1 must never exit (that panics): report and power off instead.
fail() {
	error "$*"
	finish
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
hostname vmi
chown 1000:1000 /home/user
chown 1001:1001 /home/other

VMI_UID=0
VMI_MODULE=
VMI_KMODS=
VMI_SWAP_MB=0
# shellcheck source=/dev/null
. /vmi/config

# Stock modules (zram and what it needs), dependencies first.
for m in $VMI_KMODS; do
	out=$(insmod "$m" 2>&1) || fail "insmod $m failed: $out"
done
if [ "$VMI_SWAP_MB" -gt 0 ]; then
	z=/sys/block/zram0
	[ -e $z/disksize ] || fail "no $z after loading zram"
	echo $((VMI_SWAP_MB * 1024 * 1024)) >$z/disksize || fail "cannot size $z"
	out=$(mkswap /dev/zram0 2>&1 && swapon /dev/zram0 2>&1) ||
		fail "zram swap: $out"
fi

# The debug kernel's runs: khugepaged scanning all the time (the kernel
# passes unknown "name=value" boot parameters to init's environment).
if [ "${vmi_khugepaged:-}" = fast ]; then
	k=/sys/kernel/mm/transparent_hugepage/khugepaged
	echo 10 >$k/scan_sleep_millisecs
	echo 10 >$k/alloc_sleep_millisecs
	echo 4096 >$k/pages_to_scan
	echo 511 >$k/max_ptes_none
fi

if [ "${vmi_debug:-}" = 1 ]; then
	echo 120 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
	echo scan=off >/sys/kernel/debug/kmemleak 2>/dev/null
fi

if [ -n "$VMI_MODULE" ]; then
	out=$(insmod "$VMI_MODULE" 2>&1) || fail "insmod $VMI_MODULE failed: $out"
fi

case $VMI_UID in
0) HOME=/root ;;
1000) HOME=/home/user ;;
1001) HOME=/home/other ;;
*) HOME=/ ;;
esac
export HOME PATH=/root:/usr/bin:/bin:/usr/sbin:/sbin

# COMMAND's stdout: ttyS1 in raw mode, so its bytes arrive unchanged.
# (A failed redirection of `exec` would end this shell: test first.)
[ -c /dev/ttyS1 ] || fail "no /dev/ttyS1 for the command's stdout"
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo || fail "cannot set /dev/ttyS1 to raw mode"
cd /root || fail "cannot cd /root"
# shellcheck source=/dev/null
. /vmi/cmd
read -r up _ </proc/uptime
marker "BEGIN uptime=$up"
# runas 0 for root too, so COMMAND is always a PATH-searched program run
# in a child (a builtin like `exit` must not end PID 1).
/bin/runas "$VMI_UID" "$@" </dev/null >&3
rc=$?
# Leftover background processes could keep writing and keep the drain
# below waiting; PID 1's kill -1 spares itself and kernel threads.
kill -KILL -1 2>/dev/null
drain /dev/ttyS1
exec 3>&-
read -r up _ </proc/uptime
marker "END rc=$rc uptime=$up"
finish
