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
 *
 * --hostile builds, in a memfd, a file made to cost a careless reader time
 * or memory (below), looks an offset up in it and checks the answer, the
 * time taken and the peak RSS.
 *
 *   elf-fuzz [--iterations N] [--seed S] FILE...
 *   elf-fuzz --lookup FILE OFFSET     print one lookup (for elf-fuzz.sh)
 *   elf-fuzz --hostile unterminated|underscores|symtabs
 *   elf-fuzz --open-test DIR
 *
 * --open-test checks how the tool opens a mapped file (../file_addr.c's
 * file_addr_open(), on this very process, no module needed): a file
 * mapped here and then replaced by a symbolic link to a FIFO or to
 * /dev/null (its last component or a directory above it, also swapped to
 * and fro while it is opened thousands of times), or a FIFO or /dev/null
 * at the VMA's path, is refused with its reason and never opened (inotify
 * sees no open of the FIFO), while the mapped file itself is opened.
 * ELF_FUZZ_RACE_ITERS: how many opens in the race (default 100000).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <gelf.h>

#include "../elf_file.h"
#include "../file_addr.h"
#include "../format.h"
#include "../json_out.h"

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

/*
 * A hostile ELF file: one .text over the whole file (one PT_LOAD too),
 * .strtab, and nsymtabs SHT_SYMTAB headers all over the same nsym GLOBAL
 * FUNC symbols, each at 0 with size 1 << 40: each holds every address and
 * they all tie, so the pick compares their names (fill 'y': NOTYPE ones,
 * never a pick, so that a careless reader tries every header).  The
 * string table is "\0a\0" and then strsz - 3 bytes of fill:
 *  'x': its last byte not NUL, every symbol named "a";
 *  'y': a NUL at the end, every symbol named "a" (and NOTYPE);
 *  '_': a NUL at the end, the first symbol named "a", the others a name
 *       of strsz - 4 underscores.
 */
static void put(int fd, const void *buf, size_t len, uint64_t *off)
{
	if (pwrite(fd, buf, len, *off) != (ssize_t)len) {
		perror("hostile: pwrite");
		exit(2);
	}
	*off += len;
}

static void put_shdr(int fd, uint64_t *off, uint32_t name, uint32_t type,
		     uint64_t flags, uint64_t at, uint64_t size, uint32_t link,
		     uint32_t info, uint64_t entsize)
{
	Elf64_Shdr sh = {
		.sh_name = name, .sh_type = type, .sh_flags = flags,
		.sh_offset = at, .sh_size = size, .sh_link = link,
		.sh_info = info, .sh_addralign = 1, .sh_entsize = entsize,
	};

	put(fd, &sh, sizeof(sh), off);
}

static void gen_hostile(int fd, char fill, size_t nsym, size_t strsz,
			unsigned int nsymtabs)
{
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	uint64_t off = 0, sym_off, str_off, shs_off, sh_off, total;
	static char chunk[65536];
	Elf64_Sym syms[256];
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };
	bool underscores = fill == '_';
	size_t i, n;

	sym_off = sizeof(eh) + sizeof(ph);
	str_off = sym_off + (nsym + 1) * sizeof(Elf64_Sym);
	shs_off = str_off + strsz;
	sh_off = (shs_off + sizeof(shstr) + 7) & ~7ULL;
	total = sh_off + (4 + nsymtabs) * sizeof(Elf64_Shdr);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_shoff = sh_off;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4 + nsymtabs;
	eh.e_shstrndx = 2;
	put(fd, &eh, sizeof(eh), &off);
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_filesz = ph.p_memsz = total;
	ph.p_align = 4096;
	put(fd, &ph, sizeof(ph), &off);
	/* symbol 0, then nsym symbols */
	memset(syms, 0, sizeof(syms));
	put(fd, syms, sizeof(syms[0]), &off);
	for (i = 0; i < nsym; i += n) {
		n = nsym - i < 256 ? nsym - i : 256;
		for (size_t k = 0; k < n; k++) {
			syms[k].st_name = underscores && i + k ? 3 : 1;
			syms[k].st_info = GELF_ST_INFO(STB_GLOBAL, fill == 'y' ?
						       STT_NOTYPE : STT_FUNC);
			syms[k].st_shndx = 1;
			syms[k].st_size = 1ULL << 40;
		}
		put(fd, syms, n * sizeof(syms[0]), &off);
	}
	put(fd, "\0a\0", 3, &off);
	memset(chunk, fill, sizeof(chunk));
	for (i = 3; i < strsz; i += n) {
		n = strsz - i < sizeof(chunk) ? strsz - i : sizeof(chunk);
		put(fd, chunk, n, &off);
	}
	if (fill != 'x') {
		off--;
		put(fd, "", 1, &off);
	}
	put(fd, shstr, sizeof(shstr), &off);
	off = sh_off;
	put_shdr(fd, &off, 0, SHT_NULL, 0, 0, 0, 0, 0, 0);
	put_shdr(fd, &off, 1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0,
		 total, 0, 0, 0);
	put_shdr(fd, &off, 23, SHT_STRTAB, 0, shs_off, sizeof(shstr), 0, 0, 0);
	put_shdr(fd, &off, 15, SHT_STRTAB, 0, str_off, strsz, 0, 0, 0);
	for (i = 0; i < nsymtabs; i++)
		put_shdr(fd, &off, 7, SHT_SYMTAB, 0, sym_off,
			 (nsym + 1) * sizeof(Elf64_Sym), 3, 1,
			 sizeof(Elf64_Sym));
}

