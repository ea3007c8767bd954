// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-fuzz: malformed ioctls on /dev/vmainspect, and fault injection.
 *
 *   vmi-fuzz [--calls N] [--seed S] [--fail-nth]
 *
 * Runs as root inside a test VM with the module loaded.
 *
 * 1. Generated calls (N, default 12000, deterministic from the seed, which
 *    is printed).  Each call starts from a VALID argument struct for one
 *    ioctl, on a session attached to this process or to a child it forked
 *    (or on a session that is deliberately not attached, attached to an
 *    exited child, or opened without CAP_SYS_ADMIN), applies exactly one
 *    defect, and checks the exact errno.  The expected errno is computed
 *    by a model of the handlers' order of checks (src/dev.c, abi.c,
 *    frame_dev.c, klayout_dev.c, session.c): ioctl number, then the
 *    argument (copy_args, check_*_args), then privilege, then the attached
 *    mm, then the work, then the copies to user space.  Every call also
 *    checks, with a guard pattern around the argument and the output
 *    buffers, that nothing was written outside the caller's buffers, and
 *    that a failed call left the argument struct as it was.
 *    Every (ioctl, defect class) pair is tried once first, then pairs are
 *    drawn at random.  One PASS/FAIL line per defect class, naming the
 *    first mismatches by call number (--seed and --calls replay the same
 *    choices; pids and frames differ), then the info line
 *    "INFO fuzz: N calls".
 *
 * 2. --fail-nth: fault injection through /proc/thread-self/fail-nth (see
 *    Documentation/fault-injection/fault-injection.rst): for each ioctl
 *    (valid arguments, attached to a child with a few VMAs) and each
 *    readable file under /sys/kernel/debug/vmainspect, fail the 1st, 2nd,
 *    3rd... fault point of the call until the call succeeds with the fault
 *    not consumed (or 2000 tries).  A failing call may only give ENOMEM,
 *    EFAULT or EINTR.  Each loop runs in a process of its own, so a crash
 *    or a hang is reported too.  Publishing calls are also run against a
 *    new child or a new frame on every try (else the directory is found,
 *    not created, after the first success), and ATTACH also as uid 1000 on
 *    a child of its own (the unprivileged path of the access check).  The
 *    fault-injection knobs are restored at the end.  Without fail-nth in
 *    the kernel: an info line, neither pass nor fail.
 *
 * Output: KTAP, one result per check and diagnostics (vmi-report.h); exit
 * status 1 if anything failed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE		4096UL		/* x86_64: the module's PAGE_SIZE */
#define PID_MAX_LIMIT	(4U * 1024 * 1024) /* 64-bit kernels */
#define PATH_MAX_K	4096U		/* the kernel's PATH_MAX */
#define OUT_CAP		(64 * PAGE)	/* an output buffer, at most (normal) */
#define WIN		256		/* guard window either side of a buffer */
#define PAT		0xa5		/* guard pattern */
#define MAX_REPORT	4		/* mismatches printed per class */
#define FI_MAX		2000		/* fail-nth tries per call */

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/* ---- output ---- */

#define ERRNAME(e)	{ e, #e }

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ 0, "success" }, ERRNAME(ENOTTY), ERRNAME(EINVAL), ERRNAME(E2BIG), ERRNAME(EFAULT),
	ERRNAME(ENOSPC), ERRNAME(ESRCH), ERRNAME(ENXIO), ERRNAME(EPERM), ERRNAME(EACCES),
	ERRNAME(ENOENT), ERRNAME(ENOMEM), ERRNAME(EINTR), ERRNAME(EAGAIN), ERRNAME(EBADF),
	ERRNAME(EIO),
};

static const char *errname(int e)
{
	static char buf[4][48];
	static int slot;
	char *b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	b = buf[slot++ % 4];
	snprintf(b, sizeof(buf[0]), "errno %d", e);
	return b;
}

static void die(const char *what)
{
	fail("setup: %s: %s", what, strerror(errno));
	exit(summary());
}

