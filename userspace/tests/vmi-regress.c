// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-regress: regression tests for the trust defects of issue 10, each
 * against the kernel's own decision taken in the same run (open of
 * /proc/PID/maps, pagemap's PFN field, /proc/kallsyms).  Each of them
 * failed on the module before its fix (overlayfs: on 6.12, with the
 * debug kernel's built-in overlayfs).
 *
 *   vmi-regress                  as root in the test VM: every check
 *   vmi-regress --load-faults KO fault injection on insmod of KO (needs
 *                                /proc/self/fail-nth: the debug kernel):
 *                                no failed load leaves a debugfs file
 *
 * Internal modes (re-exec'd as uid 1000, which makes the process dumpable
 * again after the uid change, as a login would):
 *   --user-bindmount VICTIM      the bind-mount attach bypass
 *   --user-ad PID                accessed/dirty bits of another process
 *   --user-debugfs PATH          open a debugfs file, print its errno
 *
 * Output: KTAP (vmi-report.h): one result per check, diagnostics, the
 * totals; exit 1 on any failure.  The uid-1000 modes' checks are relayed
 * into this stream (ktap_relay()).
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
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

#define USER_UID	1000
#define DEBUGFS		"/sys/kernel/debug"
#define VMI_DEBUGFS	DEBUGFS "/vmainspect"
/* x86's hardware accessed and dirty bits in a raw entry, and 6.6's
 * software SavedDirty (dirty while write-protected) */
#define X86_ACCESSED	(1ULL << 5)
#define X86_DIRTY	(1ULL << 6)
#define X86_SAVED_DIRTY	(1ULL << 58)
#define X86_AD		(X86_ACCESSED | X86_DIRTY | \
			 (kernel_at_least(6, 6) ? X86_SAVED_DIRTY : 0))

#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

static int denied(int e)
{
	return e == EACCES || e == EPERM;
}

static int pt_path(int fd, unsigned long addr, struct vmainspect_pt_path *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->addr = addr;
	return ioctl(fd, VMAINSPECT_IOC_PT_PATH, p) ? errno : 0;
}

/* The leaf entry of a PT_PATH answer, or NULL. */
static const struct vmainspect_pt_entry *
pt_leaf(const struct vmainspect_pt_path *p)
{
	if (!p->nr_levels)
		return NULL;
	return &p->levels[p->nr_levels - 1];
}

/* pagemap's entry for @addr of @pid, read by this process; 0 if none */
static uint64_t pagemap(pid_t pid, unsigned long addr)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (addr / 4096) * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return e;
}

/*
 * A child that writes one page, makes it read-only (x86 6.6+ then keeps
 * its dirty bit as SavedDirty) and sleeps; its address in *addr.
 */
