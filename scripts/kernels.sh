#!/bin/bash
# Stock Debian kernels for testing: headers to build the module against and
# an image to boot in QEMU, cached under $VMI_CACHE/kernels/<KREL>/.
#
#   kernels.sh env SHORT         fetch if needed, then print eval-able lines
#                                KREL="..." KDIR="..." VMLINUZ="..." VMLINUX="..."
#                                KMAKE_ARGS="..."
#   kernels.sh fetch SHORT...    fetch if needed (idempotent), print nothing
#   kernels.sh headers SHORT...  the same (the headers come with the image)
#
# Nothing is installed into the host: the image, headers, common headers
# and kbuild packages are downloaded (apt-get download) and unpacked with
# dpkg-deb -x under $VMI_CACHE/kernels/<KREL>/root.  (apt-get install of
# linux-headers-6.12.*+deb12 would pull in its linux-image, a Depends, and
# put a kernel into /boot with an initramfs and a boot entry.)
#
# SHORT is 5.10, 6.1 or 6.12. KMAKE_ARGS are extra make variables the
# kernel needs (`make -C "$KDIR" M=... $KMAKE_ARGS`). VMLINUX is the
# uncompressed ELF kernel taken out of VMLINUZ (QEMU boots it through its
# PVH entry, skipping the decompressor: see vm-run.sh --pvh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Known-good ABI names. If one is gone from the mirror, the newest ABI of
# the same series is used instead (with a warning) and remembered in
# $KCACHE/SHORT.krel.
declare -A PIN=([5.10]=5.10.0-46-amd64 [6.1]=6.1.0-56-amd64 [6.12]=6.12.111+deb12-amd64)
KCACHE=$VMI_CACHE/kernels
BDIR=$VMI_CACHE/apt-bullseye

usage() {
	# The header comment, up to the first line that is not a comment.
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&$((${1:-2} ? 2 : 1))
	exit "${1:-2}"
}

check_short() {
	[[ -n ${PIN[$1]:-} ]] || vmi_die "unknown kernel '$1' (want one of: ${!PIN[*]})"
}

# ---- the private apt configuration for bullseye (5.10) --------------------

