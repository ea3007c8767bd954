// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-access-matrix: who sees what through /dev/vmainspect and its debugfs
 * files, cell by cell, against what the kernel's own /proc interfaces show
 * the same caller in the same run.  The module must never show more (nor,
 * for a cell to pass, less) than its oracle.
 *
 *   vmi-access-matrix [--quick] [-v|--verbose] [--force]
 *
 * Runs as root in a throwaway test VM only: it raises Yama's ptrace_scope
 * to 3 and locks the kernel down for confidentiality, neither of which can
 * be undone, and remounts debugfs with mode=0755 (its default 0700 would
 * hide the module's own checks).  Without --force it refuses to run where
 * there is no /vmi/config (the file scripts/vm-run.sh's initramfs has).
 * For example:
 *   scripts/vm-run.sh --kernel 6.12 --add /tmp/vmi-access-matrix -- \
 *           /root/vmi-access-matrix --quick
 *
 * Callers, forked children that change credentials:
 *   root; cap-ptrace and cap-admin (uid 1000 with only CAP_SYS_PTRACE, or
 *   only CAP_SYS_ADMIN); uid-A (1000); uid-B (1001); userns-root (uid 1000
 *   mapped to 0 in a new user namespace); userns-bind (uid 1000 in a new
 *   user+mount namespace that bind-mounts its own /proc/<pid> over every
 *   target's /proc/<pid>, so that /proc/<target>/maps opens its own maps).
 * Targets: the caller itself; another process of its uid; one of another
 *   uid; a non-dumpable one of its uid; a kernel thread (pid 2); a zombie.
 * Asked, per target: ATTACH + LIST_VMAS; PT_PATH + PT_RUNS at a present
 *   page (frames, raw frame bits, accessed/dirty); PAGE (and its anon_vma
 *   pointer); RMAP; debugfs <pid>/{layout,maps,pagetables} and
 *   frames/<pfn>/{page,rmap} (published by root).  Per caller: KLAYOUT,
 *   KADDR, debugfs self/{layout,maps}, self/pagetables, kernel_layout.
 * Oracles, each read by the caller itself before it asks the module:
 *   open + read of /proc/<pid>/maps (the attach rule; userns-bind reads it
 *   before its bind mounts); the PFN field of /proc/self/pagemap (shown
 *   only to CAP_SYS_ADMIN) with /sys/kernel/security/lockdown (frames, A/D
 *   bits, PAGE, RMAP); and, on top, whether /proc/kallsyms shows it
 *   addresses (KLAYOUT, KADDR, anon_vma).
 * Knobs: kptr_restrict, Yama ptrace_scope, /proc hidepid, lockdown; all
 *   combinations that can follow each other, or with --quick a subset.
 *
 * Output: per knob setting a table whose cells are the module's answer
 * followed by '=' (agrees with the oracle) or '!' (does not); then a passed
 * check per (setting, caller, target) whose cells all agree and a failed
 * one per mismatch, with both sides' details; "matrix: N cells, M
 * mismatches"; a summary of the mismatches.  KTAP (vmi-report.h), the
 * tables as diagnostics.  Exit 1 on a mismatch.
 * With --verbose also a CELL line with both sides' details for every cell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

#define DEBUGFS_DIR	"/sys/kernel/debug"
#define VMI_DIR		DEBUGFS_DIR "/vmainspect"
#define SECURITYFS_DIR	"/sys/kernel/security"
#define LOCKDOWN_FILE	SECURITYFS_DIR "/lockdown"
#define KPTR_FILE	"/proc/sys/kernel/kptr_restrict"
#define YAMA_FILE	"/proc/sys/kernel/yama/ptrace_scope"
#define PERF_FILE	"/proc/sys/kernel/perf_event_paranoid"
#define VM_MARKER	"/vmi/config"	/* only in the test VM's initramfs */

#define UID_A		1000
#define UID_B		1001
#define KTHREAD_PID	2
#define CALLER_TIMEOUT	120		/* seconds one caller may take */
#define TEXT_MAX	(256 * 1024)	/* bytes of a debugfs file looked at */

/* /proc/PID/pagemap */
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

/* x86 entry bits, to see what a hidden raw entry still carries */
#define RAW_FRAME_MASK	0x000ffffffffff000ULL
/* _PAGE_ACCESSED | _PAGE_DIRTY, and _PAGE_SAVED_DIRTY on x86_64 6.6+
 * (bit 58 was _PAGE_DEVMAP before) */
#define RAW_AD_MASK	(0x60ULL | (kernel_at_least(6, 6) ? 1ULL << 58 : 0))

#ifdef __x86_64__
#define SOME_KADDR	0xffffffff81000000ULL
#else
#define SOME_KADDR	0xc1000000ULL
#endif

enum caller_kind {
	C_ROOT, C_PTRACE, C_ADMIN, C_UID_A, C_UID_B, C_USERNS, C_BIND,
	NR_CALLERS
};

enum target_kind {
	T_SELF, T_SAME, T_OTHER, T_NODUMP, T_KTHREAD, T_ZOMBIE,
	NR_TARGETS
};

/* What is asked about each target. */
enum target_col {
	K_ATTACH, K_PT, K_PAGE, K_RMAP, K_DLAYOUT, K_DMAPS, K_DPT, K_DPAGE,
	K_DRMAP, NR_TCOLS
};

/* What is asked once per caller. */
enum caller_col {
	K_KLAYOUT, K_KADDR, K_DSELF, K_DSELFPT, K_DKLAYOUT, NR_CCOLS
};

#define NR_COLS_MAX	NR_TCOLS

enum { NS_NONE, NS_ROOT, NS_BIND };
enum { LD_NONE, LD_INTEGRITY, LD_CONF };
enum { CELL_NA, CELL_ASKED, CELL_AGREE, CELL_DIFF };
enum { RES_OK, RES_SKIP, RES_FAIL };

struct caller_desc {
	const char *name;
	uid_t uid;		/* runs as this uid, gid the same */
	uid_t other;		/* uid of its "other uid" target */
	uint64_t caps;		/* capabilities kept across the uid change */
	int ns;			/* NS_*: user-namespace variant */
};

static const struct caller_desc callers[NR_CALLERS] = {
	[C_ROOT]	= { "root",		0,	UID_A,	0,			NS_NONE },
	[C_PTRACE]	= { "cap-ptrace",	UID_A,	UID_B,	1ULL << CAP_SYS_PTRACE,	NS_NONE },
	[C_ADMIN]	= { "cap-admin",	UID_A,	UID_B,	1ULL << CAP_SYS_ADMIN,	NS_NONE },
	[C_UID_A]	= { "uid-A",		UID_A,	UID_B,	0,			NS_NONE },
	[C_UID_B]	= { "uid-B",		UID_B,	UID_A,	0,			NS_NONE },
	[C_USERNS]	= { "userns-root",	UID_A,	UID_B,	0,			NS_ROOT },
	[C_BIND]	= { "userns-bind",	UID_A,	UID_B,	0,			NS_BIND },
};

static const char * const target_names[NR_TARGETS] = {
	"self", "same-uid", "other-uid", "nodump", "kthread", "zombie",
};

static const char * const tcol_names[NR_TCOLS] = {
	"attach", "pt", "page", "rmap", "d-layout", "d-maps", "d-pt",
	"d-page", "d-rmap",
};

static const char * const ccol_names[NR_CCOLS] = {
	"klayout", "kaddr", "d-self", "d-selfpt", "d-klayout",
};

static const char * const lockdown_names[] = {
	"none", "integrity", "confidentiality",
};

/* One answer of the matrix: the module's and the oracle's. */
struct cell {
	char mod[24];
	char ora[24];
	char mod_how[112];
	char ora_how[112];
	int state;		/* CELL_* */
};

/* What a caller sends back to the parent through its pipe. */
struct caller_result {
	int status;		/* RES_* */
	pid_t tpid[NR_TARGETS];
	char note[320];
	struct cell t[NR_TARGETS][NR_TCOLS];
	struct cell c[NR_CCOLS];
};

/* One target as a caller sees it (filled by the parent). */
struct target_info {
	pid_t pid;
	uint64_t pfn;		/* of its touched page, read by root */
	bool dir;		/* debugfs <pid>/ is published */
	bool fdir;		/* debugfs frames/<pfn>/ exists */
};

struct caller_ctx {
	int kind;
	int lockdown;		/* LD_* as the parent set it */
	struct target_info t[NR_TARGETS];
};

/* What the kernel's own interfaces show the caller. */
struct oracle {
	bool bad;		/* an oracle file could not be read */
	bool conf;		/* lockdown=confidentiality */
	bool pfn;		/* /proc/self/pagemap shows PFNs */
	bool ksyms;		/* /proc/kallsyms shows addresses */
	char frames_how[112];
	char kaddr_how[112];
	const char *maps[NR_TARGETS];
	char maps_how[NR_TARGETS][112];
	const char *self_maps;
	char self_how[112];
};

struct setting {
	int lockdown;		/* LD_* */
	int yama;		/* ptrace_scope, -1 without Yama */
	int hidepid;		/* 0 or 2 */
	int kptr;		/* kptr_restrict */
};

/* Per-process targets of one uid, made by the parent. */
struct uid_targets {
	uid_t uid;
	pid_t peer, nodump, zombie;
	uint64_t peer_pfn, nodump_pfn;
	bool peer_dir, nodump_dir, peer_fdir, nodump_fdir;
};

static long page_size;
static volatile char *tpage;	/* one anonymous page, written after fork */
static struct uid_targets utg[3];
static struct setting now;	/* the knobs as they are */
static bool have_yama, have_lockdown, verbose;
static unsigned long ncells, nmismatch;
static unsigned int diff_count[NR_CALLERS][NR_TARGETS + 1][NR_COLS_MAX];
static struct cell diff_last[NR_CALLERS][NR_TARGETS + 1][NR_COLS_MAX];

/* ---- small helpers ---- */

static const char *errname(int e)
{
	static char buf[24];

	switch (e) {
	case 0:		return "ok";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case ESRCH:	return "ESRCH";
	case EINTR:	return "EINTR";
	case EIO:	return "EIO";
	case ENXIO:	return "ENXIO";
	case E2BIG:	return "E2BIG";
	case EAGAIN:	return "EAGAIN";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EXDEV:	return "EXDEV";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case ENOTTY:	return "ENOTTY";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* How a refusal reads in the matrix. */
static const char *errlabel(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case EACCES:
	case EPERM:
		return "denied";
	case ENOENT:
		return "hidden";
	case ESRCH:
		return "esrch";
	}
	return "error";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Read @path as `cat` would: 0, or the errno and in *at whether open() or
 * read() failed.  @buf gets at most @size - 1 bytes, NUL-terminated.
 */
static int cat_file(const char *path, char *buf, size_t size, size_t *len,
		    const char **at)
{
	size_t got = 0;
	int fd, e = 0;

	*len = 0;
	buf[0] = 0;
	*at = "open";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	*at = "read";
	while (got < size - 1) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return e;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static size_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* The /proc/@who/pagemap entry of @addr: 0 or errno. */
static int pagemap_entry(const char *who, uint64_t addr, uint64_t *ent)
{
	char path[64];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "/proc/%s/pagemap", who);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = pread(fd, ent, sizeof(*ent), addr / page_size * sizeof(*ent));
	e = n == (ssize_t)sizeof(*ent) ? 0 : n < 0 ? errno : EIO;
	close(fd);
	return e;
}

/* The current lockdown level, LD_*, or -1 if it cannot be read. */
static int lockdown_level(void)
{
	char buf[128];

	if (read_file(LOCKDOWN_FILE, buf, sizeof(buf)))
		return -1;
	if (strstr(buf, "[confidentiality]"))
		return LD_CONF;
	if (strstr(buf, "[integrity]"))
		return LD_INTEGRITY;
	if (strstr(buf, "[none]"))
		return LD_NONE;
	return -1;
}

/* /proc's hidepid as /proc/mounts shows it: 0, 1, 2, 4 or -1. */
static int proc_hidepid(void)
{
	char line[512];
	FILE *f = fopen("/proc/mounts", "re");
	int v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *h;

		if (!strstr(line, " /proc proc "))
			continue;
		h = strstr(line, "hidepid=");
		if (!h)
			v = 0;
		else if (!strncmp(h + 8, "invisible", 9))
			v = 2;
		else if (!strncmp(h + 8, "noaccess", 8))
			v = 1;
		else if (!strncmp(h + 8, "ptraceable", 10))
			v = 4;
		else
			v = atoi(h + 8);
	}
	fclose(f);
	return v;
}

/* ---- credentials ---- */

static int set_caps(uint64_t caps)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[0].permitted = d[0].effective = (uint32_t)caps;
	d[1].permitted = d[1].effective = (uint32_t)(caps >> 32);
	return syscall(SYS_capset, &h, d) ? errno : 0;
}

/*
 * Become @uid (gid the same, no supplementary groups) with exactly @caps,
 * or, for uid 0, stay root.  The uid change made the process non-dumpable,
 * which would hand /proc/self to root: make it dumpable again.
 */
static int drop_to_caps(uid_t uid, uint64_t caps)
{
	if (caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return errno;
	if (drop_to(uid))
		return errno;
	if (caps) {
		int e = set_caps(caps);

		if (e)
			return e;
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
			return errno;
	}
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return errno;
	return 0;
}

/*
 * unshare() a user namespace (and with @mnt a mount namespace, whose mounts
 * are then made private) and map @inside to our uid @outside.
 */
static int enter_userns(uid_t inside, uid_t outside, bool mnt)
{
	char map[48];
	int e;

	if (unshare(CLONE_NEWUSER | (mnt ? CLONE_NEWNS : 0)))
		return errno;
	snprintf(map, sizeof(map), "%u %u 1\n", inside, outside);
	e = -write_file("/proc/self/uid_map", map);
	if (e)
		return e;
	if (mnt && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return errno;
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return errno;
	return 0;
}

/* Cover /proc/@victim with our own /proc/<pid>; check that it took. */
static int bind_over(pid_t victim)
{
	char src[32], dst[32];
	struct stat a, b;

	snprintf(src, sizeof(src), "/proc/%d", (int)getpid());
	snprintf(dst, sizeof(dst), "/proc/%d", (int)victim);
	if (mount(src, dst, NULL, MS_BIND, NULL))
		return errno;
	if (stat(src, &a) || stat(dst, &b))
		return errno;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : EXDEV;
}

/* ---- the module ---- */

/* /dev/vmainspect: the fd or -errno. */
static int dev_open(void)
{
	int fd = vmi_open();

	return fd < 0 ? -errno : fd;
}

static int dev_list_vmas(int fd, unsigned int *nr)
{
	static struct vmainspect_vma vmas[16];
	static char strings[4096];
	struct vmainspect_vma_list l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.vmas = (uintptr_t)vmas;
	l.strings = (uintptr_t)strings;
	l.vma_size = sizeof(vmas[0]);
	l.max_vmas = 16;
	l.strings_size = sizeof(strings);
	if (ioctl(fd, VMAINSPECT_IOC_LIST_VMAS, &l))
		return errno;
	*nr = l.nr_vmas;
	return 0;
}

/* Root publishes debugfs <pid>/: 0 or errno. */
static int publish_pid(pid_t pid)
{
	int fd = dev_open(), e;

	if (fd < 0)
		return -fd;
	e = vmi_attach(fd, pid, VMAINSPECT_ATTACH_DEBUGFS);
	close(fd);
	return e;
}

/* Root publishes debugfs frames/<pfn>/: 0 or errno. */
static int publish_frame(uint64_t pfn)
{
	struct vmainspect_page p;
	int fd = dev_open(), e = 0;

	if (fd < 0)
		return -fd;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_DEBUGFS;
	p.pfn = pfn;
	if (ioctl(fd, VMAINSPECT_IOC_PAGE, &p))
		e = errno;
	close(fd);
	return e;
}

static bool frame_dir_exists(uint64_t pfn)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), VMI_DIR "/frames/0x%llx/page",
		 (unsigned long long)pfn);
	return !stat(path, &st);
}

/* ATTACH, then LIST_VMAS: "ok" when the target's VMAs come back. */
static const char *ask_attach(int fd, pid_t pid, bool *attached, char *how,
			      size_t hsize)
{
	unsigned int nr = 0;
	int e = vmi_attach(fd, pid, 0);

	*attached = false;
	if (e) {
		snprintf(how, hsize, "ATTACH: %s", errname(e));
		return errlabel(e);
	}
	e = dev_list_vmas(fd, &nr);
	if (e) {
		snprintf(how, hsize, "ATTACH ok, LIST_VMAS: %s", errname(e));
		return "error";
	}
	*attached = nr > 0;
	snprintf(how, hsize, "ATTACH ok, LIST_VMAS: %u VMAs", nr);
	return nr ? "ok" : "empty";
}

/* What page-table answers give away. */
struct pt_view {
	bool hidden;		/* PT_PATH's VMAINSPECT_PT_PFN_HIDDEN */
	bool runs_hidden;	/* PT_RUNS's */
	bool present;		/* a present leaf maps the page */
	bool pfn;		/* a frame, swap offset or phys_addr */
	bool raw_frame;		/* frame bits left in a raw entry */
	bool ad;		/* VMAINSPECT_PTE_ACCESSED, _DIRTY, _SAVED_DIRTY */
	bool ad_raw;		/* accessed/dirty left in a raw entry */
};

static void pt_view_add(struct pt_view *v, uint32_t kind, uint64_t bits,
			uint64_t pfn, uint64_t offset, uint64_t raw)
{
	if (kind == VMAINSPECT_PT_PAGE)
		v->present = true;
	if (pfn || (kind == VMAINSPECT_PT_SWAP && offset))
		v->pfn = true;
	if (raw & RAW_FRAME_MASK)
		v->raw_frame = true;
	if (raw & RAW_AD_MASK)
		v->ad_raw = true;
	if (bits & (VMAINSPECT_PTE_ACCESSED | VMAINSPECT_PTE_DIRTY |
		    VMAINSPECT_PTE_SAVED_DIRTY))
		v->ad = true;
}

static int pt_path_view(int fd, uint64_t addr, struct pt_view *v)
{
	struct vmainspect_pt_path p;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = addr;
	if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &p))
		return errno;
	v->hidden = p.out_flags & VMAINSPECT_PT_PFN_HIDDEN;
	if (p.phys_addr)
		v->pfn = true;
	for (i = 0; i < p.nr_levels && i < VMAINSPECT_LVL_NR; i++) {
		const struct vmainspect_pt_entry *e = &p.levels[i];

		pt_view_add(v, e->kind, e->bits, e->pfn, e->offset, e->raw);
	}
	return 0;
}

