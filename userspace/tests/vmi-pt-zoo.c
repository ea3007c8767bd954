// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-pt-zoo: a target whose page tables hold one of every state we know
 * how to make from user space, for checking the page-table ioctls against
 * /proc/PID/pagemap (vmi-check-pages).
 *
 * Exhibits (each a REGION line "REGION name 0xstart 0xend"):
 *   anon4k        anonymous, MADV_NOHUGEPAGE, every page written
 *   thp           2 MiB-aligned 4 MiB, MADV_HUGEPAGE, written (THP or not:
 *                 whatever the kernel gave, pagemap says)
 *   hugetlb       4 x 2 MiB MAP_HUGETLB, 3 touched (needs nr_hugepages > 0)
 *   hugetlb_1g    1 GiB MAP_HUGETLB (a PUD leaf), if a 1 GiB page is reserved
 *   shared_file   MAP_SHARED of a tmpfs file in /tmp, most pages written
 *   private_file  MAP_PRIVATE of a tmpfs file: all read, every 4th written (COW)
 *   zero          anonymous, only read: the shared zero page
 *   mlock         mlock()ed anonymous pages
 *   holes         written, then MADV_DONTNEED on every other 4-page group
 *   protnone      written, then mprotect(PROT_NONE) on the middle half
 *   softdirty     written; after clear_refs 4 a quarter is written again
 *   after_clear   mapped and written after clear_refs (VM_SOFTDIRTY)
 *   uffd_wp_anon  userfaultfd write-protected anon: half populated (uffd-wp
 *                 bit), half empty (markers, with WP_UNPOPULATED, 6.5+)
 *   uffd_wp_shmem userfaultfd write-protected memfd (shmem): markers, 5.19+
 *   huge_noreserve 1 TiB MAP_NORESERVE, a handful of pages touched
 *   sparse        64 MiB, MADV_NOHUGEPAGE, one page per 2 MiB
 *   high          4 MiB above 128 TiB, 2 pages touched (5-level kernels only)
 *   guard         anonymous, written, MADV_GUARD_INSTALL on pages 4-7 and 20
 *                 (guard markers, 6.13+), and on 24-27 installed then removed
 *   guard_file    MAP_SHARED of a tmpfs file, guards on pages 2-3 (6.15+)
 *   cow_dirty     written, then shared with a child forked before every
 *                 other exhibit: write-protected dirty PTEs (x86 6.6+:
 *                 SavedDirty)
 *   mthp          1 MiB anonymous at 64 KiB alignment, written: 64 KiB folios
 *                 where the kernel has anonymous mTHP enabled (6.8+; the
 *                 VM suite sets hugepages-64kB/enabled), base pages if not
 *   huge_zero     2 MiB-aligned 2 MiB, MADV_HUGEPAGE, only read: the huge
 *                 zero folio in a PMD (THP enabled, use_zero_page 1)
 *   uffd_rwp      16 written pages registered for userfaultfd read-write
 *                 protection (async), all protected, then pages 0, 4, 8
 *                 and 12 read again (accessed): 7.3+, CONFIG_USERFAULTFD_RWP
 * Unavailable ones print "SKIP name: reason" instead.  Swap is never made
 * (the test VM has none).  Then clear_refs, "READY pid", and it waits for
 * SIGTERM/SIGINT without touching memory (the checker needs a quiescent
 * target).  Its /tmp files are removed at exit.
 *
 * With --hwpoison (root, CONFIG_MEMORY_FAILURE; a throwaway VM only: the
 * frame stays poisoned) one page of region "hwpoison" is poisoned with
 * MADV_HWPOISON, leaving a hwpoison entry in its PTE.
 * swap: (with a swap device) 16 written pages, then MADV_PAGEOUT: swap
 * entries whose type and offset pagemap also shows.
 *
 * Usage: vmi-pt-zoo [--no-clear-refs] [--no-hugetlb] [--no-uffd] [--hwpoison]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB		0x40000
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT		26
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef UFFD_FEATURE_RWP			/* 7.3 */
#define UFFD_FEATURE_RWP		(1 << 17)
#define UFFD_FEATURE_RWP_ASYNC		(1 << 18)
#define UFFDIO_REGISTER_MODE_RWP	((__u64)1 << 3)
#define UFFDIO_RWPROTECT_MODE_RWP	((__u64)1 << 0)
struct uffdio_rwprotect {
	struct uffdio_range range;
	__u64 mode;
};
#define UFFDIO_RWPROTECT	_IOWR(UFFDIO, 0x09, struct uffdio_rwprotect)
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102
#define MADV_GUARD_REMOVE	103
#endif

