// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-lifecycle: loading and unloading the vmainspect module while it is
 * in use, as root in the test VM with the module loaded.
 *
 *   vmi-lifecycle [--module PATH] [--cycles N]
 *
 *   --module PATH  the module file to insmod again (default: VMI_MODULE
 *                  of /vmi/config, the file scripts/vm-init.sh loaded)
 *   --cycles N     insmod/rmmod cycles of the last check (default 200)
 *
 * The module is removed and inserted with delete_module(O_NONBLOCK) and
 * finit_module(), as rmmod and insmod do, so that each refusal has an
 * errno ("in use" is EAGAIN, EBUSY a module going away).  Checks:
 *  1. rmmod with /dev/vmainspect open: refused, the fd keeps working;
 *     after close rmmod works, /dev/vmainspect goes, insmod brings it back.
 *  2. rmmod with a debugfs file open (self/maps, kernel_layout, a published
 *     <pid>/maps, a published frames/<pfn>/page): refused and the file
 *     still reads, or, were it allowed, the read fails with EIO/ENODEV;
 *     after close, rmmod and insmod work and the files reopen (published
 *     ones after publishing again).  A file whose directory was removed
 *     while open (frames evicted, a dead pid swept) reads an error.
 *  2b. The registry of published directories, on a fresh module: 64 live
 *     <pid>/ directories, the 65th ENOSPC, 70 frames keep the newest 64
 *     and no <pid>/ goes with them, a dead process's room is reused.
 *  3. A query blocked on the target's mmap lock: a child holds its own
 *     mmap lock for write for as long as we like (see below), then
 *      - LIST_VMAS of a querier process blocks; SIGKILL reaps it within
 *        100 ms (mmap_read_lock_killable()); 400 ms on a debug kernel
 *        (kmemleak): there the exit of the killed process alone, under
 *        TCG, takes 80-130 ms; a wait that is not killable never ends
 *        while the writer holds the lock, so the bound still tells;
 *      - the same for a read of the published <pid>/maps, and rmmod while
 *        that read is blocked is refused;
 *      - rmmod while a thread of ours is blocked in LIST_VMAS, its fd
 *        already closed by another thread: refused; once the writer is
 *        gone the ioctl completes, and then rmmod works.
 *  4. N insmod/rmmod cycles with ATTACH self + LIST_VMAS + PT_PATH +
 *     KLAYOUT and one debugfs read in each; then, if the kernel has
 *     kmemleak, two scans must report no object allocated by vmainspect.
 * After each check, new kernel log lines must hold no splat (BUG, Oops,
 * WARNING, lockdep...).
 *
 * Holding an mmap lock: a userfaultfd fault cannot do it, because
 * handle_userfault() drops the mmap lock (or the VMA lock) before it
 * sleeps, and a fault that may not drop it (no FAULT_FLAG_ALLOW_RETRY)
 * gets SIGBUS instead of waiting; an INFO line shows LIST_VMAS going
 * through while a thread of the target waits in such a fault.
 * madvise(MADV_UNMERGEABLE) does it: it takes the mmap lock for write and,
 * on 5.10 to 6.12, walks the range one page at a time (break_ksm()),
 * checking only for a signal; on a 16 TiB MADV_MERGEABLE mapping it would
 * hold the lock for hours, and a SIGKILL ends it.  Without KSM the check
 * is skipped with an INFO line, and nothing claims a PASS.
 *
 * Output: KTAP, one result per check and diagnostics (vmi-report.h); exit
 * status 1 on a failure.  The module is loaded at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <uapi/vmainspect.h>
#include "vmi-test.h"

#define MODNAME		"vmainspect"
#define DBG		"/sys/kernel/debug/vmainspect"
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define REAP_MS		100		/* SIGKILL to reaped, at most */
#define REAP_MS_DEBUG	400		/* the same on a kmemleak kernel */
static int reap_ms = REAP_MS;
#define BLOCKED_MS	500		/* a query still waiting after this is blocked */
#define BLOCK_SIZE	(16ULL << 40)	/* the KSM range: 2^32 pages */
#define READY		(-1)		/* a child's "set up" message */

static const char *module_path;
static int kmsg = -1;
static char text[256 * 1024];		/* file contents */