/* ---- deterministic random numbers (splitmix64) ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* lo..hi inclusive */
static uint64_t range(uint64_t lo, uint64_t hi)
{
	if (hi - lo == UINT64_MAX)
		return rnd();
	return lo + below(hi - lo + 1);
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

#define PICK(arr)	((arr)[below(ARRAY_SIZE(arr))])

/* ---- the ioctls: what each argument struct has ---- */

enum ioc {
	I_ATTACH, I_LAYOUT, I_LIST, I_FIND, I_PATH, I_RUNS, I_PAGE, I_RMAP,
	I_KLAYOUT, I_KADDR, NR_IOC
};

struct field {
	uint16_t off, len;
};

#define FLD(t, m)	{ offsetof(t, m), sizeof(((t *)0)->m) }
#define SPAN(t, a, b)	{ offsetof(t, a), offsetof(t, b) - offsetof(t, a) }

/* A user buffer the module writes into. */
struct bufdesc {
	const char *name;
	uint16_t ptr_off;	/* its __u64 address field */
	uint16_t rec_off;	/* records: the __u32 record size field, else 0 */
	uint16_t cnt_off;	/* records: the __u32 count the module reports */
	uint32_t krec;		/* records: the module's record size */
	uint32_t minrec;	/* records: the smallest accepted (VER0); 0: krec */
};

struct ioc_desc {
	const char *name;
	unsigned long cmd;
	uint32_t ksize;
	uint32_t known_flags;
	struct field reserved[4];	/* in: must be zero */
	struct field outs[6];		/* out only: ignored on input */
	struct bufdesc bufs[2];
	int nr_reserved, nr_outs, nr_bufs;
};

#define T_AT	struct vmainspect_attach
#define T_LY	struct vmainspect_layout
#define T_LI	struct vmainspect_vma_list
#define T_FI	struct vmainspect_find
#define T_PP	struct vmainspect_pt_path
#define T_PR	struct vmainspect_pt_runs
#define T_PG	struct vmainspect_page
#define T_RM	struct vmainspect_rmap
#define T_KL	struct vmainspect_klayout
#define T_KA	struct vmainspect_kaddr

static const struct ioc_desc iocs[NR_IOC] = {
	[I_ATTACH] = {
		"ATTACH", VMAINSPECT_IOC_ATTACH, sizeof(T_AT), VMAINSPECT_ATTACH_FLAGS,
		{ FLD(T_AT, reserved0), FLD(T_AT, reserved[0]), FLD(T_AT, reserved[1]) },
		{ FLD(T_AT, abi_version), FLD(T_AT, tgid) },
		{ }, 3, 2, 0,
	},
	[I_LAYOUT] = {
		"LAYOUT", VMAINSPECT_IOC_LAYOUT, sizeof(T_LY), 0,
		{ FLD(T_LY, reserved[0]), FLD(T_LY, reserved[1]), FLD(T_LY, reserved[2]),
		  FLD(T_LY, reserved[3]) },
		{ SPAN(T_LY, task_size, reserved) },
		{ }, 4, 1, 0,
	},
	[I_LIST] = {
		"LIST_VMAS", VMAINSPECT_IOC_LIST_VMAS, sizeof(T_LI), 0,
		{ FLD(T_LI, reserved[0]), FLD(T_LI, reserved[1]) },
		{ FLD(T_LI, nr_vmas), FLD(T_LI, strings_used), FLD(T_LI, out_flags),
		  FLD(T_LI, next_addr), FLD(T_LI, generation) },
		{ { "vmas", offsetof(T_LI, vmas), offsetof(T_LI, vma_size), offsetof(T_LI, nr_vmas),
		    sizeof(struct vmainspect_vma) },
		  { "strings", offsetof(T_LI, strings), 0, 0, 0 } },
		2, 5, 2,
	},
	[I_FIND] = {
		"FIND_VMA", VMAINSPECT_IOC_FIND_VMA, sizeof(T_FI), 0,
		{ FLD(T_FI, reserved[0]), FLD(T_FI, reserved[1]) },
		{ FLD(T_FI, out_flags), FLD(T_FI, vma), FLD(T_FI, generation) },
		{ { "strings", offsetof(T_FI, strings), 0, 0, 0 } },
		2, 3, 1,
	},
	[I_PATH] = {
		"PT_PATH", VMAINSPECT_IOC_PT_PATH, sizeof(T_PP), 0,
		{ FLD(T_PP, reserved0), FLD(T_PP, reserved[0]), FLD(T_PP, reserved[1]) },
		{ FLD(T_PP, nr_levels), FLD(T_PP, out_flags), FLD(T_PP, page_size),
		  FLD(T_PP, phys_addr), FLD(T_PP, pgtable_levels), FLD(T_PP, levels) },
		{ }, 3, 6, 0,
	},
	[I_RUNS] = {
		"PT_RUNS", VMAINSPECT_IOC_PT_RUNS, sizeof(T_PR), VMAINSPECT_PT_RUNS_NO_FRAME_BITS,
		{ FLD(T_PR, reserved[0]), FLD(T_PR, reserved[1]) },
		{ FLD(T_PR, nr_runs), FLD(T_PR, out_flags), FLD(T_PR, next_addr),
		  FLD(T_PR, generation), FLD(T_PR, tables) },
		{ { "runs", offsetof(T_PR, runs), offsetof(T_PR, run_size), offsetof(T_PR, nr_runs),
		    sizeof(struct vmainspect_pt_run), VMAINSPECT_PT_RUN_SIZE_VER0 } },
		2, 5, 1,
	},
	[I_PAGE] = {
		"PAGE", VMAINSPECT_IOC_PAGE, sizeof(T_PG), VMAINSPECT_PAGE_FLAGS,
		{ FLD(T_PG, reserved[0]), FLD(T_PG, reserved[1]), FLD(T_PG, reserved[2]),
		  FLD(T_PG, reserved[3]) },
		{ SPAN(T_PG, kpageflags, path), FLD(T_PG, path_len), SPAN(T_PG, refcount, reserved) },
		{ { "path", offsetof(T_PG, path), 0, 0, 0 } },
		4, 3, 1,
	},
	[I_RMAP] = {
		"RMAP", VMAINSPECT_IOC_RMAP, sizeof(T_RM), VMAINSPECT_PAGE_BY_ADDR,
		{ FLD(T_RM, reserved0), FLD(T_RM, reserved[0]), FLD(T_RM, reserved[1]) },
		{ FLD(T_RM, nr_owners), FLD(T_RM, out_flags), FLD(T_RM, mapcount),
		  FLD(T_RM, mapping_kind), FLD(T_RM, candidates) },
		{ { "owners", offsetof(T_RM, owners), offsetof(T_RM, owner_size),
		    offsetof(T_RM, nr_owners), sizeof(struct vmainspect_owner) } },
		3, 5, 1,
	},
	[I_KLAYOUT] = {
		"KLAYOUT", VMAINSPECT_IOC_KLAYOUT, sizeof(T_KL), 0,
		{ FLD(T_KL, reserved[0]), FLD(T_KL, reserved[1]), FLD(T_KL, reserved[2]),
		  FLD(T_KL, reserved[3]) },
		{ SPAN(T_KL, nr_regions, reserved) },
		{ { "regions", offsetof(T_KL, regions), offsetof(T_KL, region_size),
		    offsetof(T_KL, nr_regions), sizeof(struct vmainspect_kregion) } },
		4, 1, 1,
	},
	[I_KADDR] = {
		"KADDR", VMAINSPECT_IOC_KADDR, sizeof(T_KA), 0,
		{ FLD(T_KA, reserved[0]), FLD(T_KA, reserved[1]), FLD(T_KA, reserved[2]),
		  FLD(T_KA, reserved[3]) },
		{ SPAN(T_KA, region_start, reserved) },
		{ }, 4, 1, 0,
	},
};

static uint32_t get32(const void *base, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

static void put32(void *base, size_t off, uint32_t v)
{
	memcpy((char *)base + off, &v, sizeof(v));
}

static void put64(void *base, size_t off, uint64_t v)
{
	memcpy((char *)base + off, &v, sizeof(v));
}

/* ---- our memory: argument and output slots, each before a guard page ---- */

struct slot {
	char *base;		/* read-write */
	size_t len;
	char *guard;		/* PROT_NONE page right after */
};

static struct slot slot_arg, slot_out[2];
static char *ro_rw, *ro_ro;	/* one memfd page: a writable and a read-only view */
static char *hole;		/* an unmapped page between two PROT_NONE pages */
static char *big;		/* MAP_NORESERVE, for the UAPI maximum counts */
#define BIG_LEN		(600UL << 20)
#define BIG_SPLIT	(280UL << 20)	/* second buffer there */

static char *anon_area;		/* 16 anonymous pages, nameless, touched, locked */
#define ANON_PAGES	16
static char *data_area;		/* 4 pages of a tmpfs file, MAP_SHARED, touched */
#define DATA_PAGES	4
static char data_path[64];	/* as /proc/PID/maps names it */
static char data_fs_path[64];	/* inside its file system (PAGE's path) */
static uint64_t anon_pfn, data_pfn;
static uint64_t task_size = 0x7ffffffff000ULL;
static const uint64_t kspace[] = {
	0xffff888000000000ULL, 0xffffffff81000000ULL, 0xffffc90000000000ULL,
	0xffffea0000000000ULL, 0xfffffe0000000000ULL, 0xffffffffff600000ULL,
	0xfffffffffffff000ULL, 0xfffffffffffffffcULL, 0x8000000000000000ULL,
	0x0000800000000000ULL,
};

static void *xmmap(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void slot_init(struct slot *s, size_t len)
{
	char *p = xmmap(len + PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1);

	memset(p, PAT, len);
	if (mprotect(p + len, PAGE, PROT_NONE))
		die("mprotect");
	s->base = p;
	s->len = len;
	s->guard = p + len;
}

static void memory_init(void)
{
	int fd;

	slot_init(&slot_arg, 3 * PAGE);
	slot_init(&slot_out[0], OUT_CAP + 4 * PAGE);
	slot_init(&slot_out[1], OUT_CAP + 4 * PAGE);

	fd = memfd_create("vmi-fuzz-ro", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, PAGE))
		die("memfd");
	ro_rw = xmmap(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	ro_ro = xmmap(PAGE, PROT_READ, MAP_SHARED, fd);
	memset(ro_rw, PAT, PAGE);
	close(fd);

	hole = xmmap(3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	hole += PAGE;
	if (munmap(hole, PAGE))
		die("munmap");

	big = xmmap(BIG_LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);

	anon_area = xmmap(ANON_PAGES * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(anon_area, 0x5a, ANON_PAGES * PAGE);
	mlock(anon_area, ANON_PAGES * PAGE);

	snprintf(data_path, sizeof(data_path), "/tmp/vmi-fuzz.%d.data", (int)getpid());
	snprintf(data_fs_path, sizeof(data_fs_path), "/vmi-fuzz.%d.data", (int)getpid());
	fd = open(data_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, DATA_PAGES * PAGE))
		die(data_path);
	data_area = xmmap(DATA_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	memset(data_area, 0x3c, DATA_PAGES * PAGE);
	mlock(data_area, DATA_PAGES * PAGE);
	close(fd);
}

/* ---- target processes ---- */

/* A child with a few VMAs and a second thread; closing its pipe ends it. */
struct target {
	pid_t pid, tid;
	int pipe;
};

static struct target tgt;	/* the fuzz's */
static struct target fi_tgt;	/* fail-nth's: never published before */
static pid_t zombie;		/* exited, not reaped */
static pid_t reaped;		/* exited and reaped */
static pid_t kthread = 2;	/* kthreadd */
static uint32_t pid_max = 32768;

static void *target_thread(void *arg)
{
	int fd = *(int *)arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);

	if (write(fd, &tid, sizeof(tid)) != sizeof(tid))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

/* The child: own copies of the anonymous pages, a few VMAs, a thread. */
static void target_main(int in, int out)
{
	volatile char sink = 0;
	pthread_t th;
	char *p, c;
	size_t i;

	for (i = 0; i < ANON_PAGES; i++)
		anon_area[i * PAGE] = 0x42;
	for (i = 0; i < DATA_PAGES; i++)
		sink += data_area[i * PAGE];
	(void)sink;
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		memset(p, 1, 4 * PAGE);
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4 * PAGE,
		      (unsigned long)"vmi-fuzz");
	}
	p = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = mmap(NULL, 8 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)p;
	if (pthread_create(&th, NULL, target_thread, &out))
		_exit(1);
	while (read(in, &c, 1) > 0)
		;
	_exit(0);
}

static void start_target(struct target *t)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	t->pid = fork();
	if (t->pid < 0)
		die("fork");
	if (!t->pid) {
		close(a[1]);
		close(b[0]);
		target_main(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	if (read(b[0], &t->tid, sizeof(t->tid)) != sizeof(t->tid))
		die("target child");
	close(b[0]);
	t->pipe = a[1];
}

static void stop_target(struct target *t)
{
	if (t->pid <= 0)
		return;
	close(t->pipe);
	kill_wait(t->pid);
	t->pid = 0;
}

static void start_zombie(void)
{
	siginfo_t si;

	fflush(stdout);
	zombie = fork();
	if (zombie < 0)
		die("fork");
	if (!zombie)
		_exit(0);
	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, zombie, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
}

static void find_kthread(void)
{
	char buf[64];

	if (!read_file("/proc/2/comm", buf, sizeof(buf)) && !strncmp(buf, "kthreadd", 8))
		return;
	info("pid 2 is not kthreadd (%s)", buf);
}

/* ---- sessions: open files of /dev/vmainspect ---- */

enum sess_id {
	S_SELF, S_CHILD, S_UNPRIV, S_NOKPTR, S_NONE, S_DEAD, S_SCRATCH, S_SCRATCH_UNPRIV,
	NR_SESS
};

enum sess_state { ST_ATTACHED, ST_NONE, ST_GONE };

struct session {
	const char *name;
	int fd;
	bool priv;		/* CAP_SYS_ADMIN when it was opened */
	enum sess_state state;
	bool nokptr;		/* opened while kptr_restrict was 2 */
};

static struct session sess[NR_SESS] = {
	[S_SELF] = { "self", -1, true, ST_ATTACHED },
	[S_CHILD] = { "child", -1, true, ST_ATTACHED },
	[S_UNPRIV] = { "unpriv", -1, false, ST_ATTACHED },
	[S_NOKPTR] = { "kptr_restrict=2", -1, true, ST_ATTACHED, true },
	[S_NONE] = { "unattached", -1, true, ST_NONE },
	[S_DEAD] = { "exited", -1, true, ST_GONE },
	[S_SCRATCH] = { "scratch", -1, true, ST_NONE },
	[S_SCRATCH_UNPRIV] = { "scratch-unpriv", -1, false, ST_NONE },
};

static bool frames_ok = true;	/* PAGE/RMAP allowed to a privileged opener */
static uint64_t kimage = 0xffffffff81000000ULL;	/* an address in the kernel image */
static bool kaddr_visible = true;

/* Open with CAP_SYS_ADMIN out of the effective set, then take it back. */
static int open_dev_unprivileged(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct saved[2], d[2];
	int fd;

	if (syscall(SYS_capget, &h, saved))
		die("capget");
	memcpy(d, saved, sizeof(d));
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &h, d))
		die("capset");
	fd = vmi_open_or_exit();
	if (syscall(SYS_capset, &h, saved))
		die("capset");
	return fd;
}

/*
 * Open as root while kptr_restrict is 2: kernel addresses are decided at
 * open (as kallsyms does), so this file must not show any.
 */
static int open_dev_nokptr(void)
{
	const char *knob = "/proc/sys/kernel/kptr_restrict";
	char old[16] = "";
	int fd;

	if (read_file(knob, old, sizeof(old)) || write_file(knob, "2"))
		die(knob);
	fd = vmi_open_or_exit();
	if (write_file(knob, old))
		die(knob);
	return fd;
}

static void attach_or_die(int fd, pid_t pid)
{
	int e = vmi_attach(fd, pid, 0);

	if (e) {
		errno = e;
		die("attach");
	}
}

static void sessions_init(void)
{
	char c;
	int p[2];
	pid_t dead;

	sess[S_SELF].fd = vmi_open_or_exit();
	attach_or_die(sess[S_SELF].fd, getpid());
	sess[S_CHILD].fd = vmi_open_or_exit();
	attach_or_die(sess[S_CHILD].fd, tgt.pid);
	sess[S_UNPRIV].fd = open_dev_unprivileged();
	attach_or_die(sess[S_UNPRIV].fd, tgt.pid);
	sess[S_NOKPTR].fd = open_dev_nokptr();
	attach_or_die(sess[S_NOKPTR].fd, getpid());
	sess[S_NONE].fd = vmi_open_or_exit();
	sess[S_SCRATCH].fd = vmi_open_or_exit();
	sess[S_SCRATCH_UNPRIV].fd = open_dev_unprivileged();

	/* attached to a child that then exits and is reaped */
	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	dead = fork();
	if (dead < 0)
		die("fork");
	if (!dead) {
		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	sess[S_DEAD].fd = vmi_open_or_exit();
	attach_or_die(sess[S_DEAD].fd, dead);
	close(p[1]);
	kill_wait(dead);
	reaped = dead;
}

/* ---- frames: which pfns have an online struct page ---- */

struct pfn_range {
	uint64_t start, end;	/* [start, end) */
};

static struct pfn_range ram[64];
static int nr_ram;
static uint64_t ram_top;	/* first pfn above every online memory block */

static void add_ram(uint64_t start, uint64_t end)
{
	if (nr_ram && ram[nr_ram - 1].end == start) {
		ram[nr_ram - 1].end = end;
	} else if (nr_ram < (int)ARRAY_SIZE(ram)) {
		ram[nr_ram].start = start;
		ram[nr_ram].end = end;
		nr_ram++;
	}
	if (end > ram_top)
		ram_top = end;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Online memory blocks of /sys/devices/system/memory, in pfns. */
static bool ram_from_sysfs(void)
{
	static uint64_t blocks[4096];
	char buf[64], path[128];
	uint64_t bsize, bpages;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	if (read_file("/sys/devices/system/memory/block_size_bytes", buf, sizeof(buf)))
		return false;
	bsize = strtoull(buf, NULL, 16);
	d = opendir("/sys/devices/system/memory");
	if (!bsize || !d)
		return false;
	while ((de = readdir(d)) && n < ARRAY_SIZE(blocks)) {
		if (strncmp(de->d_name, "memory", 6) || !isdigit((unsigned char)de->d_name[6]))
			continue;
		if (snprintf(path, sizeof(path), "/sys/devices/system/memory/%s/state",
			     de->d_name) >= (int)sizeof(path) ||
		    read_file(path, buf, sizeof(buf)) || strncmp(buf, "online", 6))
			continue;
		blocks[n++] = strtoull(de->d_name + 6, NULL, 10);
	}
	closedir(d);
	qsort(blocks, n, sizeof(blocks[0]), cmp_u64);
	bpages = bsize / PAGE;
	for (i = 0; i < n; i++)
		add_ram(blocks[i] * bpages, (blocks[i] + 1) * bpages);
	return nr_ram > 0;
}

/* Fallback: "System RAM" of /proc/iomem, the top rounded to 128 MiB. */
static void ram_from_iomem(void)
{
	FILE *f = fopen("/proc/iomem", "re");
	unsigned long long s, e;
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, "System RAM") &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2 && e > s)
			add_ram(s / PAGE, (e + 1) / PAGE);
	fclose(f);
	ram_top = (ram_top + 32767) & ~32767ULL;
}

/*
 * The module looks at frames the way /proc/kpageflags does: online, and
 * below max_pfn rounded up to a whole section (128 MiB on x86_64).
 * Memory blocks can be larger than a section: clip to that limit.
 */
static void clip_ram(uint64_t ram_end)
{
	uint64_t limit = ((ram_end / PAGE) + 32767) & ~32767ULL;
	int i, n = 0;

	if (!ram_end)
		return;
	for (i = 0; i < nr_ram; i++) {
		if (ram[i].start >= limit)
			continue;
		if (ram[i].end > limit)
			ram[i].end = limit;
		ram[n++] = ram[i];
	}
	nr_ram = n;
	if (ram_top > limit)
		ram_top = limit;
}

static uint64_t random_ram_pfn(void)
{
	uint64_t total = 0, r;
	int i;

	for (i = 0; i < nr_ram; i++)
		total += ram[i].end - ram[i].start;
	r = below(total);
	for (i = 0; i < nr_ram; i++) {
		if (r < ram[i].end - ram[i].start)
			return ram[i].start + r;
		r -= ram[i].end - ram[i].start;
	}
	return 0;
}

/* A pfn with no online struct page behind it. */
static uint64_t offline_pfn(void)
{
	static const uint64_t far[] = {
		~0ULL, ~0ULL >> 12, 1ULL << 52, (1ULL << 52) - 1, 1ULL << 40,
		1ULL << 36, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
	};

	switch (below(3)) {
	case 0:
		return ram_top + below(1ULL << 20);
	case 1:
		return ram_top;
	}
	return PICK(far);
}

/* ---- the call: a valid argument, one defect, the expected errno ---- */

enum argmode {
	A_NORMAL, A_NULL, A_UNMAPPED, A_KERNEL, A_RO, A_UNALIGNED, A_CROSS, A_TAILCROSS
};

enum place { P_NORMAL, P_NULL, P_UNMAPPED, P_RO, P_KERNEL, P_CROSS, P_BIG };

static const char *const place_names[] = {
	"normal", "NULL", "unmapped", "read-only", "kernel", "crossing into a guard page", "big"
};

enum want { W_ANY, W_WRITE, W_NOWRITE };

enum post { POST_NONE, POST_TGID, POST_REC_TAILS, POST_PFN_HIDDEN, POST_KADDR_HIDDEN };

struct obuf {
	uint64_t cap;		/* bytes the caller declares */
	enum place place;
	bool written;		/* the module has something to write there */
	uint32_t min_written;	/* and writes at least this much from the start */
	uint32_t recsize;	/* records: the caller's record size */
	bool fill;		/* pattern-fill all of it before the call */
	char *addr;		/* where it is, if in our memory */
};

struct call {
	unsigned long idx;
	enum ioc ioc;
	int defect;
	enum sess_id sess;
	int target;			/* the output buffer the defect is about */
	unsigned long cmd;
	unsigned char a[2 * PAGE];	/* the staged argument */
	uint32_t span;			/* bytes of it placed in memory */
	enum argmode argmode;
	uint32_t cross;			/* A_*CROSS: bytes before the guard */
	int cmd_err, arg_err, work_err, alt_err;
	bool needs_mm, needs_frames, needs_kaddr;
	struct obuf ob[2];
	enum post post;
	char detail[112];
	char *argp;
};

#define AS(c, T)	((T *)(void *)(c)->a)

static void note(struct call *c, const char *fmt, ...)
{
	size_t n = strlen(c->detail);
	va_list ap;

	if (n && n + 2 < sizeof(c->detail)) {
		strcpy(c->detail + n, ", ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(c->detail + n, sizeof(c->detail) - n, fmt, ap);
	va_end(ap);
}

static void set_buf(struct call *c, int j, uint64_t cap, uint32_t recsize)
{
	c->ob[j].cap = cap;
	c->ob[j].recsize = recsize;
	c->ob[j].place = P_NORMAL;
}

static void must_write(struct call *c, int j, uint32_t min)
{
	c->ob[j].written = true;
	c->ob[j].min_written = min;
}

static uint32_t pick_recsize(uint32_t krec)
{
	return chance(70) ? krec : (uint32_t)range(krec + 1, PAGE);
}

static uint32_t pick_count(uint32_t max, uint32_t rec)
{
	uint32_t lim = OUT_CAP / rec;

	return (uint32_t)range(1, lim < max ? lim : max);
}

static uint64_t above_all(void)
{
	static const uint64_t v[] = {
		~0ULL, 0xfffffffffffff000ULL, 0xffff800000000000ULL, 1ULL << 63,
	};

	return chance(50) ? PICK(v) : range(task_size, ~0ULL);
}

static uint64_t anon_addr(void)
{
	return (uintptr_t)anon_area + below(ANON_PAGES * PAGE);
}

static uint64_t data_addr(void)
{
	return (uintptr_t)data_area + below(DATA_PAGES * PAGE);
}

/* Any address: user, none, kernel, junk. */
static uint64_t any_addr(void)
{
	switch (below(8)) {
	case 0:
		return anon_addr();
	case 1:
		return data_addr();
	case 2:
		return 0;
	case 3:
		return below(task_size);
	case 4:
		return PICK(kspace);
	case 5:
		return (uintptr_t)hole + below(PAGE);
	case 6:
		return (uintptr_t)&any_addr;
	}
	return rnd();
}

static void build_attach(struct call *c)
{
	T_AT *a = AS(c, T_AT);
	static const int w[] = { 0, 0, 1, 1, 1, 2 };

	a->size = sizeof(*a);
	switch (PICK(w)) {
	case 0:
		a->pid = getpid();
		break;
	case 1:
		a->pid = tgt.pid;
		break;
	default:
		a->pid = chance(50) ? 1 : tgt.tid;
		break;
	}
	if (chance(15))
		a->flags = VMAINSPECT_ATTACH_DEBUGFS;
	note(c, "pid %u flags %#x", a->pid, a->flags);
}

static void build_layout(struct call *c)
{
	AS(c, T_LY)->size = sizeof(T_LY);
	c->needs_mm = true;
}

static void build_list(struct call *c, int j, enum want w)
{
	T_LI *l = AS(c, T_LI);
	uint32_t vs = pick_recsize(sizeof(struct vmainspect_vma));

	l->size = sizeof(*l);
	l->vma_size = vs;
	l->max_vmas = pick_count(64, vs);
	l->strings_size = (uint32_t)range(512, 16384);
	c->needs_mm = true;
	if (w == W_WRITE && j == 0) {
		const uint64_t s[] = { 0, (uintptr_t)data_area, (uintptr_t)anon_area,
				       below((uintptr_t)anon_area) };

		l->start_addr = PICK(s);
		must_write(c, 0, sizeof(struct vmainspect_vma));
	} else if (w == W_WRITE) {
		l->start_addr = (uintptr_t)data_area;	/* named: strings used */
		must_write(c, 1, strlen(data_path) + 1);
	} else if (w == W_NOWRITE && j == 0) {
		l->start_addr = above_all();		/* no VMA: nothing at all */
	} else if (w == W_NOWRITE) {
		l->start_addr = (uintptr_t)anon_area;	/* one nameless VMA */
		l->max_vmas = 1;
	} else {
		l->start_addr = chance(30) ? 0 : any_addr();
	}
	set_buf(c, 0, (uint64_t)l->max_vmas * vs, vs);
	set_buf(c, 1, l->strings_size, 0);
	note(c, "start %#llx max_vmas %u vma_size %u strings_size %u",
	     (unsigned long long)l->start_addr, l->max_vmas, vs, l->strings_size);
}

static void build_find(struct call *c, enum want w)
{
	T_FI *f = AS(c, T_FI);

	f->size = sizeof(*f);
	f->strings_size = (uint32_t)range(512, 16384);
	c->needs_mm = true;
	if (w == W_WRITE) {
		f->addr = data_addr();
		must_write(c, 0, strlen(data_path) + 1);
	} else if (w == W_NOWRITE) {
		f->addr = chance(50) ? anon_addr() : above_all();
		if (chance(20))
			f->strings_size = 0;
	} else {
		f->addr = any_addr();
	}
	set_buf(c, 0, f->strings_size, 0);
	note(c, "addr %#llx strings_size %u", (unsigned long long)f->addr, f->strings_size);
}

static void build_path(struct call *c)
{
	T_PP *p = AS(c, T_PP);

	p->size = sizeof(*p);
	p->addr = any_addr();
	c->needs_mm = true;
	note(c, "addr %#llx", (unsigned long long)p->addr);
}

static void build_runs(struct call *c, enum want w)
{
	T_PR *r = AS(c, T_PR);
	uint32_t rs = pick_recsize(sizeof(struct vmainspect_pt_run));
	uint64_t first;

	r->size = sizeof(*r);
	r->run_size = rs;
	r->max_runs = pick_count(64, rs);
	if (chance(30))
		r->flags = VMAINSPECT_PT_RUNS_NO_FRAME_BITS;
	c->needs_mm = true;
	if (w == W_WRITE) {
		first = below(ANON_PAGES);
		r->start = (uintptr_t)anon_area + first * PAGE;
		r->end = r->start + range(1, ANON_PAGES - first) * PAGE;
		must_write(c, 0, sizeof(struct vmainspect_pt_run));
	} else if (w == W_NOWRITE) {
		if (chance(50)) {
			r->start = (uintptr_t)hole;
			r->end = r->start + PAGE;
		} else {
			r->start = task_size + below(1ULL << 20) * PAGE;
			r->end = r->start + range(1, 1 << 20) * PAGE;
		}
	} else if (chance(20)) {
		r->start = 0;
		r->end = task_size;
	} else {
		r->start = below(task_size / PAGE) * PAGE;
		if (chance(50))
			r->start = (uintptr_t)anon_area;
		r->end = r->start + range(1, 1 << 16) * PAGE;
	}
	set_buf(c, 0, (uint64_t)r->max_runs * rs, rs);
	note(c, "[%#llx, %#llx) max_runs %u run_size %u flags %#x",
	     (unsigned long long)r->start, (unsigned long long)r->end, r->max_runs, rs, r->flags);
}

static void page_by_addr(struct call *c, uint64_t addr)
{
	T_PG *p = AS(c, T_PG);

	p->flags |= VMAINSPECT_PAGE_BY_ADDR;
	p->addr = addr;
	c->needs_mm = true;
}

static void build_page(struct call *c, enum want w)
{
	T_PG *p = AS(c, T_PG);

	p->size = sizeof(*p);
	c->needs_frames = true;
	p->path_size = (uint32_t)range(1, PATH_MAX_K);
	if (w == W_WRITE) {
		page_by_addr(c, data_addr());
		p->path_size = (uint32_t)range(256, PATH_MAX_K);
		must_write(c, 0, strlen(data_fs_path) + 1);
	} else if (w == W_NOWRITE) {
		if (chance(50))
			page_by_addr(c, anon_addr());
		else
			p->pfn = chance(50) ? anon_pfn : 0;
	} else {
		switch (below(5)) {
		case 0:
			page_by_addr(c, anon_addr());
			break;
		case 1:
			page_by_addr(c, data_addr());
			break;
		case 2:
			p->pfn = PICK(((const uint64_t[]){ 0, anon_pfn, data_pfn }));
			break;
		default:
			p->pfn = random_ram_pfn();
			break;
		}
		if (chance(50))
			p->path_size = 0;
		if (chance(10))
			p->flags |= VMAINSPECT_PAGE_DEBUGFS;
	}
	set_buf(c, 0, p->path_size, 0);
	if (!p->path_size)
		c->ob[0].place = P_NULL;	/* no path wanted: address 0 */
	note(c, "flags %#x pfn %#llx addr %#llx path_size %u", p->flags,
	     (unsigned long long)p->pfn, (unsigned long long)p->addr, p->path_size);
}

static void build_rmap(struct call *c, enum want w)
{
	T_RM *r = AS(c, T_RM);
	uint32_t os = pick_recsize(sizeof(struct vmainspect_owner));

	r->size = sizeof(*r);
	r->owner_size = os;
	r->max_owners = pick_count(16, os);
	c->needs_frames = true;
	if (w == W_WRITE) {
		r->flags = VMAINSPECT_PAGE_BY_ADDR;
		r->addr = chance(70) ? anon_addr() : data_addr();
		must_write(c, 0, sizeof(struct vmainspect_owner));
	} else if (w == W_NOWRITE) {
		if (chance(70)) {
			r->flags = VMAINSPECT_PAGE_BY_ADDR;
			r->addr = anon_addr();
			r->cursor = (1ULL << 40) + below(1 << 20);
		} else {
			r->pfn = 0;		/* reserved: no reverse map */
		}
	} else {
		switch (below(4)) {
		case 0:
			r->flags = VMAINSPECT_PAGE_BY_ADDR;
			r->addr = chance(50) ? anon_addr() : data_addr();
			break;
		case 1:
			r->pfn = chance(50) ? anon_pfn : 0;
			break;
		default:
			r->pfn = random_ram_pfn();
			c->alt_err = EAGAIN;	/* a contended lock: documented */
			break;
		}
		if (chance(20))
			r->cursor = below(4);
	}
	if (r->flags & VMAINSPECT_PAGE_BY_ADDR)
		c->needs_mm = true;
	set_buf(c, 0, (uint64_t)r->max_owners * os, os);
	note(c, "flags %#x pfn %#llx addr %#llx cursor %llu max_owners %u owner_size %u",
	     r->flags, (unsigned long long)r->pfn, (unsigned long long)r->addr,
	     (unsigned long long)r->cursor, r->max_owners, os);
}

static void build_klayout(struct call *c)
{
	T_KL *k = AS(c, T_KL);
	uint32_t rs = pick_recsize(sizeof(struct vmainspect_kregion));

	k->size = sizeof(*k);
	k->region_size = rs;
	k->max_regions = pick_count(VMAINSPECT_KREGIONS_MAX, rs);
	set_buf(c, 0, (uint64_t)k->max_regions * rs, rs);
	must_write(c, 0, sizeof(struct vmainspect_kregion));
	note(c, "max_regions %u region_size %u", k->max_regions, rs);
}

static void build_kaddr(struct call *c)
{
	T_KA *k = AS(c, T_KA);

	k->size = sizeof(*k);
	k->addr = chance(50) ? PICK(kspace) + below(1 << 24) : any_addr();
	c->needs_kaddr = true;
	note(c, "addr %#llx", (unsigned long long)k->addr);
}

/* A valid argument of c->ioc; @w says what output buffer @j must see. */
static void build(struct call *c, int j, enum want w)
{
	switch (c->ioc) {
	case I_ATTACH:
		build_attach(c);
		break;
	case I_LAYOUT:
		build_layout(c);
		break;
	case I_LIST:
		build_list(c, j, w);
		break;
	case I_FIND:
		build_find(c, w);
		break;
	case I_PATH:
		build_path(c);
		break;
	case I_RUNS:
		build_runs(c, w);
		break;
	case I_PAGE:
		build_page(c, w);
		break;
	case I_RMAP:
		build_rmap(c, w);
		break;
	case I_KLAYOUT:
		build_klayout(c);
		break;
	case I_KADDR:
		build_kaddr(c);
		break;
	case NR_IOC:
		break;
	}
}

/* ---- the defects ---- */

static const struct ioc_desc *D(const struct call *c)
{
	return &iocs[c->ioc];
}

static void d_valid(struct call *c)
{
	(void)c;
}

static void d_size0(struct call *c)
{
	put32(c->a, 0, 0);
	c->arg_err = EINVAL;
	note(c, "size 0");
}

static void d_size_short(struct call *c)
{
	uint32_t s = (uint32_t)range(1, D(c)->ksize - 1);

	put32(c->a, 0, s);
	c->arg_err = EINVAL;
	note(c, "size %u", s);
}

static void d_size_huge(struct call *c)
{
	static const uint32_t v[] = { PAGE + 1, 2 * PAGE, 0x80000000U, 0xffffffffU };
	uint32_t s = chance(50) ? PICK(v) : (uint32_t)range(PAGE + 1, 0xffffffffU);

	put32(c->a, 0, s);
	c->arg_err = E2BIG;
	note(c, "size %u", s);
}

static uint32_t larger_size(const struct call *c)
{
	return chance(20) ? PAGE : (uint32_t)range(D(c)->ksize + 1, chance(50) ? D(c)->ksize + 64 : PAGE);
}

static void d_tail_nonzero(struct call *c)
{
	uint32_t s = larger_size(c), at = (uint32_t)range(D(c)->ksize, s - 1);

	put32(c->a, 0, s);
	c->span = s;
	c->a[at] = (unsigned char)range(1, 255);
	c->arg_err = E2BIG;
	note(c, "size %u, byte %u = %#x", s, at, c->a[at]);
}

static void d_tail_zero(struct call *c)
{
	uint32_t s = larger_size(c);

	put32(c->a, 0, s);
	c->span = s;
	note(c, "size %u, zero tail", s);
}

/* Round-robin per ioctl: every unknown bit, every reserved field in turn. */
static unsigned int rr_flag[NR_IOC], rr_reserved[NR_IOC];

static void d_flag(struct call *c)
{
	uint32_t unknown = ~D(c)->known_flags, bit;

	do
		bit = 1U << (rr_flag[c->ioc]++ % 32);
	while (!(bit & unknown));
	put32(c->a, 4, get32(c->a, 4) | bit);
	c->arg_err = EINVAL;
	note(c, "flag %#x", bit);
}

static void d_reserved(struct call *c)
{
	const struct field *f = &D(c)->reserved[rr_reserved[c->ioc]++ % D(c)->nr_reserved];
	uint64_t v = chance(50) ? 1ULL << below(8 * f->len) : rnd();

	if (f->len == 4)
		v = (uint32_t)v ? (uint32_t)v : 1;
	else if (!v)
		v = 1;
	memcpy(c->a + f->off, &v, f->len);
	c->arg_err = EINVAL;
	note(c, "reserved at %u = %#llx", f->off, (unsigned long long)v);
}

static void d_out_garbage(struct call *c)
{
	int i;
	uint16_t k;

	for (i = 0; i < D(c)->nr_outs; i++)
		for (k = 0; k < D(c)->outs[i].len; k++)
			c->a[D(c)->outs[i].off + k] = (unsigned char)rnd();
	note(c, "output fields random");
}

static void d_arg_null(struct call *c)
{
	c->argmode = A_NULL;
	c->arg_err = EFAULT;
}

static void d_arg_unmapped(struct call *c)
{
	c->argmode = A_UNMAPPED;
	c->arg_err = EFAULT;
}

static void d_arg_kernel(struct call *c)
{
	c->argmode = A_KERNEL;
	c->arg_err = EFAULT;
}

static void d_arg_ro(struct call *c)
{
	c->argmode = A_RO;	/* read fine, the write-back faults */
}

static void d_arg_unaligned(struct call *c)
{
	c->argmode = A_UNALIGNED;
}

static void d_arg_cross(struct call *c)
{
	c->argmode = A_CROSS;
	c->cross = (uint32_t)range(1, D(c)->ksize - 1);
	c->arg_err = EFAULT;
	note(c, "%u bytes before the guard", c->cross);
}

static void d_tail_cross(struct call *c)
{
	uint32_t s = (uint32_t)range(D(c)->ksize + 1, PAGE);

	put32(c->a, 0, s);
	c->span = s;
	c->argmode = A_TAILCROSS;
	c->cross = (uint32_t)range(D(c)->ksize, s - 1);
	c->arg_err = EFAULT;
	note(c, "size %u, %u bytes before the guard", s, c->cross);
}

/* Magics the VFS answers itself (FIOCLEX, FIFREEZE, FICLONE, FIGETBSZ...). */
static bool vfs_magic(unsigned int m)
{
	return m == 0x00 || m == 0x15 || m == 'T' || m == 'X' || m == 'f' || m == 0x94;
}

static void d_cmd_unknown(struct call *c)
{
	unsigned int dir = (unsigned int)below(4), nr, magic = VMAINSPECT_IOC_MAGIC;
	unsigned int size = (unsigned int)below(1 << 14);

	switch (below(3)) {
	case 0:		/* our magic, a number we do not have */
		nr = chance(20) ? 0 : (unsigned int)range(0x0b, 0xff);
		break;
	case 1:		/* one of ours, with another direction */
		nr = _IOC_NR(iocs[c->ioc].cmd);
		dir = (unsigned int)below(3);	/* NONE, WRITE, READ: not both */
		size = _IOC_SIZE(iocs[c->ioc].cmd);
		break;
	default:	/* another driver's magic */
		do
			magic = (unsigned int)below(256);
		while (magic == VMAINSPECT_IOC_MAGIC || vfs_magic(magic));
		nr = (unsigned int)below(256);
		break;
	}
	c->cmd = _IOC(dir, magic, nr, size);
	c->cmd_err = ENOTTY;
	note(c, "cmd %#lx", c->cmd);
}

static void d_cmd_size(struct call *c)
{
	unsigned int size;

	do
		size = (unsigned int)below(1 << 14);
	while (size == _IOC_SIZE(c->cmd));
	c->cmd = (c->cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		 ((unsigned long)size << _IOC_SIZESHIFT);
	note(c, "cmd %#lx (encoded size %u)", c->cmd, size);
}

static void out_bad(struct call *c, enum place p)
{
	struct obuf *o = &c->ob[c->target];

	o->place = p;
	note(c, "%s %s", D(c)->bufs[c->target].name, place_names[p]);
	/* PAGE: a path address of 0 with a path size is an argument error */
	if (c->ioc == I_PAGE && p == P_NULL)
		c->arg_err = EINVAL;
}

static void d_out_null(struct call *c)
{
	out_bad(c, P_NULL);
}

static void d_out_unmapped(struct call *c)
{
	out_bad(c, P_UNMAPPED);
}

static void d_out_ro(struct call *c)
{
	out_bad(c, P_RO);
}

static void d_out_kernel(struct call *c)
{
	out_bad(c, P_KERNEL);
}

static void d_out_cross(struct call *c)
{
	out_bad(c, P_CROSS);
}

/* The builder left buffer j with nothing to write: any bad address is fine. */
static void d_out_nowrite(struct call *c)
{
	static const enum place p[] = { P_NULL, P_UNMAPPED, P_RO, P_KERNEL };
	int j = c->target;

	c->ob[j].place = PICK(p);
	if (c->ioc == I_PAGE && c->ob[j].place == P_NULL)
		c->ob[j].place = P_KERNEL;	/* NULL would be EINVAL */
	note(c, "%s %s, nothing to write", D(c)->bufs[j].name, place_names[c->ob[j].place]);
}

/* The __u32 count field of the records buffer and its UAPI maximum. */
static void count_field(const struct call *c, size_t *off, uint32_t *max)
{
	switch (c->ioc) {
	case I_LIST:
		*off = offsetof(T_LI, max_vmas); *max = VMAINSPECT_LIST_MAX_VMAS;
		break;
	case I_RUNS:
		*off = offsetof(T_PR, max_runs); *max = VMAINSPECT_RUNS_MAX;
		break;
	case I_RMAP:
		*off = offsetof(T_RM, max_owners); *max = VMAINSPECT_OWNERS_MAX;
		break;
	default:
		*off = offsetof(T_KL, max_regions); *max = VMAINSPECT_KREGIONS_MAX;
		break;
	}
}

static void d_count_bad(struct call *c)
{
	size_t off;
	uint32_t max, v;

	count_field(c, &off, &max);
	switch (below(5)) {
	case 0:
		v = 0;
		break;
	case 1:
		v = max + 1;
		break;
	case 2:
		v = (uint32_t)range(max + 1, 0xffffffffU);
		break;
	case 3:	/* count * record size wraps in 32 bits */
		put32(c->a, D(c)->bufs[0].rec_off, PAGE);
		v = 0x00100001U;
		break;
	default:
		v = PICK(((const uint32_t[]){ 0xffffffffU, 0x80000000U, 0x01000001U }));
		break;
	}
	put32(c->a, off, v);
	c->arg_err = EINVAL;
	note(c, "count %u", v);
}

/* Every count and size at its UAPI maximum: must work. */
static void d_count_max(struct call *c)
{
	size_t off;
	uint32_t max, rs;

	if (c->ioc == I_FIND) {
		AS(c, T_FI)->strings_size = VMAINSPECT_STRINGS_MAX;
		c->ob[0].cap = VMAINSPECT_STRINGS_MAX;
		c->ob[0].place = P_BIG;
		note(c, "strings_size STRINGS_MAX");
		return;
	}
	if (c->ioc == I_PAGE) {
		AS(c, T_PG)->path_size = PATH_MAX_K;
		c->ob[0].cap = PATH_MAX_K;
		note(c, "path_size PATH_MAX");
		return;
	}
	count_field(c, &off, &max);
	rs = chance(50) ? PAGE : D(c)->bufs[0].krec;
	put32(c->a, off, max);
	put32(c->a, D(c)->bufs[0].rec_off, rs);
	c->ob[0].cap = (uint64_t)max * rs;
	c->ob[0].recsize = rs;
	c->ob[0].place = P_BIG;
	if (c->ioc == I_LIST) {
		AS(c, T_LI)->strings_size = VMAINSPECT_STRINGS_MAX;
		AS(c, T_LI)->start_addr = 0;
		c->ob[1].cap = VMAINSPECT_STRINGS_MAX;
		c->ob[1].place = P_BIG;
	}
	if (c->ioc == I_RUNS) {
		AS(c, T_PR)->start = 0;
		AS(c, T_PR)->end = task_size;
	}
	note(c, "count %u, record size %u", max, rs);
}

static void rec_field(const struct call *c, size_t *off)
{
	*off = D(c)->bufs[0].rec_off;
}

static void d_recsize_bad(struct call *c)
{
	uint32_t min = D(c)->bufs[0].minrec ? D(c)->bufs[0].minrec : D(c)->bufs[0].krec, v;
	size_t off;

	rec_field(c, &off);
	switch (below(4)) {
	case 0:
		v = (uint32_t)below(min);
		break;
	case 1:
		v = min - 1;
		break;
	case 2:
		v = PAGE + 1;
		break;
	default:
		v = PICK(((const uint32_t[]){ 2 * PAGE, 0x80000000U, 0xffffffffU, 0 }));
		break;
	}
	put32(c->a, off, v);
	c->arg_err = EINVAL;
	note(c, "record size %u", v);
}

/* A record size the module does not know: each tail zero-filled. */
static void d_recsize_ok(struct call *c)
{
	uint32_t krec = D(c)->bufs[0].krec, rs, n;
	size_t off, coff;
	uint32_t max;

	rs = chance(20) ? PAGE : (uint32_t)range(krec + 1, PAGE);
	rec_field(c, &off);
	count_field(c, &coff, &max);
	n = get32(c->a, coff);
	if ((uint64_t)n * rs > OUT_CAP)
		n = OUT_CAP / rs;
	put32(c->a, off, rs);
	put32(c->a, coff, n);
	c->ob[0].cap = (uint64_t)n * rs;
	c->ob[0].recsize = rs;
	c->ob[0].fill = true;
	c->post = POST_REC_TAILS;
	note(c, "record size %u, count %u", rs, n);
}

static void d_strsize_bad(struct call *c)
{
	static const uint32_t v[] = {
		VMAINSPECT_STRINGS_MAX + 1, 2 * VMAINSPECT_STRINGS_MAX, 0x80000000U, 0xffffffffU,
	};
	uint32_t s = PICK(v);
	T_PG *p = AS(c, T_PG);

	c->arg_err = EINVAL;
	if (c->ioc == I_LIST) {
		AS(c, T_LI)->strings_size = s;
	} else if (c->ioc == I_FIND) {
		AS(c, T_FI)->strings_size = s;
	} else {
		switch (below(3)) {
		case 0:
			p->path_size = chance(50) ? PATH_MAX_K + 1 : s;
			break;
		case 1:		/* a path buffer of size 0 */
			p->path_size = 0;
			c->ob[0].cap = 0;
			c->ob[0].place = P_NORMAL;
			break;
		default:	/* a size, no buffer */
			if (!p->path_size)
				p->path_size = 64;
			c->ob[0].place = P_NULL;
			break;
		}
		note(c, "path_size %u, path %s", p->path_size, place_names[c->ob[0].place]);
		return;
	}
	note(c, "strings_size %u", s);
}

static void d_nospace(struct call *c)
{
	uint32_t s = (uint32_t)range(0, strlen(data_path));

	if (c->ioc == I_LIST) {
		AS(c, T_LI)->start_addr = (uintptr_t)data_area;
		AS(c, T_LI)->strings_size = s;
	} else {
		AS(c, T_FI)->addr = data_addr();
		AS(c, T_FI)->strings_size = s;
	}
	c->ob[c->ioc == I_LIST].cap = s;
	c->work_err = ENOSPC;
	note(c, "strings_size %u at %s", s, data_path);
}

static void d_range_bad(struct call *c)
{
	T_PR *r = AS(c, T_PR);
	uint64_t t;

	switch (below(5)) {
	case 0:
		r->start += range(1, PAGE - 1);
		break;
	case 1:
		r->end -= range(1, PAGE - 1);
		break;
	case 2:
		r->end = r->start;
		break;
	case 3:
		t = r->start; r->start = r->end; r->end = t;
		break;
	default:
		r->start = r->end + PAGE * range(1, 1 << 20);
		break;
	}
	c->arg_err = EINVAL;
	note(c, "range [%#llx, %#llx)", (unsigned long long)r->start, (unsigned long long)r->end);
}

static void d_high(struct call *c)
{
	static const uint64_t ends[] = {
		0xfffffffffffff000ULL, 1ULL << 63, 0xffff800000000000ULL,
	};
	uint64_t a = above_all();

	switch (c->ioc) {
	case I_LIST:
		AS(c, T_LI)->start_addr = a;
		break;
	case I_FIND:
		AS(c, T_FI)->addr = a;
		break;
	case I_PATH:
		AS(c, T_PP)->addr = a;
		break;
	default: {
		T_PR *r = AS(c, T_PR);

		if (chance(50)) {	/* from user space to beyond TASK_SIZE */
			r->end = chance(50) ? PICK(ends) : task_size + PAGE * range(1, 1 << 20);
		} else {		/* all of it beyond */
			r->start = task_size + PAGE * below(1 << 20);
			r->end = chance(50) ? 0xfffffffffffff000ULL : r->start + PAGE;
		}
		a = r->end;
		note(c, "range [%#llx, %#llx)", (unsigned long long)r->start,
		     (unsigned long long)r->end);
		return;
	}
	}
	note(c, "address %#llx", (unsigned long long)a);
}

static void d_excl(struct call *c)
{
	uint32_t flags = get32(c->a, 4);
	size_t pfn_off = c->ioc == I_PAGE ? offsetof(T_PG, pfn) : offsetof(T_RM, pfn);
	size_t addr_off = c->ioc == I_PAGE ? offsetof(T_PG, addr) : offsetof(T_RM, addr);
	uint64_t v = range(1, ~0ULL);

	if (flags & VMAINSPECT_PAGE_BY_ADDR) {
		put64(c->a, pfn_off, v);
		note(c, "BY_ADDR with pfn %#llx", (unsigned long long)v);
	} else {
		put64(c->a, addr_off, v);
		note(c, "pfn with addr %#llx", (unsigned long long)v);
	}
	c->arg_err = EINVAL;
}

static void set_pfn(struct call *c, uint64_t pfn)
{
	size_t pfn_off = c->ioc == I_PAGE ? offsetof(T_PG, pfn) : offsetof(T_RM, pfn);
	size_t addr_off = c->ioc == I_PAGE ? offsetof(T_PG, addr) : offsetof(T_RM, addr);

	put32(c->a, 4, get32(c->a, 4) & ~VMAINSPECT_PAGE_BY_ADDR);
	put64(c->a, pfn_off, pfn);
	put64(c->a, addr_off, 0);
	c->needs_mm = false;
	if (c->ioc == I_RMAP)
		put64(c->a, offsetof(T_RM, cursor), 0);
	note(c, "pfn %#llx", (unsigned long long)pfn);
}

static void d_pfn_offline(struct call *c)
{
	set_pfn(c, offline_pfn());
	c->work_err = ENXIO;
}

static void d_pfn_ok(struct call *c)
{
	set_pfn(c, chance(30) ? 0 : random_ram_pfn());
	if (c->ioc == I_RMAP)
		c->alt_err = EAGAIN;
}

static void d_noframe(struct call *c)
{
	uint64_t v[] = {
		(uintptr_t)hole, 0, 0x1000, (uintptr_t)slot_arg.guard,
		(uintptr_t)slot_out[1].guard, task_size, ~0ULL, PICK(kspace),
	};
	uint64_t a = PICK(v) + below(PAGE);
	size_t pfn_off = c->ioc == I_PAGE ? offsetof(T_PG, pfn) : offsetof(T_RM, pfn);
	size_t addr_off = c->ioc == I_PAGE ? offsetof(T_PG, addr) : offsetof(T_RM, addr);

	if (a < PAGE && a)
		a = 0;
	put32(c->a, 4, get32(c->a, 4) | VMAINSPECT_PAGE_BY_ADDR);
	put64(c->a, pfn_off, 0);
	put64(c->a, addr_off, a);
	c->needs_mm = true;
	c->work_err = ENOENT;
	note(c, "BY_ADDR %#llx", (unsigned long long)a);
}

static void set_pid(struct call *c, uint32_t pid)
{
	AS(c, T_AT)->pid = pid;
	note(c, "pid %u (%d)", pid, (int)pid);
}

static void d_pid_bad(struct call *c)
{
	static const uint32_t v[] = {
		0, PID_MAX_LIMIT + 1, 0xffffffffU, 0xfffffffeU, 0x80000000U,
	};

	set_pid(c, chance(60) ? PICK(v) : (uint32_t)range(PID_MAX_LIMIT + 1, 0xffffffffU));
	c->arg_err = ESRCH;
}

static void d_pid_none(struct call *c)
{
	set_pid(c, chance(30) ? (uint32_t)reaped : (uint32_t)range(pid_max, PID_MAX_LIMIT));
	c->work_err = ESRCH;
}

static void d_pid_zombie(struct call *c)
{
	set_pid(c, (uint32_t)zombie);
	c->work_err = ESRCH;
}

static void d_pid_kthread(struct call *c)
{
	set_pid(c, (uint32_t)kthread);
	c->work_err = ESRCH;
}

static void d_pid_thread(struct call *c)
{
	set_pid(c, (uint32_t)tgt.tid);
	c->post = POST_TGID;
}

static void d_session(struct call *c)
{
	if (c->sess == S_UNPRIV && (c->ioc == I_PATH || c->ioc == I_RUNS))
		c->post = POST_PFN_HIDDEN;
	if ((c->sess == S_UNPRIV || c->sess == S_NOKPTR) &&
	    (c->ioc == I_KLAYOUT || c->ioc == I_PAGE))
		c->post = POST_KADDR_HIDDEN;
}

/* ---- the defect classes ---- */

enum sess_policy { SP_ANY, SP_ATTACHED, SP_NONE, SP_DEAD, SP_UNPRIV, SP_NOKPTR };

struct defect {
	const char *name;
	void (*apply)(struct call *c);
	unsigned int iocs;		/* bit per enum ioc */
	enum want want;
	enum sess_policy sp;
	/* results */
	unsigned long calls, bad;
	unsigned int seen_iocs;
	char report[MAX_REPORT][256];
};

#define ALL		((1U << NR_IOC) - 1)
#define B(i)		(1U << (i))
#define NOT_ATTACH	(ALL & ~B(I_ATTACH))
#define BUFS		(B(I_LIST) | B(I_FIND) | B(I_RUNS) | B(I_PAGE) | B(I_RMAP) | B(I_KLAYOUT))
#define RECS		(B(I_LIST) | B(I_RUNS) | B(I_RMAP) | B(I_KLAYOUT))
#define FRAMES		(B(I_PAGE) | B(I_RMAP))

#define DEF(n, f, i, w, s)	{ .name = n, .apply = f, .iocs = i, .want = w, .sp = s }

static struct defect defects[] = {
	DEF("valid arguments", d_valid, ALL, W_ANY, SP_ANY),
	DEF("size 0", d_size0, ALL, W_ANY, SP_ANY),
	DEF("size 1..sizeof-1", d_size_short, ALL, W_ANY, SP_ANY),
	DEF("size > PAGE_SIZE", d_size_huge, ALL, W_ANY, SP_ANY),
	DEF("larger struct, a non-zero tail byte", d_tail_nonzero, ALL, W_ANY, SP_ANY),
	DEF("larger struct, zero tail", d_tail_zero, ALL, W_ANY, SP_ANY),
	DEF("unknown flag bit", d_flag, ALL, W_ANY, SP_ANY),
	DEF("reserved field non-zero", d_reserved, ALL, W_ANY, SP_ANY),
	DEF("output fields set on input", d_out_garbage, ALL, W_ANY, SP_ANY),
	DEF("argument pointer NULL", d_arg_null, ALL, W_ANY, SP_ANY),
	DEF("argument pointer unmapped", d_arg_unmapped, ALL, W_ANY, SP_ANY),
	DEF("argument pointer in kernel space or non-canonical", d_arg_kernel, ALL, W_ANY, SP_ANY),
	DEF("argument in a read-only page", d_arg_ro, ALL, W_ANY, SP_ANY),
	DEF("argument pointer unaligned", d_arg_unaligned, ALL, W_ANY, SP_ANY),
	DEF("argument crosses into a guard page", d_arg_cross, ALL, W_ANY, SP_ANY),
	DEF("zero tail crosses into a guard page", d_tail_cross, ALL, W_ANY, SP_ANY),
	DEF("unknown ioctl number", d_cmd_unknown, ALL, W_ANY, SP_ANY),
	DEF("ioctl number with another encoded size", d_cmd_size, ALL, W_ANY, SP_ANY),
	DEF("output buffer NULL", d_out_null, BUFS, W_WRITE, SP_ATTACHED),
	DEF("output buffer unmapped", d_out_unmapped, BUFS, W_WRITE, SP_ATTACHED),
	DEF("output buffer read-only", d_out_ro, BUFS, W_WRITE, SP_ATTACHED),
	DEF("output buffer in kernel space", d_out_kernel, BUFS, W_WRITE, SP_ATTACHED),
	DEF("output buffer crosses into a guard page", d_out_cross, BUFS, W_WRITE, SP_ATTACHED),
	DEF("bad output buffer, nothing to write there", d_out_nowrite, BUFS & ~B(I_KLAYOUT),
	  W_NOWRITE, SP_ATTACHED),
	DEF("count 0, above the UAPI maximum, or wrapping count*size", d_count_bad, RECS,
	  W_ANY, SP_ANY),
	DEF("counts and sizes at the UAPI maximum", d_count_max, RECS | B(I_FIND) | B(I_PAGE),
	  W_WRITE, SP_ATTACHED),
	DEF("record size below VER0 or above PAGE_SIZE", d_recsize_bad, RECS, W_ANY, SP_ANY),
	DEF("record size above sizeof (tails zero-filled)", d_recsize_ok, RECS, W_WRITE,
	  SP_ATTACHED),
	DEF("string or path area size invalid", d_strsize_bad, B(I_LIST) | B(I_FIND) | B(I_PAGE),
	  W_ANY, SP_ANY),
	DEF("string area too small for the first name", d_nospace, B(I_LIST) | B(I_FIND),
	  W_ANY, SP_ATTACHED),
	DEF("range unaligned, empty or backwards", d_range_bad, B(I_RUNS), W_ANY, SP_ANY),
	DEF("addresses beyond TASK_SIZE", d_high, B(I_LIST) | B(I_FIND) | B(I_PATH) | B(I_RUNS),
	  W_ANY, SP_ATTACHED),
	DEF("pfn and addr both given", d_excl, FRAMES, W_ANY, SP_ANY),
	DEF("pfn with no online struct page", d_pfn_offline, FRAMES, W_ANY, SP_ATTACHED),
	DEF("pfn 0 and random RAM frames", d_pfn_ok, FRAMES, W_ANY, SP_ANY),
	DEF("BY_ADDR at an address with no frame", d_noframe, FRAMES, W_ANY, SP_ATTACHED),
	DEF("attach: pid 0, negative, above PID_MAX_LIMIT", d_pid_bad, B(I_ATTACH), W_ANY, SP_ANY),
	DEF("attach: no such process", d_pid_none, B(I_ATTACH), W_ANY, SP_ANY),
	DEF("attach: zombie child", d_pid_zombie, B(I_ATTACH), W_ANY, SP_ANY),
	DEF("attach: kernel thread (kthreadd)", d_pid_kthread, B(I_ATTACH), W_ANY, SP_ANY),
	DEF("attach: thread of a multi-threaded child", d_pid_thread, B(I_ATTACH), W_ANY, SP_ANY),
	DEF("query before any attach", d_session, NOT_ATTACH, W_ANY, SP_NONE),
	DEF("query after the attached child exited", d_session, NOT_ATTACH, W_ANY, SP_DEAD),
	DEF("device opened without CAP_SYS_ADMIN", d_session, ALL, W_ANY, SP_UNPRIV),
	DEF("device opened by root under kptr_restrict=2", d_session, NOT_ATTACH, W_ANY,
	    SP_NOKPTR),
};

#define NR_DEFECTS	((int)ARRAY_SIZE(defects))

/* Results of the checks every call gets. */
static unsigned long guard_calls, guard_bad, unchanged_calls, unchanged_bad;
static char guard_report[MAX_REPORT][256], unchanged_report[MAX_REPORT][256];

static enum sess_id pick_session(const struct call *c, enum sess_policy sp)
{
	static const enum sess_id any[] = {
		S_SELF, S_SELF, S_SELF, S_CHILD, S_CHILD, S_CHILD, S_UNPRIV, S_NOKPTR, S_NONE,
		S_DEAD,
	};

	if (c->ioc == I_ATTACH)
		return sp == SP_UNPRIV ? S_SCRATCH_UNPRIV : S_SCRATCH;
	switch (sp) {
	case SP_ATTACHED:
		return chance(50) ? S_SELF : S_CHILD;
	case SP_NONE:
		return S_NONE;
	case SP_DEAD:
		return S_DEAD;
	case SP_UNPRIV:
		return S_UNPRIV;
	case SP_NOKPTR:
		return S_NOKPTR;
	case SP_ANY:
		break;
	}
	return PICK(any);
}

/* ---- the model: which errno the module must give ---- */

static bool bad_place(enum place p)
{
	return p != P_NORMAL && p != P_BIG;
}

static int expected(const struct call *c)
{
	const struct session *s = &sess[c->sess];
	int j;

	if (c->cmd_err)
		return c->cmd_err;
	if (c->arg_err)
		return c->arg_err;
	if (c->needs_frames && (!s->priv || !frames_ok))
		return EPERM;
	if (c->needs_kaddr && (!s->priv || s->nokptr || !kaddr_visible))
		return EPERM;
	if (c->needs_mm && s->state != ST_ATTACHED)
		return s->state == ST_NONE ? ENXIO : ESRCH;
	if (c->work_err)
		return c->work_err;
	for (j = 0; j < D(c)->nr_bufs; j++)
		if (bad_place(c->ob[j].place) && c->ob[j].written)
			return EFAULT;
	if (c->argmode == A_RO)
		return EFAULT;
	return 0;
}

/* ---- placing the call in memory, guard windows ---- */

struct win {
	unsigned char *p;
	size_t n;
};

static struct win wins[8];
static int nr_wins;

/* A window of [p, p + n) clipped to [lo, hi), pattern-filled. */
static void add_win(char *p, ptrdiff_t n, const char *lo, const char *hi)
{
	char *s = p, *e = p + n;

	if (s < lo)
		s = (char *)lo;
	if (e > hi)
		e = (char *)hi;
	if (e <= s || nr_wins == (int)ARRAY_SIZE(wins))
		return;
	memset(s, PAT, (size_t)(e - s));
	wins[nr_wins].p = (unsigned char *)s;
	wins[nr_wins].n = (size_t)(e - s);
	nr_wins++;
}

static void guard_around(char *p, size_t len, const struct slot *s)
{
	add_win(p - WIN, WIN, s->base, s->guard);
	add_win(p + len, WIN, s->base, s->guard);
}

static uint64_t unmapped_addr(void)
{
	const uint64_t v[] = {
		(uintptr_t)hole, (uintptr_t)slot_arg.guard, (uintptr_t)slot_out[0].guard,
		0x1000, 0x10000,
	};

	return PICK(v) + below(PAGE / 8) * 8;
}

static char *place_out(struct call *c, int j)
{
	struct obuf *o = &c->ob[j];
	const struct slot *s = &slot_out[j];
	size_t room, off, k;

	switch (o->place) {
	case P_NULL:
		return NULL;
	case P_UNMAPPED:
		return (char *)(uintptr_t)unmapped_addr();
	case P_KERNEL:
		return (char *)(uintptr_t)PICK(kspace);
	case P_RO:
		return ro_ro + below(64) * 8;
	case P_BIG:
		return big + (j ? BIG_SPLIT : 0);
	case P_CROSS:
		k = o->min_written > 1 ? range(1, o->min_written - 1) : 1;
		if (k > 16 && chance(50))
			k = range(1, 16);
		o->addr = s->guard - k;
		guard_around(o->addr, k, s);
		note(c, "%zu bytes before the guard", k);
		return o->addr;
	case P_NORMAL:
		break;
	}
	room = s->len - 2 * WIN - (o->cap < s->len - 2 * WIN ? o->cap : s->len - 2 * WIN);
	off = WIN + below(room + 1);
	if (chance(80))
		off &= ~(size_t)7;
	o->addr = s->base + off;
	if (o->fill)
		memset(o->addr, PAT, o->cap);
	guard_around(o->addr, o->cap, s);
	return o->addr;
}

static char *place_arg(struct call *c)
{
	const struct slot *s = &slot_arg;
	size_t off;
	char *p;

	switch (c->argmode) {
	case A_NULL:
		return NULL;
	case A_UNMAPPED:
		return (char *)(uintptr_t)unmapped_addr();
	case A_KERNEL:
		return (char *)(uintptr_t)PICK(kspace);
	case A_RO:
		off = below((PAGE - c->span) / 8 + 1) * 8;
		memcpy(ro_rw + off, c->a, c->span);
		return ro_ro + off;
	case A_CROSS:
	case A_TAILCROSS:
		p = s->guard - c->cross;
		memcpy(p, c->a, c->cross);
		add_win(p - WIN, WIN, s->base, s->guard);
		return p;
	case A_UNALIGNED:
	case A_NORMAL:
		break;
	}
	off = WIN + below(PAGE / 8) * 8;
	if (c->argmode == A_UNALIGNED)
		off += range(1, 7);
	p = s->base + off;
	memcpy(p, c->a, c->span);
	guard_around(p, c->span, s);
	return p;
}

static void record(char report[][256], unsigned long bad, const char *fmt, ...)
{
	va_list ap;

	if (bad > MAX_REPORT)
		return;
	va_start(ap, fmt);
	vsnprintf(report[bad - 1], 256, fmt, ap);
	va_end(ap);
}

/* Nothing outside the buffers changed; a failed call left the argument. */
static void check_memory(struct call *c, int got)
{
	uint32_t ks = D(c)->ksize;
	size_t i, k;
	int w;

	guard_calls++;
	for (w = 0; w < nr_wins; w++)
		for (k = 0; k < wins[w].n; k++)
			if (wins[w].p[k] != PAT) {
				guard_bad++;
				record(guard_report, guard_bad, "#%lu %s [%s] %s: byte %p = %#x",
				       c->idx, D(c)->name, sess[c->sess].name, c->detail,
				       (void *)(wins[w].p + k), wins[w].p[k]);
				return;
			}
	if (c->argmode != A_NORMAL && c->argmode != A_UNALIGNED && c->argmode != A_CROSS &&
	    c->argmode != A_TAILCROSS)
		return;
	unchanged_calls++;
	k = (c->argmode == A_CROSS || c->argmode == A_TAILCROSS) ? c->cross : c->span;
	for (i = got ? 0 : ks; i < k; i++)
		if ((unsigned char)c->argp[i] != c->a[i]) {
			unchanged_bad++;
			record(unchanged_report, unchanged_bad,
			       "#%lu %s [%s] %s: %s, byte %zu of the argument changed",
			       c->idx, D(c)->name, sess[c->sess].name, c->detail, errname(got), i);
			return;
		}
}

/* Extra checks of a successful call; NULL if fine. */
static const char *post_check(const struct call *c, char *why, size_t n)
{
	const struct obuf *o = &c->ob[0];
	const unsigned char *r;
	uint32_t nr, i, k, krec;

	switch (c->post) {
	case POST_NONE:
		return NULL;
	case POST_TGID:
		if (((const T_AT *)(const void *)c->argp)->tgid != (uint32_t)tgt.pid) {
			snprintf(why, n, "tgid %u, expected %d",
				 ((const T_AT *)(const void *)c->argp)->tgid, (int)tgt.pid);
			return why;
		}
		return NULL;
	case POST_PFN_HIDDEN:
		k = c->ioc == I_PATH ? ((const T_PP *)(const void *)c->argp)->out_flags :
				       ((const T_PR *)(const void *)c->argp)->out_flags;
		if (!(k & VMAINSPECT_PT_PFN_HIDDEN)) {
			snprintf(why, n, "out_flags %#x without PFN_HIDDEN", k);
			return why;
		}
		return NULL;
	case POST_KADDR_HIDDEN:
		if (c->ioc == I_PAGE && ((const T_PG *)(const void *)c->argp)->anon_vma) {
			snprintf(why, n, "anon_vma %#llx shown",
				 (unsigned long long)((const T_PG *)(const void *)c->argp)->anon_vma);
			return why;
		}
		k = c->ioc == I_KLAYOUT ? ((const T_KL *)(const void *)c->argp)->out_flags :
					  VMAINSPECT_KL_HIDDEN;
		if (!(k & VMAINSPECT_KL_HIDDEN)) {
			snprintf(why, n, "out_flags %#x without KL_HIDDEN", k);
			return why;
		}
		return NULL;
	case POST_REC_TAILS:
		break;
	}
	nr = get32(c->argp, D(c)->bufs[0].cnt_off);
	krec = D(c)->bufs[0].krec;
	if ((uint64_t)nr * o->recsize > o->cap) {
		snprintf(why, n, "count %u beyond the buffer", nr);
		return why;
	}
	r = (const unsigned char *)o->addr;
	for (i = 0; i < nr; i++)
		for (k = krec; k < o->recsize; k++)
			if (r[(size_t)i * o->recsize + k]) {
				snprintf(why, n, "record %u byte %u not zero-filled", i, k);
				return why;
			}
	for (k = nr * o->recsize; k < o->cap; k++)
		if (r[k] != PAT) {
			snprintf(why, n, "byte %u written after %u records", k, nr);
			return why;
		}
	return NULL;
}

static void run_call(struct call *c, struct defect *d)
{
	char why[128];
	const char *bad;
	int j, exp, got;

	nr_wins = 0;
	for (j = 0; j < D(c)->nr_bufs; j++)
		put64(c->a, D(c)->bufs[j].ptr_off, (uintptr_t)place_out(c, j));
	c->argp = place_arg(c);
	exp = expected(c);
	got = ioctl(sess[c->sess].fd, c->cmd, c->argp) ? errno : 0;
	check_memory(c, got);

	d->calls++;
	d->seen_iocs |= B(c->ioc);
	bad = NULL;
	if (got != exp && !(c->alt_err && got == c->alt_err)) {
		snprintf(why, sizeof(why), "got %s, expected %s", errname(got), errname(exp));
		bad = why;
	} else if (!got) {
		bad = post_check(c, why, sizeof(why));
	}
	if (bad) {
		d->bad++;
		record(d->report, d->bad, "#%lu %s [%s] %s: %s", c->idx, D(c)->name,
		       sess[c->sess].name, c->detail, bad);
	}
	if (c->ob[0].place == P_BIG || c->ob[1].place == P_BIG)
		madvise(big, BIG_LEN, MADV_DONTNEED);
}

/* One call: (ioctl, defect) with the seed's choices. */
static void one_call(unsigned long idx, enum ioc ioc, int di)
{
	static struct call c;
	struct defect *d = &defects[di];
	int j = 0;

	memset(&c, 0, sizeof(c));
	c.idx = idx;
	c.ioc = ioc;
	c.defect = di;
	c.cmd = iocs[ioc].cmd;
	c.argmode = A_NORMAL;
	c.sess = pick_session(&c, d->sp);
	if (iocs[ioc].nr_bufs)
		j = (int)below(iocs[ioc].nr_bufs);
	c.target = j;
	build(&c, j, d->want);
	c.span = iocs[ioc].ksize;
	d->apply(&c);
	run_call(&c, d);
}

/* ---- the fuzz loop and its report ---- */

struct pair {
	uint8_t ioc, defect;
};

static void fuzz(unsigned long calls)
{
	static struct pair pairs[NR_IOC * ARRAY_SIZE(defects)];
	unsigned long i, np = 0;
	int di, k, n;
	unsigned int x;

	for (di = 0; di < NR_DEFECTS; di++)
		for (x = 0; x < NR_IOC; x++)
			if (defects[di].iocs & B(x)) {
				pairs[np].ioc = (uint8_t)x;
				pairs[np].defect = (uint8_t)di;
				np++;
			}
	/* every pair once (in a shuffled order), then at random */
	for (i = np; i > 1; i--) {
		struct pair t = pairs[i - 1];
		unsigned long r = below(i);

		pairs[i - 1] = pairs[r];
		pairs[r] = t;
	}
	for (i = 0; i < calls; i++) {
		const struct pair *p = &pairs[i < np ? i : below(np)];

		one_call(i, (enum ioc)p->ioc, p->defect);
	}

	for (di = 0; di < NR_DEFECTS; di++) {
		struct defect *d = &defects[di];

		for (n = 0, x = d->seen_iocs; x; x &= x - 1)
			n++;
		if (!d->calls)
			continue;
		if (!d->bad) {
			pass("fuzz: %s: %lu calls over %d ioctls, all gave the expected errno",
			     d->name, d->calls, n);
			continue;
		}
		fail("fuzz: %s: %lu of %lu calls wrong; first: %s", d->name, d->bad, d->calls,
		     d->report[0]);
		for (k = 1; k < MAX_REPORT && (unsigned long)k < d->bad; k++)
			info("  also %s", d->report[k]);
	}
	if (!guard_bad)
		pass("fuzz: no write outside the caller's buffers (%lu calls)", guard_calls);
	else
		fail("fuzz: writes outside the caller's buffers in %lu of %lu calls; first: %s",
		     guard_bad, guard_calls, guard_report[0]);
	if (!unchanged_bad)
		pass("fuzz: failed calls leave the argument struct unchanged (%lu calls)",
		     unchanged_calls);
	else
		fail("fuzz: argument struct changed in %lu of %lu calls; first: %s",
		     unchanged_bad, unchanged_calls, unchanged_report[0]);
	info("fuzz: %lu calls", calls);
}

/* ---- setup probes ---- */

static uint64_t frame_of(int fd, uint64_t addr, char *path, uint32_t path_size, int *err)
{
	struct vmainspect_page p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_BY_ADDR;
	p.addr = addr;
	p.path = (uintptr_t)path;
	p.path_size = path ? path_size : 0;
	*err = ioctl(fd, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
	return p.pfn;
}

static void probe(void)
{
	struct vmainspect_klayout k;
	struct vmainspect_layout l;
	static struct vmainspect_kregion regs[VMAINSPECT_KREGIONS_MAX];
	char path[PATH_MAX_K], buf[32];
	int e;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	if (ioctl(sess[S_SELF].fd, VMAINSPECT_IOC_LAYOUT, &l))
		die("LAYOUT of self");
	task_size = l.task_size;

	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.regions = (uintptr_t)regs;
	k.region_size = sizeof(regs[0]);
	k.max_regions = VMAINSPECT_KREGIONS_MAX;
	if (ioctl(sess[S_SELF].fd, VMAINSPECT_IOC_KLAYOUT, &k))
		die("KLAYOUT");
	kaddr_visible = !(k.out_flags & VMAINSPECT_KL_HIDDEN);
	if (kaddr_visible && (k.out_flags & VMAINSPECT_KL_IMAGE_KNOWN))
		kimage = k.image_start + 0x1000;
	if (!kaddr_visible)
		info("kernel addresses hidden from this root (kptr_restrict, lockdown?): KADDR expects EPERM");

	anon_pfn = frame_of(sess[S_SELF].fd, (uintptr_t)anon_area, NULL, 0, &e);
	if (e == EPERM) {
		frames_ok = false;
		info("PAGE refused to root (lockdown?): PAGE and RMAP expect EPERM");
	} else if (e) {
		errno = e;
		die("PAGE of an anonymous page of ours");
	} else {
		path[0] = 0;
		data_pfn = frame_of(sess[S_SELF].fd, (uintptr_t)data_area, path, sizeof(path), &e);
		if (e || strcmp(path, data_fs_path))
			fail("setup: PAGE of %s gives path \"%s\" (%s), expected \"%s\"",
			     data_path, path, errname(e), data_fs_path);
	}

	if (!ram_from_sysfs())
		ram_from_iomem();
	clip_ram(k.ram_end);
	if (!nr_ram)
		die("no RAM ranges in sysfs or /proc/iomem");
	if (!read_file("/proc/sys/kernel/pid_max", buf, sizeof(buf)))
		pid_max = (uint32_t)strtoul(buf, NULL, 10);
	info("fuzz: task_size %#llx, RAM pfns up to %#llx in %d ranges, pid_max %u",
	     (unsigned long long)task_size, (unsigned long long)ram_top, nr_ram, pid_max);
}

/* ---- fault injection (fail-nth) ---- */

#define FI_DIR	"/sys/kernel/debug"

struct knob {
	const char *path, *val;
	char old[32];
	bool set;
};

/*
 * fail-nth overrides probability, interval, times and task-filter, but
 * not the per-capability filters: GFP_KERNEL (and highmem) allocations
 * are exempt by default, and fail_page_alloc skips order 0.  verbose 0:
 * no stack dump per injected fault.  task-filter Y: should anyone set a
 * probability meanwhile, only make-it-fail tasks would see random faults.
 */
static struct knob knobs[] = {
	{ .path = FI_DIR "/failslab/verbose", .val = "0" },
	{ .path = FI_DIR "/failslab/ignore-gfp-wait", .val = "N" },
	{ .path = FI_DIR "/failslab/task-filter", .val = "Y" },
	{ .path = FI_DIR "/fail_page_alloc/verbose", .val = "0" },
	{ .path = FI_DIR "/fail_page_alloc/ignore-gfp-wait", .val = "N" },
	{ .path = FI_DIR "/fail_page_alloc/ignore-gfp-highmem", .val = "N" },
	{ .path = FI_DIR "/fail_page_alloc/min-order", .val = "0" },
	{ .path = FI_DIR "/fail_page_alloc/task-filter", .val = "Y" },
	{ .path = FI_DIR "/fail_usercopy/verbose", .val = "0" },
	{ .path = FI_DIR "/fail_usercopy/task-filter", .val = "Y" },
};

static void knobs_set(void)
{
	size_t i;
	char *nl;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (read_file(knobs[i].path, knobs[i].old, sizeof(knobs[i].old)))
			continue;
		nl = strchr(knobs[i].old, '\n');
		if (nl)
			*nl = 0;
		if (write_file(knobs[i].path, knobs[i].val))
			info("fail-nth: cannot set %s: %s", knobs[i].path, strerror(errno));
		else
			knobs[i].set = true;
	}
}

static void knobs_restore(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].set)
			write_file(knobs[i].path, knobs[i].old);
}

/*
 * A new target for every try, so that a publishing call (ATTACH_DEBUGFS,
 * PAGE_DEBUGFS) creates its directory each time instead of finding it.
 */
enum fresh {
	FRESH_NONE,
	FRESH_PID,		/* ATTACH: a new child of the runner */
	FRESH_FRAME,		/* PAGE BY_ADDR: a new anonymous page of the runner */
};

/* One ioctl or one debugfs file, with valid arguments. */
struct fi_case {
	char name[200];
	unsigned long cmd;		/* 0: read the file at path */
	unsigned char arg[1024];
	char path[160];
	pid_t attach;			/* attach the fd to this first (0: no, -1: self) */
	enum fresh fresh;
	uid_t uid;			/* run as this user (0: root) */
};

/* Shared with the runner process. */
struct fi_result {
	int n;				/* the fault being tried */
	int injected;			/* faults the call consumed */
	int failed;			/* ... and failed cleanly with */
	int tolerated;			/* ... and succeeded anyway */
	int bad_n, bad_err;		/* first disallowed errno */
	int nofault_err;		/* failed without an injected fault */
	int done;			/* the call succeeded, fault not consumed */
	int setup_err;
	int published, incomplete;	/* fresh directories, and with a file missing */
	char missing[160];
};

static struct fi_result *fires;

/*
 * A failing call may give ENOMEM, EFAULT or EINTR; an ATTACH (or the open
 * of a <pid>/ debugfs file, which checks the same way) also ENOENT: the
 * module asks procfs, and procfs answers ENOENT when it cannot allocate
 * the /proc/<pid> inode (proc_pident_instantiate()), as `cat` would get.
 */
static bool fi_allowed(const struct fi_case *fc, int e)
{
	if (e == ENOENT && (fc->cmd == VMAINSPECT_IOC_ATTACH ||
			    (!fc->cmd && !strstr(fc->path, "/self/") &&
			     !strstr(fc->path, "/frames/") &&
			     !strstr(fc->path, "kernel_layout"))))
		return true;
	return e == ENOMEM || e == EFAULT || e == EINTR;
}

/*
 * The call under test: 0 or errno.  A file is opened, read to the end and
 * closed, all under fault injection: its open decides access and takes
 * the mm (src/debugfs.c), its reads render.
 */
static int fi_do(const struct fi_case *fc, int fd, void *arg)
{
	static char buf[65536];
	int file, e = 0;
	ssize_t r;

	if (fc->cmd)
		return ioctl(fd, fc->cmd, arg) ? errno : 0;
	file = open(fc->path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return errno;
	while ((r = read(file, buf, sizeof(buf))) > 0)
		;
	if (r < 0)
		e = errno;
	close(file);
	return e;
}

/* After a successful publishing call: are all the files there? */
static void fi_check_published(const struct fi_case *fc, const void *arg,
			       struct fi_result *res)
{
	static const char *const pid_files[] = { "layout", "maps", "pagetables" };
	static const char *const frame_files[] = { "page", "rmap" };
	const char *const *files = pid_files;
	size_t i, nr = ARRAY_SIZE(pid_files);
	char dir[64], path[160];

	if (fc->fresh == FRESH_PID) {
		snprintf(dir, sizeof(dir), "%d", (int)((const T_AT *)arg)->pid);
	} else {
		snprintf(dir, sizeof(dir), "frames/%#llx",
			 (unsigned long long)((const T_PG *)arg)->pfn);
		files = frame_files;
		nr = ARRAY_SIZE(frame_files);
	}
	res->published++;
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), FI_DIR "/vmainspect/%s/%s", dir, files[i]);
		if (access(path, F_OK)) {
			if (!res->incomplete++)
				memcpy(res->missing, path, sizeof(res->missing));
			return;
		}
	}
}

/* Before a try: a new target; 0 or the child to reap afterwards. */
static pid_t fi_fresh(const struct fi_case *fc, unsigned char *arg, void **page)
{
	pid_t pid;

	*page = NULL;
	if (fc->fresh == FRESH_FRAME) {
		*page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (*page == MAP_FAILED)
			_exit(1);
		memset(*page, 0x77, PAGE);
		((T_PG *)(void *)arg)->addr = (uintptr_t)*page;
		return 0;
	}
	if (fc->fresh != FRESH_PID)
		return 0;
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (!pid) {
		for (;;)
			pause();
	}
	((T_AT *)(void *)arg)->pid = (uint32_t)pid;
	return pid;
}

/* The runner's identity: root, or fc->uid with a dumpable /proc (own children). */
static void fi_become(const struct fi_case *fc, struct fi_result *res)
{
	if (!fc->uid)
		return;
	if (drop_to(fc->uid) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		res->setup_err = errno;
		_exit(0);
	}
}

static void fi_runner(const struct fi_case *fc, struct fi_result *res)
{
	static unsigned char arg[1024];
	char buf[32];
	int fd = -1, fn, e, n, len;
	pid_t child;
	void *page;
	ssize_t r;

	alarm(600);
	/* opened as root: after setuid /proc/self may not be ours to open */
	fn = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fn < 0) {
		res->setup_err = errno;
		_exit(0);
	}
	fi_become(fc, res);
	if (fc->cmd) {
		fd = open(VMAINSPECT_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0 || (fc->attach &&
			       vmi_attach(fd, fc->attach < 0 ? getpid() : fc->attach, 0))) {
			res->setup_err = errno ? errno : EINVAL;
			_exit(0);
		}
	}
	for (n = 1; n <= FI_MAX; n++) {
		res->n = n;
		memcpy(arg, fc->arg, sizeof(arg));
		child = fi_fresh(fc, arg, &page);
		len = snprintf(buf, sizeof(buf), "%d", n);
		if (write(fn, buf, (size_t)len) != len) {
			res->setup_err = errno;
			_exit(0);
		}
		e = fi_do(fc, fd, arg);
		r = pread(fn, buf, sizeof(buf) - 1, 0);
		/* if a leftover fault takes this write, the count is 0 anyway */
		len = (int)write(fn, "0", 1);
		if (!e && fc->fresh && !fc->uid)
			fi_check_published(fc, arg, res);
		if (child > 0) {
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
		}
		if (page)
			munmap(page, PAGE);
		if (r > 0) {
			buf[r] = 0;
			r = strtol(buf, NULL, 10);
		} else {
			r = -1;		/* pread took the fault: the call did not */
		}
		if (r == 0) {
			res->injected++;
			if (!e) {
				res->tolerated++;
			} else if (fi_allowed(fc, e)) {
				res->failed++;
			} else if (!res->bad_n) {
				res->bad_n = n;
				res->bad_err = e;
			}
			continue;
		}
		if (e)
			res->nofault_err = e;
		else
			res->done = 1;
		break;
	}
	_exit(0);
}