# Options that point apt at $BDIR only, leaving the system's apt state alone.
# The bullseye Release files may be past Valid-Until on an archive mirror.
BOPTS=(-o "Dir::Etc::sourcelist=$BDIR/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	-o "Dir::State::Lists=$BDIR/lists" -o "Dir::Cache=$BDIR/cache"
	-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
BUPDATED=0

bullseye_setup() {
	local main sec key=/usr/share/keyrings/debian-archive-keyring.gpg
	main=$(vmi_mirror_uri main)
	sec=$(vmi_mirror_uri security)
	mkdir -p "$BDIR/lists/partial" "$BDIR/cache/archives/partial"
	printf 'deb [signed-by=%s] %s bullseye main\ndeb [signed-by=%s] %s bullseye-security main\n' \
		"$key" "$main" "$key" "$sec" >"$BDIR/sources.list.new"
	if cmp -s "$BDIR/sources.list.new" "$BDIR/sources.list"; then
		rm -f "$BDIR/sources.list.new"
	else
		mv "$BDIR/sources.list.new" "$BDIR/sources.list"
		rm -f "$BDIR/lists/"*_Packages* # mirror changed: lists are stale
	fi
	compgen -G "$BDIR/lists/*_Packages*" >/dev/null || bullseye_update
}

bullseye_update() {
	((BUPDATED)) && return 0
	vmi_log "apt-get update (bullseye, private lists in $BDIR)"
	apt-get "${BOPTS[@]}" "$(vmi_aptq)" update >&2 || vmi_die "apt-get update for bullseye failed"
	BUPDATED=1
}

# ---- name resolution ------------------------------------------------------

# Package-name helpers for one series: "sys" apt or the private "bullseye" one.
series_src() { [[ $1 == 5.10 ]] && echo bullseye || echo sys; }

pkg_known() { # SRC PKG
	if [[ $1 == bullseye ]]; then
		local cand
		cand=$(apt-cache "${BOPTS[@]}" policy "$2" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
		[[ -n $cand && $cand != "(none)" ]]
	else
		vmi_pkg_known "$2"
	fi
}

# KREL usable for SHORT: both image and headers downloadable.
krel_ok() { # SHORT KREL
	local src
	src=$(series_src "$1")
	pkg_known "$src" "linux-image-$2-unsigned" && pkg_known "$src" "linux-headers-$2"
}

# The linux-kbuild-* package the headers of KREL depend on (their
# scripts/ symlink points into it): linux-kbuild-6.1, -6.12.111+deb12...
kbuild_pkg() { # SRC KREL
	local cache=(apt-cache) p
	[[ $1 == bullseye ]] && cache+=("${BOPTS[@]}")
	p=$("${cache[@]}" show "linux-headers-$2" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-kbuild-[^ ,]*\).*/\1/p' | head -n 1)
	[[ -n $p ]] || vmi_die "no linux-kbuild dependency in linux-headers-$2"
	echo "$p"
}

# Newest KREL of the series that apt can fetch, e.g. 6.1.0-57-amd64.
newest_krel() { # SHORT
	local short=$1 src re k cache=(apt-cache)
	src=$(series_src "$short")
	[[ $src == bullseye ]] && cache+=("${BOPTS[@]}")
	re="^linux-image-${short//./\\.}\\.[0-9]+(-[0-9]+|\\+deb[0-9]+)-amd64-unsigned\$"
	for k in $("${cache[@]}" search --names-only "$re" 2>/dev/null | awk '{ print $1 }' |
		sed 's/^linux-image-//; s/-unsigned$//' | sort -rV); do
		if krel_ok "$short" "$k"; then
			echo "$k"
			return 0
		fi
	done
	return 1
}

# Decide which KREL to fetch for SHORT (slow path only: it may run apt).
resolve_krel() { # SHORT
	local short=$1 pin=${PIN[$1]} k
	if [[ $(series_src "$short") == bullseye ]]; then
		bullseye_setup
		krel_ok "$short" "$pin" || bullseye_update
	else
		krel_ok "$short" "$pin" || vmi_apt_update
	fi
	if krel_ok "$short" "$pin"; then
		echo "$pin"
		return 0
	fi
	k=$(newest_krel "$short") || vmi_die "no linux-image/headers for $short (pinned $pin) in apt"
	vmi_warn "pinned kernel $pin is not available; using the newest of $short: $k"
	echo "$k"
}

# ---- layout of one cached kernel -------------------------------------------

# Sets ROOT KDIR VMLINUZ VMLINUX KMAKE_ARGS for SHORT/KREL.
set_paths() { # SHORT KREL
	ROOT=$KCACHE/$2/root
	VMLINUZ=$ROOT/boot/vmlinuz-$2
	VMLINUX=$ROOT/boot/vmlinux-$2
	KDIR=$ROOT/usr/src/linux-headers-$2
	KMAKE_ARGS=""
	# 5.10's .kernelvariables asks for gcc-10, which bookworm lacks; gcc-12
	# builds modules for it fine.
	[[ $1 != 5.10 ]] || KMAKE_ARGS="CC=gcc"
}

is_ready() { # SHORT KREL
	set_paths "$1" "$2"
	[[ -e $KCACHE/$2/.complete && -f $VMLINUZ && -f $VMLINUX && -f $KDIR/Makefile ]]
}

# KREL already fetched for SHORT, or empty (fast path: no apt calls).
cached_krel() { # SHORT
	local k
	k=$(last_krel "$1")
	if is_ready "$1" "$k"; then echo "$k"; fi
}

# The KREL fetched last time for SHORT, else the pinned one.
last_krel() { # SHORT
	if [[ -s $KCACHE/$1.krel ]]; then cat "$KCACHE/$1.krel"; else echo "${PIN[$1]}"; fi
}

# ---- fetching ----------------------------------------------------------------

# Download packages into DIR with apt-get download (SRC sys|bullseye).
download() { # SRC DIR PKG...
	local src=$1 dir=$2 apt=(apt-get "$(vmi_aptq)" -o APT::Sandbox::User=root)
	shift 2
	[[ $src == bullseye ]] && apt=(apt-get "$(vmi_aptq)" "${BOPTS[@]}")
	mkdir -p "$dir"
	vmi_log "apt-get download $*"
	if ! (cd "$dir" && "${apt[@]}" download "$@" >&2); then
		# Stale lists can name .debs the mirror no longer has.
		if [[ $src == bullseye ]]; then bullseye_update; else vmi_apt_update; fi
		(cd "$dir" && "${apt[@]}" download "$@" >&2) || vmi_die "apt-get download $* failed"
	fi
}

# Extract every .deb of DIR into ROOT (fresh), then drop the .debs.
extract_debs() { # DIR ROOT
	local deb
	rm -rf "$2.tmp"
	mkdir -p "$2.tmp"
	for deb in "$1"/*.deb; do
		vmi_log "dpkg-deb -x $(basename "$deb")"
		dpkg-deb -x "$deb" "$2.tmp"
	done
	rm -rf "$2"
	mv "$2.tmp" "$2"
	rm -rf "$1"
}

# The headers are extracted, not installed: point their one-line Makefile
# (include /usr/src/linux-headers-...-common/Makefile) at the extracted
# tree and make sure the relative symlinks stay inside it.
fix_headers() {
	local mk=$KDIR/Makefile l t
	sed -i "s|^include /usr/src/|include $ROOT/usr/src/|" "$mk"
	grep -q "^include $ROOT/usr/src/linux-headers-.*-common/Makefile\$" "$mk" ||
		vmi_die "unexpected $mk: $(head -c 200 "$mk")"
	for l in scripts tools; do
		[[ -L $KDIR/$l ]] || continue
		t=$(readlink -f "$KDIR/$l")
		[[ $t == "$ROOT"/* && -d $t ]] || vmi_die "$KDIR/$l resolves outside the root: $t"
	done
}

# Take the ELF kernel out of the bzImage VMLINUZ into VMLINUX: find the
# payload's compression magic, decompress from there (the trailing bytes
# make xz/zstd complain, hence no error check), keep the first result that
# is an ELF file (what scripts/extract-vmlinux does).
extract_vmlinux() {
	local magic tool off tmp=$VMLINUX.tmp
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$VMLINUZ" | cut -d: -f1 | head -n 3); do
			vmi_need_cmd "$tool" "$([[ $tool == xz ]] && echo xz-utils || echo "$tool")"
			tail -c +$((off + 1)) "$VMLINUZ" | "$tool" -dc >"$tmp" 2>/dev/null || true
			if [[ $(LC_ALL=C head -c 4 "$tmp") == $'\x7fELF' ]]; then
				mv -f "$tmp" "$VMLINUX"
				vmi_log "extracted $VMLINUX ($tool payload at offset $off)"
				return 0
			fi
		done
	done
	rm -f "$tmp"
	vmi_die "no ELF kernel found inside $VMLINUZ"
}

# Build a trivial module against KDIR to prove the headers work.
smoke_build() {
	local d rc=0
	vmi_need_cmd make make
	vmi_need_cmd gcc gcc
	d=$(mktemp -d)
	printf '%s\n' '#include <linux/module.h>' 'static int __init h_init(void) { return 0; }' \
		'static void __exit h_exit(void) { }' 'module_init(h_init);' 'module_exit(h_exit);' \
		'MODULE_LICENSE("GPL");' >"$d/vmismoke.c"
	echo 'obj-m := vmismoke.o' >"$d/Makefile"
	vmi_log "test build of a module against $KDIR"
	# shellcheck disable=SC2086 # KMAKE_ARGS is a list of words
	make -s -C "$KDIR" M="$d" modules $KMAKE_ARGS >"$d/log" 2>&1 && [[ -f $d/vmismoke.ko ]] || rc=1
	((rc == 0)) || { cat "$d/log" >&2; rm -rf "$d"; vmi_die "module test build against $KDIR failed"; }
	rm -rf "$d"
}

fetch_one() { # SHORT
	local short=$1 krel src kbuild
	[[ -n $(cached_krel "$short") ]] && return 0
	mkdir -p "$KCACHE"
	# Serialise concurrent fetches (parallel vm-run.sh calls); re-check inside.
	exec {lockfd}>"$KCACHE/.lock"
	flock "$lockfd"
	krel=$(last_krel "$short")
	set_paths "$short" "$krel"
	if [[ -z $(cached_krel "$short") && -e $KCACHE/$krel/.complete && -f $VMLINUZ && -f $KDIR/Makefile ]]; then
		extract_vmlinux # a cache from before VMLINUX was added
	elif [[ -z $(cached_krel "$short") ]]; then
		vmi_need_root "fetch kernel $short"
		krel=$(resolve_krel "$short")
		src=$(series_src "$short")
		set_paths "$short" "$krel"
		kbuild=$(kbuild_pkg "$src" "$krel")
		download "$src" "$KCACHE/$krel/debs" "linux-image-$krel-unsigned" \
			"linux-headers-$krel" "linux-headers-${krel%-amd64}-common" "$kbuild"
		extract_debs "$KCACHE/$krel/debs" "$ROOT"
		fix_headers
		[[ -f $VMLINUZ ]] || vmi_die "no $VMLINUZ in linux-image-$krel-unsigned"
		extract_vmlinux
		smoke_build
		touch "$KCACHE/$krel/.complete"
		echo "$krel" >"$KCACHE/$short.krel"
		vmi_log "kernel $short ready: $krel"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
}

main() {
	(($# >= 2)) || usage
	local cmd=$1 s krel
	shift
	for s in "$@"; do check_short "$s"; done
	case $cmd in
	env)
		for s in "$@"; do
			fetch_one "$s"
			krel=$(cached_krel "$s")
			set_paths "$s" "$krel"
			printf 'KREL="%s"\nKDIR="%s"\nVMLINUZ="%s"\nVMLINUX="%s"\nKMAKE_ARGS="%s"\n' \
				"$krel" "$KDIR" "$VMLINUZ" "$VMLINUX" "$KMAKE_ARGS"
		done
		;;
	fetch) for s in "$@"; do fetch_one "$s"; done ;;
	headers) for s in "$@"; do fetch_one "$s"; done ;;
	-h | --help | help) usage 0 ;;
	*) usage ;;
	esac
}

main "$@"; exit
