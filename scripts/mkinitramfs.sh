#!/bin/bash
# Build the test VM's initramfs (a newc cpio, gzip'ed if OUT ends in .gz)
# for scripts/vm-run.sh. Uncompressed is the faster choice under TCG.
#
#   mkinitramfs.sh -o OUT [--module KO] [--tool BIN] [--add PATH]...
#                  [--kmod KO]... [--swap MB] [--uid UID] -- COMMAND [ARGS...]
#
# Contents: static busybox, /init (scripts/vm-init.sh), /bin/runas (built
# from scripts/runas.c into $VMI_CACHE/bin on demand), /etc/passwd+group
# (root, user=1000, other=1001), KO at /lib/modules/, each --kmod KO at
# /lib/modules/kmod/ (loaded first, in the order given; --swap MB then
# makes /dev/zram0 an MB MiB swap device), BIN at
# /usr/bin/<basename>, each --add PATH at /root/<basename> (a directory is
# copied whole). Every dynamic ELF among BIN and the added files brings its
# ELF interpreter and the libraries ldd lists, at the same absolute paths.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HERE=$VMI_ROOT/scripts

usage() {
	# The header comment, up to the first line that is not a comment.
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&$((${1:-2} ? 2 : 1))
	exit "${1:-2}"
}

# Single-quote a word for sh.
shquote() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# Print the path of a static runas built from scripts/runas.c, building it
# into $VMI_CACHE/bin/ when that source has not been built yet.
runas_bin() {
	local src=$HERE/runas.c sum out
	sum=$(sha256sum "$src" | cut -c1-16)
	out=$VMI_CACHE/bin/runas-$sum
	if [[ ! -x $out ]]; then
		vmi_apt_install gcc libc6-dev # -static needs libc.a
		mkdir -p "$VMI_CACHE/bin"
		vmi_log "building $out"
		gcc -static -O2 -Wall -Wextra -Werror -o "$out.$$" "$src" ||
			vmi_die "cannot build runas (static; needs libc6-dev)"
		mv -f "$out.$$" "$out" # atomic for concurrent runs
	fi
	printf '%s\n' "$out"
}

is_elf() {
	[[ -f $1 && $(LC_ALL=C head -c 4 "$1" 2>/dev/null) == $'\x7fELF' ]]
}

# Copy the interpreter and shared libraries of dynamic ELF $1 into $STAGE
# at their absolute paths (symlinks resolved: the copy is a plain file).
add_libs() {
	local f=$1 out line lib
	local -a libs=()
	# ldd fails ("not a dynamic executable") on static ELFs and modules.
	out=$(ldd "$f" 2>/dev/null) || return 0
	while read -r line; do
		case $line in
		*"=> not found"*) vmi_die "$f: library ${line%% *} not found (ldd)" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;; # linux-vdso.so.1 and the like
		esac
		libs+=("$lib")
	done <<<"$out"
	for lib in "${libs[@]}"; do
		[[ -e $STAGE$lib ]] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
	# Lets ld.so find libraries in non-default directories too; entries for
	# files not copied are skipped and the default paths searched.
	[[ -e $STAGE/etc/ld.so.cache || ! -r /etc/ld.so.cache ]] || cp /etc/ld.so.cache "$STAGE/etc/"
}

# add_libs for every dynamic ELF at or under PATH.
add_libs_tree() {
	local f
	while IFS= read -r -d '' f; do
		if is_elf "$f"; then add_libs "$f"; fi
	done < <(find "$1" -type f -print0)
}

main() {
	local out="" module="" tool="" uid=0 swap=0 busybox p dest
	local -a adds=() kmods=()
	while (($#)); do
		case $1 in
		-o) out=$2; shift 2 ;;
		--module) module=$2; shift 2 ;;
		--tool) tool=$2; shift 2 ;;
		--add) adds+=("$2"); shift 2 ;;
		--kmod) kmods+=("$2"); shift 2 ;;
		--swap) swap=$2; shift 2 ;;
		--uid) uid=$2; shift 2 ;;
		-h | --help) usage 0 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	[[ -n $out && $# -gt 0 ]] || usage
	[[ $uid =~ ^[0-9]+$ ]] || vmi_die "--uid wants a number, got '$uid'"

	vmi_need_cmd cpio cpio
	busybox=$(command -v busybox || true)
	[[ -n $busybox ]] || vmi_die "busybox not found (apt-get install busybox-static)"
	if ldd "$busybox" >/dev/null 2>&1; then
		vmi_die "$busybox is dynamically linked (apt-get install busybox-static)"
	fi

	umask 022
	STAGE=$(mktemp -d)
	trap 'rm -rf "$STAGE"' EXIT
	chmod 0755 "$STAGE" # becomes / in the guest; mktemp made it 0700
	mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib/modules,vmi,home/user,home/other}
	# Anyone may create files in the cwd the command starts in (uid 1000 too).
	install -d -m 1777 "$STAGE/root"
	cp "$busybox" "$STAGE/bin/busybox"
	install -m 0755 "$HERE/vm-init.sh" "$STAGE/init"
	install -m 0755 "$(runas_bin)" "$STAGE/bin/runas"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' \
		'other:x:1001:1001:other:/home/other:/bin/sh' 'nobody:x:65534:65534:nobody:/:/bin/false' \
		>"$STAGE/etc/passwd"
	printf '%s\n' 'root:x:0:' 'user:x:1000:' 'other:x:1001:' 'nogroup:x:65534:' >"$STAGE/etc/group"

	{
		printf 'VMI_UID=%s\n' "$uid"
		if [[ -n $module ]]; then
			[[ -f $module ]] || vmi_die "module $module not found"
			cp "$module" "$STAGE/lib/modules/"
			printf 'VMI_MODULE=/lib/modules/%s\n' "$(shquote "$(basename "$module")")"
		fi
		# A space-separated list, in load order (module names have no blanks).
		local list=""
		for p in "${kmods[@]}"; do
			[[ -f $p ]] || vmi_die "--kmod $p: no such file"
			mkdir -p "$STAGE/lib/modules/kmod"
			cp "$p" "$STAGE/lib/modules/kmod/"
			list+="${list:+ }/lib/modules/kmod/$(basename "$p")"
		done
		printf 'VMI_KMODS=%s\nVMI_SWAP_MB=%s\n' "$(shquote "$list")" "$swap"
	} >"$STAGE/vmi/config"

	if [[ -n $tool ]]; then
		[[ -f $tool ]] || vmi_die "tool $tool not found"
		install -m 0755 "$tool" "$STAGE/usr/bin/$(basename "$tool")"
		add_libs "$tool"
	fi

	for p in "${adds[@]}"; do
		[[ -e $p ]] || vmi_die "--add $p: no such file"
		dest=$STAGE/root/$(basename "$p")
		[[ ! -e $dest ]] || vmi_die "--add $p: /root/$(basename "$p") is added twice"
		# Symlinks are followed: the guest gets the files, not dangling links.
		cp -RL --preserve=mode,timestamps "$p" "$dest"
		# Readable (and, where executable, runnable) by the test users.
		chmod -R a+rX "$dest"
		add_libs_tree "$dest"
	done

	{
		printf 'set --'
		for p in "$@"; do printf ' %s' "$(shquote "$p")"; done
		printf '\n'
	} >"$STAGE/vmi/cmd"

	local compress=(cat)
	[[ $out != *.gz ]] || compress=(gzip -1)
	(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner 0:0 --quiet) | "${compress[@]}" >"$out.tmp"
	mv -f "$out.tmp" "$out"
}

main "$@"; exit