static pid_t toucher(unsigned long *addr)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p[2];
	pid_t pid;
	char c = 0;

	if (page == MAP_FAILED || pipe(p))
		return -1;
	*addr = (unsigned long)page;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		page[0] = 1;
		if (mprotect(page, 4096, PROT_READ) || write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/*
 * Start this program again as uid 1000 with @args (the exec makes it
 * dumpable again after the uid change, as a login would); its stdout is
 * the read end returned in *out.
 */
static pid_t spawn_as_user(char *const args[], int *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (drop_to(USER_UID))
			_exit(126);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/*
 * Run @args as uid 1000; its checks count here (ktap_relay()).  A run
 * that did not finish its report, or ended other than with 0 or 1 (its
 * failed checks were relayed), is a failure of its own.
 */
static void run_as_user(char *const args[])
{
	bool totals = false;
	FILE *f;
	int fd, st;
	pid_t pid = spawn_as_user(args, &fd);

	if (pid < 0) {
		fail("%s as uid 1000: cannot start it: %s", args[1], strerror(errno));
		return;
	}
	f = fdopen(fd, "r");
	if (f) {
		totals = ktap_relay(f);
		fclose(f);
	} else {
		close(fd);
	}
	waitpid(pid, &st, 0);
	if (!totals || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
		fail("%s as uid 1000: %s, %s", args[1],
		     totals ? "its report ended" : "its report stopped early",
		     WIFEXITED(st) ? (WEXITSTATUS(st) > 1 ? "abnormal exit status" : "exited")
				   : "killed by a signal");
}

/* ---- 1. the bind-mount bypass (run as uid 1000) ---- */

static int map_self_root(void)
{
	char map[32];

	snprintf(map, sizeof(map), "0 %d 1", USER_UID);
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/gid_map", map))
		return -1;
	return 0;
}

/* The first line of a maps file, opened by path. */
static int first_line(const char *path, char *buf, size_t size)
{
	char *nl;
	int ret = read_file(path, buf, size);

	if (ret)
		return ret;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

static int user_bindmount(pid_t victim)
{
	char src[32], dst[32], path[48], mine[256], seen[256];
	int fd, e;

	fd = vmi_open();
	if (fd < 0) {
		check(0, "bind-mount bypass", "open device: %s", strerror(errno));
		return 1;
	}
	/* without the trick: denied, as open() of its maps is */
	e = vmi_attach(fd, victim, 0);
	check(denied(e), "bind-mount bypass: attach to the victim denied before",
	      "attach gave %s", e ? strerror(e) : "success");

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) || map_self_root()) {
		printf("bind-mount bypass: no unprivileged user namespace here (%s): not tested\n",
		       strerror(errno));
		close(fd);
		return 0;
	}
	snprintf(src, sizeof(src), "/proc/%d", (int)getpid());
	snprintf(dst, sizeof(dst), "/proc/%d", (int)victim);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(src, dst, NULL, MS_BIND, NULL)) {
		printf("bind-mount bypass: bind mount refused (%s): not tested\n",
		       strerror(errno));
		close(fd);
		return 0;
	}
	/* the trick works on this kernel: the path now shows our own maps */
	snprintf(path, sizeof(path), "%s/maps", dst);
	if (first_line("/proc/self/maps", mine, sizeof(mine)) ||
	    first_line(path, seen, sizeof(seen)) || strcmp(mine, seen)) {
		check(0, "bind-mount bypass: set-up", "%s does not show our maps", path);
	} else {
		e = vmi_attach(fd, victim, 0);
		check(denied(e), "bind-mount bypass: attach through /proc/<self> bound over /proc/<victim> denied",
		      "attach gave %s (LIST_VMAS would show the victim's VMAs)",
		      e ? strerror(e) : "success");
	}
	/* and a plain bind of the maps file itself */
	snprintf(src, sizeof(src), "/proc/%d/maps", (int)getpid());
	umount2(dst, MNT_DETACH);
	if (!mount(src, path, NULL, MS_BIND, NULL)) {
		e = vmi_attach(fd, victim, 0);
		check(denied(e), "bind-mount bypass: maps file bound over the victim's denied",
		      "attach gave %s", e ? strerror(e) : "success");
	}
	close(fd);
	return 0;
}

static void check_bindmount(void)
{
	char victim[16];
	char *args[] = { "vmi-regress", "--user-bindmount", victim, NULL };

	snprintf(victim, sizeof(victim), "%d", 1);
	run_as_user(args);
}

/* ---- 2. accessed/dirty bits follow the PFN rule ---- */

static void check_ad_one(const char *who, pid_t pid, unsigned long addr)
{
	const uint64_t ad = VMAINSPECT_PTE_ACCESSED | VMAINSPECT_PTE_DIRTY;
	const uint64_t ad_all = ad | VMAINSPECT_PTE_SAVED_DIRTY;
	const struct vmainspect_pt_entry *leaf;
	struct vmainspect_pt_path p;
	char name[128];
	int fd = vmi_open(), e, pfn_shown;

	snprintf(name, sizeof(name), "accessed/dirty bits of pid %d as %s", (int)pid, who);
	if (fd < 0) {
		check(0, name, "open device: %s", strerror(errno));
		return;
	}
	e = vmi_attach(fd, pid, 0);
	if (!e)
		e = pt_path(fd, addr, &p);
	close(fd);
	if (e) {
		check(0, name, "attach/PT_PATH: %s", strerror(e));
		return;
	}
	leaf = pt_leaf(&p);
	/* the oracle: pagemap shows this caller the frame, or not */
	pfn_shown = (pagemap(pid, addr) & ((1ULL << 55) - 1)) != 0;
	if (!leaf || leaf->kind != VMAINSPECT_PT_PAGE) {
		check(0, name, "no present leaf at %#lx", addr);
	} else if (pfn_shown) {
		/* accessed, and dirty where the kernel keeps it */
		check((leaf->bits & VMAINSPECT_PTE_ACCESSED) &&
		      (leaf->bits & (VMAINSPECT_PTE_DIRTY | VMAINSPECT_PTE_SAVED_DIRTY)) &&
		      (leaf->raw & X86_ACCESSED) && (leaf->raw & (X86_AD & ~X86_ACCESSED)),
		      name, "pagemap shows the frame, but bits %#llx raw %#llx lack A/D",
		      (unsigned long long)leaf->bits, (unsigned long long)leaf->raw);
	} else {
		check(!(leaf->bits & ad_all) && !(leaf->raw & X86_AD),
		      name, "pagemap hides the frame, but bits %#llx raw %#llx show A/D",
		      (unsigned long long)leaf->bits, (unsigned long long)leaf->raw);
	}
}

static int user_ad(void)
{
	unsigned long addr;
	pid_t child = toucher(&addr);

	if (child < 0) {
		check(0, "accessed/dirty bits: set-up", "fork: %s", strerror(errno));
		return 1;
	}
	check_ad_one("uid 1000 (same uid)", child, addr);
	kill_wait(child);
	return 0;
}

static void check_ad(void)
{
	char *args[] = { "vmi-regress", "--user-ad", "0", NULL };
	unsigned long addr;
	pid_t child = toucher(&addr);

	if (child > 0)
		check_ad_one("root", child, addr);
	kill_wait(child);
	run_as_user(args);
}

/* ---- 2b. a write-protected dirty page is dirty (x86 SavedDirty) ---- */

/* smaps' Private_Dirty + Shared_Dirty (kB) of this process's VMA at @addr */
static long smaps_dirty_kb(unsigned long addr)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	unsigned long lo, hi;
	long kb, sum = -1;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* a VMA's first line; field names never parse as "hex-hex" */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = addr >= lo && addr < hi;
			if (in)
				sum = 0;
		} else if (in && (sscanf(line, "Private_Dirty: %ld kB", &kb) == 1 ||
				  sscanf(line, "Shared_Dirty: %ld kB", &kb) == 1)) {
			sum += kb;
		}
	}
	fclose(f);
	return sum;
}