/*
 * Each case within HOSTILE_SECONDS and HOSTILE_RSS_MB (sanitizers
 * included), with the answer a careful reader gives:
 *  unterminated: 20,000 symbols, 16 MiB string table without a final NUL
 *                (elf_strptr() scans it on every call): no symbol, why;
 *  underscores:  20,000 aliases with 16 MiB names of '_': "a";
 *  symtabs:      64 SHT_SYMTAB headers over one 8 MiB table of NOTYPE
 *                symbols (libelf keeps each header's copy, 512 MiB): no
 *                symbol, why.
 */
#define HOSTILE_SECONDS	5.0
#define HOSTILE_RSS_MB	160

static int hostile(const char *mode)
{
	int fd = memfd_create("elf-fuzz-hostile", MFD_CLOEXEC);
	struct timespec t0, t1;
	struct elf_file_info e;
	struct rusage ru;
	bool want_sym;
	double secs;
	struct stat st;
	int ok;

	if (fd < 0) {
		perror("memfd");
		return 2;
	}
	if (!strcmp(mode, "unterminated"))
		gen_hostile(fd, 'x', 20000, 16 << 20, 1);
	else if (!strcmp(mode, "underscores"))
		gen_hostile(fd, '_', 20000, 16 << 20, 1);
	else if (!strcmp(mode, "symtabs"))
		gen_hostile(fd, 'y', (8 << 20) / sizeof(Elf64_Sym), 4096, 64);
	else
		return 2;
	want_sym = !strcmp(mode, "underscores");
	if (fstat(fd, &st))
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (elf_file_lookup(fd, st.st_size, 100, &e))
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	check(&e, mode);
	ok = secs < HOSTILE_SECONDS && ru.ru_maxrss < HOSTILE_RSS_MB * 1024 &&
	     e.have_vaddr && e.vaddr == 100 &&
	     (want_sym ? e.have_symbol && !strcmp(e.symbol, "a") &&
			 e.symbol_offset == 100 : !e.have_symbol && e.why);
	printf("%s hostile %s: %.2f s (limit %.0f), peak RSS %ld MiB (limit %d), symbol %s+0x%llx, why: %s\n",
	       ok && !bad ? "ok" : "not ok", mode, secs, HOSTILE_SECONDS,
	       ru.ru_maxrss / 1024, HOSTILE_RSS_MB,
	       e.have_symbol ? e.symbol : "-",
	       (unsigned long long)e.symbol_offset, e.why ? e.why : "-");
	close(fd);
	return ok && !bad ? 0 : 1;
}

/* file_addr.c's other calls, which --open-test never makes. */
unsigned int page_shift(void)
{
	return 12;
}

FILE *wrap_begin(struct wrap_buf *w, FILE *out)
{
	w->m = out;
	return out;
}

void wrap_end(struct wrap_buf *w, const char *cont)
{
	(void)w;
	(void)cont;
}

void json_add_hex(json_object *obj, const char *key, __u64 val)
{
	(void)obj, (void)key, (void)val;
}

void json_add_bool(json_object *obj, const char *key, bool val)
{
	(void)obj, (void)key, (void)val;
}

void json_add_hex_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val)
{
	(void)obj, (void)key, (void)valid, (void)val;
}

void json_add_name(json_object *obj, const char *key, const char *str,
		   size_t len)
{
	(void)obj, (void)key, (void)str, (void)len;
}

static unsigned long open_pass, open_fail;

static void open_check(bool ok, const char *fmt, const char *a, const char *b)
{
	printf("%s open-test: ", ok ? "ok" : "not ok");
	printf(fmt, a, b);
	printf("\n");
	if (ok)
		open_pass++;
	else
		open_fail++;
}

