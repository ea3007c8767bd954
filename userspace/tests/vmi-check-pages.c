// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-pages: the page-table ioctls (VMAINSPECT_IOC_PT_RUNS,
 * VMAINSPECT_IOC_PT_PATH) against the kernel's own oracles, page by page.
 *
 * For every VMA of a process (from VMAINSPECT_IOC_LIST_VMAS) the runs are
 * fetched in batches (next_addr until VMAINSPECT_PT_DONE), expanded to 4 KiB
 * pages and compared with /proc/PID/pagemap:
 *   present (bit 63)    == kind PAGE
 *   swap (bit 62)       == kind SWAP, MIGRATION, DEVICE_*, HWPOISON, or
 *                          MARKER outside hugetlb (pagemap reports PTE markers
 *                          as swap entries: is_swap_pte() in
 *                          pte_to_pagemap_entry())
 *   frame (bits 0-54)   PAGE: pfn + page index (huge runs advance per 4 KiB
 *                       page); SWAP: type | (offset + index) << 5; other swap
 *                       kinds: frame >> 5 == pfn + index; MARKER: frame >> 5
 *                       == marker bits.  Zero in pagemap and module alike
 *                       without CAP_SYS_ADMIN.
 *   soft-dirty (bit 55) == SOFT_DIRTY bit || VMA has VM_SOFTDIRTY (hugetlb:
 *                          pagemap reports the VMA flag only)
 *   uffd-wp (bit 57)    == UFFD_WP bit || MARKER with the uffd-wp bit
 *                          (pagemap has the bit since 5.17: not compared on
 *                          older kernels)
 *   exclusive (bit 56)  == EXCLUSIVE bit (the frame is mapped once)
 *   file (bit 61)       == FILE bit (the frame is not anonymous)
 * Plus: runs tile the VMA in order, level and page_shift agree, hugetlb and
 * PMD-mapped pages are PMD runs whose total matches smaps (AnonHugePages +
 * ShmemPmdMapped + FilePmdMapped, or Shared_/Private_Hugetlb), and
 * VMAINSPECT_IOC_PT_PATH at the first page of (a sample of) the runs agrees
 * with the run, has its levels in order, and reports a P4D folded on a
 * 4-level kernel.  Without CAP_SYS_ADMIN every frame must be hidden.
 *
 * VMAs larger than --full-limit pages (default 2^20 = 4 GiB) are compared
 * exactly where the module reports something, and by sample inside long
 * empty runs (their first and last 64 pages and 64 spread ones), plus a
 * smaps Rss cross-check; and a VMA of 64 GiB or more must be walked in few
 * runs (--big-max-runs, default 100) and calls.
 *
 * A mismatching VMA is re-read up to 3 times (a live target may have
 * faulted meanwhile).  Output (KTAP, vmi-report.h): a result per VMA (per
 * process with --per-process or --all-pids), up to 20 detail lines per
 * VMA, a "COVER" diagnostic per process (pages per kind and bit: which
 * states the comparison actually saw).
 *
 * --mutate flips the soft-dirty bit (and, as root, the frame) of one run
 * per VMA before comparing: the checker's own self-test, every VMA must FAIL.
 *
 * --batch N sets max_runs per call (default 4096; 1 makes every run its own
 * call: cursor resumption everywhere); --chunk PAGES walks VMAs up to
 * 16 MiB in separate ranges of PAGES pages (ranges starting inside huge
 * pages).  Per process, one walk of the whole address space [0, task_size)
 * must agree with the per-VMA walks once both are cut at VMA boundaries and
 * re-merged (runs may span adjacent VMAs, never a gap between them).
 *
 * Usage: vmi-check-pages [--per-process] [--full-limit PAGES] [--mutate]
 *                        [--big-max-runs N] [--batch N] [--chunk PAGES]
 *                        [--stress SECS] [--debugfs] (--all-pids | PID...)
 *
 * --debugfs PID... instead compares the debugfs text view
 * /sys/kernel/debug/vmainspect/PID/pagetables with pagemap (root only: it
 * publishes PID).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <linux/kernel-page-flags.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

#define PM_PFRAME_MASK		((1ULL << 55) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_GUARD_REGION		(1ULL << 58)	/* 6.15 */

/*
 * PAGEMAP_SCAN (6.7+), the kernel's other page-table oracle: an ioctl on
 * /proc/PID/pagemap returning ranges of pages with equal categories.
 * Declared here: Debian 12's linux-libc-dev (6.1) has no such ioctl.
 */
struct vmi_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

struct vmi_page_region {
	uint64_t start, end, categories;
};

#define VMI_PAGEMAP_SCAN	_IOWR('f', 16, struct vmi_pm_scan_arg)
#define PAGE_IS_FILE		(1ULL << 2)
#define PAGE_IS_PRESENT		(1ULL << 3)
#define PAGE_IS_SWAPPED		(1ULL << 4)
#define PAGE_IS_PFNZERO		(1ULL << 5)
#define PAGE_IS_HUGE		(1ULL << 6)
#define PAGE_IS_SOFT_DIRTY	(1ULL << 7)
#define PAGE_IS_GUARD		(1ULL << 8)	/* 6.15 */
#define PAGE_IS_ACCESSED	(1ULL << 9)	/* 7.3: userfaultfd RWP */
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)
#define SWP_TYPE_SHIFT		5	/* MAX_SWAPFILES_SHIFT */
#define X86_PFN_MASK		0x000ffffffffff000ULL
#define PAT_LARGE		(1ULL << 12)

#define PG_SHIFT		12
#define PG_SIZE			(1UL << PG_SHIFT)
#define MAX_DETAIL		20
#define TRIES			3
#define PATH_SAMPLES		64
#define NONE_SAMPLE		64
#define BIG_VMA			(64ULL << 30)

static int per_process, unpriv, levels_expected, pagemap_uffd, pagemap_guard;
/* PAGEMAP_SCAN categories compared (0: no PAGEMAP_SCAN, or not compared) */
static uint64_t scan_mask;
static uint64_t full_limit = 1ULL << 20;
static unsigned int big_max_runs = 100, batch = 4096;
static int self_pid;
static int mutate;	/* --mutate: corrupt the module's answer (self-test) */
/* --no-frame-bits: walk with VMAINSPECT_PT_RUNS_NO_FRAME_BITS; file and
 * exclusive must then be absent, everything else still pagemap's */
static int no_frame_bits;

static const char *const kind_names[VMAINSPECT_PT_KIND_MAX] = {
	"none", "table", "page", "swap", "migration", "device-private",
	"device-exclusive", "hwpoison", "marker", "bad", "folded",
};

static const char *kname(unsigned int k)
{
	return k < VMAINSPECT_PT_KIND_MAX ? kind_names[k] : "?";
}

/* ---- growable buffers ---- */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "vmi-check-pages: out of memory\n");
		exit(2);
	}
	return p;
}

/* ---- per-VMA result: detail lines kept until we know pass/fail ---- */

struct result {
	int bad;		/* mismatches seen */
	int shown;
	char lines[MAX_DETAIL][240];
};

static void mism(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void mism(struct result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->shown < MAX_DETAIL) {
		va_start(ap, fmt);
		vsnprintf(r->lines[r->shown++], sizeof(r->lines[0]), fmt, ap);
		va_end(ap);
	}
	r->bad++;
}

static void flush_detail(const struct result *r, const char *prefix)
{
	int i;

	for (i = 0; i < r->shown; i++)
		printf("  %s%s\n", prefix, r->lines[i]);
	if (r->bad > r->shown)
		printf("  %s... %d more mismatches\n", prefix, r->bad - r->shown);
}

struct vma {
	struct vmainspect_vma v;
	char name[128];
};

static struct vma *vmas;
static size_t nvmas;
static uint64_t list_gen;

static int list_vmas(int fd)
{
	static struct vmainspect_vma recs[512];
	static char strs[1 << 16];
	struct vmainspect_vma_list l;
	uint64_t cursor = 0;
	unsigned int i;
	int restarts = 0;

again:
	nvmas = 0;
	cursor = 0;
	for (;;) {
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		l.start_addr = cursor;
		l.vmas = (uintptr_t)recs;
		l.strings = (uintptr_t)strs;
		l.vma_size = sizeof(recs[0]);
		l.max_vmas = 512;
		l.strings_size = sizeof(strs);
		if (ioctl(fd, VMAINSPECT_IOC_LIST_VMAS, &l))
			return -errno;
		if (cursor && l.generation != list_gen) {
			if (++restarts < 5)
				goto again;
		}
		list_gen = l.generation;
		vmas = xrealloc(vmas, (nvmas + l.nr_vmas) * sizeof(*vmas));
		for (i = 0; i < l.nr_vmas; i++) {
			struct vma *v = &vmas[nvmas++];

			v->v = recs[i];
			if (recs[i].name_off != VMAINSPECT_NO_NAME &&
			    recs[i].name_off < l.strings_used)
				snprintf(v->name, sizeof(v->name), "%s", strs + recs[i].name_off);
			else
				v->name[0] = 0;
		}
		cursor = l.next_addr;
		if (l.out_flags & VMAINSPECT_LIST_DONE)
			break;
		if (!l.nr_vmas)
			return -EPROTO;
	}
	return 0;
}

static int get_levels(int fd)
{
	struct vmainspect_layout l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	if (ioctl(fd, VMAINSPECT_IOC_LAYOUT, &l))
		return -errno;
	return (int)l.pgtable_levels;
}

/* ---- smaps ---- */

struct smaps_ent {
	uint64_t start;
	uint64_t pmd_kb;	/* AnonHugePages + ShmemPmdMapped + FilePmdMapped */
	uint64_t hugetlb_kb;	/* Shared_Hugetlb + Private_Hugetlb */
	uint64_t rss_kb;
	uint64_t swap_kb;
	uint64_t kpage_kb;	/* KernelPageSize */
	int found;
};

/* The whole smaps of a process, parsed once (again after a mismatch). */
static struct smaps_ent *smaps;
static size_t nsmaps;
static int smaps_pid = -1;

static int load_smaps(int pid)
{
	char path[64], line[512], perms[8];
	unsigned long s, e, kb;
	struct smaps_ent *out = NULL;
	size_t cap = 0;
	FILE *f;

	nsmaps = 0;
	smaps_pid = -1;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t tl = strcspn(line, " \t\n");

		if (tl && line[tl - 1] != ':' &&
		    sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3) {
			/* a VMA header line (its first word is not "Field:") */
			if (nsmaps == cap) {
				cap = cap ? cap * 2 : 256;
				smaps = xrealloc(smaps, cap * sizeof(*smaps));
			}
			out = &smaps[nsmaps++];
			memset(out, 0, sizeof(*out));
			out->start = s;
			out->found = 1;
			continue;
		}
		if (!out)
			continue;
		if (sscanf(line, "AnonHugePages: %lu kB", &kb) == 1 ||
		    sscanf(line, "ShmemPmdMapped: %lu kB", &kb) == 1 ||
		    sscanf(line, "FilePmdMapped: %lu kB", &kb) == 1)
			out->pmd_kb += kb;
		else if (sscanf(line, "Shared_Hugetlb: %lu kB", &kb) == 1 ||
			 sscanf(line, "Private_Hugetlb: %lu kB", &kb) == 1)
			out->hugetlb_kb += kb;
		else if (sscanf(line, "Rss: %lu kB", &kb) == 1)
			out->rss_kb = kb;
		else if (sscanf(line, "Swap: %lu kB", &kb) == 1)
			out->swap_kb = kb;
		else if (sscanf(line, "KernelPageSize: %lu kB", &kb) == 1)
			out->kpage_kb = kb;
	}
	fclose(f);
	smaps_pid = pid;
	return 0;
}

