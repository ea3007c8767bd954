// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-frame-sweep: VMAINSPECT_IOC_PAGE and VMAINSPECT_IOC_RMAP on every
 * physical frame number from 0 to twice the end of RAM, as root in the
 * test VM.
 *
 *   vmi-frame-sweep [--step N] [--max-pfn PFN]
 *
 *   --step N       look at every Nth pfn only (default 1: all of them)
 *   --max-pfn PFN  sweep pfns 0..PFN instead of 0..2 * end of RAM - 1
 *
 * The end of RAM is VMAINSPECT_IOC_KLAYOUT's ram_end (the kernel's
 * max_pfn), else the highest "System RAM" end in /proc/iomem; both are
 * printed.  The 64 pfns on each side of it (of both, if they differ) are
 * always looked at, whatever --step and --max-pfn say: frames just past
 * the end of RAM that still have a struct page are where the module once
 * dereferenced a NULL zone name, and this program is that regression test.
 *
 * Each pfn must give: PAGE success or ENXIO (no online struct page);
 * RMAP success (maybe with VMAINSPECT_RMAP_NO_RMAP or _KSM), ENXIO or
 * EAGAIN (a contended lock).  Anything else is a FAIL.  Where PAGE
 * succeeds, its answer is checked against the kernel's own oracles,
 * /proc/kpageflags and /proc/kpagecount, read in bulk around each chunk of
 * 4096 pfns (bits that changed between the two reads are racing and left
 * out; a disagreement is looked at again, pfn by pfn, before it counts):
 *  - PAGE succeeds exactly where kpageflags has a page (no KPF_NOPAGE),
 *    RMAP too;
 *  - the flags agree bit by bit with kpageflags, the mapcount of PAGE and
 *    of RMAP with kpagecount.  The README's known limits are left out: the
 *    huge zero page, and before 5.11 the free pages inside a buddy block
 *    (counted, as an INFO line); so is 6.12's KSM bit on anonymous pages
 *    while KSM merged nothing.
 * Frames the oracles do not cover (past the section holding the last RAM
 * frame) but PAGE answers for are printed as INFO lines and counted.
 * About one pfn in 4096, and every pfn of the end-of-RAM windows, is also
 * published with VMAINSPECT_PAGE_DEBUGFS and its
 * /sys/kernel/debug/vmainspect/frames/0x<pfn>/{page,rmap} read: page must
 * agree with the oracles, rmap must be complete (or EAGAIN).
 *
 * Output: KTAP (vmi-report.h): diagnostics (progress every 10%, "sweep:
 * N pfns, M ok, K enxio") and the checks' results; exit status 1 on a
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <uapi/vmainspect.h>
#include <uapi/vmainspect_page_names.h>
#include "vmi-test.h"

#define CHUNK		4096		/* pfns per bulk oracle read */
#define SAMPLE_EVERY	4096		/* debugfs: about one pfn in this many */
#define END_WINDOW	64		/* pfns on each side of the end of RAM */
#define RETRIES		3		/* looks at a disagreeing pfn */
#define MAX_REPORTS	20		/* FAIL/INFO lines per kind, at most */
#define RMAP_OWNERS	16		/* owners per RMAP call */
#define RMAP_CALLS	256		/* RMAP calls per pfn, at most */

#define KPF_BUDDY	10
#define KPF_NOPAGE	20
#define KPF_KSM		21
#define KPF_THP		22
#define KPF_ZERO_PAGE	24
/* the /proc/kpageflags bits: 0..26 and the kernel-internal 32..42 */
#define KPF_FILE_MASK	(((1ULL << 27) - 1) | (((1ULL << 43) - 1) & ~((1ULL << 32) - 1)))

#define DEBUGFS_FRAMES	"/sys/kernel/debug/vmainspect/frames"

static int dev = -1;
static int kpf_fd = -1, kpc_fd = -1;
static bool ksm_idle;
static bool buddy_limit;	/* kernel before 5.11: see buddy_tail_limit() */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "success";
	case ENXIO: return "ENXIO";
	case EAGAIN: return "EAGAIN";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EIO: return "EIO";
	case ELOOP: return "ELOOP";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* "lru active" for the bits of @bits, in a static buffer. */
static const char *kpf_str(uint64_t bits)
{
	static char buf[512];
	size_t n = 0;
	int b;

	buf[0] = '\0';
	for (b = 0; b < 64 && n < sizeof(buf) - 24; b++) {
		if (!(bits & (1ULL << b)))
			continue;
		if (vmainspect_kpf_names[b])
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "",
				      vmainspect_kpf_names[b]);
		else
			n += snprintf(buf + n, sizeof(buf) - n, "%sbit%d", n ? " " : "", b);
	}
	return buf;
}

