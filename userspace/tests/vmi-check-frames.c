// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-frames: VMAINSPECT_IOC_PAGE and VMAINSPECT_IOC_RMAP against the
 * kernel's own oracles, run as root inside the test VM.
 *
 *   vmi-check-frames             the scenarios below, plus bad PFNs
 *   vmi-check-frames --all-pids  one frame per VMA of every process
 *   vmi-check-frames --unpriv    as an unprivileged user: everything refused
 *   vmi-check-frames --lockdown  as root under lockdown=confidentiality: the same
 *
 * Owners: a brute-force scan of every /proc/PID/pagemap gives the (pid,
 * address) pairs that map a frame; the module's owner set must equal it.
 * Scenarios: a private anonymous page (1 owner), a page shared after fork
 * before and after a COW write (2, then 1), a MAP_SHARED anonymous page in 3
 * processes, a MAP_SHARED file page, a page of libc, a THP shared after
 * fork, a page mapped twice in one process (mremap of a shared mapping).
 *
 * State: for each frame looked at, the decoded flags agree with
 * /proc/kpageflags bit by bit (bits that change between two reads of the
 * file around our query are racing and skipped), the mapcount with
 * /proc/kpagecount, the memcg with /proc/kpagecgroup; the refcount is at
 * least the mappings (+1 for the page cache); head and order agree with
 * the compound bits; anon agrees with KPF_ANON; a file page's inode with
 * stat() of the file, its kind (file/shmem) with statfs().
 *
 * Output: KTAP, one result per check (vmi-report.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <uapi/vmainspect.h>
#include "vmi-test.h"

#define PAGE		4096UL
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_ANON	12
#define KPF_NOPAGE	20
#define KPF_THP		22
#define KPF_RESERVED		32
#define KPF_ZERO_PAGE	24
#define KPF_KSM		21
#define TMPFS_MAGIC_	0x01021994
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_PRESENT	(1ULL << 63)

/*
 * The pagemap scan skips VMAs larger than this (the pt-zoo's 1 TiB
 * MAP_NORESERVE mapping would take minutes to read under TCG), and the
 * module's owners in such VMAs are left out of the comparison alike.
 */
#define ORACLE_MAX_VMA	(1ULL << 30)

static int dev = -1;

/* ---- oracles ---- */

static int kpage_read(const char *file, uint64_t pfn, uint64_t *val)
{
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, val, 8, pfn * 8);
	close(fd);
	return n == 8 ? 0 : -1;
}

/*
 * Frames /proc/kpageflags covers: it reads short past the last one (its
 * size is not given by stat or lseek), so search for the end.
 */
static uint64_t kpage_nr(void)
{
	uint64_t lo = 0, hi = 1, k;

	while (!kpage_read("/proc/kpageflags", hi, &k) && hi < (1ULL << 52))
		hi <<= 1;
	while (lo + 1 < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (kpage_read("/proc/kpageflags", mid, &k))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* KSM merged nothing: then no page may be a KSM page. */
static bool ksm_idle(void)
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

static int self_pfn(const void *addr, uint64_t *pfn)
{
	uint64_t e;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &e, 8, ((uintptr_t)addr / PAGE) * 8);
	close(fd);
	if (n != 8 || !(e & PM_PRESENT) || !(e & PM_PFN_MASK))
		return -1;
	*pfn = e & PM_PFN_MASK;
	return 0;
}

struct mapping {
	uint64_t pfn;
	uint32_t pid;
	uint64_t addr;
	bool special;	/* in [vvar]: a page the kernel inserted itself */
};

static struct mapping *idx;
static size_t nidx, capidx;

static int cmp_mapping(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void idx_add(uint64_t pfn, uint32_t pid, uint64_t addr, bool special)
{
	if (nidx == capidx) {
		capidx = capidx ? capidx * 2 : 65536;
		idx = realloc(idx, capidx * sizeof(*idx));
		if (!idx) {
			perror("realloc");
			exit(1);
		}
	}
	idx[nidx++] = (struct mapping){ pfn, pid, addr, special };
}

static void scan_pid(uint32_t pid)
{
	char path[64], line[512];
	uint64_t buf[512];
	FILE *maps;
	int pm;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%u/pagemap", pid);
	pm = open(path, O_RDONLY);
	if (!maps || pm < 0)
		goto out;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long s, e, a;

		bool special;

		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || strstr(line, "[vsyscall]"))
			continue;
		/*
		 * 7.3's vDSO data pages: ordinary pages the kernel inserts into
		 * [vvar] (pagemap shows them), with no reverse map to find
		 */
		special = strstr(line, "[vvar]") != NULL;
		/* see ORACLE_MAX_VMA */
		if (e - s > ORACLE_MAX_VMA)
			continue;
		for (a = s; a < e;) {
			size_t n = (e - a) / PAGE, i;
			ssize_t got;

			if (n > 512)
				n = 512;
			got = pread(pm, buf, n * 8, (a / PAGE) * 8);
			if (got <= 0)
				break;
			n = got / 8;
			for (i = 0; i < n; i++)
				if ((buf[i] & PM_PRESENT) && (buf[i] & PM_PFN_MASK))
					idx_add(buf[i] & PM_PFN_MASK, pid, a + i * PAGE,
						special);
			a += n * PAGE;
		}
	}
out:
	if (maps)
		fclose(maps);
	if (pm >= 0)
		close(pm);
}