static int pt_runs_view(int fd, uint64_t addr, struct pt_view *v)
{
	struct vmainspect_pt_run runs[4];
	struct vmainspect_pt_runs r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	memset(runs, 0, sizeof(runs));
	r.size = sizeof(r);
	r.start = addr;
	r.end = addr + page_size;
	r.runs = (uintptr_t)runs;
	r.run_size = sizeof(runs[0]);
	r.max_runs = 4;
	if (ioctl(fd, VMAINSPECT_IOC_PT_RUNS, &r))
		return errno;
	v->runs_hidden = r.out_flags & VMAINSPECT_PT_PFN_HIDDEN;
	for (i = 0; i < r.nr_runs && i < 4; i++)
		pt_view_add(v, runs[i].kind, runs[i].bits, runs[i].pfn,
			    runs[i].offset, 0);
	return 0;
}

/*
 * PT_PATH and PT_RUNS at our page: "ok" (frames shown), "ok-hidden"
 * (nothing of the frame, no accessed/dirty), or what leaked.
 */
static const char *ask_pt(int fd, char *how, size_t hsize)
{
	struct pt_view v;
	uint64_t addr = (uintptr_t)tpage;
	int e;

	memset(&v, 0, sizeof(v));
	e = pt_path_view(fd, addr, &v);
	if (!e)
		e = pt_runs_view(fd, addr, &v);
	if (e) {
		snprintf(how, hsize, "PT_PATH/PT_RUNS: %s", errname(e));
		return errlabel(e);
	}
	snprintf(how, hsize, "PFN_HIDDEN path %d runs %d; pfn %d, raw frame %d, A/D %d, raw A/D %d",
		 v.hidden, v.runs_hidden, v.pfn, v.raw_frame, v.ad, v.ad_raw);
	if (!v.present)
		return "not-present";
	if (v.hidden != v.runs_hidden)
		return "flags-differ";
	if (!v.hidden)
		return v.pfn ? "ok" : "no-pfn";
	if (v.pfn || v.raw_frame)
		return "pfn-leak";
	if (v.ad)
		return "AD-leak";
	if (v.ad_raw)
		return "AD-raw";
	return "ok-hidden";
}

