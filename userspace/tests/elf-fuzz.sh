#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# elf-fuzz.sh: host test of the tool's ELF reader (../elf_file.c) and of
# how it opens a mapped file (../file_addr.c), for make check.  Builds
# elf-fuzz.c with ASan and UBSan, then
#  1. against binutils: offsets inside .text of the C library and of the
#     test binary itself resolve to a symbol that nm lists at exactly
#     ELF address - symbol offset, in the section readelf gives;
#  2. fuzz: truncated and corrupted copies of those files never crash, leak
#     or read out of bounds (ASan aborts the run) and give well-formed
#     answers;
#  3. hostile files (a 16 MiB string table without a final NUL, 20,000
#     aliases with 16 MiB names, 64 symbol table headers over one 8 MiB
#     table): each lookup within 5 s and 160 MiB peak RSS (timeout 20 over
#     the whole run), with the answer expected;
#  4. opening a mapped file: a symbolic link swapped into its path (also
#     while it is opened), a FIFO or /dev/null at it, is refused and never
#     opened; the file itself is (as root also by map_files).
#   userspace/tests/elf-fuzz.sh [ITERATIONS]      (default 1500 per file)
# Output: PASS/FAIL lines, last "N passed, N failed" (make check's docs
# stage runs it).
set -u
cd "$(dirname "$0")" || exit 2
ITERS=${1:-1500}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
fail=0
pass=0
# shellcheck disable=SC2046
if ! cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -D_GNU_SOURCE -I../../include \
	$(pkg-config --cflags libelf json-c) -o "$BIN/elf-fuzz" elf-fuzz.c \
	../elf_file.c ../file_addr.c $(pkg-config --libs libelf json-c) -pthread; then
	echo "FAIL elf-fuzz: elf-fuzz does not build"
	exit 1
fi
LIBC=$(ldd "$BIN/elf-fuzz" | awk '$1 ~ /^libc\.so/ { print $3 }')
FILES="$BIN/elf-fuzz $LIBC"

# 1. intact files against nm/readelf
for f in $FILES; do
	# .text: address, offset, size
	read -r taddr toff tsize < <(readelf -SW "$f" | sed 's/^ *\[ *[0-9]*\]//' |
		awk '$1 == ".text" { print $3, $4, $5 }')
	if [ -z "$tsize" ]; then echo "FAIL elf-fuzz: no .text in $f"; fail=$((fail + 1)); continue; fi
	syms=$(mktemp)
	nm --defined-only "$f" 2>/dev/null | awk '$2 ~ /^[TtWi]$/ { print $1, $3 }' >"$syms"
	[ -s "$syms" ] || nm -D --defined-only "$f" | awk '$2 ~ /^[TtWi]$/ { sub(/@.*/, "", $3); print $1, $3 }' >"$syms"
	for i in $(seq 1 25); do
		off=$(( 0x$toff + (RANDOM * 32768 + RANDOM) % 0x$tsize ))
		out=$(ASAN_OPTIONS=detect_leaks=1 "$BIN/elf-fuzz" --lookup "$f" "$off")
		# elf 1 section S vaddr V symbol N offset O why W
		set -- $out
		sec=$4 vaddr=$6 name=$8 soff=${10}
		want=$(( 0x$taddr + off - 0x$toff ))
		if [ "$sec" != .text ] || [ $((vaddr)) -ne "$want" ]; then
			echo "FAIL elf-fuzz: $f offset $off: section $sec ELF address $vaddr, readelf: .text, $(printf 0x%x "$want")"
			fail=$((fail + 1))
		elif [ "$name" = - ]; then
			pass=$((pass + 1))	# padding between functions
		elif grep -q "^0*$(printf %x $((vaddr - soff))) $name\$" "$syms"; then
			pass=$((pass + 1))
		else
			echo "FAIL elf-fuzz: $f offset $off: $name+$soff, which nm does not list at $(printf 0x%x $((vaddr - soff)))"
			fail=$((fail + 1))
		fi
	done
	rm -f "$syms"
done
npass=0
if [ "$fail" -eq 0 ]; then
	npass=1
	echo "PASS elf-fuzz: $pass random .text offsets of $(echo "$FILES" | wc -w) files: section and symbol as readelf and nm give them"
fi

# 2. fuzz (ASan aborts with a non-zero status on any error)
if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 "$BIN/elf-fuzz" --iterations "$ITERS" \
	--seed "$RANDOM" $FILES >"$BIN/out" 2>&1; then
	echo "PASS elf-fuzz: corrupted and truncated copies, no sanitizer error: $(tail -1 "$BIN/out")"
	npass=$((npass + 1))
else
	echo "FAIL elf-fuzz: elf-fuzz:"
	tail -30 "$BIN/out"
	fail=$((fail + 1))
fi
# 3. hostile files: quick, small and the expected answer
for mode in unterminated underscores symtabs; do
	if out=$(ASAN_OPTIONS=detect_leaks=1 timeout 20 "$BIN/elf-fuzz" --hostile $mode 2>&1) &&
		[ "${out#ok }" != "$out" ]; then
		echo "PASS elf-fuzz: ${out#ok }"
		npass=$((npass + 1))
	else
		[ -n "$out" ] || out="(killed by timeout 20)"
		echo "FAIL elf-fuzz: hostile $mode: $out"
		fail=$((fail + 1))
	fi
done

# 4. opening a mapped file
mkdir "$BIN/open"
if ASAN_OPTIONS=detect_leaks=1 timeout 60 "$BIN/elf-fuzz" --open-test "$BIN/open" >"$BIN/out" 2>&1; then
	echo "PASS elf-fuzz: opening a mapped file: $(grep -c '^ok' "$BIN/out") checks: $(grep 'flipped' "$BIN/out" | sed 's/^ok open-test: //')"
	npass=$((npass + 1))
else
	echo "FAIL elf-fuzz: opening a mapped file:"
	grep -v '^ok' "$BIN/out" | tail -30
	fail=$((fail + 1))
fi
echo "$npass passed, $fail failed"
[ "$fail" -eq 0 ]