/* Every (pfn, pid, address) of every process's pagemap, sorted. */
static void build_index(void)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");

	nidx = 0;
	while (proc && (d = readdir(proc))) {
		char *end;
		unsigned long pid = strtoul(d->d_name, &end, 10);

		if (*end || !pid)
			continue;
		scan_pid(pid);
	}
	if (proc)
		closedir(proc);
	qsort(idx, nidx, sizeof(*idx), cmp_mapping);
}

/* The oracle's owners of pfn: [*first, *first + n). */
static size_t oracle_owners(uint64_t pfn, size_t *first)
{
	size_t lo = 0, hi = nidx, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (idx[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < nidx && idx[lo + n].pfn == pfn)
		n++;
	return n;
}

/* ---- the module ---- */

static int module_page(uint64_t pfn, struct vmainspect_page *p, char *path,
		       size_t path_size)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->pfn = pfn;
	p->path = (uintptr_t)path;
	p->path_size = path ? path_size : 0;
	return ioctl(dev, VMAINSPECT_IOC_PAGE, p) ? -errno : 0;
}

/* The module's owners of pfn as (pid, address), sorted; count or -errno. */
static int module_owners(uint64_t pfn, struct mapping *out, size_t max,
			 int *mapcount, uint32_t *out_flags, uint32_t *levels)
{
	struct vmainspect_owner o[64];
	struct vmainspect_rmap a;
	size_t n = 0;
	uint32_t i;

	*levels = 0;
	memset(&a, 0, sizeof(a));
	for (int calls = 0; calls < 1000; calls++) {
		a.size = sizeof(a);
		a.flags = 0;
		a.pfn = pfn;
		a.owners = (uintptr_t)o;
		a.owner_size = sizeof(o[0]);
		a.max_owners = 64;
		if (ioctl(dev, VMAINSPECT_IOC_RMAP, &a))
			return -errno;
		for (i = 0; i < a.nr_owners && n < max; i++) {
			if (o[i].vma_end - o[i].vma_start > ORACLE_MAX_VMA)
				continue;
			out[n++] = (struct mapping){ pfn, o[i].pid, o[i].address, false };
			*levels |= 1U << o[i].level;
		}
		*mapcount = a.mapcount;
		*out_flags = a.out_flags;
		if (a.out_flags & VMAINSPECT_RMAP_DONE) {
			qsort(out, n, sizeof(*out), cmp_mapping);
			return n;
		}
	}
	return -ELOOP;
}

/* ---- checks ---- */

/* The kind a page of a file on a file system of statfs type fs_type has. */
static int file_kind(long fs_type)
{
	return fs_type == TMPFS_MAGIC_ ? VMAINSPECT_MAP_SHMEM : VMAINSPECT_MAP_FILE;
}

/*
 * The state of pfn against kpageflags/kpagecount/kpagecgroup.  want_kind:
 * its mapping kind (-1: any), file_ino: the inode it must belong to (0:
 * not checked).
 */