/* PAGE by address (attached) or by frame: "ok", "ok-hidden" (no anon_vma) */
static const char *ask_page(int fd, bool by_addr, uint64_t pfn, char *how,
			    size_t hsize)
{
	struct vmainspect_page p;
	const char *by = by_addr ? "by address" : "by pfn";

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	if (by_addr) {
		p.flags = VMAINSPECT_PAGE_BY_ADDR;
		p.addr = (uintptr_t)tpage;
	} else {
		p.pfn = pfn;
	}
	if (ioctl(fd, VMAINSPECT_IOC_PAGE, &p)) {
		int e = errno;

		snprintf(how, hsize, "PAGE %s: %s", by, errname(e));
		return errlabel(e);
	}
	if (p.mapping_kind != VMAINSPECT_MAP_ANON) {
		snprintf(how, hsize, "PAGE %s: mapping kind %u, not anonymous",
			 by, p.mapping_kind);
		return "not-anon";
	}
	snprintf(how, hsize, "PAGE %s: anon_vma %s", by,
		 p.anon_vma ? "shown" : "0");
	return p.anon_vma ? "ok" : "ok-hidden";
}

static const char *ask_rmap(int fd, bool by_addr, uint64_t pfn, char *how,
			    size_t hsize)
{
	static struct vmainspect_owner owners[16];
	struct vmainspect_rmap r;
	const char *by = by_addr ? "by address" : "by pfn";

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	if (by_addr) {
		r.flags = VMAINSPECT_PAGE_BY_ADDR;
		r.addr = (uintptr_t)tpage;
	} else {
		r.pfn = pfn;
	}
	r.owners = (uintptr_t)owners;
	r.owner_size = sizeof(owners[0]);
	r.max_owners = 16;
	if (ioctl(fd, VMAINSPECT_IOC_RMAP, &r)) {
		int e = errno;

		snprintf(how, hsize, "RMAP %s: %s", by, errname(e));
		return errlabel(e);
	}
	snprintf(how, hsize, "RMAP %s: %u owners", by, r.nr_owners);
	return "ok";
}