#define MIB	(1UL << 20)
#define GIB	(1UL << 30)
#define TIB	(1UL << 40)

static volatile sig_atomic_t stop;
static char file_s[256], file_p[256], file_g[256];
static pid_t cow_child;
static long pg;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* MADV_HWPOISON on our own page sends us a (handled) BUS_MCEERR_AR SIGBUS. */
static volatile sig_atomic_t got_sigbus;

static void on_sigbus(int sig)
{
	(void)sig;
	got_sigbus = 1;
}

static void cleanup_files(void)
{
	if (file_s[0])
		unlink(file_s);
	if (file_p[0])
		unlink(file_p);
	if (file_g[0])
		unlink(file_g);
}

static void die(const char *what)
{
	fprintf(stderr, "vmi-pt-zoo: %s: %s\n", what, strerror(errno));
	cleanup_files();
	exit(1);
}

static void region(const char *name, void *p, size_t len)
{
	printf("REGION %s %#lx %#lx\n", name, (unsigned long)p,
	       (unsigned long)p + len);
	fflush(stdout);
}

static void skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void *xmmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Is a swap device active (a line after the header of /proc/swaps)? */
static int have_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n++;
	if (f)
		fclose(f);
	return n > 1;
}

static void *anon(size_t len, int advice)
{
	void *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (advice >= 0 && madvise(p, len, advice))
		die("madvise");
	return p;
}

/* A reservation of @len aligned to @align: the aligned part, rest unmapped. */
static void *aligned_anon(size_t len, size_t align)
{
	char *p = xmmap(NULL, len + align, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));

	if (a > p)
		munmap(p, a - p);
	if (a + len < p + len + align)
		munmap(a + len, p + len + align - (a + len));
	return a;
}

static void write_pages(char *p, size_t npages, int step)
{
	size_t i;

	for (i = 0; i < npages; i += step)
		p[i * pg] = (char)(i + 1);
}

static volatile char sink;

static void read_pages(const char *p, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		sink += p[i * pg];
}

static int make_file(char *path, size_t size, const char *tag)
{
	int fd;
	char *buf;

	snprintf(path, 256, "/tmp/vmi-pt-zoo-%s.%d", tag, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(path);
	buf = malloc(size);
	if (!buf)
		die("malloc");
	memset(buf, 'z', size);
	if (write(fd, buf, size) != (ssize_t)size)
		die("write");
	free(buf);
	return fd;
}

static int uffd_open(void)
{
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 && (errno == EPERM || errno == EACCES))
		fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	return fd;
}

/* UFFDIO_WRITEPROTECT's and UFFDIO_RWPROTECT's argument: the same shape. */
struct uffd_range_mode {
	struct uffdio_range range;
	__u64 mode;
};

/*
 * Register [p, p+len) with a new userfaultfd in @reg_mode and protect it
 * with @cmd/@mode.  @want: features to ask for; unless @must, dropped if
 * refused.  Returns 0 or an errno; *features_out gets what the kernel
 * granted.  The fd stays open (the protection lives on).
 */
