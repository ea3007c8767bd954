#!/usr/bin/env bash
# The Debian packages and the install targets, built and used for real.
#
#   scripts/package.sh build   dpkg-buildpackage -us -uc -b in a copy of the
#                              tree; prints the two .debs' paths
#   scripts/package.sh test    build, then (PASS/FAIL lines):
#     - the .debs hold what they should (tool, man page, completion; DKMS
#       sources with dkms.conf), versions agree (dkms.conf, changelog,
#       MODULE_VERSION, the tool's --version);
#     - in the trixie build root (scripts/buildroot.sh): dpkg -i both, DKMS
#       builds and installs the module for Debian 13's 6.12 and 7.3 headers
#       (their vermagic checked), dpkg --purge removes every trace;
#     - that DKMS-built module and the packaged tool in a 7.3 VM: the tool's
#       VMA count of pid 1 equals /proc/1/maps';
#     - `make dkms-install` (twice; `make install` over it refuses) and
#       `dkms-uninstall` in the build root;
#     - `make install DESTDIR=...` and `make uninstall` of the tree.
#
# The host gets no package of ours and no module: everything is installed
# into the build root, a staging directory or the VM.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

PKG=$VMI_CACHE/pkg
VERSION=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$top/src/main.c")
fails=0
passes=0
ok() { echo "PASS package: $*"; passes=$((passes + 1)); }
ko() { echo "FAIL package: $*"; fails=$((fails + 1)); }

# The tracked files (a git checkout) or the tree minus build products.
copy_tree() { # DEST
	rm -rf "$1"
	mkdir -p "$1"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$top" ls-files -z --cached --others --exclude-standard | (cd "$top" && rsync -a --from0 --files-from=- . "$1/")
	else
		rsync -a --exclude '*.o' --exclude '*.ko' --exclude '*.d' --exclude '.*.cmd' \
			"$top/" "$1/"
	fi
}