/* KLAYOUT: "ok" with addresses, "ok-hidden", or "leak" (hidden, not zero) */
static const char *ask_klayout(int fd, uint64_t *page_offset, char *how,
			       size_t hsize)
{
	static struct vmainspect_kregion regs[VMAINSPECT_KREGIONS_MAX];
	struct vmainspect_klayout k;
	bool leak;
	unsigned int i;

	memset(&k, 0, sizeof(k));
	memset(regs, 0, sizeof(regs));
	k.size = sizeof(k);
	k.regions = (uintptr_t)regs;
	k.region_size = sizeof(regs[0]);
	k.max_regions = VMAINSPECT_KREGIONS_MAX;
	if (ioctl(fd, VMAINSPECT_IOC_KLAYOUT, &k)) {
		int e = errno;

		snprintf(how, hsize, "KLAYOUT: %s", errname(e));
		return errlabel(e);
	}
	*page_offset = k.page_offset;
	if (!(k.out_flags & VMAINSPECT_KL_HIDDEN)) {
		snprintf(how, hsize, "KLAYOUT: addresses shown");
		return "ok";
	}
	leak = k.page_offset || k.image_start || k.image_end;
	for (i = 0; i < k.nr_regions && i < VMAINSPECT_KREGIONS_MAX; i++)
		leak |= regs[i].start || regs[i].end;
	snprintf(how, hsize, "KLAYOUT: VMAINSPECT_KL_HIDDEN%s",
		 leak ? ", yet an address is not zero" : "");
	return leak ? "leak" : "ok-hidden";
}

static const char *ask_kaddr(int fd, uint64_t addr, char *how, size_t hsize)
{
	struct vmainspect_kaddr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.addr = addr;
	if (ioctl(fd, VMAINSPECT_IOC_KADDR, &a)) {
		int e = errno;

		snprintf(how, hsize, "KADDR %#llx: %s",
			 (unsigned long long)addr, errname(e));
		return errlabel(e);
	}
	snprintf(how, hsize, "KADDR %#llx: region %u", (unsigned long long)addr,
		 a.region_id);
	return "ok";
}

/* ---- debugfs text ---- */

typedef const char *(*text_class_fn)(char *text);

/*
 * <pid>/pagetables and self/pagetables: "ok" (frames shown), "ok-hidden"
 * (no frame, no accessed/dirty), or what leaked.
 */
static const char *class_pagetables(char *text)
{
	bool shown = strstr(text, "frames shown"), hidden = strstr(text, "frames hidden");
	bool pfn = false, ad = false;
	char *line, *save = NULL;

	if (shown == hidden)
		return "unparsed";
	if (shown)
		return "ok";
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok, *tsave = NULL;
		bool after_pfn = false;

		if (line[0] == '#')
			continue;
		for (tok = strtok_r(line, " ", &tsave); tok;
		     tok = strtok_r(NULL, " ", &tsave)) {
			if (after_pfn && strcmp(tok, "hidden"))
				pfn = true;
			after_pfn = !strcmp(tok, "pfn");
			if (!strncmp(tok, "swap", 4) && strchr(tok, ':'))
				pfn = true;
			if (!strcmp(tok, "accessed") || !strcmp(tok, "dirty"))
				ad = true;
		}
	}
	if (pfn)
		return "pfn-leak";
	return ad ? "AD-leak" : "ok-hidden";
}

/* frames/<pfn>/page: "ok" with the anon_vma pointer, "ok-hidden" without */
static const char *class_frame_page(char *text)
{
	const char *a;

	if (!strstr(text, "pfn "))
		return "unparsed";
	if (!strstr(text, "mapping anon"))
		return "not-anon";
	a = strstr(text, "anon_vma ");
	if (!a)
		return "ok-hidden";
	a += strlen("anon_vma ");
	if (strncmp(a, "0x", 2))
		return "ok-hidden";
	return strtoull(a, NULL, 16) ? "ok" : "ok-hidden";
}

/* kernel_layout: "ok" with addresses, "ok-hidden", "leak" */
static const char *class_klayout(char *text)
{
	if (strstr(text, "addresses hidden"))
		return strstr(text, "ffff") ? "leak" : "ok-hidden";
	return strstr(text, "direct map base") ? "ok" : "unparsed";
}

/* ---- cells ---- */

static void vset(char *label, size_t lsize, char *how, size_t hsize,
		 const char *l, const char *fmt, va_list ap)
{
	snprintf(label, lsize, "%s", l);
	vsnprintf(how, hsize, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
set_mod(struct cell *c, const char *label, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(c->mod, sizeof(c->mod), c->mod_how, sizeof(c->mod_how), label,
	     fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
set_ora(struct cell *c, const char *label, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(c->ora, sizeof(c->ora), c->ora_how, sizeof(c->ora_how), label,
	     fmt, ap);
	va_end(ap);
	c->state = CELL_ASKED;
}

/*
 * "allowed == allowed": the same answer, except that a pid /proc hides
 * (hidepid: ENOENT) may be refused by the module in any way.
 */
static bool labels_agree(const char *mod, const char *ora)
{
	if (!strcmp(mod, ora))
		return true;
	if (!strcmp(ora, "hidden"))
		return !strcmp(mod, "denied") || !strcmp(mod, "esrch");
	return false;
}

static void judge(struct cell *c)
{
	if (c->state == CELL_NA)
		return;
	if (!c->mod[0])
		set_mod(c, "missing", "not asked (harness bug)");
	c->state = labels_agree(c->mod, c->ora) ? CELL_AGREE : CELL_DIFF;
}

/* The module's answer through a debugfs file read by this caller. */
static void dfs_cell(struct cell *c, const char *path, text_class_fn cls)
{
	static char text[TEXT_MAX];
	const char *rel = path + strlen(VMI_DIR) + 1, *at;
	char label[24];
	size_t len;
	int e = cat_file(path, text, sizeof(text), &len, &at);

	if (e && !strcmp(at, "open")) {
		set_mod(c, errlabel(e), "open %s: %s", rel, errname(e));
	} else if (e) {
		snprintf(label, sizeof(label), "%s@read", errlabel(e));
		set_mod(c, label, "open %s worked, read: %s (the rule: refuse at open)",
			rel, errname(e));
	} else if (!len) {
		set_mod(c, "empty", "%s: empty", rel);
	} else {
		set_mod(c, cls ? cls(text) : "ok", "%s: read %zu bytes", rel, len);
	}
}

/* ---- the oracle ---- */

/* The attach rule: may this caller read /proc/<pid>/maps, with an mm? */
static const char *oracle_maps(const char *path, char *how, size_t hsize)
{
	char buf[4096];
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(how, hsize, "open %s: %s", path, errname(e));
		return e == ESRCH ? "hidden" : errlabel(e);
	}
	n = read(fd, buf, sizeof(buf));
	e = errno;
	close(fd);
	if (n < 0) {
		snprintf(how, hsize, "read %s: %s", path, errname(e));
		return "error";
	}
	if (!n) {
		snprintf(how, hsize, "%s: opens, empty (no mm)", path);
		return "esrch";
	}
	snprintf(how, hsize, "%s: readable", path);
	return "ok";
}

/* Does /proc/kallsyms show this caller addresses?  0 or errno. */
static int kallsyms_shown(bool *shown)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	int n;

	*shown = false;
	if (!f)
		return errno;
	/* per-cpu symbols ('A') are at small offsets: look past them */
	for (n = 0; n < 200000 && fgets(line, sizeof(line), f); n++) {
		char *sp = strchr(line, ' ');

		if (!sp || sp[1] == 'A' || sp[1] == 'a')
			continue;
		*shown = strtoull(line, NULL, 16) != 0;
		break;
	}
	fclose(f);
	return 0;
}

static bool frames_ok(const struct oracle *o)
{
	return o->pfn && !o->conf;
}

static bool kaddrs_ok(const struct oracle *o)
{
	return frames_ok(o) && o->ksyms;
}

static const char *ora_frames(const struct oracle *o)
{
	return o->bad ? "error" : frames_ok(o) ? "ok" : "ok-hidden";
}

static const char *ora_page(const struct oracle *o)
{
	if (o->bad)
		return "error";
	if (!frames_ok(o))
		return "denied";
	return o->ksyms ? "ok" : "ok-hidden";
}

static const char *ora_rmap(const struct oracle *o)
{
	return o->bad ? "error" : frames_ok(o) ? "ok" : "denied";
}

static const char *ora_klayout(const struct oracle *o)
{
	return o->bad ? "error" : kaddrs_ok(o) ? "ok" : "ok-hidden";
}

static const char *ora_kaddr(const struct oracle *o)
{
	return o->bad ? "error" : kaddrs_ok(o) ? "ok" : "denied";
}

static void oracle_frames(const struct caller_ctx *cx, struct oracle *o)
{
	int level = lockdown_level(), e;
	uint64_t ent = 0;

	o->conf = (level < 0 ? cx->lockdown : level) == LD_CONF;
	e = pagemap_entry("self", (uintptr_t)tpage, &ent);
	if (e || !(ent & PM_PRESENT)) {
		o->bad = true;
		snprintf(o->frames_how, sizeof(o->frames_how),
			 "/proc/self/pagemap: %s", e ? errname(e) : "page not present");
		return;
	}
	o->pfn = (ent & PM_PFN_MASK) != 0;
	snprintf(o->frames_how, sizeof(o->frames_how),
		 "/proc/self/pagemap PFN %s; lockdown %s%s",
		 o->pfn ? "shown" : "zero",
		 o->conf ? "confidentiality" : "not confidentiality",
		 level < 0 ? " (as set, unreadable here)" : "");
}

static void oracle_kaddrs(struct oracle *o)
{
	int e = kallsyms_shown(&o->ksyms);

	if (e) {
		o->bad = true;
		snprintf(o->kaddr_how, sizeof(o->kaddr_how),
			 "/proc/kallsyms: %s", errname(e));
		return;
	}
	snprintf(o->kaddr_how, sizeof(o->kaddr_how),
		 "pagemap PFN %s, lockdown %s, /proc/kallsyms addresses %s",
		 o->pfn ? "shown" : "zero", o->conf ? "conf" : "not conf",
		 o->ksyms ? "shown" : "zero");
}

/* Everything the caller may see by the kernel's own interfaces. */
static void oracle_compute(const struct caller_ctx *cx, struct oracle *o)
{
	char path[64];
	int t;

	memset(o, 0, sizeof(*o));
	oracle_frames(cx, o);
	oracle_kaddrs(o);
	for (t = 0; t < NR_TARGETS; t++) {
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)cx->t[t].pid);
		o->maps[t] = oracle_maps(path, o->maps_how[t],
					 sizeof(o->maps_how[t]));
	}
	o->self_maps = oracle_maps("/proc/self/maps", o->self_how,
				   sizeof(o->self_how));
}