/*
 * @pages written pages of this process at @p, now write-protected by @how:
 * each PTE must read dirty exactly as smaps counts it (pte_dirty(), which
 * on x86 6.6+ includes SavedDirty); there, the dirty state is in
 * SAVED_DIRTY, not in the hardware bit the write-protect cleared.
 */
static void check_saved_dirty_pages(const char *how, char *p, int pages)
{
	const uint64_t dirty = VMAINSPECT_PTE_DIRTY | VMAINSPECT_PTE_SAVED_DIRTY;
	int saved = kernel_at_least(6, 6), fd = vmi_open(), e, i;
	int ndirty = 0, nsaved = 0, nhw = 0, nrw = 0;
	struct vmainspect_pt_path pp;
	const struct vmainspect_pt_entry *leaf;
	char name[128];
	long kb = smaps_dirty_kb((unsigned long)p);

	snprintf(name, sizeof(name), "saved dirty: %d written pages after %s", pages, how);
	e = fd < 0 ? errno : vmi_attach(fd, getpid(), 0);
	for (i = 0; !e && i < pages; i++) {
		e = pt_path(fd, (unsigned long)p + i * 4096UL, &pp);
		leaf = e ? NULL : pt_leaf(&pp);
		if (!leaf || leaf->kind != VMAINSPECT_PT_PAGE) {
			e = e ? e : ENOENT;
			break;
		}
		ndirty += !!(leaf->bits & dirty);
		nsaved += !!(leaf->bits & VMAINSPECT_PTE_SAVED_DIRTY);
		nhw += !!(leaf->bits & VMAINSPECT_PTE_DIRTY);
		nrw += !!(leaf->bits & VMAINSPECT_PTE_RW);
		/* the decoded bit is the raw one (x86_64 6.6+: bit 58) */
		if (!!(leaf->bits & VMAINSPECT_PTE_SAVED_DIRTY) !=
		    (saved && (leaf->raw & X86_SAVED_DIRTY)))
			e = EPROTO;
	}
	if (fd >= 0)
		close(fd);
	if (e) {
		check(0, name, "PT_PATH: %s", e == EPROTO ?
		      "SAVED_DIRTY differs from the raw entry's bit 58" : strerror(e));
		return;
	}
	check(kb >= 0 && ndirty * 4L == kb, name,
	      "smaps says %ld kB dirty, the PTEs %d dirty pages", kb, ndirty);
	snprintf(name, sizeof(name), "saved dirty: after %s, the dirty state is %s", how,
		 saved ? "SAVED_DIRTY (x86 6.6+)" : "the hardware DIRTY bit");
	check(nrw == 0 && (saved ? nsaved == pages && nhw == 0 : nhw == pages && !nsaved),
	      name, "%d of %d PTEs writable, %d DIRTY, %d SAVED_DIRTY", nrw, pages, nhw,
	      nsaved);
}