/* @fresh: re-read smaps first (a retry after a mismatch). */
static int read_smaps(int pid, uint64_t start, struct smaps_ent *out, int fresh)
{
	size_t i;
	int err;

	if (fresh || smaps_pid != pid) {
		err = load_smaps(pid);
		if (err)
			return err;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < nsmaps; i++)
		if (smaps[i].start == start) {
			*out = smaps[i];
			break;
		}
	return 0;
}

/* ---- runs ---- */

static struct vmainspect_pt_run *runs;
static size_t nruns, cap_runs;

/* Append the runs of [start, end): 0, or -errno; *calls counts the calls. */
static int get_runs_range(int fd, uint64_t start, uint64_t end, unsigned int *calls,
			  struct result *r)
{
	static struct vmainspect_pt_run *buf;
	struct vmainspect_pt_runs a;
	uint64_t cursor = start, gen = 0;
	uint64_t limit;
	unsigned int i;

	if (!buf)
		buf = xrealloc(NULL, VMAINSPECT_RUNS_MAX * sizeof(*buf));
	/* Every call must make progress: at least one page. */
	limit = *calls + (end - start) / PG_SIZE + 64;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = cursor;
		a.end = end;
		a.runs = (uintptr_t)buf;
		a.run_size = sizeof(*buf);
		a.max_runs = batch;
		if (no_frame_bits)
			a.flags = VMAINSPECT_PT_RUNS_NO_FRAME_BITS;
		if (ioctl(fd, VMAINSPECT_IOC_PT_RUNS, &a))
			return -errno;
		++*calls;
		if (a.nr_runs > batch) {
			mism(r, "PT_RUNS returned %u runs, max_runs %u", a.nr_runs, batch);
			return 0;
		}
		if (!!(a.out_flags & VMAINSPECT_PT_PFN_HIDDEN) != unpriv)
			mism(r, "PT_RUNS out_flags %#x: PFN_HIDDEN %s", a.out_flags,
			     unpriv ? "missing without CAP_SYS_ADMIN" : "set for root");
		if (a.tables[VMAINSPECT_LVL_PGD] != 1)
			mism(r, "PT_RUNS tables[PGD] = %llu, expected 1",
			     (unsigned long long)a.tables[VMAINSPECT_LVL_PGD]);
		if (cursor != start && a.generation != gen)
			return -EAGAIN;	/* the VMA set changed under us */
		gen = a.generation;
		if (nruns + a.nr_runs > cap_runs) {
			cap_runs = (nruns + a.nr_runs) * 2;
			runs = xrealloc(runs, cap_runs * sizeof(*runs));
		}
		memcpy(runs + nruns, buf, a.nr_runs * sizeof(*buf));
		nruns += a.nr_runs;
		if (a.out_flags & VMAINSPECT_PT_DONE) {
			if (a.next_addr != end)
				mism(r, "PT_RUNS: DONE with next_addr %#llx, range end %#llx",
				     (unsigned long long)a.next_addr, (unsigned long long)end);
			break;
		}
		if (a.next_addr <= cursor || a.next_addr > end) {
			mism(r, "PT_RUNS: cursor %#llx -> next_addr %#llx without DONE",
			     (unsigned long long)cursor, (unsigned long long)a.next_addr);
			return 0;
		}
		if (a.nr_runs && buf[a.nr_runs - 1].end > a.next_addr)
			mism(r, "PT_RUNS: last run ends %#llx above next_addr %#llx",
			     (unsigned long long)buf[a.nr_runs - 1].end,
			     (unsigned long long)a.next_addr);
		cursor = a.next_addr;
		if (*calls > limit) {
			mism(r, "PT_RUNS: %u calls and not done at %#llx", *calls,
			     (unsigned long long)cursor);
			return 0;
		}
	}
	(void)i;
	return 0;
}

/*
 * All runs of [start, end) into runs[]; with --chunk, VMAs up to 16 MiB
 * are walked in ranges of that many pages (ranges that start inside huge
 * pages and PTE tables), and the pieces concatenated.
 */
static unsigned int chunk;

static int get_runs(int fd, uint64_t start, uint64_t end, unsigned int *calls,
		    struct result *r)
{
	uint64_t at, to;
	int err;

	nruns = 0;
	*calls = 0;
	if (!chunk || end - start > (16ULL << 20))
		return get_runs_range(fd, start, end, calls, r);
	for (at = start; at < end; at = to) {
		to = at + (uint64_t)chunk * PG_SIZE;
		if (to > end)
			to = end;
		err = get_runs_range(fd, at, to, calls, r);
		if (err)
			return err;
	}
	return 0;
}

/* Merge runs a call boundary split (they are one state): none needed, but
 * runs must tile [start, end) in order. */
static void check_tiling(int pid, const struct vma *v, struct result *r)
{
	uint64_t at = v->v.start;
	unsigned int huge_level = VMAINSPECT_LVL_PMD;
	struct smaps_ent se;
	size_t i;

	/* hugetlb: the VMA's page size says which level maps it */
	if ((v->v.uflags & VMAINSPECT_VM_HUGETLB) && !read_smaps(pid, v->v.start, &se, 0) &&
	    se.kpage_kb == (1UL << 20))
		huge_level = VMAINSPECT_LVL_PUD;

	for (i = 0; i < nruns; i++) {
		const struct vmainspect_pt_run *x = &runs[i];
		unsigned int want_shift;

		if (x->start != at) {
			mism(r, "run %zu starts at %#llx, expected %#llx (gap or overlap)", i,
			     (unsigned long long)x->start, (unsigned long long)at);
			return;
		}
		if (x->end <= x->start || (x->start | x->end) & (PG_SIZE - 1)) {
			mism(r, "run %zu [%#llx, %#llx) empty or unaligned", i,
			     (unsigned long long)x->start, (unsigned long long)x->end);
			return;
		}
		at = x->end;
		if (x->kind >= VMAINSPECT_PT_KIND_MAX || x->kind == VMAINSPECT_PT_TABLE ||
		    x->kind == VMAINSPECT_PT_FOLDED || x->kind == VMAINSPECT_PT_BAD)
			mism(r, "run [%#llx, %#llx) has kind %u (%s)",
			     (unsigned long long)x->start, (unsigned long long)x->end,
			     x->kind, kname(x->kind));
		if (x->level >= VMAINSPECT_LVL_NR) {
			mism(r, "run at %#llx: level %u", (unsigned long long)x->start, x->level);
			continue;
		}
		switch (x->level) {
		case VMAINSPECT_LVL_PTE: want_shift = 12; break;
		case VMAINSPECT_LVL_PMD: want_shift = 21; break;
		case VMAINSPECT_LVL_PUD: want_shift = 30; break;
		case VMAINSPECT_LVL_P4D: want_shift = 39; break;
		default: want_shift = levels_expected == 5 ? 48 : 39; break;
		}
		if (x->page_shift != want_shift)
			mism(r, "run at %#llx level %u: page_shift %u, expected %u",
			     (unsigned long long)x->start, x->level, x->page_shift, want_shift);
		if (levels_expected == 4 && x->level == VMAINSPECT_LVL_P4D)
			mism(r, "run at %#llx reported at the folded P4D level",
			     (unsigned long long)x->start);
		if (x->kind == VMAINSPECT_PT_PAGE && x->level < VMAINSPECT_LVL_PUD)
			mism(r, "present run at %#llx at level %u", (unsigned long long)x->start,
			     x->level);
		if (x->kind == VMAINSPECT_PT_NONE && x->bits)
			mism(r, "empty run at %#llx has bits %#llx", (unsigned long long)x->start,
			     (unsigned long long)x->bits);
		if (unpriv && (x->pfn || (x->kind == VMAINSPECT_PT_SWAP && (x->offset || x->swap_type))))
			mism(r, "run at %#llx: pfn %#llx offset %#llx shown without CAP_SYS_ADMIN",
			     (unsigned long long)x->start, (unsigned long long)x->pfn,
			     (unsigned long long)x->offset);
		if (x->kind == VMAINSPECT_PT_PAGE && x->level != VMAINSPECT_LVL_PTE &&
		    !(x->bits & VMAINSPECT_PTE_HUGE) && !(x->bits & VMAINSPECT_PTE_PROTNONE))
			mism(r, "huge run at %#llx lacks the HUGE (PSE) bit: bits %#llx",
			     (unsigned long long)x->start, (unsigned long long)x->bits);
		if ((v->v.uflags & VMAINSPECT_VM_HUGETLB) && x->kind == VMAINSPECT_PT_PAGE &&
		    (x->level != huge_level || x->page_shift != (huge_level == VMAINSPECT_LVL_PUD ? 30u : 21u)))
			mism(r, "hugetlb run at %#llx: level %u page_shift %u, expected %s",
			     (unsigned long long)x->start, x->level, x->page_shift,
			     huge_level == VMAINSPECT_LVL_PUD ? "PUD/30 (1 GiB pages)" : "PMD/21");
	}
	if (at != v->v.end)
		mism(r, "runs end at %#llx, VMA ends at %#llx", (unsigned long long)at,
		     (unsigned long long)v->v.end);
}

/* ---- pagemap ---- */

static uint64_t *pm;
static size_t pm_cap;

static int read_pagemap(int pmfd, uint64_t start, uint64_t npages)
{
	uint64_t done = 0;
	ssize_t n;

	if (npages > pm_cap) {
		pm_cap = npages;
		pm = xrealloc(pm, pm_cap * 8);
	}
	while (done < npages) {
		size_t chunk = npages - done > 131072 ? 131072 : npages - done;

		n = pread(pmfd, pm + done, chunk * 8, (off_t)((start >> PG_SHIFT) + done) * 8);
		if (n < 0)
			return -errno;
		if (n == 0 || n % 8)
			return -EIO;
		done += (uint64_t)n / 8;
	}
	return 0;
}

static uint64_t read_pagemap1(int pmfd, uint64_t addr, int *err)
{
	uint64_t e = 0;

	*err = pread(pmfd, &e, 8, (off_t)(addr >> PG_SHIFT) * 8) == 8 ? 0 : (errno ? errno : EIO);
	return e;
}

struct cover {
	uint64_t kind[VMAINSPECT_PT_KIND_MAX];
	uint64_t pmd_pages, pud_pages, soft_dirty, uffd_wp, protnone, special, sd_vma, sampled;
	uint64_t guard, saved_dirty, mthp, zero_page, huge_zero, uffd_rwp, rwp_accessed;
};

static int is_swapish(unsigned int k)
{
	return k == VMAINSPECT_PT_SWAP || k == VMAINSPECT_PT_MIGRATION ||
	       k == VMAINSPECT_PT_DEVICE_PRIVATE || k == VMAINSPECT_PT_DEVICE_EXCLUSIVE ||
	       k == VMAINSPECT_PT_HWPOISON;
}

/* What pagemap must show for one page of run @x in VMA @v. */
struct page_want {
	int hugetlb;	/* a hugetlb VMA */
	int vsd;	/* VM_SOFTDIRTY on the VMA */
	int present, swapped, sd, uffd, guard;
};

