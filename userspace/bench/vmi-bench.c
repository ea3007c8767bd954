// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-bench: how fast is the module's range walk (VMAINSPECT_IOC_PT_RUNS)
 * against the kernel's own interfaces, measured in the same run:
 * reading /proc/self/pagemap, and the PAGEMAP_SCAN ioctl (6.7+).
 *
 * Cases, each a fresh mapping of this process (attached to itself):
 *   dense  1 GiB anonymous, MADV_NOHUGEPAGE, every page written
 *   thp    1 GiB anonymous at a 2 MiB boundary, MADV_HUGEPAGE, written
 *   sparse 16 GiB MAP_NORESERVE, MADV_NOHUGEPAGE, one page per 2 MiB written
 *   empty  1 TiB MAP_NORESERVE, untouched
 * Each method is timed (CLOCK_MONOTONIC, best of --reps, default 5) over
 * the whole mapping:
 *   module   PT_RUNS, max_runs 65536, following next_addr until DONE
 *   tbl      the same with VMAINSPECT_PT_RUNS_NO_FRAME_BITS (page tables
 *            only: no file/exclusive bits, no struct page read)
 *   pagemap  pread() of /proc/self/pagemap in 1 MiB chunks; over more than
 *            16 GiB only every 256th chunk is read and the time multiplied
 *            by the sampling factor (marked "~" in the table)
 *   scan     PAGEMAP_SCAN with no category filter (every page reported,
 *            like the module's runs, which include empty ones); "n/a" where
 *            the kernel lacks it (ENOTTY/EINVAL, before 6.7)
 * Prints ns per page and the ratios pagemap/module and scan/module; under
 * TCG only the ratios mean something.  Needs ~2.2 GiB of guest memory
 * (vm-run.sh --mem 3072).
 *
 * --max-runs N: PT_RUNS max_runs (default 65536).
 *
 * Usage: vmi-bench [--reps N] [--max-runs N] [--case dense|thp|sparse|empty]...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "uapi/vmainspect.h"

/* PAGEMAP_SCAN (6.7+): Debian 12's headers lack it. */
#ifndef PAGEMAP_SCAN
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_FILE		(1 << 2)
#define PAGE_IS_PRESENT		(1 << 3)
#define PAGE_IS_SWAPPED		(1 << 4)
#define PAGE_IS_PFNZERO		(1 << 5)
#define PAGE_IS_HUGE		(1 << 6)
#define PAGE_IS_SOFT_DIRTY	(1 << 7)
#endif

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define TIB		(1ULL << 40)
#define PG		4096ULL
#define CHUNK		MIB			/* pagemap bytes per pread */
#define SAMPLE_ABOVE	(16 * GIB)		/* sample pagemap reads above */
#define SAMPLE_EVERY	256
#define SCAN_VEC	65536

static int reps = 5;
static unsigned int max_runs = VMAINSPECT_RUNS_MAX;
static int devfd, pmfd;
static struct vmainspect_pt_run *runbuf;
static uint64_t *pmbuf;
static struct page_region *scanvec;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "vmi-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct walk {
	uint64_t ns;		/* best time */
	uint64_t runs, calls;	/* of the last repetition */
	int err;		/* errno if unavailable */
	int sampled;		/* pagemap: extrapolated from a sample */
};

static void module_walk(uint64_t start, uint64_t end, uint32_t flags,
			struct walk *w)
{
	struct vmainspect_pt_runs a;
	uint64_t t0, t, cursor;
	int r;

	w->ns = UINT64_MAX;
	for (r = 0; r < reps; r++) {
		w->runs = w->calls = 0;
		cursor = start;
		t0 = now_ns();
		for (;;) {
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.flags = flags;
			a.start = cursor;
			a.end = end;
			a.runs = (uintptr_t)runbuf;
			a.run_size = sizeof(*runbuf);
			a.max_runs = max_runs;
			if (ioctl(devfd, VMAINSPECT_IOC_PT_RUNS, &a)) {
				w->err = errno;
				return;
			}
			w->calls++;
			w->runs += a.nr_runs;
			if (a.out_flags & VMAINSPECT_PT_DONE)
				break;
			if (a.next_addr <= cursor) {
				w->err = EPROTO;
				return;
			}
			cursor = a.next_addr;
		}
		t = now_ns() - t0;
		if (t < w->ns)
			w->ns = t;
	}
}

