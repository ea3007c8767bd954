#!/usr/bin/env bash
# Kernel-style checks of the module: checkpatch.pl --strict (from Debian's
# linux-source) and sparse against each supported kernel's headers.
# Prints PASS/FAIL lines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

checkpatch_dir="$VMI_CACHE/checkpatch"
checkpatch="$checkpatch_dir/scripts/checkpatch.pl"
if [ ! -x "$checkpatch" ]; then
	mkdir -p "$checkpatch_dir"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$checkpatch_dir" \
		--strip-components=1 --wildcards '*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
fi

fail=0
cd "$top"
# compat.h is the one file allowed to compare kernel versions.
mapfile -t files < <(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'kunit/*.c' 'kunit/*.h' |
		     grep -v '^src/compat.h$')
if out=$("$checkpatch" --strict --no-tree --terse --show-types -f "${files[@]}" 2>&1) &&
   out2=$("$checkpatch" --strict --no-tree --terse --show-types \
	  --ignore LINUX_VERSION_CODE -f src/compat.h 2>&1); then
	echo "PASS style checkpatch --strict"
else
	echo "FAIL style checkpatch --strict:"
	printf '%s\n%s\n' "${out:-}" "${out2:-}" | grep -v '^total:' | sed 's/^/    /'
	fail=1
fi

for short in $("$here/kernels.sh" list); do
	KMAKE_ARGS='' KROOT=host
	eval "$("$here/kernels.sh" env "$short")"
	tmp=$(mktemp -d "$VMI_CACHE/style.XXXXXX") # inside a build root too
	cp -r Kbuild src include "$tmp/"
	# shellcheck disable=SC2086
	log=$(vmi_kmake "$KROOT" -s -C "$KDIR" M="$tmp" C=2 CHECK=sparse $KMAKE_ARGS modules 2>&1 |
	      grep -v 'Skipping BTF generation' || true)
	rm -rf "$tmp"
	if [[ $log == *"is not available or not up to date"* ]]; then
		# 7.3's kbuild wants a sparse that knows __typeof_unqual__; the
		# newest in Debian (0.6.4, bookworm to sid) does not, and 7.3's
		# headers package lacks the scripts/checker-valid.sh it asks
		echo "INFO style sparse [$short]: not run: Debian's sparse $(sparse --version 2>/dev/null) is too old for its kbuild"
	elif [ -n "$log" ]; then
		echo "FAIL style sparse [$short]:"
		printf '%s\n' "$log" | sed 's/^/    /'
		fail=1
	else
		echo "PASS style sparse [$short]"
	fi
done
exit $fail
