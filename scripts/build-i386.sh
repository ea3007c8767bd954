#!/usr/bin/env bash
# Compile the module's 32-bit x86 code against Debian's i386 kernel headers
# (6.1, 686-pae: HIGHMEM, PAE), warnings as errors.  No 32-bit VM runs here,
# so this proves that the i386 kernel-region code (the architecture files
# klayout_i386.c and kaddr_x86.c) and what it uses compile; KUnit covers
# its arithmetic (kunit/klayout_kunit.c).  The whole module does not
# build for i386: the page-table walker refuses highmem PTE tables
# (src/pgtable.c).
#
#   scripts/build-i386.sh        fetch the headers if needed, then compile
#
# The i386 headers package is downloaded with a private apt configuration
# (arch i386, lists under $VMI_CACHE/apt-i386) and unpacked, never
# installed; its common headers and host tools (linux-kbuild-6.1) are those
# scripts/kernels.sh unpacked for the amd64 6.1 kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

# The objects with 32-bit code paths of their own, and abi.o: its
# vmainspect_abi_layout.h checks that the UAPI structs keep the x86_64
# layout under i386's 4-byte __u64 alignment (a 32-bit tool's view too).
OBJS=(abi.o klayout.o klayout_live.o klayout_i386.o kaddr.o kaddr_x86.o klayout_dev.o
	debugfs_klayout.o)

D=$VMI_CACHE/apt-i386
eval "$("$here/kernels.sh" env 6.1)"
KREL_AMD64=$KREL
[[ -n $KREL_AMD64 ]] || vmi_die "no 6.1 kernel release from kernels.sh"
ROOT_AMD64=${KDIR%/usr/src/*}
KREL=${KREL_AMD64%-amd64}-686-pae
ROOT=$D/root
KDIR=$ROOT/usr/src/linux-headers-$KREL
OPTS=(-o "Dir::Etc::sourcelist=$D/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	-o "Dir::State::Lists=$D/lists" -o "Dir::Cache=$D/cache"
	-o APT::Architectures::=i386 -o APT::Architecture=i386 -o APT::Sandbox::User=root)

fetch() {
	local main sec key=/usr/share/keyrings/debian-archive-keyring.gpg deb
	main=$(vmi_mirror_uri main)
	sec=$(vmi_mirror_uri security)
	mkdir -p "$D/lists/partial" "$D/cache/archives/partial" "$D/debs"
	printf 'deb [arch=i386 signed-by=%s] %s bookworm main\ndeb [arch=i386 signed-by=%s] %s bookworm-security main\n' \
		"$key" "$main" "$key" "$sec" >"$D/sources.list"
	vmi_log "apt-get update (i386, private lists in $D)"
	apt-get "${OPTS[@]}" "$(vmi_aptq)" update >&2 || vmi_die "apt-get update (i386) failed"
	(cd "$D/debs" && apt-get "${OPTS[@]}" "$(vmi_aptq)" download "linux-headers-$KREL" >&2) ||
		vmi_die "cannot download linux-headers-$KREL"
	deb=$(ls "$D/debs/linux-headers-${KREL}_"*_i386.deb | tail -n 1)
	rm -rf "$ROOT.new"
	mkdir -p "$ROOT.new/usr/lib"
	dpkg-deb -x "$deb" "$ROOT.new"
	rm -rf "$ROOT"
	mv "$ROOT.new" "$ROOT"
}

# Point the i386 tree at the amd64 6.1 root: the common headers (its
# one-line Makefile includes /usr/src/linux-headers-...-common/Makefile)
# and scripts -> ../../lib/linux-kbuild-6.1/scripts, the host tools.
link_amd64() {
	sed -i "s|^include .*/usr/src/|include $ROOT_AMD64/usr/src/|" "$KDIR/Makefile"
	ln -sfn "$ROOT_AMD64/usr/lib/linux-kbuild-6.1" "$ROOT/usr/lib/linux-kbuild-6.1"
}

[[ -f $KDIR/Makefile ]] || fetch
link_amd64
common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$KDIR/Makefile")
[[ -d $common && -d $ROOT/usr/lib/linux-kbuild-6.1/scripts ]] ||
	vmi_die "$KDIR/Makefile includes $common, or linux-kbuild-6.1 is missing in $ROOT_AMD64"

out=$VMI_CACHE/build/$KREL
mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.cmd' "$top/src" "$top/include" "$out/"
make -s -C "$KDIR" M="$out/src" ARCH=x86 CC=gcc W=1 KCFLAGS=-Werror \
	ccflags-y="-I$out/include" "${OBJS[@]}" >&2
echo "$KREL: ${OBJS[*]}"