static void pagemap_walk(uint64_t start, uint64_t end, struct walk *w)
{
	uint64_t bytes = (end - start) / PG * 8, off0 = start / PG * 8, t0, t, o;
	uint64_t step = CHUNK, factor = 1;
	int r;

	if (end - start > SAMPLE_ABOVE) {
		step = CHUNK * SAMPLE_EVERY;
		factor = SAMPLE_EVERY;
		w->sampled = 1;
	}
	w->ns = UINT64_MAX;
	for (r = 0; r < reps; r++) {
		w->calls = 0;
		t0 = now_ns();
		for (o = 0; o < bytes; o += step) {
			size_t n = bytes - o < CHUNK ? bytes - o : CHUNK;

			if (pread(pmfd, pmbuf, n, (off_t)(off0 + o)) != (ssize_t)n) {
				w->err = errno ? errno : EIO;
				return;
			}
			w->calls++;
		}
		t = (now_ns() - t0) * factor;
		if (t < w->ns)
			w->ns = t;
	}
}

static void scan_walk(uint64_t start, uint64_t end, struct walk *w)
{
	struct pm_scan_arg a;
	uint64_t t0, t, cursor;
	long n;
	int r;

	w->ns = UINT64_MAX;
	for (r = 0; r < reps; r++) {
		w->runs = w->calls = 0;
		cursor = start;
		t0 = now_ns();
		while (cursor < end) {
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.start = cursor;
			a.end = end;
			a.vec = (uintptr_t)scanvec;
			a.vec_len = SCAN_VEC;
			a.return_mask = PAGE_IS_FILE | PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
					PAGE_IS_PFNZERO | PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY;
			n = ioctl(pmfd, PAGEMAP_SCAN, &a);
			if (n < 0) {
				w->err = errno;
				return;
			}
			w->calls++;
			w->runs += (uint64_t)n;
			if (a.walk_end <= cursor) {
				w->err = EPROTO;
				return;
			}
			cursor = a.walk_end;
		}
		t = now_ns() - t0;
		if (t < w->ns)
			w->ns = t;
	}
}

static void *map(uint64_t len, int flags, int advice, uint64_t align)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0), *a;

	if (p == MAP_FAILED)
		die("mmap");
	a = p;
	if (align) {
		a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
		if (a > p)
			munmap(p, a - p);
		munmap(a + len, p + align - a);
	}
	if (advice >= 0 && madvise(a, len, advice))
		die("madvise");
	return a;
}

static void cell(char *b, size_t n, const struct walk *w, uint64_t pages)
{
	if (w->err)
		snprintf(b, n, "%s", w->err == ENOTTY || w->err == EINVAL ? "n/a" : strerror(w->err));
	else
		snprintf(b, n, "%s%.2f", w->sampled ? "~" : "", (double)w->ns / (double)pages);
}

/* the best time in ms ("~" when extrapolated), or "-" */
static void ms(char *b, size_t n, const struct walk *w)
{
	if (w->err)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%s%.2f", w->sampled ? "~" : "", (double)w->ns / 1e6);
}

static void ratio(char *b, size_t n, const struct walk *x, const struct walk *m)
{
	if (x->err || m->err || !m->ns)
		snprintf(b, n, "n/a");
	else
		snprintf(b, n, "%s%.1fx", x->sampled ? "~" : "", (double)x->ns / (double)m->ns);
}

