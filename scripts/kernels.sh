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
# SHORT is a name of scripts/kernels.list (5.10, 6.1, 6.12, 6.12-trixie,
# 7.3...), the one list of supported kernels.  KMAKE_ARGS are extra make
# variables the kernel needs (`make -C "$KDIR" M=... $KMAKE_ARGS`); KROOT is
# "host" or the scripts/buildroot.sh suite to run make in.  VMLINUX is the
# uncompressed ELF kernel taken out of VMLINUZ (QEMU boots it through its
# PVH entry, skipping the decompressor: see vm-run.sh --pvh).
#
#   kernels.sh list [--check]    the SHORT names, one per line (--check:
#                                those `make check` runs the VM suite on)
#   kernels.sh source SHORT...   fetch linux-source-SERIES of SHORT's suite
#                                (only its tarball is kept) and print the
#                                tarball's path (scripts/kunit.sh, for UML)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The list: SUITE, PIN (known-good ABI; if the mirror no longer has it,
# the newest ABI of the same series is used, with a warning, and
# remembered in $KCACHE/SHORT.krel), ROOT and CHECK per SHORT.
declare -A SUITE PIN KROOT_OF CHECK
ORDER=()
while read -r short suite pin root check; do
	[[ -z $short || $short == \#* ]] && continue
	SUITE[$short]=$suite PIN[$short]=$pin KROOT_OF[$short]=$root CHECK[$short]=$check
	ORDER+=("$short")
done <"$(dirname "${BASH_SOURCE[0]}")/kernels.list"
KCACHE=$VMI_CACHE/kernels

usage() {
	# The header comment, up to the first line that is not a comment.
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&$((${1:-2} ? 2 : 1))
	exit "${1:-2}"
}

check_short() {
	[[ -n ${PIN[$1]:-} ]] || vmi_die "unknown kernel '$1' (want one of: ${ORDER[*]})"
}

# ---- private apt configurations (every suite but the host's bookworm) -----

# The private apt directory of SUITE; its options point apt at it only,
# leaving the system's apt state alone.  Archived suites' Release files may
# be past Valid-Until.
adir() { echo "$VMI_CACHE/apt-$1"; }
aopts() { # SUITE
	local d
	d=$(adir "$1")
	printf '%s\n' -o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
		-o "Dir::State::Lists=$d/lists" -o "Dir::State::status=$d/status" \
		-o "Dir::Cache=$d/cache" -o Acquire::Check-Valid-Until=false \
		-o APT::Sandbox::User=root
}

# The sources of SUITE: itself and its security updates (a backports
# suite also needs its base suite).
suite_sources() { # SUITE
	local key=/usr/share/keyrings/debian-archive-keyring.gpg main sec base=${1%-backports}
	main=$(vmi_mirror_uri main)
	sec=$(vmi_mirror_uri security)
	[[ $1 == "$base" ]] || printf 'deb [signed-by=%s] %s %s main\n' "$key" "$main" "$1"
	printf 'deb [signed-by=%s] %s %s main\n' "$key" "$main" "$base"
	printf 'deb [signed-by=%s] %s %s-security main\n' "$key" "$sec" "$base"
}

declare -A UPDATED
suite_update() { # SUITE
	[[ -n ${UPDATED[$1]:-} ]] && return 0
	local opts
	mapfile -t opts < <(aopts "$1")
	vmi_log "apt-get update ($1, private lists in $(adir "$1"))"
	apt-get "${opts[@]}" "$(vmi_aptq)" update >&2 || vmi_die "apt-get update for $1 failed"
	UPDATED[$1]=1
}

suite_setup() { # SUITE
	local d
	d=$(adir "$1")
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	# nothing is installed from it: the host's dpkg status is not its own
	[[ -e $d/status ]] || : >"$d/status"
	suite_sources "$1" >"$d/sources.list.new"
	if cmp -s "$d/sources.list.new" "$d/sources.list"; then
		rm -f "$d/sources.list.new"
	else
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/lists/"*_Packages* # mirror changed: lists are stale
	fi
	compgen -G "$d/lists/*_Packages*" >/dev/null || suite_update "$1"
}

# ---- name resolution ------------------------------------------------------

# Package-name helpers for one series: "sys" apt or a private suite's.
series_src() { [[ ${SUITE[$1]} == bookworm ]] && echo sys || echo "${SUITE[$1]}"; }

# apt-cache with the options of SRC.
acache() { # SRC ARGS...
	local src=$1 opts=()
	shift
	[[ $src == sys ]] || mapfile -t opts < <(aopts "$src")
	apt-cache "${opts[@]}" "$@"
}

pkg_known() { # SRC PKG
	local cand
	cand=$(acache "$1" policy "$2" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	[[ -n $cand && $cand != "(none)" ]]
}

# The packages holding KREL's kernel and modules: one linux-image-*-unsigned
# up to 7.2; since 7.3 linux-binary-unsigned-* (vmlinuz), linux-modules-*
# and linux-base-* (config, System.map).
image_pkgs() { # SRC KREL
	if pkg_known "$1" "linux-image-$2-unsigned"; then
		echo "linux-image-$2-unsigned"
	elif pkg_known "$1" "linux-binary-unsigned-$2"; then
		echo "linux-binary-unsigned-$2 linux-modules-$2 linux-base-$2"
	else
		return 1
	fi
}

# KREL usable for SHORT: both image and headers downloadable.
krel_ok() { # SHORT KREL
	local src
	src=$(series_src "$1")
	image_pkgs "$src" "$2" >/dev/null && pkg_known "$src" "linux-headers-$2"
}

# The linux-kbuild-* package the headers of KREL depend on (their
# scripts/ symlink points into it): linux-kbuild-6.1, -6.12.111+deb12...
kbuild_pkg() { # SRC KREL
	local p
	p=$(acache "$1" show "linux-headers-$2" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-kbuild-[^ ,]*\).*/\1/p' | head -n 1)
	[[ -n $p ]] || vmi_die "no linux-kbuild dependency in linux-headers-$2"
	echo "$p"
}

# The ABI names of SHORT's series as a regex: the pin with its numbers
# after the series (not those of "deb13") made wild, e.g.
# 6.12.117+deb13-amd64 -> ^6\.12\.[0-9]+\+deb13-amd64$.
series_re() { # SHORT
	local pin=${PIN[$1]} base=${1%%-*} rest
	rest=${pin#"$base"}
	rest=$(sed 's/[.+]/\\&/g; s/\([.-]\)[0-9][0-9]*/\1[0-9]+/g' <<<"$rest")
	echo "^${base//./\\.}$rest\$"
}

# Newest KREL of the series that apt can fetch, e.g. 6.1.0-57-amd64.
newest_krel() { # SHORT
	local short=$1 src re k
	src=$(series_src "$short")
	re=$(series_re "$short")
	for k in $(acache "$src" search --names-only '^linux-headers-' 2>/dev/null |
		awk '{ print $1 }' | sed 's/^linux-headers-//' | grep -E "$re" | sort -rV); do
		if krel_ok "$short" "$k"; then
			echo "$k"
			return 0
		fi
	done
	return 1
}

# Decide which KREL to fetch for SHORT (slow path only: it may run apt).
resolve_krel() { # SHORT
	local short=$1 pin=${PIN[$1]} src k
	src=$(series_src "$short")
	if [[ $src == sys ]]; then
		krel_ok "$short" "$pin" || vmi_apt_update
	else
		suite_setup "$src"
		krel_ok "$short" "$pin" || suite_update "$src"
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

# Sets ROOT KDIR VMLINUZ VMLINUX KMAKE_ARGS KROOT for SHORT/KREL.
set_paths() { # SHORT KREL
	KROOT=${KROOT_OF[$1]}
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

# Download packages into DIR with apt-get download (SRC sys or a suite).
download() { # SRC DIR PKG...
	local src=$1 dir=$2 apt=(apt-get "$(vmi_aptq)" -o APT::Sandbox::User=root) opts
	shift 2
	if [[ $src != sys ]]; then
		mapfile -t opts < <(aopts "$src")
		apt=(apt-get "$(vmi_aptq)" "${opts[@]}")
	fi
	mkdir -p "$dir"
	vmi_log "apt-get download $*"
	if ! (cd "$dir" && "${apt[@]}" download "$@" >&2); then
		# Stale lists can name .debs the mirror no longer has.
		if [[ $src == sys ]]; then vmi_apt_update; else suite_update "$src"; fi
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
	# (7.3's also sets KBUILD_OUTPUT=/usr/src/linux-headers-KREL)
	sed -i "s|^include /usr/src/|include $ROOT/usr/src/|; s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$ROOT/usr/src/|" "$mk"
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
	d=$(mktemp -d "$VMI_CACHE/smoke.XXXXXX")
	printf '%s\n' '#include <linux/module.h>' 'static int __init h_init(void) { return 0; }' \
		'static void __exit h_exit(void) { }' 'module_init(h_init);' 'module_exit(h_exit);' \
		'MODULE_LICENSE("GPL");' >"$d/vmismoke.c"
	echo 'obj-m := vmismoke.o' >"$d/Makefile"
	vmi_log "test build of a module against $KDIR ($KROOT)"
	# shellcheck disable=SC2086 # KMAKE_ARGS is a list of words
	vmi_kmake "$KROOT" -s -C "$KDIR" M="$d" modules $KMAKE_ARGS >"$d/log" 2>&1 && [[ -f $d/vmismoke.ko ]] || rc=1
	((rc == 0)) || { cat "$d/log" >&2; rm -rf "$d"; vmi_die "module test build against $KDIR failed"; }
	rm -rf "$d"
}

# Packages of a merged-/usr system (Debian 13) put modules and the config
# under usr/lib/modules/KREL: give them the places vm-run.sh looks at.
fix_layout() { # KREL
	local m=$ROOT/usr/lib/modules/$1 f
	[[ -e $ROOT/lib || ! -d $ROOT/usr/lib ]] || ln -s usr/lib "$ROOT/lib"
	mkdir -p "$ROOT/boot"
	for f in vmlinuz vmlinuz.unsigned; do
		[[ -e $VMLINUZ || ! -f $m/$f ]] || ln -s "../usr/lib/modules/$1/$f" "$VMLINUZ"
	done
	[[ -e $ROOT/boot/config-$1 || ! -f $m/config ]] ||
		ln -s "../usr/lib/modules/$1/config" "$ROOT/boot/config-$1"
	[[ -e $ROOT/boot/System.map-$1 || ! -f $m/System.map ]] ||
		ln -s "../usr/lib/modules/$1/System.map" "$ROOT/boot/System.map-$1"
	return 0
}

fetch_one() { # SHORT
	local short=$1 krel src kbuild images
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
		read -ra images < <(image_pkgs "$src" "$krel")
		download "$src" "$KCACHE/$krel/debs" "${images[@]}" \
			"linux-headers-$krel" "linux-headers-${krel%-amd64}-common" "$kbuild"
		extract_debs "$KCACHE/$krel/debs" "$ROOT"
		fix_headers
		fix_layout "$krel"
		[[ -f $VMLINUZ ]] || vmi_die "no $VMLINUZ in ${images[*]}"
		extract_vmlinux
		smoke_build
		touch "$KCACHE/$krel/.complete"
		echo "$krel" >"$KCACHE/$short.krel"
		vmi_log "kernel $short ready: $krel"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
}

# The kernel source of SHORT's series and suite (linux-source-SERIES, the
# tarball only, for KUnit in UML: scripts/kunit.sh); its path on stdout.
# Cached by series: the first version fetched stays until the cache goes.
source_one() { # SHORT
	local short=$1 series=${1%%-*} src dir tarball lockfd
	dir=$KCACHE/source-$series
	tarball=$dir/linux-source-$series.tar.xz
	mkdir -p "$dir"
	exec {lockfd}>"$dir/.lock"
	flock "$lockfd"
	if [[ ! -f $tarball ]]; then
		vmi_need_root "fetch linux-source-$series"
		src=$(series_src "$short")
		[[ $src == sys ]] || suite_setup "$src"
		rm -rf "$dir/debs"
		download "$src" "$dir/debs" "linux-source-$series"
		vmi_log "taking linux-source-$series.tar.xz out of the package"
		dpkg-deb --fsys-tarfile "$dir"/debs/linux-source-"$series"_*.deb |
			tar -xO "./usr/src/linux-source-$series.tar.xz" >"$tarball.tmp"
		mv "$tarball.tmp" "$tarball"
		rm -rf "$dir/debs"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
	echo "$tarball"
}

main() {
	local cmd=${1:-} s krel
	if [[ $cmd == list ]]; then
		for s in "${ORDER[@]}"; do
			[[ ${2:-} != --check || ${CHECK[$s]} == yes ]] && echo "$s"
		done
		return 0
	fi
	[[ $cmd == -h || $cmd == --help || $cmd == help ]] && usage 0
	(($# >= 2)) || usage
	shift
	for s in "$@"; do check_short "$s"; done
	case $cmd in
	env)
		for s in "$@"; do
			fetch_one "$s"
			krel=$(cached_krel "$s")
			set_paths "$s" "$krel"
			# %q: safe to eval whatever the paths hold
			printf 'KREL=%q\nKDIR=%q\nVMLINUZ=%q\nVMLINUX=%q\nKMAKE_ARGS=%q\nKROOT=%q\n' \
				"$krel" "$KDIR" "$VMLINUZ" "$VMLINUX" "$KMAKE_ARGS" "$KROOT"
		done
		;;
	fetch) for s in "$@"; do fetch_one "$s"; done ;;
	headers) for s in "$@"; do fetch_one "$s"; done ;;
	source) for s in "$@"; do source_one "$s"; done ;;
	-h | --help | help) usage 0 ;;
	*) usage ;;
	esac
}

main "$@"; exit