static const char *errname(int e)
{
	static char buf[4][48];
	static int i;

	switch (e) {
	case 0: return "success";
	case EAGAIN: return "EAGAIN";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case ENXIO: return "ENXIO";
	case EIO: return "EIO";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EPERM: return "EPERM";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ETIMEDOUT: return "timeout";
	}
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s", strerror(e));
	return buf[i];
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- the module ---- */

static int mod_remove(void)
{
	return syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? errno : 0;
}

static int mod_insert(void)
{
	int fd = open(module_path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

static bool mod_loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

/* "in use": what delete_module() says while a reference is held. */
static bool refused(int err)
{
	return err == EAGAIN || err == EBUSY;
}

/* Load the module if a check left it out; false if it cannot be. */
static bool ensure_loaded(const char *where)
{
	int err;

	if (mod_loaded())
		return true;
	err = mod_insert();
	if (err)
		fail("%s: insmod %s: %s", where, module_path, errname(err));
	return !err;
}

/* ---- queries ---- */

/* One LIST_VMAS batch from address 0; @nr: the VMAs it returned. */
static int do_list(int fd, uint32_t *nr)
{
	static __thread struct vmainspect_vma v[64];
	static __thread char strings[16384];
	struct vmainspect_vma_list l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.vmas = (uintptr_t)v;
	l.strings = (uintptr_t)strings;
	l.vma_size = sizeof(v[0]);
	l.max_vmas = 64;
	l.strings_size = sizeof(strings);
	if (ioctl(fd, VMAINSPECT_IOC_LIST_VMAS, &l))
		return errno;
	if (nr)
		*nr = l.nr_vmas;
	return l.nr_vmas ? 0 : ENOENT;
}

static int do_pt_path(int fd, const void *addr)
{
	struct vmainspect_pt_path p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = (uintptr_t)addr;
	if (ioctl(fd, VMAINSPECT_IOC_PT_PATH, &p))
		return errno;
	return p.nr_levels && (p.out_flags & VMAINSPECT_PT_IN_VMA) ? 0 : ENOENT;
}

static int do_klayout(int fd)
{
	struct vmainspect_kregion r[VMAINSPECT_KREGIONS_MAX];
	struct vmainspect_klayout k;

	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.regions = (uintptr_t)r;
	k.region_size = sizeof(r[0]);
	k.max_regions = VMAINSPECT_KREGIONS_MAX;
	if (ioctl(fd, VMAINSPECT_IOC_KLAYOUT, &k))
		return errno;
	return k.nr_regions && k.ram_end ? 0 : ENOENT;
}

/* Publish frames/0x<pfn>/ for @pfn; 0 or errno. */
static int do_publish_frame(int fd, uint64_t pfn)
{
	struct vmainspect_page p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_DEBUGFS;
	p.pfn = pfn;
	return ioctl(fd, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
}

/* The frame behind @addr of the attached process (self). */
static int do_frame_of(int fd, const void *addr, uint64_t *pfn)
{
	struct vmainspect_page p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_BY_ADDR;
	p.addr = (uintptr_t)addr;
	if (ioctl(fd, VMAINSPECT_IOC_PAGE, &p))
		return errno;
	*pfn = p.pfn;
	return 0;
}

/*
 * ATTACH self, LIST_VMAS, PT_PATH of a stack address, KLAYOUT on a fresh
 * fd; 0 or errno, with the failing step in *step.
 */
static int queries(const char **step)
{
	int fd = vmi_open(), err;
	char here = 0;

	*step = "open " VMAINSPECT_DEVICE;
	if (fd < 0)
		return errno;
	*step = "ATTACH self";
	err = vmi_attach(fd, getpid(), 0);
	if (!err) {
		*step = "LIST_VMAS";
		err = do_list(fd, NULL);
	}
	if (!err) {
		*step = "PT_PATH";
		err = do_pt_path(fd, &here);
	}
	if (!err) {
		*step = "KLAYOUT";
		err = do_klayout(fd);
	}
	close(fd);
	return err;
}

/* Read an open file to its end into text[]; bytes, or -errno. */
static ssize_t read_fd(int fd)
{
	size_t n = 0;
	ssize_t got;

	while (n < sizeof(text) - 1 && (got = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += got;
	text[n] = '\0';
	return got < 0 ? -errno : (ssize_t)n;
}

static ssize_t read_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd(fd);
	close(fd);
	return n;
}

static int write_path(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* ---- the kernel log ---- */

static const char *const splat_words[] = {
	"BUG:", "Oops", "Kernel panic", "WARNING:", "KASAN", "UBSAN", "KFENCE",
	"kernel BUG at", "general protection fault", "Call Trace:", "refcount_t:",
	"list_add corruption", "list_del corruption", "possible circular locking",
	"possible recursive locking", "inconsistent lock state", "lockdep",
	"suspicious RCU usage", "stack-protector", "detected stall", "soft lockup",
	"hard LOCKUP", "blocked for more than", "double fault", "nable to handle",
};

static bool is_splat(const char *msg)
{
	size_t i;

	if (strstr(msg, "traps: ") || strstr(msg, "]: segfault at "))
		return false;
	for (i = 0; i < sizeof(splat_words) / sizeof(splat_words[0]); i++)
		if (strstr(msg, splat_words[i]))
			return true;
	return false;
}

/* The kernel log since the last call must hold no splat. */
static void check_kmsg(const char *what)
{
	char rec[2048], *msg;
	int splats = 0;
	ssize_t n;

	if (kmsg < 0)
		return;
	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (is_splat(msg) && splats++ < 40)
			printf("  kernel: %s\n", msg);
	}
	check(!splats, what, "%d kernel log lines of a splat (above)", splats);
}

/* ---- children ---- */

/* In a child: close every fd on our device or debugfs files. */
static void close_module_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[64], target[256];
	ssize_t n;

	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd < 3 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, VMAINSPECT_DEVICE) || !strncmp(target, DBG, strlen(DBG)))
			close(fd);
	}
	if (d)
		closedir(d);
}

static void tell(int fd, int val)
{
	if (write(fd, &val, sizeof(val)) != sizeof(val))
		_exit(3);
}

/* The next message of a child within @ms; ETIMEDOUT, or EPIPE if it died. */
static int hear(int fd, int ms, int *val)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return ETIMEDOUT;
	n = read(fd, val, sizeof(*val));
	return n == sizeof(*val) ? 0 : EPIPE;
}