build() {
	local src=$PKG/vmainspect-$VERSION
	vmi_apt_install debhelper dh-dkms dpkg-dev libjson-c-dev pkg-config
	rm -f "$PKG"/*.deb "$PKG"/*.buildinfo "$PKG"/*.changes
	copy_tree "$src"
	vmi_log "dpkg-buildpackage -us -uc -b in $src"
	(cd "$src" && dpkg-buildpackage -us -uc -b >"$PKG/build.log" 2>&1) ||
		{ tail -n 30 "$PKG/build.log" >&2; vmi_die "dpkg-buildpackage failed (log: $PKG/build.log)"; }
	printf '%s\n' "$PKG/vmainspect_${VERSION}_"*.deb "$PKG/vmainspect-dkms_${VERSION}_all.deb"
}

# What the two packages hold, and one version everywhere.
check_contents() { # TOOL_DEB DKMS_DEB
	local list want missing=() v
	list=$(dpkg-deb -c "$1" | awk '{ print $6 }')
	for want in ./usr/bin/vmainspect ./usr/share/man/man1/vmainspect.1.gz \
		./usr/share/bash-completion/completions/vmainspect; do
		grep -qxF "$want" <<<"$list" || missing+=("$want")
	done
	list=$(dpkg-deb -c "$2" | awk '{ print $6 }')
	for want in Kbuild Makefile dkms.conf src/main.c src/Kbuild include/uapi/vmainspect.h; do
		grep -qxF "./usr/src/vmainspect-$VERSION/$want" <<<"$list" ||
			missing+=("vmainspect-dkms: /usr/src/vmainspect-$VERSION/$want")
	done
	if ((${#missing[@]})); then
		ko "package contents: missing ${missing[*]}"
	else
		ok "the tool package has the tool, its man page and bash completion; the dkms package the module's sources and dkms.conf"
	fi
	v=$(dpkg-deb -f "$1" Version)
	local modv toolv
	modv=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$top/src/main.c")
	toolv=$(sed -n 's/^#define VMAINSPECT_TOOL_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/userspace/main.h")
	if [[ $v == "$VERSION" && $modv == "$VERSION" && $toolv == "$VERSION" ]]; then
		ok "one version everywhere: $VERSION (MODULE_VERSION, debian/changelog, the tool; dkms.conf gets it when installed)"
	else
		ko "versions differ: package $v, MODULE_VERSION $modv, tool $toolv"
	fi
}

# In the trixie build root: install both packages, let DKMS build for
# 6.12-trixie and 7.3, check vermagic, purge.  Sets DKMS_KO73.
DKMS_KO73=
check_dkms() { # TOOL_DEB DKMS_DEB
	local short krel kdir out ko vm root
	root=$("$here/buildroot.sh" ensure trixie)
	# the packages' files, for the root to install from
	rm -rf "$root/tmp/vmi-debs"
	mkdir -p "$root/tmp/vmi-debs"
	cp "$1" "$2" "$root/tmp/vmi-debs/"
	if out=$("$here/buildroot.sh" run trixie sh -c \
		'dpkg -i /tmp/vmi-debs/*.deb && dkms status -m vmainspect' 2>&1) &&
	   grep -q "vmainspect/$VERSION" <<<"$out"; then
		ok "dpkg -i of both packages in the trixie build root; DKMS knows vmainspect/$VERSION"
	else
		ko "dpkg -i in the build root: $(tail -n 8 <<<"$out" | tr '\n' ' ')"
		return
	fi
	for short in 6.12-trixie 7.3; do
		eval "$("$here/kernels.sh" env "$short")"
		krel=$KREL kdir=$KDIR
		# DKMS finds a kernel's headers at /lib/modules/KREL/build
		if out=$("$here/buildroot.sh" run trixie sh -c "
			mkdir -p /lib/modules/$krel && ln -sfn '$kdir' /lib/modules/$krel/build &&
			dkms install -m vmainspect -v $VERSION -k $krel &&
			modinfo -F vermagic \$(find /lib/modules/$krel/updates -name 'vmainspect.ko*')" 2>&1) &&
		   vm=$(tail -n 1 <<<"$out") && [[ $vm == "$krel "* ]]; then
			ok "DKMS builds and installs the module for $short ($krel): vermagic '$vm'"
			ko=$(find "$root/lib/modules/$krel/updates" -name 'vmainspect.ko*' | head -n 1)
			[[ $short != 7.3 ]] || DKMS_KO73=$ko
		else
			ko "DKMS for $short ($krel): $(tail -n 8 <<<"$out" | tr '\n' ' ')"
		fi
	done
}

check_purge() {
	local out root
	root=$("$here/buildroot.sh" ensure trixie)
	if out=$("$here/buildroot.sh" run trixie sh -c \
		'dpkg --purge vmainspect vmainspect-dkms >/dev/null && dkms status -m vmainspect' 2>&1) &&
	   [[ -z $out ]] && [[ ! -e $root/usr/bin/vmainspect ]] &&
	   [[ -z $(find "$root/lib/modules" -name 'vmainspect.ko*' 2>/dev/null) ]] &&
	   [[ ! -e $root/usr/src/vmainspect-$VERSION ]]; then
		ok "dpkg --purge removes the tool, the sources, every DKMS-built module and DKMS's record"
	else
		ko "dpkg --purge left something: dkms status '$out'; $(find "$root/lib/modules" "$root/usr/src" \
			"$root/usr/bin" -name 'vmainspect*' 2>/dev/null | tr '\n' ' ')"
	fi
	rm -rf "$root/tmp/vmi-debs"
}

# make dkms-install (twice: a re-install replaces the first) and
# dkms-uninstall of a copy of the tree, in the build root, for 7.3.
check_make_dkms() {
	local t=$PKG/dkms-tree out
	eval "$("$here/kernels.sh" env 7.3)"
	copy_tree "$t"
	if out=$("$here/buildroot.sh" run trixie sh -c "
		mkdir -p /lib/modules/$KREL && ln -sfn '$KDIR' /lib/modules/$KREL/build &&
		make -s -C '$t' dkms-install KVER=$KREL >/dev/null &&
		make -s -C '$t' dkms-install KVER=$KREL >/dev/null &&
		make -s -C '$t' install KVER=$KREL 2>&1 | grep -q 'is installed by DKMS' &&
		modinfo -F vermagic \$(find /lib/modules/$KREL/updates -name 'vmainspect.ko*') &&
		make -s -C '$t' dkms-uninstall >/dev/null 2>&1 && dkms status -m vmainspect &&
		ls /usr/src | grep vmainspect || true" 2>&1) &&
	   [[ $(head -n 1 <<<"$out") == "$KREL "* && $(wc -l <<<"$out") == 1 ]]; then
		ok "make dkms-install (twice) builds and installs for 7.3, make install then refuses, make dkms-uninstall removes it"
	else
		ko "make dkms-install/uninstall in the build root: $(tail -n 8 <<<"$out" | tr '\n' ' ')"
	fi
	rm -rf "$t"
}

# The packaged module and tool, loaded and used in a 7.3 VM.
check_vm() { # TOOL_DEB
	local x ko out
	[[ -n $DKMS_KO73 ]] || { ko "7.3 VM: no DKMS-built module to load"; return; }
	x=$(mktemp -d)
	dpkg-deb -x "$1" "$x"
	ko=$x/vmainspect.ko
	case $DKMS_KO73 in
	*.xz) xz -dc "$DKMS_KO73" >"$ko" ;;
	*.zst) zstd -qdc "$DKMS_KO73" >"$ko" ;;
	*) cp "$DKMS_KO73" "$ko" ;;
	esac
	if out=$("$here/vm-run.sh" --kernel 7.3 --timeout 180 --module "$ko" \
		--tool "$x/usr/bin/vmainspect" -- sh -c \
		'echo "maps $(grep -c . /proc/1/maps) tool $(vmainspect maps 1 | grep -c "^[0-9a-f]")"' 2>&1) &&
	   [[ $out =~ maps\ ([0-9]+)\ tool\ ([0-9]+) ]] && ((BASH_REMATCH[1] == BASH_REMATCH[2])); then
		ok "7.3 VM: the DKMS-built module loads and the packaged tool lists pid 1's ${BASH_REMATCH[1]} VMAs, as /proc/1/maps"
	else
		ko "7.3 VM with the packaged module and tool: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
	fi
	rm -rf "$x"
}

# make install / uninstall into a staging directory, against 6.12's headers.
check_make_install() {
	local d t files left
	eval "$("$here/kernels.sh" env 6.12)"
	d=$(mktemp -d)
	t=$PKG/tree
	copy_tree "$t"
	if make -s -C "$t" install DESTDIR="$d" PREFIX=/usr KVER="$KREL" KDIR="$KDIR" >"$PKG/install.log" 2>&1; then
		files=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
		if [[ $files == *"./lib/modules/$KREL/updates/vmainspect.ko "* &&
		      $files == *"./usr/bin/vmainspect "* && $files == *"./usr/share/man/man1/vmainspect.1 "* &&
		      $files == *"./usr/share/bash-completion/completions/vmainspect "* ]]; then
			ok "make install DESTDIR: $files"
		else
			ko "make install DESTDIR installed: $files"
		fi
		make -s -C "$t" uninstall DESTDIR="$d" PREFIX=/usr KVER="$KREL" >>"$PKG/install.log" 2>&1 || true
		left=$(cd "$d" && find . -type f | tr '\n' ' ')
		if [[ -z $left ]]; then ok "make uninstall DESTDIR removes every installed file"; else ko "make uninstall left: $left"; fi
	else
		ko "make install DESTDIR: $(tail -n 5 "$PKG/install.log" | tr '\n' ' ')"
	fi
	rm -rf "$d" "$t"
}

case ${1:-} in
build) build ;;
test)
	mapfile -t debs < <(build | grep '\.deb$')
	tool_deb=${debs[0]} dkms_deb=${debs[1]}
	check_contents "$tool_deb" "$dkms_deb"
	check_dkms "$tool_deb" "$dkms_deb"
	check_vm "$tool_deb"
	check_purge
	check_make_dkms
	check_make_install
	echo "$passes passed, $fails failed"
	((fails == 0))
	;;
*) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0" >&2; exit 2 ;;
esac