static int uffd_protect(char *p, size_t len, __u64 want, int must, __u64 reg_mode,
			unsigned long cmd, __u64 mode, __u64 *features_out)
{
	struct uffdio_api api;
	struct uffdio_register reg;
	struct uffd_range_mode prot;
	int fd = uffd_open(), e;

	if (fd < 0)
		return errno;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	api.features = want;
	if (ioctl(fd, UFFDIO_API, &api)) {
		if (must)
			goto fail;
		/* An fd takes only one UFFDIO_API: retry on a fresh one. */
		close(fd);
		fd = uffd_open();
		if (fd < 0)
			return errno;
		memset(&api, 0, sizeof(api));
		api.api = UFFD_API;
		if (ioctl(fd, UFFDIO_API, &api))
			goto fail;
	}
	*features_out = api.features;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)p;
	reg.range.len = len;
	reg.mode = reg_mode;
	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		goto fail;
	memset(&prot, 0, sizeof(prot));
	prot.range.start = (unsigned long)p;
	prot.range.len = len;
	prot.mode = mode;
	if (ioctl(fd, cmd, &prot))
		goto fail;
	return 0;
fail:
	e = errno;
	close(fd);
	return e;
}

/* Write-protect [p, p+len); @want: features asked for, dropped if refused. */
static int uffd_wp(char *p, size_t len, __u64 want, __u64 *features_out)
{
	return uffd_protect(p, len, want, 0, UFFDIO_REGISTER_MODE_WP, UFFDIO_WRITEPROTECT,
			    UFFDIO_WRITEPROTECT_MODE_WP, features_out);
}

/*
 * Read-write protect [p, p+len) in async mode (an access clears the
 * protection without a message): 7.3+, CONFIG_USERFAULTFD_RWP.
 */
static int uffd_rwp(char *p, size_t len)
{
	__u64 features;

	return uffd_protect(p, len, UFFD_FEATURE_RWP | UFFD_FEATURE_RWP_ASYNC, 1,
			    UFFDIO_REGISTER_MODE_RWP, UFFDIO_RWPROTECT,
			    UFFDIO_RWPROTECT_MODE_RWP, &features);
}

static int clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return errno;
	ok = write(fd, "4", 1) == 1;
	close(fd);
	return ok ? 0 : errno;
}

/*
 * Each exhibit below maps its memory, brings it to its state and prints
 * its REGION line (or SKIP with the reason).  main() makes them in a fixed
 * order: cow_dirty first, clear_refs after softdirty and before uffd.
 */

/*
 * Written pages shared with a child (COW): write-protected, dirty.
 * First, before any other exhibit exists: a fork later would
 * write-protect and share every private page of the zoo.
 */
static void make_cow_dirty(void)
{
	size_t n = 16;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);
	pid_t parent;

	write_pages(p, n, 1);
	parent = getpid();
	cow_child = fork();
	if (cow_child < 0)
		die("fork");
	if (cow_child == 0) {
		/* until SIGTERM (the zoo's, or at its death) */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		while (!stop && getppid() == parent)
			sleep(1);
		_exit(0);
	}
	region("cow_dirty", p, n * pg);
}

/* anonymous 4K pages, written */
static void make_anon4k(void)
{
	size_t n = 64;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);

	write_pages(p, n, 1);
	region("anon4k", p, n * pg);
}

/* THP candidate: 4 MiB at a 2 MiB boundary */
static void make_thp(void)
{
	char *p = aligned_anon(4 * MIB, 2 * MIB);

	if (madvise(p, 4 * MIB, MADV_HUGEPAGE))
		skip("thp", "madvise(MADV_HUGEPAGE): %s", strerror(errno));
	write_pages(p, 4 * MIB / pg, 1);
	region("thp", p, 4 * MIB);
}

/* hugetlb: needs reserved pages (the runner writes nr_hugepages) */
static void make_hugetlb(void)
{
	char *p = mmap(NULL, 8 * MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 0);

	if (p == MAP_FAILED) {
		skip("hugetlb", "mmap(MAP_HUGETLB 2M): %s (nr_hugepages 0?)", strerror(errno));
		return;
	}
	p[0] = 1;
	p[2 * MIB + 5 * pg] = 2;
	p[6 * MIB + 511 * pg] = 3;	/* third one; 4 MiB-6 MiB stays empty */
	region("hugetlb", p, 8 * MIB);
}

/* hugetlb 1 GiB (a PUD leaf): needs a reserved gigantic page */
static void make_hugetlb_1g(void)
{
	char *p = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0);

	if (p == MAP_FAILED) {
		skip("hugetlb_1g", "mmap(MAP_HUGETLB 1G): %s (no 1 GiB page reserved?)",
		     strerror(errno));
		return;
	}
	p[0] = 1;
	p[GIB - pg] = 2;
	region("hugetlb_1g", p, GIB);
}