struct child {
	pid_t pid;
	int fd;		/* its messages */
};

/* Fork a child running @fn(arg, message fd); 0 once it said READY. */
static int child_start(struct child *c, void (*fn)(void *, int), void *arg, int ms)
{
	int p[2], val = 0, err;

	if (pipe2(p, O_CLOEXEC))
		return errno;
	c->pid = fork();
	if (c->pid < 0)
		return errno;
	if (!c->pid) {
		close(p[0]);
		close_module_fds();
		fn(arg, p[1]);
		_exit(0);
	}
	close(p[1]);
	c->fd = p[0];
	err = hear(c->fd, ms, &val);
	if (!err && val != READY)
		err = val;
	return err;
}

static void child_stop(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill_wait(c->pid);
	close(c->fd);
	c->pid = 0;
}

static void sleeper(void *arg, int fd)
{
	(void)arg;
	tell(fd, READY);
	for (;;)
		pause();
}

/* "R", "S", "D"... and the wchan of @pid (a thread id works too). */
static void task_state(pid_t pid, char *buf, size_t len)
{
	char path[64], stat[512] = "", wchan[128] = "?";
	const char *s;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, stat, sizeof(stat) - 1);
		stat[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, wchan, sizeof(wchan) - 1);
		wchan[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	s = strrchr(stat, ')');
	snprintf(buf, len, "state %c, wchan %s", s && s[1] ? s[2] : '?', wchan);
}

/* ---- 1: the device open ---- */

static void check_fd_open(void)
{
	const char *step;
	int fd, err;

	if (!ensure_loaded("fd-open"))
		return;
	fd = vmi_open();
	if (fd < 0) {
		fail("fd-open: open %s: %s", VMAINSPECT_DEVICE, errname(errno));
		return;
	}
	err = vmi_attach(fd, getpid(), 0);
	check(!err, "fd-open: ATTACH self", "%s", errname(err));
	err = mod_remove();
	check(refused(err), "fd-open: rmmod with /dev/vmainspect open is refused",
	      "delete_module: %s", errname(err));
	if (!err) {
		info("fd-open: the module went while a file of it was open");
		close(fd);
		ensure_loaded("fd-open");
		return;
	}
	info("fd-open: rmmod refused with %s (\"in use\")", errname(err));
	err = do_list(fd, NULL);
	check(!err, "fd-open: the fd still answers LIST_VMAS after the refused rmmod",
	      "%s", errname(err));
	close(fd);
	err = mod_remove();
	check(!err, "fd-open: rmmod works once the fd is closed", "delete_module: %s",
	      errname(err));
	if (!err)
		check(!mod_loaded() && access(VMAINSPECT_DEVICE, F_OK) && errno == ENOENT,
		      "fd-open: /sys/module/" MODNAME " and " VMAINSPECT_DEVICE " are gone",
		      "still there");
	err = mod_insert();
	check(!err, "fd-open: insmod again", "finit_module %s: %s", module_path,
	      errname(err));
	err = queries(&step);
	check(!err, "fd-open: queries after the reload", "%s: %s", step, errname(err));
	check_kmsg("fd-open: no kernel splat");
}

/* ---- 2: debugfs files open ---- */

struct dbg_file {
	const char *name;
	char path[128];
	bool published;		/* a <pid>/ or frames/ file: publish again */
};

/*
 * Publish what the published files need: <sleeper pid>/ and the frame of
 * one of our pages; fills their paths.
 */
static int publish(struct dbg_file *f, pid_t sleeper_pid, uint64_t *pfn)
{
	static char page[4096] __attribute__((aligned(4096)));
	int fd = vmi_open(), err;

	if (fd < 0)
		return errno;
	page[0] = 1;
	err = vmi_attach(fd, sleeper_pid, VMAINSPECT_ATTACH_DEBUGFS);
	if (!err)
		err = vmi_attach(fd, getpid(), 0);
	if (!err)
		err = do_frame_of(fd, page, pfn);
	if (!err)
		err = do_publish_frame(fd, *pfn);
	close(fd);
	snprintf(f[2].path, sizeof(f[2].path), DBG "/%d/maps", sleeper_pid);
	snprintf(f[3].path, sizeof(f[3].path), DBG "/frames/0x%" PRIx64 "/page", *pfn);
	return err;
}

/* rmmod with @f open: refused and the file reads, or reads an error. */
static void rmmod_with_open(struct dbg_file *f)
{
	char name[160];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0) {
		fail("debugfs: open %s: %s", f->path, errname(errno));
		return;
	}
	err = mod_remove();
	snprintf(name, sizeof(name), "debugfs: rmmod with %s open", f->name);
	if (refused(err)) {
		pass("%s: refused (%s)", name, errname(err));
		n = read_fd(fd);
		snprintf(name, sizeof(name), "debugfs: the open %s still reads after the"
			 " refused rmmod", f->name);
		check(n > 0, name, "%s: read: %s", f->path, n < 0 ? errname(-n) : "empty");
	} else if (!err) {
		n = read_fd(fd);
		check(n == -EIO || n == -ENODEV || n == -ENXIO, name,
		      "module unloaded, then read gave %s", n < 0 ? errname(-n) : "data");
	} else {
		fail("%s: delete_module: %s", name, errname(err));
	}
	close(fd);
}