static const char *kind_str(uint32_t kind)
{
	return kind < VMAINSPECT_MAP_KIND_MAX ? vmainspect_mapping_kind_names[kind] : "?";
}

/* ---- the sweep's shape ---- */

struct sweep {
	uint64_t limit;		/* pfns [0, limit) are swept */
	uint64_t step;
	uint64_t ends[2];	/* end-of-RAM pfns: their windows are always swept */
	int nends;
};

static bool in_window(const struct sweep *sw, uint64_t pfn)
{
	int i;

	for (i = 0; i < sw->nends; i++)
		if (pfn + END_WINDOW >= sw->ends[i] && pfn < sw->ends[i] + END_WINDOW)
			return true;
	return false;
}

static bool visited(const struct sweep *sw, uint64_t pfn)
{
	return (pfn < sw->limit && pfn % sw->step == 0) || in_window(sw, pfn);
}

/* About one visited pfn in SAMPLE_EVERY, and the end-of-RAM windows. */
static bool sampled(const struct sweep *sw, uint64_t pfn)
{
	return pfn % SAMPLE_EVERY < sw->step || in_window(sw, pfn);
}

/* ---- counters and reports ---- */

enum problem {
	P_PAGE_ERRNO,		/* PAGE gave an errno it must not */
	P_RMAP_ERRNO,		/* RMAP gave an errno it must not */
	P_RMAP_REPLY,		/* RMAP's reply is malformed */
	P_PAGE_REPLY,		/* PAGE's reply is malformed */
	P_PRESENCE,		/* PAGE/RMAP and kpageflags disagree on a page being there */
	P_FLAGS,		/* flags differ from kpageflags */
	P_MAPCOUNT,		/* PAGE mapcount differs from kpagecount */
	P_RMAP_MAPCOUNT,	/* RMAP mapcount differs from kpagecount */
	P_DEBUGFS,		/* debugfs views wrong */
	P_NR
};

static const char *const problem_names[P_NR] = {
	[P_PAGE_ERRNO] = "page-errno",
	[P_RMAP_ERRNO] = "rmap-errno",
	[P_RMAP_REPLY] = "rmap-reply",
	[P_PAGE_REPLY] = "page-reply",
	[P_PRESENCE] = "presence",
	[P_FLAGS] = "flags",
	[P_MAPCOUNT] = "mapcount",
	[P_RMAP_MAPCOUNT] = "rmap-mapcount",
	[P_DEBUGFS] = "debugfs",
};

static struct {
	uint64_t swept, ok, enxio;
	uint64_t rmap_ok, rmap_enxio, rmap_eagain, rmap_no_rmap, rmap_ksm, owners;
	uint64_t oracle_pfns, oracle_checked, no_oracle, raced, empty_zone, buddy_tails;
	uint64_t window_ok, window_enxio, window_swept;
	uint64_t dbg_published, dbg_enxio, dbg_read, dbg_rmap_eagain;
	uint64_t problems[P_NR];
	bool dbg_off;
} st;

/*
 * Count a problem; the first MAX_REPORTS of each kind are FAIL lines.
 * True if this one was printed.
 */
static bool problem(enum problem p, uint64_t pfn, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	if (st.problems[p]++ >= MAX_REPORTS)
		return false;
	snprintf(name, sizeof(name), "%s: pfn 0x%" PRIx64, problem_names[p], pfn);
	va_start(ap, fmt);
	vfail_reason(name, fmt, ap);
	va_end(ap);
	return true;
}

/* ---- the oracles ---- */

/* Entries of /proc/kpage{flags,count} for [pfn, pfn + n); how many it had. */
static size_t kpage_bulk(int fd, uint64_t pfn, uint64_t *buf, size_t n)
{
	ssize_t got = pread(fd, buf, n * 8, pfn * 8);

	return got > 0 ? (size_t)got / 8 : 0;
}

struct oracle {
	uint64_t k1, k2, c1, c2;	/* kpageflags/kpagecount before and after */
	bool have;			/* the kernel answered for this pfn */
};

/* ---- the module ---- */

struct answer {
	int page_err, rmap_err;		/* 0 or errno */
	struct vmainspect_page p;
	uint32_t rmap_flags, rmap_kind, owners;
	int rmap_mapcount;
	char page_why[160];		/* a malformed PAGE reply, if any */
	char rmap_why[160];		/* a malformed RMAP reply, if any */
};