static void check_state(const char *what, uint64_t pfn, int want_kind,
			uint64_t file_ino)
{
	bool cache = want_kind == VMAINSPECT_MAP_FILE ||
		     want_kind == VMAINSPECT_MAP_SHMEM;

	uint64_t k1, k2, c1, c2, g1 = 0, g2 = 0, head_k, mask, diff;
	struct vmainspect_page p;
	bool have_cg;
	char path[4096];
	int ret;

	if (kpage_read("/proc/kpageflags", pfn, &k1) ||
	    kpage_read("/proc/kpagecount", pfn, &c1)) {
		fail("%s: pfn 0x%llx: cannot read /proc/kpageflags or kpagecount", what,
		     (unsigned long long)pfn);
		return;
	}
	have_cg = !kpage_read("/proc/kpagecgroup", pfn, &g1);
	ret = module_page(pfn, &p, path, sizeof(path));
	kpage_read("/proc/kpageflags", pfn, &k2);
	kpage_read("/proc/kpagecount", pfn, &c2);
	if (have_cg)
		kpage_read("/proc/kpagecgroup", pfn, &g2);
	if (ret) {
		fail("%s: PAGE of pfn 0x%llx: %s", what, (unsigned long long)pfn,
		     strerror(-ret));
		return;
	}
	/* kpageflags' bits, minus those that moved while we looked */
	mask = ((1ULL << 27) - 1) | (((1ULL << 43) - 1) & ~((1ULL << 32) - 1));
	mask &= ~(1ULL << KPF_NOPAGE) & ~(k1 ^ k2);
	/* the huge zero page is not exported: documented limit */
	if ((k1 & (1ULL << KPF_ZERO_PAGE)) && (k1 & (1ULL << KPF_THP)))
		mask &= ~((1ULL << KPF_ZERO_PAGE) | (1ULL << KPF_THP));
	/*
	 * 6.12's stable_page_flags() tests mapping & PAGE_MAPPING_KSM, true
	 * for every anonymous page: with KSM idle its KSM bit is that bug,
	 * and ours must be clear.
	 */
	if (ksm_idle() && (k1 & (1ULL << KPF_KSM))) {
		mask &= ~(1ULL << KPF_KSM);
		if (p.kpageflags & (1ULL << KPF_KSM))
			fail("%s: pfn 0x%llx: KSM bit set, but KSM merged no page",
			     what, (unsigned long long)pfn);
	}
	diff = (p.kpageflags ^ k1) & mask;
	if (diff)
		fail("%s: pfn 0x%llx: flags 0x%llx, kpageflags 0x%llx: differ in 0x%llx",
		     what, (unsigned long long)pfn,
		     (unsigned long long)(p.kpageflags & mask),
		     (unsigned long long)(k1 & mask), (unsigned long long)diff);
	else
		pass("%s: pfn 0x%llx: flags agree with /proc/kpageflags (0x%llx)",
		     what, (unsigned long long)pfn, (unsigned long long)(k1 & mask));
	if (c1 == c2) {
		if ((uint64_t)p.mapcount == c1)
			pass("%s: mapcount %d = /proc/kpagecount", what, p.mapcount);
		else
			fail("%s: mapcount %d, /proc/kpagecount %llu", what,
			     p.mapcount, (unsigned long long)c1);
	}
	if (have_cg && g1 == g2) {
		if (p.memcg_ino == g1)
			pass("%s: memcg inode %llu = /proc/kpagecgroup", what,
			     (unsigned long long)g1);
		else
			fail("%s: memcg inode %llu, /proc/kpagecgroup %llu", what,
			     (unsigned long long)p.memcg_ino, (unsigned long long)g1);
	}
	/* refcount: every mapping holds one, the page cache one more */
	{
		int maps = p.folio_mapcount >= 0 ? p.folio_mapcount : p.mapcount;
		int want = maps + (cache ? 1 : 0);

		if (p.order && p.folio_mapcount < 0)
			want = 1;
		if (p.refcount >= want)
			pass("%s: refcount %d >= %d (mappings%s)", what, p.refcount,
			     want, cache ? " + page cache" : "");
		else
			fail("%s: refcount %d < %d (mappings%s)", what, p.refcount,
			     want, cache ? " + page cache" : "");
	}
	/* folio geometry against the compound bits */
	if (k1 & ((1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL))) {
		if (p.order && p.head_pfn <= pfn && pfn < p.head_pfn + (1ULL << p.order) &&
		    !kpage_read("/proc/kpageflags", p.head_pfn, &head_k) &&
		    (head_k & (1ULL << KPF_COMPOUND_HEAD)))
			pass("%s: folio head 0x%llx order %u agrees with the compound bits",
			     what, (unsigned long long)p.head_pfn, p.order);
		else
			fail("%s: folio head 0x%llx order %u, but kpageflags says compound",
			     what, (unsigned long long)p.head_pfn, p.order);
	} else if (p.order || p.head_pfn != pfn) {
		fail("%s: order %u head 0x%llx for a page kpageflags says is not compound",
		     what, p.order, (unsigned long long)p.head_pfn);
	}
	/* what mapping is */
	if (!!(k1 & (1ULL << KPF_ANON)) !=
	    (p.mapping_kind == VMAINSPECT_MAP_ANON || p.mapping_kind == VMAINSPECT_MAP_KSM))
		fail("%s: mapping kind %u but KPF_ANON %d", what, p.mapping_kind,
		     !!(k1 & (1ULL << KPF_ANON)));
	if (want_kind >= 0) {
		if (p.mapping_kind == (uint32_t)want_kind &&
		    (!file_ino || p.ino == file_ino))
			pass("%s: mapping kind %u%s, inode %llu (%s)", what,
			     p.mapping_kind, file_ino ? " and inode as stat() says" : "",
			     (unsigned long long)p.ino, p.path_len ? path : "no path");
		else
			fail("%s: kind %u inode %llu, expected kind %d inode %llu",
			     what, p.mapping_kind, (unsigned long long)p.ino, want_kind,
			     (unsigned long long)file_ino);
	}
}