/* ---- one caller ---- */

/* The oracle's side of one target's row; cells left CELL_NA do not count. */
static void oracle_row(const struct oracle *o, int t,
		       const struct target_info *ti, struct cell *row)
{
	const char *m = o->maps[t], *mh = o->maps_how[t];
	bool mm_ok = !strcmp(m, "ok");

	set_ora(&row[K_ATTACH], m, "%s", mh);
	if (mm_ok)
		set_ora(&row[K_PT], ora_frames(o), "%s", o->frames_how);
	else
		set_ora(&row[K_PT], m, "%s", mh);
	if (t != T_KTHREAD && t != T_ZOMBIE) {
		set_ora(&row[K_PAGE], ora_page(o), "%s", o->kaddr_how);
		set_ora(&row[K_RMAP], ora_rmap(o), "%s", o->frames_how);
	}
	if (ti->dir) {
		set_ora(&row[K_DLAYOUT], m, "%s", mh);
		set_ora(&row[K_DMAPS], m, "%s", mh);
		row[K_DPT] = row[K_PT];
	}
	if (ti->fdir && t != T_SELF) {
		row[K_DPAGE] = row[K_PAGE];
		row[K_DRMAP] = row[K_RMAP];
	}
}

/* Every ioctl cell of a row gets the same answer: the device did not open. */
static void row_no_device(struct cell *row, int ncols, int e)
{
	int k;

	for (k = 0; k < ncols; k++)
		set_mod(&row[k], "error", "open %s: %s", VMAINSPECT_DEVICE,
			errname(e));
}

static void ask_target_ioctls(const struct target_info *ti, int t,
			      struct cell *row)
{
	char how[112];
	const char *label;
	bool attached;
	int fd = dev_open();

	if (fd < 0) {
		row_no_device(row, K_DLAYOUT, -fd);
		return;
	}
	label = ask_attach(fd, ti->pid, &attached, how, sizeof(how));
	set_mod(&row[K_ATTACH], label, "%s", how);
	if (attached) {
		label = ask_pt(fd, how, sizeof(how));
		set_mod(&row[K_PT], label, "%s", how);
	} else {
		set_mod(&row[K_PT], row[K_ATTACH].mod, "not attached: %s",
			row[K_ATTACH].mod_how);
	}
	/* attached: by address, as a user would; else the frame root saw */
	if (t != T_KTHREAD && t != T_ZOMBIE) {
		label = ask_page(fd, attached, ti->pfn, how, sizeof(how));
		set_mod(&row[K_PAGE], label, "%s", how);
		label = ask_rmap(fd, attached, ti->pfn, how, sizeof(how));
		set_mod(&row[K_RMAP], label, "%s", how);
	}
	close(fd);
}

static void ask_target_debugfs(const struct target_info *ti, int t,
			       struct cell *row)
{
	char path[128];

	if (ti->dir) {
		snprintf(path, sizeof(path), VMI_DIR "/%d/layout", (int)ti->pid);
		dfs_cell(&row[K_DLAYOUT], path, NULL);
		snprintf(path, sizeof(path), VMI_DIR "/%d/maps", (int)ti->pid);
		dfs_cell(&row[K_DMAPS], path, NULL);
		snprintf(path, sizeof(path), VMI_DIR "/%d/pagetables",
			 (int)ti->pid);
		dfs_cell(&row[K_DPT], path, class_pagetables);
	}
	if (ti->fdir && t != T_SELF) {
		snprintf(path, sizeof(path), VMI_DIR "/frames/0x%llx/page",
			 (unsigned long long)ti->pfn);
		dfs_cell(&row[K_DPAGE], path, class_frame_page);
		snprintf(path, sizeof(path), VMI_DIR "/frames/0x%llx/rmap",
			 (unsigned long long)ti->pfn);
		dfs_cell(&row[K_DRMAP], path, NULL);
	}
}

/* self/layout and self/maps as one cell: "ok" when both are. */
static void ask_dfs_self(struct cell *c)
{
	struct cell layout = *c, maps = *c;

	dfs_cell(&layout, VMI_DIR "/self/layout", NULL);
	dfs_cell(&maps, VMI_DIR "/self/maps", NULL);
	if (strcmp(layout.mod, "ok"))
		set_mod(c, layout.mod, "%s", layout.mod_how);
	else
		set_mod(c, maps.mod, "%s; self/layout too", maps.mod_how);
}

static void ask_caller_row(const struct oracle *o, struct cell *row)
{
	uint64_t page_offset = 0;
	char how[112];
	int fd;

	set_ora(&row[K_KLAYOUT], ora_klayout(o), "%s", o->kaddr_how);
	set_ora(&row[K_KADDR], ora_kaddr(o), "%s", o->kaddr_how);
	set_ora(&row[K_DSELF], o->self_maps, "%s", o->self_how);
	if (!strcmp(o->self_maps, "ok"))
		set_ora(&row[K_DSELFPT], ora_frames(o), "%s", o->frames_how);
	else
		set_ora(&row[K_DSELFPT], o->self_maps, "%s", o->self_how);
	set_ora(&row[K_DKLAYOUT], ora_klayout(o), "%s", o->kaddr_how);

	fd = dev_open();
	if (fd < 0) {
		row_no_device(row, K_DSELF, -fd);
	} else {
		const char *label;

		label = ask_klayout(fd, &page_offset, how, sizeof(how));
		set_mod(&row[K_KLAYOUT], label, "%s", how);
		label = ask_kaddr(fd, page_offset ? page_offset : SOME_KADDR,
				  how, sizeof(how));
		set_mod(&row[K_KADDR], label, "%s", how);
		close(fd);
	}
	ask_dfs_self(&row[K_DSELF]);
	dfs_cell(&row[K_DSELFPT], VMI_DIR "/self/pagetables", class_pagetables);
	dfs_cell(&row[K_DKLAYOUT], VMI_DIR "/kernel_layout", class_klayout);
}