static void page_want(const struct vma *v, const struct vmainspect_pt_run *x,
		      struct page_want *w)
{
	w->hugetlb = !!(v->v.uflags & VMAINSPECT_VM_HUGETLB);
	w->vsd = !!(v->v.uflags & VMAINSPECT_VM_SOFTDIRTY);
	w->present = x->kind == VMAINSPECT_PT_PAGE;
	w->swapped = is_swapish(x->kind) || (x->kind == VMAINSPECT_PT_MARKER && !w->hugetlb);
	w->sd = !!(x->bits & VMAINSPECT_PTE_SOFT_DIRTY) || w->vsd;
	/* 7.3's PM_UFFD_WP: "tracked by userfaultfd (uffd-wp or RWP)" */
	w->uffd = !!(x->bits & (VMAINSPECT_PTE_UFFD_WP | VMAINSPECT_PTE_UFFD_RWP)) ||
		  (x->kind == VMAINSPECT_PT_MARKER && (x->offset & VMAINSPECT_MARKER_UFFD_WP));
	w->guard = x->kind == VMAINSPECT_PT_MARKER && (x->offset & VMAINSPECT_MARKER_GUARD);
	if (w->hugetlb)
		w->sd = w->vsd;	/* pagemap_hugetlb_range() reports the VMA flag only */
}

/*
 * Count page @addr of run @x in the coverage; the rules that need no
 * pagemap (where guard markers and uffd-rwp bits may be) are checked here.
 */
static void cover_page(const struct vma *v, const struct vmainspect_pt_run *x, uint64_t addr,
		       const struct page_want *w, struct result *r, struct cover *c)
{
	c->kind[x->kind < VMAINSPECT_PT_KIND_MAX ? x->kind : 0]++;
	if (x->level == VMAINSPECT_LVL_PMD && w->present)
		c->pmd_pages++;
	if (x->level == VMAINSPECT_LVL_PUD && w->present)
		c->pud_pages++;
	if (x->bits & VMAINSPECT_PTE_SOFT_DIRTY)
		c->soft_dirty++;
	if (w->uffd)
		c->uffd_wp++;
	if (x->bits & VMAINSPECT_PTE_PROTNONE)
		c->protnone++;
	if (x->bits & VMAINSPECT_PTE_SPECIAL)
		c->special++;
	if (w->vsd)
		c->sd_vma++;
	if (w->guard) {
		c->guard++;
		if (x->level != VMAINSPECT_LVL_PTE)
			mism(r, "%#llx: a guard marker at level %u, not in a PTE",
			     (unsigned long long)addr, x->level);
	}
	if (x->bits & VMAINSPECT_PTE_SAVED_DIRTY)
		c->saved_dirty++;
	if (x->bits & VMAINSPECT_PTE_ZERO_PAGE) {
		c->zero_page++;
		if (x->level == VMAINSPECT_LVL_PMD)
			c->huge_zero++;
	}
	if (x->bits & VMAINSPECT_PTE_UFFD_RWP) {
		c->uffd_rwp++;
		if (!(v->v.uflags & VMAINSPECT_VM_UFFD_RWP))
			mism(r, "%#llx: uffd-rwp outside a VM_UFFD_RWP VMA", (unsigned long long)addr);
	}
	if (v->v.uflags & VMAINSPECT_VM_UFFD_RWP) {
		if (x->bits & VMAINSPECT_PTE_UFFD_WP)
			mism(r, "%#llx: uffd-wp in a VM_UFFD_RWP VMA (the bit means RWP there)",
			     (unsigned long long)addr);
		else if (x->kind != VMAINSPECT_PT_NONE && !w->uffd)
			c->rwp_accessed++;
	}
}

/* pagemap entry @e's flag bits against run @x (and @w) */
static void cmp_page_flags(const struct vmainspect_pt_run *x, uint64_t addr, uint64_t e,
			   const struct page_want *w, struct result *r)
{
#define ADDR (unsigned long long)addr
	if (!!(e & PM_PRESENT) != w->present)
		mism(r, "%#llx: pagemap present=%d, module kind %s (run %#llx-%#llx)", ADDR,
		     !!(e & PM_PRESENT), kname(x->kind), (unsigned long long)x->start,
		     (unsigned long long)x->end);
	if (!!(e & PM_SWAP) != w->swapped)
		mism(r, "%#llx: pagemap swap=%d, module kind %s", ADDR, !!(e & PM_SWAP),
		     kname(x->kind));
	if (!!(e & PM_SOFT_DIRTY) != w->sd)
		mism(r, "%#llx: pagemap soft-dirty=%d, module bits %#llx%s (kind %s)", ADDR,
		     !!(e & PM_SOFT_DIRTY), (unsigned long long)x->bits,
		     w->vsd ? " + VM_SOFTDIRTY" : "", kname(x->kind));
	if (pagemap_uffd && !!(e & PM_UFFD_WP) != w->uffd)
		mism(r, "%#llx: pagemap uffd-wp=%d, module bits %#llx kind %s offset %#llx", ADDR,
		     !!(e & PM_UFFD_WP), (unsigned long long)x->bits, kname(x->kind),
		     (unsigned long long)x->offset);
	if (pagemap_guard && !!(e & PM_GUARD_REGION) != w->guard)
		mism(r, "%#llx: pagemap guard=%d, module kind %s offset %#llx", ADDR,
		     !!(e & PM_GUARD_REGION), kname(x->kind), (unsigned long long)x->offset);
	if (no_frame_bits) {
		if (x->bits & (VMAINSPECT_PTE_FILE | VMAINSPECT_PTE_EXCLUSIVE))
			mism(r, "%#llx: NO_FRAME_BITS, yet module bits %#llx have file/exclusive",
			     ADDR, (unsigned long long)x->bits);
	} else {
		if (!!(e & PM_FILE) != !!(x->bits & VMAINSPECT_PTE_FILE))
			mism(r, "%#llx: pagemap file=%d, module bits %#llx (kind %s)", ADDR,
			     !!(e & PM_FILE), (unsigned long long)x->bits, kname(x->kind));
		if (!!(e & PM_MMAP_EXCLUSIVE) != !!(x->bits & VMAINSPECT_PTE_EXCLUSIVE))
			mism(r, "%#llx: pagemap exclusive=%d, module bits %#llx (kind %s)", ADDR,
			     !!(e & PM_MMAP_EXCLUSIVE), (unsigned long long)x->bits,
			     kname(x->kind));
	}
#undef ADDR
}

/*
 * pagemap entry @e's frame field against run @x: the pfn of a page, the
 * swap type and offset, the pfn in a migration/device/hwpoison entry, a
 * marker's bits (not for hugetlb, whose markers pagemap does not decode).
 */
static void cmp_page_frame(const struct vmainspect_pt_run *x, uint64_t addr, uint64_t e,
			   int hugetlb, struct result *r)
{
	uint64_t i = (addr - x->start) >> PG_SHIFT;
	uint64_t frame = e & PM_PFRAME_MASK, want = 0;

	switch (x->kind) {
	case VMAINSPECT_PT_PAGE:
		want = x->pfn + i;
		break;
	case VMAINSPECT_PT_SWAP:
		want = x->swap_type | ((x->offset + i) << SWP_TYPE_SHIFT);
		break;
	case VMAINSPECT_PT_MIGRATION:
	case VMAINSPECT_PT_DEVICE_PRIVATE:
	case VMAINSPECT_PT_DEVICE_EXCLUSIVE:
	case VMAINSPECT_PT_HWPOISON:
		frame >>= SWP_TYPE_SHIFT;
		want = x->pfn + i;
		break;
	case VMAINSPECT_PT_MARKER:
		if (hugetlb)
			return;
		frame >>= SWP_TYPE_SHIFT;
		want = x->offset;
		break;
	default:
		want = 0;
	}
	if (frame != want)
		mism(r, "%#llx: pagemap frame %#llx, module %#llx (kind %s, run %#llx pfn %#llx)",
		     (unsigned long long)addr, (unsigned long long)frame, (unsigned long long)want,
		     kname(x->kind), (unsigned long long)x->start, (unsigned long long)x->pfn);
}

/* Compare page @addr of run @x with pagemap entry @e. */
static void cmp_page(const struct vma *v, const struct vmainspect_pt_run *x, uint64_t addr,
		     uint64_t e, struct result *r, struct cover *c)
{
	uint64_t frame = e & PM_PFRAME_MASK;
	struct page_want w;

	page_want(v, x, &w);
	cover_page(v, x, addr, &w, r, c);
	cmp_page_flags(x, addr, e, &w, r);
	if (unpriv) {
		if (frame)
			mism(r, "%#llx: pagemap shows frame %#llx to an unprivileged reader?",
			     (unsigned long long)addr, (unsigned long long)frame);
		return;
	}
	cmp_page_frame(x, addr, e, w.hugetlb, r);
}

/* Compare every page of the VMA, or a sample inside long empty runs. */
static int check_pagemap(int pmfd, const struct vma *v, struct result *r, struct cover *c,
			 uint64_t *compared)
{
	uint64_t npages = (v->v.end - v->v.start) >> PG_SHIFT, a, p;
	size_t i;
	int err;

	*compared = 0;
	if (npages <= full_limit) {
		err = read_pagemap(pmfd, v->v.start, npages);
		if (err)
			return err;
		for (i = 0; i < nruns; i++)
			for (a = runs[i].start; a < runs[i].end; a += PG_SIZE)
				cmp_page(v, &runs[i], a,
					 pm[(a - v->v.start) >> PG_SHIFT], r, c);
		*compared = npages;
		return 0;
	}
	for (i = 0; i < nruns; i++) {
		const struct vmainspect_pt_run *x = &runs[i];
		uint64_t n = (x->end - x->start) >> PG_SHIFT;

		if (x->kind != VMAINSPECT_PT_NONE || n <= 3 * NONE_SAMPLE) {
			err = read_pagemap(pmfd, x->start, n);
			if (err)
				return err;
			for (p = 0; p < n; p++)
				cmp_page(v, x, x->start + p * PG_SIZE, pm[p], r, c);
			*compared += n;
			continue;
		}
		/* a long empty run: head, tail and spread samples */
		err = read_pagemap(pmfd, x->start, NONE_SAMPLE);
		if (!err)
			for (p = 0; p < NONE_SAMPLE; p++)
				cmp_page(v, x, x->start + p * PG_SIZE, pm[p], r, c);
		if (!err)
			err = read_pagemap(pmfd, x->end - NONE_SAMPLE * PG_SIZE, NONE_SAMPLE);
		if (!err)
			for (p = 0; p < NONE_SAMPLE; p++)
				cmp_page(v, x, x->end - (NONE_SAMPLE - p) * PG_SIZE, pm[p], r, c);
		for (p = 1; !err && p <= NONE_SAMPLE; p++) {
			a = x->start + ((n * p / (NONE_SAMPLE + 1)) << PG_SHIFT);
			cmp_page(v, x, a, read_pagemap1(pmfd, a, &err), r, c);
		}
		if (err)
			return -err;
		*compared += 3 * NONE_SAMPLE;
		c->sampled += n - 3 * NONE_SAMPLE;
	}
	return 0;
}

/* ---- PAGEMAP_SCAN ---- */