/*
 * The module's owners of pfn equal the pagemap scan's; want >= 0: and
 * there are that many.  Races with other processes are retried.
 */
static bool index_fresh;	/* the index is of the current state */

static void check_owners(const char *what, uint64_t pfn, int want,
			 uint32_t want_levels)
{
	static struct mapping mod[4096];
	uint32_t flags = 0, levels = 0;
	size_t first = 0, n = 0, i;
	int tries, got = 0, mapcount = 0;
	bool same = false;
	uint64_t k = 0;

	/*
	 * The zero page, and reserved kernel pages mapped into every process
	 * (the vDSO), are mapped by many but have no reverse map (pagemap
	 * lists them, rmap cannot): the module must say so and name nobody.
	 */
	if (!kpage_read("/proc/kpageflags", pfn, &k) &&
	    (k & ((1ULL << KPF_ZERO_PAGE) | (1ULL << KPF_RESERVED)))) {
		const char *kind = (k & (1ULL << KPF_ZERO_PAGE)) ? "the zero page" :
				   "a reserved page";

		got = module_owners(pfn, mod, 4096, &mapcount, &flags, &levels);
		if (got == 0 && (flags & VMAINSPECT_RMAP_NO_RMAP))
			pass("%s: pfn 0x%llx is %s: no reverse map, no owners",
			     what, (unsigned long long)pfn, kind);
		else
			fail("%s: %s 0x%llx: %d owners, out_flags 0x%x", what, kind,
			     (unsigned long long)pfn, got, flags);
		return;
	}

	for (tries = 0; tries < 3 && !same; tries++) {
		if (tries || !index_fresh)
			build_index();
		index_fresh = false;
		n = oracle_owners(pfn, &first);
		got = module_owners(pfn, mod, 4096, &mapcount, &flags, &levels);
		if (got < 0) {
			fail("%s: RMAP of pfn 0x%llx: %s", what,
			     (unsigned long long)pfn, strerror(-got));
			return;
		}
		same = (size_t)got == n;
		for (i = 0; same && i < n; i++)
			same = mod[i].pid == idx[first + i].pid &&
			       mod[i].addr == idx[first + i].addr;
	}
	if (!same && n && got == 0 && (flags & VMAINSPECT_RMAP_NO_RMAP)) {
		for (i = 0; i < n && idx[first + i].special; i++)
			;
		if (i == n) {
			pass("%s: pfn 0x%llx: mapped only in [vvar] (%zu times): inserted by the kernel, no reverse map, no owners",
			     what, (unsigned long long)pfn, n);
			return;
		}
	}
	if (!same) {
		fail("%s: pfn 0x%llx: module has %d owners, pagemap scan %zu:", what,
		     (unsigned long long)pfn, got, n);
		for (i = 0; i < (size_t)got && i < 8; i++)
			printf("  module: pid %u 0x%llx\n", mod[i].pid,
			       (unsigned long long)mod[i].addr);
		for (i = 0; i < n && i < 8; i++)
			printf("  pagemap: pid %u 0x%llx\n", idx[first + i].pid,
			       (unsigned long long)idx[first + i].addr);
		return;
	}
	pass("%s: pfn 0x%llx: the %d owners equal the /proc/*/pagemap scan", what,
	     (unsigned long long)pfn, got);
	if (want >= 0) {
		if (got == want)
			pass("%s: %d owner%s, as set up", what, want, want == 1 ? "" : "s");
		else
			fail("%s: %d owners, set up %d", what, got, want);
	}
	if (want_levels && levels != want_levels)
		fail("%s: mapping levels 0x%x, expected 0x%x", what, levels, want_levels);
	else if (want_levels)
		pass("%s: mapped at the expected level (0x%x)", what, levels);
}