static int do_page(uint64_t pfn, uint32_t flags, struct vmainspect_page *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = flags;
	p->pfn = pfn;
	return ioctl(dev, VMAINSPECT_IOC_PAGE, p) ? errno : 0;
}

/* All owners of pfn, RMAP_OWNERS per call; the first call's mapcount. */
static int do_rmap(uint64_t pfn, struct answer *a)
{
	static struct vmainspect_owner o[RMAP_OWNERS];
	struct vmainspect_rmap r;
	uint64_t cursor = 0;
	int calls;

	a->owners = 0;
	for (calls = 0; calls < RMAP_CALLS; calls++) {
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.pfn = pfn;
		r.owners = (uintptr_t)o;
		r.owner_size = sizeof(o[0]);
		r.max_owners = RMAP_OWNERS;
		r.cursor = cursor;
		if (ioctl(dev, VMAINSPECT_IOC_RMAP, &r))
			return errno;
		if (!calls) {
			a->rmap_mapcount = r.mapcount;
			a->rmap_flags = r.out_flags;
			a->rmap_kind = r.mapping_kind;
		}
		a->owners += r.nr_owners;
		if (r.out_flags & ~(VMAINSPECT_RMAP_DONE | VMAINSPECT_RMAP_KSM |
				    VMAINSPECT_RMAP_NO_RMAP))
			snprintf(a->rmap_why, sizeof(a->rmap_why), "unknown out_flags 0x%x",
				 r.out_flags);
		else if (r.nr_owners > RMAP_OWNERS)
			snprintf(a->rmap_why, sizeof(a->rmap_why), "%u owners, asked for %u at most",
				 r.nr_owners, RMAP_OWNERS);
		else if ((r.out_flags & (VMAINSPECT_RMAP_KSM | VMAINSPECT_RMAP_NO_RMAP)) &&
			 r.nr_owners)
			snprintf(a->rmap_why, sizeof(a->rmap_why), "%u owners with out_flags 0x%x",
				 r.nr_owners, r.out_flags);
		else if (r.mapping_kind >= VMAINSPECT_MAP_KIND_MAX)
			snprintf(a->rmap_why, sizeof(a->rmap_why), "mapping_kind %u",
				 r.mapping_kind);
		else if (!(r.out_flags & VMAINSPECT_RMAP_DONE) && r.cursor <= cursor)
			snprintf(a->rmap_why, sizeof(a->rmap_why),
				 "not done, cursor stuck at %" PRIu64, (uint64_t)r.cursor);
		if (a->rmap_why[0] || (r.out_flags & VMAINSPECT_RMAP_DONE))
			return 0;
		cursor = r.cursor;
	}
	snprintf(a->rmap_why, sizeof(a->rmap_why), "not done after %d calls", RMAP_CALLS);
	return 0;
}

/* A PAGE reply that cannot be right, described in a->page_why. */
static void check_page_reply(uint64_t pfn, struct answer *a)
{
	const struct vmainspect_page *p = &a->p;
	char *why = a->page_why;

	if (p->pfn != pfn)
		snprintf(why, sizeof(a->page_why), "reply for pfn 0x%llx",
			 (unsigned long long)p->pfn);
	else if (memchr(p->zone_name, '\0', sizeof(p->zone_name)) == NULL)
		snprintf(why, sizeof(a->page_why), "zone_name not NUL-terminated");
	else if (p->mapping_kind >= VMAINSPECT_MAP_KIND_MAX)
		snprintf(why, sizeof(a->page_why), "mapping_kind %u", p->mapping_kind);
}

static void ask_module(uint64_t pfn, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->page_err = do_page(pfn, 0, &a->p);
	if (!a->page_err)
		check_page_reply(pfn, a);
	a->rmap_err = do_rmap(pfn, a);
}

/* ---- judging one pfn ---- */

/*
 * A documented limit (README, `vmainspect page`): before 5.11 the module
 * cannot flag the free pages inside a buddy block (is_free_buddy_page() is
 * not exported), only the block's first page.  Such a page is free: its
 * refcount is 0.
 */
static bool buddy_tail_limit(const struct oracle *o, uint64_t kpf, int refcount)
{
	return buddy_limit && (o->k1 & (1ULL << KPF_BUDDY)) &&
	       !(kpf & (1ULL << KPF_BUDDY)) && refcount == 0;
}

/*
 * The kpageflags bits to compare against a module answer of flags @kpf
 * and @refcount: those stable across the two reads, minus known limits.
 */