/*
 * MAP_SHARED of a tmpfs file, most pages written; MAP_PRIVATE of another:
 * read everything, write every 4th (COW)
 */
static void make_files(void)
{
	size_t n = 32;
	int fd = make_file(file_s, n * pg, "shared");
	char *p = xmmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	close(fd);
	write_pages(p, n - 4, 1);
	region("shared_file", p, n * pg);

	fd = make_file(file_p, n * pg, "private");
	p = xmmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	read_pages(p, n);
	write_pages(p, n, 4);
	region("private_file", p, n * pg);
}

/* the zero page: read faults on anonymous memory */
static void make_zero(void)
{
	size_t n = 16;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);

	read_pages(p, n);
	region("zero", p, n * pg);
}

static void make_mlock(void)
{
	size_t n = 8;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);

	if (mlock(p, n * pg))
		skip("mlock", "mlock: %s", strerror(errno));
	else
		region("mlock", p, n * pg);
}

/* MADV_DONTNEED holes */
static void make_holes(void)
{
	size_t n = 32;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);
	int i;

	write_pages(p, n, 1);
	for (i = 0; i < (int)n; i += 8)
		if (madvise(p + (i + 4) * pg, 4 * pg, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
	region("holes", p, n * pg);
}

/* PROT_NONE over touched pages */
static void make_protnone(void)
{
	size_t n = 16;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);

	write_pages(p, n, 1);
	if (mprotect(p + 4 * pg, 8 * pg, PROT_NONE))
		die("mprotect");
	region("protnone", p, n * pg);
}

/* soft-dirty: written now, a quarter again after clear_refs (make_after_clear) */
static char *make_softdirty(void)
{
	size_t n = 32;
	char *soft = anon(n * pg, MADV_NOHUGEPAGE);

	write_pages(soft, n, 1);
	region("softdirty", soft, n * pg);
	return soft;
}

/* 1 TiB, MAP_NORESERVE, a handful of pages touched */
static void make_huge_noreserve(void)
{
	static const unsigned long offs[] = {
		0, 4096, 1 * GIB + 8192, 300 * GIB, 512 * GIB - 4096,
		512 * GIB, 777 * GIB + 12345 * 4096UL, TIB - 4096,
	};
	char *p = mmap(NULL, TIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int i;

	if (p == MAP_FAILED) {
		skip("huge_noreserve", "mmap 1 TiB MAP_NORESERVE: %s", strerror(errno));
		return;
	}
	for (i = 0; i < (int)(sizeof(offs) / sizeof(offs[0])); i++)
		p[offs[i]] = 1;
	region("huge_noreserve", p, TIB);
}

/* above 128 TiB: only a 5-level kernel gives it (a hint asks for it) */
static void make_high(void)
{
	char *p = mmap((void *)(1UL << 52), 4 * MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		skip("high", "mmap at 4 PiB: %s", strerror(errno));
	} else if ((uintptr_t)p < (1UL << 47)) {
		skip("high", "no address above 128 TiB (4-level paging)");
		munmap(p, 4 * MIB);
	} else {
		p[0] = 1;
		p[3 * MIB + 5 * pg] = 1;
		region("high", p, 4 * MIB);
	}
}

/* sparse: one page per 2 MiB */
static void make_sparse(void)
{
	char *p = anon(64 * MIB, MADV_NOHUGEPAGE);
	size_t n;

	for (n = 0; n < 64 * MIB; n += 2 * MIB)
		p[n + ((n / (2 * MIB)) % 512) * pg] = 1;
	region("sparse", p, 64 * MIB);
}

/* clear the soft-dirty bits, then dirty some pages of @soft again */
static void make_after_clear(char *soft)
{
	int e = clear_refs(), i;
	char *p;

	if (e) {
		skip("softdirty", "clear_refs: %s", strerror(e));
		return;
	}
	for (i = 0; i < 32; i += 4)
		soft[i * pg] = 2;
	/* a VMA born after clear_refs: VM_SOFTDIRTY */
	p = anon(8 * pg, MADV_NOHUGEPAGE);
	write_pages(p, 8, 2);
	region("after_clear", p, 8 * pg);
}

/* userfaultfd write-protect (after clear_refs: it would not matter) */
static void make_uffd_wp(void)
{
	size_t n = 32;
	char *p = anon(n * pg, MADV_NOHUGEPAGE), *q;
	__u64 feat;
	int e, fd;

	write_pages(p, n / 2, 1);
	e = uffd_wp(p, n * pg, UFFD_FEATURE_WP_UNPOPULATED, &feat);
	if (e) {
		skip("uffd_wp_anon", "userfaultfd write-protect: %s", strerror(e));
		munmap(p, n * pg);
	} else {
		region("uffd_wp_anon", p, n * pg);
		printf("INFO uffd_wp_anon features %#llx%s\n", (unsigned long long)feat,
		       feat & UFFD_FEATURE_WP_UNPOPULATED ? " (wp_unpopulated)" : "");
	}

	n = 16;
	fd = syscall(SYS_memfd_create, "vmi-pt-zoo-uffd", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, n * pg)) {
		skip("uffd_wp_shmem", "memfd: %s", strerror(errno));
		return;
	}
	q = xmmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	write_pages(q, n / 2, 1);
	e = uffd_wp(q, n * pg, UFFD_FEATURE_WP_HUGETLBFS_SHMEM, &feat);
	if (e) {
		skip("uffd_wp_shmem", "userfaultfd write-protect on shmem: %s", strerror(e));
		munmap(q, n * pg);
	} else {
		region("uffd_wp_shmem", q, n * pg);
	}
}

