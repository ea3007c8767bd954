#!/usr/bin/env bash
# Build src/vmainspect.ko for one supported stock kernel, warnings as errors.
#
#   scripts/build-module.sh SHORT        SHORT: a kernel of scripts/kernels.list
#
# Debian 13's kernels are built in the build root of scripts/buildroot.sh
# (their kbuild tools need its gcc-14 and glibc).
# The sources are copied to $VMI_CACHE/build/<release>/ so that builds for
# several kernels never share object files with each other or with an
# in-tree `make`.  VMI_BUILD_TAG=NAME uses $VMI_CACHE/build/<release>-NAME/
# instead: for a second checkout building at the same time (each build
# dir is rsynced from one source tree).  Prints the absolute path of the
# .ko as the last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

short=${1:?usage: build-module.sh SHORT (scripts/kernels.sh list)}
KMAKE_ARGS='' KROOT=host
eval "$("$here/kernels.sh" env "$short")"

out="$VMI_CACHE/build/$KREL${VMI_BUILD_TAG:+-$VMI_BUILD_TAG}"
mkdir -p "$out"
# rsync keeps timestamps, so kbuild rebuilds only what changed.
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
	--exclude '*.mod' --exclude '*.mod.c' --exclude 'Module.symvers' \
	--exclude 'modules.order' --exclude '.module-common.o' \
	"$top/Kbuild" "$top/src" "$top/include" "$out/"

# W=1 and -Werror: "no warnings at W=1" is a test, not a wish.
# shellcheck disable=SC2086
vmi_kmake "$KROOT" -s -C "$KDIR" M="$out" W=1 KCFLAGS=-Werror $KMAKE_ARGS modules >&2
echo "$out/src/vmainspect.ko"
