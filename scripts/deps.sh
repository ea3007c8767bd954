#!/bin/bash
# Install every host package the project needs (Debian 12, as root).
# Idempotent: installs only what is missing, and runs apt-get update only
# when a missing package is unknown to apt (or its .deb is gone from the
# mirror). Kernel images and headers are never installed: scripts/kernels.sh
# (which knows the pinned ABI names) downloads and unpacks them into the
# cache, the 6.1/6.12 ones here, 5.10's on first use.
#
#   scripts/deps.sh            install what is missing
#   scripts/deps.sh --list     print the package names (the headers excluded)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export VMI_VERBOSE=${VMI_VERBOSE:-1} # say what gets installed

PKGS=(
	# module and userspace builds
	build-essential gcc make pkg-config libjson-c-dev sparse
	flex bison bc libelf-dev libssl-dev kmod
	# test VM
	qemu-system-x86 busybox-static cpio gzip xz-utils
	# tools used by the scripts and tests
	python3 python3-jsonschema rsync file
	# the Debian 13 build root (scripts/buildroot.sh)
	debootstrap
	# the .debs (scripts/package.sh; nothing of ours is installed here)
	debhelper dh-dkms dpkg-dev
	# kernel sources (UML/KUnit, debug kernels)
	linux-source-6.1 linux-source-6.12
)

main() {
	case ${1:-} in
	--list) printf '%s\n' "${PKGS[@]}"; return 0 ;;
	"") ;;
	-h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0"; return 0 ;;
	*) vmi_die "unknown argument '$1' (try --help)" ;;
	esac
	vmi_apt_install "${PKGS[@]}"
	"$VMI_ROOT/scripts/kernels.sh" headers 6.1 6.12
}

main "$@"; exit