/*
 * The categories PAGEMAP_SCAN gives a page of run @x of VMA @v, by its
 * rules (pagemap_scan_test_walk(), pagemap_page_category() and
 * pagemap_thp_category() of fs/proc/task_mmu.c): soft-dirty for every
 * page of a VM_SOFTDIRTY VMA, empty ones too, else the entry's own bit;
 * present, or swapped for any non-empty non-present entry (markers too);
 * file as pagemap's PM_FILE; huge: a PMD leaf; guard markers; pfnzero:
 * the zero page or huge zero folio; accessed (7.3): in a VM_UFFD_RWP VMA,
 * a non-empty entry without the userfaultfd bit (pagemap_page_category()
 * tests pte_uffd()/pte_swp_uffd_any(), the latter also true of a uffd-wp
 * marker).
 */
static uint64_t scan_categories(const struct vma *v, const struct vmainspect_pt_run *x)
{
	uint64_t c = 0;

	if (v->v.uflags & VMAINSPECT_VM_SOFTDIRTY)
		c |= PAGE_IS_SOFT_DIRTY;
	if (x->kind == VMAINSPECT_PT_NONE)
		return c & scan_mask;
	c |= x->kind == VMAINSPECT_PT_PAGE ? PAGE_IS_PRESENT : PAGE_IS_SWAPPED;
	/*
	 * PAGE_IS_FILE asks vm_normal_page_pmd(), which has no page for the
	 * huge zero folio; 6.12's pagemap PM_FILE takes pmd_page() and says
	 * file.
	 */
	if ((x->bits & VMAINSPECT_PTE_FILE) &&
	    !(x->level == VMAINSPECT_LVL_PMD && (x->bits & VMAINSPECT_PTE_ZERO_PAGE)))
		c |= PAGE_IS_FILE;
	if (x->bits & VMAINSPECT_PTE_SOFT_DIRTY)
		c |= PAGE_IS_SOFT_DIRTY;
	if (x->level == VMAINSPECT_LVL_PMD)
		c |= PAGE_IS_HUGE;
	if (x->kind == VMAINSPECT_PT_MARKER && (x->offset & VMAINSPECT_MARKER_GUARD))
		c |= PAGE_IS_GUARD;
	if (x->bits & VMAINSPECT_PTE_ZERO_PAGE)
		c |= PAGE_IS_PFNZERO;
	if ((v->v.uflags & VMAINSPECT_VM_UFFD_RWP) &&
	    !(x->bits & (VMAINSPECT_PTE_UFFD_RWP | VMAINSPECT_PTE_UFFD_WP)) &&
	    !(x->kind == VMAINSPECT_PT_MARKER && (x->offset & VMAINSPECT_MARKER_UFFD_WP)))
		c |= PAGE_IS_ACCESSED;
	return c & scan_mask;
}

/* Append [start, end) with categories @c to @v, merged; empty ones dropped. */
static void region_push(struct vmi_page_region **v, size_t *n, size_t *cap,
			uint64_t start, uint64_t end, uint64_t c)
{
	if (!c)
		return;
	if (*n && (*v)[*n - 1].end == start && (*v)[*n - 1].categories == c) {
		(*v)[*n - 1].end = end;
		return;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = (struct vmi_page_region){ start, end, c };
}

/* Which categories this kernel's PAGEMAP_SCAN takes (0 if it has none). */
static uint64_t scan_probe(void)
{
	const uint64_t base = PAGE_IS_FILE | PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
			      PAGE_IS_PFNZERO | PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY;
	const uint64_t masks[] = {
		base | PAGE_IS_GUARD | PAGE_IS_ACCESSED, base | PAGE_IS_GUARD, base,
	};
	struct vmi_page_region reg;
	struct vmi_pm_scan_arg a;
	unsigned int i;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t found = 0;

	for (i = 0; fd >= 0 && i < sizeof(masks) / sizeof(masks[0]) && !found; i++) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = (uintptr_t)&reg & ~(PG_SIZE - 1);
		a.end = a.start + PG_SIZE;
		a.vec = (uintptr_t)&reg;
		a.vec_len = 1;
		a.return_mask = masks[i];
		if (ioctl(fd, VMI_PAGEMAP_SCAN, &a) >= 0)
			found = masks[i];
	}
	if (fd >= 0)
		close(fd);
	return found;
}

/* The VMA's runs against PAGEMAP_SCAN over the same range. */
static void check_scan(int pmfd, const struct vma *v, struct result *r)
{
	static struct vmi_page_region *want, *got, *buf;
	static size_t want_cap, got_cap;
	const size_t vec_len = 1024;
	size_t nwant = 0, ngot = 0, i;
	struct vmi_pm_scan_arg a;
	uint64_t at = v->v.start;
	long n;

	for (i = 0; i < nruns; i++)
		region_push(&want, &nwant, &want_cap, runs[i].start, runs[i].end,
			    scan_categories(v, &runs[i]));
	if (!buf)
		buf = xrealloc(NULL, vec_len * sizeof(*buf));
	while (at < v->v.end) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = at;
		a.end = v->v.end;
		a.vec = (uintptr_t)buf;
		a.vec_len = vec_len;
		a.return_mask = scan_mask;
		n = ioctl(pmfd, VMI_PAGEMAP_SCAN, &a);
		if (n < 0 || a.walk_end <= at) {
			mism(r, "PAGEMAP_SCAN [%#llx, %#llx): %s", (unsigned long long)at,
			     (unsigned long long)v->v.end, n < 0 ? strerror(errno) : "no progress");
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			region_push(&got, &ngot, &got_cap, buf[i].start, buf[i].end,
				    buf[i].categories);
		at = a.walk_end;
	}
	for (i = 0; i < nwant && i < ngot; i++) {
		if (want[i].start != got[i].start || want[i].end != got[i].end ||
		    want[i].categories != got[i].categories) {
			mism(r, "PAGEMAP_SCAN [%#llx, %#llx) categories %#llx, module [%#llx, "
			     "%#llx) %#llx", (unsigned long long)got[i].start,
			     (unsigned long long)got[i].end, (unsigned long long)got[i].categories,
			     (unsigned long long)want[i].start, (unsigned long long)want[i].end,
			     (unsigned long long)want[i].categories);
			return;
		}
	}
	if (nwant != ngot)
		mism(r, "PAGEMAP_SCAN gives %zu ranges, the module's runs %zu", ngot, nwant);
}

/* ---- folio sizes against /proc/kpageflags ---- */

#define KPF_CHUNK		512
#define FOLIO_MAX_PAGES		(1ULL << 18)	/* 1 GiB */

static int kpf_fd = -1;

/* kpageflags of up to @n frames from @pfn into @f: how many were read */
static size_t kpf_read(uint64_t pfn, uint64_t *f, size_t n)
{
	ssize_t got;

	if (kpf_fd < 0)
		kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (kpf_fd < 0)
		return 0;
	got = pread(kpf_fd, f, n * 8, (off_t)(pfn * 8));
	return got > 0 ? (size_t)got / 8 : 0;
}

/*
 * log2 bytes of the folio holding @pfn, by kpageflags alone: a frame that
 * is neither a compound head nor a tail is a base page; else walk back to
 * the head and count the tails after it.  0 on a read error or a shape no
 * folio has (a race with a split or free: the caller tries again).
 */
static unsigned int kpf_folio_shift(uint64_t pfn)
{
	const uint64_t head = 1ULL << KPF_COMPOUND_HEAD, tail = 1ULL << KPF_COMPOUND_TAIL;
	uint64_t f[KPF_CHUNK], h = pfn, n, base;
	size_t k, got;

	if (kpf_read(pfn, f, 1) != 1)
		return 0;
	if (!(f[0] & (head | tail)))
		return PG_SHIFT;
	/* back to the head: the last frame at or before @pfn not a tail */
	while (f[0] & tail) {
		if (pfn - h >= FOLIO_MAX_PAGES || !h)
			return 0;
		base = h > KPF_CHUNK ? h - KPF_CHUNK : 0;
		if (kpf_read(base, f, h - base) != h - base)
			return 0;
		for (k = h - base; k > 0 && (f[k - 1] & tail); k--)
			;
		h = base + (k ? k - 1 : 0);
		if (k)
			f[0] = f[k - 1];
		else if (kpf_read(h, f, 1) != 1)
			return 0;
	}
	if (!(f[0] & head))
		return 0;
	/* its tails: every frame after it up to the next non-tail */
	for (n = 1;; n += got) {
		got = kpf_read(h + n, f, KPF_CHUNK);
		for (k = 0; k < got && (f[k] & tail); k++)
			;
		if (k < got || !got) {
			n += k;
			break;
		}
		if (n > FOLIO_MAX_PAGES)
			return 0;
	}
	if (n & (n - 1) || n > FOLIO_MAX_PAGES)
		return 0;
	return PG_SHIFT + (unsigned int)__builtin_ctzll(n);
}

/*
 * The run's zero-page bit against kpageflags' KPF_ZERO_PAGE of its first
 * frame (with KPF_THP: the huge zero folio), at the level each lives.
 */
static void check_zero_page(const struct vmainspect_pt_run *x, struct result *r)
{
	const uint64_t zero = 1ULL << KPF_ZERO_PAGE, thp = 1ULL << KPF_THP;
	int mine = !!(x->bits & VMAINSPECT_PTE_ZERO_PAGE);
	uint64_t f;

	if (kpf_read(x->pfn, &f, 1) != 1) {
		mism(r, "[%#llx, %#llx): kpageflags of pfn %#llx: %s", (unsigned long long)x->start,
		     (unsigned long long)x->end, (unsigned long long)x->pfn, strerror(errno));
		return;
	}
	if (mine != !!(f & zero))
		mism(r, "[%#llx, %#llx) pfn %#llx: zero-page %d, kpageflags %#llx",
		     (unsigned long long)x->start, (unsigned long long)x->end,
		     (unsigned long long)x->pfn, mine, (unsigned long long)f);
	else if (mine && !!(f & thp) != (x->level == VMAINSPECT_LVL_PMD))
		mism(r, "[%#llx, %#llx): zero page at level %u, kpageflags thp=%d",
		     (unsigned long long)x->start, (unsigned long long)x->end, x->level,
		     !!(f & thp));
}

/*
 * Each present run's folio_shift: 0 for special entries (no struct page,
 * as pagemap's vm_normal_page() rule), else what kpageflags says of the
 * folio at its first and last page.
 */
static void check_folios(struct result *r, struct cover *c)
{
	size_t i;

	for (i = 0; i < nruns; i++) {
		const struct vmainspect_pt_run *x = &runs[i];
		uint64_t pages = (x->end - x->start) >> PG_SHIFT;
		unsigned int first, last;

		if (x->kind != VMAINSPECT_PT_PAGE) {
			if (x->folio_shift)
				mism(r, "[%#llx, %#llx) %s: folio_shift %u", (unsigned long long)x->start,
				     (unsigned long long)x->end, kname(x->kind), x->folio_shift);
			continue;
		}
		check_zero_page(x, r);
		if (x->bits & VMAINSPECT_PTE_SPECIAL) {
			if (x->folio_shift)
				mism(r, "[%#llx, %#llx): special, yet folio_shift %u",
				     (unsigned long long)x->start, (unsigned long long)x->end,
				     x->folio_shift);
			continue;
		}
		first = kpf_folio_shift(x->pfn);
		last = kpf_folio_shift(x->pfn + pages - 1);
		if (x->folio_shift != first || x->folio_shift != last)
			mism(r, "[%#llx, %#llx) pfn %#llx: folio_shift %u, kpageflags %u (first "
			     "page) %u (last)", (unsigned long long)x->start,
			     (unsigned long long)x->end, (unsigned long long)x->pfn,
			     x->folio_shift, first, last);
		if (x->level == VMAINSPECT_LVL_PTE && x->folio_shift > PG_SHIFT &&
		    x->folio_shift < 21)
			c->mthp += pages;
	}
}