/* A file whose directory goes while it is open: later reads fail. */
static void check_removed_while_open(uint64_t pfn)
{
	struct child victim = { 0 }, other = { 0 };
	char path[128];
	int fd = vmi_open(), ffd = -1, pfd = -1, err, published = 0;
	uint64_t p;
	ssize_t n;

	if (fd < 0)
		return;
	/* frames: VMI_FRAMES_MAX (64) newer frames evict ours */
	snprintf(path, sizeof(path), DBG "/frames/0x%" PRIx64 "/page", pfn);
	ffd = open(path, O_RDONLY | O_CLOEXEC);
	for (p = 0x1000; ffd >= 0 && published < 70 && p < 0x100000; p++)
		if (p != pfn && !do_publish_frame(fd, p))
			published++;
	if (ffd >= 0) {
		n = read_fd(ffd);
		check(access(path, F_OK) && (n == -EIO || n == -ENODEV || n == -ENOENT),
		      "debugfs: an open frames/<pfn>/page evicted by newer frames reads an error",
		      "after %d newer frames: %s", published,
		      n < 0 ? errname(-n) : "data");
		close(ffd);
	}
	/* <pid>/: a dead process's directory is swept by the next new publish */
	if (!child_start(&victim, sleeper, NULL, 5000) &&
	    !vmi_attach(fd, victim.pid, VMAINSPECT_ATTACH_DEBUGFS)) {
		snprintf(path, sizeof(path), DBG "/%d/maps", victim.pid);
		pfd = open(path, O_RDONLY | O_CLOEXEC);
		child_stop(&victim);
		err = child_start(&other, sleeper, NULL, 5000);
		if (!err)
			err = vmi_attach(fd, other.pid, VMAINSPECT_ATTACH_DEBUGFS);
		n = pfd >= 0 ? read_fd(pfd) : -errno;
		check(access(path, F_OK) && (n == -EIO || n == -ENODEV),
		      "debugfs: an open <pid>/maps of a process gone and swept reads an error",
		      "%s: %s (the publish that sweeps: %s)", path,
		      n < 0 ? errname(-n) : "data", errname(err));
		if (pfd >= 0)
			close(pfd);
	}
	child_stop(&victim);
	child_stop(&other);
	close(fd);
}

static void check_debugfs_open(void)
{
	struct dbg_file f[] = {
		{ "self/maps", DBG "/self/maps", false },
		{ "kernel_layout", DBG "/kernel_layout", false },
		{ "published <pid>/maps", "", true },
		{ "published frames/<pfn>/page", "", true },
	};
	struct child sl = { 0 };
	uint64_t pfn = 0;
	size_t i;
	ssize_t n;
	int err;

	if (!ensure_loaded("debugfs"))
		return;
	if (access(DBG, F_OK)) {
		info("debugfs: no %s: debugfs checks skipped", DBG);
		return;
	}
	err = child_start(&sl, sleeper, NULL, 5000);
	if (!err)
		err = publish(f, sl.pid, &pfn);
	if (err) {
		fail("debugfs: publish <pid>/ and frames/<pfn>/: %s", errname(err));
		child_stop(&sl);
		return;
	}
	for (i = 0; i < 4; i++) {
		rmmod_with_open(&f[i]);
		if (!ensure_loaded("debugfs"))
			goto out;
		if (f[i].published && access(f[i].path, F_OK))
			publish(f, sl.pid, &pfn);
	}
	err = mod_remove();
	check(!err, "debugfs: rmmod works once the files are closed", "delete_module: %s",
	      errname(err));
	if (!err)
		check(access(f[2].path, F_OK) && access(DBG, F_OK),
		      "debugfs: " DBG " is gone with the module", "still there");
	if (!ensure_loaded("debugfs"))
		goto out;
	check(access(f[2].path, F_OK) && access(f[3].path, F_OK),
	      "debugfs: a new module instance has nothing published", "%s is there",
	      f[2].path);
	err = publish(f, sl.pid, &pfn);
	check(!err, "debugfs: publish again after the reload", "%s", errname(err));
	for (i = 0; i < 4; i++) {
		char name[160];

		n = read_path(f[i].path);
		snprintf(name, sizeof(name), "debugfs: %s reopens and reads after the reload",
			 f[i].name);
		check(n > 0, name, "%s: %s", f[i].path, n < 0 ? errname(-n) : "empty");
	}
	check_removed_while_open(pfn);
out:
	child_stop(&sl);
	check_kmsg("debugfs: no kernel splat");
}

/* ---- 2b: the registry of published directories ---- */

#define REG_PIDS	64	/* debugfs.c: VMI_DEBUGFS_MAX_PIDS */
#define REG_FRAMES	64	/* debugfs.c: VMI_DEBUGFS_MAX_FRAMES */