/* userns-bind: our /proc/<pid> over every other target's. */
static void bind_targets(const struct caller_ctx *cx, struct caller_result *res)
{
	size_t used;
	int t, e;

	used = snprintf(res->note, sizeof(res->note),
			"/proc/%d bind-mounted over /proc/", (int)getpid());
	for (t = T_SAME; t < NR_TARGETS && used < sizeof(res->note); t++) {
		e = bind_over(cx->t[t].pid);
		used += snprintf(res->note + used, sizeof(res->note) - used,
				 "%s%d%s%s", t == T_SAME ? "" : ",",
				 (int)cx->t[t].pid, e ? ":" : "",
				 e ? errname(e) : "");
	}
}

static int become(int kind)
{
	const struct caller_desc *d = &callers[kind];
	int e = drop_to_caps(d->uid, d->caps);

	if (e || d->ns == NS_NONE)
		return e;
	return enter_userns(d->ns == NS_ROOT ? 0 : d->uid, d->uid,
			    d->ns == NS_BIND);
}

static void caller_finish(struct caller_result *res, int fd)
{
	int t, k;

	for (t = 0; t < NR_TARGETS; t++)
		for (k = 0; k < NR_TCOLS; k++)
			judge(&res->t[t][k]);
	for (k = 0; k < NR_CCOLS; k++)
		judge(&res->c[k]);
	write_full(fd, res, sizeof(*res));
	_exit(0);
}

/* The forked caller: wait for "go", change credentials, ask, report. */
static void __attribute__((noreturn))
caller_main(struct caller_ctx *cx, int go_fd, int res_fd)
{
	static struct caller_result res;
	struct oracle o;
	char go = 0;
	int e, t;

	alarm(CALLER_TIMEOUT);
	if (read(go_fd, &go, 1) != 1)
		_exit(3);
	close(go_fd);
	cx->t[T_SELF].pid = getpid();
	cx->t[T_SELF].dir = go == '1';
	for (t = 0; t < NR_TARGETS; t++)
		res.tpid[t] = cx->t[t].pid;
	e = become(cx->kind);
	if (e) {
		bool env = callers[cx->kind].ns != NS_NONE &&
			   (e == EPERM || e == EINVAL || e == ENOSPC);

		res.status = env ? RES_SKIP : RES_FAIL;
		snprintf(res.note, sizeof(res.note),
			 "changing credentials: %s", errname(e));
		write_full(res_fd, &res, sizeof(res));
		_exit(0);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	tpage[0] = 1;		/* our own present, dirty page */
	oracle_compute(cx, &o);
	if (callers[cx->kind].ns == NS_BIND)
		bind_targets(cx, &res);
	for (t = 0; t < NR_TARGETS; t++) {
		oracle_row(&o, t, &cx->t[t], res.t[t]);
		ask_target_ioctls(&cx->t[t], t, res.t[t]);
		ask_target_debugfs(&cx->t[t], t, res.t[t]);
	}
	ask_caller_row(&o, res.c);
	caller_finish(&res, res_fd);
	_exit(0);
}

/* ---- targets, made once by the parent ---- */

/*
 * A sleeping process of @uid with its own dirty page (non-dumpable with
 * @nodump), or with @zombie one that exits and stays unreaped.
 */
static pid_t spawn_target(uid_t uid, bool nodump, bool zombie)
{
	int p[2];
	pid_t pid;
	char c = 0;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (drop_to_caps(uid, 0))
			_exit(1);
		if (zombie)
			_exit(0);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prctl(PR_SET_DUMPABLE, nodump ? 0 : 1, 0, 0, 0);
		tpage[0] = 1;
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid > 0 && zombie) {
		siginfo_t si;

		if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
			pid = -1;
	} else if (pid > 0 && read(p[0], &c, 1) != 1) {
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static struct uid_targets *targets_of(uid_t uid)
{
	return uid == 0 ? &utg[0] : uid == UID_A ? &utg[1] : &utg[2];
}

static int spawn_all_targets(void)
{
	static const uid_t uids[3] = { 0, UID_A, UID_B };
	int i;

	for (i = 0; i < 3; i++) {
		struct uid_targets *u = &utg[i];

		u->uid = uids[i];
		u->peer = spawn_target(u->uid, false, false);
		u->nodump = spawn_target(u->uid, true, false);
		u->zombie = spawn_target(u->uid, false, true);
		if (u->peer < 0 || u->nodump < 0 || u->zombie < 0)
			return -1;
		info("targets of uid %u: peer %d, non-dumpable %d, zombie %d",
		       u->uid, (int)u->peer, (int)u->nodump, (int)u->zombie);
	}
	return 0;
}

static void kill_all_targets(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		pid_t pids[3] = { utg[i].peer, utg[i].nodump, utg[i].zombie };
		int j;

		for (j = 0; j < 3; j++) {
			if (pids[j] <= 0)
				continue;
			kill(pids[j], SIGKILL);
			waitpid(pids[j], NULL, 0);
		}
	}
}

static uint64_t root_pfn(pid_t pid)
{
	char who[16];
	uint64_t ent = 0;

	snprintf(who, sizeof(who), "%d", (int)pid);
	if (pagemap_entry(who, (uintptr_t)tpage, &ent) || !(ent & PM_PRESENT))
		return 0;
	return ent & PM_PFN_MASK;
}

/* Root publishes <pid>/ and frames/<pfn>/ for one target. */
static void prepare_target(pid_t pid, uint64_t *pfn, bool *dir, bool *fdir)
{
	int e;

	*pfn = root_pfn(pid);
	e = publish_pid(pid);
	*dir = !e;
	if (e) {
		fail("harness: root cannot publish debugfs %d/: %s",
		     (int)pid, errname(e));
	}
	if (!*pfn) {
		fail("harness: no frame for pid %d in root's pagemap",
		     (int)pid);
		*fdir = false;
		return;
	}
	/* under lockdown=confidentiality frames stay from earlier settings */
	e = publish_frame(*pfn);
	*fdir = frame_dir_exists(*pfn);
	if (e && e != EPERM) {
		fail("harness: root cannot publish frames/0x%llx: %s",
		     (unsigned long long)*pfn, errname(e));
	}
}

static void prepare_targets(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		struct uid_targets *u = &utg[i];

		prepare_target(u->peer, &u->peer_pfn, &u->peer_dir,
			       &u->peer_fdir);
		prepare_target(u->nodump, &u->nodump_pfn, &u->nodump_dir,
			       &u->nodump_fdir);
	}
}

static void fill_ctx(struct caller_ctx *cx, int kind)
{
	const struct caller_desc *d = &callers[kind];
	const struct uid_targets *same = targets_of(d->uid);
	const struct uid_targets *other = targets_of(d->other);

	memset(cx, 0, sizeof(*cx));
	cx->kind = kind;
	cx->lockdown = now.lockdown;
	cx->t[T_SAME] = (struct target_info){ same->peer, same->peer_pfn,
					      same->peer_dir, same->peer_fdir };
	cx->t[T_OTHER] = (struct target_info){ other->peer, other->peer_pfn,
					       other->peer_dir, other->peer_fdir };
	cx->t[T_NODUMP] = (struct target_info){ same->nodump, same->nodump_pfn,
						same->nodump_dir,
						same->nodump_fdir };
	cx->t[T_KTHREAD].pid = KTHREAD_PID;
	cx->t[T_ZOMBIE].pid = same->zombie;
}