/* one poisoned page (--hwpoison): the SIGBUS it sends us is ignored */
static void make_hwpoison(void)
{
	size_t n = 4;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);
	struct sigaction sa;

	write_pages(p, n, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	if (madvise(p + pg, pg, MADV_HWPOISON)) {
		skip("hwpoison", "madvise(MADV_HWPOISON): %s", strerror(errno));
		munmap(p, n * pg);
	} else {
		region("hwpoison", p, n * pg);
		if (got_sigbus)
			printf("INFO hwpoison: SIGBUS received and ignored\n");
	}
}

/* Written, then reclaimed at once: swap entries in the PTEs. */
static void make_swap(void)
{
	size_t n = 16;
	char *p;

	if (!have_swap()) {
		skip("swap", "not made: no swap device (vm-run.sh --swap MB gives one)");
		return;
	}
	p = anon(n * pg, MADV_NOHUGEPAGE);
	write_pages(p, n, 1);
	if (madvise(p, n * pg, MADV_PAGEOUT)) {
		skip("swap", "madvise(MADV_PAGEOUT): %s", strerror(errno));
		munmap(p, n * pg);
	} else {
		region("swap", p, n * pg);
	}
}

/* guard regions: PTE markers that fault with SIGSEGV, anonymous and file */
static void make_guards(void)
{
	size_t n = 32;
	char *p = anon(n * pg, MADV_NOHUGEPAGE), *q;
	int fd;

	write_pages(p, n, 1);
	if (madvise(p + 4 * pg, 4 * pg, MADV_GUARD_INSTALL)) {
		skip("guard", "madvise(MADV_GUARD_INSTALL): %s (6.13+)", strerror(errno));
		munmap(p, n * pg);
	} else if (madvise(p + 20 * pg, pg, MADV_GUARD_INSTALL) ||
		   madvise(p + 24 * pg, 4 * pg, MADV_GUARD_INSTALL) ||
		   madvise(p + 24 * pg, 4 * pg, MADV_GUARD_REMOVE)) {
		die("madvise(MADV_GUARD_INSTALL/REMOVE)");
	} else {
		region("guard", p, n * pg);
	}
	n = 8;
	fd = make_file(file_g, n * pg, "guard");
	q = xmmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	write_pages(q, n, 1);
	if (madvise(q + 2 * pg, 2 * pg, MADV_GUARD_INSTALL)) {
		skip("guard_file", "MADV_GUARD_INSTALL on a file: %s (6.15+)", strerror(errno));
		munmap(q, n * pg);
	} else {
		region("guard_file", q, n * pg);
	}
}