/* smaps: PMD-mapped and hugetlb totals; Rss for sampled VMAs. */
static void check_smaps(int pid, const struct vma *v, struct result *r, int sampled,
			int fresh)
{
	uint64_t pmd = 0, huge = 0, rss = 0, swapents = 0;
	struct smaps_ent s;
	size_t i;
	int err = read_smaps(pid, v->v.start, &s, fresh);

	if (err) {
		mism(r, "read /proc/%d/smaps: %s", pid, strerror(-err));
		return;
	}
	if (!s.found) {
		mism(r, "no smaps entry starts at %#llx", (unsigned long long)v->v.start);
		return;
	}
	for (i = 0; i < nruns; i++) {
		uint64_t kb = (runs[i].end - runs[i].start) >> 10;

		/*
		 * smaps counts what vm_normal_page() and vm_normal_page_pmd()
		 * find: not special entries, not the zero pages (6.12's huge
		 * zero PMD is not special, yet has no "normal" page).
		 */
		if (runs[i].kind == VMAINSPECT_PT_PAGE &&
		    (runs[i].bits & (VMAINSPECT_PTE_SPECIAL | VMAINSPECT_PTE_ZERO_PAGE))) {
			if (runs[i].level != VMAINSPECT_LVL_PTE)
				huge += kb;
		} else if (runs[i].kind == VMAINSPECT_PT_PAGE) {
			if (runs[i].level == VMAINSPECT_LVL_PMD)
				pmd += kb;
			if (runs[i].level != VMAINSPECT_LVL_PTE)
				huge += kb;
			rss += kb;
		} else if (runs[i].kind == VMAINSPECT_PT_SWAP) {
			swapents += kb;
		}
	}
	if (v->v.uflags & VMAINSPECT_VM_HUGETLB) {
		if (huge != s.hugetlb_kb)
			mism(r, "hugetlb: module maps %llu kB by PMD/PUD runs, smaps "
			     "Shared_Hugetlb+Private_Hugetlb %llu kB", (unsigned long long)huge,
			     (unsigned long long)s.hugetlb_kb);
		return;
	}
	if (pmd != s.pmd_kb)
		mism(r, "PMD-mapped: module %llu kB in PMD runs, smaps AnonHugePages+"
		     "ShmemPmdMapped+FilePmdMapped %llu kB", (unsigned long long)pmd,
		     (unsigned long long)s.pmd_kb);
	if (sampled && rss != s.rss_kb)
		mism(r, "sampled VMA: module %llu kB present (not special), smaps Rss %llu kB",
		     (unsigned long long)rss, (unsigned long long)s.rss_kb);
	if (swapents != s.swap_kb)
		mism(r, "swap: module %llu kB in SWAP runs, smaps Swap %llu kB",
		     (unsigned long long)swapents, (unsigned long long)s.swap_kb);
}

/*
 * PT_PATH @p of address @a: the header and every level above the leaf (a
 * table entry with a frame, P4D folded exactly on a 4-level kernel, no
 * frame shown without CAP_SYS_ADMIN).  0 if nr_levels is unusable.
 */
static int path_levels_ok(const struct vmainspect_pt_path *p, unsigned long long a,
			  struct result *r)
{
	unsigned int j;

	if (!(p->out_flags & VMAINSPECT_PT_IN_VMA))
		mism(r, "PT_PATH %#llx: IN_VMA not set (out_flags %#x)", a, p->out_flags);
	if (!!(p->out_flags & VMAINSPECT_PT_PFN_HIDDEN) != unpriv)
		mism(r, "PT_PATH %#llx: out_flags %#x, PFN_HIDDEN expected %d", a,
		     p->out_flags, unpriv);
	if (p->pgtable_levels != (unsigned int)levels_expected)
		mism(r, "PT_PATH %#llx: pgtable_levels %u, expected %d", a,
		     p->pgtable_levels, levels_expected);
	if (p->nr_levels < 1 || p->nr_levels > VMAINSPECT_LVL_NR) {
		mism(r, "PT_PATH %#llx: nr_levels %u", a, p->nr_levels);
		return 0;
	}
	for (j = 0; j < p->nr_levels; j++) {
		const struct vmainspect_pt_entry *l = &p->levels[j];

		if (l->level != j)
			mism(r, "PT_PATH %#llx: levels[%u].level = %u", a, j, l->level);
		if (unpriv && ((l->raw & X86_PFN_MASK) || l->pfn))
			mism(r, "PT_PATH %#llx: level %u raw %#llx pfn %#llx visible "
			     "without CAP_SYS_ADMIN", a, j, (unsigned long long)l->raw,
			     (unsigned long long)l->pfn);
		if (j + 1 == p->nr_levels)
			break;
		if (levels_expected == 4 && j == VMAINSPECT_LVL_P4D) {
			if (l->kind != VMAINSPECT_PT_FOLDED)
				mism(r, "PT_PATH %#llx: P4D kind %s on a 4-level kernel, "
				     "expected folded", a, kname(l->kind));
		} else if (l->kind != VMAINSPECT_PT_TABLE) {
			mism(r, "PT_PATH %#llx: level %u kind %s above the leaf", a, j,
			     kname(l->kind));
		} else if (!unpriv && !(l->raw & X86_PFN_MASK)) {
			mism(r, "PT_PATH %#llx: table entry at level %u raw %#llx has no "
			     "frame", a, j, (unsigned long long)l->raw);
		}
	}
	if (levels_expected == 5 && p->nr_levels > 1 &&
	    p->levels[VMAINSPECT_LVL_P4D].kind == VMAINSPECT_PT_FOLDED)
		mism(r, "PT_PATH %#llx: P4D folded on a 5-level kernel", a);
	return 1;
}

/*
 * The leaf of PT_PATH @p against run @x, which starts at @a: level, kind,
 * pfn; for a page its size, bits, folio, physical address and the frame
 * in the raw entry.
 */
static void path_leaf_vs_run(const struct vmainspect_pt_path *p,
			     const struct vmainspect_pt_run *x, unsigned long long a,
			     struct result *r)
{
	const struct vmainspect_pt_entry *leaf = &p->levels[p->nr_levels - 1];
	/* the path always has the frame bits; the walk may not */
	uint64_t no_bits = no_frame_bits ? (uint64_t)(VMAINSPECT_PTE_FILE |
						      VMAINSPECT_PTE_EXCLUSIVE) : 0;
	uint64_t rawpfn;

	if (leaf->kind != x->kind || p->nr_levels - 1 != x->level)
		mism(r, "PT_PATH %#llx: leaf level %u kind %s, run level %u kind %s", a,
		     p->nr_levels - 1, kname(leaf->kind), x->level, kname(x->kind));
	if (leaf->pfn != x->pfn)
		mism(r, "PT_PATH %#llx: leaf pfn %#llx, run pfn %#llx", a,
		     (unsigned long long)leaf->pfn, (unsigned long long)x->pfn);
	if (x->kind != VMAINSPECT_PT_PAGE) {
		if (p->page_size || p->phys_addr)
			mism(r, "PT_PATH %#llx: kind %s with page_size %#llx phys %#llx", a,
			     kname(x->kind), (unsigned long long)p->page_size,
			     (unsigned long long)p->phys_addr);
		return;
	}
	if (p->page_size != 1ULL << x->page_shift)
		mism(r, "PT_PATH %#llx: page_size %#llx, run page_shift %u", a,
		     (unsigned long long)p->page_size, x->page_shift);
	if ((leaf->bits & ~no_bits) != x->bits)
		mism(r, "PT_PATH %#llx: leaf bits %#llx, run bits %#llx", a,
		     (unsigned long long)leaf->bits, (unsigned long long)x->bits);
	if (!no_frame_bits && leaf->folio_shift != x->folio_shift)
		mism(r, "PT_PATH %#llx: leaf folio_shift %u, run %u", a,
		     leaf->folio_shift, x->folio_shift);
	if (p->phys_addr != (unpriv ? 0 : x->pfn << PG_SHIFT))
		mism(r, "PT_PATH %#llx: phys_addr %#llx, run pfn %#llx", a,
		     (unsigned long long)p->phys_addr, (unsigned long long)x->pfn);
	if (unpriv)
		return;
	rawpfn = leaf->raw & X86_PFN_MASK;
	if (x->level != VMAINSPECT_LVL_PTE)
		rawpfn &= ~PAT_LARGE;
	rawpfn >>= PG_SHIFT;
	rawpfn += (x->start & ((1ULL << x->page_shift) - 1)) >> PG_SHIFT;
	/* PROT_NONE entries are inverted (L1TF): skip those */
	if (!(x->bits & VMAINSPECT_PTE_PROTNONE) && rawpfn != x->pfn)
		mism(r, "PT_PATH %#llx: raw %#llx frame %#llx, pfn %#llx", a,
		     (unsigned long long)leaf->raw, (unsigned long long)rawpfn,
		     (unsigned long long)x->pfn);
}

/*
 * PT_PATH of an unaligned address inside the second page of page run @x
 * (@p: the path of its first page): the next frame, the same depth.
 * 0 or -errno.
 */
static int path_unaligned(int fd, const struct vmainspect_pt_path *p,
			  const struct vmainspect_pt_run *x, struct result *r)
{
	struct vmainspect_pt_path q;
	uint64_t qa = x->start + PG_SIZE + 0x123;
	uint64_t want_phys = unpriv ? 0 : ((x->pfn + 1) << PG_SHIFT) + 0x123;
	uint64_t want_pfn = unpriv ? 0 : x->pfn + 1, leaf_pfn;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.addr = qa;
	if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &q))
		return -errno;
	leaf_pfn = q.levels[q.nr_levels ? q.nr_levels - 1 : 0].pfn;
	if (q.nr_levels != p->nr_levels || q.phys_addr != want_phys || leaf_pfn != want_pfn)
		mism(r, "PT_PATH %#llx: nr_levels %u phys_addr %#llx leaf pfn %#llx, "
		     "expected %u, %#llx, %#llx", (unsigned long long)qa, q.nr_levels,
		     (unsigned long long)q.phys_addr, (unsigned long long)leaf_pfn,
		     p->nr_levels, (unsigned long long)want_phys, (unsigned long long)want_pfn);
	return 0;
}

/* VMAINSPECT_IOC_PT_PATH at the first page of a sample of the runs. */
static int check_paths(int fd, const struct vma *v, struct result *r)
{
	size_t step = nruns > PATH_SAMPLES ? (nruns + PATH_SAMPLES - 1) / PATH_SAMPLES : 1, i;
	struct vmainspect_pt_path p;
	int e;

	for (i = 0; i < nruns; i += step) {
		const struct vmainspect_pt_run *x = &runs[i];
		const struct vmainspect_pt_entry *leaf;
		unsigned long long a = x->start;

		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.addr = x->start;
		if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &p))
			return -errno;
		if (!path_levels_ok(&p, a, r))
			continue;
		path_leaf_vs_run(&p, x, a, r);
		if (x->kind == VMAINSPECT_PT_PAGE && x->end - x->start > PG_SIZE) {
			e = path_unaligned(fd, &p, x, r);
			if (e)
				return e;
		}
		leaf = &p.levels[p.nr_levels - 1];
		if (x->kind == VMAINSPECT_PT_SWAP &&
		    (leaf->swap_type != x->swap_type || leaf->offset != x->offset))
			mism(r, "PT_PATH %#llx: swap %u/%#llx, run %u/%#llx", a, leaf->swap_type,
			     (unsigned long long)leaf->offset, x->swap_type,
			     (unsigned long long)x->offset);
		if (x->kind == VMAINSPECT_PT_MARKER && leaf->offset != x->offset)
			mism(r, "PT_PATH %#llx: marker %#llx, run %#llx", a,
			     (unsigned long long)leaf->offset, (unsigned long long)x->offset);
	}
	(void)v;
	return 0;
}