static uint64_t flag_mask(const struct oracle *o, uint64_t kpf, int refcount)
{
	uint64_t mask = KPF_FILE_MASK & ~(1ULL << KPF_NOPAGE) & ~(o->k1 ^ o->k2);

	/* the huge zero page is not exported: a documented limit */
	if ((o->k1 & (1ULL << KPF_ZERO_PAGE)) && (o->k1 & (1ULL << KPF_THP)))
		mask &= ~((1ULL << KPF_ZERO_PAGE) | (1ULL << KPF_THP));
	/* 6.12 sets KSM on every anon page; with KSM idle ours must be clear */
	if (ksm_idle && (o->k1 & (1ULL << KPF_KSM)))
		mask &= ~(1ULL << KPF_KSM);
	if (buddy_tail_limit(o, kpf, refcount))
		mask &= ~(1ULL << KPF_BUDDY);
	return mask;
}

/* Problems that no race explains: never looked at again. */
#define NOT_RACY	((1U << P_PAGE_ERRNO) | (1U << P_RMAP_ERRNO) | \
			 (1U << P_PAGE_REPLY) | (1U << P_RMAP_REPLY))

/*
 * The problems of answer @a for @pfn against oracle @o, a bit mask of
 * enum problem; with @report, each one is reported too.
 */
static unsigned int judge(uint64_t pfn, const struct answer *a, const struct oracle *o,
			  bool report)
{
	unsigned int bad = 0;
	uint64_t mask;
	bool page;

	if (a->page_err && a->page_err != ENXIO) {
		if (report)
			problem(P_PAGE_ERRNO, pfn, "PAGE: %s", errname(a->page_err));
		bad |= 1U << P_PAGE_ERRNO;
	}
	if (a->rmap_err && a->rmap_err != ENXIO && a->rmap_err != EAGAIN) {
		if (report)
			problem(P_RMAP_ERRNO, pfn, "RMAP: %s", errname(a->rmap_err));
		bad |= 1U << P_RMAP_ERRNO;
	}
	if (a->page_why[0]) {
		if (report)
			problem(P_PAGE_REPLY, pfn, "PAGE: %s", a->page_why);
		bad |= 1U << P_PAGE_REPLY;
	}
	if (a->rmap_why[0]) {
		if (report)
			problem(P_RMAP_REPLY, pfn, "RMAP: %s", a->rmap_why);
		bad |= 1U << P_RMAP_REPLY;
	}
	if (bad)
		return bad;
	if ((a->rmap_err == ENXIO) != (a->page_err == ENXIO)) {
		if (report)
			problem(P_PRESENCE, pfn, "PAGE %s but RMAP %s", errname(a->page_err),
				errname(a->rmap_err));
		bad |= 1U << P_PRESENCE;
	}
	if (!o->have)
		return bad;
	page = !(o->k1 & (1ULL << KPF_NOPAGE));
	if (((o->k1 ^ o->k2) & (1ULL << KPF_NOPAGE)) == 0 && page != !a->page_err) {
		if (report)
			problem(P_PRESENCE, pfn, "PAGE %s, but /proc/kpageflags 0x%" PRIx64 " (%s)",
				errname(a->page_err), o->k1, kpf_str(o->k1));
		bad |= 1U << P_PRESENCE;
	}
	if (a->page_err || !page)
		return bad;
	mask = flag_mask(o, a->p.kpageflags, a->p.refcount);
	if ((a->p.kpageflags ^ o->k1) & mask) {
		uint64_t diff = (a->p.kpageflags ^ o->k1) & mask;

		if (report && problem(P_FLAGS, pfn, "flags 0x%llx, /proc/kpageflags 0x%"
				      PRIx64 ": module only [%s]",
				      (unsigned long long)a->p.kpageflags, o->k1,
				      kpf_str(diff & a->p.kpageflags)))
			printf("  kpageflags only [%s]; zone %.16s, order %u, refcount %d,"
			       " mapping %s\n", kpf_str(diff & o->k1), a->p.zone_name,
			       a->p.order, a->p.refcount, kind_str(a->p.mapping_kind));
		bad |= 1U << P_FLAGS;
	}
	if (o->c1 == o->c2 && (uint64_t)(int64_t)a->p.mapcount != o->c1) {
		if (report)
			problem(P_MAPCOUNT, pfn, "PAGE mapcount %d, /proc/kpagecount %" PRIu64
				" (flags %s)", a->p.mapcount, o->c1, kpf_str(o->k1));
		bad |= 1U << P_MAPCOUNT;
	}
	if (!a->rmap_err && o->c1 == o->c2 && (uint64_t)(int64_t)a->rmap_mapcount != o->c1) {
		if (report)
			problem(P_RMAP_MAPCOUNT, pfn, "RMAP mapcount %d, /proc/kpagecount %" PRIu64,
				a->rmap_mapcount, o->c1);
		bad |= 1U << P_RMAP_MAPCOUNT;
	}
	return bad;
}