/* The VMA of this process holding addr, as the module would give it. */
static void vma_of(const void *addr, const char *name, struct vmi_vma *vma)
{
	unsigned long long s, e, off;
	char line[4096];
	struct stat st;
	FILE *f = fopen("/proc/self/maps", "r");

	memset(vma, 0, sizeof(*vma));
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %*s %llx", &s, &e, &off) != 3 ||
		    (uintptr_t)addr < s || (uintptr_t)addr >= e)
			continue;
		vma->v.start = s;
		vma->v.end = e;
		vma->v.pgoff = off >> 12;
		break;
	}
	if (f)
		fclose(f);
	if (!vma->v.start || stat(name, &st)) {
		perror("open-test: maps or stat");
		exit(2);
	}
	vma->v.inode = st.st_ino;
	vma->v.dev_major = major(st.st_dev);
	vma->v.dev_minor = minor(st.st_dev);
	vma->v.kind = VMAINSPECT_KIND_FILE;
	vma->v.attrs = VMAINSPECT_ATTR_FILE;
	vma->name = (char *)name;
	vma->name_len = strlen(name);
}

/* A VMA naming path, with path's own device and inode (no mapping). */
static void vma_named(const char *path, struct vmi_vma *vma)
{
	struct stat st;

	memset(vma, 0, sizeof(*vma));
	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	vma->v.start = 0x1000;
	vma->v.end = 0x2000;
	vma->v.inode = st.st_ino;
	vma->v.dev_major = major(st.st_dev);
	vma->v.dev_minor = minor(st.st_dev);
	vma->v.kind = VMAINSPECT_KIND_FILE;
	vma->v.attrs = VMAINSPECT_ATTR_FILE;
	vma->name = (char *)path;
	vma->name_len = strlen(path);
}

/* Open by route: "ok" with the descriptor checked and closed, else why. */
static const char *try_open(const struct vmi_vma *vma, unsigned int route)
{
	const char *why = NULL;
	struct stat st, st2;
	int fd = file_addr_open(getpid(), vma, route, &st, &why);

	if (fd < 0)
		return why ? why : "(no reason)";
	if (fstat(fd, &st2) || !S_ISREG(st2.st_mode) ||
	    st2.st_ino != vma->v.inode) {
		close(fd);
		return "OPENED ANOTHER FILE";
	}
	close(fd);
	return "ok";
}

/* IN_OPEN events on the watched FIFOs since the last call. */
static unsigned int fifo_opens(int ino)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	unsigned int opens = 0;
	ssize_t n, i;

	while ((n = read(ino, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n;) {
			const struct inotify_event *ev = (const void *)(buf + i);

			opens += !!(ev->mask & IN_OPEN);
			i += sizeof(*ev) + ev->len;
		}
	}
	return opens;
}

struct flipper {
	char a[PATH_MAX], b[PATH_MAX];
	volatile bool stop;
	unsigned long flips;
};

/* Swap the mapped file's name with a symbolic link to the FIFO, to and fro. */
static void *flip(void *arg)
{
	struct flipper *f = arg;

	while (!f->stop) {
		if (syscall(SYS_renameat2, AT_FDCWD, f->a, AT_FDCWD, f->b,
			    RENAME_EXCHANGE)) {
			perror("open-test: renameat2");
			exit(2);
		}
		f->flips++;
	}
	return NULL;
}