static void fi_run(const struct fi_case *fc)
{
	struct fi_result *res = fires;
	time_t deadline = time(NULL) + 660;
	int status = 0;
	pid_t pid, w;

	memset(res, 0, sizeof(*res));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		fi_runner(fc, res);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && time(NULL) < deadline)
		usleep(10000);
	if (w == 0) {
		fail("fail-nth: %s: hung in the kernel at fault %d", fc->name, res->n);
		kill(pid, SIGKILL);
		return;
	}
	if (WIFSIGNALED(status)) {
		fail("fail-nth: %s: runner killed by signal %d at fault %d", fc->name,
		     WTERMSIG(status), res->n);
		return;
	}
	if (res->setup_err) {
		fail("fail-nth: %s: setup failed: %s", fc->name, errname(res->setup_err));
		return;
	}
	if (res->bad_n)
		fail("fail-nth: %s: fault %d gave %s (only ENOMEM, EFAULT, EINTR, and procfs's ENOENT for an attach, allowed); %d faults",
		     fc->name, res->bad_n, errname(res->bad_err), res->injected);
	else if (res->nofault_err)
		fail("fail-nth: %s: failed with %s without an injected fault (at try %d)",
		     fc->name, errname(res->nofault_err), res->n);
	else if (!res->done)
		pass("fail-nth: %s: %d faults injected (%d failed cleanly, %d tolerated), stopped after %d tries",
		     fc->name, res->injected, res->failed, res->tolerated, FI_MAX);
	else
		pass("fail-nth: %s: %d faults injected (%d failed cleanly, %d tolerated)",
		     fc->name, res->injected, res->failed, res->tolerated);
	if (res->incomplete)
		info("fail-nth: %s: %d of %d directories published under fault injection lack a file, first %s",
		     fc->name, res->incomplete, res->published, res->missing);
}

