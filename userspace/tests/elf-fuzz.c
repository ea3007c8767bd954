// SPDX-License-Identifier: GPL-2.0
/*
 * elf-fuzz: host test of the tool's ELF reader (../elf_file.c), built with
 * AddressSanitizer and UBSan by elf-fuzz.sh.  For each ELF file given (a
 * real executable, a shared library...) it looks up offsets in the
 * intact file, then in truncated copies (every length in steps, and every
 * length inside the headers) and in copies with random bytes changed
 * (anywhere, and in the ELF, program and section headers): no lookup may
 * crash, read out of bounds or leak (ASan), and every answer must be well
 * formed (names NUL-terminated, shorter than the limit, a symbol only with
 * an ELF address).  The intact file's answers are checked against nm's
 * view of the same symbols by elf-fuzz.sh.
 *
 *   elf-fuzz [--iterations N] [--seed S] FILE...
 *   elf-fuzz --lookup FILE OFFSET     print one lookup (for elf-fuzz.sh)
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../elf_file.h"

static unsigned long long rng_state = 88172645463325252ULL;
static unsigned long lookups, bad;

static unsigned long long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void check(const struct elf_file_info *e, const char *what)
{
	lookups++;
	if ((e->have_symbol && (!e->symbol[0] || !e->have_vaddr ||
				strnlen(e->symbol, ELF_FILE_NAME_MAX) >= ELF_FILE_NAME_MAX)) ||
	    (e->have_section && (!e->section[0] ||
				 strnlen(e->section, ELF_FILE_NAME_MAX) >= ELF_FILE_NAME_MAX)) ||
	    (!e->have_symbol && !e->why)) {
		bad++;
		printf("not ok: malformed answer for %s\n", what);
	}
}

/* Look up a few offsets of buf[0..len) through a memfd, as the tool does. */
static void lookup_buf(const unsigned char *buf, size_t len, size_t orig_len,
		       const char *what)
{
	struct elf_file_info e;
	int fd = memfd_create("elf-fuzz", MFD_CLOEXEC);
	unsigned int i;

	if (fd < 0 || (len && write(fd, buf, len) != (ssize_t)len)) {
		perror("memfd");
		exit(2);
	}
	for (i = 0; i < 6; i++) {
		uint64_t off = i < 5 ? orig_len * i / 5 : rnd() % (orig_len + 1);

		if (elf_file_lookup(fd, len, off, &e)) {
			printf("not ok: libelf init\n");
			exit(2);
		}
		check(&e, what);
	}
	close(fd);
}

static void print_lookup(const char *path, uint64_t off)
{
	struct elf_file_info e;
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) || elf_file_lookup(fd, st.st_size, off, &e)) {
		perror(path);
		exit(2);
	}
	printf("elf %d section %s vaddr 0x%llx symbol %s offset 0x%llx why %s\n",
	       e.is_elf, e.have_section ? e.section : "-",
	       (unsigned long long)(e.have_vaddr ? e.vaddr : 0),
	       e.have_symbol ? e.symbol : "-",
	       (unsigned long long)e.symbol_offset, e.why ? e.why : "-");
	close(fd);
}

static void fuzz_file(const char *path, unsigned long iters)
{
	unsigned char *orig, *copy;
	size_t len, hdr, i, n;
	unsigned long it;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 64) {
		perror(path);
		exit(2);
	}
	len = st.st_size;
	orig = malloc(len);
	copy = malloc(len);
	if (!orig || !copy || pread(fd, orig, len, 0) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
	lookup_buf(orig, len, len, "intact");
	/* truncated: every length inside the first 4 KiB, then in steps */
	hdr = len < 4096 ? len : 4096;
	for (i = 0; i < hdr; i += 7)
		lookup_buf(orig, i, len, "truncated (headers)");
	for (i = hdr; i < len; i += len / 200 + 1)
		lookup_buf(orig, i, len, "truncated");
	/* the section headers cut off: the end of the file */
	for (i = 1; i < 4096 && i < len; i += 61)
		lookup_buf(orig, len - i, len, "truncated (tail)");
	for (it = 0; it < iters; it++) {
		memcpy(copy, orig, len);
		n = 1 + rnd() % 16;
		while (n--) {
			unsigned long long r = rnd();
			size_t at;

			/* half in the ELF header and the tables, half anywhere */
			if (r & 1)
				at = rnd() % (len < 4096 ? len : 4096);
			else if (r & 2)
				at = len - 1 - rnd() % (len < 8192 ? len : 8192);
			else
				at = rnd() % len;
			copy[at] = (r & 4) ? 0xff : (unsigned char)(r >> 8);
		}
		lookup_buf(copy, len, len, "corrupted");
	}
	free(orig);
	free(copy);
}

int main(int argc, char **argv)
{
	unsigned long iters = 2000;
	int i = 1;

	if (argc == 4 && !strcmp(argv[1], "--lookup")) {
		print_lookup(argv[2], strtoull(argv[3], NULL, 0));
		return 0;
	}
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--iterations"))
			iters = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			rng_state = strtoull(argv[i + 1], NULL, 0) | 1;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: elf-fuzz [--iterations N] [--seed S] FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		unsigned long before = lookups;

		fuzz_file(argv[i], iters);
		printf("# %s: %lu lookups\n", argv[i], lookups - before);
	}
	printf("# elf-fuzz: %lu lookups, %lu malformed answers\n", lookups, bad);
	return bad ? 1 : 0;
}