/*
 * The debugfs views of pfn (published with VMAINSPECT_PAGE_DEBUGFS): its
 * flags and mapcount against kpageflags/kpagecount, its owners against the
 * pagemap scan.
 */
static void check_debugfs(const char *what, uint64_t pfn)
{
	char path[128], line[512];
	struct mapping got[256];
	struct vmainspect_page p;
	unsigned long long kpf = 0, k1, k2, c;
	size_t n = 0, first, want, i;
	int mapcount = -1, ok;
	FILE *f;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_DEBUGFS;
	p.pfn = pfn;
	if (ioctl(dev, VMAINSPECT_IOC_PAGE, &p)) {
		fail("%s: debugfs: publish: %s", what, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/frames/0x%llx/page",
		 (unsigned long long)pfn);
	kpage_read("/proc/kpageflags", pfn, (uint64_t *)&k1);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "kpageflags %llx", &kpf);
		if (!strncmp(line, "head_pfn", 8)) {
			char *m = strstr(line, "mapcount ");

			if (m)
				mapcount = atoi(m + 9);
		}
	}
	if (f)
		fclose(f);
	kpage_read("/proc/kpageflags", pfn, (uint64_t *)&k2);
	kpage_read("/proc/kpagecount", pfn, (uint64_t *)&c);
	/* the bits both kpageflags reads agree on, minus 6.12's KSM slip */
	k2 = ((1ULL << 27) - 1) & ~(1ULL << KPF_KSM) & ~(k1 ^ k2);
	if (f && ((kpf ^ k1) & k2) == 0 && (uint64_t)mapcount == c)
		pass("%s: debugfs %s agrees with kpageflags and kpagecount", what, path);
	else
		fail("%s: debugfs %s: kpageflags 0x%llx mapcount %d, kernel 0x%llx %llu",
		     what, path, kpf, mapcount, k1, c);

	path[strlen(path) - 4] = '\0';
	strcat(path, "rmap");
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f) && n < 256) {
		unsigned int pid;
		unsigned long long addr;
		char comm[64];

		if (line[0] != '#' && sscanf(line, "%u %63s %llx", &pid, comm, &addr) == 3)
			got[n++] = (struct mapping){ pfn, pid, addr, false };
	}
	if (f)
		fclose(f);
	qsort(got, n, sizeof(*got), cmp_mapping);
	build_index();
	want = oracle_owners(pfn, &first);
	ok = f && n == want;
	for (i = 0; ok && i < n; i++)
		ok = got[i].pid == idx[first + i].pid && got[i].addr == idx[first + i].addr;
	if (ok)
		pass("%s: debugfs %s: the %zu owners equal the pagemap scan", what, path, n);
	else
		fail("%s: debugfs %s: %zu owners, pagemap scan %zu", what, path, n, want);
}

/* ---- scenarios ---- */

/* A child that touches addr (read), says so on a pipe, and waits. */
struct child {
	pid_t pid;
	int to[2], from[2];
};