static void fi_ioctl(const char *name, unsigned long cmd, const void *arg, size_t len,
		     pid_t attach, enum fresh fresh, uid_t uid)
{
	static struct fi_case fc;

	memset(&fc, 0, sizeof(fc));
	snprintf(fc.name, sizeof(fc.name), "ioctl %s", name);
	fc.cmd = cmd;
	memcpy(fc.arg, arg, len);
	fc.attach = attach;
	fc.fresh = fresh;
	fc.uid = uid;
	fi_run(&fc);
}

static void fi_ioctls(void)
{
	static char strings[16384], path[PATH_MAX_K];
	static struct vmainspect_kregion regs[VMAINSPECT_KREGIONS_MAX];
	union {
		T_AT at; T_LY ly; T_LI li; T_FI fi; T_PP pp; T_PR pr; T_PG pg; T_RM rm;
		T_KL kl; T_KA ka;
	} u;

#define FI(n, cmd, field, who)	fi_ioctl(n, cmd, &u.field, sizeof(u.field), who, FRESH_NONE, 0)
	memset(&u, 0, sizeof(u));
	u.at.size = sizeof(u.at);
	u.at.pid = fi_tgt.pid;
	u.at.flags = VMAINSPECT_ATTACH_DEBUGFS;
	FI("ATTACH (child, DEBUGFS)", VMAINSPECT_IOC_ATTACH, at, 0);
	fi_ioctl("ATTACH (a new child each try, DEBUGFS)", VMAINSPECT_IOC_ATTACH, &u.at,
		 sizeof(u.at), 0, FRESH_PID, 0);
	u.at.flags = 0;
	fi_ioctl("ATTACH (uid 1000, a new child of its own each try)", VMAINSPECT_IOC_ATTACH,
		 &u.at, sizeof(u.at), 0, FRESH_PID, 1000);
	u.at.pid = getpid();
	FI("ATTACH (another process)", VMAINSPECT_IOC_ATTACH, at, 0);

	memset(&u, 0, sizeof(u));
	u.ly.size = sizeof(u.ly);
	FI("LAYOUT", VMAINSPECT_IOC_LAYOUT, ly, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.li.size = sizeof(u.li);
	u.li.vmas = (uintptr_t)big;
	u.li.vma_size = sizeof(struct vmainspect_vma) + 8;
	u.li.max_vmas = VMAINSPECT_LIST_MAX_VMAS;
	u.li.strings = (uintptr_t)big + BIG_SPLIT;
	u.li.strings_size = VMAINSPECT_STRINGS_MAX;
	FI("LIST_VMAS (UAPI maximum counts)", VMAINSPECT_IOC_LIST_VMAS, li, fi_tgt.pid);
	u.li.vmas = (uintptr_t)slot_out[0].base;
	u.li.vma_size = sizeof(struct vmainspect_vma);
	u.li.max_vmas = 16;
	u.li.strings = (uintptr_t)strings;
	u.li.strings_size = sizeof(strings);
	FI("LIST_VMAS", VMAINSPECT_IOC_LIST_VMAS, li, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.fi.size = sizeof(u.fi);
	u.fi.addr = (uintptr_t)data_area;
	u.fi.strings = (uintptr_t)strings;
	u.fi.strings_size = sizeof(strings);
	FI("FIND_VMA", VMAINSPECT_IOC_FIND_VMA, fi, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.pp.size = sizeof(u.pp);
	u.pp.addr = (uintptr_t)anon_area;
	FI("PT_PATH", VMAINSPECT_IOC_PT_PATH, pp, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.pr.size = sizeof(u.pr);
	u.pr.start = 0;
	u.pr.end = task_size;
	u.pr.runs = (uintptr_t)big;
	u.pr.run_size = sizeof(struct vmainspect_pt_run) + 8;
	u.pr.max_runs = VMAINSPECT_RUNS_MAX;
	FI("PT_RUNS", VMAINSPECT_IOC_PT_RUNS, pr, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.pg.size = sizeof(u.pg);
	u.pg.flags = VMAINSPECT_PAGE_BY_ADDR | VMAINSPECT_PAGE_DEBUGFS;
	u.pg.addr = (uintptr_t)anon_area;	/* the child's own copy: a new frame */
	FI("PAGE (BY_ADDR, DEBUGFS)", VMAINSPECT_IOC_PAGE, pg, fi_tgt.pid);
	fi_ioctl("PAGE (BY_ADDR, DEBUGFS, a new frame each try)", VMAINSPECT_IOC_PAGE, &u.pg,
		 sizeof(u.pg), -1, FRESH_FRAME, 0);
	u.pg.addr = (uintptr_t)data_area;
	u.pg.path = (uintptr_t)path;
	u.pg.path_size = sizeof(path);
	FI("PAGE (BY_ADDR, path, DEBUGFS)", VMAINSPECT_IOC_PAGE, pg, fi_tgt.pid);
	u.pg.flags = 0;
	u.pg.addr = 0;
	u.pg.pfn = data_pfn;
	FI("PAGE (pfn, path)", VMAINSPECT_IOC_PAGE, pg, 0);

	memset(&u, 0, sizeof(u));
	u.rm.size = sizeof(u.rm);
	u.rm.flags = VMAINSPECT_PAGE_BY_ADDR;
	u.rm.addr = (uintptr_t)anon_area;
	u.rm.owners = (uintptr_t)big;
	u.rm.owner_size = sizeof(struct vmainspect_owner);
	u.rm.max_owners = VMAINSPECT_OWNERS_MAX;
	FI("RMAP (anonymous)", VMAINSPECT_IOC_RMAP, rm, fi_tgt.pid);
	u.rm.addr = (uintptr_t)data_area;
	u.rm.owner_size = sizeof(struct vmainspect_owner) + 16;
	FI("RMAP (file)", VMAINSPECT_IOC_RMAP, rm, fi_tgt.pid);

	memset(&u, 0, sizeof(u));
	u.kl.size = sizeof(u.kl);
	u.kl.regions = (uintptr_t)regs;
	u.kl.region_size = sizeof(regs[0]);
	u.kl.max_regions = VMAINSPECT_KREGIONS_MAX;
	FI("KLAYOUT", VMAINSPECT_IOC_KLAYOUT, kl, 0);

	memset(&u, 0, sizeof(u));
	u.ka.size = sizeof(u.ka);
	u.ka.addr = kimage;
	if (kaddr_visible)
		FI("KADDR", VMAINSPECT_IOC_KADDR, ka, 0);
#undef FI
}

static char fi_files[512][160];
static int nr_fi_files;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void collect_files(const char *dir)
{
	char path[160];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			collect_files(path);
		else if (S_ISREG(st.st_mode) && (st.st_mode & 0444) &&
			 nr_fi_files < (int)ARRAY_SIZE(fi_files))
			memcpy(fi_files[nr_fi_files++], path, sizeof(fi_files[0]));
	}
	closedir(d);
}

/* Read the whole file without fault injection: 0 or errno. */
static int read_all(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
	ssize_t r;

	if (fd < 0)
		return errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	if (r < 0)
		e = errno;
	close(fd);
	return e;
}

/*
 * A directory published while faults were injected: all its files there?
 * (debugfs_create_file() failures are ignored by design in the kernel, so
 * a missing file is reported as information, not as a failure.)
 */
static void published_complete(pid_t pid)
{
	static const char *const files[] = { "layout", "maps", "pagetables" };
	char path[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), FI_DIR "/vmainspect/%d/%s", (int)pid, files[i]);
		if (access(path, F_OK))
			info("fail-nth: %s missing after ATTACH_DEBUGFS under fault injection", path);
	}
}

static void fi_debugfs(void)
{
	static struct fi_case fc;
	int fd = vmi_open_or_exit(), e, i;

	attach_or_die(fd, fi_tgt.pid);
	e = vmi_attach(fd, fi_tgt.pid, VMAINSPECT_ATTACH_DEBUGFS);
	if (e)
		fail("fail-nth: publish %d/ with ATTACH_DEBUGFS: %s", (int)fi_tgt.pid, errname(e));
	published_complete(fi_tgt.pid);
	if (frames_ok) {
		struct vmainspect_page p;

		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.flags = VMAINSPECT_PAGE_BY_ADDR | VMAINSPECT_PAGE_DEBUGFS;
		p.addr = (uintptr_t)anon_area;
		if (ioctl(fd, VMAINSPECT_IOC_PAGE, &p))
			fail("fail-nth: publish frames/ with PAGE_DEBUGFS: %s", errname(errno));
		p.addr = (uintptr_t)data_area;
		p.pfn = 0;
		if (ioctl(fd, VMAINSPECT_IOC_PAGE, &p))
			fail("fail-nth: publish frames/ with PAGE_DEBUGFS: %s", errname(errno));
	}
	close(fd);

	collect_files(FI_DIR "/vmainspect");
	qsort(fi_files, (size_t)nr_fi_files, sizeof(fi_files[0]), cmp_str);
	if (!nr_fi_files)
		fail("fail-nth: no readable file under " FI_DIR "/vmainspect");
	for (i = 0; i < nr_fi_files; i++) {
		e = read_all(fi_files[i]);
		if (e) {
			info("fail-nth: %s: read fails without a fault (%s): skipped",
			     fi_files[i], errname(e));
			continue;
		}
		memset(&fc, 0, sizeof(fc));
		if (snprintf(fc.name, sizeof(fc.name), "read %s", fi_files[i]) < 0)
			continue;
		memcpy(fc.path, fi_files[i], sizeof(fc.path));
		fi_run(&fc);
	}
}

static void fail_nth(void)
{
	if (access("/proc/thread-self/fail-nth", F_OK)) {
		info("fail-nth: not available on this kernel");
		return;
	}
	fires = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fires == MAP_FAILED)
		die("mmap");
	start_target(&fi_tgt);
	knobs_set();
	fi_ioctls();
	fi_debugfs();
	knobs_restore();
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr, "usage: vmi-fuzz [--calls N] [--seed S] [--fail-nth]\n");
	exit(2);
}

static void cleanup(void)
{
	stop_target(&tgt);
	stop_target(&fi_tgt);
	if (zombie > 0)
		waitpid(zombie, NULL, 0);
	unlink(data_path);
}

int main(int argc, char **argv)
{
	unsigned long calls = 12000;
	uint64_t seed;
	bool fi = false;
	char *end;
	int i;

	seed = (uint64_t)time(NULL) * 1000003ULL ^ (uint64_t)getpid();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--calls") && i + 1 < argc) {
			calls = strtoul(argv[++i], &end, 0);
			if (*end)
				usage();
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], &end, 0);
			if (*end)
				usage();
		} else if (!strcmp(argv[i], "--fail-nth")) {
			fi = true;
		} else {
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = seed;
	info("fuzz: seed %#llx (replay: vmi-fuzz --seed %#llx --calls %lu)",
	     (unsigned long long)seed, (unsigned long long)seed, calls);
	if (geteuid())
		info("not root: most expectations assume root");

	memory_init();
	start_target(&tgt);
	start_zombie();
	find_kthread();
	sessions_init();
	probe();

	fuzz(calls);
	if (fi)
		fail_nth();

	cleanup();
	return summary();
}
