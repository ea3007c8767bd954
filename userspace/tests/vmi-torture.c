// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-torture: stress /dev/vmainspect and its debugfs views against
 * processes that keep changing their address space, to find use-after-free,
 * lock and RCU bugs of the module's lockless page-table walker, rmap walk
 * and frame code (run it on a KASAN/lockdep kernel), and hangs.
 *
 * Usage (as root, inside the test VM):
 *
 *   vmi-torture [--seconds S] [--threads N] [--seed X]
 *
 *     --seconds S  how long the storm lasts (default 60)
 *     --threads N  querier threads (default 4; 1 and 16 are worth a run)
 *     --seed X     random seed (default from the clock; printed first)
 *
 *   cd /work/main && scripts/vm-run.sh --kernel 6.12 --mem 2048 --swap 256 \
 *       --timeout 600 --add /tmp/vmi-torture -- /root/vmi-torture --seconds 60
 *
 *   (`vmi-torture --torture-exec` is what the fork mutator execs: it maps
 *   and touches a little memory and exits.)
 *
 * Mutators, one process each (each the leader of its own process group,
 * stopped with SIGTERM then SIGKILL at the end):
 *   vma        mmap/munmap/mremap (grow, shrink, move), mprotect splits,
 *              mlock, anon names, a sparse 256 MiB area whose page tables
 *              munmap frees;
 *   fork-exec  children that touch (COW) and exit, grandchildren, and
 *              exec of /proc/self/exe --torture-exec;
 *   thp-anon   2 MiB-aligned MADV_HUGEPAGE memory: MADV_DONTNEED, _FREE,
 *              _PAGEOUT, _COLLAPSE, splits through
 *              /sys/kernel/debug/split_huge_pages, mprotect, mremap of a
 *              THP, fork;
 *   thp-memfd  a memfd mapped MAP_SHARED twice here and once more in a
 *              partner process: the same plus fallocate(PUNCH_HOLE), so
 *              MADV_COLLAPSE/khugepaged retract the other PTE tables;
 *   thp-file   a file in /tmp (a huge=advise tmpfs mounted there), two
 *              shared and one private mapping: the same plus truncation
 *              (at 2 MiB boundaries: see file_truncate()), file I/O and
 *              splits by file range;
 *   hugetlb    a MFD_HUGETLB memfd, MAP_SHARED, 1 GiB at a 1 GiB-aligned
 *              address in two processes so they share PMD tables (if 512
 *              free 2 MiB pages; else a small one), with punch holes,
 *              mprotect splits (unsharing) and munmap/mmap;
 *   uffd-move  UFFDIO_MOVE (6.8+) of pages and of a THP between two
 *              anonymous areas, contents checked;
 *   ksm        MADV_MERGEABLE pages of equal content, written and
 *              restored, unmerged, paged out, forked (ksmd scanning
 *              10000 pages without sleeping; paced on a debug kernel);
 *   swap       MADV_PAGEOUT/MADV_COLD and swap-in of anonymous and shmem
 *              memory (zram swap with vm-run.sh --swap), contents checked.
 * What a kernel lacks (ENOSYS, ENOTTY, EOPNOTSUPP, or EINVAL before any
 * success) is skipped and reported as unsupported.
 *
 * Queriers: N threads, each with its own /dev/vmainspect fd, attach to a
 * random mutator, partner, child, themselves, init or a kernel thread, and
 * issue every ioctl: LAYOUT, LIST_VMAS (batch sizes 1..4096, cursor loop),
 * FIND_VMA, PT_PATH, PT_RUNS over VMAs and over the whole address space,
 * PAGE (sometimes publishing frames/<pfn>) and RMAP on frames of earlier
 * answers, KLAYOUT, KADDR; and read every debugfs file.  ESRCH, ENXIO,
 * ENOENT, EAGAIN and EINTR are counted; any other errno is a FAIL.
 *
 * Checks on every reply: LIST_VMAS sorted, non-overlapping, inside the
 * range, cursors advancing, names inside the string area, two listings of
 * one generation equal; FIND_VMA against the listing of its generation;
 * PT_PATH levels, indexes, folding and leaf size; PT_RUNS sorted, inside
 * the range, cursors advancing and, when the generation is the listing's,
 * tiling exactly the VMAs; PAGE head/order/path; RMAP owners inside their
 * VMAs and cursors advancing, and a frame that PT_PATH and the target's
 * /proc/PID/pagemap show at an address before and after, with the target
 * idle, among the owners; KLAYOUT sorted and stable; KADDR inside its
 * region.  A querier or the main thread without progress for 30 s (90 s
 * on a KASAN/kmemleak kernel, below its 120 s hung-task report; a
 * mutator for 60 s, 300 s on a KASAN/kmemleak kernel; one still there
 * 30 s after SIGKILL) is a hang, found by a watchdog process and reported
 * with the kernel stacks of the tasks that run or wait uninterruptibly.
 * New "Bad rss-counter", "BUG:", "WARNING:" (and other splat) lines in
 * dmesg are a FAIL.
 *
 * Output (KTAP, vmi-report.h): diagnostics, a failed check "class:
 * detail" per problem as it is found (the first few of each class), then
 * one check per class and the totals; exit status 1 if anything failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/vmainspect.h"
#include "vmi-report.h"

/* Newer than some build hosts' headers. */
#ifndef MADV_COLD
#define MADV_COLD		20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB		0x0004U
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif
/* UFFDIO_MOVE, 6.8 */
#define UFFD_FEATURE_MOVE_		(1ULL << 16)
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES_ (1ULL << 1)
struct uffdio_move_ {
	__u64 dst;
	__u64 src;
	__u64 len;
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE_	_IOWR(UFFDIO, 0x05, struct uffdio_move_)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE_SZ		4096UL
#define PMD_SZ		(2UL << 20)
#define PUD_SZ		(1UL << 30)
#define MAX_ERRNO	134

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage/"
#define KSM_DIR		"/sys/kernel/mm/ksm/"
#define SPLIT_PATH	"/sys/kernel/debug/split_huge_pages"
#define DBG_ROOT	"/sys/kernel/debug/vmainspect"
#define FILE_DIR	"/tmp/vmi-torture.d"

static unsigned int opt_seconds = 60, opt_threads = 4;
static __u64 opt_seed;
static unsigned int kver;		/* major * 100 + minor */
static bool debug_kernel;		/* KASAN or kmemleak: very slow */
static unsigned int mut_stall_limit = 60;	/* seconds */
static unsigned int q_stall_limit = 30;		/* queriers, main thread */
static bool have_swap;
static pid_t main_pid;

/* ---- random numbers, time, output ---- */

static __thread __u64 rng_state;

static void rng_seed(__u64 seed, __u64 stream)
{
	rng_state = seed ^ (stream * 0x9e3779b97f4a7c15ULL);
	if (!rng_state)
		rng_state = 1;
}

static __u64 rnd64(void)
{
	__u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* 0..n-1 */
static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)((rnd64() >> 32) % n) : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ENOTTY, "ENOTTY" },
		{ ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ENOEXEC, "ENOEXEC" }, { ECHILD, "ECHILD" },
	};
	static __thread char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* The first problem found in one reply. */
struct why {
	char s[400];
};