/* The oracles of one pfn: before (@after false) or after a look at it. */
static void oracle_one(uint64_t pfn, struct oracle *o, bool after)
{
	size_t n;

	if (!after) {
		n = kpage_bulk(kpf_fd, pfn, &o->k1, 1) + kpage_bulk(kpc_fd, pfn, &o->c1, 1);
		o->have = n == 2;
		return;
	}
	n = kpage_bulk(kpf_fd, pfn, &o->k2, 1) + kpage_bulk(kpc_fd, pfn, &o->c2, 1);
	o->have = o->have && n == 2;
}

/* One pfn on its own: oracles around the module's answer. */
static void ask_one(uint64_t pfn, struct answer *a, struct oracle *o)
{
	oracle_one(pfn, o, false);
	ask_module(pfn, a);
	oracle_one(pfn, o, true);
}

/* Count the answer of a visited pfn. */
static void tally(const struct sweep *sw, uint64_t pfn, const struct answer *a,
		  const struct oracle *o)
{
	bool win = in_window(sw, pfn);

	st.swept++;
	st.window_swept += win;
	st.oracle_pfns += o->have;
	if (!a->page_err) {
		st.ok++;
		st.window_ok += win;
		if (!a->p.zone_name[0] && st.empty_zone++ < MAX_REPORTS)
			info("pfn 0x%" PRIx64 ": PAGE succeeds with an empty zone name (zone %u node %u)",
			     pfn, a->p.zone, a->p.nid);
		if (o->have && buddy_tail_limit(o, a->p.kpageflags, a->p.refcount))
			st.buddy_tails++;
		if (o->have)
			st.oracle_checked++;
		else if (st.no_oracle++ < MAX_REPORTS)
			info("pfn 0x%" PRIx64 ": PAGE succeeds, /proc/kpageflags has no answer"
			     " (zone %.16s, flags %s)", pfn, a->p.zone_name,
			     kpf_str(a->p.kpageflags));
	} else if (a->page_err == ENXIO) {
		st.enxio++;
		st.window_enxio += win;
	}
	switch (a->rmap_err) {
	case 0:
		st.rmap_ok++;
		st.owners += a->owners;
		st.rmap_no_rmap += !!(a->rmap_flags & VMAINSPECT_RMAP_NO_RMAP);
		st.rmap_ksm += !!(a->rmap_flags & VMAINSPECT_RMAP_KSM);
		break;
	case ENXIO:
		st.rmap_enxio++;
		break;
	case EAGAIN:
		st.rmap_eagain++;
		break;
	}
}

/*
 * Judge a pfn; a disagreement with the oracles is looked at again on its
 * own (a page may have changed between the chunk's reads and our look at
 * it), and reported only if every look disagrees.
 */
static void judge_pfn(const struct sweep *sw, uint64_t pfn, struct answer *a,
		      struct oracle *o)
{
	unsigned int bad = judge(pfn, a, o, false);
	int tries;

	if (bad & NOT_RACY) {
		judge(pfn, a, o, true);
	} else if (bad) {
		for (tries = 0; tries < RETRIES; tries++) {
			ask_one(pfn, a, o);
			if (!judge(pfn, a, o, false))
				break;
		}
		if (tries < RETRIES)
			st.raced++;
		else
			judge(pfn, a, o, true);
	}
	tally(sw, pfn, a, o);
}

/* ---- debugfs sample ---- */

/* The whole file at @path into @buf (NUL-terminated); 0 or errno. */
static int read_text(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	while (n < size - 1 && (got = read(fd, buf + n, size - 1 - n)) > 0)
		n += got;
	buf[n] = '\0';
	if (got < 0) {
		got = errno;
		close(fd);
		return got;
	}
	close(fd);
	return 0;
}

/*
 * frames/0x<pfn>/page, read between two looks at the oracles: NULL if it
 * agrees with them, else why not.
 */