static void check_saved_dirty(void)
{
	const int pages = 4;
	/* PROT_NONE neighbours: the VMA cannot merge with anything */
	char *area = mmap(NULL, (pages + 2) * 4096UL, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = area + 4096, c = 0;
	int i, pfd[2];
	pid_t child;

	if (area == MAP_FAILED || mprotect(p, pages * 4096UL, PROT_READ | PROT_WRITE) ||
	    madvise(p, pages * 4096UL, MADV_NOHUGEPAGE) || pipe(pfd)) {
		check(0, "saved dirty: set-up", "%s", strerror(errno));
		return;
	}
	for (i = 0; i < pages; i++)
		p[i * 4096] = 1;
	/* fork: copy_present_pte() write-protects the parent's PTEs (COW) */
	child = fork();
	if (child == 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[0]);
	if (child < 0) {
		check(0, "saved dirty: set-up", "fork: %s", strerror(errno));
	} else {
		check_saved_dirty_pages("fork", p, pages);
		close(pfd[1]);
		waitpid(child, NULL, 0);
	}
	/* written again, alone: reused writable, hardware-dirty again */
	for (i = 0; i < pages; i++)
		p[i * 4096] = 2;
	/* mprotect: change_pte_range() write-protects them */
	if (mprotect(p, pages * 4096UL, PROT_READ))
		check(0, "saved dirty: set-up", "mprotect: %s", strerror(errno));
	else
		check_saved_dirty_pages("mprotect(PROT_READ)", p, pages);
	munmap(area, (pages + 2) * 4096UL);
}

/* ---- 3. the anon_vma pointer follows the kallsyms rule ---- */

/* Does /proc/kallsyms show this process non-zero addresses? */
static int kallsyms_shows(void)
{
	char line[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");
	int shown = 0;

	if (!f)
		return 0;
	/* the first text symbol: per-cpu symbols are at 0 even when shown */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c", &addr, &type) == 2 &&
		    (type == 'T' || type == 't')) {
			shown = addr != 0;
			break;
		}
	}
	fclose(f);
	return shown;
}

static void check_anon_vma(void)
{
	char old[16] = "", name[96];
	const char *k;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return;
	page[0] = 1;
	read_file("/proc/sys/kernel/kptr_restrict", old, sizeof(old));
	for (k = "12"; *k; k++) {
		struct vmainspect_page p;
		char v[2] = { *k, 0 };
		int fd, e, shown;

		if (write_file("/proc/sys/kernel/kptr_restrict", v))
			continue;
		shown = kallsyms_shows();
		fd = vmi_open();
		e = vmi_attach(fd, getpid(), 0);
		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.flags = VMAINSPECT_PAGE_BY_ADDR;
		p.addr = (unsigned long)page;
		if (!e && ioctl(fd, VMAINSPECT_IOC_PAGE, &p))
			e = errno;
		close(fd);
		snprintf(name, sizeof(name), "anon_vma pointer at kptr_restrict=%s %s", v,
			 shown ? "shown, as kallsyms" : "hidden, as kallsyms");
		if (e)
			check(0, name, "PAGE: %s", strerror(e));
		else if (p.mapping_kind != VMAINSPECT_MAP_ANON)
			check(0, name, "mapping kind %u, not anonymous", p.mapping_kind);
		else
			check(!p.anon_vma == !shown, name, "kallsyms %s addresses, anon_vma %#llx",
			      shown ? "shows" : "hides", (unsigned long long)p.anon_vma);
	}
	if (old[0])
		write_file("/proc/sys/kernel/kptr_restrict", old);
	munmap(page, 4096);
}

/* ---- 4. debugfs: decided at open, bound to the process ---- */