static void __attribute__((format(printf, 2, 3)))
why(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (w->s[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->s, sizeof(w->s), fmt, ap);
	va_end(ap);
}

/* ---- check classes ---- */

enum cls {
	CL_ERRNO, CL_ATTACH, CL_LAYOUT, CL_LIST, CL_FIND, CL_PATH, CL_RUNS,
	CL_PAGE, CL_RMAP, CL_KLAYOUT, CL_KADDR, CL_DEBUGFS, CL_HANG,
	CL_MUTATOR, NR_CLS
};

static const char *const cls_names[NR_CLS] = {
	"errno", "attach", "layout", "list_vmas", "find_vma", "pt_path",
	"pt_runs", "page", "rmap", "klayout", "kaddr", "debugfs", "hang",
	"mutators",
};

#define SHOW_MAX	10	/* detail lines per class */

static unsigned long cls_checked[NR_CLS], cls_bad[NR_CLS];

static void good(enum cls c)
{
	__atomic_fetch_add(&cls_checked[c], 1, __ATOMIC_RELAXED);
}

static void __attribute__((format(printf, 2, 3)))
bad(enum cls c, const char *fmt, ...)
{
	unsigned long n;
	char buf[3000];
	va_list ap;

	__atomic_fetch_add(&cls_checked[c], 1, __ATOMIC_RELAXED);
	n = __atomic_fetch_add(&cls_bad[c], 1, __ATOMIC_RELAXED);
	if (n >= SHOW_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fail("%s: %s", cls_names[c], buf);
}

/* A reply with a struct why: good, or bad with the reason. */
static void verdict(enum cls c, const struct why *w, const char *what)
{
	if (w->s[0])
		bad(c, "%s: %s", what, w->s);
	else
		good(c);
}

/* ---- files ---- */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0, e;

	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		ret = -1;
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static long read_long(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/* A /proc/meminfo value (kB for sizes), -1 if absent. */
static long meminfo(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len)) {
			val = strtol(line + len, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

/* ================= mutators ================= */

enum op {
	OP_MMAP, OP_MUNMAP, OP_MREMAP_GROW, OP_MREMAP_SHRINK, OP_MREMAP_MOVE,
	OP_MPROTECT, OP_MLOCK, OP_ANON_NAME, OP_TOUCH, OP_FORK, OP_EXEC,
	OP_DONTNEED, OP_FREE, OP_COLD, OP_PAGEOUT, OP_PAGEOUT_SHMEM,
	OP_HUGEPAGE, OP_COLLAPSE_ANON, OP_COLLAPSE_SHMEM, OP_COLLAPSE_FILE,
	OP_SPLIT_PID, OP_SPLIT_FILE, OP_SPLIT_ALL, OP_PUNCH_SHMEM,
	OP_PUNCH_FILE, OP_TRUNCATE, OP_FILE_IO, OP_HTLB_TOUCH, OP_HTLB_PUNCH,
	OP_HTLB_MPROTECT, OP_HTLB_REMAP, OP_UFFD_MOVE, OP_UFFD_MOVE_THP,
	OP_KSM_MERGE, OP_KSM_WRITE, OP_KSM_UNMERGE, OP_SWAPIN, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"mmap", "munmap", "mremap-grow", "mremap-shrink", "mremap-move",
	"mprotect-split", "mlock", "anon-name", "touch", "fork", "exec",
	"madv-dontneed", "madv-free", "madv-cold", "madv-pageout-anon",
	"madv-pageout-shmem", "madv-hugepage", "madv-collapse-anon",
	"madv-collapse-shmem", "madv-collapse-file", "split-thp-pid-range",
	"split-thp-file-range", "split-thp-all", "punch-hole-memfd",
	"punch-hole-file", "truncate-file", "file-io", "hugetlb-touch",
	"hugetlb-punch-hole", "hugetlb-mprotect-split", "hugetlb-munmap-mmap",
	"uffdio-move", "uffdio-move-thp", "ksm-merge", "ksm-write",
	"ksm-unmerge", "swap-in",
};

struct op_stat {
	unsigned long done, failed;
	int last_errno, unsupported;
};

/*
 * Where EINVAL can also mean "not for this VMA", the kernel version that
 * has the operation (major * 100 + minor): EINVAL is "unsupported" only
 * below it.  Elsewhere an EINVAL before any success is.
 */
static const unsigned int op_since[NR_OPS] = {
	[OP_COLLAPSE_ANON] = 601, [OP_COLLAPSE_SHMEM] = 601,
	[OP_COLLAPSE_FILE] = 601,
};

#define NR_MUT		9
#define CHILD_SLOTS	4
#define SLOT_PARTNER	NR_MUT			/* + mutator index */
#define SLOT_CHILD	(2 * NR_MUT)		/* + index * CHILD_SLOTS */
#define NR_SLOTS	(SLOT_CHILD + NR_MUT * CHILD_SLOTS)
#define SLOT_SELF	(-1)
#define SLOT_INIT	(-2)
#define SLOT_KTHREAD	(-3)
#define NR_BAD_MSG	4

/* What a querier thread is doing, for the watchdog process. */
struct qwatch {
	unsigned long progress;
	const char *doing;	/* a string of the binary, or dpath */
	__u64 doing_arg;
	pid_t tid;
	char dpath[160];
	char desc[64];
};

enum phase { PHASE_SETUP, PHASE_STORM, PHASE_STOP, PHASE_DONE };

/*
 * Shared by the test process, the watchdog and every mutator (MAP_SHARED
 * anonymous memory: at the same address in all of them).
 */
struct shared {
	int stop;
	int phase;				/* enum phase */
	unsigned long main_beat;
	unsigned long wd_fails;			/* FAIL lines of the watchdog */
	pid_t pid[NR_SLOTS];
	unsigned long beat[SLOT_CHILD];		/* mutators and partners */
	int doing[SLOT_CHILD];			/* enum op, -1: idle */
	unsigned long started[SLOT_CHILD];	/* operations begun */
	int busy[SLOT_CHILD];			/* inside one */
	struct op_stat ops[NR_OPS];
	unsigned long iterations[NR_MUT];
	char note[NR_MUT][240];
	unsigned long nr_bad;
	char bad_msg[NR_BAD_MSG][200];
	struct qwatch q[];			/* one per querier */
};

static struct shared *sh;
static int cur_slot = -1, cur_mut = -1;	/* of this mutator process */

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* Before each operation (op >= 0) or idle pause (-1): for the watchdog. */
static void beat(int op)
{
	if (cur_slot < 0 || cur_slot >= SLOT_CHILD)
		return;
	if (op >= 0) {
		__atomic_store_n(&sh->busy[cur_slot], 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&sh->started[cur_slot], 1, __ATOMIC_SEQ_CST);
	}
	__atomic_fetch_add(&sh->beat[cur_slot], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->doing[cur_slot], op, __ATOMIC_RELAXED);
}

static bool op_ok(enum op o)
{
	return !__atomic_load_n(&sh->ops[o].unsupported, __ATOMIC_RELAXED);
}

static void op_unsupported(enum op o, int e)
{
	__atomic_store_n(&sh->ops[o].unsupported, e, __ATOMIC_RELAXED);
}

/*
 * Account one operation: @ret < 0 failed with errno.  What the kernel
 * lacks is marked unsupported and not tried again.  Returns 0 or -1.
 */
static int op_done(enum op o, long ret)
{
	struct op_stat *s = &sh->ops[o];
	int e = errno;

	if (cur_slot >= 0 && cur_slot < SLOT_CHILD)
		__atomic_store_n(&sh->busy[cur_slot], 0, __ATOMIC_SEQ_CST);
	if (ret >= 0) {
		__atomic_fetch_add(&s->done, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (e == ENOSYS || e == ENOTTY || e == EOPNOTSUPP ||
	    (e == EINVAL && (op_since[o] ? kver < op_since[o] :
			     !__atomic_load_n(&s->done, __ATOMIC_RELAXED)))) {
		op_unsupported(o, e);
	} else {
		__atomic_fetch_add(&s->failed, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&s->last_errno, e, __ATOMIC_RELAXED);
	}
	errno = e;
	return -1;
}

static void __attribute__((format(printf, 1, 2))) mut_note(const char *fmt, ...)
{
	char *s = sh->note[cur_mut];
	size_t n = strlen(s), size = sizeof(sh->note[0]);
	va_list ap;

	if (n && n + 3 < size) {
		memcpy(s + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(s + n, size - n, fmt, ap);
	va_end(ap);
}

/* Memory that does not hold what it should: a kernel bug. */
static void __attribute__((format(printf, 1, 2))) mut_bad(const char *fmt, ...)
{
	unsigned long n = __atomic_fetch_add(&sh->nr_bad, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n >= NR_BAD_MSG)
		return;
	va_start(ap, fmt);
	vsnprintf(sh->bad_msg[n], sizeof(sh->bad_msg[n]), fmt, ap);
	va_end(ap);
}

/*
 * One turn of a mutator's loop.  Now and then a short pause: queriers
 * need quiet moments for the RMAP owner check (q_rmap_owner()).
 */
static void mut_iteration(int m)
{
	if (m >= 0)
		sh->iterations[m]++;
	if (!rnd(8)) {
		beat(-1);
		usleep(1000 + rnd(4000));
	}
}

static void mut_idle(void)
{
	while (!stopping()) {
		beat(-1);
		usleep(100000);
	}
}

/* Enter a mutator, partner or child process: slot, seed, death signal. */
static void mut_enter(int slot, int m)
{
	cur_slot = slot;
	cur_mut = m;
	__atomic_store_n(&sh->doing[slot], -1, __ATOMIC_RELAXED);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rng_seed(opt_seed, 1000 + (__u64)slot * 7919 + (__u64)getpid());
	__atomic_store_n(&sh->pid[slot], getpid(), __ATOMIC_RELAXED);
}

/* len bytes at an @align-aligned address: anonymous if fd < 0. */
static char *map_aligned(size_t len, size_t align, int prot, int flags, int fd)
{
	size_t span = len + align;
	char *p, *a;

	p = mmap(NULL, span, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, a - p);
	if (p + span > a + len)
		munmap(a + len, p + span - (a + len));
	if (fd < 0)
		flags |= MAP_ANONYMOUS;
	if (mmap(a, len, prot, flags | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(a, len);
		return NULL;
	}
	return a;
}

static void touch_write(char *p, size_t len, size_t step)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < len; i += step) {
		if (!(i & (PMD_SZ - 1)) && cur_slot >= 0 && cur_slot < SLOT_CHILD)
			__atomic_fetch_add(&sh->beat[cur_slot], 1,
					   __ATOMIC_RELAXED);
		v[i]++;
	}
}

static unsigned long touch_read(const char *p, size_t len, size_t step)
{
	const volatile char *v = p;
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < len; i += step)
		sum += v[i];
	return sum;
}

static void do_madvise(enum op o, void *p, size_t len, int advice)
{
	if (!op_ok(o))
		return;
	beat(o);
	op_done(o, madvise(p, len, advice));
}

static void do_touch(char *p, size_t len, size_t step)
{
	beat(OP_TOUCH);
	touch_write(p, len, step);
	op_done(OP_TOUCH, 0);
}

/* A random page-aligned [off, off + len) inside @size bytes. */
static void sub_range(size_t size, size_t max_pages, size_t *off, size_t *len)
{
	size_t pages = size / PAGE_SZ, n;

	*off = rnd(pages) * PAGE_SZ;
	n = 1 + rnd(max_pages);
	if (*off / PAGE_SZ + n > pages)
		n = pages - *off / PAGE_SZ;
	*len = n * PAGE_SZ;
}

/*
 * Split the THPs of [p, p + len) of this process: "<pid>,0x<start>,0x<end>"
 * (5.13+); older kernels only split everything ("1"), which is done rarely.
 */
static void split_range(void *p, size_t len)
{
	char buf[96];

	if (!op_ok(OP_SPLIT_PID)) {
		if (op_ok(OP_SPLIT_ALL) && !rnd(128)) {
			beat(OP_SPLIT_ALL);
			op_done(OP_SPLIT_ALL, write_file(SPLIT_PATH, "1"));
		}
		return;
	}
	snprintf(buf, sizeof(buf), "%d,%p,%p", (int)getpid(), p,
		 (char *)p + len);
	beat(OP_SPLIT_PID);
	op_done(OP_SPLIT_PID, write_file(SPLIT_PATH, buf));
}

/* Children of a mutator, published in its child slots. */
struct kids {
	int m;
	pid_t pid[CHILD_SLOTS];
	bool exec[CHILD_SLOTS];
};

static int kids_free(struct kids *k)
{
	int i;

	for (i = 0; i < CHILD_SLOTS; i++)
		if (!k->pid[i])
			return i;
	return -1;
}

static void kids_add(struct kids *k, int i, pid_t pid, bool exec)
{
	k->pid[i] = pid;
	k->exec[i] = exec;
	__atomic_store_n(&sh->pid[SLOT_CHILD + k->m * CHILD_SLOTS + i], pid,
			 __ATOMIC_RELAXED);
}

/* Reap exited children; @block: we killed them, do not count. */
static void kids_reap(struct kids *k, bool block)
{
	int i, st;

	for (i = 0; i < CHILD_SLOTS; i++) {
		if (!k->pid[i] ||
		    waitpid(k->pid[i], &st, block ? 0 : WNOHANG) != k->pid[i])
			continue;
		if (k->exec[i] && !block) {
			errno = ENOEXEC;
			op_done(OP_EXEC, WIFEXITED(st) && !WEXITSTATUS(st) ?
				0 : -1);
		}
		__atomic_store_n(&sh->pid[SLOT_CHILD + k->m * CHILD_SLOTS + i],
				 0, __ATOMIC_RELAXED);
		k->pid[i] = 0;
	}
}

static void kids_kill(struct kids *k)
{
	int i;

	for (i = 0; i < CHILD_SLOTS; i++)
		if (k->pid[i])
			kill(k->pid[i], SIGKILL);
	kids_reap(k, true);
}

/*
 * Fork a child that runs @fn(arg) and exits; the parent gets its slot.
 * Returns the pid or -1.
 */
static pid_t kids_fork(struct kids *k, void (*fn)(void *), void *arg)
{
	int i = kids_free(k);
	pid_t pid;

	if (i < 0) {
		kids_reap(k, false);
		return -1;
	}
	beat(OP_FORK);
	pid = fork();
	if (pid == 0) {
		cur_slot = SLOT_CHILD + k->m * CHILD_SLOTS + i;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		rng_seed(opt_seed, (__u64)getpid() << 8);
		fn(arg);
		_exit(0);
	}
	if (op_done(OP_FORK, pid))
		return -1;
	kids_add(k, i, pid, false);
	return pid;
}

/* ---- vma: mmap/munmap/mremap/mprotect on small areas ---- */

struct area {
	char *p;
	size_t len;
	int prot;
	bool shared, locked;
};

#define VMA_AREAS	48
#define RW		(PROT_READ | PROT_WRITE)

static struct area areas[VMA_AREAS];
static int nr_areas;
static char *sparse;		/* 256 MiB, a few pages touched */
#define SPARSE_LEN	(256UL << 20)

static void area_add(char *p, size_t len, int prot, bool shared,
		     bool locked)
{
	if (nr_areas < VMA_AREAS)
		areas[nr_areas++] = (struct area){ p, len, prot, shared,
						   locked };
	else
		munmap(p, len);
}

static void area_del(int i)
{
	areas[i] = areas[--nr_areas];
}

static void vma_new(void)
{
	size_t len = (1 + rnd(64)) * PAGE_SZ;
	bool shared = !rnd(4);
	char *p;

	if (nr_areas >= VMA_AREAS)
		return;
	beat(OP_MMAP);
	p = mmap(NULL, len, RW, (shared ? MAP_SHARED : MAP_PRIVATE) |
		 MAP_ANONYMOUS, -1, 0);
	if (op_done(OP_MMAP, p == MAP_FAILED ? -1 : 0))
		return;
	touch_write(p, len, PAGE_SZ * (1 + rnd(3)));
	area_add(p, len, RW, shared, false);
}

/* munmap all of an area, or a hole in it (a VMA split). */
static void vma_unmap(int i)
{
	struct area *a = &areas[i];
	size_t pages = a->len / PAGE_SZ, off, len;
	char *tail;

	beat(OP_MUNMAP);
	if (pages < 3 || nr_areas == VMA_AREAS || rnd(2)) {
		op_done(OP_MUNMAP, munmap(a->p, a->len));
		area_del(i);
		return;
	}
	off = (1 + rnd(pages - 2)) * PAGE_SZ;
	len = (1 + rnd(pages - 1 - off / PAGE_SZ)) * PAGE_SZ;
	if (op_done(OP_MUNMAP, munmap(a->p + off, len)))
		return;
	tail = a->p + off + len;
	len = a->len - off - len;
	a->len = off;
	if (len)
		area_add(tail, len, a->prot, a->shared, a->locked);
}

static void vma_grow(int i)
{
	struct area *a = &areas[i];
	size_t len = a->len + (1 + rnd(16)) * PAGE_SZ;
	char *p;

	if (a->shared)		/* beyond the shmem size: SIGBUS */
		return;
	beat(OP_MREMAP_GROW);
	p = mremap(a->p, a->len, len, MREMAP_MAYMOVE);
	if (op_done(OP_MREMAP_GROW, p == MAP_FAILED ? -1 : 0))
		return;
	if (a->prot & PROT_WRITE)
		touch_write(p + a->len, len - a->len, PAGE_SZ);
	a->p = p;
	a->len = len;
}

static void vma_shrink(int i)
{
	struct area *a = &areas[i];
	size_t len = (1 + rnd(a->len / PAGE_SZ)) * PAGE_SZ;
	char *p;

	if (len >= a->len)
		return;
	beat(OP_MREMAP_SHRINK);
	p = mremap(a->p, a->len, len, 0);
	if (op_done(OP_MREMAP_SHRINK, p == MAP_FAILED ? -1 : 0))
		return;
	a->len = len;
}

static void vma_move(int i)
{
	struct area *a = &areas[i];
	char *dst, *p;

	dst = mmap(NULL, a->len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (dst == MAP_FAILED)
		return;
	beat(OP_MREMAP_MOVE);
	p = mremap(a->p, a->len, a->len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (op_done(OP_MREMAP_MOVE, p == MAP_FAILED ? -1 : 0)) {
		munmap(dst, a->len);
		return;
	}
	a->p = p;
}

/* mprotect a middle part read-only or PROT_NONE: up to three areas. */
static void vma_protect(int i)
{
	struct area *a = &areas[i];
	size_t pages = a->len / PAGE_SZ, off, len, rest;
	int prot = rnd(2) ? PROT_READ : PROT_NONE;

	if (pages < 3 || nr_areas + 2 > VMA_AREAS)
		return;
	off = (1 + rnd(pages - 2)) * PAGE_SZ;
	len = (1 + rnd(pages - 1 - off / PAGE_SZ)) * PAGE_SZ;
	beat(OP_MPROTECT);
	if (op_done(OP_MPROTECT, mprotect(a->p + off, len, prot)))
		return;
	rest = a->len - off - len;
	if (rest)
		area_add(a->p + off + len, rest, a->prot, a->shared,
			 a->locked);
	area_add(a->p + off, len, prot, a->shared, a->locked);
	a->len = off;
}

static void vma_unprotect(int i)
{
	struct area *a = &areas[i];

	beat(OP_MPROTECT);
	if (!op_done(OP_MPROTECT, mprotect(a->p, a->len, RW)))
		a->prot = RW;
}

static void vma_touch(int i)
{
	struct area *a = &areas[i];
	size_t off, len;

	sub_range(a->len, 16, &off, &len);
	beat(OP_TOUCH);
	if (a->prot & PROT_WRITE)
		touch_write(a->p + off, len, PAGE_SZ);
	else if (a->prot & PROT_READ)
		touch_read(a->p + off, len, PAGE_SZ);
	op_done(OP_TOUCH, 0);
}

/* madvise, mlock, names: on private read-write areas only. */
static void vma_advise(int i)
{
	struct area *a = &areas[i];
	char name[32];
	size_t off, len;
	bool lock;

	if (a->shared || a->prot != RW)
		return;
	if (a->locked) {		/* MADV_DONTNEED etc.: EINVAL */
		beat(OP_MLOCK);
		if (!op_done(OP_MLOCK, munlock(a->p, a->len)))
			a->locked = false;
		return;
	}
	sub_range(a->len, 8, &off, &len);
	switch (rnd(5)) {
	case 0:
		do_madvise(OP_DONTNEED, a->p + off, len, MADV_DONTNEED);
		break;
	case 1:
		do_madvise(OP_FREE, a->p + off, len, MADV_FREE);
		break;
	case 2:
		if (!op_ok(OP_ANON_NAME))
			break;
		snprintf(name, sizeof(name), "vmi-torture-%u", rnd(4));
		beat(OP_ANON_NAME);
		op_done(OP_ANON_NAME, prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME,
					    a->p, a->len, name));
		break;
	case 3:
		lock = rnd(2);
		beat(OP_MLOCK);
		if (!op_done(OP_MLOCK, lock ? mlock(a->p, a->len) :
			     munlock(a->p, a->len)))
			a->locked = lock;
		break;
	default:
		do_madvise(OP_PAGEOUT, a->p + off, len, MADV_PAGEOUT);
		break;
	}
}

/* A sparse area: its PTE tables are freed by munmap while walked. */
static void vma_sparse(void)
{
	int i;

	if (sparse && !rnd(3)) {
		beat(OP_MUNMAP);
		op_done(OP_MUNMAP, munmap(sparse, SPARSE_LEN));
		sparse = NULL;
		return;
	}
	if (!sparse) {
		beat(OP_MMAP);
		sparse = mmap(NULL, SPARSE_LEN, RW, MAP_PRIVATE | MAP_ANONYMOUS |
			      MAP_NORESERVE, -1, 0);
		if (op_done(OP_MMAP, sparse == MAP_FAILED ? -1 : 0)) {
			sparse = NULL;
			return;
		}
		/* page tables, not 2 MiB per touch */
		madvise(sparse, SPARSE_LEN, MADV_NOHUGEPAGE);
	}
	beat(OP_TOUCH);
	for (i = 0; i < 32; i++)
		touch_write(sparse + (size_t)rnd(SPARSE_LEN / PAGE_SZ) * PAGE_SZ,
			    1, 1);
	op_done(OP_TOUCH, 0);
}

static void mut_vma(int m)
{
	int i;

	while (!stopping()) {
		mut_iteration(m);
		if (nr_areas < 4 || !rnd(6)) {
			vma_new();
			continue;
		}
		i = rnd(nr_areas);
		switch (rnd(11)) {
		case 0:
			vma_unmap(i);
			break;
		case 1:
			vma_grow(i);
			break;
		case 2:
			vma_shrink(i);
			break;
		case 3:
			vma_move(i);
			break;
		case 4:
			vma_protect(i);
			break;
		case 5:
			vma_unprotect(i);
			break;
		case 6:
		case 7:
			vma_touch(i);
			break;
		case 8:
			vma_advise(i);
			break;
		case 9:
			vma_sparse();
			break;
		default:
			sched_yield();
			break;
		}
	}
}

/* ---- fork-exec ---- */

struct fork_mem {
	char *priv, *shared;
	size_t len, shared_len;
};

static void fork_grandchild(void *arg)
{
	struct fork_mem *f = arg;
	int i;

	for (i = 0; i < 16; i++)
		touch_write(f->priv + (size_t)rnd(f->len / PAGE_SZ) * PAGE_SZ, 1, 1);
}

static void fork_child(void *arg)
{
	struct fork_mem *f = arg;
	int i, n = rnd(64);
	pid_t pid;
	char *p;

	for (i = 0; i < n; i++)
		touch_write(f->priv + (size_t)rnd(f->len / PAGE_SZ) * PAGE_SZ, 1, 1);
	touch_write(f->shared, f->shared_len, PAGE_SZ * 8);
	if (!rnd(4)) {
		pid = fork();
		if (pid == 0) {
			fork_grandchild(f);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	p = mmap(NULL, 16 * PAGE_SZ, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		touch_write(p, 16 * PAGE_SZ, PAGE_SZ);
		munmap(p, 16 * PAGE_SZ);
	}
	usleep(rnd(5000));
}

static void fork_exec(struct kids *k)
{
	char *argv[] = { "vmi-torture", "--torture-exec", NULL };
	int i = kids_free(k);
	pid_t pid;

	if (i < 0)
		return;
	beat(OP_EXEC);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (pid < 0) {
		op_done(OP_EXEC, -1);
		return;
	}
	kids_add(k, i, pid, true);
}

static void mut_fork(int m)
{
	struct kids k = { .m = m };
	struct fork_mem f = { .len = 4 * PMD_SZ, .shared_len = 64 * PAGE_SZ };

	f.priv = map_aligned(f.len, PMD_SZ, RW, MAP_PRIVATE, -1);
	f.shared = mmap(NULL, f.shared_len, RW, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0);
	if (!f.priv || f.shared == MAP_FAILED) {
		mut_note("no memory");
		mut_idle();
		return;
	}
	madvise(f.priv, PMD_SZ, MADV_HUGEPAGE);
	touch_write(f.priv, f.len, PAGE_SZ);
	while (!stopping()) {
		mut_iteration(m);
		kids_reap(&k, false);
		if (kids_free(&k) < 0) {
			beat(-1);
			usleep(500);
			continue;
		}
		if (op_ok(OP_EXEC) && !rnd(4))
			fork_exec(&k);
		else
			kids_fork(&k, fork_child, &f);
		/* COW in the parent too */
		do_touch(f.priv + (size_t)rnd(f.len / PAGE_SZ - 32) * PAGE_SZ,
			 PAGE_SZ * (1 + rnd(32)), PAGE_SZ);
	}
	kids_kill(&k);
}

/* The image fork-exec runs: map, touch, split, exit. */
static int torture_exec(void)
{
	size_t len = 2 * PMD_SZ;
	char *p;

	rng_seed((__u64)time(NULL) ^ ((__u64)getpid() << 16), 7);
	p = map_aligned(len, PMD_SZ, RW, MAP_PRIVATE, -1);
	if (p) {
		madvise(p, len, MADV_HUGEPAGE);
		touch_write(p, len, PAGE_SZ);
		mprotect(p + 3 * PAGE_SZ, 5 * PAGE_SZ, PROT_READ);
		madvise(p + PMD_SZ, 64 * PAGE_SZ, MADV_DONTNEED);
	}
	usleep(1000 + rnd(20000));
	return 0;
}

/* ---- thp-anon ---- */

#define THP_CHUNKS	8

struct thp_child {
	char *chunk;
};

static void thp_child_fn(void *arg)
{
	struct thp_child *c = arg;

	touch_write(c->chunk + (size_t)rnd(256) * PAGE_SZ, 64 * PAGE_SZ,
		    PAGE_SZ);
	usleep(rnd(3000));
}

/* mremap a 2 MiB chunk to the window @w and back. */
static void thp_move(char *c, char *w)
{
	char *p;

	beat(OP_MREMAP_MOVE);
	p = mremap(c, PMD_SZ, PMD_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, w);
	if (op_done(OP_MREMAP_MOVE, p == MAP_FAILED ? -1 : 0))
		return;
	touch_write(w + (size_t)rnd(512) * PAGE_SZ, PAGE_SZ, PAGE_SZ);
	p = mremap(w, PMD_SZ, PMD_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, c);
	if (op_done(OP_MREMAP_MOVE, p == MAP_FAILED ? -1 : 0)) {
		munmap(w, PMD_SZ);
		mmap(c, PMD_SZ, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		     -1, 0);
		madvise(c, PMD_SZ, MADV_HUGEPAGE);
	}
	mmap(w, PMD_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	     MAP_NORESERVE | MAP_FIXED, -1, 0);
}

static void thp_protect(char *p, size_t len)
{
	beat(OP_MPROTECT);
	if (op_done(OP_MPROTECT, mprotect(p, len, PROT_READ)))
		return;
	usleep(rnd(500));
	mprotect(p, len, RW);
}

static void mut_thp_anon(int m)
{
	size_t len = THP_CHUNKS * PMD_SZ, off, sub;
	struct kids k = { .m = m };
	struct thp_child tc;
	char *r, *w, *c;

	r = map_aligned(len, PMD_SZ, RW, MAP_PRIVATE, -1);
	w = map_aligned(PMD_SZ, PMD_SZ, PROT_NONE,
			MAP_PRIVATE | MAP_NORESERVE, -1);
	if (!r || !w) {
		mut_note("no memory");
		mut_idle();
		return;
	}
	do_madvise(OP_HUGEPAGE, r, len, MADV_HUGEPAGE);
	while (!stopping()) {
		mut_iteration(m);
		c = r + (size_t)rnd(THP_CHUNKS) * PMD_SZ;
		sub_range(PMD_SZ, 64, &off, &sub);
		switch (rnd(13)) {
		case 0:
		case 1:
			do_touch(c, PMD_SZ, PAGE_SZ);
			break;
		case 2:
			do_madvise(OP_DONTNEED, c + off, sub, MADV_DONTNEED);
			break;
		case 3:
			do_madvise(OP_FREE, c + off, sub, MADV_FREE);
			break;
		case 4:
			do_madvise(OP_PAGEOUT, c, PMD_SZ, MADV_PAGEOUT);
			break;
		case 5:
			/* case 10 may have said MADV_NOHUGEPAGE */
			do_madvise(OP_HUGEPAGE, c, PMD_SZ, MADV_HUGEPAGE);
			do_madvise(OP_COLLAPSE_ANON, c, PMD_SZ, MADV_COLLAPSE);
			break;
		case 6:
			split_range(c, PMD_SZ);
			break;
		case 7:
			thp_protect(c + off, sub);
			break;
		case 8:
			thp_move(c, w);
			break;
		case 9:
			tc.chunk = c;
			kids_fork(&k, thp_child_fn, &tc);
			break;
		case 10:
			do_madvise(OP_HUGEPAGE, c, PMD_SZ, rnd(2) ?
				   MADV_HUGEPAGE : MADV_NOHUGEPAGE);
			break;
		case 11:
			do_madvise(OP_COLD, c + off, sub, MADV_COLD);
			break;
		default:
			kids_reap(&k, false);
			sched_yield();
			break;
		}
	}
	kids_kill(&k);
}

/* ---- thp-memfd: shmem mapped three times, collapsed and punched ---- */

struct shm_map {
	int fd;
	size_t len;
	char *a, *b;
};

static char *shm_map(int fd, size_t len)
{
	char *p = map_aligned(len, PMD_SZ, RW, MAP_SHARED, fd);

	if (p)
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

/* munmap a shared mapping and map it again at the same address. */
static void shm_remap(int fd, char *p, size_t len)
{
	char *q;

	beat(OP_MUNMAP);
	op_done(OP_MUNMAP, munmap(p, len));
	beat(OP_MMAP);
	q = mmap(p, len, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	if (!op_done(OP_MMAP, q == MAP_FAILED ? -1 : 0))
		madvise(p, len, MADV_HUGEPAGE);
}

static void memfd_partner(int m, struct shm_map *s)
{
	char *p;
	size_t off, len;

	mut_enter(SLOT_PARTNER + m, m);
	p = shm_map(s->fd, s->len);
	if (!p)
		p = s->a;
	while (!stopping()) {
		mut_iteration(-1);
		sub_range(s->len, 512, &off, &len);
		switch (rnd(7)) {
		case 0:
		case 1:
			do_touch(p + off, len, PAGE_SZ);
			break;
		case 2:
			beat(OP_TOUCH);
			touch_read((rnd(2) ? s->a : s->b) + off, len, PAGE_SZ);
			break;
		case 3:
			do_madvise(OP_DONTNEED, p + off, len, MADV_DONTNEED);
			break;
		case 4:
			if (p != s->a && !rnd(4))
				shm_remap(s->fd, p, s->len);
			break;
		case 5:
			split_range(p + (off & ~(PMD_SZ - 1)), PMD_SZ);
			break;
		default:
			beat(-1);
			usleep(200);
			break;
		}
	}
	_exit(0);
}

static void memfd_step(struct shm_map *s)
{
	size_t chunk = (size_t)rnd(s->len / PMD_SZ) * PMD_SZ, off, sub;
	char *c = (rnd(2) ? s->a : s->b) + chunk;

	sub_range(PMD_SZ, 64, &off, &sub);
	switch (rnd(11)) {
	case 0:
	case 1:
		do_touch(c, PMD_SZ, PAGE_SZ);
		break;
	case 2:
		do_madvise(OP_DONTNEED, c + off, sub, MADV_DONTNEED);
		break;
	case 3:
		do_madvise(OP_PAGEOUT_SHMEM, c, PMD_SZ, MADV_PAGEOUT);
		break;
	case 4:
	case 5:
		do_touch(c, PMD_SZ, PAGE_SZ);
		do_madvise(OP_COLLAPSE_SHMEM, c, PMD_SZ, MADV_COLLAPSE);
		break;
	case 6:
		beat(OP_PUNCH_SHMEM);
		op_done(OP_PUNCH_SHMEM, fallocate(s->fd, FALLOC_FL_PUNCH_HOLE |
						  FALLOC_FL_KEEP_SIZE,
						  chunk + off, sub));
		break;
	case 7:
		split_range(c, PMD_SZ);
		break;
	case 8:
		if (!rnd(4))
			shm_remap(s->fd, s->b, s->len);
		break;
	case 9:
		thp_protect(c + off, sub);
		break;
	default:
		do_madvise(OP_COLD, c, PMD_SZ, MADV_COLD);
		break;
	}
}

static void mut_thp_memfd(int m)
{
	struct shm_map s = { .len = 8 * PMD_SZ };
	pid_t pid;

	s.fd = memfd_create("vmi-torture-shmem", MFD_CLOEXEC);
	if (s.fd < 0 || ftruncate(s.fd, s.len)) {
		mut_note("memfd: %s", strerror(errno));
		mut_idle();
		return;
	}
	s.a = shm_map(s.fd, s.len);
	s.b = shm_map(s.fd, s.len);
	if (!s.a || !s.b) {
		mut_note("no memory");
		mut_idle();
		return;
	}
	touch_write(s.a, s.len, PAGE_SZ);
	pid = fork();
	if (pid == 0)
		memfd_partner(m, &s);
	if (pid < 0)
		mut_note("no partner process: %s", strerror(errno));
	while (!stopping()) {
		mut_iteration(m);
		memfd_step(&s);
	}
}

/* ---- thp-file: a tmpfs file, shared twice and private once ---- */

struct file_map {
	int fd;
	size_t len;
	char path[128];
	char *s1, *s2, *priv;
};

static void file_fill(struct file_map *f, size_t off, size_t len)
{
	static char buf[64 * 1024];
	size_t done, n;

	memset(buf, 'f', sizeof(buf));
	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (pwrite(f->fd, buf, n, off + done) < 0)
			break;
	}
}

static void file_split(struct file_map *f, size_t chunk)
{
	char buf[200];

	if (!op_ok(OP_SPLIT_FILE))
		return;
	snprintf(buf, sizeof(buf), "%s,0x%zx,0x%zx", f->path,
		 chunk / PAGE_SZ, (chunk + PMD_SZ) / PAGE_SZ);
	beat(OP_SPLIT_FILE);
	op_done(OP_SPLIT_FILE, write_file(SPLIT_PATH, buf));
}

/*
 * Truncate at a chunk and grow back: zaps the mappings, private COW copies
 * too.  At a 2 MiB boundary only: truncating into a huge page that cannot
 * be split livelocks 6.12.111's shmem_undo_range() (an unkillable task,
 * seen without any vmainspect call; later 6.12 stables skip such a folio).
 */
static void file_truncate(struct file_map *f, size_t chunk)
{
	beat(OP_TRUNCATE);
	if (op_done(OP_TRUNCATE, ftruncate(f->fd, chunk)))
		return;
	if (ftruncate(f->fd, f->len))
		mut_bad("thp-file: cannot grow the file back: %s",
			strerror(errno));
}

static void file_io(struct file_map *f, size_t chunk, size_t off, size_t sub)
{
	static char buf[256 * 1024];
	ssize_t n;

	beat(OP_FILE_IO);
	if (rnd(2))
		n = pread(f->fd, buf, sub, chunk + off);
	else
		n = pwrite(f->fd, buf, sub, chunk + off);
	op_done(OP_FILE_IO, n);
}

static void file_step(struct file_map *f)
{
	size_t chunk = (size_t)rnd(f->len / PMD_SZ) * PMD_SZ, off, sub;
	char *s = (rnd(2) ? f->s1 : f->s2) + chunk, *p = f->priv + chunk;

	sub_range(PMD_SZ, 64, &off, &sub);
	switch (rnd(12)) {
	case 0:
		do_touch(s, PMD_SZ, PAGE_SZ);
		break;
	case 1:
		beat(OP_TOUCH);
		touch_read(p, PMD_SZ, PAGE_SZ);
		touch_write(p + off, sub, PAGE_SZ);
		op_done(OP_TOUCH, 0);
		break;
	case 2:
		do_madvise(OP_DONTNEED, (rnd(2) ? s : p) + off, sub,
			   MADV_DONTNEED);
		break;
	case 3:
		do_madvise(OP_PAGEOUT_SHMEM, s, PMD_SZ, MADV_PAGEOUT);
		break;
	case 4:
	case 5:
		do_touch(s, PMD_SZ, PAGE_SZ);
		do_madvise(OP_COLLAPSE_FILE, s, PMD_SZ, MADV_COLLAPSE);
		break;
	case 6:
		file_split(f, chunk);
		break;
	case 7:
		beat(OP_PUNCH_FILE);
		op_done(OP_PUNCH_FILE, fallocate(f->fd, FALLOC_FL_PUNCH_HOLE |
						 FALLOC_FL_KEEP_SIZE,
						 chunk + off, sub));
		break;
	case 8:
		if (!rnd(3))
			file_truncate(f, chunk);
		break;
	case 9:
		file_io(f, chunk, off, sub);
		break;
	case 10:
		split_range(p, PMD_SZ);
		break;
	default:
		thp_protect(s + off, sub);
		break;
	}
}

static void mut_thp_file(int m)
{
	struct file_map f = { .len = 8 * PMD_SZ };

	snprintf(f.path, sizeof(f.path), "%s/file", FILE_DIR);
	f.fd = open(f.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f.fd < 0) {
		mut_note("%s: %s", f.path, strerror(errno));
		mut_idle();
		return;
	}
	file_fill(&f, 0, f.len);
	f.s1 = shm_map(f.fd, f.len);
	f.s2 = shm_map(f.fd, f.len);
	f.priv = map_aligned(f.len, PMD_SZ, RW, MAP_PRIVATE, f.fd);
	if (!f.s1 || !f.s2 || !f.priv) {
		mut_note("no memory");
		mut_idle();
		return;
	}
	madvise(f.priv, f.len, MADV_HUGEPAGE);
	while (!stopping()) {
		mut_iteration(m);
		file_step(&f);
	}
}

/* ---- hugetlb: PMD sharing between two processes ---- */

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Touch @n random huge pages; an empty pool is SIGBUS, not death. */
static void htlb_touch(char *base, size_t size, int n)
{
	volatile char *p;
	int i;

	beat(OP_HTLB_TOUCH);
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		errno = EFAULT;
		op_done(OP_HTLB_TOUCH, -1);
		return;
	}
	bus_armed = 1;
	for (i = 0; i < n; i++) {
		p = base + (size_t)rnd(size / PMD_SZ) * PMD_SZ +
		    (size_t)rnd(512) * PAGE_SZ;
		if (rnd(4))
			(*p)++;
		else
			(void)*p;
	}
	bus_armed = 0;
	op_done(OP_HTLB_TOUCH, 0);
}

/* A read-only 2 MiB piece splits the VMA: shared PMDs are unshared. */
static void htlb_protect(char *base, size_t size)
{
	char *p = base + (size_t)rnd(size / PMD_SZ) * PMD_SZ;

	beat(OP_HTLB_MPROTECT);
	if (op_done(OP_HTLB_MPROTECT, mprotect(p, PMD_SZ, PROT_READ)))
		return;
	usleep(rnd(1000));
	mprotect(p, PMD_SZ, RW);
}

static bool htlb_remap(int fd, char *base, size_t size)
{
	char *p;

	beat(OP_HTLB_REMAP);
	if (op_done(OP_HTLB_REMAP, munmap(base, size)))
		return true;
	usleep(rnd(1000));
	p = mmap(base, size, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	if (op_done(OP_HTLB_REMAP, p == MAP_FAILED ? -1 : 0))
		return false;
	return true;
}

struct htlb {
	int fd;
	char *base;
	size_t size;
	bool mapped;
};

static void htlb_step(struct htlb *h, bool partner)
{
	size_t n = h->size / PMD_SZ, k, len;

	if (!h->mapped) {
		h->mapped = htlb_remap(h->fd, h->base, h->size);
		usleep(1000);
		return;
	}
	switch (rnd(partner ? 6 : 8)) {
	case 0:
	case 1:
	case 2:
		htlb_touch(h->base, h->size, 8);
		break;
	case 3:
		htlb_protect(h->base, h->size);
		break;
	case 4:
		if (!rnd(16))
			h->mapped = htlb_remap(h->fd, h->base, h->size);
		break;
	case 5:
		beat(-1);
		usleep(200);
		break;
	default:
		k = rnd(n);
		len = 1 + rnd(8);
		if (k + len > n)
			len = n - k;
		beat(OP_HTLB_PUNCH);
		op_done(OP_HTLB_PUNCH, fallocate(h->fd, FALLOC_FL_PUNCH_HOLE |
						 FALLOC_FL_KEEP_SIZE,
						 k * PMD_SZ, len * PMD_SZ));
		break;
	}
}

static void htlb_partner(int m, struct htlb *h)
{
	mut_enter(SLOT_PARTNER + m, m);
	while (!stopping()) {
		mut_iteration(-1);
		htlb_step(h, true);
	}
	_exit(0);
}

static void htlb_unsupported(void)
{
	op_unsupported(OP_HTLB_TOUCH, ENOMEM);
	op_unsupported(OP_HTLB_PUNCH, ENOMEM);
	op_unsupported(OP_HTLB_MPROTECT, ENOMEM);
	op_unsupported(OP_HTLB_REMAP, ENOMEM);
}

static void mut_hugetlb(int m)
{
	long nfree = meminfo("HugePages_Free:");
	struct htlb h = { .mapped = true };
	bool share = nfree >= 512;
	pid_t pid;

	signal(SIGBUS, on_sigbus);
	if (nfree < 4) {
		mut_note("no free hugetlb pages (%ld): hugetlb skipped", nfree);
		htlb_unsupported();
		mut_idle();
		return;
	}
	h.size = share ? PUD_SZ : (size_t)(nfree < 32 ? nfree : 32) * PMD_SZ;
	h.fd = memfd_create("vmi-torture-hugetlb", MFD_HUGETLB | MFD_CLOEXEC);
	if (h.fd < 0 || ftruncate(h.fd, h.size)) {
		mut_note("hugetlb memfd: %s", strerror(errno));
		htlb_unsupported();
		mut_idle();
		return;
	}
	h.base = map_aligned(h.size, share ? PUD_SZ : PMD_SZ, RW, MAP_SHARED,
			     h.fd);
	if (!h.base) {
		mut_note("mmap of %zu MiB of hugetlb failed", h.size >> 20);
		htlb_unsupported();
		mut_idle();
		return;
	}
	mut_note("%zu MiB MAP_SHARED hugetlb memfd in two processes%s",
		 h.size >> 20, share ? ", 1 GiB-aligned: PMD tables shared" :
		 ": PMD sharing skipped (needs 512 free 2 MiB pages)");
	htlb_touch(h.base, h.size, 32);
	pid = fork();
	if (pid == 0)
		htlb_partner(m, &h);
	while (!stopping()) {
		mut_iteration(m);
		htlb_step(&h, false);
	}
}

/* ---- uffd-move: pages and THPs moved between two areas ---- */

#define UF_PAGES	1024		/* 4 MiB: the first half THP-able */
#define UF_HALF		512

struct uffd_state {
	int fd;
	char *area[2];
	unsigned char where[UF_PAGES];	/* which area holds page i */
};

static __u64 uf_tag(unsigned int i)
{
	return 0x7566666400000000ULL | i;
}

static volatile __u64 *uf_page(struct uffd_state *u, unsigned int i)
{
	return (volatile __u64 *)(u->area[u->where[i]] + (size_t)i * PAGE_SZ);
}

/* Move pages [i, i + n) out of area @src (holes allowed with @mode). */
static void uf_move(struct uffd_state *u, unsigned int i, unsigned int n,
		    unsigned int src, __u64 mode, enum op o)
{
	struct uffdio_move_ mv = {
		.dst = (uintptr_t)(u->area[!src] + (size_t)i * PAGE_SZ),
		.src = (uintptr_t)(u->area[src] + (size_t)i * PAGE_SZ),
		.len = (__u64)n * PAGE_SZ,
		.mode = mode,
	};
	unsigned int k, moved;
	int ret;

	beat(o);
	ret = ioctl(u->fd, UFFDIO_MOVE_, &mv);
	moved = !ret ? n : mv.move > 0 ? (unsigned int)(mv.move / PAGE_SZ) : 0;
	for (k = 0; k < moved && k < n; k++)
		u->where[i + k] = !src;
	op_done(o, ret);
}

static void uf_move_some(struct uffd_state *u)
{
	unsigned int i = rnd(UF_PAGES), n = 1 + rnd(32), k;
	unsigned int end = i < UF_HALF ? UF_HALF : UF_PAGES;

	for (k = 1; k < n && i + k < end && u->where[i + k] == u->where[i]; k++)
		;
	uf_move(u, i, k, u->where[i], 0, OP_UFFD_MOVE);
}

/*
 * The THP half: gather it into one area, run by run (a hole in the
 * source is skipped with ALLOW_SRC_HOLES only if the destination is
 * empty there too, so one call cannot do it), then move it whole.
 */
static void uf_move_thp(struct uffd_state *u)
{
	unsigned int i, n, to = u->where[rnd(UF_HALF)];

	for (i = 0; i < UF_HALF; i += n) {
		for (n = 1; i + n < UF_HALF && u->where[i + n] == u->where[i]; n++)
			;
		if (u->where[i] != to)
			uf_move(u, i, n, !to, !rnd(4) ?
				UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES_ : 0,
				OP_UFFD_MOVE);
	}
	for (i = 0; i < UF_HALF; i++)
		if (u->where[i] != to)
			return;
	uf_move(u, 0, UF_HALF, to, 0, OP_UFFD_MOVE_THP);
}

static void uf_check(struct uffd_state *u)
{
	unsigned int i, n = 1 + rnd(64);
	volatile __u64 *p;

	beat(OP_TOUCH);
	while (n--) {
		i = rnd(UF_PAGES);
		p = uf_page(u, i);
		if (*p != uf_tag(i))
			mut_bad("uffd-move: page %u at %p holds %#llx, not %#llx",
				i, (void *)p, (unsigned long long)*p,
				(unsigned long long)uf_tag(i));
		p[1]++;
	}
	op_done(OP_TOUCH, 0);
}

static int uf_setup(struct uffd_state *u)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MOVE_ };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	size_t len = (size_t)UF_PAGES * PAGE_SZ;
	unsigned int i, a;

	for (a = 0; a < 2; a++) {
		u->area[a] = map_aligned(len, PMD_SZ, RW, MAP_PRIVATE, -1);
		if (!u->area[a])
			return -1;
		madvise(u->area[a], UF_HALF * PAGE_SZ, MADV_HUGEPAGE);
		madvise(u->area[a] + UF_HALF * PAGE_SZ, UF_HALF * PAGE_SZ,
			MADV_NOHUGEPAGE);
	}
	for (i = 0; i < UF_PAGES; i++)
		*uf_page(u, i) = uf_tag(i);
	u->fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u->fd < 0 || ioctl(u->fd, UFFDIO_API, &api))
		return -1;
	if (!(api.features & UFFD_FEATURE_MOVE_)) {
		errno = EINVAL;
		return -1;
	}
	for (a = 0; a < 2; a++) {
		reg.range.start = (uintptr_t)u->area[a];
		reg.range.len = len;
		if (ioctl(u->fd, UFFDIO_REGISTER, &reg))
			return -1;
	}
	return 0;
}

static void mut_uffd(int m)
{
	static struct uffd_state u;
	unsigned int a;

	if (uf_setup(&u)) {
		op_done(OP_UFFD_MOVE, -1);
		op_unsupported(OP_UFFD_MOVE_THP, errno);
		mut_note("userfaultfd with UFFD_FEATURE_MOVE: %s (needs 6.8)",
			 strerror(errno));
		mut_idle();
		return;
	}
	while (!stopping()) {
		mut_iteration(m);
		a = rnd(2);
		switch (rnd(10)) {
		case 0:
		case 1:
		case 2:
		case 3:
			uf_move_some(&u);
			break;
		case 4:
			uf_move_thp(&u);
			break;
		case 5:
		case 6:
			uf_check(&u);
			break;
		case 7:
			do_madvise(OP_PAGEOUT, u.area[a] +
				   rnd(UF_PAGES - 64) * PAGE_SZ, 64 * PAGE_SZ,
				   MADV_PAGEOUT);
			break;
		case 8:
			split_range(u.area[a], PMD_SZ);
			break;
		default:
			sched_yield();
			break;
		}
	}
}

/* ---- ksm ---- */

#define KSM_PAGES	2048

static char ksm_byte(unsigned int i)
{
	return (char)('A' + i % 4);
}

static void ksm_fill(char *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!(i % 256))
			beat(-1);
		memset(p + (size_t)i * PAGE_SZ, ksm_byte(i), PAGE_SZ);
	}
}

/* Check a page, write it (breaks the KSM COW), restore it. */
static void ksm_write(char *p, unsigned int i)
{
	volatile char *pg = p + (size_t)i * PAGE_SZ;
	size_t at = rnd(PAGE_SZ);
	char want = ksm_byte(i);

	beat(OP_KSM_WRITE);
	if (pg[0] != want || pg[PAGE_SZ - 1] != want)
		mut_bad("ksm: page %u holds %#x, not %#x", i, pg[0], want);
	pg[at] = (char)(want + 1);
	pg[at] = want;
	op_done(OP_KSM_WRITE, 0);
}

static void ksm_child(void *arg)
{
	char *p = arg;
	int i;

	for (i = 0; i < 32; i++)
		ksm_write(p, rnd(KSM_PAGES));
	usleep(rnd(5000));
}

static char *ksm_area(void)
{
	char *p = map_aligned(KSM_PAGES * PAGE_SZ, PMD_SZ, RW, MAP_PRIVATE, -1);

	if (!p)
		return NULL;
	madvise(p, PMD_SZ, MADV_HUGEPAGE);
	ksm_fill(p, KSM_PAGES);
	do_madvise(OP_KSM_MERGE, p, KSM_PAGES * PAGE_SZ, MADV_MERGEABLE);
	return p;
}

static void mut_ksm(int m)
{
	size_t len = KSM_PAGES * PAGE_SZ, off, sub;
	struct kids k = { .m = m };
	char *p;

	if (access(KSM_DIR "run", F_OK)) {
		mut_note("no KSM");
		op_unsupported(OP_KSM_MERGE, ENOENT);
	}
	p = ksm_area();
	if (!p || !op_ok(OP_KSM_MERGE)) {
		op_unsupported(OP_KSM_WRITE, ENOENT);
		op_unsupported(OP_KSM_UNMERGE, ENOENT);
		mut_idle();
		return;
	}
	while (!stopping()) {
		mut_iteration(m);
		sub_range(len, 256, &off, &sub);
		switch (rnd(9)) {
		case 0:
		case 1:
		case 2:
			ksm_write(p, rnd(KSM_PAGES));
			break;
		case 3:
			do_madvise(OP_KSM_UNMERGE, p + off, sub, MADV_UNMERGEABLE);
			do_madvise(OP_KSM_MERGE, p + off, sub, MADV_MERGEABLE);
			break;
		case 4:
			if (rnd(8))
				break;
			beat(OP_MUNMAP);
			op_done(OP_MUNMAP, munmap(p, len));
			p = ksm_area();
			if (!p) {
				mut_note("no memory");
				mut_idle();
				return;
			}
			break;
		case 5:
			kids_fork(&k, ksm_child, p);
			break;
		case 6:
			do_madvise(OP_PAGEOUT, p + off, sub, MADV_PAGEOUT);
			break;
		case 7:
			split_range(p, PMD_SZ);
			break;
		default:
			kids_reap(&k, false);
			beat(-1);
			usleep(1000);
			break;
		}
	}
	kids_kill(&k);
}

/* ---- swap: page out, swap in, contents checked ---- */

#define SWAP_PAGES	8192		/* 32 MiB */
#define SWAP_SHM_PAGES	2048		/* 8 MiB */

static __u64 swap_tag(unsigned int i)
{
	return 0x7377617000000000ULL | i;
}

static void swap_fill(char *p, unsigned int from, unsigned int n)
{
	unsigned int i;

	for (i = from; i < from + n; i++) {
		if (!(i % 256))
			beat(-1);	/* slow kernels: still alive */
		*(volatile __u64 *)(p + (size_t)i * PAGE_SZ) = swap_tag(i);
	}
}

static void swap_check(const char *what, char *p, unsigned int npages, int n)
{
	volatile __u64 *v;
	unsigned int i;

	beat(OP_SWAPIN);
	while (n--) {
		i = rnd(npages);
		v = (volatile __u64 *)(p + (size_t)i * PAGE_SZ);
		if (*v != swap_tag(i))
			mut_bad("swap: %s page %u holds %#llx, not %#llx", what,
				i, (unsigned long long)*v,
				(unsigned long long)swap_tag(i));
		v[1]++;
	}
	op_done(OP_SWAPIN, 0);
}

struct swap_mem {
	char *anon, *shm;
};

static void swap_child(void *arg)
{
	struct swap_mem *s = arg;

	swap_check("anon (child)", s->anon, SWAP_PAGES, 64);
	swap_check("shmem (child)", s->shm, SWAP_SHM_PAGES, 16);
}

static void swap_move(struct swap_mem *s)
{
	size_t len = SWAP_PAGES * PAGE_SZ;
	char *dst, *p;

	dst = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_NORESERVE, -1, 0);
	if (dst == MAP_FAILED)
		return;
	beat(OP_MREMAP_MOVE);
	p = mremap(s->anon, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (op_done(OP_MREMAP_MOVE, p == MAP_FAILED ? -1 : 0))
		munmap(dst, len);
	else
		s->anon = p;
}

static void swap_step(struct swap_mem *s, struct kids *k)
{
	size_t off, len;

	sub_range(SWAP_PAGES * PAGE_SZ, 512, &off, &len);
	switch (rnd(10)) {
	case 0:
	case 1:
	case 2:
		do_madvise(OP_PAGEOUT, s->anon + off, len, MADV_PAGEOUT);
		break;
	case 3:
	case 4:
		swap_check("anon", s->anon, SWAP_PAGES, 64);
		break;
	case 5:
		do_madvise(OP_COLD, s->anon + off, len, MADV_COLD);
		break;
	case 6:
		kids_fork(k, swap_child, s);
		break;
	case 7:
		swap_move(s);
		break;
	case 8:
		do_madvise(OP_PAGEOUT_SHMEM, s->shm, SWAP_SHM_PAGES * PAGE_SZ,
			   MADV_PAGEOUT);
		swap_check("shmem", s->shm, SWAP_SHM_PAGES, 16);
		break;
	default:
		do_madvise(OP_DONTNEED, s->anon + off, len, MADV_DONTNEED);
		swap_fill(s->anon, off / PAGE_SZ, len / PAGE_SZ);
		kids_reap(k, false);
		break;
	}
}

static void mut_swap(int m)
{
	struct kids k = { .m = m };
	struct swap_mem s;

	if (!have_swap)
		mut_note("no swap device: MADV_PAGEOUT only drops clean pages");
	s.anon = mmap(NULL, SWAP_PAGES * PAGE_SZ, RW,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s.shm = mmap(NULL, SWAP_SHM_PAGES * PAGE_SZ, RW,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s.anon == MAP_FAILED || s.shm == MAP_FAILED) {
		mut_note("no memory");
		mut_idle();
		return;
	}
	madvise(s.anon, SWAP_PAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	swap_fill(s.anon, 0, SWAP_PAGES);
	swap_fill(s.shm, 0, SWAP_SHM_PAGES);
	while (!stopping()) {
		mut_iteration(m);
		swap_step(&s, &k);
	}
	kids_kill(&k);
}

/* ---- the mutator processes ---- */

static const struct {
	const char *name;
	void (*run)(int m);
} mut_kinds[NR_MUT] = {
	{ "vma", mut_vma },
	{ "fork-exec", mut_fork },
	{ "thp-anon", mut_thp_anon },
	{ "thp-memfd", mut_thp_memfd },
	{ "thp-file", mut_thp_file },
	{ "hugetlb", mut_hugetlb },
	{ "uffd-move", mut_uffd },
	{ "ksm", mut_ksm },
	{ "swap", mut_swap },
};

static pid_t mut_pid[NR_MUT];
static bool mut_reaped[NR_MUT];

static void mutator_main(int m)
{
	setpgid(0, 0);
	mut_enter(m, m);
	if (getppid() != main_pid)
		_exit(0);
	signal(SIGTERM, SIG_DFL);
	mut_kinds[m].run(m);
	_exit(0);
}

static void start_mutators(void)
{
	int m;
	pid_t pid;

	for (m = 0; m < NR_MUT; m++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			mutator_main(m);
		if (pid < 0) {
			fail("mutators: fork: %s", strerror(errno));
			continue;
		}
		setpgid(pid, pid);
		mut_pid[m] = pid;
		sh->pid[m] = pid;
	}
}

static void slot_name(int slot, char *buf, size_t size)
{
	if (slot == SLOT_SELF)
		snprintf(buf, size, "self");
	else if (slot == SLOT_INIT)
		snprintf(buf, size, "init");
	else if (slot == SLOT_KTHREAD)
		snprintf(buf, size, "kthreadd");
	else if (slot < NR_MUT)
		snprintf(buf, size, "%s", mut_kinds[slot].name);
	else if (slot < SLOT_CHILD)
		snprintf(buf, size, "%s-partner",
			 mut_kinds[slot - SLOT_PARTNER].name);
	else
		snprintf(buf, size, "%s-child",
			 mut_kinds[(slot - SLOT_CHILD) / CHILD_SLOTS].name);
}

/* A mutator that exits before it is told to is a failure. */
static void check_mutators_alive(void)
{
	int m, st;

	for (m = 0; m < NR_MUT; m++) {
		if (!mut_pid[m] || mut_reaped[m] ||
		    waitpid(mut_pid[m], &st, WNOHANG) != mut_pid[m])
			continue;
		mut_reaped[m] = true;
		if (stopping())
			continue;
		if (WIFSIGNALED(st))
			bad(CL_MUTATOR, "mutator %s (pid %d) died of signal %d",
			    mut_kinds[m].name, (int)mut_pid[m], WTERMSIG(st));
		else
			bad(CL_MUTATOR, "mutator %s (pid %d) exited early, status %d",
			    mut_kinds[m].name, (int)mut_pid[m], WEXITSTATUS(st));
	}
}

static void dump_task(const char *dir)
{
	char path[512], buf[4096], *l, *save;

	snprintf(path, sizeof(path), "%s/wchan", dir);
	if (!read_file(path, buf, sizeof(buf)))
		info("  %s: %s", path, buf);
	snprintf(path, sizeof(path), "%s/stack", dir);
	if (read_file(path, buf, sizeof(buf)))
		return;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		info("  %s", l);
}

/* "R" or "D" (and the name) of /proc/PID/task/TID/stat. */
static char task_state(const char *dir, char *comm, size_t size)
{
	char path[512], buf[512], *open_p, *close_p;

	snprintf(path, sizeof(path), "%s/stat", dir);
	if (read_file(path, buf, sizeof(buf)))
		return '?';
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || !close_p[1])
		return '?';
	*close_p = '\0';
	snprintf(comm, size, "%s", open_p + 1);
	return close_p[2];
}

/* Who may hold what a stalled mutator waits for (a folio lock, say). */
static bool task_of_interest(const char *comm)
{
	static const char *const names[] = {
		"vmi-torture", "khugepaged", "ksmd", "kswapd", "kcompactd",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strncmp(comm, names[i], strlen(names[i])))
			return true;
	return false;
}

/*
 * Every task that runs or sleeps uninterruptibly, with its stack; with
 * @all also the sleeping ones of this test and of the mm daemons.
 */
static void dump_tasks(bool all)
{
	char dir[64], comm[64], state;
	struct dirent *p, *t;
	unsigned int n = 0;
	DIR *pd, *td;
	int pid, tid;

	pd = opendir("/proc");
	if (!pd)
		return;
	while ((p = readdir(pd)) && n < 80) {
		pid = atoi(p->d_name);
		if (pid <= 0)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
		td = opendir(dir);
		if (!td)
			continue;
		while ((t = readdir(td)) && n < 80) {
			tid = atoi(t->d_name);
			if (tid <= 0)
				continue;
			snprintf(dir, sizeof(dir), "/proc/%d/task/%d", pid, tid);
			state = task_state(dir, comm, sizeof(comm));
			if (state != 'R' && state != 'D' &&
			    !(all && task_of_interest(comm)))
				continue;
			n++;
			info("task %d/%d (%s) state %c", pid, tid, comm, state);
			dump_task(dir);
		}
		closedir(td);
	}
	closedir(pd);
}

static void stop_mutators(void)
{
	double t = now();
	int m, left;

	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	do {
		check_mutators_alive();
		for (m = 0, left = 0; m < NR_MUT; m++)
			left += mut_pid[m] && !mut_reaped[m];
		if (left)
			usleep(50000);
	} while (left && now() - t < 3);
	for (m = 0; m < NR_MUT; m++)
		if (mut_pid[m])
			kill(-mut_pid[m], SIGTERM);
	usleep(300000);
	for (m = 0; m < NR_MUT; m++)
		if (mut_pid[m])
			kill(-mut_pid[m], SIGKILL);
	t = now();
	do {
		check_mutators_alive();
		for (m = 0, left = 0; m < NR_MUT; m++)
			left += mut_pid[m] && !mut_reaped[m];
		if (left)
			usleep(100000);
	} while (left && now() - t < 30);
	for (m = 0; m < NR_MUT; m++) {
		char dir[32];

		if (!mut_pid[m] || mut_reaped[m])
			continue;
		bad(CL_HANG, "mutator %s (pid %d) still there 30 s after SIGKILL",
		    mut_kinds[m].name, (int)mut_pid[m]);
		snprintf(dir, sizeof(dir), "/proc/%d", (int)mut_pid[m]);
		dump_task(dir);
	}
	if (left)
		dump_tasks(false);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ================= queriers ================= */

enum ioc {
	IOC_ATTACH, IOC_LAYOUT, IOC_LIST_VMAS, IOC_FIND_VMA, IOC_PT_PATH,
	IOC_PT_RUNS, IOC_PAGE, IOC_RMAP, IOC_KLAYOUT, IOC_KADDR, NR_IOC
};

static const struct {
	const char *name;
	unsigned long cmd;
} iocs[NR_IOC] = {
	[IOC_ATTACH]	= { "ATTACH", VMAINSPECT_IOC_ATTACH },
	[IOC_LAYOUT]	= { "LAYOUT", VMAINSPECT_IOC_LAYOUT },
	[IOC_LIST_VMAS]	= { "LIST_VMAS", VMAINSPECT_IOC_LIST_VMAS },
	[IOC_FIND_VMA]	= { "FIND_VMA", VMAINSPECT_IOC_FIND_VMA },
	[IOC_PT_PATH]	= { "PT_PATH", VMAINSPECT_IOC_PT_PATH },
	[IOC_PT_RUNS]	= { "PT_RUNS", VMAINSPECT_IOC_PT_RUNS },
	[IOC_PAGE]	= { "PAGE", VMAINSPECT_IOC_PAGE },
	[IOC_RMAP]	= { "RMAP", VMAINSPECT_IOC_RMAP },
	[IOC_KLAYOUT]	= { "KLAYOUT", VMAINSPECT_IOC_KLAYOUT },
	[IOC_KADDR]	= { "KADDR", VMAINSPECT_IOC_KADDR },
};

#define PFN_POOL	512
#define SNAP_MAX	8192
#define VMA_REC_MAX	128		/* largest vma_size asked for */
#define RUN_REC_MAX	80		/* larger than the module's 64: tail zeroed */
#define OWNER_REC_MAX	96
#define REGION_REC_MAX	96
#define STRINGS_SIZE	VMAINSPECT_STRINGS_MAX
#define DBUF_SIZE	(256 * 1024)
#define LOOP_MAX	200000		/* calls of one cursor loop, at most */

/* One VMA of a listing. */
struct svma {
	__u64 start, end, vm_flags, uflags, pgoff, inode, name_hash;
	__u32 dev_major, dev_minor, kind, name_len;
};

struct listing {
	struct svma *v;
	unsigned int nr;
	bool stable;		/* one generation across its batches */
	bool complete;		/* ended with LIST_DONE, nothing dropped */
	__u64 gen;
};

struct qstats {
	unsigned long calls[NR_IOC], ok[NR_IOC];
	unsigned long err[NR_IOC][MAX_ERRNO];
	unsigned long dbg_reads, dbg_ok, dbg_bytes, dbg_err[MAX_ERRNO];
	unsigned long sessions, gen_changes, lists_compared, runs_exact;
	unsigned long find_exact, rmap_owners, pfns_seen, owner_checks;
	unsigned long owners_unnamed;
};

struct qctx {
	int id, fd;
	pthread_t thr;
	bool started;
	struct qwatch *w;	/* in shared memory */
	/* the target */
	pid_t pid;
	int slot;
	bool published;
	char desc[64];
	__u64 task_size;
	unsigned int levels;
	struct listing snap, cmp;
	/* buffers */
	unsigned char *vbuf, *rbuf, *obuf;
	char *strings, *path, *dbuf;
	__u64 pfn[PFN_POOL];
	unsigned int nr_pfn, pfn_next;	/* pfn[] is a ring */
	struct qstats st;
};

static int q_stop;
static unsigned int levels_global;	/* 4 or 5 */

/* The first KLAYOUT answer: what later ones must repeat. */
static pthread_mutex_t kl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool known, hidden;
	unsigned int nr;
	__u64 page_offset, lowmem_end, ram_end;
	struct vmainspect_kregion r[VMAINSPECT_KREGIONS_MAX];
} kl;

static bool q_stopping(void)
{
	return __atomic_load_n(&q_stop, __ATOMIC_RELAXED);
}

static void q_doing(struct qctx *q, const char *what, __u64 arg)
{
	__atomic_store_n(&q->w->doing, what, __ATOMIC_RELAXED);
	__atomic_store_n(&q->w->doing_arg, arg, __ATOMIC_RELAXED);
}

static void q_progress(struct qctx *q)
{
	__atomic_fetch_add(&q->w->progress, 1, __ATOMIC_RELAXED);
}

static bool errno_expected(enum ioc which, int e)
{
	switch (e) {
	case ESRCH:
	case ENXIO:
	case ENOENT:
	case EAGAIN:
	case EINTR:
		return true;
	case EPERM:
		return which == IOC_KADDR && kl.hidden;
	}
	return false;
}

/* One ioctl, counted; an unexpected errno is a failure.  0 or errno. */
static int q_call(struct qctx *q, enum ioc which, void *arg, __u64 detail)
{
	int e;

	q_doing(q, iocs[which].name, detail);
	e = ioctl(q->fd, iocs[which].cmd, arg) ? errno : 0;
	q_progress(q);
	q->st.calls[which]++;
	if (!e) {
		q->st.ok[which]++;
		return 0;
	}
	q->st.err[which][e < MAX_ERRNO ? e : 0]++;
	if (!errno_expected(which, e))
		bad(CL_ERRNO, "%s on %s (arg %#llx): %s", iocs[which].name,
		    q->desc, detail, errname(e));
	return e;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

static unsigned int lvl_shift(unsigned int level, unsigned int levels)
{
	switch (level) {
	case VMAINSPECT_LVL_PGD:
		return levels == 5 ? 48 : 39;
	case VMAINSPECT_LVL_P4D:
		return 39;
	case VMAINSPECT_LVL_PUD:
		return 30;
	case VMAINSPECT_LVL_PMD:
		return 21;
	}
	return 12;
}

static void pool_add(struct qctx *q, __u64 pfn)
{
	if (!pfn)
		return;
	q->st.pfns_seen++;
	q->pfn[q->pfn_next] = pfn;
	q->pfn_next = (q->pfn_next + 1) % PFN_POOL;
	if (q->nr_pfn < PFN_POOL)
		q->nr_pfn++;
}

/* A frame to look at: from earlier answers, a neighbour, or an edge. */
static __u64 pool_pick(struct qctx *q)
{
	unsigned int r = rnd(100);
	__u64 max_pfn = kl.ram_end / PAGE_SZ, pfn;

	if (!q->nr_pfn || r < 3) {
		if (r == 0)
			return 0;
		if (r == 1 && max_pfn)
			return max_pfn - 1;
		return max_pfn + 4096;		/* no RAM: ENXIO */
	}
	/* half of the time one of the last 16: still what it was, maybe */
	if (r < 60)
		pfn = q->pfn[(q->pfn_next + PFN_POOL - 1 -
			      rnd(q->nr_pfn < 16 ? q->nr_pfn : 16)) % PFN_POOL];
	else
		pfn = q->pfn[rnd(q->nr_pfn)];
	if (r < 20 && pfn > 64)			/* slab, page tables, free */
		pfn += rnd(128) - 64;
	return pfn;
}

static __u64 fnv(const char *s, size_t len)
{
	__u64 h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

/* ---- the listing (LIST_VMAS) ---- */

static bool listing_alloc(struct listing *l)
{
	l->v = calloc(SNAP_MAX, sizeof(*l->v));
	return l->v != NULL;
}

/* Index of the first VMA with end > addr. */
static unsigned int snap_find(const struct listing *s, __u64 addr)
{
	unsigned int lo = 0, hi = s->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static bool walked(const struct svma *v)
{
	return !(v->uflags & VMAINSPECT_VM_PFNMAP);
}

/* The first address in [pos, lim) inside a walked VMA, else lim. */
static __u64 snap_next_covered(const struct listing *s, __u64 pos, __u64 lim)
{
	unsigned int i;

	for (i = snap_find(s, pos); i < s->nr && s->v[i].start < lim; i++)
		if (walked(&s->v[i]))
			return s->v[i].start > pos ? s->v[i].start : pos;
	return lim;
}

/* Is all of [a, b) inside walked VMAs? */
static bool snap_covered(const struct listing *s, __u64 a, __u64 b)
{
	unsigned int i = snap_find(s, a);

	for (; a < b; i++) {
		if (i >= s->nr || s->v[i].start > a || !walked(&s->v[i]))
			return false;
		a = s->v[i].end;
	}
	return true;
}

static void svma_from(struct svma *d, const struct vmainspect_vma *r,
		      const char *strings)
{
	d->start = r->start;
	d->end = r->end;
	d->vm_flags = r->vm_flags;
	d->uflags = r->uflags;
	d->pgoff = r->pgoff;
	d->inode = r->inode;
	d->dev_major = r->dev_major;
	d->dev_minor = r->dev_minor;
	d->kind = r->kind;
	d->name_len = r->name_len;
	d->name_hash = r->name_off == VMAINSPECT_NO_NAME ? 0 :
		       fnv(strings + r->name_off, r->name_len);
}

/* Fields that only change with the generation. */
static const char *svma_diff(const struct svma *a, const struct svma *b)
{
	if (a->start != b->start || a->end != b->end)
		return "bounds";
	if (a->vm_flags != b->vm_flags || a->uflags != b->uflags)
		return "flags";
	if (a->pgoff != b->pgoff || a->inode != b->inode ||
	    a->dev_major != b->dev_major || a->dev_minor != b->dev_minor)
		return "file";
	if (a->kind != b->kind)
		return "kind";
	if (a->name_len != b->name_len || a->name_hash != b->name_hash)
		return "name";
	return NULL;
}

/* One record of a LIST_VMAS batch (or the FIND_VMA answer). */
static void check_vma_rec(const struct vmainspect_vma *r, const char *strings,
			  __u32 strings_used, struct why *w)
{
	if (r->start >= r->end || ((r->start | r->end) & (PAGE_SZ - 1)))
		why(w, "VMA %#llx-%#llx is empty or unaligned", r->start, r->end);
	if (r->kind >= VMAINSPECT_KIND_MAX)
		why(w, "VMA %#llx: kind %u", r->start, r->kind);
	if (r->uflags >> VMAINSPECT_VM_NR_BITS)
		why(w, "VMA %#llx: unknown uflags %#llx", r->start, r->uflags);
	if ((r->uflags & 0xff) != (r->vm_flags & 0xff))
		why(w, "VMA %#llx: uflags %#llx disagree with vm_flags %#llx",
		    r->start, r->uflags, r->vm_flags);
	if (r->name_off == VMAINSPECT_NO_NAME) {
		if (r->name_len)
			why(w, "VMA %#llx: no name but name_len %u", r->start,
			    r->name_len);
		return;
	}
	if ((__u64)r->name_off + r->name_len >= strings_used)
		why(w, "VMA %#llx: name %u+%u outside strings_used %u",
		    r->start, r->name_off, r->name_len, strings_used);
	else if (strings[r->name_off + r->name_len] ||
		 strlen(strings + r->name_off) != r->name_len)
		why(w, "VMA %#llx: name at %u is not %u bytes + NUL", r->start,
		    r->name_off, r->name_len);
}

/* One LIST_VMAS reply: records, cursor, tails; appended to @l. */
static void check_list_batch(struct qctx *q,
			     const struct vmainspect_vma_list *a,
			     __u64 prev_end, bool same_gen, struct listing *l,
			     struct why *w)
{
	const struct vmainspect_vma *r = NULL;
	__u64 end = same_gen ? prev_end : 0;
	unsigned int i;

	if (a->nr_vmas > a->max_vmas || a->strings_used > a->strings_size)
		why(w, "%u VMAs of %u, %u string bytes of %u", a->nr_vmas,
		    a->max_vmas, a->strings_used, a->strings_size);
	if (a->out_flags & ~VMAINSPECT_LIST_DONE)
		why(w, "out_flags %#x", a->out_flags);
	for (i = 0; i < a->nr_vmas && i < a->max_vmas; i++) {
		r = (const void *)(q->vbuf + (size_t)i * a->vma_size);
		check_vma_rec(r, q->strings, a->strings_used, w);
		if (r->end <= a->start_addr)
			why(w, "VMA %#llx-%#llx ends at or below the cursor %#llx",
			    r->start, r->end, a->start_addr);
		if (r->start < end)
			why(w, "VMA %#llx-%#llx overlaps or precedes one ending at %#llx%s",
			    r->start, r->end, end, i ? "" : " (previous batch, same generation)");
		end = r->end;
		if (a->vma_size > sizeof(*r) && i < 64 &&
		    !all_zero(r + 1, a->vma_size - sizeof(*r)))
			why(w, "record %u: tail beyond %zu bytes not zeroed", i,
			    sizeof(*r));
		if (l->nr < SNAP_MAX)
			svma_from(&l->v[l->nr++], r, q->strings);
		else
			l->complete = false;
	}
	if (r && a->next_addr != r->end)
		why(w, "next_addr %#llx is not the last VMA's end %#llx",
		    a->next_addr, r->end);
	if (r && a->next_addr <= a->start_addr)
		why(w, "cursor did not advance: %#llx -> %#llx", a->start_addr,
		    a->next_addr);
}

static void list_args(struct qctx *q, struct vmainspect_vma_list *a,
		      __u64 cursor, unsigned int batch, unsigned int vsize,
		      unsigned int ssize)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->start_addr = cursor;
	a->vmas = (uintptr_t)q->vbuf;
	a->strings = (uintptr_t)q->strings;
	a->vma_size = vsize;
	a->max_vmas = batch;
	a->strings_size = ssize;
	/* poison the tails the kernel must zero */
	if (vsize > sizeof(struct vmainspect_vma))
		memset(q->vbuf, 0xa5, (size_t)vsize * (batch < 64 ? batch : 64));
}

/* The whole VMA list by the cursor loop.  0, errno, or -1 (inconsistent). */
static int q_list(struct qctx *q, struct listing *l)
{
	static const unsigned int batches[] = { 1, 2, 3, 7, 16, 64, 4096, 4096 };
	unsigned int batch = batches[rnd(8)], vsize = rnd(2) ? 80 : VMA_REC_MAX;
	unsigned int ssize = rnd(4) ? STRINGS_SIZE : 256 + rnd(4096), calls = 0;
	struct vmainspect_vma_list a;
	__u64 cursor = 0, prev_end = 0, gen = 0;
	struct why w = { "" };
	int e;

	l->nr = 0;
	l->stable = true;
	l->complete = true;
	for (;;) {
		list_args(q, &a, cursor, batch, vsize, ssize);
		e = q_call(q, IOC_LIST_VMAS, &a, cursor);
		if (e) {
			l->complete = false;
			return e;
		}
		if (calls && a.generation != gen) {
			l->stable = false;
			q->st.gen_changes++;
		}
		check_list_batch(q, &a, prev_end, calls && a.generation == gen,
				 l, &w);
		gen = a.generation;
		if (!a.nr_vmas && !(a.out_flags & VMAINSPECT_LIST_DONE))
			why(&w, "no VMA returned but not done (cursor %#llx)",
			    cursor);
		if (++calls > LOOP_MAX)
			why(&w, "cursor loop did not end after %u calls", calls);
		if (w.s[0]) {
			bad(CL_LIST, "%s, batch %u, cursor %#llx: %s", q->desc,
			    batch, cursor, w.s);
			l->complete = false;
			return -1;
		}
		if (a.out_flags & VMAINSPECT_LIST_DONE)
			break;
		prev_end = a.next_addr;
		cursor = a.next_addr;
	}
	good(CL_LIST);
	l->gen = gen;
	return 0;
}

/* Two listings of one generation must agree, whatever the batch size. */
static void q_list_compare(struct qctx *q)
{
	struct listing *a = &q->snap, *b = &q->cmp;
	const char *d = NULL;
	unsigned int i;

	if (q_list(q, b) || !a->complete || !b->complete || !a->stable ||
	    !b->stable || a->gen != b->gen)
		return;
	q->st.lists_compared++;
	if (a->nr != b->nr) {
		bad(CL_LIST, "%s: two listings of generation %#llx have %u and %u VMAs",
		    q->desc, a->gen, a->nr, b->nr);
		return;
	}
	for (i = 0; i < a->nr && !d; i++)
		d = svma_diff(&a->v[i], &b->v[i]);
	if (d)
		bad(CL_LIST, "%s: two listings of generation %#llx differ in the %s of VMA %u (%#llx-%#llx vs %#llx-%#llx)",
		    q->desc, a->gen, d, i - 1, a->v[i - 1].start,
		    a->v[i - 1].end, b->v[i - 1].start, b->v[i - 1].end);
	else
		good(CL_LIST);
}

/* Where the mutators work: big, shared, hugetlb, THP, KSM, uffd VMAs. */
static bool vma_busy(const struct svma *v)
{
	return v->end - v->start >= PMD_SZ ||
	       (v->uflags & (VMAINSPECT_VM_HUGETLB | VMAINSPECT_VM_MAYSHARE |
			     VMAINSPECT_VM_HUGEPAGE | VMAINSPECT_VM_MERGEABLE |
			     VMAINSPECT_VM_UFFD_MISSING));
}

/* A VMA of the listing, half of the time a busy one. */
static const struct svma *pick_vma(struct qctx *q)
{
	const struct svma *v = &q->snap.v[rnd(q->snap.nr)];
	unsigned int i;

	for (i = 0; i < 8 && !vma_busy(v) && rnd(2); i++)
		v = &q->snap.v[rnd(q->snap.nr)];
	return v;
}

/* An address: inside a VMA of the listing, or (!inside) anywhere. */
static __u64 pick_addr(struct qctx *q, bool inside)
{
	const struct svma *v;

	if (!q->snap.nr)
		return rnd64() & 0x7ffffffff000ULL;
	v = pick_vma(q);
	switch (rnd(inside ? 4 : 9)) {
	case 0:
		return v->start;
	case 1:
		return v->end - 1;
	case 2:
	case 3:
		return v->start + rnd64() % (v->end - v->start);
	case 4:
		return v->end;
	case 5:
		return 0;
	case 6:
		return q->task_size ? q->task_size - 1 : ~0ULL;
	case 7:
		return ~0ULL - rnd(4096);
	default:
		return rnd64() & 0x7fffffffffffULL;
	}
}

/* ---- ATTACH, LAYOUT ---- */

static int pick_target(pid_t *pid)
{
	unsigned int r = rnd(100), tries;
	int slot;

	if (r < 8 || q_stopping()) {
		*pid = getpid();
		return SLOT_SELF;
	}
	if (r < 10) {
		*pid = 1;
		return SLOT_INIT;
	}
	if (r < 11) {
		*pid = 2;
		return SLOT_KTHREAD;
	}
	for (tries = 0; tries < 8; tries++) {
		slot = rnd(r < 70 ? SLOT_CHILD : NR_SLOTS);
		*pid = __atomic_load_n(&sh->pid[slot], __ATOMIC_RELAXED);
		if (*pid > 0)
			return slot;
	}
	*pid = getpid();
	return SLOT_SELF;
}

static int q_attach(struct qctx *q)
{
	struct vmainspect_attach a;
	char name[40];
	bool dbg;
	int e;

	memset(&a, 0, sizeof(a));
	q->slot = pick_target(&q->pid);
	slot_name(q->slot, name, sizeof(name));
	snprintf(q->desc, sizeof(q->desc), "pid %d (%s)", (int)q->pid, name);
	memcpy(q->w->desc, q->desc, sizeof(q->w->desc));
	/* publishing: only long-lived targets (64 directories at most) */
	dbg = (q->slot >= SLOT_INIT && q->slot < SLOT_CHILD) && !rnd(3);
	a.size = sizeof(a);
	a.pid = q->pid;
	a.flags = dbg ? VMAINSPECT_ATTACH_DEBUGFS : 0;
	q->published = false;
	q->snap.nr = 0;
	q->snap.complete = false;
	e = q_call(q, IOC_ATTACH, &a, q->pid);
	if (e)
		return e;
	q->published = dbg;
	if (a.abi_version != VMAINSPECT_ABI_VERSION || a.tgid != (__u32)q->pid)
		bad(CL_ATTACH, "%s: abi_version %u, tgid %u", q->desc,
		    a.abi_version, a.tgid);
	else
		good(CL_ATTACH);
	return 0;
}

static int q_layout(struct qctx *q)
{
	struct vmainspect_layout l;
	struct why w = { "" };
	int e;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	e = q_call(q, IOC_LAYOUT, &l, 0);
	if (e)
		return e;
	if (l.page_shift != 12 || (l.pgtable_levels != 4 && l.pgtable_levels != 5))
		why(&w, "page_shift %u, %u levels", l.page_shift,
		    l.pgtable_levels);
	if (levels_global && l.pgtable_levels != levels_global)
		why(&w, "%u levels, KLAYOUT says %u", l.pgtable_levels,
		    levels_global);
	if (!l.task_size || (l.task_size & (PAGE_SZ - 1)))
		why(&w, "task_size %#llx", l.task_size);
	if (!l.map_count)
		why(&w, "no VMA");
	/* an exec in progress fills them in one by one: 0 is not yet */
	if ((l.end_code && l.start_code > l.end_code) ||
	    (l.brk && l.start_brk > l.brk) ||
	    (l.arg_end && l.arg_start > l.arg_end) ||
	    (l.env_end && l.env_start > l.env_end))
		why(&w, "code %#llx-%#llx brk %#llx-%#llx arg %#llx-%#llx env %#llx-%#llx",
		    l.start_code, l.end_code, l.start_brk, l.brk, l.arg_start,
		    l.arg_end, l.env_start, l.env_end);
	if (!all_zero(l.reserved, sizeof(l.reserved)))
		why(&w, "reserved fields not zero");
	verdict(CL_LAYOUT, &w, q->desc);
	q->task_size = l.task_size;
	q->levels = l.pgtable_levels;
	return 0;
}

/* ---- FIND_VMA ---- */

static void q_find(struct qctx *q)
{
	__u64 addr = pick_addr(q, false);
	const struct listing *s = &q->snap;
	struct vmainspect_find f;
	struct why w = { "" };
	struct svma got;
	unsigned int i;
	const char *d;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.addr = addr;
	f.strings = (uintptr_t)q->strings;
	f.strings_size = 4096;
	if (q_call(q, IOC_FIND_VMA, &f, addr))
		return;
	if (f.out_flags & ~(VMAINSPECT_FIND_CONTAINS | VMAINSPECT_FIND_FOUND))
		why(&w, "out_flags %#x", f.out_flags);
	if (f.out_flags & VMAINSPECT_FIND_FOUND) {
		check_vma_rec(&f.vma, q->strings, f.strings_size, &w);
		if (f.vma.end <= addr)
			why(&w, "VMA %#llx-%#llx ends at or below %#llx",
			    f.vma.start, f.vma.end, addr);
		if (!(f.out_flags & VMAINSPECT_FIND_CONTAINS) !=
		    (f.vma.start > addr))
			why(&w, "CONTAINS %d for %#llx in %#llx-%#llx",
			    !!(f.out_flags & VMAINSPECT_FIND_CONTAINS), addr,
			    f.vma.start, f.vma.end);
		if (f.vma.name_off != VMAINSPECT_NO_NAME && f.vma.name_off)
			why(&w, "the only name is at offset %u", f.vma.name_off);
	} else if (f.out_flags || !all_zero(&f.vma, sizeof(f.vma))) {
		why(&w, "not found, but out_flags %#x or a VMA", f.out_flags);
	}
	if (!w.s[0] && s->complete && s->stable && f.generation == s->gen) {
		q->st.find_exact++;
		i = snap_find(s, addr);
		if ((i < s->nr) != !!(f.out_flags & VMAINSPECT_FIND_FOUND)) {
			why(&w, "generation %#llx: the listing has %s VMA above %#llx",
			    s->gen, i < s->nr ? "a" : "no", addr);
		} else if (i < s->nr) {
			svma_from(&got, &f.vma, q->strings);
			d = svma_diff(&got, &s->v[i]);
			if (d)
				why(&w, "generation %#llx: %s of %#llx-%#llx differs from the listing's %#llx-%#llx",
				    s->gen, d, f.vma.start, f.vma.end,
				    s->v[i].start, s->v[i].end);
		}
	}
	if (w.s[0])
		bad(CL_FIND, "%s, addr %#llx: %s", q->desc, addr, w.s);
	else
		good(CL_FIND);
}

/* ---- PT_PATH ---- */

static void check_path_leaf(struct qctx *q, const struct vmainspect_pt_path *p,
			    __u64 addr, struct why *w)
{
	const struct vmainspect_pt_entry *e = &p->levels[p->nr_levels - 1];
	bool hidden = p->out_flags & VMAINSPECT_PT_PFN_HIDDEN;

	if (e->kind == VMAINSPECT_PT_TABLE || e->kind == VMAINSPECT_PT_FOLDED)
		why(w, "the walk ends on a %s entry at level %u",
		    e->kind == VMAINSPECT_PT_TABLE ? "table" : "folded",
		    e->level);
	if (e->kind == VMAINSPECT_PT_BAD)
		why(w, "a bad (corrupt) entry %#llx at level %u", e->raw,
		    e->level);
	if (e->kind != VMAINSPECT_PT_PAGE) {
		if (p->page_size || p->phys_addr)
			why(w, "no leaf, but page_size %#llx phys %#llx",
			    p->page_size, p->phys_addr);
		return;
	}
	if (e->level < VMAINSPECT_LVL_PUD)
		why(w, "a page at level %u", e->level);
	if (p->page_size != 1ULL << lvl_shift(e->level, p->pgtable_levels))
		why(w, "page_size %#llx at level %u", p->page_size, e->level);
	if (e->level != VMAINSPECT_LVL_PTE && !(e->bits & VMAINSPECT_PTE_HUGE))
		why(w, "a level-%u leaf without the huge bit (bits %#llx)",
		    e->level, e->bits);
	if (e->level == VMAINSPECT_LVL_PTE &&
	    !(e->bits & (VMAINSPECT_PTE_PRESENT | VMAINSPECT_PTE_PROTNONE)))
		why(w, "a present PTE neither present nor PROT_NONE (bits %#llx)",
		    e->bits);
	if (hidden) {
		if (e->pfn || p->phys_addr)
			why(w, "frames hidden, but pfn %#llx phys %#llx", e->pfn,
			    p->phys_addr);
		return;
	}
	if (p->phys_addr != ((e->pfn << 12) | (addr & (PAGE_SZ - 1))))
		why(w, "phys_addr %#llx is not pfn %#llx + %#llx", p->phys_addr,
		    e->pfn, addr & (PAGE_SZ - 1));
	pool_add(q, e->pfn);
}

static void check_path(struct qctx *q, const struct vmainspect_pt_path *p,
		       __u64 addr, struct why *w)
{
	unsigned int i, L = p->pgtable_levels;
	const struct vmainspect_pt_entry *e;

	if ((L != 4 && L != 5) || (levels_global && L != levels_global))
		why(w, "%u levels", L);
	if (p->out_flags & ~(VMAINSPECT_PT_PFN_HIDDEN | VMAINSPECT_PT_IN_VMA))
		why(w, "out_flags %#x", p->out_flags);
	for (i = p->nr_levels; i < VMAINSPECT_LVL_NR; i++)
		if (!all_zero(&p->levels[i], sizeof(p->levels[i])))
			why(w, "level %u filled beyond nr_levels %u", i,
			    p->nr_levels);
	if (!(p->out_flags & VMAINSPECT_PT_IN_VMA)) {
		if (p->nr_levels || p->page_size || p->phys_addr)
			why(w, "outside VMAs, but %u levels", p->nr_levels);
		return;
	}
	if (!p->nr_levels || p->nr_levels > VMAINSPECT_LVL_NR) {
		why(w, "%u levels walked", p->nr_levels);
		return;
	}
	for (i = 0; i < p->nr_levels; i++) {
		e = &p->levels[i];
		if (e->level != i || e->kind >= VMAINSPECT_PT_KIND_MAX)
			why(w, "level %u: level %u kind %u", i, e->level, e->kind);
		/* a folio size only for a shown present leaf: 4 KiB to 1 GiB */
		if (e->folio_shift &&
		    (e->kind != VMAINSPECT_PT_PAGE || (p->out_flags & VMAINSPECT_PT_PFN_HIDDEN) ||
		     e->folio_shift < 12 || e->folio_shift > 30))
			why(w, "level %u: kind %u folio_shift %u", i, e->kind, e->folio_shift);
		if (i == VMAINSPECT_LVL_P4D && L == 4) {
			if (e->kind != VMAINSPECT_PT_FOLDED ||
			    e->raw != p->levels[0].raw || e->index)
				why(w, "P4D of 4-level paging: kind %u raw %#llx index %u",
				    e->kind, e->raw, e->index);
			continue;
		}
		if (e->kind == VMAINSPECT_PT_FOLDED)
			why(w, "level %u folded", i);
		if (e->index != ((addr >> lvl_shift(i, L)) & 511))
			why(w, "level %u index %u for %#llx", i, e->index, addr);
		if (i + 1 < p->nr_levels && e->kind != VMAINSPECT_PT_TABLE)
			why(w, "level %u kind %u above level %u", i, e->kind,
			    p->nr_levels - 1);
	}
	check_path_leaf(q, p, addr, w);
}

static void q_path(struct qctx *q)
{
	__u64 addr = pick_addr(q, rnd(8));
	struct vmainspect_pt_path p;
	struct why w = { "" };

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = addr;
	if (q_call(q, IOC_PT_PATH, &p, addr))
		return;
	check_path(q, &p, addr, &w);
	if (w.s[0])
		bad(CL_PATH, "%s, addr %#llx: %s", q->desc, addr, w.s);
	else
		good(CL_PATH);
}

/* ---- PT_RUNS ---- */

static void check_run(struct qctx *q, const struct vmainspect_pt_run *r,
		      unsigned int i, bool hidden, bool folio, struct why *w)
{
	unsigned int L = q->levels ? q->levels : levels_global;

	if (r->kind >= VMAINSPECT_PT_KIND_MAX || r->kind == VMAINSPECT_PT_TABLE ||
	    r->kind == VMAINSPECT_PT_FOLDED || r->level >= VMAINSPECT_LVL_NR)
		why(w, "run %u: kind %u level %u", i, r->kind, r->level);
	if (r->kind == VMAINSPECT_PT_BAD)
		why(w, "run %u: bad (corrupt) entries at %#llx level %u", i,
		    r->start, r->level);
	if (r->level < VMAINSPECT_LVL_NR &&
	    (r->page_shift != lvl_shift(r->level, L) ||
	     (r->level == VMAINSPECT_LVL_P4D && L == 4)))
		why(w, "run %u: level %u page_shift %u", i, r->level,
		    r->page_shift);
	if (r->kind == VMAINSPECT_PT_NONE && (r->pfn || r->bits || r->offset))
		why(w, "run %u: empty but pfn %#llx bits %#llx", i, r->pfn,
		    r->bits);
	/* @folio: run_size holds folio_shift (64+); 4 KiB to 1 GiB, if any */
	if (folio && (r->reserved || (r->folio_shift &&
	    (r->kind != VMAINSPECT_PT_PAGE || hidden ||
	     r->folio_shift < 12 || r->folio_shift > 30))))
		why(w, "run %u: kind %u folio_shift %u reserved %u", i, r->kind,
		    r->folio_shift, r->reserved);
	if (r->kind != VMAINSPECT_PT_PAGE)
		return;
	if (r->level < VMAINSPECT_LVL_PUD)
		why(w, "run %u: pages at level %u", i, r->level);
	if (r->level != VMAINSPECT_LVL_PTE && !(r->bits & VMAINSPECT_PTE_HUGE))
		why(w, "run %u: level-%u pages without the huge bit", i,
		    r->level);
	if (r->level == VMAINSPECT_LVL_PTE &&
	    !(r->bits & (VMAINSPECT_PTE_PRESENT | VMAINSPECT_PTE_PROTNONE)))
		why(w, "run %u: present PTEs neither present nor PROT_NONE", i);
	if (hidden && r->pfn)
		why(w, "run %u: frames hidden but pfn %#llx", i, r->pfn);
	if (!hidden)
		pool_add(q, r->pfn + rnd((r->end - r->start) / PAGE_SZ));
}

/*
 * One PT_RUNS reply for [a->start, end).  @exact: the VMAs are the
 * listing's (same generation), so the runs must tile them exactly.
 */
static void check_runs(struct qctx *q, const struct vmainspect_pt_runs *a,
		       __u64 end, bool exact, struct why *w)
{
	bool done = a->out_flags & VMAINSPECT_PT_DONE;
	bool hidden = a->out_flags & VMAINSPECT_PT_PFN_HIDDEN;
	const struct vmainspect_pt_run *r;
	__u64 pos = a->start, lim, x;
	unsigned int i;

	if (a->nr_runs > a->max_runs || a->nr_runs > 4096)
		why(w, "%u runs of %u", a->nr_runs, a->max_runs);
	if (a->out_flags & ~(VMAINSPECT_PT_DONE | VMAINSPECT_PT_PFN_HIDDEN))
		why(w, "out_flags %#x", a->out_flags);
	if (a->tables[VMAINSPECT_LVL_PGD] != 1)
		why(w, "%llu PGD pages", a->tables[VMAINSPECT_LVL_PGD]);
	if (done ? a->next_addr != end :
	    a->next_addr <= a->start || a->next_addr >= end)
		why(w, "%s, next_addr %#llx for [%#llx, %#llx)",
		    done ? "done" : "not done", a->next_addr, a->start, end);
	for (i = 0; i < a->nr_runs && i < a->max_runs; i++) {
		r = (const void *)(q->rbuf + (size_t)i * a->run_size);
		if (r->start < pos || r->start >= r->end || r->end > end ||
		    ((r->start | r->end) & (PAGE_SZ - 1)) ||
		    (!done && r->end > a->next_addr))
			why(w, "run %u %#llx-%#llx out of order or range (after %#llx, next_addr %#llx)",
			    i, r->start, r->end, pos, a->next_addr);
		check_run(q, r, i, hidden, a->run_size >= VMAINSPECT_PT_RUN_SIZE_VER1, w);
		if (a->run_size > sizeof(*r) &&
		    !all_zero(r + 1, a->run_size - sizeof(*r)))
			why(w, "run %u: tail not zeroed", i);
		if (exact) {
			x = snap_next_covered(&q->snap, pos, end);
			if (r->start != x)
				why(w, "run %u starts at %#llx, the VMAs at %#llx",
				    i, r->start, x);
			else if (!snap_covered(&q->snap, r->start, r->end))
				why(w, "run %u %#llx-%#llx leaves the VMAs", i,
				    r->start, r->end);
		}
		pos = r->end;
	}
	if (!exact)
		return;
	lim = done ? end : a->next_addr;
	x = snap_next_covered(&q->snap, pos, lim);
	if (x < lim)
		why(w, "no run for %#llx of a VMA (runs end at %#llx, next_addr %#llx)",
		    x, pos, a->next_addr);
}

/* Runs of [start, end) by the cursor loop. */
static void q_runs(struct qctx *q, __u64 start, __u64 end)
{
	static const unsigned int maxes[] = { 1, 2, 5, 64, 512, 4096, 65536 };
	unsigned int max = maxes[rnd(7)], rsize = rnd(2) ? 56 : RUN_REC_MAX;
	struct vmainspect_pt_runs a;
	const struct listing *s = &q->snap;
	unsigned int calls = 0;
	__u64 cur = start;
	struct why w = { "" };
	bool exact;

	if (end - start > (64ULL << 30) && max < 64)
		max = 4096;	/* the whole space, not one run per call */
	while (!w.s[0]) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.flags = rnd(3) ? 0 : VMAINSPECT_PT_RUNS_NO_FRAME_BITS;
		a.start = cur;
		a.end = end;
		a.runs = (uintptr_t)q->rbuf;
		a.run_size = rsize;
		a.max_runs = max;
		if (rsize > sizeof(struct vmainspect_pt_run))
			memset(q->rbuf, 0xa5, (size_t)rsize * (max < 64 ? max : 64));
		if (q_call(q, IOC_PT_RUNS, &a, cur))
			return;
		exact = s->complete && s->stable && a.generation == s->gen;
		q->st.runs_exact += exact;
		check_runs(q, &a, end, exact, &w);
		if (a.out_flags & VMAINSPECT_PT_DONE || q_stopping())
			break;
		if (++calls > LOOP_MAX)
			why(&w, "cursor loop did not end after %u calls", calls);
		cur = a.next_addr;
	}
	if (w.s[0])
		bad(CL_RUNS, "%s, [%#llx, %#llx) max_runs %u at %#llx: %s",
		    q->desc, start, end, max, cur, w.s);
	else
		good(CL_RUNS);
}

static void q_runs_vma(struct qctx *q)
{
	const struct svma *v;
	__u64 a, b, pages;

	if (!q->snap.nr)
		return;
	v = pick_vma(q);
	a = v->start;
	b = v->end;
	pages = (b - a) / PAGE_SZ;
	if (!rnd(3) && pages > 2) {
		a += (rnd64() % (pages / 2)) * PAGE_SZ;
		b -= (rnd64() % (pages / 2)) * PAGE_SZ;
	}
	q_runs(q, a, b);
}

static void q_runs_all(struct qctx *q)
{
	if (q->task_size)
		q_runs(q, 0, q->task_size);
}

/* ---- PAGE, RMAP ---- */

static void check_page(struct vmainspect_page *p, __u64 pfn, bool by_addr,
		       struct why *w)
{
	if (by_addr ? !p->pfn : p->pfn != pfn)
		why(w, "pfn %#llx", p->pfn);
	if (p->order > 18 || p->mapping_kind >= VMAINSPECT_MAP_KIND_MAX ||
	    p->zone >= 8)
		why(w, "order %u mapping_kind %u zone %u", p->order,
		    p->mapping_kind, p->zone);
	if (p->order && (p->head_pfn > p->pfn ||
			 p->pfn >= p->head_pfn + (1ULL << p->order)))
		why(w, "pfn %#llx outside its folio %#llx order %u", p->pfn,
		    p->head_pfn, p->order);
	if (!memchr(p->zone_name, 0, sizeof(p->zone_name)))
		why(w, "zone name not terminated");
	if (p->path_len && (!p->path || p->path_len >= p->path_size))
		why(w, "path_len %u of %u", p->path_len, p->path_size);
	else if (p->path_len && strlen((char *)(uintptr_t)p->path) != p->path_len)
		why(w, "path is not %u bytes", p->path_len);
	if (!all_zero(p->reserved, sizeof(p->reserved)))
		why(w, "reserved fields not zero");
}

static void q_page(struct qctx *q)
{
	bool by_addr = q->snap.nr && !rnd(5);
	struct vmainspect_page p;
	struct why w = { "" };
	__u64 pfn = 0, arg;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	if (by_addr) {
		p.flags = VMAINSPECT_PAGE_BY_ADDR;
		p.addr = pick_addr(q, true);
		arg = p.addr;
	} else {
		pfn = pool_pick(q);
		p.pfn = pfn;
		arg = pfn;
	}
	if (!rnd(4))
		p.flags |= VMAINSPECT_PAGE_DEBUGFS;
	if (rnd(2)) {
		p.path = (uintptr_t)q->path;
		p.path_size = rnd(2) ? 4096 : 8 + rnd(64);
		memset(q->path, 0x5a, p.path_size);
	}
	if (q_call(q, IOC_PAGE, &p, arg))
		return;
	check_page(&p, pfn, by_addr, &w);
	if (w.s[0])
		bad(CL_PAGE, "%s %#llx: %s", by_addr ? "addr" : "pfn", arg, w.s);
	else
		good(CL_PAGE);
	pool_add(q, p.head_pfn);
}

static void check_owner(const struct vmainspect_owner *o, unsigned int i,
			struct why *w)
{
	if ((o->address | o->vma_start | o->vma_end) & (PAGE_SZ - 1))
		why(w, "owner %u: unaligned %#llx in %#llx-%#llx", i,
		    o->address, o->vma_start, o->vma_end);
	if (o->address < o->vma_start || o->address >= o->vma_end)
		why(w, "owner %u: %#llx outside its VMA %#llx-%#llx", i,
		    o->address, o->vma_start, o->vma_end);
	if (o->level < VMAINSPECT_LVL_PUD || o->level >= VMAINSPECT_LVL_NR)
		why(w, "owner %u: level %u", i, o->level);
	if (o->vma_flags >> VMAINSPECT_VM_NR_BITS)
		why(w, "owner %u: vma_flags %#llx", i, o->vma_flags);
	if (!memchr(o->comm, 0, sizeof(o->comm)) || o->reserved)
		why(w, "owner %u: comm not terminated or reserved %u", i,
		    o->reserved);
	if (!o->pid != !o->nr_processes)
		why(w, "owner %u: pid %u, %u processes", i, o->pid,
		    o->nr_processes);
}

static void check_rmap(const struct vmainspect_rmap *r, unsigned char *obuf,
		       __u64 cursor, struct why *w)
{
	bool ksm = r->out_flags & VMAINSPECT_RMAP_KSM;
	bool none = r->out_flags & VMAINSPECT_RMAP_NO_RMAP;
	const struct vmainspect_owner *o;
	unsigned int i;

	if (r->nr_owners > r->max_owners)
		why(w, "%u owners of %u", r->nr_owners, r->max_owners);
	if (r->out_flags & ~(VMAINSPECT_RMAP_DONE | VMAINSPECT_RMAP_KSM |
			     VMAINSPECT_RMAP_NO_RMAP))
		why(w, "out_flags %#x", r->out_flags);
	if (r->mapping_kind >= VMAINSPECT_MAP_KIND_MAX ||
	    ksm != (r->mapping_kind == VMAINSPECT_MAP_KSM))
		why(w, "mapping_kind %u with out_flags %#x", r->mapping_kind,
		    r->out_flags);
	if ((ksm || none) && r->nr_owners)
		why(w, "%u owners without a reverse map walk", r->nr_owners);
	if (none && r->mapping_kind != VMAINSPECT_MAP_NONE &&
	    r->mapping_kind != VMAINSPECT_MAP_MOVABLE)
		why(w, "no rmap for mapping_kind %u", r->mapping_kind);
	if (!(r->out_flags & VMAINSPECT_RMAP_DONE) && r->cursor <= cursor)
		why(w, "cursor did not advance: %#llx -> %#llx", cursor,
		    r->cursor);
	for (i = 0; i < r->nr_owners && i < r->max_owners; i++) {
		o = (const void *)(obuf + (size_t)i * r->owner_size);
		check_owner(o, i, w);
		if (r->owner_size > sizeof(*o) &&
		    !all_zero(o + 1, r->owner_size - sizeof(*o)))
			why(w, "owner %u: tail not zeroed", i);
	}
}

static unsigned int count_unnamed(const struct vmainspect_rmap *r,
				  const unsigned char *obuf)
{
	const struct vmainspect_owner *o;
	unsigned int i, n = 0;

	for (i = 0; i < r->nr_owners && i < r->max_owners; i++) {
		o = (const void *)(obuf + (size_t)i * r->owner_size);
		n += !o->pid;
	}
	return n;
}

static void q_rmap(struct qctx *q)
{
	static const unsigned int maxes[] = { 1, 2, 16, 4096 };
	unsigned int max = maxes[rnd(4)], osize = rnd(2) ? 72 : OWNER_REC_MAX;
	bool by_addr = q->snap.nr && !rnd(5);
	__u64 pfn = by_addr ? 0 : pool_pick(q), addr = 0, cursor = 0;
	struct vmainspect_rmap r;
	unsigned int calls = 0;
	struct why w = { "" };

	if (by_addr)
		addr = pick_addr(q, true);
	while (!w.s[0]) {
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.flags = by_addr ? VMAINSPECT_PAGE_BY_ADDR : 0;
		r.pfn = pfn;
		r.addr = addr;
		r.owners = (uintptr_t)q->obuf;
		r.owner_size = osize;
		r.max_owners = max;
		r.cursor = cursor;
		if (osize > sizeof(struct vmainspect_owner))
			memset(q->obuf, 0xa5, (size_t)osize * (max < 16 ? max : 16));
		if (q_call(q, IOC_RMAP, &r, by_addr ? addr : pfn))
			return;
		check_rmap(&r, q->obuf, cursor, &w);
		q->st.rmap_owners += r.nr_owners;
		q->st.owners_unnamed += count_unnamed(&r, q->obuf);
		if (r.out_flags & VMAINSPECT_RMAP_DONE || q_stopping())
			break;
		if (++calls > 10000)
			why(&w, "cursor loop did not end after %u calls", calls);
		/* go on with the frame found, not whatever is there now */
		by_addr = false;
		pfn = r.pfn;
		addr = 0;
		cursor = r.cursor;
	}
	if (w.s[0])
		bad(CL_RMAP, "pfn %#llx (%s), cursor %#llx: %s", r.pfn, q->desc,
		    cursor, w.s);
	else
		good(CL_RMAP);
}

/* The frame mapped at @addr of the target; 0 if none or a special one. */
static __u64 q_frame_at(struct qctx *q, __u64 addr)
{
	const struct vmainspect_pt_entry *e;
	struct vmainspect_pt_path p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = addr;
	if (q_call(q, IOC_PT_PATH, &p, addr) || !p.nr_levels ||
	    p.nr_levels > VMAINSPECT_LVL_NR ||
	    (p.out_flags & VMAINSPECT_PT_PFN_HIDDEN))
		return 0;
	e = &p.levels[p.nr_levels - 1];
	if (e->kind != VMAINSPECT_PT_PAGE || (e->bits & VMAINSPECT_PTE_SPECIAL))
		return 0;
	return e->pfn;
}

/*
 * Operations begun on the target's memory: by its mutator and by the
 * partner sharing it (punching a hole, say).  *busy: one is under way.
 */
static unsigned long q_target_epoch(struct qctx *q, bool *busy)
{
	int m = q->slot < SLOT_PARTNER ? q->slot : q->slot - SLOT_PARTNER;

	*busy = __atomic_load_n(&sh->busy[m], __ATOMIC_SEQ_CST) ||
		__atomic_load_n(&sh->busy[SLOT_PARTNER + m], __ATOMIC_SEQ_CST);
	return __atomic_load_n(&sh->started[m], __ATOMIC_SEQ_CST) +
	       __atomic_load_n(&sh->started[SLOT_PARTNER + m], __ATOMIC_SEQ_CST);
}

/* Is (target, addr) among the owners of @pfn?  1, 0, -1: cannot tell. */
static int q_owner_listed(struct qctx *q, __u64 pfn, __u64 addr,
			  struct vmainspect_rmap *r)
{
	const struct vmainspect_owner *o;
	struct why w = { "" };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->pfn = pfn;
	r->owners = (uintptr_t)q->obuf;
	r->owner_size = sizeof(*o);
	r->max_owners = VMAINSPECT_OWNERS_MAX;
	if (q_call(q, IOC_RMAP, r, pfn))
		return -1;
	check_rmap(r, q->obuf, 0, &w);
	if (w.s[0]) {
		bad(CL_RMAP, "pfn %#llx (%s): %s", pfn, q->desc, w.s);
		return -1;
	}
	/* one call saw every candidate: no cursor, no tree change between */
	if (!(r->out_flags & VMAINSPECT_RMAP_DONE) ||
	    (r->out_flags & (VMAINSPECT_RMAP_KSM | VMAINSPECT_RMAP_NO_RMAP)))
		return -1;
	for (i = 0; i < r->nr_owners; i++) {
		o = (const void *)(q->obuf + (size_t)i * sizeof(*o));
		if (o->address == addr && o->pid == (__u32)q->pid)
			return 1;
	}
	return 0;
}

/* What /proc/PID/pagemap (the task's mm now) has at @addr: pfn, or 0. */
static __u64 pagemap_pfn(pid_t pid, __u64 addr)
{
	char path[64];
	__u64 e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (addr / PAGE_SZ) * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

/* Field @n (1-based) of /proc/PID/stat, 0 if unreadable. */
static __u64 proc_stat_field(pid_t pid, int n)
{
	char path[64], buf[1024], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* p + 2 is field 3 */
	for (i = 3, p += 2; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

/*
 * Is the session's mm the target's?  Its LAYOUT against /proc/PID/stat,
 * then a fresh ATTACH on the same file and @addr again.
 */
static void session_info(struct qctx *q, __u64 addr, char *buf, size_t size)
{
	struct vmainspect_layout l;
	struct vmainspect_attach a;
	size_t n;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	if (q_call(q, IOC_LAYOUT, &l, 0))
		n = snprintf(buf, size, "session LAYOUT failed");
	else
		n = snprintf(buf, size, "session: start_stack %#llx start_brk %#llx map_count %llu; /proc/%d/stat: startstack %#llx start_brk %#llx",
			     l.start_stack, l.start_brk, l.map_count,
			     (int)q->pid, proc_stat_field(q->pid, 28),
			     proc_stat_field(q->pid, 47));
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.pid = q->pid;
	if (q_call(q, IOC_ATTACH, &a, q->pid))
		snprintf(buf + n, size - n, "; re-ATTACH failed");
	else
		snprintf(buf + n, size - n, "; after a fresh ATTACH to %d: frame %#llx at %#llx",
			 (int)q->pid, q_frame_at(q, addr), addr);
}

/* PAGE of @pfn, and the live children of the target's mutator. */
static void frame_info(struct qctx *q, __u64 pfn, char *buf, size_t size)
{
	int m = q->slot < SLOT_PARTNER ? q->slot : q->slot - SLOT_PARTNER;
	struct vmainspect_page p;
	size_t n;
	int i;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.pfn = pfn;
	if (q_call(q, IOC_PAGE, &p, pfn))
		n = snprintf(buf, size, "PAGE failed");
	else
		n = snprintf(buf, size, "PAGE: refcount %d mapcount %d folio_mapcount %d order %u index %#llx kpageflags %#llx",
			     p.refcount, p.mapcount, p.folio_mapcount, p.order,
			     p.index, p.kpageflags);
	n += snprintf(buf + n, size - n, "; partner %d, children",
		      (int)sh->pid[SLOT_PARTNER + m]);
	for (i = 0; i < CHILD_SLOTS && n + 1 < size; i++)
		n += snprintf(buf + n, size - n, " %d",
			      (int)sh->pid[SLOT_CHILD + m * CHILD_SLOTS + i]);
}

/* The first owners of @r, for a failure message. */
static void owners_list(struct qctx *q, const struct vmainspect_rmap *r,
			char *buf, size_t size)
{
	const struct vmainspect_owner *o;
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < r->nr_owners && n + 1 < size; i++) {
		o = (const void *)(q->obuf + (size_t)i * sizeof(*o));
		n += snprintf(buf + n, size - n,
			      " [pid %u (%.16s, %u processes) at %#llx level %u, VMA %#llx-%#llx pgoff %#llx]",
			      o->pid, o->comm, o->nr_processes, o->address,
			      o->level, o->vma_start, o->vma_end, o->pgoff);
	}
}

/*
 * A frame mapped at (target, addr) before and after an RMAP call must be
 * among the owners it finds, if nothing could have moved it meanwhile:
 * PT_PATH through the session and the task's own /proc/PID/pagemap agree
 * on it before and after (an exited target's mm can outlive the process
 * while queries keep taking mmget_not_zero() on it: RMAP then rightly
 * names no process), and neither the target's mutator nor its partner
 * began or was inside an operation.  Three misses in a row make a
 * failure: a reclaim or migration that gives up and restores the entry
 * can hide it from one walk.
 */
static void q_rmap_owner(struct qctx *q)
{
	struct vmainspect_rmap r;
	unsigned int tries, misses;
	char list[600], more[300], sess[400];
	unsigned long e0;
	__u64 addr, pfn = 0;
	bool busy;
	int found;

	if (q->slot < 0 || q->slot >= SLOT_CHILD || !q->snap.nr || stopping())
		return;
	addr = pick_addr(q, true) & ~(__u64)(PAGE_SZ - 1);
	for (tries = 0, misses = 0; misses < 3 && tries < 8; tries++) {
		e0 = q_target_epoch(q, &busy);
		pfn = busy ? 0 : q_frame_at(q, addr);
		if (!pfn && !busy)
			return;		/* nothing there */
		found = -1;
		if (pfn && pagemap_pfn(q->pid, addr) == pfn)
			found = q_owner_listed(q, pfn, addr, &r);
		if (found < 0 || q_frame_at(q, addr) != pfn ||
		    pagemap_pfn(q->pid, addr) != pfn ||
		    q_target_epoch(q, &busy) != e0 || busy || stopping()) {
			misses = 0;	/* cannot tell: try again */
			usleep(500);
			continue;
		}
		if (found) {
			q->st.owner_checks++;
			good(CL_RMAP);
			return;
		}
		misses++;
	}
	if (misses < 3)
		return;
	owners_list(q, &r, list, sizeof(list));
	frame_info(q, pfn, more, sizeof(more));
	session_info(q, addr, sess, sizeof(sess));
	bad(CL_RMAP, "%s: frame %#llx, mapped at %#llx (session and /proc/%d/pagemap) before and after each of 3 RMAP calls with the target idle, is not among its %u owners (mapping_kind %u, mapcount %d):%s; %s; %s",
	    q->desc, pfn, addr, (int)q->pid, r.nr_owners, r.mapping_kind,
	    r.mapcount, list, more, sess);
}

/* ---- KLAYOUT, KADDR ---- */

static void kl_remember(const struct vmainspect_klayout *k,
			const unsigned char *buf, unsigned int rsize)
{
	unsigned int i;

	pthread_mutex_lock(&kl_lock);
	if (!kl.known && k->nr_regions == k->total_regions) {
		for (i = 0; i < k->nr_regions; i++)
			memcpy(&kl.r[i], buf + (size_t)i * rsize, sizeof(kl.r[i]));
		kl.nr = k->nr_regions;
		kl.hidden = k->out_flags & VMAINSPECT_KL_HIDDEN;
		kl.page_offset = k->page_offset;
		kl.lowmem_end = k->lowmem_end;
		kl.ram_end = k->ram_end;
		levels_global = k->pgtable_levels;
		kl.known = true;
	}
	pthread_mutex_unlock(&kl_lock);
}

static void check_region(const struct vmainspect_kregion *r, unsigned int i,
			 bool hidden, __u64 prev_end, bool last, struct why *w)
{
	if (r->id >= VMAINSPECT_KR_MAX || !all_zero(r->reserved, sizeof(r->reserved)))
		why(w, "region %u: id %u or reserved set", i, r->id);
	if (hidden) {
		if (r->start || r->end)
			why(w, "region %u: hidden but %#llx-%#llx", i, r->start,
			    r->end);
		return;
	}
	if (r->size != r->end - r->start || (r->end <= r->start &&
					     !(last && !r->end)))
		why(w, "region %u: %#llx-%#llx size %#llx", i, r->start,
		    r->end, r->size);
	if (i && r->start < prev_end)
		why(w, "region %u at %#llx overlaps the previous one (ends %#llx)",
		    i, r->start, prev_end);
	if (kl.known && i < kl.nr &&
	    (kl.r[i].id != r->id || kl.r[i].start != r->start ||
	     kl.r[i].end != r->end))
		why(w, "region %u changed: id %u %#llx-%#llx, was id %u %#llx-%#llx",
		    i, r->id, r->start, r->end, kl.r[i].id, kl.r[i].start,
		    kl.r[i].end);
}

static int q_klayout(struct qctx *q)
{
	unsigned char *buf = q->obuf;
	unsigned int max = rnd(3) ? VMAINSPECT_KREGIONS_MAX : 1 + rnd(32);
	unsigned int rsize = rnd(2) ? 64 : REGION_REC_MAX, i;
	const struct vmainspect_kregion *r;
	struct vmainspect_klayout k;
	struct why w = { "" };
	__u64 prev_end = 0;
	bool hidden;
	int e;

	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.regions = (uintptr_t)buf;
	k.region_size = rsize;
	k.max_regions = max;
	e = q_call(q, IOC_KLAYOUT, &k, max);
	if (e)
		return e;
	hidden = k.out_flags & VMAINSPECT_KL_HIDDEN;
	if (k.nr_regions != (max < k.total_regions ? max : k.total_regions) ||
	    k.total_regions > VMAINSPECT_KREGIONS_MAX || !k.total_regions)
		why(&w, "%u of %u regions, max %u", k.nr_regions,
		    k.total_regions, max);
	if (k.page_shift != 12 || (k.pgtable_levels != 4 && k.pgtable_levels != 5) ||
	    k.ptrs_per[4] != 512 || !all_zero(k.reserved, sizeof(k.reserved)))
		why(&w, "page_shift %u, %u levels, %u PTEs per table or reserved set",
		    k.page_shift, k.pgtable_levels, k.ptrs_per[4]);
	if (levels_global && k.pgtable_levels != levels_global)
		why(&w, "%u levels, earlier %u", k.pgtable_levels, levels_global);
	if (kl.known && hidden != kl.hidden)
		why(&w, "hidden %d, earlier %d", hidden, kl.hidden);
	for (i = 0; i < k.nr_regions && i < max; i++) {
		r = (const void *)(buf + (size_t)i * rsize);
		check_region(r, i, hidden, prev_end, i + 1 == k.total_regions, &w);
		if (rsize > sizeof(*r) && !all_zero(r + 1, rsize - sizeof(*r)))
			why(&w, "region %u: tail not zeroed", i);
		prev_end = r->end;
	}
	verdict(CL_KLAYOUT, &w, "KLAYOUT");
	if (!w.s[0])
		kl_remember(&k, buf, rsize);
	return 0;
}

static __u64 kaddr_pick(struct qctx *q, __u64 *want_pfn)
{
	const struct vmainspect_kregion *r;
	__u64 pfn;

	*want_pfn = ~0ULL;
	if (!kl.nr || !rnd(8)) {
		switch (rnd(4)) {
		case 0:
			return 0;
		case 1:
			return ~0ULL;
		case 2:
			return 0xffff800000000000ULL;
		default:
			return rnd64();
		}
	}
	if (q->nr_pfn && kl.page_offset && rnd(3)) {
		pfn = q->pfn[rnd(q->nr_pfn)];
		if (pfn < kl.lowmem_end / PAGE_SZ)
			*want_pfn = pfn;
		return kl.page_offset + pfn * PAGE_SZ + rnd(PAGE_SZ);
	}
	r = &kl.r[rnd(kl.nr)];
	switch (rnd(3)) {
	case 0:
		return r->start;
	case 1:
		return r->end - 1;
	default:
		return r->start + (r->size ? rnd64() % r->size : 0);
	}
}

static void q_kaddr(struct qctx *q)
{
	struct vmainspect_kaddr k;
	struct why w = { "" };
	__u64 want_pfn, addr = kaddr_pick(q, &want_pfn);

	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.addr = addr;
	if (q_call(q, IOC_KADDR, &k, addr))
		return;
	if (k.region_id >= VMAINSPECT_KR_MAX)
		why(&w, "region_id %u", k.region_id);
	if (k.region_id != VMAINSPECT_KR_NONE &&
	    (addr < k.region_start || (k.region_end && addr >= k.region_end)))
		why(&w, "not in its region %#llx-%#llx", k.region_start,
		    k.region_end);
	if ((k.out_flags & VMAINSPECT_KA_PFN) && k.phys / PAGE_SZ != k.pfn)
		why(&w, "phys %#llx is not pfn %#llx", k.phys, k.pfn);
	if (want_pfn != ~0ULL &&
	    (k.region_id != VMAINSPECT_KR_DIRECT_MAP ||
	     !(k.out_flags & VMAINSPECT_KA_PFN) || k.pfn != want_pfn))
		why(&w, "direct-map address of pfn %#llx: region %u pfn %#llx flags %#x",
		    want_pfn, k.region_id, k.pfn, k.out_flags);
	if (!memchr(k.symbol, 0, sizeof(k.symbol)) ||
	    !memchr(k.module, 0, sizeof(k.module)) ||
	    (!(k.out_flags & VMAINSPECT_KA_MODULE) && k.module[0]) ||
	    !all_zero(k.reserved, sizeof(k.reserved)))
		why(&w, "symbol/module strings or reserved fields");
	if (w.s[0])
		bad(CL_KADDR, "addr %#llx: %s", addr, w.s);
	else
		good(CL_KADDR);
}

/* ---- debugfs ---- */

enum dkind {
	DK_LAYOUT, DK_MAPS, DK_PAGETABLES, DK_FPAGE, DK_FRMAP, DK_KLAYOUT
};

struct dparse {
	enum dkind kind;
	unsigned long lines;
	__u64 last;
	char first[16], final[16];
	struct why w;
};

static void copy_prefix(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void dparse_line(struct dparse *d, const char *l)
{
	unsigned long long s, e;

	if (!d->lines)
		copy_prefix(d->first, sizeof(d->first), l);
	copy_prefix(d->final, sizeof(d->final), l);
	d->lines++;
	if ((d->kind != DK_MAPS && d->kind != DK_PAGETABLES) || l[0] == ' ' ||
	    l[0] == '#')
		return;
	if (sscanf(l, "%llx-%llx", &s, &e) != 2) {
		why(&d->w, "line %lu: \"%.60s\"", d->lines, l);
		return;
	}
	/* maps: each batch resumes above the last end; runs likewise */
	if (s >= e || (d->kind == DK_MAPS ? e <= d->last : s < d->last))
		why(&d->w, "line %lu: %#llx-%#llx after %#llx", d->lines, s, e,
		    d->last);
	d->last = e;
}

static void dparse_end(struct dparse *d)
{
	static const struct {
		const char *first, *final;
	} want[] = {
		[DK_LAYOUT]	= { "task_size", "paging" },
		[DK_MAPS]	= { "", "" },
		[DK_PAGETABLES]	= { "# ", "# pages:" },
		[DK_FPAGE]	= { "pfn 0x", "memcg_ino" },
		[DK_FRMAP]	= { "# pfn 0x", "# " },
		[DK_KLAYOUT]	= { "", "" },
	};

	if (d->kind != DK_MAPS && !d->lines)
		why(&d->w, "empty");
	else if (strncmp(d->first, want[d->kind].first,
			 strlen(want[d->kind].first)) ||
		 strncmp(d->final, want[d->kind].final,
			 strlen(want[d->kind].final)))
		why(&d->w, "starts \"%s\", ends \"%s\"", d->first, d->final);
}

static bool dbg_expected(int e)
{
	return e == ENOENT || e == ESRCH || e == EIO || e == EAGAIN ||
	       e == EINTR || e == ENXIO;
}

/* Feed the complete lines of buf[0..*have) to @d; keep the rest. */
static void dbg_lines(struct dparse *d, char *buf, size_t *have)
{
	char *start = buf, *nl;

	while ((nl = memchr(start, '\n', buf + *have - start))) {
		*nl = '\0';
		dparse_line(d, start);
		start = nl + 1;
	}
	*have -= start - buf;
	memmove(buf, start, *have);
	if (*have >= DBUF_SIZE - 1) {		/* an endless line */
		buf[*have] = '\0';
		dparse_line(d, buf);
		*have = 0;
	}
}

static void dbg_read(struct qctx *q, const char *path, enum dkind kind)
{
	struct dparse d = { .kind = kind };
	size_t have = 0;
	ssize_t n;
	int fd, e = 0;

	copy_prefix(q->w->dpath, sizeof(q->w->dpath), path);
	q_doing(q, q->w->dpath, 0);
	q->st.dbg_reads++;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		e = errno;
	while (fd >= 0) {
		n = read(fd, q->dbuf + have, DBUF_SIZE - 1 - have);
		q_progress(q);
		if (n <= 0) {
			e = n ? errno : 0;
			break;
		}
		q->st.dbg_bytes += n;
		have += n;
		dbg_lines(&d, q->dbuf, &have);
	}
	if (fd >= 0)
		close(fd);
	q_progress(q);
	if (e) {
		q->st.dbg_err[e < MAX_ERRNO ? e : 0]++;
		if (!dbg_expected(e))
			bad(CL_DEBUGFS, "%s: %s", path, errname(e));
		return;
	}
	if (have) {
		q->dbuf[have] = '\0';
		dparse_line(&d, q->dbuf);
	}
	q->st.dbg_ok++;
	dparse_end(&d);
	verdict(CL_DEBUGFS, &d.w, path);
}

/* A random entry of a debugfs directory (numeric or 0x names), or "". */
static void dbg_pick(const char *dir, bool hex, char *name, size_t size)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	name[0] = '\0';
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (hex ? strncmp(de->d_name, "0x", 2) :
		    (de->d_name[0] < '0' || de->d_name[0] > '9'))
			continue;
		if (!rnd(++n))
			copy_prefix(name, size, de->d_name);
	}
	closedir(d);
}

static void q_debugfs(struct qctx *q)
{
	static const char *const files[] = { "layout", "maps", "pagetables" };
	unsigned int f = rnd(3);
	char path[200], name[32];

	switch (rnd(6)) {
	case 0:
		snprintf(path, sizeof(path), DBG_ROOT "/self/%s", files[f]);
		break;
	case 1:
	case 2:
		if (q->published && rnd(2))
			snprintf(name, sizeof(name), "%d", (int)q->pid);
		else
			dbg_pick(DBG_ROOT, false, name, sizeof(name));
		if (!name[0])
			return;
		snprintf(path, sizeof(path), DBG_ROOT "/%s/%s", name, files[f]);
		break;
	case 3:
	case 4:
		dbg_pick(DBG_ROOT "/frames", true, name, sizeof(name));
		if (!name[0])
			return;
		f = rnd(2);
		snprintf(path, sizeof(path), DBG_ROOT "/frames/%s/%s", name,
			 f ? "rmap" : "page");
		dbg_read(q, path, f ? DK_FRMAP : DK_FPAGE);
		return;
	default:
		dbg_read(q, DBG_ROOT "/kernel_layout", DK_KLAYOUT);
		return;
	}
	dbg_read(q, path, (enum dkind)f);
}

/* ---- the querier thread ---- */

/* Churn our own address space a little: we are a target too. */
static void q_self_churn(void)
{
	size_t len = (1 + rnd(64)) * PAGE_SZ;
	char *p = mmap(NULL, len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	touch_write(p, len, PAGE_SZ);
	if (rnd(2))
		mprotect(p, PAGE_SZ, PROT_READ);
	munmap(p, len);
}

/* One query of a session; false when the target has gone. */
static bool q_one(struct qctx *q)
{
	switch (rnd(20)) {
	case 0:
		return !q_list(q, &q->snap);
	case 1:
		q_list_compare(q);
		break;
	case 2:
	case 3:
		q_find(q);
		break;
	case 4:
	case 5:
	case 6:
		q_path(q);
		break;
	case 7:
	case 8:
		q_runs_vma(q);
		break;
	case 9:
		q_runs_all(q);
		break;
	case 10:
	case 11:
		q_page(q);
		break;
	case 12:
		q_rmap(q);
		break;
	case 13:
		q_rmap_owner(q);
		break;
	case 14:
		q_klayout(q);
		break;
	case 15:
		q_kaddr(q);
		break;
	case 16:
	case 17:
		q_debugfs(q);
		break;
	case 18:
		if (q->slot == SLOT_SELF)
			q_self_churn();
		return !q_layout(q);
	default:
		q_self_churn();
		break;
	}
	return true;
}

static void q_session(struct qctx *q)
{
	unsigned int i, n = 8 + rnd(32);

	q->st.sessions++;
	if (q_attach(q) || q_layout(q))
		return;
	if (q_list(q, &q->snap) > 0)
		return;
	for (i = 0; i < n && !q_stopping(); i++)
		if (!q_one(q))
			break;
}

static void *querier(void *arg)
{
	struct qctx *q = arg;

	q->w->tid = syscall(SYS_gettid);
	rng_seed(opt_seed, 100 + q->id);
	while (!q_stopping())
		q_session(q);
	q_doing(q, "exiting", 0);
	return NULL;
}

static int q_init(struct qctx *q, int id)
{
	q->id = id;
	q->w = &sh->q[id];
	snprintf(q->desc, sizeof(q->desc), "nothing");
	q->fd = open(VMAINSPECT_DEVICE, O_RDONLY | O_CLOEXEC);
	if (q->fd < 0) {
		fail("setup: open %s: %s", VMAINSPECT_DEVICE, strerror(errno));
		return -1;
	}
	q->vbuf = malloc((size_t)VMAINSPECT_LIST_MAX_VMAS * VMA_REC_MAX);
	q->rbuf = malloc((size_t)VMAINSPECT_RUNS_MAX * RUN_REC_MAX);
	q->obuf = malloc((size_t)VMAINSPECT_OWNERS_MAX * OWNER_REC_MAX);
	q->strings = malloc(STRINGS_SIZE);
	q->path = malloc(4096);
	q->dbuf = malloc(DBUF_SIZE);
	q->w->doing = "starting";
	if (!q->vbuf || !q->rbuf || !q->obuf || !q->strings || !q->path ||
	    !q->dbuf || !listing_alloc(&q->snap) || !listing_alloc(&q->cmp)) {
		fail("setup: querier %d: no memory", id);
		return -1;
	}
	return 0;
}

/* ================= watchdog, report ================= */

/*
 * The watchdog is a process of its own: a querier stuck in the kernel
 * with our mmap lock held would stall any thread of ours that faults or
 * allocates, the main thread included.  Its failed checks go through
 * vmi-report.h (numbered and counted with the parent's) and are counted in
 * sh->wd_fails too.
 */
static void __attribute__((format(printf, 1, 2))) wd_fail(const char *fmt, ...)
{
	char buf[3000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fail("%s: %s", cls_names[CL_HANG], buf);
	__atomic_fetch_add(&sh->wd_fails, 1, __ATOMIC_RELAXED);
}

static bool busy_dumped, all_dumped, early_dumped;
/* seconds: a mutator waiting this long is shown once, before it fails */
#define MUT_EARLY_DUMP	90

struct wd_state {
	unsigned long last;
	double since;
	bool reported;
};

/* Has @now stayed @last for @limit seconds?  Once per stall. */
static bool wd_stalled(struct wd_state *w, unsigned long now, double t,
		       double limit)
{
	if (now != w->last || !w->since) {
		w->last = now;
		w->since = t;
		w->reported = false;
		return false;
	}
	if (w->reported || t - w->since < limit)
		return false;
	w->reported = true;
	return true;
}

static void wd_querier(unsigned int i, struct wd_state *w, double t)
{
	struct qwatch *q = &sh->q[i];
	unsigned long progress = __atomic_load_n(&q->progress, __ATOMIC_RELAXED);
	char dir[64];

	/* a reported stall that ended: slow, not stuck; say how slow */
	if (w->reported && progress != w->last)
		info("querier %u made progress again after %.0f s", i, t - w->since);
	if (!wd_stalled(w, progress, t, q_stall_limit))
		return;
	wd_fail("querier %u (tid %d) made no progress for %.0f s: in %s (arg %#llx) on %s",
		i, (int)q->tid, t - w->since,
		__atomic_load_n(&q->doing, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&q->doing_arg,
						    __ATOMIC_RELAXED),
		q->desc);
	snprintf(dir, sizeof(dir), "/proc/%d/task/%d", (int)main_pid,
		 (int)q->tid);
	dump_task(dir);
	if (!busy_dumped) {
		busy_dumped = true;
		dump_tasks(false);
	}
}

static void wd_mutator(int s, struct wd_state *w, double t)
{
	pid_t pid = __atomic_load_n(&sh->pid[s], __ATOMIC_RELAXED);
	char name[40], dir[64];
	int op;

	if (!pid) {
		w->since = 0;
		return;
	}
	op = __atomic_load_n(&sh->doing[s], __ATOMIC_RELAXED);
	slot_name(s, name, sizeof(name));
	/*
	 * Under the stall limit, but near the kernel's 120 s hung-task
	 * report: once per run, show who may hold what it waits for.
	 */
	if (!early_dumped && w->since && !w->reported &&
	    __atomic_load_n(&sh->beat[s], __ATOMIC_RELAXED) == w->last &&
	    t - w->since >= MUT_EARLY_DUMP && mut_stall_limit > MUT_EARLY_DUMP) {
		early_dumped = true;
		info("mutator %s (pid %d) has waited %.0f s in %s; the tasks that may hold what it waits for:",
		     name, (int)pid, t - w->since,
		     op >= 0 && op < NR_OPS ? op_names[op] : "(idle)");
		snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
		dump_task(dir);
		dump_tasks(true);
	}
	if (!wd_stalled(w, __atomic_load_n(&sh->beat[s], __ATOMIC_RELAXED),
			t, mut_stall_limit))
		return;
	wd_fail("mutator %s (pid %d) made no progress for %.0f s in %s", name,
		(int)pid, t - w->since,
		op >= 0 && op < NR_OPS ? op_names[op] : "(idle)");
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	dump_task(dir);
	if (!all_dumped) {
		all_dumped = true;
		dump_tasks(true);
	}
}

/* Every thread of the test process, for a hang report. */
static void wd_dump_main(void)
{
	char dir[64], path[400];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)main_pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		info("thread %s:", de->d_name);
		dump_task(path);
	}
	closedir(d);
}

static void watchdog_main(void)
{
	struct wd_state *wq = calloc(opt_threads, sizeof(*wq));
	struct wd_state wm[SLOT_CHILD] = { { 0 } }, wmain = { 0 };
	double t0 = now(), t;
	bool late = false;
	unsigned int i;
	int phase;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != main_pid || !wq)
		_exit(0);
	while ((phase = __atomic_load_n(&sh->phase, __ATOMIC_RELAXED)) !=
	       PHASE_DONE) {
		usleep(250000);
		t = now();
		for (i = 0; i < opt_threads; i++)
			wd_querier(i, &wq[i], t);
		for (i = 0; phase == PHASE_STORM && i < SLOT_CHILD; i++)
			wd_mutator(i, &wm[i], t);
		if (phase == PHASE_STORM &&
		    wd_stalled(&wmain, __atomic_load_n(&sh->main_beat,
						       __ATOMIC_RELAXED), t, q_stall_limit)) {
			wd_fail("the main thread made no progress for %u s", q_stall_limit);
			wd_dump_main();
			dump_tasks(false);
		}
		if (!late && t - t0 > opt_seconds + 240) {
			late = true;
			wd_fail("vmi-torture has not finished 240 s after its end (phase %d)",
				phase);
			wd_dump_main();
			dump_tasks(false);
			/* what the CPUs run, on the console */
			write_file("/proc/sysrq-trigger", "l");
		}
	}
	_exit(0);
}

static pid_t start_watchdog(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		watchdog_main();
	if (pid < 0)
		fail("setup: watchdog: %s", strerror(errno));
	return pid;
}

static void stop_watchdog(pid_t pid)
{
	int i;

	__atomic_store_n(&sh->phase, PHASE_DONE, __ATOMIC_RELAXED);
	if (pid <= 0)
		return;
	for (i = 0; i < 20 && waitpid(pid, NULL, WNOHANG) != pid; i++)
		usleep(50000);
	if (i == 20) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* "MemAvailable 812 MiB, swap used 12 MiB, hugetlb free 3" */
static void mem_line(char *buf, size_t size)
{
	snprintf(buf, size, "MemAvailable %ld MiB, swap used %ld MiB, hugetlb pages free %ld",
		 meminfo("MemAvailable:") >> 10,
		 (meminfo("SwapTotal:") - meminfo("SwapFree:")) >> 10,
		 meminfo("HugePages_Free:"));
}

static void progress_line(struct qctx *qs, double t)
{
	unsigned long calls = 0, reads = 0, ops = 0;
	unsigned int i;
	char mem[160];

	for (i = 0; i < opt_threads; i++) {
		calls += __atomic_load_n(&qs[i].w->progress, __ATOMIC_RELAXED);
		reads += qs[i].st.dbg_reads;
	}
	for (i = 0; i < NR_OPS; i++)
		ops += __atomic_load_n(&sh->ops[i].done, __ATOMIC_RELAXED);
	mem_line(mem, sizeof(mem));
	info("t=%.0fs: %lu querier steps, %lu debugfs reads, %lu mutator operations; %s",
	     t, calls, reads, ops, mem);
}

static void run_storm(struct qctx *qs)
{
	double t0 = now(), t, next = 15;

	__atomic_store_n(&sh->phase, PHASE_STORM, __ATOMIC_RELAXED);
	while ((t = now() - t0) < opt_seconds) {
		usleep(250000);
		__atomic_fetch_add(&sh->main_beat, 1, __ATOMIC_RELAXED);
		check_mutators_alive();
		if (t >= next) {
			progress_line(qs, t);
			next += 15;
		}
	}
	__atomic_store_n(&sh->phase, PHASE_STOP, __ATOMIC_RELAXED);
}

static void stop_queriers(struct qctx *qs)
{
	struct timespec ts;
	unsigned int i;

	__atomic_store_n(&q_stop, 1, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	for (i = 0; i < opt_threads; i++) {
		if (!qs[i].started)
			continue;
		if (pthread_timedjoin_np(qs[i].thr, NULL, &ts))
			info("querier %u did not stop within 60 s: its counts may be incomplete",
			     i);
	}
}

static void errno_list(char *buf, size_t size, const unsigned long *err)
{
	size_t n = 0;
	int e;

	buf[0] = '\0';
	for (e = 0; e < MAX_ERRNO && n + 1 < size; e++)
		if (err[e])
			n += snprintf(buf + n, size - n, " %s %lu",
				      e ? errname(e) : "other", err[e]);
}

static void sum_stats(struct qctx *qs, struct qstats *t)
{
	unsigned int i, j, e;
	struct qstats *s;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < opt_threads; i++) {
		s = &qs[i].st;
		for (j = 0; j < NR_IOC; j++) {
			t->calls[j] += s->calls[j];
			t->ok[j] += s->ok[j];
			for (e = 0; e < MAX_ERRNO; e++)
				t->err[j][e] += s->err[j][e];
		}
		for (e = 0; e < MAX_ERRNO; e++)
			t->dbg_err[e] += s->dbg_err[e];
		t->dbg_reads += s->dbg_reads;
		t->dbg_ok += s->dbg_ok;
		t->dbg_bytes += s->dbg_bytes;
		t->sessions += s->sessions;
		t->gen_changes += s->gen_changes;
		t->lists_compared += s->lists_compared;
		t->runs_exact += s->runs_exact;
		t->find_exact += s->find_exact;
		t->rmap_owners += s->rmap_owners;
		t->pfns_seen += s->pfns_seen;
		t->owner_checks += s->owner_checks;
		t->owners_unnamed += s->owners_unnamed;
	}
}

static void report_queries(const struct qstats *t)
{
	char buf[600];
	unsigned int j;

	for (j = 0; j < NR_IOC; j++) {
		errno_list(buf, sizeof(buf), t->err[j]);
		info("ioctl %s: %lu calls, %lu ok;%s", iocs[j].name,
		     t->calls[j], t->ok[j], buf[0] ? buf : " no errors");
	}
	errno_list(buf, sizeof(buf), t->dbg_err);
	info("debugfs: %lu reads, %lu complete, %lu kB;%s", t->dbg_reads,
	     t->dbg_ok, t->dbg_bytes >> 10, buf[0] ? buf : " no errors");
	info("queriers: %lu sessions; %lu generation changes inside a listing; %lu listing pairs compared",
	     t->sessions, t->gen_changes, t->lists_compared);
	info("queriers: %lu PT_RUNS and %lu FIND_VMA replies checked against a listing of their generation",
	     t->runs_exact, t->find_exact);
	info("queriers: %lu frames seen, %lu rmap owners (%lu of an mm no process uses); %lu frames found among RMAP's owners where PT_PATH saw them",
	     t->pfns_seen, t->rmap_owners, t->owners_unnamed, t->owner_checks);
}

static void report_mutators(void)
{
	const struct op_stat *s;
	int m, o;

	for (m = 0; m < NR_MUT; m++)
		info("mutator %s: %lu iterations%s%s", mut_kinds[m].name,
		     sh->iterations[m], sh->note[m][0] ? "; " : "",
		     sh->note[m]);
	for (o = 0; o < NR_OPS; o++) {
		s = &sh->ops[o];
		if (s->unsupported && !s->done)
			info("op %s: unsupported here (%s)", op_names[o],
			     errname(s->unsupported));
		else if (s->failed)
			info("op %s: %lu done, %lu failed (last %s)%s",
			     op_names[o], s->done, s->failed,
			     errname(s->last_errno),
			     s->unsupported ? ", then unsupported" : "");
		else
			info("op %s: %lu done", op_names[o], s->done);
	}
}

static void report_errnos(const struct qstats *t)
{
	unsigned long n;
	unsigned int j, e;

	for (j = 0; j < NR_IOC; j++) {
		for (e = 0, n = 0; e < MAX_ERRNO; e++)
			if (t->err[j][e] && (!e || !errno_expected(j, e)))
				n += t->err[j][e];
		if (n)
			fail("errno %s: %lu calls of %lu failed with an unexpected errno",
			     iocs[j].name, n, t->calls[j]);
		else
			pass("errno %s: %lu calls, only expected errnos",
			     iocs[j].name, t->calls[j]);
	}
}

static void report_classes(void)
{
	int c;

	for (c = CL_ATTACH; c < NR_CLS; c++) {
		if (c == CL_HANG || c == CL_MUTATOR)
			continue;
		if (cls_bad[c])
			fail("%s: %lu of %lu replies inconsistent (details above)",
			     cls_names[c], cls_bad[c], cls_checked[c]);
		else
			pass("%s: %lu replies consistent", cls_names[c],
			     cls_checked[c]);
	}
}

/* Every ioctl must have answered at least once, else the test is blind. */
static void report_coverage(const struct qstats *t)
{
	char buf[200] = "";
	size_t n = 0;
	unsigned int j;

	for (j = 0; j < NR_IOC; j++)
		if (!t->ok[j] && !(j == IOC_KADDR && kl.hidden))
			n += snprintf(buf + n, sizeof(buf) - n, " %s",
				      iocs[j].name);
	if (n)
		fail("coverage: never answered:%s", buf);
	else
		pass("coverage: every ioctl answered");
}

static void report_health(void)
{
	unsigned long i;

	for (i = 0; i < sh->nr_bad && i < NR_BAD_MSG; i++)
		bad(CL_MUTATOR, "%s", sh->bad_msg[i]);
	if (cls_bad[CL_MUTATOR])
		fail("mutators: %lu problems (details above)", cls_bad[CL_MUTATOR]);
	else
		pass("mutators: all %d ran to the end, memory contents intact",
		     NR_MUT);
	if (sh->wd_fails || cls_bad[CL_HANG])
		fail("hang: %lu stalls (details above)",
		     sh->wd_fails + cls_bad[CL_HANG]);
	else
		pass("hang: no querier or main thread stalled %u s, no mutator %u s",
		     q_stall_limit, mut_stall_limit);
}

/* ---- dmesg ---- */

static char *dmesg_all(void)
{
	int size = klogctl(10, NULL, 0), len;	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf;

	if (size <= 0)
		size = 1 << 20;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	len = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	if (len < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* "<4>[  12.345678] text": the time stamp, -1 if none. */
static double dmesg_stamp(const char *l)
{
	double t;

	if (*l == '<')
		l = strchr(l, '>') ? strchr(l, '>') + 1 : l;
	if (sscanf(l, "[%lf]", &t) != 1)
		return -1;
	return t;
}

static double dmesg_last(void)
{
	char *buf = dmesg_all(), *l, *save;
	double last = -1, t;

	if (!buf)
		return -1;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		t = dmesg_stamp(l);
		if (t > last)
			last = t;
	}
	free(buf);
	return last;
}

static void check_dmesg(double mark)
{
	static const char *const pats[] = {
		"Bad rss-counter", "BUG:", "WARNING:", "Oops", "KASAN",
		"general protection", "possible circular locking",
		"INFO: task", "rcu: INFO", "UBSAN",
	};
	char *buf = dmesg_all(), *l, *save;
	unsigned int n = 0, oom = 0, i;

	if (!buf) {
		fail("dmesg: cannot read the kernel log: %s", strerror(errno));
		return;
	}
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (mark >= 0 && dmesg_stamp(l) <= mark)
			continue;
		oom += !!strstr(l, "Out of memory");
		for (i = 0; i < ARRAY_SIZE(pats); i++)
			if (strstr(l, pats[i]))
				break;
		if (i == ARRAY_SIZE(pats))
			continue;
		if (n++ < 20)
			info("dmesg: %.300s", l);
	}
	free(buf);
	if (oom)
		info("dmesg: %u OOM kills", oom);
	if (n)
		fail("dmesg: %u new kernel log lines with Bad rss-counter, BUG:, WARNING: or another splat",
		     n);
	else
		pass("dmesg: no new Bad rss-counter, BUG:, WARNING: or other splat");
}

/* ================= setup, main ================= */

static void knob(const char *path, const char *val)
{
	if (write_file(path, val))
		info("setup: %s=%s: %s", path, val, errname(errno));
	else
		info("setup: %s=%s", path, val);
}

/*
 * 1 GiB of 2 MiB pages for PMD sharing if 600 MiB are left beside it.
 * Free pages of a pool an earlier run left are available too.
 */
static void setup_hugetlb(void)
{
	long avail = meminfo("MemAvailable:"), want, got;
	long pool = meminfo("HugePages_Free:");
	char buf[32];

	if (pool > 0)
		avail += pool * 2048;
	want = avail >= 1640L * 1024 ? 520 : 64;
	snprintf(buf, sizeof(buf), "%ld", want);
	if (write_file("/proc/sys/vm/nr_hugepages", buf))
		info("setup: nr_hugepages=%ld: %s", want, errname(errno));
	got = read_long("/proc/sys/vm/nr_hugepages");
	info("setup: hugetlb: %ld MiB available, asked for %ld 2 MiB pages, have %ld%s",
	     avail >> 10, want, got,
	     got >= 512 ? ": a 1 GiB shared mapping, PMD sharing" :
	     ": PMD sharing skipped (needs 512; run the VM with --mem 2048)");
}

static void setup_file_dir(void)
{
	if (mkdir(FILE_DIR, 0700) && errno != EEXIST) {
		info("setup: %s: %s", FILE_DIR, strerror(errno));
		return;
	}
	if (mount("vmi-torture", FILE_DIR, "tmpfs", 0, "huge=advise,size=64m"))
		info("setup: tmpfs huge=advise on %s: %s: the file gets no THPs",
		     FILE_DIR, errname(errno));
	else
		info("setup: tmpfs huge=advise on %s", FILE_DIR);
}

/*
 * KASAN, kmemleak and friends make a TCG guest several times slower:
 * mutators then go a minute without a turn, and a querier can wait 30 s
 * and more for a target's mmap lock that khugepaged (collapsing every
 * 10 ms), ksmd and the target's own mmap()s take in turn.  The stall
 * limits grow (queriers' to 90 s, still under the 120 s after which the
 * kernel reports a hung task) and ksmd is paced.
 */
static void setup_debug_kernel(void)
{
	char *log = dmesg_all();

	debug_kernel = !access("/sys/kernel/debug/kmemleak", F_OK) ||
		       (log && strstr(log, "KernelAddressSanitizer initialized"));
	free(log);
	if (!debug_kernel)
		return;
	mut_stall_limit = 300;
	q_stall_limit = 90;
	info("setup: a debug kernel (KASAN or kmemleak): stall limits %u s (queriers),"
	     " %u s (mutators), ksmd paced", q_stall_limit, mut_stall_limit);
}

/*
 * khugepaged runs at nice 19.  Its collapse_file() keeps the new huge
 * folio, and each small one it replaces, locked while it copies and
 * unmaps them.  With 16 queriers and the mutators runnable at nice 0 in a
 * TCG guest (one host thread for all its CPUs), it got so little CPU that
 * one collapse took minutes, and the faults on that memfd waited in
 * folio_wait_bit_common() past the kernel's 120 s hung-task report (the
 * stacks of three debug-kernel runs: khugepaged running in collapse_file(),
 * no module code anywhere).  At nice 0 it competes with those who wait.
 */
static void khugepaged_nice0(void)
{
	char path[64], comm[32];
	struct dirent *de;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if (read_file(path, comm, sizeof(comm)) ||
		    strncmp(comm, "khugepaged", 10))
			continue;
		if (setpriority(PRIO_PROCESS, pid, 0))
			info("setup: khugepaged (pid %d) at nice 0: %s", pid,
			     errname(errno));
		break;
	}
	if (d)
		closedir(d);
}

static void setup_system(void)
{
	char buf[4096];
	struct utsname u;
	unsigned int maj = 0, min = 0;

	if (!uname(&u) && sscanf(u.release, "%u.%u", &maj, &min) == 2)
		kver = maj * 100 + min;
	info("kernel %s, %ld MiB RAM, %ld CPUs", u.release,
	     meminfo("MemTotal:") >> 10, sysconf(_SC_NPROCESSORS_ONLN));
	knob(THP_DIR "enabled", "always");
	knob(THP_DIR "defrag", "madvise");
	knob(THP_DIR "shmem_enabled", "advise");
	knob(THP_DIR "khugepaged/scan_sleep_millisecs", "10");
	knob(THP_DIR "khugepaged/alloc_sleep_millisecs", "10");
	knob(THP_DIR "khugepaged/pages_to_scan", "4096");
	khugepaged_nice0();
	if (!access(THP_DIR "hugepages-64kB/enabled", F_OK))
		knob(THP_DIR "hugepages-64kB/enabled", "always");
	setup_debug_kernel();
	knob(KSM_DIR "run", "1");
	/* a debug kernel under TCG: a busy ksmd starves everything */
	knob(KSM_DIR "pages_to_scan", debug_kernel ? "1000" : "10000");
	knob(KSM_DIR "sleep_millisecs", debug_kernel ? "20" : "0");
	setup_hugetlb();
	setup_file_dir();
	read_file("/proc/swaps", buf, sizeof(buf));
	have_swap = strchr(buf, '\n') && strchr(buf, '\n')[1];
	info("setup: swap %s, %s %s", have_swap ? "present" : "absent",
	     SPLIT_PATH, access(SPLIT_PATH, W_OK) ? "absent" : "present");
	if (access(SPLIT_PATH, W_OK)) {
		op_unsupported(OP_SPLIT_PID, ENOENT);
		op_unsupported(OP_SPLIT_FILE, ENOENT);
		op_unsupported(OP_SPLIT_ALL, ENOENT);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: vmi-torture [--seconds S] [--threads N] [--seed X]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int i;

	opt_seed = (__u64)time(NULL) * 2654435761ULL ^ (__u64)getpid();
	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--seconds"))
			opt_seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--threads"))
			opt_threads = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			opt_seed = strtoull(argv[++i], NULL, 0);
		else
			usage();
	}
	if (!opt_threads || opt_threads > 256)
		usage();
}

static void summary_and_exit(struct qctx *qs, double mark, pid_t wd)
{
	struct qstats *t = calloc(1, sizeof(*t));
	char mem[160];

	if (!t)
		exit(1);
	mem_line(mem, sizeof(mem));
	info("at the end: %s", mem);
	sum_stats(qs, t);
	report_queries(t);
	report_mutators();
	report_errnos(t);
	report_classes();
	report_coverage(t);
	report_health();
	check_dmesg(mark);
	umount2(FILE_DIR, MNT_DETACH);
	stop_watchdog(wd);
	/* the watchdog's failed checks count in summary() (vmi-report.h) */
	/* a querier stuck in the kernel would block exit(): do not wait */
	_exit(summary());
}

int main(int argc, char **argv)
{
	struct qctx *qs;
	unsigned int i;
	double mark;
	pid_t wd;

	if (argc == 2 && !strcmp(argv[1], "--torture-exec"))
		return torture_exec();
	parse_args(argc, argv);
	main_pid = getpid();
	info("vmi-torture: %u s, %u querier threads, seed %#llx", opt_seconds,
	     opt_threads, opt_seed);
	if (geteuid()) {
		fail("setup: must run as root");
		return summary();
	}
	sh = mmap(NULL, sizeof(*sh) + opt_threads * sizeof(struct qwatch), RW,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	qs = calloc(opt_threads, sizeof(*qs));
	if (sh == MAP_FAILED || !qs)
		return 1;
	rng_seed(opt_seed, 1);
	mark = dmesg_last();
	setup_system();
	for (i = 0; i < opt_threads; i++)
		if (q_init(&qs[i], i))
			return summary();
	/* what later answers must repeat */
	for (i = 0; i < 16 && !kl.known; i++)
		q_klayout(&qs[0]);
	start_mutators();
	wd = start_watchdog();
	usleep(200000);
	for (i = 0; i < opt_threads; i++)
		qs[i].started = !pthread_create(&qs[i].thr, NULL, querier, &qs[i]);
	run_storm(qs);
	stop_mutators();
	stop_queriers(qs);
	summary_and_exit(qs, mark, wd);
	return 0;
}