/* multi-size THP: too small and misaligned for a PMD, fine for 64 KiB */
static void make_mthp(void)
{
	char *p, *q;

	if (access("/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled", F_OK)) {
		skip("mthp", "no hugepages-64kB in sysfs (anonymous mTHP is 6.8+)");
		return;
	}
	/* inside PROT_NONE margins: merged with no neighbour */
	q = xmmap(NULL, MIB + 128 * 1024, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = (char *)(((uintptr_t)q + 64 * 1024 + 64 * 1024 - 1) & ~(uintptr_t)(64 * 1024 - 1));
	if (mprotect(p, MIB, PROT_READ | PROT_WRITE))
		die("mprotect");
	write_pages(p, MIB / pg, 1);
	region("mthp", p, MIB);
}

/* the huge zero folio: a read fault on a THP-eligible PMD range */
static void make_huge_zero(void)
{
	char *p = aligned_anon(2 * MIB, 2 * MIB);

	if (madvise(p, 2 * MIB, MADV_HUGEPAGE)) {
		skip("huge_zero", "madvise(MADV_HUGEPAGE): %s", strerror(errno));
		munmap(p, 2 * MIB);
		return;
	}
	read_pages(p, 1);
	read_pages(p + MIB, 1);
	region("huge_zero", p, 2 * MIB);
}

/* userfaultfd read-write protection: 12 pages protected, 4 accessed */
static void make_uffd_rwp(void)
{
	size_t n = 16;
	char *p = anon(n * pg, MADV_NOHUGEPAGE);
	int e, i;

	write_pages(p, n, 1);
	e = uffd_rwp(p, n * pg);
	if (e) {
		skip("uffd_rwp", "userfaultfd RWP: %s (7.3+, CONFIG_USERFAULTFD_RWP)", strerror(e));
		munmap(p, n * pg);
		return;
	}
	for (i = 0; i < (int)n; i += 4)
		sink += p[i * pg];
	region("uffd_rwp", p, n * pg);
}

static int do_clear = 1, do_hugetlb = 1, do_uffd = 1, do_hwpoison;

/* the options; 0, or 2 after the usage */
static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-clear-refs"))
			do_clear = 0;
		else if (!strcmp(argv[i], "--no-hugetlb"))
			do_hugetlb = 0;
		else if (!strcmp(argv[i], "--no-uffd"))
			do_uffd = 0;
		else if (!strcmp(argv[i], "--hwpoison"))
			do_hwpoison = 1;
		else if (!strcmp(argv[i], "--sigwait"))
			; /* always: accepted for symmetry with vmi-zoo */
		else {
			fprintf(stderr, "usage: vmi-pt-zoo [--no-clear-refs] [--no-hugetlb] [--no-uffd] [--hwpoison]\n");
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char *soft;

	if (parse_args(argc, argv))
		return 2;
	pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	make_cow_dirty();
	make_anon4k();
	make_thp();
	if (do_hugetlb) {
		make_hugetlb();
		make_hugetlb_1g();
	} else {
		skip("hugetlb", "--no-hugetlb");
	}
	make_files();
	make_zero();
	make_mlock();
	make_holes();
	make_protnone();
	soft = make_softdirty();
	make_huge_noreserve();
	make_high();
	make_sparse();
	if (do_clear)
		make_after_clear(soft);
	if (do_uffd)
		make_uffd_wp();
	else
		skip("uffd_wp_anon", "--no-uffd");
	if (do_hwpoison)
		make_hwpoison();
	make_swap();
	make_guards();
	make_mthp();
	make_huge_zero();
	if (do_uffd)
		make_uffd_rwp();

	printf("READY %d\n", (int)getpid());
	fflush(stdout);
	while (!stop)
		pause();
	if (cow_child > 0) {
		kill(cow_child, SIGTERM);
		waitpid(cow_child, NULL, 0);
	}
	cleanup_files();
	return 0;
}