static const char *check_page_file(uint64_t pfn, const char *path, char *text,
				   size_t size, char *why, size_t len)
{
	unsigned long long tpfn = ~0ULL, kpf = 0, head;
	int err, mapcount = -1, refcount, fmc;
	unsigned int node, order;
	char zone[32] = "";
	struct oracle o;
	const char *l;

	oracle_one(pfn, &o, false);
	err = read_text(path, text, size);
	oracle_one(pfn, &o, true);
	if (err)
		return errname(err);
	if (sscanf(text, "pfn 0x%llx node %u zone %31s", &tpfn, &node, zone) != 3 ||
	    tpfn != pfn)
		return "first line is not \"pfn 0x<pfn> node N zone NAME\"";
	l = strstr(text, "\nkpageflags ");
	if (!l || sscanf(l, "\nkpageflags %llx", &kpf) != 1)
		return "no kpageflags line";
	l = strstr(text, "\nhead_pfn ");
	if (!l || sscanf(l, "\nhead_pfn %llx order %u refcount %d mapcount %d folio_mapcount %d",
			 &head, &order, &refcount, &mapcount, &fmc) != 5)
		return "no head_pfn line";
	if (!o.have)
		return NULL;
	if ((kpf ^ o.k1) & flag_mask(&o, kpf, refcount)) {
		snprintf(why, len, "kpageflags 0x%llx, /proc/kpageflags 0x%llx", kpf,
			 (unsigned long long)o.k1);
		return why;
	}
	if (o.c1 == o.c2 && (uint64_t)(int64_t)mapcount != o.c1) {
		snprintf(why, len, "mapcount %d, /proc/kpagecount %llu", mapcount,
			 (unsigned long long)o.c1);
		return why;
	}
	return NULL;
}

/* frames/0x<pfn>/rmap: its summary line, or EAGAIN.  NULL if fine. */
static const char *check_rmap_file(const char *path, char *buf, size_t size)
{
	int err = read_text(path, buf, size);

	if (err == EAGAIN) {
		st.dbg_rmap_eagain++;
		return NULL;
	}
	if (err)
		return errname(err);
	/* "1 owner confirmed", "2 owners confirmed" */
	if (!strstr(buf, " owners confirmed by their page tables, mapcount ") &&
	    !strstr(buf, " 1 owner confirmed by their page tables, mapcount "))
		return "no summary line";
	return NULL;
}

static void debugfs_sample(uint64_t pfn, const struct answer *a)
{
	static char text[64 * 1024];
	struct vmainspect_page p;
	char path[128], why[160];
	const char *bad = NULL;
	int err, tries;

	if (st.dbg_off)
		return;
	err = do_page(pfn, VMAINSPECT_PAGE_DEBUGFS, &p);
	if (err == ENODEV) {
		info("debugfs: PAGE with VMAINSPECT_PAGE_DEBUGFS gives ENODEV: no debugfs,"
		     " sample skipped");
		st.dbg_off = true;
		return;
	}
	if (err == ENXIO) {
		st.dbg_enxio++;
		if (!a->page_err)
			problem(P_DEBUGFS, pfn, "publish: ENXIO, PAGE succeeded");
		return;
	}
	if (err) {
		problem(P_DEBUGFS, pfn, "publish: %s", errname(err));
		return;
	}
	st.dbg_published++;
	snprintf(path, sizeof(path), DEBUGFS_FRAMES "/0x%" PRIx64 "/page", pfn);
	for (tries = 0; tries < RETRIES; tries++) {
		bad = check_page_file(pfn, path, text, sizeof(text), why, sizeof(why));
		if (!bad)
			break;
	}
	if (!bad) {
		snprintf(path, sizeof(path), DEBUGFS_FRAMES "/0x%" PRIx64 "/rmap", pfn);
		bad = check_rmap_file(path, text, sizeof(text));
	}
	if (bad) {
		problem(P_DEBUGFS, pfn, "%s: %s", path, bad);
		return;
	}
	st.dbg_read++;
}

/* ---- the sweep ---- */

static uint64_t kbuf1[CHUNK], kbuf2[CHUNK], cbuf1[CHUNK], cbuf2[CHUNK];

/* pfns [base, base + CHUNK): the module's answers between two oracle reads. */
static void sweep_chunk(const struct sweep *sw, uint64_t base)
{
	static struct answer ans[CHUNK];
	size_t nk1, nk2, nc1, nc2, i;
	bool any = false;

	for (i = 0; i < CHUNK && !any; i++)
		any = visited(sw, base + i);
	if (!any)
		return;
	nk1 = kpage_bulk(kpf_fd, base, kbuf1, CHUNK);
	nc1 = kpage_bulk(kpc_fd, base, cbuf1, CHUNK);
	for (i = 0; i < CHUNK; i++)
		if (visited(sw, base + i))
			ask_module(base + i, &ans[i]);
	nk2 = kpage_bulk(kpf_fd, base, kbuf2, CHUNK);
	nc2 = kpage_bulk(kpc_fd, base, cbuf2, CHUNK);
	for (i = 0; i < CHUNK; i++) {
		struct oracle o = {
			.have = i < nk1 && i < nk2 && i < nc1 && i < nc2,
		};

		if (!visited(sw, base + i))
			continue;
		if (o.have) {
			o.k1 = kbuf1[i];
			o.k2 = kbuf2[i];
			o.c1 = cbuf1[i];
			o.c2 = cbuf2[i];
		}
		judge_pfn(sw, base + i, &ans[i], &o);
		if (sampled(sw, base + i))
			debugfs_sample(base + i, &ans[i]);
	}
}