/* ---- whole-range walk vs per-VMA walks ---- */

struct runvec {
	struct vmainspect_pt_run *r;
	size_t n, cap;
	size_t *vma;	/* index of the VMA each run lies in */
};

static int has_pfn(unsigned int k)
{
	return k == VMAINSPECT_PT_PAGE || k == VMAINSPECT_PT_MIGRATION ||
	       k == VMAINSPECT_PT_DEVICE_PRIVATE || k == VMAINSPECT_PT_DEVICE_EXCLUSIVE ||
	       k == VMAINSPECT_PT_HWPOISON;
}

/* Append @x (inside VMA @vi), merging it into the previous run if it extends it. */
/*
 * Push run @x of VMA @vi, merged with the last one where they continue
 * each other.  The accessed bit is left out: the kernel clears it in
 * quiescent processes at any time (reclaim and MGLRU aging walk page
 * tables; seen on 7.3 between the two walks), so the walks could only
 * agree on it by luck.  (pagemap has no accessed bit; the A/D rules are
 * vmi-regress's and vmi-access-matrix's to check.)
 */
static void norm_push(struct runvec *v, const struct vmainspect_pt_run *run, size_t vi)
{
	struct vmainspect_pt_run xm = *run, *x = &xm;

	xm.bits &= ~VMAINSPECT_PTE_ACCESSED;
	if (v->n) {
		struct vmainspect_pt_run *l = &v->r[v->n - 1];
		uint64_t pages = (l->end - l->start) >> PG_SHIFT;
		int same = v->vma[v->n - 1] == vi && l->end == x->start && l->kind == x->kind &&
			   l->level == x->level && l->bits == x->bits &&
			   l->swap_type == x->swap_type && l->page_shift == x->page_shift;

		if (same && has_pfn(x->kind) && !unpriv)
			same = x->pfn == l->pfn + pages;
		if (same && x->kind == VMAINSPECT_PT_SWAP && !unpriv)
			same = x->offset == l->offset + pages;
		if (same && x->kind == VMAINSPECT_PT_MARKER)
			same = x->offset == l->offset;
		if (same) {
			l->end = x->end;
			return;
		}
	}
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->r = xrealloc(v->r, v->cap * sizeof(*v->r));
		v->vma = xrealloc(v->vma, v->cap * sizeof(*v->vma));
	}
	v->r[v->n] = *x;
	v->vma[v->n++] = vi;
}

/*
 * Cut runs[] at VMA boundaries into @v (merged again within each VMA).  A
 * run over a stretch no VMA covers is a mismatch.
 */
static void normalize(struct runvec *v, struct result *r)
{
	size_t i, k = 0;

	for (i = 0; i < nruns; i++) {
		const struct vmainspect_pt_run *x = &runs[i];
		uint64_t at = x->start;

		while (at < x->end) {
			struct vmainspect_pt_run piece = *x;
			uint64_t skip;

			while (k < nvmas && vmas[k].v.end <= at)
				k++;
			if (k == nvmas || vmas[k].v.start > at) {
				mism(r, "whole-range run [%#llx, %#llx) %s covers %#llx, outside "
				     "every VMA", (unsigned long long)x->start,
				     (unsigned long long)x->end, kname(x->kind),
				     (unsigned long long)at);
				return;
			}
			skip = (at - x->start) >> PG_SHIFT;
			piece.start = at;
			piece.end = x->end < vmas[k].v.end ? x->end : vmas[k].v.end;
			if (has_pfn(x->kind) && x->pfn)
				piece.pfn = x->pfn + skip;
			if (x->kind == VMAINSPECT_PT_SWAP && x->offset)
				piece.offset = x->offset + skip;
			norm_push(v, &piece, k);
			at = piece.end;
		}
	}
}

static void cmp_runvecs(const struct runvec *a, const struct runvec *b, struct result *r)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		const struct vmainspect_pt_run *x = &a->r[i], *y = &b->r[i];

		if (x->start != y->start || x->end != y->end || x->kind != y->kind ||
		    x->level != y->level || x->bits != y->bits || x->pfn != y->pfn ||
		    x->offset != y->offset || x->swap_type != y->swap_type ||
		    x->page_shift != y->page_shift) {
			mism(r, "per-VMA run [%#llx, %#llx) %s L%u bits %#llx pfn %#llx, whole-range "
			     "[%#llx, %#llx) %s L%u bits %#llx pfn %#llx",
			     (unsigned long long)x->start, (unsigned long long)x->end,
			     kname(x->kind), x->level, (unsigned long long)x->bits,
			     (unsigned long long)x->pfn, (unsigned long long)y->start,
			     (unsigned long long)y->end, kname(y->kind), y->level,
			     (unsigned long long)y->bits, (unsigned long long)y->pfn);
			return;
		}
	}
	if (a->n != b->n)
		mism(r, "per-VMA walks give %zu runs, the whole-range walk %zu (normalized)",
		     a->n, b->n);
}

static uint64_t get_task_size(int fd)
{
	struct vmainspect_layout l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	if (ioctl(fd, VMAINSPECT_IOC_LAYOUT, &l))
		return 0;
	return l.task_size;
}


/*
 * --stress SECS: a target that keeps changing (vmi-zoo --churn): walk its
 * whole address space and ask PT_PATH at random addresses for SECS
 * seconds.  Nothing can be compared with pagemap then; what must hold:
 * every call succeeds (ESRCH once the target is gone), each call's runs are
 * in order, inside the range, not overlapping, of valid kinds, and the
 * cursor advances.  The kernel staying quiet is checked by vm-run.sh.
 */
static int stress(int pid, int secs)
{
	static struct vmainspect_pt_run buf[4096];
	struct vmainspect_pt_runs a;
	struct vmainspect_pt_path p;
	uint64_t ts, cursor, rnd = 88172645463325252ULL, walks = 0, calls = 0, paths = 0;
	time_t t_end = time(NULL) + secs;
	struct result r;
	unsigned int i;
	int fd, err;

	memset(&r, 0, sizeof(r));
	fd = vmi_open_attached(pid, 0, &err);
	if (fd < 0) {
		fail("stress pid %d: attach: %s", pid, strerror(err));
		return 1;
	}
	ts = get_task_size(fd) & ~(PG_SIZE - 1);
	while (time(NULL) < t_end && !r.bad) {
		cursor = 0;
		walks++;
		for (;;) {
			rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.start = cursor;
			a.end = ts;
			a.runs = (uintptr_t)buf;
			a.run_size = sizeof(buf[0]);
			a.max_runs = 1 + (unsigned int)(rnd % 4096);
			if (ioctl(fd, VMAINSPECT_IOC_PT_RUNS, &a)) {
				if (errno == ESRCH)
					goto gone;
				mism(&r, "PT_RUNS [%#llx, %#llx): %s", (unsigned long long)cursor,
				     (unsigned long long)ts, strerror(errno));
				break;
			}
			calls++;
			for (i = 0; i < a.nr_runs; i++) {
				const struct vmainspect_pt_run *x = &buf[i];

				if (x->start < cursor || x->end <= x->start || x->end > ts ||
				    (i && x->start < buf[i - 1].end) || x->kind >= VMAINSPECT_PT_KIND_MAX ||
				    x->kind == VMAINSPECT_PT_TABLE || x->kind == VMAINSPECT_PT_FOLDED ||
				    x->level >= VMAINSPECT_LVL_NR) {
					mism(&r, "run %u [%#llx, %#llx) kind %u level %u (call from %#llx)",
					     i, (unsigned long long)x->start, (unsigned long long)x->end,
					     x->kind, x->level, (unsigned long long)cursor);
					break;
				}
			}
			if (a.nr_runs > a.max_runs)
				mism(&r, "PT_RUNS: %u runs for max_runs %u", a.nr_runs, a.max_runs);
			if (r.bad)
				break;
			if (a.out_flags & VMAINSPECT_PT_DONE)
				break;
			if (a.next_addr <= cursor || a.next_addr > ts) {
				mism(&r, "cursor %#llx -> %#llx without DONE", (unsigned long long)cursor,
				     (unsigned long long)a.next_addr);
				break;
			}
			cursor = a.next_addr;
			/* a random translation path between the batches */
			memset(&p, 0, sizeof(p));
			p.size = sizeof(p);
			p.addr = i ? buf[rnd % i].start + (rnd >> 20) % 8 * PG_SIZE : rnd % ts;
			if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &p)) {
				if (errno == ESRCH)
					goto gone;
				mism(&r, "PT_PATH %#llx: %s", (unsigned long long)p.addr, strerror(errno));
				break;
			}
			paths++;
			if (p.nr_levels > VMAINSPECT_LVL_NR)
				mism(&r, "PT_PATH %#llx: nr_levels %u", (unsigned long long)p.addr,
				     p.nr_levels);
		}
	}
gone:
	close(fd);
	if (r.bad) {
		fail("stress pid %d: %d problems", pid, r.bad);
		flush_detail(&r, "");
		return 1;
	}
	pass("stress pid %d: %llu whole-range walks, %llu PT_RUNS calls, %llu PT_PATH calls "
	     "in %d s%s", pid, (unsigned long long)walks, (unsigned long long)calls,
	     (unsigned long long)paths, secs, kill(pid, 0) ? " (target gone)" : "");
	return 0;
}

static void fmt_size(char *b, size_t n, uint64_t bytes)
{
	if (bytes >= 1ULL << 40)
		snprintf(b, n, "%.1f TiB", bytes / (double)(1ULL << 40));
	else if (bytes >= 1ULL << 30)
		snprintf(b, n, "%.1f GiB", bytes / (double)(1ULL << 30));
	else if (bytes >= 1ULL << 20)
		snprintf(b, n, "%.1f MiB", bytes / (double)(1ULL << 20));
	else
		snprintf(b, n, "%llu KiB", (unsigned long long)(bytes >> 10));
}

/*
 * Attach to @pid, list its VMAs, check its paging depth, open its pagemap
 * (*@fd, *@pmfd): 0, or 1 (skip: gone or not ours, unless @must_exist) or
 * -1 (a FAIL line printed), with nothing left open.
 */
static int open_target(int pid, int must_exist, int *fd, int *pmfd)
{
	char path[64];
	int err, lv;

	smaps_pid = -1;
	*fd = vmi_open_attached(pid, 0, &err);
	if (*fd < 0) {
		if (!must_exist && (err == ESRCH || err == ENOENT || err == EACCES || err == EPERM))
			return 1;
		fail("pid %d: attach: %s", pid, strerror(err));
		return -1;
	}
	err = list_vmas(*fd);
	if (err) {
		close(*fd);
		if (!must_exist && err == -ESRCH)
			return 1;
		fail("pid %d: LIST_VMAS: %s", pid, strerror(-err));
		return -1;
	}
	if (!nvmas) {
		close(*fd);
		if (!must_exist)
			return 1;
		fail("pid %d: no VMAs", pid);
		return -1;
	}
	lv = get_levels(*fd);
	if (lv != levels_expected) {
		fail("pid %d: LAYOUT pgtable_levels %d, expected %d (la57 cpu flag)",
		     pid, lv, levels_expected);
	}
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	*pmfd = open(path, O_RDONLY | O_CLOEXEC);
	if (*pmfd < 0) {
		err = errno;
		close(*fd);
		if (!must_exist && (err == ENOENT || err == ESRCH || err == EACCES))
			return 1;
		fail("pid %d: open %s: %s", pid, path, strerror(err));
		return -1;
	}
	return 0;
}

