#!/usr/bin/env bash
# A minimal Debian build root for kernels whose kbuild tools need a newer
# userland than the host's (Debian 13's kernels: their headers ask for
# gcc-14, and their modpost/objtool binaries for glibc 2.38).  Created
# once with `debootstrap --variant=minbase` from the mirror named in the
# host's apt sources, kept in the cache; the host's apt sources and
# packages are left alone.
#
#   scripts/buildroot.sh ensure SUITE       create it if missing; print its path
#   scripts/buildroot.sh run SUITE CMD...   run CMD inside it, as root
#
# SUITE: trixie.  CMD runs in a private mount namespace (nothing to clean
# up, nothing visible outside) with the cache and this repository mounted
# at their own paths, so the same path names work inside and outside.
# Cached in $VMI_CACHE/buildroot-SUITE, keyed by its package list.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

# What a module build needs: the compiler the headers were built with,
# make, and the libraries of the prebuilt kbuild tools (objtool: libelf,
# sign-file: libssl; BTF for modules: pahole of dwarves; W=1 kernel-doc:
# perl up to 6.12, python3 since; scripts/style.sh: sparse; scripts/package.sh:
# dkms, and libjson-c5 for the packaged tool).
declare -A PKGS=([trixie]="gcc-14 make libc6-dev libelf1t64 libssl3t64 binutils dwarves perl python3 sparse dkms libjson-c5")

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0" >&2
	exit 2
}

root_of() { echo "$VMI_CACHE/buildroot-$1"; }

stamp() { # SUITE
	printf 'suite %s\npackages %s\n' "$1" "${PKGS[$1]}"
}

ready() { # SUITE
	local r
	r=$(root_of "$1")
	[[ -x $r/usr/bin/make && -f $r/.vmainspect-complete ]] &&
		cmp -s <(stamp "$1") "$r/.vmainspect-complete"
}

create() { # SUITE
	local suite=$1 r key=/usr/share/keyrings/debian-archive-keyring.gpg mirror
	r=$(root_of "$suite")
	vmi_need_root "create the $suite build root"
	vmi_need_cmd debootstrap debootstrap
	mirror=$(vmi_mirror_uri main)
	rm -rf "$r.tmp"
	mkdir -p "$r.tmp"
	vmi_log "debootstrap --variant=minbase $suite into $r (a few minutes, once)"
	# shellcheck disable=SC2086 # the package list is words
	debootstrap --variant=minbase --keyring="$key" \
		--include="$(tr ' ' , <<<"${PKGS[$suite]}")" \
		"$suite" "$r.tmp" "$mirror" >&2 ||
		vmi_die "debootstrap $suite failed (log: $r.tmp/debootstrap/debootstrap.log)"
	# no daemons, no docs: this root only compiles
	rm -rf "$r.tmp/var/cache/apt/archives/"*.deb
	stamp "$suite" >"$r.tmp/.vmainspect-complete"
	rm -rf "$r"
	mv "$r.tmp" "$r"
}

ensure() { # SUITE
	local lockfd
	[[ -n ${PKGS[$1]:-} ]] || vmi_die "unknown build-root suite '$1' (want one of: ${!PKGS[*]})"
	ready "$1" && return 0
	mkdir -p "$VMI_CACHE"
	exec {lockfd}>"$VMI_CACHE/.buildroot.lock"
	flock "$lockfd"
	ready "$1" || create "$1"
	flock -u "$lockfd"
	exec {lockfd}>&-
}

# Run CMD inside the root: /proc, /dev, the cache and the repository bound
# at their own paths in a private mount namespace; the host's environment
# reduced to what a build needs.
run() { # SUITE CMD...
	local suite=$1 r
	shift
	ensure "$suite"
	r=$(root_of "$suite")
	vmi_need_root "enter the $suite build root"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		r=$1 cache=$2 repo=$3
		shift 3
		for d in "$cache" "$repo"; do
			mkdir -p "$r$d"
			mount --bind "$d" "$r$d"
		done
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@"
	' vmi-buildroot "$r" "$VMI_CACHE" "$VMI_ROOT" "$@"
}

case ${1:-} in
ensure) (($# == 2)) || usage; ensure "$2"; root_of "$2" ;;
run) (($# >= 3)) || usage; run "${@:2}" ;;
-h | --help) usage ;;
*) usage ;;
esac