static void child_loop(struct child *c, volatile char *addr)
{
	char cmd;

	(void)addr[0];
	if (write(c->from[1], "r", 1) != 1)
		_exit(1);
	while (read(c->to[0], &cmd, 1) == 1) {
		if (cmd == 'w')
			addr[0] = 'c';	/* COW */
		if (write(c->from[1], "d", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int child_start(struct child *c, volatile char *addr)
{
	char r;

	if (pipe(c->to) || pipe(c->from))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid)
		child_loop(c, addr);
	return read(c->from[0], &r, 1) == 1 ? 0 : -1;
}

static int child_cmd(struct child *c, char cmd)
{
	char r;

	if (write(c->to[1], &cmd, 1) != 1)
		return -1;
	return read(c->from[0], &r, 1) == 1 ? 0 : -1;
}

static void child_stop(struct child *c)
{
	close(c->to[1]);
	close(c->to[0]);
	close(c->from[0]);
	close(c->from[1]);
	kill_wait(c->pid);
}

static char *map_anon(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void scenario_private(void)
{
	char *p = map_anon(PAGE, MAP_PRIVATE);
	uint64_t pfn;

	if (!p || (p[0] = 1, self_pfn(p, &pfn))) {
		fail("private: setup");
		return;
	}
	check_owners("private anon", pfn, 1, 1U << VMAINSPECT_LVL_PTE);
	check_state("private anon", pfn, VMAINSPECT_MAP_ANON, 0);
	munmap(p, PAGE);
}

/* A read fault of fresh anonymous memory maps the shared zero page. */
static void scenario_zero(void)
{
	volatile char *p = map_anon(PAGE, MAP_PRIVATE);
	uint64_t pfn, k = 0;

	if (!p || ((void)p[0], self_pfn((void *)p, &pfn)) ||
	    kpage_read("/proc/kpageflags", pfn, &k)) {
		fail("zero page: setup");
		return;
	}
	if (!(k & (1ULL << KPF_ZERO_PAGE)))
		fail("zero page: the read fault mapped pfn 0x%llx, not the zero page",
		     (unsigned long long)pfn);
	check_owners("zero page", pfn, -1, 0);
	check_state("zero page", pfn, VMAINSPECT_MAP_NONE, 0);
	munmap((void *)p, PAGE);
}

/* The vDSO: a kernel page in every process, with no reverse map. */
static void scenario_vdso(void)
{
	unsigned long start = 0, end;
	char line[256];
	uint64_t pfn, k = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &start, &end) == 2)
			break;
	if (f)
		fclose(f);
	if (!start) {
		pass("vdso: this kernel maps no [vdso]: nothing to check");
		return;
	}
	/* read it, so its PTE is there */
	(void)*(volatile const char *)start;
	if (self_pfn((void *)start, &pfn) || kpage_read("/proc/kpageflags", pfn, &k)) {
		fail("vdso: setup");
		return;
	}
	if (!(k & (1ULL << KPF_RESERVED)))
		fail("vdso: pfn 0x%llx is not reserved in /proc/kpageflags (0x%llx)",
		     (unsigned long long)pfn, (unsigned long long)k);
	check_owners("vdso", pfn, -1, 0);
}

static void scenario_cow(void)
{
	char *p = map_anon(PAGE, MAP_PRIVATE);
	struct child c;
	uint64_t pfn, after;

	if (!p || (p[0] = 1, self_pfn(p, &pfn)) || child_start(&c, p)) {
		fail("fork: setup");
		return;
	}
	check_owners("fork, before COW", pfn, 2, 0);
	check_debugfs("fork, before COW", pfn);
	check_state("fork, before COW", pfn, VMAINSPECT_MAP_ANON, 0);
	if (child_cmd(&c, 'w')) {
		fail("fork: child did not write");
	} else {
		check_owners("fork, after the child's COW write", pfn, 1, 0);
		if (!self_pfn(p, &after) && after == pfn)
			pass("fork: the parent kept its frame");
	}
	child_stop(&c);
	munmap(p, PAGE);
}

static void scenario_shared_anon(void)
{
	char *p = map_anon(PAGE, MAP_SHARED);
	struct child c1, c2;
	uint64_t pfn;

	if (!p || (p[0] = 1, self_pfn(p, &pfn)) || child_start(&c1, p)) {
		fail("shared anon: setup");
		return;
	}
	if (child_start(&c2, p)) {
		fail("shared anon: setup");
	} else {
		check_owners("MAP_SHARED anon in 3 processes", pfn, 3, 0);
		check_state("MAP_SHARED anon in 3 processes", pfn, VMAINSPECT_MAP_SHMEM, 0);
		child_stop(&c2);
	}
	child_stop(&c1);
	munmap(p, PAGE);
}

static void scenario_double(void)
{
	char *p = map_anon(PAGE, MAP_SHARED), *q;
	uint64_t pfn, pfn2;

	if (!p) {
		fail("mremap: setup");
		return;
	}
	p[0] = 1;
	/* old_size 0 on a shared mapping: a second mapping of the same pages */
	q = mremap(p, 0, PAGE, MREMAP_MAYMOVE);
	if (q != MAP_FAILED)
		(void)*(volatile char *)q;
	if (q == MAP_FAILED || self_pfn(p, &pfn) || self_pfn(q, &pfn2) ||
	    pfn != pfn2) {
		fail("mremap: setup (%s)", q == MAP_FAILED ? strerror(errno) : "frames differ");
		munmap(p, PAGE);
		return;
	}
	check_owners("page mapped twice in one process (mremap)", pfn, 2, 0);
	munmap(q, PAGE);
	munmap(p, PAGE);
}

static void scenario_file(void)
{
	const char *name = "vmi-frames.file";
	char buf[PAGE];
	struct statfs sfs;
	struct stat st;
	struct child c;
	uint64_t pfn;
	char *p;
	int fd;

	memset(buf, 'f', sizeof(buf));
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf) || fstat(fd, &st) ||
	    fstatfs(fd, &sfs)) {
		fail("file: setup: %s", strerror(errno));
		return;
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		(void)*(volatile char *)p;
	if (p == MAP_FAILED || self_pfn(p, &pfn) || child_start(&c, p)) {
		fail("file: setup");
		close(fd);
		return;
	}
	check_owners("MAP_SHARED file in 2 processes", pfn, 2, 0);
	check_debugfs("MAP_SHARED file", pfn);
	check_state("MAP_SHARED file", pfn, file_kind(sfs.f_type), st.st_ino);
	child_stop(&c);
	munmap(p, PAGE);
	close(fd);
	unlink(name);
}

/* The first present page of our libc's text. */
static void scenario_libc(void)
{
	char line[512], path[256];
	unsigned long long s, e, a;
	struct statfs sfs;
	struct stat st;
	FILE *f = fopen("/proc/self/maps", "r");
	uint64_t pfn;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, "libc") || !strstr(line, "r-xp") ||
		    sscanf(line, "%llx-%llx %*s %*s %*s %*s %255s", &s, &e, path) != 3)
			continue;
		fclose(f);
		for (a = s; a < e; a += PAGE)
			if (!self_pfn((void *)(uintptr_t)a, &pfn))
				break;
		if (a >= e || stat(path, &st) || statfs(path, &sfs)) {
			fail("libc: no present page in %s", path);
			return;
		}
		check_owners("libc text page", pfn, -1, 0);
		check_state("libc text page", pfn, file_kind(sfs.f_type), st.st_ino);
		return;
	}
	if (f)
		fclose(f);
	info("libc: not dynamically linked, no libc mapping");
}