/* addresses outside every VMA (0, a kernel address, the top): no walk; failures */
static int check_outside(int fd, int pid)
{
	static const uint64_t outside[] = { 0, 0xffff888000000000ULL, ~0ULL };
	struct vmainspect_pt_path p;
	unsigned int o;
	int nfail = 0;

	for (o = 0; o < 3; o++) {
		if (o == 0 && vmas[0].v.start == 0)
			continue;
		errno = 0;
		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.addr = outside[o];
		if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &p) ||
		    p.nr_levels || (p.out_flags & VMAINSPECT_PT_IN_VMA) || p.page_size) {
			fail("pid %d: PT_PATH at %#llx (outside VMAs): %s, nr_levels %u "
			     "out_flags %#x", pid, (unsigned long long)outside[o],
			     errno ? strerror(errno) : "ok", p.nr_levels, p.out_flags);
			nfail++;
		}
	}
	return nfail;
}

/*
 * PT_RUNS of VMA @v of @pid and every check of them, tried up to TRIES
 * times while the target changes under us: *@r, *@c of the last try, and
 * its error (-ESRCH: the process is gone).
 */
static int check_vma_runs(int fd, int pmfd, int pid, const struct vma *v, int sampled,
			  unsigned int *calls, uint64_t *compared, struct result *r,
			  struct cover *c)
{
	char path[64];
	int t, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	for (t = 0; t < TRIES; t++) {
		memset(r, 0, sizeof(*r));
		memset(c, 0, sizeof(*c));
		err = get_runs(fd, v->v.start, v->v.end, calls, r);
		if (err == -EAGAIN)
			continue;
		if (err) {
			mism(r, "PT_RUNS: %s", strerror(-err));
			if (err == -ESRCH)
				break;
			continue;
		}
		if (v->v.uflags & VMAINSPECT_VM_PFNMAP) {
			/* not walked, like pagemap: no runs at all */
			if (nruns)
				mism(r, "VM_PFNMAP VMA: %zu runs, expected none", nruns);
			if (!r->bad)
				break;
			continue;
		}
		if (mutate && nruns) {
			/* the checker's self-test: it must notice these */
			struct vmainspect_pt_run *m = &runs[nruns / 2];

			m->bits ^= VMAINSPECT_PTE_SOFT_DIRTY;
			if (m->kind == VMAINSPECT_PT_PAGE && !unpriv)
				m->pfn++;
		}
		check_tiling(pid, v, r);
		if (!r->bad) {
			err = check_pagemap(pmfd, v, r, c, compared);
			if (err)
				mism(r, "read %s: %s", path, strerror(-err));
			check_smaps(pid, v, r, sampled, t > 0);
			if (scan_mask && !(v->v.uflags & VMAINSPECT_VM_HUGETLB))
				check_scan(pmfd, v, r);
			if (!unpriv && !no_frame_bits)
				check_folios(r, c);
			err = check_paths(fd, v, r);
			if (err)
				mism(r, "PT_PATH: %s", strerror(-err));
		}
		if (!r->bad)
			break;
	}
	return err;
}

static void cover_add(struct cover *sum, const struct cover *c)
{
	int t;

	for (t = 0; t < VMAINSPECT_PT_KIND_MAX; t++)
		sum->kind[t] += c->kind[t];
	sum->pmd_pages += c->pmd_pages;
	sum->pud_pages += c->pud_pages;
	sum->soft_dirty += c->soft_dirty;
	sum->uffd_wp += c->uffd_wp;
	sum->protnone += c->protnone;
	sum->special += c->special;
	sum->sd_vma += c->sd_vma;
	sum->guard += c->guard;
	sum->saved_dirty += c->saved_dirty;
	sum->mthp += c->mthp;
	sum->zero_page += c->zero_page;
	sum->huge_zero += c->huge_zero;
	sum->uffd_rwp += c->uffd_rwp;
	sum->rwp_accessed += c->rwp_accessed;
	sum->sampled += c->sampled;
}

/*
 * The lines of one VMA of @bytes bytes, checked into @r: PASS or FAIL
 * (per VMA unless --per-process), and whether a big VMA was walked in few
 * runs and calls.  Returns its failures.
 */
static int report_vma(const char *label, uint64_t bytes, const struct result *r,
		      unsigned int calls, uint64_t compared, int sampled)
{
	int nfail = 0;

	if (r->bad) {
		nfail++;
		if (!per_process)
			fail("%s: %d mismatches (after %d tries)", label, r->bad, TRIES);
		else
			printf("  %s: %d mismatches\n", label, r->bad);
		flush_detail(r, "");
	} else if (!per_process) {
		pass("%s: %zu runs in %u calls, %llu pages compared%s", label,
		     nruns, calls, (unsigned long long)compared,
		     sampled ? " (long empty runs sampled)" : "");
	}
	/* a huge VMA must be walked in few runs and calls */
	if (bytes >= BIG_VMA && !r->bad) {
		if (nruns < big_max_runs && (calls <= 16 || batch < big_max_runs)) {
			pass("%s: big VMA walked in %zu runs, %u calls (< %u runs)",
			     label, nruns, calls, big_max_runs);
		} else {
			fail("%s: big VMA walked in %zu runs, %u calls "
			     "(expected < %u runs, <= 16 calls with max_runs >= that)", label, nruns,
			     calls, big_max_runs);
			nfail++;
		}
	}
	return nfail;
}

/*
 * One walk of the whole address space must tell the same story as the
 * per-VMA walks (@per_vma); @whole: its runs.  Returns its failures.
 */
static int check_whole(int fd, int pid, const struct runvec *per_vma, struct runvec *whole)
{
	uint64_t ts = get_task_size(fd);
	unsigned int calls = 0;
	struct result wr;
	int t, err;

	for (t = 0; t < TRIES; t++) {
		memset(&wr, 0, sizeof(wr));
		whole->n = 0;
		nruns = 0;
		calls = 0;
		err = ts ? get_runs_range(fd, 0, ts & ~(PG_SIZE - 1), &calls, &wr) : -EINVAL;
		if (err) {
			mism(&wr, "PT_RUNS [0, %#llx): %s", (unsigned long long)ts, strerror(-err));
			continue;
		}
		normalize(whole, &wr);
		if (!wr.bad)
			cmp_runvecs(per_vma, whole, &wr);
		if (!wr.bad)
			break;
	}
	if (wr.bad) {
		fail("pid %d: whole-range walk [0, %#llx) disagrees with the per-VMA "
		     "walks", pid, (unsigned long long)ts);
		flush_detail(&wr, "");
		return 1;
	}
	pass("pid %d: whole-range walk [0, %#llx): %zu runs in %u calls, "
	     "same as per VMA", pid, (unsigned long long)ts, nruns, calls);
	return 0;
}

/* What the pages of @pid covered: which kinds and bits the checks met. */
static void print_cover(int pid, const struct cover *cov)
{
	printf("COVER pid %d: none %llu page %llu swap %llu migration %llu marker %llu hwpoison %llu "
	       "pmd_pages %llu pud_pages %llu soft_dirty %llu uffd_wp %llu protnone %llu special %llu "
	       "vm_softdirty %llu sampled_empty %llu guard %llu saved_dirty %llu mthp %llu "
	       "zero_page %llu huge_zero %llu uffd_rwp %llu rwp_accessed %llu\n", pid,
	       (unsigned long long)cov->kind[VMAINSPECT_PT_NONE],
	       (unsigned long long)cov->kind[VMAINSPECT_PT_PAGE],
	       (unsigned long long)cov->kind[VMAINSPECT_PT_SWAP],
	       (unsigned long long)cov->kind[VMAINSPECT_PT_MIGRATION],
	       (unsigned long long)cov->kind[VMAINSPECT_PT_MARKER],
	       (unsigned long long)cov->kind[VMAINSPECT_PT_HWPOISON],
	       (unsigned long long)cov->pmd_pages, (unsigned long long)cov->pud_pages,
	       (unsigned long long)cov->soft_dirty,
	       (unsigned long long)cov->uffd_wp, (unsigned long long)cov->protnone,
	       (unsigned long long)cov->special, (unsigned long long)cov->sd_vma,
	       (unsigned long long)cov->sampled, (unsigned long long)cov->guard,
	       (unsigned long long)cov->saved_dirty, (unsigned long long)cov->mthp,
	       (unsigned long long)cov->zero_page, (unsigned long long)cov->huge_zero,
	       (unsigned long long)cov->uffd_rwp, (unsigned long long)cov->rwp_accessed);
}

/* One process: 0 = checked (pass or fail counted), 1 = skipped. */
static int check_pid(int pid, int must_exist)
{
	int fd, pmfd, err, pfail = 0;
	unsigned int calls = 0;
	char label[256], sz[32];
	struct cover cov;
	struct runvec per_vma = { 0 }, whole = { 0 };
	uint64_t total_pages = 0, total_runs = 0, total_calls = 0;
	size_t k;

	err = open_target(pid, must_exist, &fd, &pmfd);
	if (err)
		return err > 0 ? 1 : 0;
	memset(&cov, 0, sizeof(cov));
	pfail += check_outside(fd, pid);

	for (k = 0; k < nvmas; k++) {
		const struct vma *v = &vmas[k];
		uint64_t bytes = v->v.end - v->v.start, compared = 0;
		struct result r;
		struct cover c;
		int sampled = (bytes >> PG_SHIFT) > full_limit;

		fmt_size(sz, sizeof(sz), bytes);
		snprintf(label, sizeof(label), "pid %d vma %#llx-%#llx %s (%s)", pid,
			 (unsigned long long)v->v.start, (unsigned long long)v->v.end,
			 v->name[0] ? v->name : "anon", sz);
		err = check_vma_runs(fd, pmfd, pid, v, sampled, &calls, &compared, &r, &c);
		if (r.bad && err == -ESRCH && !must_exist) {
			close(pmfd);
			close(fd);
			return 1;	/* exited meanwhile */
		}
		normalize(&per_vma, &r);
		cover_add(&cov, &c);
		total_pages += compared;
		total_runs += nruns;
		total_calls += calls;
		pfail += report_vma(label, bytes, &r, calls, compared, sampled);
	}
	if (!mutate)
		pfail += check_whole(fd, pid, &per_vma, &whole);
	free(per_vma.r);
	free(per_vma.vma);
	free(whole.r);
	free(whole.vma);
	close(pmfd);
	close(fd);
	print_cover(pid, &cov);
	if (per_process) {
		if (pfail) {
			fail("pid %d: %d of %zu VMAs mismatch", pid, pfail, nvmas);
		} else {
			pass("pid %d: %zu VMAs, %llu runs in %llu calls, %llu pages compared",
			     pid, nvmas, (unsigned long long)total_runs,
			     (unsigned long long)total_calls, (unsigned long long)total_pages);
		}
	}
	return 0;
}

static int cpu_has_la57(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "re");
	int has = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " la57")) {
			char *s = strstr(line, " la57");

			if (s[5] == ' ' || s[5] == '\n' || !s[5])
				has = 1;
			break;
		}
	fclose(f);
	return has;
}