static int user_debugfs(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	printf("errno %d\n", fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* publish <pid>/ for @pid; 0 or errno */
static int publish(pid_t pid)
{
	int fd = vmi_open(), e;

	if (fd < 0)
		return errno;
	e = vmi_attach(fd, pid, VMAINSPECT_ATTACH_DEBUGFS);
	close(fd);
	return e;
}

/* read all of an open file into @buf; bytes or -errno */
static ssize_t slurp(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	if (r < 0 && !n)
		return -errno;
	buf[n] = 0;
	return n;
}

/* What uid 1000 gets when it opens @path: 0 or errno. */
static int user_open_errno(const char *path)
{
	char *args[] = { "vmi-regress", "--user-debugfs", (char *)path, NULL };
	char line[64] = "";
	int fd, st, e = -1;
	pid_t pid = spawn_as_user(args, &fd);

	if (pid < 0)
		return -1;
	if (read(fd, line, sizeof(line) - 1) > 0)
		sscanf(line, "errno %d", &e);
	close(fd);
	waitpid(pid, &st, 0);
	return e;
}

/* Fork a child that gets pid @want (via ns_last_pid); -1 if it cannot. */
static pid_t fork_at(pid_t want)
{
	char v[16];
	int tries;

	for (tries = 0; tries < 20; tries++) {
		pid_t pid;

		snprintf(v, sizeof(v), "%d", (int)want - 1);
		if (write_file("/proc/sys/kernel/ns_last_pid", v))
			return -1;
		pid = fork();
		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid == want)
			return pid;
		kill_wait(pid);
	}
	return -1;
}

static void check_debugfs(void)
{
	char path[64], expect[4096], got[4096], mine[64];
	struct stat st;
	unsigned long addr;
	pid_t x, y;
	int fd, e, eo;
	ssize_t n;

	if (stat(VMI_DEBUGFS, &st)) {
		printf("debugfs: %s missing: not tested\n", VMI_DEBUGFS);
		return;
	}
	/* let uid 1000 reach the files, so that our own checks are tested */
	if (stat(DEBUGFS, &st) || chmod(DEBUGFS, 0755)) {
		check(0, "debugfs: set-up", "chmod %s: %s", DEBUGFS, strerror(errno));
		return;
	}

	x = toucher(&addr);
	e = publish(x);
	if (e) {
		check(0, "debugfs: publish", "%s", strerror(e));
		goto out;
	}
	snprintf(path, sizeof(path), VMI_DEBUGFS "/%d/maps", (int)x);

	/* the opener decides: uid 1000 may not open root's process */
	snprintf(mine, sizeof(mine), "/proc/%d/maps", (int)x);
	e = user_open_errno(path);
	eo = user_open_errno(mine);
	check(denied(e) && denied(eo), "debugfs: uid 1000 cannot open a root process's maps",
	      "open gave %s, /proc/%d/maps %s", e ? strerror(e) : "success", (int)x,
	      eo ? strerror(eo) : "success");

	/* and what root opened stays readable after it drops to uid 1000 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		check(0, "debugfs: root opens <pid>/maps", "%s", strerror(errno));
	} else {
		pid_t c = fork();

		if (c == 0) {
			if (setresgid(USER_UID, USER_UID, USER_UID) ||
			    setresuid(USER_UID, USER_UID, USER_UID))
				_exit(2);
			_exit(slurp(fd, got, sizeof(got)) > 0 ? 0 : 1);
		}
		waitpid(c, &e, 0);
		check(WIFEXITED(e) && WEXITSTATUS(e) == 0,
		      "debugfs: an fd root opened reads after a drop to uid 1000 (as /proc/PID/maps)",
		      "read failed (status %d): checked at read time", e);
		close(fd);
	}

	/* a dead process's directory never shows a newer one with its pid */
	kill_wait(x);
	y = fork_at(x);
	if (y < 0) {
		printf("debugfs: pid %d could not be recycled (no ns_last_pid): not tested\n",
		       (int)x);
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	e = fd < 0 ? errno : 0;
	n = fd < 0 ? -1 : slurp(fd, got, sizeof(got));
	if (fd >= 0)
		close(fd);
	snprintf(mine, sizeof(mine), "/proc/%d/maps", (int)y);
	read_file(mine, expect, sizeof(expect));
	check(e == ESRCH || (n <= 0 && fd >= 0),
	      "debugfs: <pid>/ of an exited process is ESRCH, not its pid's next owner",
	      "open gave %s, read %zd bytes%s", e ? strerror(e) : "success", n,
	      n > 0 && !strncmp(got, expect, 32) ? " (the new process's maps)" : "");
	kill_wait(y);
	x = -1;
out:
	kill_wait(x);
	chmod(DEBUGFS, st.st_mode & 07777);
}

/* ---- 5. PAGE_DEBUGFS needs the capability now, like ATTACH_DEBUGFS ---- */

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	d[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &h, d);
}

static void check_page_debugfs(void)
{
	struct vmainspect_page p;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int st;
	pid_t c;

	if (page == MAP_FAILED)
		return;
	page[0] = 1;
	c = fork();
	if (c == 0) {
		int fd = vmi_open(), e0, e1;

		/* opened with the capability: frames allowed for this fd */
		if (fd < 0 || vmi_attach(fd, getpid(), 0) || drop_cap_sys_admin())
			_exit(10);
		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.flags = VMAINSPECT_PAGE_BY_ADDR;
		p.addr = (unsigned long)page;
		e0 = ioctl(fd, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
		p.pfn = 0;
		p.flags |= VMAINSPECT_PAGE_DEBUGFS;
		e1 = ioctl(fd, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
		_exit(e0 ? 11 : e1 == EPERM ? 0 : 12);
	}
	waitpid(c, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "PAGE_DEBUGFS publishing needs CAP_SYS_ADMIN at the call (as ATTACH_DEBUGFS)",
	      "status %d (10 set-up, 11 PAGE failed, 12 publish allowed without the capability)",
	      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	munmap(page, 4096);
}

/* ---- 6. non-present PUD-level hugetlb entries (1 GiB hwpoison) ---- */

static void on_sigbus(int sig)
{
	(void)sig;
}

static void check_pud_hwpoison(void)
{
	const char *nr = "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages";
	const struct vmainspect_pt_entry *pud;
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct vmainspect_pt_path p;
	char v[16] = "";
	char *area;
	uint64_t pm, pfn0;
	int fd, e;

	if (read_file(nr, v, sizeof(v)) || (atoi(v) < 1 && write_file(nr, "1")) ||
	    read_file(nr, v, sizeof(v)) || atoi(v) < 1) {
		printf("pud hwpoison: no 1 GiB huge page in this VM: not tested\n");
		return;
	}
	area = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0);
	if (area == MAP_FAILED) {
		printf("pud hwpoison: mmap of a 1 GiB page: %s: not tested\n", strerror(errno));
		return;
	}
	area[0] = 1;
	pfn0 = pagemap(getpid(), (unsigned long)area) & ((1ULL << 55) - 1);
	/* memory_failure() sends the injecting process a SIGBUS: catch it */
	sigaction(SIGBUS, &sa, NULL);
	if (madvise(area, 4096, MADV_HWPOISON)) {
		printf("pud hwpoison: MADV_HWPOISON: %s: not tested\n", strerror(errno));
		munmap(area, 1UL << 30);
		return;
	}
	fd = vmi_open();
	e = vmi_attach(fd, getpid(), 0);
	if (!e)
		e = pt_path(fd, (unsigned long)area, &p);
	close(fd);
	pm = pagemap(getpid(), (unsigned long)area);
	pud = &p.levels[VMAINSPECT_LVL_PUD];
	if (e)
		check(0, "pud hwpoison", "PT_PATH: %s", strerror(e));
	else
		check(pud->kind == VMAINSPECT_PT_HWPOISON && pud->pfn == pfn0 &&
		      pfn0 && !(pm >> 63),
		      "a hwpoisoned 1 GiB page's PUD entry is HWPOISON of its frame, not bad (pagemap: not present)",
		      "PUD kind %u pfn %#llx raw %#llx; pagemap before %#llx, after %#llx",
		      pud->kind, (unsigned long long)pud->pfn,
		      (unsigned long long)pud->raw, (unsigned long long)pfn0,
		      (unsigned long long)pm);
	munmap(area, 1UL << 30);
}

/* ---- 7. a file on overlayfs: dev and inode as /proc/PID/maps ---- */

/* The dev and inode /proc/self/maps prints for the VMA at @addr. */
static int maps_dev_ino(unsigned long addr, unsigned int *maj, unsigned int *min,
			unsigned long long *ino)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = -1;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx %*s %*s %x:%x %llu", &s, &e, maj, min, ino) == 5 &&
		    addr >= s && addr < e) {
			found = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static void check_overlayfs(void)
{
	const char *d = "/tmp/vmi-ovl";
	unsigned long long ino;
	struct vmainspect_find a;
	unsigned int maj, min;
	char path[128], names[4096];
	void *map;
	int fd, dev, e;

	mkdir(d, 0755);
	mkdir("/tmp/vmi-ovl/lower", 0755);
	mkdir("/tmp/vmi-ovl/upper", 0755);
	mkdir("/tmp/vmi-ovl/work", 0755);
	mkdir("/tmp/vmi-ovl/merged", 0755);
	if (mount("overlay", "/tmp/vmi-ovl/merged", "overlay", 0,
		  "lowerdir=/tmp/vmi-ovl/lower,upperdir=/tmp/vmi-ovl/upper,workdir=/tmp/vmi-ovl/work")) {
		printf("overlayfs: cannot mount (%s; a module on the stock kernels): not tested\n",
		       strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/merged/file", d);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, 4096)) {
		check(0, "overlayfs: set-up", "%s: %s", path, strerror(errno));
		goto out;
	}
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED || maps_dev_ino((unsigned long)map, &maj, &min, &ino)) {
		check(0, "overlayfs: set-up", "mmap or maps line: %s", strerror(errno));
		goto out;
	}
	dev = vmi_open();
	e = vmi_attach(dev, getpid(), 0);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.addr = (unsigned long)map;
	a.strings = (unsigned long)names;
	a.strings_size = sizeof(names);
	if (!e && ioctl(dev, VMAINSPECT_IOC_FIND_VMA, &a))
		e = errno;
	close(dev);
	if (e)
		check(0, "overlayfs: FIND_VMA", "%s", strerror(e));
	else
		check(a.vma.dev_major == maj && a.vma.dev_minor == min && a.vma.inode == ino,
		      "overlayfs: a mapped file's dev and inode are those /proc/PID/maps prints",
		      "module %x:%x %llu, maps %x:%x %llu", a.vma.dev_major, a.vma.dev_minor,
		      (unsigned long long)a.vma.inode, maj, min, ino);
	munmap(map, 4096);
out:
	umount2("/tmp/vmi-ovl/merged", MNT_DETACH);
}

/* ---- 8. fault injection on load: nothing left behind ---- */

static int load_faults(const char *ko)
{
	struct stat st;
	int n, failed = 0, leaks = 0, fd;

	if (stat("/proc/self/fail-nth", &st)) {
		printf("load faults: no /proc/self/fail-nth on this kernel: not tested\n");
		return 0;
	}
	write_file(DEBUGFS "/failslab/verbose", "0");
	write_file(DEBUGFS "/fail_page_alloc/verbose", "0");
	write_file(DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N");
	write_file(DEBUGFS "/failslab/ignore-gfp-wait", "N");
	syscall(SYS_delete_module, "vmainspect", O_NONBLOCK);
	for (n = 1; n < 2000; n++) {
		char v[16];
		int ret;

		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 1;
		snprintf(v, sizeof(v), "%d", n);
		write_file("/proc/thread-self/fail-nth", v);
		ret = syscall(SYS_finit_module, fd, "", 0);
		write_file("/proc/thread-self/fail-nth", "0");
		close(fd);
		if (!ret) {
			syscall(SYS_delete_module, "vmainspect", O_NONBLOCK);
			if (!stat(VMI_DEBUGFS, &st) || !stat(DEBUGFS "/kernel_layout", &st))
				leaks++;
			/* no fault left to inject before success: done */
			break;
		}
		failed++;
		if (!stat(VMI_DEBUGFS, &st) || !stat(DEBUGFS "/kernel_layout", &st) ||
		    !stat("/dev/vmainspect", &st))
			leaks++;
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	printf("load faults: %d loads failed by injection\n", failed);
	check(failed > 0 && !leaks, "load faults: no failed load leaves a file behind",
	      "%d of %d failed loads left debugfs or device entries", leaks, failed);
	return 0;
}

/* ---- 8. a frame's path while its file is unlinked and closed ---- */

#define RACE_ROUNDS	4000
#define RACE_SECONDS	30	/* at most; a debug kernel does fewer rounds */
#define RACE_STALL	20	/* seconds without progress: stuck */

struct race_shared {
	volatile uint64_t pfn;		/* the frame the querier asks about */
	volatile int stop;		/* 1: mutator, 2: querier too */
	volatile unsigned long calls, rounds;
	bool umount;			/* each file on a tmpfs of its own */
};

#define RACE_MNT	"/tmp/vmi-regress-race-mnt"

/* PAGE with a path, again and again, on whatever frame is published. */
static void race_querier(struct race_shared *sh)
{
	char path[256];
	int fd = vmi_open();

	if (fd < 0)
		_exit(1);
	while (sh->stop < 2) {
		struct vmainspect_page p;

		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.pfn = sh->pfn;
		p.path = (unsigned long)path;
		p.path_size = sizeof(path);
		ioctl(fd, VMAINSPECT_IOC_PAGE, &p);
		sh->calls++;
	}
	_exit(0);
}

/* A tmpfs file's frame, published while it is unmapped, closed, unlinked. */
static void race_mutator(struct race_shared *sh)
{
	char name[64];
	int i;

	for (i = 0; i < RACE_ROUNDS && !sh->stop; i++) {
		uint64_t e;
		char *m;
		int fd;

		if (sh->umount) {
			if (mount("tmpfs", RACE_MNT, "tmpfs", 0, "size=1m"))
				_exit(1);
			snprintf(name, sizeof(name), RACE_MNT "/f");
		} else {
			snprintf(name, sizeof(name), "/dev/shm/vmi-regress-race-%d", i);
		}
		fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || ftruncate(fd, 4096))
			_exit(1);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			_exit(1);
		m[0] = 1;
		e = pagemap(getpid(), (unsigned long)m);
		if (e >> 63)
			sh->pfn = e & ((1ULL << 55) - 1);
		/* let the querier get in, then drop every reference at once */
		for (e = 0; e < (unsigned int)i % 64 * 50; e++)
			__asm__ volatile("" ::: "memory");
		munmap(m, 4096);
		close(fd);
		if (sh->umount) {
			if (umount2(RACE_MNT, 0))
				_exit(1);
		} else {
			unlink(name);
		}
		sh->rounds++;
	}
	_exit(0);
}

/* The stack of a stuck helper, as the failure's reason. */
static void race_stuck(const char *name, const char *who, pid_t pid,
		       struct race_shared *sh)
{
	char stack[1024] = "", path[64];

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	read_file(path, stack, sizeof(stack));
	check(0, name, "%s made no progress for %d s (%lu rounds, %lu calls); its stack:\n%s",
	      who, RACE_STALL, sh->rounds, sh->calls, stack);
}

/*
 * PAGE names a file frame's path through a dentry reference.  If the file
 * is unmapped, closed and unlinked meanwhile, the module's dput() is the
 * last one: it evicts the inode, and truncation locks every folio of the
 * file.  Done under the folio lock (as before the fix), the querier waits
 * for itself forever, and so does every task that faults on that folio.
 * With @umount each file lives on a tmpfs of its own, unmounted instead
 * of unlinked: a dentry reference does not keep a file system from being
 * shut down ("Dentry still in use", then a dput() on a freed superblock);
 * the module holds an active reference to it until the name is taken.
 * Progress, not time, decides: a debug kernel does few rounds.
 */
static void check_unlink_race(bool umount)
{
	const char *name = umount ?
		"PAGE path while its file system is unmounted" :
		"PAGE path while its file is unlinked and closed";
	struct race_shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long rounds = 0, calls = 0;
	int status = 0, tick, m_tick = 0, q_tick = 0;
	bool m_done = false;
	pid_t q, m;

	if (sh == MAP_FAILED) {
		check(0, name, "mmap: %s", strerror(errno));
		return;
	}
	sh->umount = umount;
	if (umount && mkdir(RACE_MNT, 0700) && errno != EEXIST) {
		check(0, name, "mkdir %s: %s", RACE_MNT, strerror(errno));
		return;
	}
	q = fork();
	if (q == 0)
		race_querier(sh);
	m = fork();
	if (m == 0)
		race_mutator(sh);
	for (tick = 0;; tick++) {	/* 100 ms each */
		usleep(100000);
		if (tick >= RACE_SECONDS * 10 && !sh->stop)
			sh->stop = 1;
		if (!m_done && waitpid(m, &status, WNOHANG) == m) {
			m_done = true;
			sh->stop = 2;
		}
		if (m_done && waitpid(q, NULL, WNOHANG) == q)
			break;
		if (sh->rounds != rounds || m_done) {
			rounds = sh->rounds;
			m_tick = tick;
		}
		if (sh->calls != calls) {
			calls = sh->calls;
			q_tick = tick;
		}
		/* a stuck task is left alone: D state cannot be killed */
		if (tick - q_tick > RACE_STALL * 10) {
			race_stuck(name, "the querier", q, sh);
			return;
		}
		if (tick - m_tick > RACE_STALL * 10) {
			race_stuck(name, "the mutator", m, sh);
			return;
		}
	}
	info("%s race: %lu rounds, %lu PAGE calls", umount ? "unmount" : "unlink",
	     sh->rounds, sh->calls);
	check(WIFEXITED(status) && !WEXITSTATUS(status), name,
	      "the mutator could not mount, create, map, fault or unmount a file (status %#x)",
	      status);
	if (umount)
		rmdir(RACE_MNT);
	munmap(sh, sizeof(*sh));
}

int main(int argc, char **argv)
{
	/* their checks are relayed by run_as_user(), which wants the totals */
	if (argc == 3 && !strcmp(argv[1], "--user-bindmount")) {
		user_bindmount(atoi(argv[2]));
		return summary();
	}
	if (argc == 3 && !strcmp(argv[1], "--user-ad")) {
		user_ad();
		return summary();
	}
	if (argc == 3 && !strcmp(argv[1], "--user-debugfs"))
		return user_debugfs(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--load-faults")) {
		load_faults(argv[2]);
	} else if (argc == 1) {
		if (geteuid()) {
			fprintf(stderr, "vmi-regress: run as root\n");
			return 2;
		}
		check_bindmount();
		check_ad();
		check_saved_dirty();
		check_anon_vma();
		check_debugfs();
		check_page_debugfs();
		check_overlayfs();
		check_pud_hwpoison();
		check_unlink_race(false);
		check_unlink_race(true);
	} else {
		fprintf(stderr, "usage: vmi-regress [--load-faults MODULE]\n");
		return 2;
	}
	return summary();
}