/* Entries of @dir whose name starts with a digit (or "0x" for frames/). */
static int count_dirs(const char *dir, bool frames)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (frames ? !strncmp(e->d_name, "0x", 2) :
			     (e->d_name[0] >= '0' && e->d_name[0] <= '9'))
			n++;
	closedir(d);
	return n;
}

static bool dir_there(const char *fmt, uint64_t v)
{
	char path[128];

	snprintf(path, sizeof(path), fmt, v);
	return !access(path, F_OK);
}

/*
 * Both kinds of published directories share one registry with a bound per
 * kind: REG_PIDS live <pid>/ directories, then ENOSPC, dead ones swept by
 * the next publish; REG_FRAMES frames/<pfn>/, the oldest evicted.  One
 * kind full never takes room from the other.  Oracle: debugfs itself
 * (readdir, access).  Starts from a fresh module: nothing published.
 */
static void check_debugfs_registry(void)
{
	struct child kids[REG_PIDS + 1] = { { 0 } };
	uint64_t first_pfn = 0, last_pfn = 0, p;
	int fd = -1, err = 0, i, n, frames = 0, e;

	err = mod_remove();
	if (err && err != ENOENT) {
		fail("debugfs registry: rmmod for a fresh registry: %s", errname(err));
		return;
	}
	err = 0;
	if (!ensure_loaded("debugfs registry") || access(DBG, F_OK))
		return;
	fd = vmi_open();
	if (fd < 0) {
		fail("debugfs registry: open: %s", errname(errno));
		return;
	}
	for (i = 0; i <= REG_PIDS && !err; i++)
		err = child_start(&kids[i], sleeper, NULL, 5000);
	for (i = 0; i < REG_PIDS && !err; i++)
		err = vmi_attach(fd, kids[i].pid, VMAINSPECT_ATTACH_DEBUGFS);
	n = count_dirs(DBG, false);
	check(!err && n == REG_PIDS, "debugfs registry: 64 live processes publish <pid>/",
	      "%s; %d <pid>/ directories", errname(err), n);
	if (err)
		goto out;
	e = vmi_attach(fd, kids[0].pid, VMAINSPECT_ATTACH_DEBUGFS);
	check(!e && count_dirs(DBG, false) == REG_PIDS,
	      "debugfs registry: publishing a published process again is a no-op",
	      "%s, %d directories", errname(e), count_dirs(DBG, false));
	e = vmi_attach(fd, kids[REG_PIDS].pid, VMAINSPECT_ATTACH_DEBUGFS);
	check(e == ENOSPC && !dir_there(DBG "/%" PRIu64, kids[REG_PIDS].pid),
	      "debugfs registry: the 65th live process gets ENOSPC", "%s", errname(e));

	/* frames while the <pid>/ kind is full: their own room, oldest out */
	for (p = 0x1000; frames < REG_FRAMES + 6 && p < 0x100000; p++) {
		if (do_publish_frame(fd, p))
			continue;
		if (!frames++)
			first_pfn = p;
		last_pfn = p;
	}
	n = count_dirs(DBG "/frames", true);
	check(frames == REG_FRAMES + 6 && n == REG_FRAMES &&
	      !dir_there(DBG "/frames/0x%" PRIx64, first_pfn) &&
	      dir_there(DBG "/frames/0x%" PRIx64, last_pfn),
	      "debugfs registry: 70 frames keep the newest 64, with 64 <pid>/ published",
	      "%d published, %d directories, oldest %s, newest %s", frames, n,
	      dir_there(DBG "/frames/0x%" PRIx64, first_pfn) ? "there" : "gone",
	      dir_there(DBG "/frames/0x%" PRIx64, last_pfn) ? "there" : "gone");
	n = count_dirs(DBG, false);
	check(n == REG_PIDS, "debugfs registry: evicting frames leaves every <pid>/",
	      "%d <pid>/ directories", n);

	/* a dead process's directory is swept, and its room is free again */
	child_stop(&kids[0]);
	e = vmi_attach(fd, kids[REG_PIDS].pid, VMAINSPECT_ATTACH_DEBUGFS);
	check(!e && !dir_there(DBG "/%" PRIu64, kids[0].pid) &&
	      dir_there(DBG "/%" PRIu64, kids[REG_PIDS].pid) &&
	      count_dirs(DBG, false) == REG_PIDS,
	      "debugfs registry: a dead process's <pid>/ is swept and its room reused",
	      "%s; %d directories", errname(e), count_dirs(DBG, false));
out:
	for (i = 0; i <= REG_PIDS; i++)
		child_stop(&kids[i]);
	close(fd);
	check_kmsg("debugfs registry: no kernel splat");
}

/* ---- 3: a query blocked on the mmap lock ---- */

/* A thread that faults on a userfaultfd page nobody serves. */
static void *uffd_toucher(void *addr)
{
	return (void *)(uintptr_t)*(volatile char *)addr;
}