static void sweep(const struct sweep *sw)
{
	uint64_t top = sw->limit, base, next_pct = 1;
	double t0 = now();
	int i;

	for (i = 0; i < sw->nends; i++)
		if (sw->ends[i] + END_WINDOW > top)
			top = sw->ends[i] + END_WINDOW;
	for (i = 0; i < sw->nends; i++)
		info("end-of-RAM window: pfns 0x%" PRIx64 "-0x%" PRIx64,
		     sw->ends[i] > END_WINDOW ? sw->ends[i] - END_WINDOW : 0,
		     sw->ends[i] + END_WINDOW - 1);
	for (base = 0; base < top; base += CHUNK) {
		for (i = 0; i < sw->nends; i++)
			if (sw->ends[i] + END_WINDOW > base &&
			    sw->ends[i] < base + CHUNK + END_WINDOW)
				info("probing pfns 0x%" PRIx64 "-0x%" PRIx64 ", around the end of RAM",
				     base, base + CHUNK - 1);
		sweep_chunk(sw, base);
		while (next_pct <= 10 && base + CHUNK >= top * next_pct / 10) {
			info("progress %3" PRIu64 "%%: up to pfn 0x%" PRIx64 ", %" PRIu64 " pfns, %"
			     PRIu64 " ok, %" PRIu64 " enxio, %.1f s", next_pct * 10,
			     base + CHUNK < top ? base + CHUNK : top, st.swept, st.ok, st.enxio,
			     now() - t0);
			next_pct++;
		}
	}
	info("sweep: %" PRIu64 " pfns, %" PRIu64 " ok, %" PRIu64 " enxio", st.swept, st.ok,
	     st.enxio);
	info("sweep took %.1f s; rmap: %" PRIu64 " ok (%" PRIu64 " no rmap, %" PRIu64
	     " ksm, %" PRIu64 " owners), %" PRIu64 " enxio, %" PRIu64 " eagain", now() - t0,
	     st.rmap_ok, st.rmap_no_rmap, st.rmap_ksm, st.owners, st.rmap_enxio,
	     st.rmap_eagain);
}

/* ---- results ---- */

static void verdict(enum problem p, const char *what)
{
	if (!st.problems[p]) {
		pass("%s", what);
		return;
	}
	if (st.problems[p] > MAX_REPORTS)
		fail("%s: %" PRIu64 " pfns disagree (the first %d are above)",
		     problem_names[p], st.problems[p], MAX_REPORTS);
	else
		info("%s: %" PRIu64 " pfns disagree", problem_names[p], st.problems[p]);
}

static void results(void)
{
	char what[256];

	snprintf(what, sizeof(what), "page: %" PRIu64 " pfns, each success or ENXIO", st.swept);
	verdict(P_PAGE_ERRNO, what);
	verdict(P_PAGE_REPLY, "page: every reply is well-formed");
	snprintf(what, sizeof(what), "rmap: each success, ENXIO or EAGAIN (%" PRIu64 " EAGAIN)",
		 st.rmap_eagain);
	verdict(P_RMAP_ERRNO, what);
	verdict(P_RMAP_REPLY, "rmap: every reply is well-formed and finishes");
	snprintf(what, sizeof(what), "presence: PAGE and RMAP succeed exactly where "
		 "/proc/kpageflags has a page (%" PRIu64 " pfns it answers for)",
		 st.oracle_pfns);
	verdict(P_PRESENCE, what);
	snprintf(what, sizeof(what), "flags: %" PRIu64 " frames agree with /proc/kpageflags"
		 " (%" PRIu64 " looked at again after a race)", st.oracle_checked, st.raced);
	verdict(P_FLAGS, what);
	verdict(P_MAPCOUNT, "mapcount: PAGE agrees with /proc/kpagecount");
	verdict(P_RMAP_MAPCOUNT, "mapcount: RMAP agrees with /proc/kpagecount");
	if (!st.dbg_off) {
		snprintf(what, sizeof(what), "debugfs: %" PRIu64 " frames published, %" PRIu64
			 " read and agree (%" PRIu64 " ENXIO, %" PRIu64 " rmap EAGAIN)",
			 st.dbg_published, st.dbg_read, st.dbg_enxio, st.dbg_rmap_eagain);
		verdict(P_DEBUGFS, what);
	}
	if (st.no_oracle)
		info("%" PRIu64 " frames PAGE answers for have no /proc/kpageflags entry",
		     st.no_oracle);
	if (st.buddy_tails)
		info("%" PRIu64 " free pages inside buddy blocks are not flagged buddy: a known"
		     " limit before 5.11 (is_free_buddy_page() is not exported)", st.buddy_tails);
	if (st.empty_zone)
		info("%" PRIu64 " frames have an empty zone name", st.empty_zone);
	pass("end of RAM: the %" PRIu64 " pfns around it answered (%" PRIu64 " ok, %" PRIu64
	     " enxio)", st.window_swept, st.window_ok, st.window_enxio);
}