/* Fork one caller, publish its own <pid>/, let it go, collect. */
static void run_caller(int kind, struct caller_result *res)
{
	struct caller_ctx cx;
	int go[2], rp[2], st = 0;
	pid_t pid;
	size_t n;

	memset(res, 0, sizeof(*res));
	fill_ctx(&cx, kind);
	if (pipe2(go, O_CLOEXEC) || pipe2(rp, O_CLOEXEC)) {
		res->status = RES_FAIL;
		snprintf(res->note, sizeof(res->note), "pipe: %s", errname(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(rp[0]);
		caller_main(&cx, go[0], rp[1]);
	}
	close(go[0]);
	close(rp[1]);
	if (pid > 0 && write(go[1], publish_pid(pid) ? "0" : "1", 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	n = pid > 0 ? read_full(rp[0], res, sizeof(*res)) : 0;
	close(rp[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (n != sizeof(*res)) {
		memset(res, 0, sizeof(*res));
		res->status = RES_FAIL;
		snprintf(res->note, sizeof(res->note),
			 "caller died without an answer (%s %d)",
			 WIFSIGNALED(st) ? "signal" : "status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
}

/* ---- knobs ---- */

static void setting_name(const struct setting *s, char *buf, size_t size)
{
	char yama[8];

	snprintf(yama, sizeof(yama), "%d", s->yama);
	snprintf(buf, size, "lockdown=%s ptrace_scope=%s hidepid=%d kptr_restrict=%d",
		 lockdown_names[s->lockdown], s->yama < 0 ? "n/a" : yama,
		 s->hidepid, s->kptr);
}

static int set_hidepid(int v)
{
	char opt[16];

	snprintf(opt, sizeof(opt), "hidepid=%d", v);
	if (mount("proc", "/proc", "proc", MS_REMOUNT, opt))
		return errno;
	return proc_hidepid() == v ? 0 : EINVAL;
}

static int harness_fail(const char *what, int e)
{
	fail("harness: %s: %s", what, errname(e));
	return -1;
}

/* Apply @s; knobs that cannot go back (Yama 3, lockdown) only go up. */
static int apply_setting(const struct setting *s)
{
	int e;

	e = -write_int_file(KPTR_FILE, s->kptr);
	if (e)
		return harness_fail("writing " KPTR_FILE, e);
	now.kptr = s->kptr;
	if (have_yama && s->yama != now.yama) {
		if (now.yama == 3)
			return harness_fail("ptrace_scope is 3 already", EINVAL);
		e = -write_int_file(YAMA_FILE, s->yama);
		if (e)
			return harness_fail("writing " YAMA_FILE, e);
		now.yama = s->yama;
	}
	if (s->hidepid != now.hidepid) {
		e = set_hidepid(s->hidepid);
		if (e)
			return harness_fail("remounting /proc with hidepid", e);
		now.hidepid = s->hidepid;
	}
	if (have_lockdown && s->lockdown != now.lockdown) {
		if (s->lockdown < now.lockdown)
			return harness_fail("lockdown cannot be lowered", EINVAL);
		e = -write_file(LOCKDOWN_FILE, lockdown_names[s->lockdown]);
		if (!e && lockdown_level() != s->lockdown)
			e = EINVAL;
		if (e)
			return harness_fail("writing " LOCKDOWN_FILE, e);
		now.lockdown = s->lockdown;
	}
	return 0;
}

static int add_setting(struct setting *plan, int n, int ld, int yama,
		       int hidepid, int kptr)
{
	if (ld != LD_NONE && !have_lockdown)
		return n;
	plan[n] = (struct setting){ ld, have_yama ? yama : -1, hidepid, kptr };
	return n + 1;
}

/*
 * The order matters: ptrace_scope 3 and lockdown cannot be undone, so
 * Yama 3 comes with the last lockdown levels, confidentiality last.
 */
static int build_plan(bool quick, struct setting *plan)
{
	int n = 0, y, h, k;

	if (quick) {
		n = add_setting(plan, n, LD_NONE, 0, 0, 1);
		n = add_setting(plan, n, LD_NONE, 1, 2, 2);
		n = add_setting(plan, n, LD_NONE, 0, 2, 1);
		n = add_setting(plan, n, LD_NONE, 1, 0, 2);
		n = add_setting(plan, n, LD_CONF, 1, 0, 1);
		n = add_setting(plan, n, LD_CONF, 0, 2, 2);
		return n;
	}
	for (y = 0; y <= (have_yama ? 2 : 0); y++)
		for (h = 0; h <= 2; h += 2)
			for (k = 0; k <= 2; k++)
				n = add_setting(plan, n, LD_NONE, y, h, k);
	for (y = 2; y <= 3; y++)
		for (h = 0; h <= 2; h += 2)
			for (k = 0; k <= 2; k++)
				n = add_setting(plan, n, LD_INTEGRITY, y, h, k);
	for (h = 0; h <= 2; h += 2)
		for (k = 0; k <= 2; k++)
			n = add_setting(plan, n, LD_CONF, 3, h, k);
	return n;
}

/* ---- output ---- */

static void cell_text(const struct cell *c, char *buf, size_t size)
{
	if (c->state == CELL_NA)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s%c", c->mod,
			 c->state == CELL_AGREE ? '=' : '!');
}

static void print_target_table(const struct caller_result *res)
{
	char buf[40];
	int k, t, col;

	printf("%-11s %-9s %6s |", "caller", "target", "pid");
	for (col = 0; col < NR_TCOLS; col++)
		printf(" %-12s", tcol_names[col]);
	putchar('\n');
	for (k = 0; k < NR_CALLERS; k++) {
		if (res[k].status != RES_OK) {
			printf("%-11s (%s: %s)\n", callers[k].name,
			       res[k].status == RES_SKIP ? "skipped" : "failed",
			       res[k].note);
			continue;
		}
		for (t = 0; t < NR_TARGETS; t++) {
			printf("%-11s %-9s %6d |", callers[k].name,
			       target_names[t], (int)res[k].tpid[t]);
			for (col = 0; col < NR_TCOLS; col++) {
				cell_text(&res[k].t[t][col], buf, sizeof(buf));
				printf(" %-12s", buf);
			}
			putchar('\n');
		}
	}
}

static void print_caller_table(const struct caller_result *res)
{
	char buf[40];
	int k, col;

	printf("%-11s %-16s |", "caller", "");
	for (col = 0; col < NR_CCOLS; col++)
		printf(" %-12s", ccol_names[col]);
	putchar('\n');
	for (k = 0; k < NR_CALLERS; k++) {
		if (res[k].status != RES_OK)
			continue;
		printf("%-11s %-16s |", callers[k].name, "(per caller)");
		for (col = 0; col < NR_CCOLS; col++) {
			cell_text(&res[k].c[col], buf, sizeof(buf));
			printf(" %-12s", buf);
		}
		putchar('\n');
	}
}

/* PASS for a row whose cells all agree, else FAIL per mismatch. */
static void report_row(const char *sname, int k, int t, pid_t pid,
		       const struct cell *row, int ncols,
		       const char * const *names)
{
	const char *tname = t < NR_TARGETS ? target_names[t] : "(per caller)";
	int col, cells = 0, diffs = 0;

	for (col = 0; col < ncols; col++) {
		const struct cell *c = &row[col];

		if (c->state == CELL_NA)
			continue;
		cells++;
		if (verbose)
			printf("CELL [%s] %s -> %s (pid %d) %s %c module %s (%s); oracle %s (%s)\n",
			       sname, callers[k].name, tname, (int)pid, names[col],
			       c->state == CELL_AGREE ? '=' : '!', c->mod,
			       c->mod_how, c->ora, c->ora_how);
		if (c->state == CELL_AGREE)
			continue;
		diffs++;
		diff_count[k][t][col]++;
		diff_last[k][t][col] = *c;
		fail("[%s] %s -> %s (pid %d) %s: module %s (%s); oracle %s (%s)",
		     sname, callers[k].name, tname, (int)pid, names[col],
		     c->mod, c->mod_how, c->ora, c->ora_how);
	}
	ncells += cells;
	nmismatch += diffs;
	if (!diffs) {
		pass("[%s] %s -> %s (pid %d): %d cells agree", sname,
		     callers[k].name, tname, (int)pid, cells);
	}
}

static void report(const char *sname, const struct caller_result *res)
{
	int k, t;

	for (k = 0; k < NR_CALLERS; k++) {
		if (res[k].status == RES_SKIP) {
			info("[%s] %s skipped: %s", sname,
			       callers[k].name, res[k].note);
			continue;
		}
		if (res[k].status == RES_FAIL) {
			fail("[%s] %s: %s", sname, callers[k].name,
			     res[k].note);
			continue;
		}
		if (res[k].note[0])
			info("[%s] %s: %s", sname, callers[k].name,
			       res[k].note);
		for (t = 0; t < NR_TARGETS; t++)
			report_row(sname, k, t, res[k].tpid[t], res[k].t[t],
				   NR_TCOLS, tcol_names);
		report_row(sname, k, NR_TARGETS, res[k].tpid[T_SELF], res[k].c,
			   NR_CCOLS, ccol_names);
	}
}

static void print_diff_summary(int nsettings)
{
	int k, t, col;

	for (k = 0; k < NR_CALLERS; k++) {
		for (t = 0; t <= NR_TARGETS; t++) {
			int ncols = t < NR_TARGETS ? NR_TCOLS : NR_CCOLS;

			for (col = 0; col < ncols; col++) {
				const struct cell *c = &diff_last[k][t][col];

				if (!diff_count[k][t][col])
					continue;
				info("mismatch %s -> %s %s: in %u of %d settings (last: module %s, oracle %s)",
				       callers[k].name,
				       t < NR_TARGETS ? target_names[t] : "(per caller)",
				       t < NR_TARGETS ? tcol_names[col] : ccol_names[col],
				       diff_count[k][t][col], nsettings, c->mod,
				       c->ora);
			}
		}
	}
}

static void print_legend(void)
{
	info("cell: the module's answer, then '=' when the oracle gives the same, '!' when not; '-': not asked");
	info("  ok: shown; ok-hidden: answered with frames (pt), anon_vma (page) or addresses (klayout) withheld;");
	info("  denied: EACCES/EPERM; hidden: ENOENT (agrees with an oracle hidden by hidepid, as denied and esrch do);");
	info("  esrch: no mm (oracle: /proc/PID/maps opens but is empty); X@read: the debugfs open worked and the");
	info("  read failed with X (the rule: refuse at open); pfn-leak, AD-leak, AD-raw, leak: marked hidden, yet");
	info("  frames, decoded accessed/dirty bits, raw accessed/dirty bits, or kernel addresses came through");
}

/* ---- setup ---- */

static void print_kernel_info(void)
{
	struct utsname u;
	int perf = -1;

	uname(&u);
	read_int_file(PERF_FILE, &perf);
	info("kernel %s, page size %ld, perf_event_paranoid %d%s",
	       u.release, page_size, perf,
	       perf >= 0 && perf <= 1 ?
	       " (/proc/kallsyms shows everyone addresses at kptr_restrict=0)" : "");
}

static int setup_fs(void)
{
	struct stat st;
	int v;

	if (stat(VMAINSPECT_DEVICE, &st)) {
		fail("setup: %s: %s", VMAINSPECT_DEVICE, errname(errno));
		return -1;
	}
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", MS_REMOUNT, "mode=0755")) {
		fail("setup: remounting %s with mode=0755: %s",
		       DEBUGFS_DIR, errname(errno));
		return -1;
	}
	info("debugfs remounted with mode=0755 (default 0700): the module's own checks are tested");
	if (stat(VMI_DIR, &st)) {
		fail("setup: %s: %s", VMI_DIR, errname(errno));
		return -1;
	}
	if (access(LOCKDOWN_FILE, F_OK) &&
	    mount("securityfs", SECURITYFS_DIR, "securityfs", 0, NULL) == 0)
		info("mounted securityfs on %s", SECURITYFS_DIR);
	now.lockdown = lockdown_level();
	have_lockdown = now.lockdown >= 0;
	if (!have_lockdown) {
		info("no %s: lockdown settings skipped", LOCKDOWN_FILE);
		now.lockdown = LD_NONE;
	}
	have_yama = !read_int_file(YAMA_FILE, &v);
	now.yama = have_yama ? v : -1;
	if (!have_yama)
		info("no %s: Yama settings skipped", YAMA_FILE);
	if (read_int_file(KPTR_FILE, &now.kptr))
		now.kptr = -1;
	now.hidepid = proc_hidepid();
	info("knobs at start: lockdown=%s ptrace_scope=%d hidepid=%d kptr_restrict=%d",
	       lockdown_names[now.lockdown], now.yama, now.hidepid, now.kptr);
	return 0;
}

static int check_kthread(void)
{
	char comm[32];

	if (read_file("/proc/2/comm", comm, sizeof(comm)) ||
	    strncmp(comm, "kthreadd", 8)) {
		fail("setup: pid %d is not kthreadd", KTHREAD_PID);
		return -1;
	}
	return 0;
}

/* Leave /proc and the reversible knobs as they were. */
static void restore(const struct setting *start)
{
	if (now.hidepid != start->hidepid && start->hidepid >= 0)
		set_hidepid(start->hidepid);
	if (start->kptr >= 0)
		write_int_file(KPTR_FILE, start->kptr);
	if (have_yama && now.yama != 3 && start->yama >= 0)
		write_int_file(YAMA_FILE, start->yama);
}

static void run_setting(int i, int n, const struct setting *s)
{
	static struct caller_result res[NR_CALLERS];
	char sname[128];
	double t0 = now_s();
	int k;

	setting_name(s, sname, sizeof(sname));
	printf("\n## setting %d/%d: %s\n", i + 1, n, sname);
	if (apply_setting(s))
		return;
	prepare_targets();
	for (k = 0; k < NR_CALLERS; k++)
		run_caller(k, &res[k]);
	print_target_table(res);
	print_caller_table(res);
	report(sname, res);
	info("setting %d took %.1f s", i + 1, now_s() - t0);
}

static void print_usage(void)
{
	fprintf(stderr, "usage: vmi-access-matrix [--quick] [-v|--verbose] [--force]   (as root, in a throwaway VM)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct setting plan[64], start;
	double t0 = now_s();
	bool quick = false, force = false;
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = true;
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else
			print_usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		fprintf(stderr, "vmi-access-matrix: must run as root\n");
		return 2;
	}
	if (!force && access(VM_MARKER, F_OK)) {
		fprintf(stderr, "vmi-access-matrix: no %s, so not the test VM: this locks the kernel down for good (--force to run anyway)\n",
			VM_MARKER);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	print_kernel_info();
	if (setup_fs() || check_kthread())
		return 1;
	start = now;
	tpage = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tpage == MAP_FAILED || spawn_all_targets()) {
		fail("setup: cannot make the targets: %s", errname(errno));
		kill_all_targets();
		return 1;
	}
	print_legend();
	n = build_plan(quick, plan);
	for (i = 0; i < n; i++)
		run_setting(i, n, &plan[i]);
	restore(&start);
	kill_all_targets();
	printf("\n");
	print_diff_summary(n);
	info("%d settings (%s) in %.1f s", n, quick ? "--quick" : "full",
	       now_s() - t0);
	info("matrix: %lu cells, %lu mismatches", ncells, nmismatch);
	return summary();
}