static void uffd_child(void *arg, int fd)
{
	struct uffdio_register reg;
	struct uffdio_api api;
	struct pollfd p;
	pthread_t t;
	char *area;
	int uffd;

	(void)arg;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		tell(fd, errno);
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	area = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)area;
	reg.range.len = 4096;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_API, &api) || area == MAP_FAILED ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&t, NULL, uffd_toucher, area))
		tell(fd, errno ? errno : EINVAL);
	/* READY once the fault is queued: its thread waits in handle_userfault() */
	p.fd = uffd;
	p.events = POLLIN;
	tell(fd, poll(&p, 1, 5000) == 1 ? READY : ETIMEDOUT);
	for (;;)
		pause();
}

enum qmode { Q_LIST, Q_DEBUGFS };

struct qarg {
	enum qmode mode;
	pid_t target;
};

/* A querier: set up, say READY, then the query that may block; its errno. */
static void querier(void *arg, int fd)
{
	struct qarg *q = arg;
	char path[128];
	int dev, err;

	if (q->mode == Q_LIST) {
		dev = vmi_open();
		if (dev < 0)
			tell(fd, errno);
		err = vmi_attach(dev, q->target, 0);
		if (err)
			tell(fd, err);
		tell(fd, READY);
		tell(fd, do_list(dev, NULL));
	} else {
		snprintf(path, sizeof(path), DBG "/%d/maps", q->target);
		dev = open(path, O_RDONLY | O_CLOEXEC);
		if (dev < 0)
			tell(fd, errno);
		tell(fd, READY);
		tell(fd, read(dev, text, sizeof(text)) < 0 ? errno : 0);
	}
	for (;;)
		pause();
}

static void uffd_probe(void)
{
	struct qarg q = { Q_LIST, 0 };
	struct child u = { 0 }, qc = { 0 };
	double t0;
	int err, res = -1;

	err = child_start(&u, uffd_child, NULL, 5000);
	if (err) {
		info("uffd: no userfaultfd fault to try (%s)", errname(err));
		child_stop(&u);
		return;
	}
	q.target = u.pid;
	t0 = now_ms();
	err = child_start(&qc, querier, &q, 5000);
	if (!err)
		err = hear(qc.fd, 5000, &res);
	if (!err)
		info("uffd: LIST_VMAS (%s) returned in %.0f ms while a thread of the target "
		     "waits in a userfaultfd fault: handle_userfault() drops the mmap lock, "
		     "so the KSM unmerge loop holds it instead", errname(res), now_ms() - t0);
	else
		info("uffd: LIST_VMAS blocked behind a userfaultfd fault (%s)", errname(err));
	child_stop(&qc);
	child_stop(&u);
}

/* The child holding its mmap lock for write: MADV_UNMERGEABLE over 16 TiB. */
static void blocker_child(void *arg, int fd)
{
	char *p;

	(void)arg;
	p = mmap(NULL, BLOCK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		tell(fd, errno);
	p[0] = 1;	/* an anon_vma: unmerging skips a VMA without one */
	if (madvise(p, BLOCK_SIZE, MADV_MERGEABLE))
		tell(fd, errno);
	tell(fd, READY);
	tell(fd, madvise(p, BLOCK_SIZE, MADV_UNMERGEABLE) ? errno : 0);
	for (;;)
		pause();
}

/* Start the blocker; true once a LIST_VMAS of it is seen to block. */
static bool blocker_start(struct child *b)
{
	struct qarg q = { Q_LIST, 0 };
	struct child qc = { 0 };
	int err, res, tries;

	err = child_start(b, blocker_child, NULL, 5000);
	if (err) {
		info("blocked: no way to hold an mmap lock here: MADV_MERGEABLE on %llu TiB: %s;"
		     " the blocked-query checks are skipped", BLOCK_SIZE >> 40, errname(err));
		child_stop(b);
		return false;
	}
	q.target = b->pid;
	for (tries = 0; tries < 3; tries++) {
		err = child_start(&qc, querier, &q, 5000);
		if (!err && hear(qc.fd, BLOCKED_MS, &res) == ETIMEDOUT) {
			child_stop(&qc);
			return true;
		}
		child_stop(&qc);
	}
	info("blocked: LIST_VMAS of the MADV_UNMERGEABLE child does not block (%s):"
	     " the blocked-query checks are skipped", err ? errname(err) : "it returned");
	child_stop(b);
	return false;
}

/*
 * A querier of mode @mode blocked on the blocker; SIGKILL must reap it
 * within reap_ms.  With @rmmod, rmmod is tried while it is blocked.
 */
static void check_killable(pid_t target, enum qmode mode, const char *what, bool rmmod)
{
	struct qarg q = { mode, target };
	struct child qc = { 0 };
	char state[160], name[160];
	double t0, dt;
	int err, res, status = 0;

	err = child_start(&qc, querier, &q, 5000);
	if (err) {
		fail("blocked: %s: start: %s", what, errname(err));
		child_stop(&qc);
		return;
	}
	err = hear(qc.fd, BLOCKED_MS, &res);
	if (err != ETIMEDOUT) {
		info("blocked: %s did not block (%s): not checked", what,
		     err ? errname(err) : errname(res));
		child_stop(&qc);
		return;
	}
	task_state(qc.pid, state, sizeof(state));
	info("blocked: %s waits for the mmap lock (%s)", what, state);
	if (rmmod) {
		err = mod_remove();
		snprintf(name, sizeof(name), "blocked: rmmod while %s is blocked is refused",
			 what);
		check(refused(err), name, "delete_module: %s", errname(err));
		if (!err)
			ensure_loaded("blocked");
	}
	t0 = now_ms();
	kill(qc.pid, SIGKILL);
	waitpid(qc.pid, &status, 0);
	dt = now_ms() - t0;
	qc.pid = 0;
	close(qc.fd);
	snprintf(name, sizeof(name), "blocked: SIGKILL reaps a process blocked in %s"
		 " within %d ms (%.1f ms)", what, reap_ms, dt);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && dt < reap_ms, name,
	      "reaped after %.1f ms, status 0x%x", dt, status);
}