/*
 * --debugfs PID: /sys/kernel/debug/vmainspect/PID/pagetables (published
 * with ATTACH_DEBUGFS) against /proc/PID/pagemap, for a quiescent target:
 * every page of a "page" line is present in pagemap with that frame (or
 * the frame is hidden, unprivileged), and the present pages of all lines
 * add up to pagemap's present pages over the VMAs of /proc/PID/maps.
 */
/*
 * The words after a debugfs page line's bits that kpageflags can check:
 * " folio=N KiB" (or MiB), printed where the folio at frame @f0 (kpf_folio_shift())
 * is larger than a base page and not the entry's own size (PTE-mapped
 * large folios), and "zero-page", exactly on KPF_ZERO_PAGE frames.
 */
static void debugfs_frame_words(const char *line, const char *lvl, uint64_t f0,
				uint64_t *bad, uint64_t *folios, uint64_t *zeros)
{
	unsigned int entry = !strcmp(lvl, "PTE") ? PG_SHIFT : !strcmp(lvl, "PMD") ? 21 :
			     !strcmp(lvl, "PUD") ? 30 : 0;
	unsigned int want = kpf_folio_shift(f0), got = 0;
	const char *w = strstr(line, " folio=");
	unsigned long long kb = 0;
	int zero = !!strstr(line, " zero-page"), kzero;
	uint64_t k = 0;

	char unit[8] = "";

	/* " folio=64 KiB", " folio=2 MiB": always a whole power of two */
	if (w && sscanf(w, " folio=%llu %7s", &kb, unit) == 2 && kb && !(kb & (kb - 1)) &&
	    (!strcmp(unit, "KiB") || !strcmp(unit, "MiB") || !strcmp(unit, "GiB")))
		got = (unit[0] == 'K' ? 10 : unit[0] == 'M' ? 20 : 30) +
		      (unsigned int)__builtin_ctzll(kb);
	if (w ? got != want || want == entry : want > PG_SHIFT && want != entry) {
		if ((*bad)++ < MAX_DETAIL)
			printf("  kpageflags folio of pfn %#llx: 2^%u bytes; debugfs: %s",
			       (unsigned long long)f0, want, line);
	}
	*folios += !!w;
	kzero = kpf_read(f0, &k, 1) == 1 && (k & (1ULL << KPF_ZERO_PAGE));
	if (zero != kzero && (*bad)++ < MAX_DETAIL)
		printf("  kpageflags zero page of pfn %#llx: %d; debugfs: %s",
		       (unsigned long long)f0, kzero, line);
	*zeros += zero;
}

/*
 * The next line of f into line (size bytes, '\n'-terminated) with its
 * continuation lines (those that start with a blank: the view wraps at
 * 80 columns) joined to it by one blank.  *next holds the line read ahead
 * ("" when none).  0 at the end.
 */
static int logical_line(FILE *f, char *line, size_t size, char *next)
{
	size_t n;
	char *p;

	if (!next[0] && !fgets(next, (int)size, f))
		return 0;
	snprintf(line, size, "%s", next);
	next[0] = '\0';
	while (fgets(next, (int)size, f) && next[0] == ' ') {
		n = strcspn(line, "\n");
		for (p = next; *p == ' '; p++)
			;
		snprintf(line + n, size - n, " %s", p);
		next[0] = '\0';
	}
	return 1;
}

static void check_debugfs_pt(int pid)
{
	char path[96], line[1024], next[1024], kind[32], frames[96], lvl[8];
	unsigned long long start, end, f0, f1;
	uint64_t dbg_present = 0, pm_present = 0, bad = 0, lines = 0, folios = 0, zeros = 0;
	int fd, pmfd, err, hidden_seen = 0, pm_err = 0;
	FILE *f;

	fd = vmi_open_attached(pid, VMAINSPECT_ATTACH_DEBUGFS, &err);
	if (fd < 0) {
		fail("debugfs pagetables: publishing pid %d: %s", pid, strerror(err));
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pmfd = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/%d/pagetables", pid);
	f = fopen(path, "r");
	if (!f || pmfd < 0) {
		fail("debugfs pagetables: %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		if (pmfd >= 0)
			close(pmfd);
		return;
	}
	next[0] = '\0';
	while (logical_line(f, line, sizeof(line), next)) {
		uint64_t addr, e;
		const char *pfn, *l;

		if (line[0] == '#')
			continue;
		/* "start-end SIZE LEVEL pfn FIRST-LAST KIND bits...", SIZE "4 KiB" */
		pfn = strstr(line, " pfn ");
		if (sscanf(line, "%llx-%llx", &start, &end) != 2 || !pfn)
			continue;
		for (l = pfn; l > line && l[-1] != ' '; l--)
			;
		if (pfn - l < 1 || pfn - l >= (long)sizeof(lvl))
			continue;
		memcpy(lvl, l, pfn - l);
		lvl[pfn - l] = '\0';
		if (sscanf(pfn, " pfn %95s %31s", frames, kind) != 2 || strcmp(kind, "page"))
			continue;
		lines++;
		if (!strcmp(frames, "hidden")) {
			hidden_seen = 1;
			f0 = f1 = 0;
		} else if (sscanf(frames, "%llx-%llx", &f0, &f1) != 2 ||
			   f1 - f0 + 1 != (end - start) >> PG_SHIFT) {
			if (bad++ < MAX_DETAIL)
				printf("  debugfs line with bad frames: %s", line);
			continue;
		}
		if (!hidden_seen)
			debugfs_frame_words(line, lvl, f0, &bad, &folios, &zeros);
		for (addr = start; addr < end; addr += PG_SIZE) {
			e = read_pagemap1(pmfd, addr, &err);
			dbg_present++;
			if (err || !(e & PM_PRESENT) ||
			    (!hidden_seen && (e & PM_PFRAME_MASK) != f0 + ((addr - start) >> PG_SHIFT))) {
				if (bad++ < MAX_DETAIL)
					printf("  %#llx: debugfs says page pfn %#llx, pagemap %#llx\n",
					       (unsigned long long)addr,
					       f0 + ((addr - start) >> PG_SHIFT),
					       (unsigned long long)e);
			}
		}
	}
	fclose(f);
	/* The oracle's count: every VMA of maps (the gate area is no VMA). */
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		uint64_t a, n, k;

		if (sscanf(line, "%llx-%llx", &start, &end) != 2 || strstr(line, "[vsyscall]"))
			continue;
		/* In chunks: the zoo has VMAs of many GiB. */
		for (a = start; a < end; a += n << PG_SHIFT) {
			n = (end - a) >> PG_SHIFT;
			if (n > 131072)
				n = 131072;
			if (read_pagemap(pmfd, a, n)) {
				pm_err = 1;
				break;
			}
			for (k = 0; k < n; k++)
				pm_present += !!(pm[k] & PM_PRESENT);
		}
	}
	if (f)
		fclose(f);
	close(pmfd);
	if (!bad && !pm_err && lines && dbg_present == pm_present && hidden_seen == unpriv) {
		pass("debugfs pagetables of pid %d: %llu page lines, %llu present pages, "
		     "as pagemap%s; %llu folio= suffixes and %llu zero-page lines as kpageflags",
		     pid, (unsigned long long)lines, (unsigned long long)dbg_present,
		     unpriv ? " (frames hidden)" : " (frames equal)", (unsigned long long)folios,
		     (unsigned long long)zeros);
	} else {
		fail("debugfs pagetables of pid %d: %llu mismatching pages, %llu page lines, "
		     "%llu present pages in debugfs vs %llu in pagemap%s, frames %s", pid,
		     (unsigned long long)bad, (unsigned long long)lines,
		     (unsigned long long)dbg_present, (unsigned long long)pm_present,
		     pm_err ? " (pagemap read failed)" : "", hidden_seen ? "hidden" : "shown");
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: vmi-check-pages [--per-process] [--full-limit PAGES] [--mutate] [--no-frame-bits] "
		"[--big-max-runs N] [--batch N] [--chunk PAGES] [--stress SECS] [--debugfs] (--all-pids | PID...)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int all = 0, i, checked = 0, skipped = 0, stress_secs = 0, debugfs = 0;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--all-pids")) {
			all = per_process = 1;
		} else if (!strcmp(argv[i], "--stress") && i + 1 < argc) {
			stress_secs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--chunk") && i + 1 < argc) {
			chunk = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--debugfs")) {
			debugfs = 1;
		} else if (!strcmp(argv[i], "--mutate")) {
			mutate = 1;
		} else if (!strcmp(argv[i], "--no-frame-bits")) {
			no_frame_bits = 1;
		} else if (!strcmp(argv[i], "--per-process")) {
			per_process = 1;
		} else if (!strcmp(argv[i], "--full-limit") && i + 1 < argc) {
			full_limit = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--big-max-runs") && i + 1 < argc) {
			big_max_runs = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--batch") && i + 1 < argc) {
			batch = (unsigned int)strtoul(argv[++i], NULL, 0);
			if (!batch || batch > VMAINSPECT_RUNS_MAX)
				usage();
		} else {
			usage();
		}
	}
	if (all == (i < argc))
		usage();
	self_pid = getpid();
	unpriv = geteuid() != 0;
	levels_expected = cpu_has_la57() ? 5 : 4;
	pagemap_uffd = kernel_at_least(5, 17);
	if (!pagemap_uffd)
		printf("NOTE pagemap has no uffd-wp bit before 5.17: uffd-wp not compared\n");
	pagemap_guard = kernel_at_least(6, 15);
	if (!pagemap_guard)
		printf("NOTE pagemap has no guard-region bit before 6.15: guards not compared\n");
	/* PAGEMAP_SCAN as a second oracle: root (frames) and frame bits (file) */
	if (!unpriv && !no_frame_bits)
		scan_mask = scan_probe();
	if (!scan_mask)
		printf("NOTE PAGEMAP_SCAN not compared (before 6.7, unprivileged or --no-frame-bits)\n");
	else if (!(scan_mask & PAGE_IS_GUARD))
		printf("NOTE PAGEMAP_SCAN has no guard category (before 6.15)\n");
	else if (!(scan_mask & PAGE_IS_ACCESSED))
		printf("NOTE PAGEMAP_SCAN has no accessed category (before 7.3)\n");
	printf("NOTE %s, expecting %d-level page tables%s\n", unpriv ? "unprivileged" : "root",
	       levels_expected, unpriv ? ", every frame hidden" : "");
	if (debugfs) {
		for (; i < argc; i++)
			check_debugfs_pt(atoi(argv[i]));
	} else if (stress_secs > 0) {
		for (; i < argc; i++)
			stress(atoi(argv[i]), stress_secs);
	} else if (all) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d) {
			perror("/proc");
			return 2;
		}
		while ((de = readdir(d))) {
			long pid = strtol(de->d_name, &end, 10);

			if (*end || pid <= 0 || pid == self_pid)
				continue;
			if (check_pid((int)pid, 0))
				skipped++;
			else
				checked++;
		}
		closedir(d);
		printf("NOTE %d processes checked, %d skipped (kernel threads, exited, not allowed)\n",
		       checked, skipped);
		if (!checked) {
			fail("--all-pids: no process checked");
		}
	} else {
		for (; i < argc; i++) {
			long pid = strtol(argv[i], &end, 10);

			if (*end || pid <= 0)
				usage();
			check_pid((int)pid, 1);
		}
	}
	return summary();
}