static void run_case(const char *name)
{
	uint64_t len, i, pages;
	struct walk m, tb, p, s;
	char *a;
	char c1[32], c2[32], c3[32], c4[32], r1[32], r2[32], r4[32], t1[32], t2[32], t3[32], sr[32];

	memset(&m, 0, sizeof(m));
	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	memset(&tb, 0, sizeof(tb));
	if (!strcmp(name, "dense")) {
		len = GIB;
		a = map(len, 0, MADV_NOHUGEPAGE, 0);
		for (i = 0; i < len; i += PG)
			a[i] = 1;
	} else if (!strcmp(name, "thp")) {
		len = GIB;
		a = map(len, 0, MADV_HUGEPAGE, 2 * MIB);
		for (i = 0; i < len; i += PG)
			a[i] = 1;
	} else if (!strcmp(name, "sparse")) {
		len = 16 * GIB;
		a = map(len, MAP_NORESERVE, MADV_NOHUGEPAGE, 0);
		for (i = 0; i < len; i += 2 * MIB)
			a[i] = 1;
	} else if (!strcmp(name, "empty")) {
		len = TIB;
		a = map(len, MAP_NORESERVE, -1, 0);
	} else {
		fprintf(stderr, "vmi-bench: unknown case %s\n", name);
		exit(2);
	}
	pages = len / PG;
	module_walk((uintptr_t)a, (uintptr_t)a + len, 0, &m);
	module_walk((uintptr_t)a, (uintptr_t)a + len, VMAINSPECT_PT_RUNS_NO_FRAME_BITS, &tb);
	pagemap_walk((uintptr_t)a, (uintptr_t)a + len, &p);
	scan_walk((uintptr_t)a, (uintptr_t)a + len, &s);
	munmap(a, len);

	cell(c1, sizeof(c1), &m, pages);
	cell(c4, sizeof(c4), &tb, pages);
	ratio(r4, sizeof(r4), &p, &tb);
	cell(c2, sizeof(c2), &p, pages);
	cell(c3, sizeof(c3), &s, pages);
	ratio(r1, sizeof(r1), &p, &m);
	ratio(r2, sizeof(r2), &s, &m);
	ms(t1, sizeof(t1), &m);
	ms(t2, sizeof(t2), &p);
	ms(t3, sizeof(t3), &s);
	if (s.err)
		snprintf(sr, sizeof(sr), "-");
	else
		snprintf(sr, sizeof(sr), "%llu", (unsigned long long)s.runs);
	printf("%-7s %10llu %9s %10s %7llu %6llu %9.1f | %9s %10s %9s | %9s %10s %9s %7s | %10s %9s\n",
	       name, (unsigned long long)pages, t1, c1,
	       (unsigned long long)m.runs, (unsigned long long)m.calls,
	       m.calls ? (double)m.runs / (double)m.calls : 0.0,
	       t2, c2, r1, t3, c3, r2, sr, c4, r4);
	fflush(stdout);
	if (m.err) {
		fprintf(stderr, "vmi-bench: %s: PT_RUNS: %s\n", name, strerror(m.err));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "dense", "thp", "sparse", "empty" };
	const char *cases[16];
	struct vmainspect_attach at;
	struct utsname u;
	int ncases = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			reps = atoi(argv[++i]);
			if (reps < 1)
				reps = 1;
		} else if (!strcmp(argv[i], "--max-runs") && i + 1 < argc) {
			max_runs = (unsigned int)atoi(argv[++i]);
			if (!max_runs || max_runs > VMAINSPECT_RUNS_MAX)
				max_runs = VMAINSPECT_RUNS_MAX;
		} else if (!strcmp(argv[i], "--case") && i + 1 < argc && ncases < 16) {
			cases[ncases++] = argv[++i];
		} else {
			fprintf(stderr, "usage: vmi-bench [--reps N] [--max-runs N] [--case dense|thp|sparse|empty]...\n");
			return 2;
		}
	}
	if (!ncases)
		for (i = 0; i < 4; i++)
			cases[ncases++] = all[i];

	devfd = open(VMAINSPECT_DEVICE, O_RDONLY | O_CLOEXEC);
	if (devfd < 0)
		die(VMAINSPECT_DEVICE);
	memset(&at, 0, sizeof(at));
	at.size = sizeof(at);
	at.pid = getpid();
	if (ioctl(devfd, VMAINSPECT_IOC_ATTACH, &at))
		die("VMAINSPECT_IOC_ATTACH self");
	pmfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pmfd < 0)
		die("/proc/self/pagemap");
	runbuf = calloc(VMAINSPECT_RUNS_MAX, sizeof(*runbuf));
	pmbuf = malloc(CHUNK);
	scanvec = calloc(SCAN_VEC, sizeof(*scanvec));
	if (!runbuf || !pmbuf || !scanvec)
		die("malloc");

	uname(&u);
	printf("vmi-bench: kernel %s, %s, best of %d, PT_RUNS max_runs %u; times in ms, "
	       "ns per 4 KiB page of the range\n", u.release, geteuid() ? "unprivileged" : "root",
	       reps, max_runs);
	printf("ratios >1: that interface is slower than the module; TCG: compare ratios, not times\n");
	printf("%-7s %10s %9s %10s %7s %6s %9s | %9s %10s %9s | %9s %10s %9s %7s | %10s %9s\n",
	       "case", "pages", "module", "ns/page", "runs", "calls", "runs/call",
	       "pagemap", "ns/page", "pm/mod", "scan", "ns/page", "scan/mod", "regions",
	       "tbl ns/pg", "pm/tbl");
	for (i = 0; i < ncases; i++)
		run_case(cases[i]);
	printf("~ = pagemap over more than 16 GiB: every %dth 1 MiB chunk read, time x%d\n",
	       SAMPLE_EVERY, SAMPLE_EVERY);
	printf("tbl = the module with VMAINSPECT_PT_RUNS_NO_FRAME_BITS: page tables only, no"
	       " struct page read (no file/exclusive bits)\n");
	printf("scan = PAGEMAP_SCAN, no category filter (every page reported, as the module's runs"
	       " include empty ones); n/a before 6.7\n");
	return 0;
}