static void scenario_thp(void)
{
	size_t len = 4UL << 20;
	char *raw = map_anon(len, MAP_PRIVATE), *p;
	uint64_t pfn, k = 0;
	struct child c;

	if (!raw) {
		fail("thp: setup");
		return;
	}
	p = (char *)(((uintptr_t)raw + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	if (madvise(p, 2UL << 20, MADV_HUGEPAGE))
		info("thp: MADV_HUGEPAGE: %s", strerror(errno));
	memset(p, 1, 2UL << 20);
	if (self_pfn(p + 5 * PAGE, &pfn) || kpage_read("/proc/kpageflags", pfn, &k) ||
	    !(k & (1ULL << KPF_THP))) {
		info("thp: no THP was allocated (kpageflags 0x%llx): THP case not run",
		       (unsigned long long)k);
		munmap(raw, len);
		return;
	}
	if (child_start(&c, p + 5 * PAGE)) {
		fail("thp: setup");
	} else {
		check_owners("THP shared after fork", pfn, 2,
			     1U << VMAINSPECT_LVL_PMD);
		check_state("THP subpage", pfn, VMAINSPECT_MAP_ANON, 0);
		child_stop(&c);
	}
	munmap(raw, len);
}

/* Frames without RAM behind them: -ENXIO exactly where kpageflags says NOPAGE. */
static void check_bad_pfns(void)
{
	uint64_t nr = kpage_nr(), k, probes[8];
	struct vmainspect_page p;
	struct vmainspect_rmap r;
	struct vmainspect_owner o;
	unsigned int i, n = 0;
	int ret;

	probes[n++] = nr + 1;
	probes[n++] = nr + (1ULL << 30);
	probes[n++] = 1ULL << 52;
	probes[n++] = ~0ULL;
	probes[n++] = 0;
	probes[n++] = 0xa0;	/* the legacy VGA hole */
	for (i = 0; i < n; i++) {
		bool hole = probes[i] >= nr ||
			    kpage_read("/proc/kpageflags", probes[i], &k) ||
			    (k & (1ULL << KPF_NOPAGE));

		ret = module_page(probes[i], &p, NULL, 0);
		if (hole ? ret == -ENXIO : ret == 0)
			pass("bad pfns: PAGE of 0x%llx: %s, as kpageflags says", (unsigned long long)probes[i],
			     hole ? "ENXIO" : "a page");
		else
			fail("bad pfns: PAGE of 0x%llx: %s, kpageflags says %s",
			     (unsigned long long)probes[i], ret ? strerror(-ret) : "a page",
			     hole ? "no page" : "a page");
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.pfn = probes[i];
		r.owners = (uintptr_t)&o;
		r.owner_size = sizeof(o);
		r.max_owners = 1;
		ret = ioctl(dev, VMAINSPECT_IOC_RMAP, &r) ? -errno : 0;
		if (hole ? ret == -ENXIO : ret == 0)
			pass("bad pfns: RMAP of 0x%llx: %s", (unsigned long long)probes[i],
			     hole ? "ENXIO" : "answered");
		else
			fail("bad pfns: RMAP of 0x%llx: %s", (unsigned long long)probes[i],
			     ret ? strerror(-ret) : "answered");
	}
	/* malformed requests */
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = 1U << 7;
	ret = ioctl(dev, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
	if (ret == EINVAL) pass("bad args: unknown flag: EINVAL"); else fail("bad args: unknown flag: %d", ret);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.reserved[1] = 1;
	ret = ioctl(dev, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
	if (ret == EINVAL) pass("bad args: reserved field: EINVAL"); else fail("bad args: reserved: %d", ret);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.path_size = 100;
	ret = ioctl(dev, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
	if (ret == EINVAL) pass("bad args: path_size without path: EINVAL"); else fail("bad args: path_size: %d", ret);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = VMAINSPECT_PAGE_BY_ADDR;
	p.addr = 0x1000;
	ret = ioctl(dev, VMAINSPECT_IOC_PAGE, &p) ? errno : 0;
	if (ret == ENXIO)
		pass("bad args: by address without an attached process: ENXIO, as every query");
	else
		fail("bad args: by address without attach: %d", ret);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.owners = (uintptr_t)&o;
	r.owner_size = sizeof(o);
	r.max_owners = 0;
	ret = ioctl(dev, VMAINSPECT_IOC_RMAP, &r) ? errno : 0;
	if (ret == EINVAL) pass("bad args: max_owners 0: EINVAL"); else fail("bad args: max_owners 0: %d", ret);
	r.max_owners = 1;
	r.owner_size = 8;
	ret = ioctl(dev, VMAINSPECT_IOC_RMAP, &r) ? errno : 0;
	if (ret == EINVAL) pass("bad args: owner_size too small: EINVAL"); else fail("bad args: owner_size: %d", ret);
}

/* One present frame per VMA of every process: owners and state. */
static void check_all_pids(void)
{
	struct mapping *copy;
	size_t i, n, done = 0;
	uint64_t last_pfn = ~0ULL;

	build_index();
	n = nidx;
	copy = malloc(n * sizeof(*copy));
	if (!copy) {
		fail("all: out of memory");
		return;
	}
	memcpy(copy, idx, n * sizeof(*copy));
	/* every 97th mapped frame: a spread over all processes and kinds */
	for (i = 0; i < n && done < 300; i += 97) {
		char what[64];

		if (copy[i].pfn == last_pfn)
			continue;
		last_pfn = copy[i].pfn;
		snprintf(what, sizeof(what), "pid %u 0x%llx", copy[i].pid,
			 (unsigned long long)copy[i].addr);
		/* the scan above is recent: rebuilt only on a mismatch */
		index_fresh = true;
		check_owners(what, copy[i].pfn, -1, 0);
		check_state(what, copy[i].pfn, -1, 0);
		done++;
	}
	free(copy);
	if (done)
		pass("all: %zu frames of %zu mappings checked", done, n);
	else
		fail("all: no mapped frame found in any process");
}

/* @who: "unprivileged" (uid 1000) or "lockdown" (root, confidentiality) */
static void check_refused(const char *who)
{
	struct vmainspect_page p;
	struct vmainspect_rmap r;
	struct vmainspect_owner o;
	int ret;

	ret = module_page(0x100, &p, NULL, 0);
	if (ret == -EPERM) pass("%s: PAGE refused (EPERM)", who);
	else fail("%s: PAGE: %s", who, ret ? strerror(-ret) : "answered");
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.pfn = 0x100;
	r.owners = (uintptr_t)&o;
	r.owner_size = sizeof(o);
	r.max_owners = 1;
	ret = ioctl(dev, VMAINSPECT_IOC_RMAP, &r) ? errno : 0;
	if (ret == EPERM) pass("%s: RMAP refused (EPERM)", who);
	else fail("%s: RMAP: %s", who, ret ? strerror(ret) : "answered");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = vmi_open_or_fail();
	if (dev < 0)
		return summary();	/* nothing to check: the FAIL line says why */
	if (!strcmp(mode, "--unpriv")) {
		check_refused("unprivileged");
	} else if (!strcmp(mode, "--lockdown")) {
		check_refused("lockdown");
	} else if (!strcmp(mode, "--all-pids")) {
		check_all_pids();
	} else if (!*mode) {
		scenario_private();
		scenario_zero();
		scenario_vdso();
		scenario_cow();
		scenario_shared_anon();
		scenario_double();
		scenario_file();
		scenario_libc();
		scenario_thp();
		check_bad_pfns();
	} else {
		fprintf(stderr, "usage: %s [--all-pids | --unpriv | --lockdown]\n", argv[0]);
		return 2;
	}
	return summary();
}