/* ---- setup ---- */

/* The highest "System RAM" end in /proc/iomem (0 if hidden or none). */
static uint64_t iomem_ram_end(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	unsigned long long s, e;
	uint64_t end = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		char *name = strstr(line, " : ");

		if (sscanf(line, " %llx-%llx", &s, &e) == 2 && name &&
		    !strncmp(name + 3, "System RAM", 10) && e && e + 1 > end)
			end = e + 1;
	}
	if (f)
		fclose(f);
	return end;
}

static uint64_t klayout_ram_end(void)
{
	static struct vmainspect_kregion regs[VMAINSPECT_KREGIONS_MAX];
	struct vmainspect_klayout kl;

	memset(&kl, 0, sizeof(kl));
	kl.size = sizeof(kl);
	kl.regions = (uintptr_t)regs;
	kl.region_size = sizeof(regs[0]);
	kl.max_regions = VMAINSPECT_KREGIONS_MAX;
	if (ioctl(dev, VMAINSPECT_IOC_KLAYOUT, &kl)) {
		fail("KLAYOUT: %s", strerror(errno));
		return 0;
	}
	return kl.ram_end;
}

static bool read_ksm_idle(void)
{
	FILE *f = fopen("/sys/kernel/mm/ksm/pages_shared", "r");
	unsigned long n = 1;

	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 1;
		fclose(f);
	}
	return n == 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: vmi-frame-sweep [--step N] [--max-pfn PFN]\n");
	exit(2);
}

static uint64_t parse_num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct sweep sw = { .step = 1 };
	uint64_t max_pfn = UINT64_MAX, kl_end, io_end, end_pfn;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--step") && i + 1 < argc)
			sw.step = parse_num(argv[++i]);
		else if (!strcmp(argv[i], "--max-pfn") && i + 1 < argc)
			max_pfn = parse_num(argv[++i]);
		else
			usage();
	}
	if (!sw.step)
		usage();
	dev = vmi_open();
	kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	kpc_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (dev < 0 || kpf_fd < 0 || kpc_fd < 0) {
		fail("setup: open %s, /proc/kpageflags, /proc/kpagecount: %s (needs root)",
		     VMAINSPECT_DEVICE, strerror(errno));
		return summary();
	}
	ksm_idle = read_ksm_idle();
	buddy_limit = !kernel_at_least(5, 11);
	kl_end = klayout_ram_end();
	io_end = iomem_ram_end();
	info("end of RAM: KLAYOUT ram_end 0x%" PRIx64 " (pfn 0x%" PRIx64 "), /proc/iomem "
	     "System RAM end 0x%" PRIx64 " (pfn 0x%" PRIx64 ")", kl_end, kl_end >> 12,
	     io_end, io_end >> 12);
	end_pfn = (kl_end ? kl_end : io_end) >> 12;
	if (!end_pfn) {
		fail("setup: no end of RAM from KLAYOUT or /proc/iomem");
		return summary();
	}
	sw.ends[sw.nends++] = end_pfn;
	if (io_end && io_end >> 12 != end_pfn)
		sw.ends[sw.nends++] = io_end >> 12;
	sw.limit = max_pfn == UINT64_MAX ? 2 * end_pfn : max_pfn + 1;
	info("sweeping pfns 0x0-0x%" PRIx64 ", step %" PRIu64 ", plus the end-of-RAM windows;"
	     " KSM %s", sw.limit - 1, sw.step, ksm_idle ? "idle" : "active");
	sweep(&sw);
	results();
	return summary();
}