static int open_test(const char *dir)
{
	char sub[PATH_MAX], lib[PATH_MAX], real[PATH_MAX], fifo[PATH_MAX];
	char decoy[PATH_MAX], decoy_lib[PATH_MAX], subreal[PATH_MAX];
	bool root = geteuid() == 0;
	struct flipper fl = { .stop = false };
	unsigned long ok = 0, refused = 0, other = 0, i, race_iters = 100000;
	struct vmi_vma vma, dvma;
	char page[8192];
	const char *r;
	pthread_t th;
	void *map;
	int fd, ino;

	if (getenv("ELF_FUZZ_RACE_ITERS"))
		race_iters = strtoul(getenv("ELF_FUZZ_RACE_ITERS"), NULL, 0);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(subreal, sizeof(subreal), "%s/sub.real", dir);
	snprintf(lib, sizeof(lib), "%s/sub/lib.so", dir);
	snprintf(real, sizeof(real), "%s/sub/lib.so.real", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(decoy, sizeof(decoy), "%s/decoy", dir);
	snprintf(decoy_lib, sizeof(decoy_lib), "%s/decoy/lib.so", dir);
	memset(page, 'x', sizeof(page));
	if (mkdir(sub, 0755) || mkdir(decoy, 0755) || mkfifo(fifo, 0644) ||
	    mkfifo(decoy_lib, 0644) ||
	    (fd = open(lib, O_RDWR | O_CREAT | O_EXCL, 0644)) < 0 ||
	    write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
		perror("open-test: setup");
		return 2;
	}
	map = mmap(NULL, sizeof(page), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		perror("open-test: mmap");
		return 2;
	}
	vma_of(map, lib, &vma);
	/* the detector: an open of either FIFO is seen */
	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0 || inotify_add_watch(ino, fifo, IN_OPEN) < 0 ||
	    inotify_add_watch(ino, decoy_lib, IN_OPEN) < 0) {
		perror("open-test: inotify");
		return 2;
	}
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	open_check(fifo_opens(ino) == 1, "inotify sees an open of the FIFO%s%s",
		   "", "");

	r = try_open(&vma, FILE_ADDR_ROOT_PATH);
	open_check(!strcmp(r, "ok"), "the mapped file by its path: %s%s", r, "");
	if (root) {
		r = try_open(&vma, FILE_ADDR_MAP_FILES);
		open_check(!strcmp(r, "ok"), "the mapped file by map_files: %s%s",
			   r, "");
	}

	/* its name now a symbolic link to the FIFO, then to /dev/null */
	if (rename(lib, real) || symlink(fifo, lib)) {
		perror("open-test: symlink");
		return 2;
	}
	r = try_open(&vma, FILE_ADDR_ROOT_PATH);
	open_check(strstr(r, "symbolic link") != NULL,
		   "its path a symbolic link to a FIFO: refused: %s%s", r, "");
	if (root) {
		r = try_open(&vma, FILE_ADDR_MAP_FILES | FILE_ADDR_ROOT_PATH);
		open_check(!strcmp(r, "ok"),
			   "its path a symbolic link, by map_files: the mapped file: %s%s",
			   r, "");
	}
	if (unlink(lib) || symlink("/dev/null", lib)) {
		perror("open-test: symlink");
		return 2;
	}
	r = try_open(&vma, FILE_ADDR_ROOT_PATH);
	open_check(strstr(r, "symbolic link") != NULL,
		   "its path a symbolic link to /dev/null: refused: %s%s", r, "");
	if (unlink(lib) || rename(real, lib)) {
		perror("open-test: restore");
		return 2;
	}

	/* a directory above it an absolute symbolic link to one with a FIFO */
	if (rename(sub, subreal) || symlink(decoy, sub)) {
		perror("open-test: symlink");
		return 2;
	}
	r = try_open(&vma, FILE_ADDR_ROOT_PATH);
	open_check(strstr(r, "symbolic link") != NULL,
		   "a directory of its path a symbolic link: refused: %s%s", r, "");
	if (unlink(sub) || rename(subreal, sub)) {
		perror("open-test: restore");
		return 2;
	}

	/* a FIFO, a character device at the VMA's path: not regular files */
	vma_named(fifo, &dvma);
	r = try_open(&dvma, FILE_ADDR_MAP_FILES | FILE_ADDR_ROOT_PATH);
	open_check(!strcmp(r, "not a regular file"), "a FIFO VMA: %s%s", r, "");
	vma_named("/dev/null", &dvma);
	r = try_open(&dvma, FILE_ADDR_MAP_FILES | FILE_ADDR_ROOT_PATH);
	open_check(!strcmp(r, "not a regular file"), "a /dev/null VMA: %s%s",
		   r, "");

	/* the race: the name swapped with a symbolic link to the FIFO */
	snprintf(fl.a, sizeof(fl.a), "%s", lib);
	snprintf(fl.b, sizeof(fl.b), "%s/sub/alt", dir);
	if (symlink(fifo, fl.b) ||
	    pthread_create(&th, NULL, flip, &fl)) {
		perror("open-test: flipper");
		return 2;
	}
	for (i = 0; i < race_iters; i++) {
		r = try_open(&vma, FILE_ADDR_ROOT_PATH);
		if (!strcmp(r, "ok"))
			ok++;
		else if (strstr(r, "symbolic link") || strstr(r, "changed") ||
			 strstr(r, "regular") || strstr(r, "cannot be found"))
			refused++;
		else
			other++;
	}
	fl.stop = true;
	pthread_join(th, NULL);
	{
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "%lu opens while the path flipped %lu times: %lu of the mapped file, %lu refused, %lu else",
			 i, fl.flips, ok, refused, other);
		open_check(!other, "%s%s", msg, "");
	}

	{
		unsigned int n = fifo_opens(ino);
		char msg[64];

		snprintf(msg, sizeof(msg), "%u", n);
		open_check(n == 0, "the FIFOs were opened %s times%s", msg, "");
	}
	close(ino);
	munmap(map, sizeof(page));
	printf("# open-test: %lu passed, %lu failed\n", open_pass, open_fail);
	return open_fail ? 1 : 0;
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

	if (argc == 3 && !strcmp(argv[1], "--open-test"))
		return open_test(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--hostile"))
		return hostile(argv[2]);
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