struct blocked_thread {
	int fd;
	int err;
	pid_t tid;
	int done[2];	/* written when the ioctl returned */
};

static void *list_thread(void *arg)
{
	struct blocked_thread *t = arg;

	t->tid = gettid();
	t->err = do_list(t->fd, NULL);
	if (write(t->done[1], "d", 1) != 1)
		t->err = EPIPE;
	return NULL;
}

/*
 * rmmod while a thread of ours is blocked in LIST_VMAS of the blocker,
 * its fd closed meanwhile; and a querier process blocked alongside.  Both
 * must complete once the blocker is gone.  Ends the blocker.
 */
static void check_rmmod_blocked_ioctl(struct child *b)
{
	struct blocked_thread t = { .fd = -1 };
	struct qarg q = { Q_LIST, b->pid };
	struct child qc = { 0 };
	struct pollfd p;
	pthread_t th;
	char c, state[160];
	int err, res = 0;
	bool blocked;

	t.fd = vmi_open();
	if (t.fd < 0 || pipe2(t.done, O_CLOEXEC) || vmi_attach(t.fd, b->pid, 0)) {
		fail("blocked: rmmod during an ioctl: setup: %s", errname(errno));
		child_stop(b);
		return;
	}
	pthread_create(&th, NULL, list_thread, &t);
	p = (struct pollfd){ .fd = t.done[0], .events = POLLIN };
	blocked = poll(&p, 1, BLOCKED_MS) == 0;
	if (blocked) {
		task_state(t.tid, state, sizeof(state));
		info("blocked: our thread waits in LIST_VMAS (%s)", state);
		close(t.fd);	/* the ioctl in flight keeps the file */
		t.fd = -1;
		err = mod_remove();
		check(refused(err), "blocked: rmmod while a thread is blocked in LIST_VMAS"
		      " (its fd closed by another thread) is refused", "delete_module: %s",
		      errname(err));
		if (!err)
			ensure_loaded("blocked");
		err = child_start(&qc, querier, &q, 5000);
		if (!err && hear(qc.fd, BLOCKED_MS, &res) != ETIMEDOUT)
			info("blocked: the second querier did not block");
	} else {
		info("blocked: LIST_VMAS of our thread did not block: rmmod during an ioctl"
		     " not checked");
	}
	/* the writer goes: its madvise sees SIGKILL and drops the lock */
	child_stop(b);
	if (poll(&p, 1, 10000) != 1) {
		fail("blocked: our LIST_VMAS has not returned 10 s after the writer went");
		child_stop(&qc);
		return;		/* the thread cannot be joined */
	}
	pthread_join(th, NULL);
	if (read(t.done[0], &c, 1) < 0)
		c = 0;
	close(t.done[0]);
	close(t.done[1]);
	if (t.fd >= 0)
		close(t.fd);
	if (!blocked) {
		child_stop(&qc);
		return;
	}
	check(!t.err || t.err == ESRCH, "blocked: the blocked LIST_VMAS completes once the"
	      " writer is gone", "%s", errname(t.err));
	if (qc.pid > 0) {
		err = hear(qc.fd, 10000, &res);
		check(!err && (!res || res == ESRCH), "blocked: a blocked querier completes"
		      " once the writer is gone", "%s", errname(err ? err : res));
		child_stop(&qc);
	}
	err = mod_remove();
	check(!err, "blocked: rmmod works once the ioctl has returned", "delete_module: %s",
	      errname(err));
	ensure_loaded("blocked");
}

static void check_blocked(void)
{
	struct child b = { 0 };
	int fd, err;

	if (!ensure_loaded("blocked"))
		return;
	uffd_probe();
	if (!blocker_start(&b))
		return;
	info("blocked: pid %d holds its mmap lock for write in MADV_UNMERGEABLE", b.pid);
	check_killable(b.pid, Q_LIST, "LIST_VMAS", false);
	fd = vmi_open();
	err = fd < 0 ? errno : vmi_attach(fd, b.pid, VMAINSPECT_ATTACH_DEBUGFS);
	if (fd >= 0)
		close(fd);
	if (!err)
		check_killable(b.pid, Q_DEBUGFS, "a read of its debugfs <pid>/maps", true);
	else if (access(DBG, F_OK) == 0)
		fail("blocked: publish <pid>/ of the blocker: %s", errname(err));
	check_rmmod_blocked_ioctl(&b);
	check_kmsg("blocked: no kernel splat");
}

/* ---- 4: cycles and kmemleak ---- */

static void check_cycles(int cycles)
{
	const char *step = "", *files[2] = { DBG "/self/maps", DBG "/kernel_layout" };
	double t0 = now_ms();
	int i, err = 0;
	ssize_t n = 1;
	bool dbg = access(DBG, F_OK) == 0;

	if (!ensure_loaded("cycles"))
		return;
	for (i = 0; i < cycles; i++) {
		step = "rmmod";
		err = mod_remove();
		if (!err) {
			step = "insmod";
			err = mod_insert();
		}
		if (!err)
			err = queries(&step);
		if (!err && dbg) {
			step = files[i % 2];
			n = read_path(files[i % 2]);
			err = n > 0 ? 0 : n < 0 ? -n : ENOENT;
		}
		if (err)
			break;
	}
	check(!err, "cycles: insmod/rmmod cycles with queries", "cycle %d: %s: %s", i, step,
	      errname(err));
	info("cycles: %d cycles in %.1f s (%.1f ms each)", i, (now_ms() - t0) / 1e3,
	     i ? (now_ms() - t0) / i : 0.0);
	ensure_loaded("cycles");
	check_kmsg("cycles: no kernel splat");
}

/* A backtrace line of an address kallsyms cannot name: an unloaded module. */
static bool unnamed_address(const char *line)
{
	const char *s = strstr(line, "] ");

	s = s ? s + 2 : line + strspn(line, " ");
	return !strncmp(s, "0x", 2) && s[2 + strspn(s + 2, "0123456789abcdef")] == '\0';
}

/* How many reported objects point at vmainspect; prints them. */
static int kmemleak_ours(char *report)
{
	char *obj = strstr(report, "unreferenced object"), *next, *l;
	bool ours;
	int n = 0;

	while (obj) {
		next = strstr(obj + 1, "unreferenced object");
		if (next)
			next[-1] = '\0';
		ours = strstr(obj, MODNAME) != NULL;
		for (l = obj; !ours && l; l = strchr(l, '\n')) {
			char line[256];

			l += *l == '\n';
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
			ours = unnamed_address(line);
		}
		if (ours && n++ < 10)
			printf("%s\n", obj);
		obj = next;
	}
	return n;
}

static void check_kmemleak(void)
{
	int err, i, n;
	ssize_t len;

	if (access(KMEMLEAK, F_OK)) {
		info("kmemleak: not available (no %s: the kernel has no "
		     "CONFIG_DEBUG_KMEMLEAK, or it is off)", KMEMLEAK);
		return;
	}
	/* kmemleak reports an object once it is 5 s old */
	sleep_ms(6000);
	for (i = 0, err = 0; i < 2 && !err; i++)
		err = write_path(KMEMLEAK, "scan");
	if (err) {
		info("kmemleak: scan: %s: not checked", errname(err));
		return;
	}
	len = read_path(KMEMLEAK);
	if (len < 0) {
		fail("kmemleak: read %s: %s", KMEMLEAK, errname(-len));
		return;
	}
	n = kmemleak_ours(text);
	check(!n, "kmemleak: no unreferenced object allocated by vmainspect",
	      "%d such objects (the first are above)", n);
}

/* ---- setup ---- */

/* VMI_MODULE of /vmi/config, unquoted as sh would (scripts/mkinitramfs.sh). */
static const char *config_module(void)
{
	static char path[512];
	char line[600], *s;
	size_t n = 0;
	bool quoted = false;
	FILE *f = fopen("/vmi/config", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VMI_MODULE=", 11))
			continue;
		for (s = line + 11; *s && n < sizeof(path) - 1; s++) {
			if (*s == '\'')
				quoted = !quoted;
			else if (*s == '\\' && !quoted && s[1])
				path[n++] = *++s;
			else if (quoted || (*s != '\n' && *s != ' '))
				path[n++] = *s;
		}
		path[n] = '\0';
	}
	if (f)
		fclose(f);
	return n ? path : NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: vmi-lifecycle [--module PATH] [--cycles N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int cycles = 200, i;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--module") && i + 1 < argc) {
			module_path = argv[++i];
		} else if (!strcmp(argv[i], "--cycles") && i + 1 < argc) {
			cycles = strtol(argv[++i], &end, 0);
			if (*end || cycles < 0)
				usage();
		} else {
			usage();
		}
	}
	if (!module_path)
		module_path = config_module();
	if (!module_path || access(module_path, R_OK) || geteuid() != 0) {
		fail("setup: needs root and the module file (--module, or VMI_MODULE in"
		     " /vmi/config): %s", module_path ? module_path : "none");
		return summary();
	}
	info("module %s, %d cycles", module_path, cycles);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	else
		info("no /dev/kmsg (%s): kernel log not checked", errname(errno));
	if (access(KMEMLEAK, F_OK) == 0) {
		write_path(KMEMLEAK, "clear");
		reap_ms = REAP_MS_DEBUG;
		info("a debug kernel (kmemleak): SIGKILL must reap within %d ms", reap_ms);
	}
	signal(SIGPIPE, SIG_IGN);
	check_fd_open();
	check_debugfs_open();
	check_debugfs_registry();
	check_blocked();
	check_cycles(cycles);
	check_kmemleak();
	ensure_loaded("end");
	return summary();
}
