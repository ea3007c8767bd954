// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-klayout: VMAINSPECT_IOC_KLAYOUT and VMAINSPECT_IOC_KADDR (the
 * kernel-space regions, x86_64) against the kernel's own oracles, inside
 * the test VM.
 *
 *   vmi-check-klayout            as root: everything below
 *   vmi-check-klayout --unpriv   as an unprivileged user (uid 1000):
 *                                KLAYOUT hides every address, KADDR EPERM
 *   vmi-check-klayout --kptr2    as root: kptr_restrict 2 hides addresses
 *                                from root too, 0 and 1 do not (restored)
 *   vmi-check-klayout --lockdown as root, LAST thing in a VM: sets lockdown
 *                                to confidentiality (irreversible), then
 *                                addresses must be hidden
 *   vmi-check-klayout --mutate   as root: the checks above on answers this
 *                                program corrupts first (self-test: must
 *                                fail, with many FAIL lines)
 *   vmi-check-klayout --cli-json FILE
 *                                as root: FILE holds `vmainspect --json
 *                                kernel`; its "regions" (name, start, end)
 *                                must be KLAYOUT's
 *
 * Oracles (never our own output):
 *  - paging mode: "la57" in the flags of /proc/cpuinfo (the kernel clears
 *    it when it does not use 5-level paging) -> 5 levels, 57 bits, else
 *    4/48; region sizes and fixed starts from
 *    Documentation/arch/x86/x86_64/mm.rst and arch/x86/include/asm/
 *    (pgtable_64_types.h, page_64_types.h, fixmap.h);
 *  - the values of page_offset_base, vmalloc_base, vmemmap_base (and
 *    physmem_end where the kernel has it) read through /proc/kcore at
 *    their /proc/kallsyms addresses (kptr_restrict is set to 1 first,
 *    restored at the end); the PT_LOAD segments of /proc/kcore (RAM
 *    segments: virtual - physical = page_offset_base; the vmalloc and
 *    modules segments);
 *  - /proc/iomem (System RAM, Kernel code), /proc/vmallocinfo,
 *    /proc/modules, /proc/kallsyms (_text, _etext, _end, module symbols);
 *  - KASLR: the decompressor's KASLR_FLAG in /sys/kernel/boot_params/data
 *    (loadflags) and "nokaslr" on /proc/cmdline;
 *  - KADDR translations: the bytes at the address and at the direct-map
 *    address of the frame KADDR names, both read through /proc/kcore,
 *    are the same (for text, module text and vmalloc pages).
 *
 * Prints PASS/FAIL lines (each mismatch with its address), INFO lines and
 * "N passed, N failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include <uapi/vmainspect.h>
#include <uapi/vmainspect_kregion_names.h>
#include "vmi-test.h"

#define PAGE		4096ULL
#define KB		(1ULL << 10)
#define MB		(1ULL << 20)
#define GB		(1ULL << 30)
#define TB		(1ULL << 40)
#define PB		(1ULL << 50)
#define PMD_SZ		(2 * MB)

/* arch/x86/include/asm/page_64_types.h, pgtable_64_types.h, fixmap.h */
#define START_KERNEL_MAP	0xffffffff80000000ULL	/* __START_KERNEL_map */
#define START_KERNEL		0xffffffff81000000ULL	/* __START_KERNEL (PHYSICAL_START 16M) */
#define KERNEL_IMAGE_SIZE_KASLR	(1 * GB)		/* CONFIG_RANDOMIZE_BASE */
#define MODULES_VADDR_		(START_KERNEL_MAP + KERNEL_IMAGE_SIZE_KASLR)
#define MODULES_END_		0xffffffffff000000ULL
#define VSYSCALL_ADDR_		0xffffffffff600000ULL
#define FIXADDR_TOP_		0xffffffffff7ff000ULL	/* round_up(VSYSCALL+4K, 2M) - 4K */
#define CEA_BASE		0xfffffe0000000000ULL	/* -4 << P4D_SHIFT */
#define ESPFIX_BASE		0xffffff0000000000ULL	/* -2 << P4D_SHIFT */
#define EFI_VA_END_		0xffffffef00000000ULL	/* -68 GB */
#define EFI_VA_START_		0xffffffff00000000ULL	/* -4 GB */
#define PAGE_OFFSET_L4		0xffff888000000000ULL
#define VMALLOC_BASE_L4		0xffffc90000000000ULL
#define VMEMMAP_BASE_L4		0xffffea0000000000ULL
#define PAGE_OFFSET_L5		0xff11000000000000ULL
#define VMALLOC_BASE_L5		0xffa0000000000000ULL
#define VMEMMAP_BASE_L5		0xffd4000000000000ULL
#define STRUCT_PAGE_SIZE	64
#define PHYS_PADDING_TB		10	/* CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING */
#define KASLR_FLAG		(1 << 1)	/* boot_params.hdr.loadflags */
#define LOADFLAGS_OFF		0x211

static int dev = -1;
static bool mutate;	/* --mutate: corrupt the module's answers */

#define CHECK(cond, ...) do { if (cond) pass(__VA_ARGS__); else fail(__VA_ARGS__); } while (0)

/*
 * An aggregated check: one PASS line for many items, or one FAIL line per
 * bad item (the first 10, then a count).
 */
struct agg {
	char name[192];
	unsigned int n, bad;
};

static void agg_init(struct agg *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->name, sizeof(a->name), fmt, ap);
	va_end(ap);
	a->n = a->bad = 0;
}

static void agg_ok(struct agg *a)
{
	a->n++;
}

static void agg_bad(struct agg *a, const char *fmt, ...)
{
	va_list ap;

	a->n++;
	if (++a->bad > 10)
		return;
	va_start(ap, fmt);
	vfail_reason(a->name, fmt, ap);
	va_end(ap);
}

/* need: at least one item must have been checked */
static void agg_end(struct agg *a, bool need)
{
	if (a->bad > 10)
		fail("%s: %u more failures not shown (%u checked)", a->name, a->bad - 10, a->n);
	else if (!a->bad && !a->n && need)
		fail("%s: nothing to check (oracle empty)", a->name);
	else if (!a->bad)
		pass("%s (%u checked)", a->name, a->n);
}

static const char *rname(uint32_t id)
{
	if (id < VMAINSPECT_KR_MAX && vmainspect_kregion_names[id].name)
		return vmainspect_kregion_names[id].name;
	return "?";
}

/* ---- small file helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static int read_sysctl(const char *path, int *v)
{
	char *s = slurp(path, NULL);
	int ok;

	if (!s)
		return -1;
	ok = sscanf(s, "%d", v) == 1;
	free(s);
	return ok ? 0 : -1;
}

static int write_sysctl(const char *path, int v)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -1;
	r = fprintf(f, "%d\n", v) > 0 ? 0 : -1;
	if (fclose(f))
		r = -1;
	return r;
}

#define KPTR "/proc/sys/kernel/kptr_restrict"

/* "la57" among the cpu flags: the kernel clears it unless it uses 5 levels */
static bool cpu_la57(void)
{
	char *s = slurp("/proc/cpuinfo", NULL), *p;
	bool r = false;

	if (!s)
		return false;
	for (p = strstr(s, "\nflags"); p; p = strstr(p + 1, "\nflags")) {
		char *e = strchr(p + 1, '\n'), *q;

		if (e)
			*e = 0;
		for (q = strstr(p, " la57"); q; q = strstr(q + 1, " la57"))
			if (q[5] == 0 || q[5] == ' ')
				r = true;
		if (e)
			*e = '\n';
		break;
	}
	free(s);
	return r;
}

static bool cmdline_has(const char *word)
{
	char *s = slurp("/proc/cmdline", NULL), *tok, *save = NULL;
	bool r = false;

	if (!s)
		return false;
	for (tok = strtok_r(s, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			r = true;
	free(s);
	return r;
}

/* boot_params.hdr.loadflags has KASLR_FLAG: -1 unknown */
static int boot_kaslr_flag(void)
{
	unsigned char b;
	int fd = open("/sys/kernel/boot_params/data", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &b, 1, LOADFLAGS_OFF);
	close(fd);
	if (n != 1)
		return -1;
	return !!(b & KASLR_FLAG);
}

/* ---- /proc/kallsyms ---- */

struct ksym {
	uint64_t addr;
	char type;
	char *name;
	char *mod;	/* NULL for the core kernel */
};

static struct ksym *syms;
static size_t nsyms;

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void load_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	size_t cap = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[256], *m;
		unsigned long long a;
		char t;

		if (sscanf(line, "%llx %c %255s", &a, &t, name) != 3)
			continue;
		if (nsyms == cap) {
			cap = cap ? cap * 2 : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms) {
				perror("realloc");
				exit(1);
			}
		}
		m = strchr(line, '[');
		syms[nsyms].addr = a;
		syms[nsyms].type = t;
		syms[nsyms].name = strdup(name);
		syms[nsyms].mod = NULL;
		if (m) {
			char *e = strchr(m, ']');

			if (e) {
				*e = 0;
				syms[nsyms].mod = strdup(m + 1);
			}
		}
		nsyms++;
	}
	fclose(f);
	qsort(syms, nsyms, sizeof(*syms), cmp_ksym);
}

/* a core kernel symbol's address, 0 if none */
static uint64_t ksym(const char *name)
{
	size_t i;

	for (i = 0; i < nsyms; i++)
		if (!syms[i].mod && !strcmp(syms[i].name, name))
			return syms[i].addr;
	return 0;
}

/* ---- /proc/kcore ---- */

static int kcore = -1;
static Elf64_Phdr *kph;
static int nkph;

static int kcore_open(void)
{
	Elf64_Ehdr eh;

	kcore = open("/proc/kcore", O_RDONLY);
	if (kcore < 0)
		return -1;
	if (pread(kcore, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum) {
		errno = EINVAL;
		return -1;
	}
	nkph = eh.e_phnum;
	kph = calloc(nkph, sizeof(*kph));
	if (!kph || pread(kcore, kph, nkph * sizeof(*kph), eh.e_phoff) !=
	    (ssize_t)(nkph * sizeof(*kph))) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int kcore_read(uint64_t va, void *buf, size_t n)
{
	int i;

	if (kcore < 0)
		return -1;
	for (i = 0; i < nkph; i++) {
		Elf64_Phdr *p = &kph[i];

		if (p->p_type != PT_LOAD || va < p->p_vaddr || va - p->p_vaddr + n > p->p_memsz)
			continue;
		if (pread(kcore, buf, n, p->p_offset + (va - p->p_vaddr)) == (ssize_t)n)
			return 0;
	}
	return -1;
}

static int kcore_u64(uint64_t va, uint64_t *v)
{
	return va ? kcore_read(va, v, 8) : -1;
}

/* ---- /proc/iomem ---- */

struct range {
	uint64_t start, end;	/* [start, end) */
};

static struct range ram[256];
static int nram;
static struct range kcode;

static void load_iomem(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char *colon = strstr(line, " : ");

		if (!colon || sscanf(line, " %llx-%llx", &s, &e) != 2)
			continue;
		if (line[0] != ' ' && !strncmp(colon + 3, "System RAM", 10) && nram < 256)
			ram[nram++] = (struct range){ s, e + 1 };
		if (!strncmp(colon + 3, "Kernel code", 11) && !kcode.end)
			kcode = (struct range){ s, e + 1 };
	}
	fclose(f);
}

static bool phys_is_ram(uint64_t phys)
{
	int i;

	for (i = 0; i < nram; i++)
		if (phys >= ram[i].start && phys < ram[i].end)
			return true;
	return false;
}

/* ---- /proc/vmallocinfo, /proc/modules ---- */

struct vmi {
	uint64_t start, end;
	char caller[160];
	uint64_t phys;
	bool vmalloc, ioremap, pages;
};

static struct vmi *vmis;
static size_t nvmis;

/* is a range starting at START still in /proc/vmallocinfo (not freed)? */
static bool vmi_still_there(uint64_t start)
{
	FILE *f = fopen("/proc/vmallocinfo", "r");
	char line[512];
	bool r = false;

	if (!f)
		return false;
	while (!r && fgets(line, sizeof(line), f)) {
		unsigned long long s;

		r = sscanf(line, "0x%llx-", &s) == 1 && s == start;
	}
	fclose(f);
	return r;
}

static void load_vmallocinfo(void)
{
	FILE *f = fopen("/proc/vmallocinfo", "r");
	char line[512];
	size_t cap = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, sz, ph;
		char caller[160];
		char *p;
		struct vmi *v;

		if (sscanf(line, "0x%llx-0x%llx %llu %159s", &s, &e, &sz, caller) != 4)
			continue;
		if (nvmis == cap) {
			cap = cap ? cap * 2 : 1024;
			vmis = realloc(vmis, cap * sizeof(*vmis));
			if (!vmis) {
				perror("realloc");
				exit(1);
			}
		}
		v = &vmis[nvmis++];
		memset(v, 0, sizeof(*v));
		v->start = s;
		v->end = e;
		snprintf(v->caller, sizeof(v->caller), "%s", caller);
		p = strstr(line, " phys=");
		if (p && sscanf(p, " phys=%llx", &ph) == 1)
			v->phys = ph;
		v->vmalloc = strstr(line, " vmalloc") != NULL;
		v->ioremap = strstr(line, " ioremap") != NULL;
		v->pages = strstr(line, " pages=") != NULL;
	}
	fclose(f);
}

struct kmod {
	char name[64];
	uint64_t base, size;
};

static struct kmod mods[256];
static int nmods;

static void load_modules(void)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && nmods < 256) {
		char name[64], deps[512], state[32];
		unsigned long long size, base;
		int refs;

		if (sscanf(line, "%63s %llu %d %511s %31s %llx", name, &size, &refs, deps,
			   state, &base) != 6)
			continue;
		snprintf(mods[nmods].name, sizeof(mods[nmods].name), "%s", name);
		mods[nmods].base = base;
		mods[nmods].size = size;
		nmods++;
	}
	fclose(f);
}

/* ---- the ioctls ---- */

static struct vmainspect_klayout L;
static struct vmainspect_kregion R[VMAINSPECT_KREGIONS_MAX];
static unsigned int nr;

static int do_klayout(int fd, struct vmainspect_klayout *l, void *buf, uint32_t rsize,
		      uint32_t max)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->regions = (uintptr_t)buf;
	l->region_size = rsize;
	l->max_regions = max;
	return ioctl(fd, VMAINSPECT_IOC_KLAYOUT, l) ? errno : 0;
}

static int do_kaddr(int fd, uint64_t addr, struct vmainspect_kaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->addr = addr;
	if (ioctl(fd, VMAINSPECT_IOC_KADDR, a))
		return errno;
	if (mutate && a->region_id != VMAINSPECT_KR_USER) {
		/* a frame one off, a symbol offset one off, a region one page short */
		a->pfn++;
		a->phys += PAGE;
		a->region_end -= PAGE;
		if (a->symbol[0] && strchr(a->symbol, '+'))
			strchr(a->symbol, '+')[3] ^= 1;
	}
	return 0;
}

static const struct vmainspect_kregion *region(uint32_t id)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (R[i].id == id)
			return &R[i];
	return NULL;
}

static bool in_region(uint32_t id, uint64_t s, uint64_t e)
{
	const struct vmainspect_kregion *r = region(id);

	return r && s >= r->start && e <= r->end && s < e;
}

/* ---- what the kernel's documentation and headers say ---- */

struct expect {
	uint32_t id;
	uint64_t start;		/* when start_known */
	uint64_t size;		/* when size_known */
	bool start_known, size_known, required;
};

static struct expect ex[VMAINSPECT_KR_MAX];

static bool l5;			/* 5-level paging (la57 cpu flag) */
static bool nokaslr;		/* on the command line */
static int kaslr_on = -1;	/* boot_params KASLR_FLAG, -1 unknown */
static bool kaslr_expected;	/* memory randomization should have happened */
static uint64_t k_page_offset, k_vmalloc, k_vmemmap, k_physmem_end;	/* kcore */
static bool have_physmem_end;

static void ex_set(uint32_t id, uint64_t start, uint64_t size, bool sk, bool zk)
{
	ex[id] = (struct expect){ id, start, size, sk, zk, true };
}

static uint64_t ram_end_iomem(void)
{
	uint64_t e = 0;
	int i;

	for (i = 0; i < nram; i++)
		if (ram[i].end > e)
			e = ram[i].end;
	return (e + PAGE - 1) & ~(PAGE - 1);
}

/* direct-map reserved size under KASLR: arch/x86/mm/kaslr.c */
static uint64_t kaslr_dm_size(bool *from_kernel)
{
	uint64_t max_tb = 1ULL << ((l5 ? 52 : 46) - 40), tb;

	*from_kernel = false;
	if (have_physmem_end && kaslr_expected) {
		/* physmem_end = __pa(page_offset_base + size - 1) */
		*from_kernel = true;
		return k_physmem_end + 1;
	}
	tb = (ram_end_iomem() + TB - 1) / TB + PHYS_PADDING_TB;
	return (tb < max_tb ? tb : max_tb) * TB;
}

static void fill_expect(bool visible)
{
	uint64_t user_top = l5 ? 1ULL << 56 : 1ULL << 47;
	uint64_t hv = l5 ? 0xff00000000000000ULL : 0xffff800000000000ULL;
	uint64_t pgdir = l5 ? 1ULL << 48 : 1ULL << 39;
	uint64_t dm, vmm;
	bool dm_known = true, from_kernel = false;

	memset(ex, 0, sizeof(ex));
	ex_set(VMAINSPECT_KR_USER, 0, user_top - PAGE, true, true);
	ex_set(VMAINSPECT_KR_USER_GUARD, user_top - PAGE, PAGE, true, true);
	ex_set(VMAINSPECT_KR_NONCANONICAL, user_top, hv - user_top, true, true);
	/* GUARD_HOLE: 16 PGD entries from -256; LDT: one PGD entry at -240 */
	ex_set(VMAINSPECT_KR_HYPERVISOR, hv, 16 * pgdir, true, true);
	ex_set(VMAINSPECT_KR_LDT, hv + 16 * pgdir, pgdir, true, true);
	if (!kaslr_expected) {
		/* mm.rst: 64 TB / 32 PB direct map, 1 TB / 0.5 PB vmemmap */
		dm = l5 ? 32 * PB : 64 * TB;
		vmm = l5 ? PB / 2 : TB;
	} else {
		uint64_t dm_tb;

		dm = kaslr_dm_size(&from_kernel);
		/* hidden: no kallsyms, so no physmem_end; sizes compared elsewhere */
		dm_known = visible;
		dm_tb = dm / TB;
		/* vmemmap: struct pages for dm_tb, in whole TB */
		vmm = ((dm_tb << (40 - 12)) * STRUCT_PAGE_SIZE + TB - 1) / TB * TB;
		if (visible)
			info("direct map reserved size %" PRIu64 " TB under KASLR, from %s", dm_tb,
			     from_kernel ? "physmem_end (kcore)" :
			     "kaslr.c: RAM rounded up to TB + 10 TB padding");
	}
	ex_set(VMAINSPECT_KR_DIRECT_MAP, k_page_offset, dm, visible, dm_known);
	ex_set(VMAINSPECT_KR_VMALLOC, k_vmalloc, (l5 ? 12800 : 32) * TB, visible, true);
	ex_set(VMAINSPECT_KR_VMEMMAP, k_vmemmap, vmm, visible, dm_known);
	ex_set(VMAINSPECT_KR_CPU_ENTRY, CEA_BASE, 512 * GB, true, true);
	ex_set(VMAINSPECT_KR_ESPFIX, ESPFIX_BASE, 512 * GB, true, true);
	ex_set(VMAINSPECT_KR_EFI, EFI_VA_END_, EFI_VA_START_ - EFI_VA_END_, true, true);
	ex_set(VMAINSPECT_KR_KERNEL_TEXT, START_KERNEL_MAP, KERNEL_IMAGE_SIZE_KASLR, true, true);
	ex_set(VMAINSPECT_KR_MODULES, MODULES_VADDR_, MODULES_END_ - MODULES_VADDR_, true, true);
	ex_set(VMAINSPECT_KR_FIXMAP, 0, 0, false, false);
	ex_set(VMAINSPECT_KR_VSYSCALL, VSYSCALL_ADDR_, PAGE, true, true);
	/* KASAN: only on a KASAN kernel (Debian's are not) */
	if (ksym("kasan_report") || ksym("__asan_load8"))
		ex_set(VMAINSPECT_KR_KASAN, 0, 0, false, false);
}

/* ---- KLAYOUT: structure and invariants ---- */

static bool get_layout(int fd, const char *who)
{
	int e = do_klayout(fd, &L, R, sizeof(R[0]), VMAINSPECT_KREGIONS_MAX);

	if (e) {
		fail("%sKLAYOUT: %s", who, strerror(e));
		nr = 0;
		return false;
	}
	nr = L.nr_regions;
	if (nr > VMAINSPECT_KREGIONS_MAX) {
		fail("%sKLAYOUT: nr_regions %u > max_regions %u", who, nr, VMAINSPECT_KREGIONS_MAX);
		nr = VMAINSPECT_KREGIONS_MAX;
	}
	if (mutate && nr > 12) {
		/* a moved base, a wrong size, a lost flag, an image off by 2 MiB */
		R[6].start += GB;
		R[6].size += GB;
		R[7].end += TB;
		R[2].flags &= ~VMAINSPECT_KRF_HOLE;
		R[11].start += PAGE;
		L.image_start += PMD_SZ;
		L.ram_end += PAGE;
		L.out_flags ^= VMAINSPECT_KL_KASLR_TEXT;
		L.va_bits--;
	}
	return true;
}

static void print_layout(void)
{
	unsigned int i;

	info("arch %s, %u levels, va_bits %u, phys_bits %u, page_shift %u, out_flags 0x%x, "
	     "page_offset 0x%llx, ram_end 0x%llx, lowmem_end 0x%llx, image 0x%llx-0x%llx",
	     L.arch < 4 ? vmainspect_arch_names[L.arch] : "?", L.pgtable_levels, L.va_bits,
	     L.phys_bits, L.page_shift, L.out_flags, (unsigned long long)L.page_offset,
	     (unsigned long long)L.ram_end, (unsigned long long)L.lowmem_end,
	     (unsigned long long)L.image_start, (unsigned long long)L.image_end);
	for (i = 0; i < nr; i++)
		info("region %-15s 0x%016llx-0x%016llx size 0x%llx used 0x%llx flags 0x%x",
		     rname(R[i].id), (unsigned long long)R[i].start, (unsigned long long)R[i].end,
		     (unsigned long long)R[i].size, (unsigned long long)R[i].used, R[i].flags);
}

/* ids, names, counts, reserved fields; hidden: the ids ascend instead */
static void check_structure(const char *who, bool hidden)
{
	struct agg a;
	unsigned int i;
	bool seen[VMAINSPECT_KR_MAX] = { false };

	CHECK(L.total_regions == nr, "%sKLAYOUT: total_regions %u == nr_regions %u (array of %u)",
	      who, L.total_regions, nr, VMAINSPECT_KREGIONS_MAX);
	CHECK(nr >= 10, "%sKLAYOUT: %u regions (x86_64 has 15 or more)", who, nr);
	CHECK(L.arch == VMAINSPECT_ARCH_X86_64, "%sKLAYOUT: arch %u == x86_64", who, L.arch);
	CHECK(L.pgtable_levels == (l5 ? 5u : 4u) && L.va_bits == (l5 ? 57u : 48u),
	      "%sKLAYOUT: %u levels, va_bits %u; the la57 cpu flag says %s", who,
	      L.pgtable_levels, L.va_bits, l5 ? "5/57" : "4/48");
	CHECK(L.page_shift == 12, "%sKLAYOUT: page_shift %u == 12", who, L.page_shift);
	/* MAX_PHYSMEM_BITS: arch/x86/include/asm/sparsemem.h */
	CHECK(L.phys_bits == (l5 ? 52u : 46u), "%sKLAYOUT: phys_bits %u == %u", who, L.phys_bits,
	      l5 ? 52 : 46);
	CHECK(L.ptrs_per[0] == 512 && L.ptrs_per[1] == (l5 ? 512u : 1u) && L.ptrs_per[2] == 512 &&
	      L.ptrs_per[3] == 512 && L.ptrs_per[4] == 512,
	      "%sKLAYOUT: ptrs_per %u %u %u %u %u (P4D %s)", who, L.ptrs_per[0], L.ptrs_per[1],
	      L.ptrs_per[2], L.ptrs_per[3], L.ptrs_per[4], l5 ? "512" : "folded: 1");
	CHECK(L.struct_page_size == STRUCT_PAGE_SIZE, "%sKLAYOUT: struct_page_size %u == 64", who,
	      L.struct_page_size);
	CHECK(!L.reserved[0] && !L.reserved[1] && !L.reserved[2] && !L.reserved[3],
	      "%sKLAYOUT: reserved out fields zero", who);
	CHECK(!(L.out_flags & VMAINSPECT_KL_HIGHMEM), "%sKLAYOUT: no HIGHMEM on x86_64", who);
	CHECK(!(L.out_flags & ~0x1fu), "%sKLAYOUT: out_flags 0x%x has only known bits", who,
	      L.out_flags);

	agg_init(&a, "%sKLAYOUT: ids valid, names known, each once, reserved zero, size == end - start%s",
		 who, hidden ? " (hidden: ids ascending)" : ", sorted, non-overlapping");
	for (i = 0; i < nr; i++) {
		const struct vmainspect_kregion *r = &R[i];

		if (r->id == VMAINSPECT_KR_NONE || r->id >= VMAINSPECT_KR_MAX ||
		    !vmainspect_kregion_names[r->id].name) {
			agg_bad(&a, "region %u: id %u is not a region", i, r->id);
			continue;
		}
		if (seen[r->id])
			agg_bad(&a, "region %u: %s a second time", i, rname(r->id));
		seen[r->id] = true;
		if (r->reserved[0] || r->reserved[1] || r->reserved[2])
			agg_bad(&a, "%s: reserved not zero", rname(r->id));
		if (r->flags & ~0xfu)
			agg_bad(&a, "%s: unknown flags 0x%x", rname(r->id), r->flags);
		if (!r->size)
			agg_bad(&a, "%s: size 0", rname(r->id));
		if ((r->flags & VMAINSPECT_KRF_USED) && r->used > r->size)
			agg_bad(&a, "%s: used 0x%llx > size 0x%llx", rname(r->id),
				(unsigned long long)r->used, (unsigned long long)r->size);
		/* x86_64: the enum is in address order */
		if (i && r->id <= R[i - 1].id)
			agg_bad(&a, "%s after %s: not in the documented order", rname(r->id),
				rname(R[i - 1].id));
		if (hidden) {
			if (r->start || r->end)
				agg_bad(&a, "%s: hidden but start 0x%llx end 0x%llx", rname(r->id),
					(unsigned long long)r->start, (unsigned long long)r->end);
			agg_ok(&a);
			continue;
		}
		if (r->start >= r->end && r->end)
			agg_bad(&a, "%s: start 0x%llx >= end 0x%llx", rname(r->id),
				(unsigned long long)r->start, (unsigned long long)r->end);
		/* end 0 only for a region that reaches the top of the space */
		if (r->end - r->start != r->size)
			agg_bad(&a, "%s at 0x%llx: size 0x%llx != end - start 0x%llx", rname(r->id),
				(unsigned long long)r->start, (unsigned long long)r->size,
				(unsigned long long)(r->end - r->start));
		if ((r->start | r->end) & (PAGE - 1))
			agg_bad(&a, "%s: 0x%llx-0x%llx not page aligned", rname(r->id),
				(unsigned long long)r->start, (unsigned long long)r->end);
		if (i && r->start < R[i - 1].end)
			agg_bad(&a, "%s at 0x%llx overlaps or precedes %s ending 0x%llx", rname(r->id),
				(unsigned long long)r->start, rname(R[i - 1].id),
				(unsigned long long)R[i - 1].end);
		if (i && !R[i - 1].end)
			agg_bad(&a, "%s after %s which reaches the top", rname(r->id),
				rname(R[i - 1].id));
		agg_ok(&a);
	}
	agg_end(&a, true);

	agg_init(&a, "%sKLAYOUT: the documented regions are all there", who);
	for (i = 1; i < VMAINSPECT_KR_MAX; i++) {
		if (!ex[i].required && seen[i] && i <= VMAINSPECT_KR_VSYSCALL)
			agg_bad(&a, "%s present, but this kernel has none", rname(i));
		else if (ex[i].required && !seen[i])
			agg_bad(&a, "%s missing", rname(i));
		else if (i > VMAINSPECT_KR_VSYSCALL && seen[i])
			agg_bad(&a, "%s is not an x86_64 region", rname(i));
		else
			agg_ok(&a);
	}
	agg_end(&a, true);
}

/* sizes (and, visible, starts) against mm.rst and the headers */
static void check_expected(const char *who, bool visible)
{
	struct agg a;
	unsigned int i;

	agg_init(&a, "%sregion sizes%s per mm.rst (%d-level)", who,
		 visible ? " and fixed starts" : "", l5 ? 5 : 4);
	for (i = 0; i < nr; i++) {
		const struct vmainspect_kregion *r = &R[i];
		const struct expect *e;

		if (r->id >= VMAINSPECT_KR_MAX)
			continue;
		e = &ex[r->id];
		if (!e->required)
			continue;
		if (e->size_known && r->size != e->size)
			agg_bad(&a, "%s at 0x%llx: size 0x%llx, expected 0x%llx", rname(r->id),
				(unsigned long long)r->start, (unsigned long long)r->size,
				(unsigned long long)e->size);
		else if (visible && e->start_known && r->start != e->start)
			agg_bad(&a, "%s: start 0x%llx, expected 0x%llx", rname(r->id),
				(unsigned long long)r->start, (unsigned long long)e->start);
		else
			agg_ok(&a);
	}
	if (visible) {
		const struct vmainspect_kregion *fx = region(VMAINSPECT_KR_FIXMAP);

		if (fx && (fx->start < MODULES_END_ || fx->end != VSYSCALL_ADDR_))
			agg_bad(&a, "fixmap 0x%llx-0x%llx: expected [MODULES_END 0x%llx.., VSYSCALL_ADDR 0x%llx)",
				(unsigned long long)fx->start, (unsigned long long)fx->end,
				MODULES_END_, VSYSCALL_ADDR_);
		else if (fx)
			agg_ok(&a);
	}
	agg_end(&a, true);
}

/* ---- KLAYOUT: argument rules ---- */

static void check_args(void)
{
	struct vmainspect_klayout l;
	static unsigned char big[VMAINSPECT_KREGIONS_MAX * 128 + 256];
	static struct vmainspect_kregion few[4];
	struct {
		struct vmainspect_klayout l;
		uint64_t tail[2];
	} ext;
	unsigned int i, rs;
	int e;
	bool ok;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.regions = (uintptr_t)R;
	l.region_size = sizeof(R[0]);
	l.max_regions = VMAINSPECT_KREGIONS_MAX;
	l.flags = 1;
	e = ioctl(dev, VMAINSPECT_IOC_KLAYOUT, &l) ? errno : 0;
	CHECK(e == EINVAL, "KLAYOUT args: flags 1 -> EINVAL (got %s)", e ? strerror(e) : "success");
	e = do_klayout(dev, &l, R, sizeof(R[0]), 0);
	CHECK(e == EINVAL, "KLAYOUT args: max_regions 0 -> EINVAL (got %s)", e ? strerror(e) : "success");
	e = do_klayout(dev, &l, R, sizeof(R[0]), VMAINSPECT_KREGIONS_MAX + 1);
	CHECK(e == EINVAL, "KLAYOUT args: max_regions %u -> EINVAL (got %s)",
	      VMAINSPECT_KREGIONS_MAX + 1, e ? strerror(e) : "success");
	e = do_klayout(dev, &l, R, VMAINSPECT_KREGION_SIZE_VER0 - 8, VMAINSPECT_KREGIONS_MAX);
	CHECK(e == EINVAL, "KLAYOUT args: region_size 56 -> EINVAL (got %s)", e ? strerror(e) : "success");
	e = do_klayout(dev, &l, R, 0, VMAINSPECT_KREGIONS_MAX);
	CHECK(e == EINVAL, "KLAYOUT args: region_size 0 -> EINVAL (got %s)", e ? strerror(e) : "success");
	e = do_klayout(dev, &l, NULL, sizeof(R[0]), VMAINSPECT_KREGIONS_MAX);
	/* as LIST_VMAS and PT_RUNS do (vmi-abi-test) */
	CHECK(e == EFAULT, "KLAYOUT args: regions NULL -> EFAULT, like the other list ioctls (got %s)",
	      e ? strerror(e) : "success");
	e = do_klayout(dev, &l, (void *)(uintptr_t)0x1000, sizeof(R[0]), VMAINSPECT_KREGIONS_MAX);
	CHECK(e == EFAULT, "KLAYOUT args: regions 0x1000 (unmapped) -> EFAULT (got %s)",
	      e ? strerror(e) : "success");
	memset(&l, 0, sizeof(l));
	l.size = 8;
	l.regions = (uintptr_t)R;
	l.region_size = sizeof(R[0]);
	l.max_regions = VMAINSPECT_KREGIONS_MAX;
	e = ioctl(dev, VMAINSPECT_IOC_KLAYOUT, &l) ? errno : 0;
	CHECK(e == EINVAL, "KLAYOUT args: size 8 (shorter than version 0) -> EINVAL (got %s)",
	      e ? strerror(e) : "success");

	memset(&ext, 0, sizeof(ext));
	ext.l.size = sizeof(ext);
	ext.l.regions = (uintptr_t)few;
	ext.l.region_size = sizeof(few[0]);
	ext.l.max_regions = 4;
	e = ioctl(dev, VMAINSPECT_IOC_KLAYOUT, &ext) ? errno : 0;
	CHECK(e == 0 && ext.l.nr_regions == 4, "KLAYOUT args: size +16, zero tail -> accepted (%s, %u records)",
	      e ? strerror(e) : "ok", ext.l.nr_regions);
	ext.tail[1] = 1;
	e = ioctl(dev, VMAINSPECT_IOC_KLAYOUT, &ext) ? errno : 0;
	CHECK(e == E2BIG, "KLAYOUT args: size +16, non-zero tail -> E2BIG (got %s)",
	      e ? strerror(e) : "success");

	/* max_regions 3: three records, nothing after them, total still all */
	memset(few, 0xa5, sizeof(few));
	e = do_klayout(dev, &l, few, sizeof(few[0]), 3);
	ok = !e && l.nr_regions == 3 && l.total_regions == nr;
	for (i = 0; ok && i < 3; i++)
		ok = !memcmp(&few[i], &R[i], sizeof(R[i]));
	for (i = 0; ok && i < sizeof(few[3]); i++)
		ok = ((unsigned char *)&few[3])[i] == 0xa5;
	CHECK(ok, "KLAYOUT: max_regions 3 -> the first 3 records, nothing written after them, total_regions %u (%s, nr %u total %u)",
	      nr, e ? strerror(e) : "ok", l.nr_regions, l.total_regions);

	/* larger records: the same data at stride 128, tails zero-filled */
	rs = 128;
	memset(big, 0xa5, sizeof(big));
	e = do_klayout(dev, &l, big, rs, VMAINSPECT_KREGIONS_MAX);
	ok = !e && l.nr_regions == nr;
	for (i = 0; ok && i < nr; i++) {
		unsigned int b;

		ok = !memcmp(big + i * rs, &R[i], sizeof(R[i]));
		for (b = sizeof(R[i]); ok && b < rs; b++)
			ok = big[i * rs + b] == 0;
		if (!ok)
			printf("INFO region_size 128: record %u differs or tail not zero\n", i);
	}
	CHECK(ok, "KLAYOUT: region_size 128 -> same records at stride 128, tails zero-filled (%s, %u records)",
	      e ? strerror(e) : "ok", l.nr_regions);
}

/* ---- oracles from the kernel ---- */

static void check_kcore_bases(void)
{
	const struct vmainspect_kregion *dm = region(VMAINSPECT_KR_DIRECT_MAP);
	const struct vmainspect_kregion *vm = region(VMAINSPECT_KR_VMALLOC);
	const struct vmainspect_kregion *vmm = region(VMAINSPECT_KR_VMEMMAP);
	const struct vmainspect_kregion *mo = region(VMAINSPECT_KR_MODULES);
	struct agg a;
	int i;

	CHECK(dm && dm->start == k_page_offset && L.page_offset == k_page_offset,
	      "direct map start 0x%llx and page_offset 0x%llx == page_offset_base 0x%llx (kcore)",
	      dm ? (unsigned long long)dm->start : 0ULL, (unsigned long long)L.page_offset,
	      (unsigned long long)k_page_offset);
	CHECK(vm && vm->start == k_vmalloc, "vmalloc start 0x%llx == vmalloc_base 0x%llx (kcore)",
	      vm ? (unsigned long long)vm->start : 0ULL, (unsigned long long)k_vmalloc);
	CHECK(vmm && vmm->start == k_vmemmap, "vmemmap start 0x%llx == vmemmap_base 0x%llx (kcore)",
	      vmm ? (unsigned long long)vmm->start : 0ULL, (unsigned long long)k_vmemmap);
	if (kaslr_expected) {
		/* the oracle itself: kaslr.c places vmalloc after the reserved direct map */
		CHECK(ex[VMAINSPECT_KR_DIRECT_MAP].size <= k_vmalloc - k_page_offset,
		      "oracle: the expected direct map size 0x%llx fits below vmalloc_base (gap 0x%llx)",
		      (unsigned long long)ex[VMAINSPECT_KR_DIRECT_MAP].size,
		      (unsigned long long)(k_vmalloc - k_page_offset));
		CHECK(!(k_page_offset & (GB - 1)) && !(k_vmalloc & (GB - 1)) && !(k_vmemmap & (GB - 1)),
		      "randomized bases are PUD (1 GiB) aligned (kcore)");
	}

	/*
	 * kcore's segments: RAM at __va(phys) (virtual - physical =
	 * page_offset_base), vmalloc [VMALLOC_START, VMALLOC_END) (VMALLOC_END
	 * is inclusive, so the segment is one byte short of the region),
	 * modules [MODULES_VADDR, MODULES_END).
	 */
	agg_init(&a, "kcore segments agree with the regions");
	for (i = 0; i < nkph; i++) {
		Elf64_Phdr *p = &kph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_paddr != (Elf64_Addr)-1 && p->p_vaddr >= k_page_offset &&
		    p->p_vaddr < k_page_offset + (dm ? dm->size : 0)) {
			if (p->p_vaddr - p->p_paddr != k_page_offset)
				agg_bad(&a, "RAM segment 0x%llx (phys 0x%llx): virtual - physical != page_offset_base",
					(unsigned long long)p->p_vaddr, (unsigned long long)p->p_paddr);
			else if (!dm || p->p_vaddr + p->p_memsz > dm->start + dm->size)
				agg_bad(&a, "RAM segment 0x%llx+0x%llx beyond the direct map",
					(unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz);
			else
				agg_ok(&a);
		} else if (p->p_vaddr == k_vmalloc) {
			if (!vm || p->p_memsz + 1 != vm->size)
				agg_bad(&a, "vmalloc segment 0x%llx+0x%llx: region size 0x%llx",
					(unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz,
					vm ? (unsigned long long)vm->size : 0ULL);
			else
				agg_ok(&a);
		} else if (mo && p->p_vaddr == mo->start) {
			if (p->p_memsz != mo->size)
				agg_bad(&a, "modules segment 0x%llx+0x%llx: region size 0x%llx",
					(unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz,
					(unsigned long long)mo->size);
			else
				agg_ok(&a);
		} else if (vmm && p->p_vaddr >= vmm->start && p->p_vaddr < vmm->end) {
			/* struct pages of RAM */
			if (p->p_vaddr + p->p_memsz > vmm->end)
				agg_bad(&a, "vmemmap segment 0x%llx+0x%llx beyond the vmemmap",
					(unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz);
			else
				agg_ok(&a);
		}
	}
	agg_end(&a, true);
}

static void check_ram(void)
{
	const struct vmainspect_kregion *dm = region(VMAINSPECT_KR_DIRECT_MAP);
	uint64_t re = ram_end_iomem();

	CHECK(re && L.ram_end == re, "ram_end 0x%llx == end of the highest System RAM 0x%llx (/proc/iomem)",
	      (unsigned long long)L.ram_end, (unsigned long long)re);
	CHECK(L.lowmem_end == L.ram_end, "lowmem_end 0x%llx == ram_end (x86_64 maps all RAM)",
	      (unsigned long long)L.lowmem_end);
	CHECK(dm && (dm->flags & VMAINSPECT_KRF_USED) && dm->used == re,
	      "direct map used 0x%llx == RAM extent 0x%llx (flags 0x%x)",
	      dm ? (unsigned long long)dm->used : 0ULL, (unsigned long long)re, dm ? dm->flags : 0);
}

/* "used: bytes in use from start" (UAPI), where a region says it knows */
static void check_used(void)
{
	const struct vmainspect_kregion *vmm = region(VMAINSPECT_KR_VMEMMAP);
	const struct vmainspect_kregion *kt = region(VMAINSPECT_KR_KERNEL_TEXT);
	uint64_t want;

	if (vmm && (vmm->flags & VMAINSPECT_KRF_USED)) {
		/* the struct pages of pfns 0 .. max_pfn - 1 */
		want = (ram_end_iomem() >> 12) * STRUCT_PAGE_SIZE;
		CHECK(vmm->used == want,
		      "vmemmap used 0x%llx == struct pages up to the highest System RAM pfn 0x%llx",
		      (unsigned long long)vmm->used, (unsigned long long)want);
	}
	if (kt && (kt->flags & VMAINSPECT_KRF_USED) && (L.out_flags & VMAINSPECT_KL_IMAGE_KNOWN)) {
		/* the image, wherever it lies in the region (UAPI) */
		want = L.image_end - L.image_start;
		CHECK(kt->used == want,
		      "kernel-text used 0x%llx == the image's size image_end - image_start 0x%llx",
		      (unsigned long long)kt->used, (unsigned long long)want);
	}
}

static void check_kaslr(void)
{
	uint64_t po = l5 ? PAGE_OFFSET_L5 : PAGE_OFFSET_L4;
	uint64_t vb = l5 ? VMALLOC_BASE_L5 : VMALLOC_BASE_L4;
	uint64_t mb = l5 ? VMEMMAP_BASE_L5 : VMEMMAP_BASE_L4;
	bool moved = k_page_offset != po || k_vmalloc != vb || k_vmemmap != mb;
	uint64_t text = ksym("_text");
	bool text_moved = text != START_KERNEL;
	const uint32_t rnd[3] = { VMAINSPECT_KR_DIRECT_MAP, VMAINSPECT_KR_VMALLOC,
				  VMAINSPECT_KR_VMEMMAP };
	const uint64_t def[3] = { po, vb, mb };
	int i;

	info("KASLR: nokaslr %s, boot_params KASLR_FLAG %s; kcore: page_offset_base 0x%llx "
	     "vmalloc_base 0x%llx vmemmap_base 0x%llx, _text 0x%llx",
	     nokaslr ? "yes" : "no", kaslr_on < 0 ? "unknown" : kaslr_on ? "set" : "clear",
	     (unsigned long long)k_page_offset, (unsigned long long)k_vmalloc,
	     (unsigned long long)k_vmemmap, (unsigned long long)text);
	if (nokaslr)
		CHECK(kaslr_on != 1, "nokaslr: the decompressor did not set KASLR_FLAG");
	if (!kaslr_expected) {
		CHECK(!moved, "%s: bases are the documented defaults 0x%llx 0x%llx 0x%llx (kcore)",
		      nokaslr ? "nokaslr" : "no KASLR", (unsigned long long)po,
		      (unsigned long long)vb, (unsigned long long)mb);
		CHECK(!text_moved && L.image_start == START_KERNEL,
		      "%s: _text 0x%llx and image_start 0x%llx == __START_KERNEL 0x%llx",
		      nokaslr ? "nokaslr" : "no KASLR", (unsigned long long)text,
		      (unsigned long long)L.image_start, START_KERNEL);
	} else {
		/* Debian sets RANDOMIZE_BASE and RANDOMIZE_MEMORY */
		CHECK(moved, "KASLR: the kernel moved its memory bases (kcore)");
		if (!text_moved)
			info("KASLR: _text landed on __START_KERNEL by chance");
	}
	CHECK(!!(L.out_flags & VMAINSPECT_KL_KASLR_MEMORY) == moved,
	      "KL_KASLR_MEMORY %s, the kcore bases %s the defaults",
	      L.out_flags & VMAINSPECT_KL_KASLR_MEMORY ? "set" : "clear",
	      moved ? "differ from" : "equal");
	CHECK(!!(L.out_flags & VMAINSPECT_KL_KASLR_TEXT) == text_moved,
	      "KL_KASLR_TEXT %s, _text 0x%llx %s __START_KERNEL",
	      L.out_flags & VMAINSPECT_KL_KASLR_TEXT ? "set" : "clear", (unsigned long long)text,
	      text_moved ? "!=" : "==");
	for (i = 0; i < 3; i++) {
		const struct vmainspect_kregion *r = region(rnd[i]);
		bool m = r && r->start != def[i];

		CHECK(r && !!(r->flags & VMAINSPECT_KRF_RANDOMIZED) == m,
		      "%s: KRF_RANDOMIZED %s, start 0x%llx %s the default 0x%llx", rname(rnd[i]),
		      r && (r->flags & VMAINSPECT_KRF_RANDOMIZED) ? "set" : "clear",
		      r ? (unsigned long long)r->start : 0ULL, m ? "!=" : "==",
		      (unsigned long long)def[i]);
	}
}

static void check_flags(void)
{
	struct agg a;
	unsigned int i;

	agg_init(&a, "region flags: holes are HOLE, usable regions are not");
	for (i = 0; i < nr; i++) {
		uint32_t id = R[i].id;
		bool hole = R[i].flags & VMAINSPECT_KRF_HOLE;

		if ((id == VMAINSPECT_KR_NONCANONICAL || id == VMAINSPECT_KR_USER_GUARD) && !hole)
			agg_bad(&a, "%s at 0x%llx: no HOLE flag", rname(id),
				(unsigned long long)R[i].start);
		else if ((id == VMAINSPECT_KR_USER || id == VMAINSPECT_KR_DIRECT_MAP ||
			  id == VMAINSPECT_KR_VMALLOC || id == VMAINSPECT_KR_VMEMMAP ||
			  id == VMAINSPECT_KR_KERNEL_TEXT || id == VMAINSPECT_KR_MODULES) && hole)
			agg_bad(&a, "%s at 0x%llx: HOLE flag", rname(id), (unsigned long long)R[i].start);
		else
			agg_ok(&a);
	}
	agg_end(&a, true);
}

static void check_vmallocinfo(void)
{
	struct agg a;
	size_t i;
	unsigned int nmodmem = 0;

	agg_init(&a, "every /proc/vmallocinfo range lies in vmalloc (or, module memory, modules)");
	for (i = 0; i < nvmis; i++) {
		const struct vmi *v = &vmis[i];

		if (in_region(VMAINSPECT_KR_VMALLOC, v->start, v->end)) {
			agg_ok(&a);
		} else if (in_region(VMAINSPECT_KR_MODULES, v->start, v->end)) {
			nmodmem++;
			agg_ok(&a);
		} else {
			agg_bad(&a, "0x%llx-0x%llx (%s): in neither", (unsigned long long)v->start,
				(unsigned long long)v->end, v->caller);
		}
	}
	agg_end(&a, true);
	info("vmallocinfo: %zu ranges, %u in the modules region", nvmis, nmodmem);
}

static void check_modules(void)
{
	struct agg a;
	int i;

	agg_init(&a, "every /proc/modules address lies in the modules region");
	for (i = 0; i < nmods; i++) {
		if (in_region(VMAINSPECT_KR_MODULES, mods[i].base, mods[i].base + 1))
			agg_ok(&a);
		else
			agg_bad(&a, "%s at 0x%llx: outside", mods[i].name,
				(unsigned long long)mods[i].base);
	}
	agg_end(&a, true);

	agg_init(&a, "every module symbol in /proc/kallsyms lies in the modules region");
	for (i = 0; i < (int)nsyms; i++) {
		if (!syms[i].mod || !syms[i].addr)
			continue;
		/* a module's per-cpu variables are listed as per-cpu offsets */
		if (!(syms[i].addr >> 63))
			continue;
		if (in_region(VMAINSPECT_KR_MODULES, syms[i].addr, syms[i].addr + 1))
			agg_ok(&a);
		else
			agg_bad(&a, "%s [%s] at 0x%llx: outside", syms[i].name, syms[i].mod,
				(unsigned long long)syms[i].addr);
	}
	agg_end(&a, true);
}

static void check_image(void)
{
	uint64_t text = ksym("_text"), etext = ksym("_etext"), end = ksym("_end");
	bool known = L.out_flags & VMAINSPECT_KL_IMAGE_KNOWN;

	CHECK(text && etext && end, "kallsyms: _text 0x%llx _etext 0x%llx _end 0x%llx",
	      (unsigned long long)text, (unsigned long long)etext, (unsigned long long)end);
	CHECK(in_region(VMAINSPECT_KR_KERNEL_TEXT, text, end) &&
	      in_region(VMAINSPECT_KR_KERNEL_TEXT, etext, etext + 1),
	      "_text, _etext, _end lie in the kernel-text region");
	CHECK(known, "KL_IMAGE_KNOWN set");
	CHECK(known && L.image_start == text, "image_start 0x%llx == _text 0x%llx",
	      (unsigned long long)L.image_start, (unsigned long long)text);
	/*
	 * cleanup_highmap() keeps the 2 MiB entries from _text to
	 * round_up(_brk_end, 2M), and _brk_end <= _end.
	 */
	CHECK(known && L.image_end >= end && L.image_end <= ((end + PMD_SZ - 1) & ~(PMD_SZ - 1)) &&
	      !(L.image_end & (PMD_SZ - 1)),
	      "image_end 0x%llx: 2 MiB aligned, _end 0x%llx <= image_end <= round_up(_end, 2M)",
	      (unsigned long long)L.image_end, (unsigned long long)end);
}

/* ---- KADDR ---- */

static const char *kaflags(uint32_t f)
{
	static char b[128];
	static const char *const n[] = { "MAPPED", "WRITE", "EXEC", "PFN", "RAM", "IN_IMAGE",
					 "STRUCT_PAGE", "FIXMAP_INDEX", "MODULE" };
	unsigned int i;

	b[0] = 0;
	for (i = 0; i < 9; i++)
		if (f & (1U << i))
			snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s%s", *b ? "|" : "", n[i]);
	if (!*b)
		snprintf(b, sizeof(b), "-");
	return b;
}

static void kaddr_info(const char *what, const struct vmainspect_kaddr *k)
{
	info("KADDR %s 0x%llx: %s [0x%llx-0x%llx) flags %s pfn 0x%llx phys 0x%llx page_size 0x%llx "
	     "offset 0x%llx symbol '%s' module '%s'", what, (unsigned long long)k->addr,
	     rname(k->region_id), (unsigned long long)k->region_start,
	     (unsigned long long)k->region_end, kaflags(k->out_flags), (unsigned long long)k->pfn,
	     (unsigned long long)k->phys, (unsigned long long)k->page_size,
	     (unsigned long long)k->offset, k->symbol, k->module);
}

/*
 * The bytes at ADDR and at the direct-map address of the frame KADDR gave,
 * through kcore, are the same: KADDR's translation is right.  Reads each
 * side twice; data changing under us is "racing" (returns 1).
 * 0 same, -1 different, -2 unreadable.
 */
static int same_bytes(uint64_t addr, uint64_t phys)
{
	unsigned char a[256], b[256], a2[256];
	uint64_t off = addr & (PAGE - 1), n = sizeof(a);

	if (off + n > PAGE)
		off = PAGE - n;
	addr = (addr & ~(PAGE - 1)) + off;
	phys = (phys & ~(PAGE - 1)) + off;
	if (kcore_read(addr, a, n) || kcore_read(k_page_offset + phys, b, n) ||
	    kcore_read(addr, a2, n))
		return -2;
	if (memcmp(a, a2, n))
		return 1;
	return memcmp(a, b, n) ? -1 : 0;
}

/* KADDR of ADDR in region ID; fills *k; false (and FAIL) on error */
static bool kaddr_in(const char *what, uint64_t addr, uint32_t id, struct vmainspect_kaddr *k)
{
	const struct vmainspect_kregion *r = region(id);
	int e = do_kaddr(dev, addr, k);

	if (e) {
		fail("KADDR %s 0x%llx: %s", what, (unsigned long long)addr, strerror(e));
		return false;
	}
	kaddr_info(what, k);
	CHECK(k->region_id == id && r && k->region_start == r->start && k->region_end == r->end,
	      "KADDR %s 0x%llx: region %s [0x%llx-0x%llx), expected %s", what,
	      (unsigned long long)addr, rname(k->region_id), (unsigned long long)k->region_start,
	      (unsigned long long)k->region_end, rname(id));
	return true;
}

/*
 * What %pS prints for ADDR, from /proc/kallsyms: the nearest symbol at or
 * below ADDR (of module MOD, or of the core kernel for NULL); any of the
 * names at that address, "+0x<ADDR - it>/", and " [MOD]" for a module.
 */
static bool symbol_is(const char *sym, uint64_t addr, const char *mod)
{
	const char *plus = strchr(sym, '+');
	unsigned long long o;
	uint64_t best = 0;
	bool found = false;
	char want[80];
	size_t i, len;

	for (i = 0; i < nsyms && syms[i].addr <= addr; i++) {
		if (mod ? !syms[i].mod || strcmp(syms[i].mod, mod) : syms[i].mod != NULL)
			continue;
		if (syms[i].type == 'a' || syms[i].type == 'A')
			continue;
		best = syms[i].addr;
		found = true;
	}
	if (!found || !plus)
		return false;
	len = plus - sym;
	for (i = 0; i < nsyms; i++)
		if (syms[i].addr == best && strlen(syms[i].name) == len &&
		    !strncmp(syms[i].name, sym, len) &&
		    (mod ? syms[i].mod && !strcmp(syms[i].mod, mod) : !syms[i].mod))
			break;
	if (i == nsyms)
		return false;
	if (sscanf(plus, "+0x%llx/", &o) != 1 || o != addr - best)
		return false;
	if (mod) {
		size_t l = strlen(sym);

		snprintf(want, sizeof(want), " [%s]", mod);
		return l > strlen(want) && !strcmp(sym + l - strlen(want), want);
	}
	return !strchr(sym, '[');
}

static void check_kaddr_regions(void)
{
	struct agg a;
	unsigned int i;

	agg_init(&a, "KADDR: the first, middle and last byte of every region give that region");
	for (i = 0; i < nr; i++) {
		uint64_t pts[3] = { R[i].start, R[i].start + R[i].size / 2, R[i].start + R[i].size - 1 };
		int j;

		for (j = 0; j < 3; j++) {
			struct vmainspect_kaddr k;
			int e = do_kaddr(dev, pts[j], &k);

			if (e)
				agg_bad(&a, "0x%llx (%s): %s", (unsigned long long)pts[j], rname(R[i].id),
					strerror(e));
			else if (k.region_id != R[i].id || k.region_start != R[i].start ||
				 k.region_end != R[i].end)
				agg_bad(&a, "0x%llx: %s [0x%llx-0x%llx), expected %s",
					(unsigned long long)pts[j], rname(k.region_id),
					(unsigned long long)k.region_start,
					(unsigned long long)k.region_end, rname(R[i].id));
			else
				agg_ok(&a);
		}
	}
	agg_end(&a, true);

	agg_init(&a, "KADDR: addresses in the gaps between regions are in no region, no lookup");
	for (i = 0; i + 1 < nr; i++) {
		uint64_t gs = R[i].end, ge = R[i + 1].start;
		uint64_t pts[3] = { gs, gs + (ge - gs) / 2, ge - 1 };
		int j;

		if (ge <= gs)
			continue;
		for (j = 0; j < 3; j++) {
			struct vmainspect_kaddr k;
			int e = do_kaddr(dev, pts[j], &k);

			if (e)
				agg_bad(&a, "0x%llx: %s", (unsigned long long)pts[j], strerror(e));
			else if (k.region_id != VMAINSPECT_KR_NONE || k.out_flags || k.symbol[0])
				agg_bad(&a, "0x%llx (between %s and %s): region %s flags %s symbol '%s'",
					(unsigned long long)pts[j], rname(R[i].id), rname(R[i + 1].id),
					rname(k.region_id), kaflags(k.out_flags), k.symbol);
			else
				agg_ok(&a);
		}
	}
	agg_end(&a, true);
}

static void check_kaddr_args(void)
{
	struct vmainspect_kaddr k;
	struct {
		struct vmainspect_kaddr k;
		uint64_t tail[2];
	} ext;
	int e;

	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.addr = START_KERNEL_MAP;
	k.flags = 1;
	e = ioctl(dev, VMAINSPECT_IOC_KADDR, &k) ? errno : 0;
	CHECK(e == EINVAL, "KADDR args: flags 1 -> EINVAL (got %s)", e ? strerror(e) : "success");
	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.addr = START_KERNEL_MAP;
	k.reserved[3] = 1;
	e = ioctl(dev, VMAINSPECT_IOC_KADDR, &k) ? errno : 0;
	CHECK(e == EINVAL, "KADDR args: reserved[3] 1 -> EINVAL (got %s)", e ? strerror(e) : "success");
	memset(&k, 0, sizeof(k));
	k.size = 8;
	e = ioctl(dev, VMAINSPECT_IOC_KADDR, &k) ? errno : 0;
	CHECK(e == EINVAL, "KADDR args: size 8 -> EINVAL (got %s)", e ? strerror(e) : "success");
	memset(&ext, 0, sizeof(ext));
	ext.k.size = sizeof(ext);
	ext.k.addr = START_KERNEL_MAP;
	e = ioctl(dev, VMAINSPECT_IOC_KADDR, &ext) ? errno : 0;
	CHECK(e == 0, "KADDR args: size +16, zero tail -> accepted (got %s)", e ? strerror(e) : "success");
	ext.tail[0] = 1;
	e = ioctl(dev, VMAINSPECT_IOC_KADDR, &ext) ? errno : 0;
	CHECK(e == E2BIG, "KADDR args: size +16, non-zero tail -> E2BIG (got %s)",
	      e ? strerror(e) : "success");
}

/* a vmalloc address (mapped, frame checked by content), an ioremap one */
static void check_kaddr_vmalloc(void)
{
	struct agg a, c;
	size_t i;
	unsigned int tried = 0, nio = 0;

	agg_init(&a, "KADDR of vmalloc'd pages (/proc/vmallocinfo): vmalloc, MAPPED, PFN, RAM as /proc/iomem says");
	agg_init(&c, "KADDR of vmalloc'd pages: the bytes there (kcore) == the bytes at the direct map of its pfn");
	for (i = 0; i < nvmis && tried < 12; i++) {
		const struct vmi *v = &vmis[i];
		struct vmainspect_kaddr k;
		uint64_t addr = v->start + PAGE / 2 + 8;
		int e, s;

		if (!v->vmalloc || !v->pages || v->end - v->start < 2 * PAGE ||
		    !in_region(VMAINSPECT_KR_VMALLOC, v->start, v->end))
			continue;
		tried++;
		e = do_kaddr(dev, addr, &k);
		if (tried == 1 && !e)
			kaddr_info("vmalloc", &k);
		if (e) {
			agg_bad(&a, "0x%llx (%s): %s", (unsigned long long)addr, v->caller, strerror(e));
			continue;
		}
		if (!(k.out_flags & VMAINSPECT_KA_MAPPED) && !vmi_still_there(v->start)) {
			info("0x%llx (%s): freed meanwhile, skipped", (unsigned long long)addr, v->caller);
			continue;
		}
		if (k.region_id != VMAINSPECT_KR_VMALLOC ||
		    (k.out_flags & (VMAINSPECT_KA_MAPPED | VMAINSPECT_KA_PFN)) !=
		    (VMAINSPECT_KA_MAPPED | VMAINSPECT_KA_PFN) ||
		    (k.page_size != PAGE && k.page_size != PMD_SZ) || k.phys >> 12 != k.pfn ||
		    (k.phys & (PAGE - 1)) != (addr & (PAGE - 1))) {
			agg_bad(&a, "0x%llx (%s): %s flags %s page_size 0x%llx pfn 0x%llx phys 0x%llx",
				(unsigned long long)addr, v->caller, rname(k.region_id),
				kaflags(k.out_flags), (unsigned long long)k.page_size,
				(unsigned long long)k.pfn, (unsigned long long)k.phys);
			continue;
		}
		if (!!(k.out_flags & VMAINSPECT_KA_RAM) != phys_is_ram(k.phys)) {
			agg_bad(&a, "0x%llx: phys 0x%llx RAM flag %d, /proc/iomem says %d",
				(unsigned long long)addr, (unsigned long long)k.phys,
				!!(k.out_flags & VMAINSPECT_KA_RAM), phys_is_ram(k.phys));
			continue;
		}
		agg_ok(&a);
		s = same_bytes(addr, k.phys);
		if (s == 0)
			agg_ok(&c);
		else if (s == -1)
			agg_bad(&c, "0x%llx (%s): bytes differ from the direct map at phys 0x%llx",
				(unsigned long long)addr, v->caller, (unsigned long long)k.phys);
		else if (s == -2)
			agg_bad(&c, "0x%llx: kcore read failed (phys 0x%llx)", (unsigned long long)addr,
				(unsigned long long)k.phys);
	}
	agg_end(&a, true);
	agg_end(&c, true);

	agg_init(&a, "KADDR of ioremap ranges (/proc/vmallocinfo phys=): pfn == phys >> 12, RAM as /proc/iomem says");
	for (i = 0; i < nvmis && nio < 8; i++) {
		const struct vmi *v = &vmis[i];
		struct vmainspect_kaddr k;
		int e;

		if (!v->ioremap || !v->phys || !in_region(VMAINSPECT_KR_VMALLOC, v->start, v->end))
			continue;
		nio++;
		e = do_kaddr(dev, v->start, &k);
		if (e)
			agg_bad(&a, "0x%llx (%s): %s", (unsigned long long)v->start, v->caller, strerror(e));
		else if (k.region_id != VMAINSPECT_KR_VMALLOC || !(k.out_flags & VMAINSPECT_KA_PFN) ||
			 !(k.out_flags & VMAINSPECT_KA_MAPPED) || k.pfn != v->phys >> 12)
			agg_bad(&a, "0x%llx (%s, phys 0x%llx): %s flags %s pfn 0x%llx",
				(unsigned long long)v->start, v->caller, (unsigned long long)v->phys,
				rname(k.region_id), kaflags(k.out_flags), (unsigned long long)k.pfn);
		else if (!!(k.out_flags & VMAINSPECT_KA_RAM) != phys_is_ram(v->phys))
			agg_bad(&a, "0x%llx: phys 0x%llx RAM flag %d, /proc/iomem says %d",
				(unsigned long long)v->start, (unsigned long long)v->phys,
				!!(k.out_flags & VMAINSPECT_KA_RAM), phys_is_ram(v->phys));
		else
			agg_ok(&a);
	}
	agg_end(&a, false);
}

static void check_kaddr_modules(void)
{
	struct agg a, s, c;
	int i;
	size_t j;

	agg_init(&a, "KADDR of every /proc/modules address: modules region, MODULE, its name");
	for (i = 0; i < nmods; i++) {
		struct vmainspect_kaddr k;
		int e = do_kaddr(dev, mods[i].base, &k);

		if (i == 0 && !e)
			kaddr_info(mods[i].name, &k);
		if (e)
			agg_bad(&a, "%s at 0x%llx: %s", mods[i].name, (unsigned long long)mods[i].base,
				strerror(e));
		else if (k.region_id != VMAINSPECT_KR_MODULES || !(k.out_flags & VMAINSPECT_KA_MODULE) ||
			 strcmp(k.module, mods[i].name))
			agg_bad(&a, "%s at 0x%llx: %s flags %s module '%s'", mods[i].name,
				(unsigned long long)mods[i].base, rname(k.region_id),
				kaflags(k.out_flags), k.module);
		else
			agg_ok(&a);
	}
	agg_end(&a, true);

	/*
	 * One text symbol per module, at an address no other symbol has:
	 * "name+0x0/..  [mod]", name+1 "+0x1", the module's name, and the
	 * frame behind it (content through kcore).
	 */
	agg_init(&s, "KADDR of module text symbols (/proc/kallsyms): symbol 'name+0x0/.. [mod]', module name");
	agg_init(&c, "KADDR of module text: the bytes there == the bytes at the direct map of its pfn");
	for (i = 0; i < nmods; i++) {
		for (j = 0; j < nsyms; j++) {
			const struct ksym *y = &syms[j];
			struct vmainspect_kaddr k;
			int e, r;

			if (!y->mod || strcmp(y->mod, mods[i].name) || (y->type != 't' && y->type != 'T') ||
			    (j && syms[j - 1].addr == y->addr) ||
			    (j + 1 < nsyms && syms[j + 1].addr <= y->addr + 1))
				continue;
			e = do_kaddr(dev, y->addr, &k);
			if (e) {
				agg_bad(&s, "%s [%s] 0x%llx: %s", y->name, y->mod,
					(unsigned long long)y->addr, strerror(e));
				break;
			}
			if (k.region_id != VMAINSPECT_KR_MODULES || strcmp(k.module, y->mod) ||
			    !(k.out_flags & VMAINSPECT_KA_MODULE) || !symbol_is(k.symbol, y->addr, y->mod))
				agg_bad(&s, "%s [%s] 0x%llx: %s module '%s' flags %s symbol '%s'", y->name,
					y->mod, (unsigned long long)y->addr, rname(k.region_id), k.module,
					kaflags(k.out_flags), k.symbol);
			else
				agg_ok(&s);
			if (!(k.out_flags & VMAINSPECT_KA_MAPPED) || !(k.out_flags & VMAINSPECT_KA_PFN) ||
			    !(k.out_flags & VMAINSPECT_KA_EXEC)) {
				agg_bad(&c, "%s [%s] 0x%llx: flags %s (text must be MAPPED, PFN, EXEC)",
					y->name, y->mod, (unsigned long long)y->addr, kaflags(k.out_flags));
			} else {
				r = same_bytes(y->addr, k.phys);
				if (r == 0)
					agg_ok(&c);
				else if (r < 0)
					agg_bad(&c, "%s [%s] 0x%llx: phys 0x%llx: %s", y->name, y->mod,
						(unsigned long long)y->addr, (unsigned long long)k.phys,
						r == -1 ? "bytes differ" : "kcore read failed");
			}
			e = do_kaddr(dev, y->addr + 1, &k);
			if (e || !symbol_is(k.symbol, y->addr + 1, y->mod))
				agg_bad(&s, "%s [%s] 0x%llx + 1: symbol '%s' %s", y->name, y->mod,
					(unsigned long long)y->addr, k.symbol, e ? strerror(e) : "");
			else
				agg_ok(&s);
			break;
		}
	}
	agg_end(&s, true);
	agg_end(&c, true);
}

static void check_kaddr_direct_vmemmap(void)
{
	const struct vmainspect_kregion *dm = region(VMAINSPECT_KR_DIRECT_MAP);
	struct vmainspect_kaddr k;
	uint64_t phys = 0, addr, pfn, best = 2 * PAGE;
	int i;

	/* a RAM page in the middle of the biggest System RAM range */
	for (i = 0; i < nram; i++)
		if (ram[i].end - ram[i].start > best) {
			best = ram[i].end - ram[i].start;
			phys = ((ram[i].start + best / 2) & ~(PAGE - 1)) + 0x123;
		}
	if (!phys || !dm) {
		fail("KADDR direct map: no System RAM in /proc/iomem or no direct map region");
		return;
	}
	pfn = phys >> 12;
	addr = k_page_offset + phys;
	if (kaddr_in("direct map (page_offset_base + System RAM phys)", addr,
		     VMAINSPECT_KR_DIRECT_MAP, &k))
		CHECK((k.out_flags & VMAINSPECT_KA_PFN) && (k.out_flags & VMAINSPECT_KA_RAM) &&
		      (k.out_flags & VMAINSPECT_KA_MAPPED) && k.pfn == pfn && k.phys == phys,
		      "KADDR direct map 0x%llx: pfn 0x%llx phys 0x%llx flags %s, expected pfn 0x%llx phys 0x%llx PFN|RAM|MAPPED",
		      (unsigned long long)addr, (unsigned long long)k.pfn, (unsigned long long)k.phys,
		      kaflags(k.out_flags), (unsigned long long)pfn, (unsigned long long)phys);

	/*
	 * A page below ram_end that no System RAM range touches (the
	 * legacy hole below 1 MiB on a PC): KA_RAM clear.
	 */
	{
		uint64_t hp = 0, p;

		for (p = 0x1000; p < L.ram_end && p < (1ULL << 32) && !hp; p += PAGE)
			if (!phys_is_ram(p) && !phys_is_ram(p + PAGE - 1))
				hp = p;
		if (hp) {
			addr = k_page_offset + hp;
			if (kaddr_in("direct map, hole between System RAM ranges", addr,
				     VMAINSPECT_KR_DIRECT_MAP, &k))
				CHECK(!(k.out_flags & VMAINSPECT_KA_RAM) &&
				      (!(k.out_flags & VMAINSPECT_KA_PFN) || k.pfn == hp >> 12),
				      "KADDR direct map 0x%llx (phys 0x%llx, not System RAM in /proc/iomem): flags %s, RAM must be clear",
				      (unsigned long long)addr, (unsigned long long)hp, kaflags(k.out_flags));
		} else {
			info("no hole between System RAM ranges below 4 GiB");
		}
	}

	/* beyond RAM, inside the reserved direct map: not RAM, not mapped */
	if (dm->size > L.ram_end + 2 * GB) {
		addr = k_page_offset + ((ram_end_iomem() + GB) & ~(GB - 1)) + GB;
		if (kaddr_in("direct map beyond RAM", addr, VMAINSPECT_KR_DIRECT_MAP, &k))
			CHECK(!(k.out_flags & (VMAINSPECT_KA_RAM | VMAINSPECT_KA_MAPPED)) &&
			      (!(k.out_flags & VMAINSPECT_KA_PFN) || k.pfn == (addr - k_page_offset) >> 12),
			      "KADDR direct map beyond RAM 0x%llx: flags %s pfn 0x%llx (not RAM, not mapped)",
			      (unsigned long long)addr, kaflags(k.out_flags), (unsigned long long)k.pfn);
	}

	addr = k_vmemmap + pfn * STRUCT_PAGE_SIZE + 8;
	if (kaddr_in("vmemmap (vmemmap_base + pfn * 64 + 8)", addr, VMAINSPECT_KR_VMEMMAP, &k))
		CHECK((k.out_flags & VMAINSPECT_KA_STRUCT_PAGE) && k.pfn == pfn && k.offset == 8,
		      "KADDR vmemmap 0x%llx: struct page of pfn 0x%llx offset %llu flags %s, expected pfn 0x%llx offset 8",
		      (unsigned long long)addr, (unsigned long long)k.pfn, (unsigned long long)k.offset,
		      kaflags(k.out_flags), (unsigned long long)pfn);
}

static void check_kaddr_text(void)
{
	uint64_t text = ksym("_text"), pob = ksym("page_offset_base");
	struct vmainspect_kaddr k;
	int s;

	if (!text) {
		fail("KADDR _text: not in /proc/kallsyms");
		return;
	}
	if (kaddr_in("_text", text, VMAINSPECT_KR_KERNEL_TEXT, &k)) {
		/* _text, or another name kallsyms has at _text (_stext on 6.12) */
		CHECK((k.out_flags & VMAINSPECT_KA_IN_IMAGE) && symbol_is(k.symbol, text, NULL),
		      "KADDR _text 0x%llx: IN_IMAGE, symbol '%s' (a kallsyms name at _text, +0x0)",
		      (unsigned long long)text, k.symbol);
		CHECK(k.offset == text - L.image_start, "KADDR _text: offset %llu == _text - image_start",
		      (unsigned long long)k.offset);
		CHECK((k.out_flags & VMAINSPECT_KA_MAPPED) && (k.out_flags & VMAINSPECT_KA_EXEC) &&
		      !(k.out_flags & VMAINSPECT_KA_WRITE),
		      "KADDR _text: MAPPED, EXEC, not WRITE (flags %s)", kaflags(k.out_flags));
		CHECK((k.out_flags & VMAINSPECT_KA_PFN) && kcode.end && k.phys == kcode.start &&
		      k.pfn == kcode.start >> 12,
		      "KADDR _text: phys 0x%llx == 'Kernel code' start 0x%llx (/proc/iomem)",
		      (unsigned long long)k.phys, (unsigned long long)kcode.start);
		s = same_bytes(text, k.phys);
		CHECK(s == 0, "KADDR _text: the bytes at _text == the bytes at the direct map of phys 0x%llx (kcore: %d)",
		      (unsigned long long)k.phys, s);
	}
	if (kaddr_in("_text + 0x18", text + 0x18, VMAINSPECT_KR_KERNEL_TEXT, &k))
		CHECK(symbol_is(k.symbol, text + 0x18, NULL),
		      "KADDR _text + 0x18: symbol '%s' is the nearest kallsyms symbol at or below", k.symbol);
	if (kaddr_in("startup_64 + 5", ksym("startup_64") + 5, VMAINSPECT_KR_KERNEL_TEXT, &k))
		CHECK(symbol_is(k.symbol, ksym("startup_64") + 5, NULL),
		      "KADDR startup_64 + 5: symbol '%s' is the nearest kallsyms symbol at or below", k.symbol);
	if (pob && kaddr_in("page_offset_base", pob, VMAINSPECT_KR_KERNEL_TEXT, &k))
		CHECK((k.out_flags & VMAINSPECT_KA_IN_IMAGE) && symbol_is(k.symbol, pob, NULL) &&
		      !(k.out_flags & VMAINSPECT_KA_EXEC) && k.offset == pob - L.image_start,
		      "KADDR &page_offset_base 0x%llx: IN_IMAGE, not EXEC, symbol '%s'",
		      (unsigned long long)pob, k.symbol);
}

static void check_kaddr_user_misc(void)
{
	struct vmainspect_kaddr k;
	int local = 0, e;
	uint64_t a = (uintptr_t)&local;
	const struct vmainspect_kregion *fx = region(VMAINSPECT_KR_FIXMAP);

	if (kaddr_in("user (a stack variable)", a, VMAINSPECT_KR_USER, &k))
		CHECK(!k.out_flags && !k.symbol[0] && !k.module[0] && !k.pfn && !k.phys,
		      "KADDR user 0x%llx: no kernel lookup (flags %s, symbol '%s')",
		      (unsigned long long)a, kaflags(k.out_flags), k.symbol);
	if (kaddr_in("user 0", 0, VMAINSPECT_KR_USER, &k))
		CHECK(!k.out_flags && !k.symbol[0], "KADDR 0: no kernel lookup (flags %s)",
		      kaflags(k.out_flags));
	a = l5 ? 0x0100000000001000ULL : 0x0000800000001000ULL;
	if (kaddr_in("non-canonical", a, VMAINSPECT_KR_NONCANONICAL, &k))
		CHECK(!k.out_flags && !k.symbol[0], "KADDR non-canonical 0x%llx: no lookup (flags %s)",
		      (unsigned long long)a, kaflags(k.out_flags));
	e = do_kaddr(dev, VSYSCALL_ADDR_, &k);
	CHECK(!e && k.region_id == VMAINSPECT_KR_VSYSCALL,
	      "KADDR 0x%llx: vsyscall (%s)", VSYSCALL_ADDR_, e ? strerror(e) : rname(k.region_id));
	if (fx) {
		a = fx->end - PAGE;
		if (kaddr_in("fixmap top page", a, VMAINSPECT_KR_FIXMAP, &k) &&
		    (k.out_flags & VMAINSPECT_KA_FIXMAP_INDEX))
			CHECK(k.index == (FIXADDR_TOP_ - a) >> 12,
			      "KADDR fixmap 0x%llx: index %llu == (FIXADDR_TOP - addr) >> 12 = %llu",
			      (unsigned long long)a, (unsigned long long)k.index,
			      (FIXADDR_TOP_ - a) >> 12);
	}
}

/* ---- hidden ---- */

struct snap {
	unsigned int nr;
	struct vmainspect_kregion r[VMAINSPECT_KREGIONS_MAX];
	struct vmainspect_klayout l;
};

static void check_hidden(int fd, const char *who, const struct snap *vis)
{
	unsigned int i;
	struct vmainspect_kaddr k;
	int local = 0, e;
	bool same = true;

	if (!get_layout(fd, who))
		return;
	print_layout();
	CHECK(L.out_flags & VMAINSPECT_KL_HIDDEN, "%sKLAYOUT succeeds with KL_HIDDEN (out_flags 0x%x)",
	      who, L.out_flags);
	CHECK(!L.page_offset && !L.image_start && !L.image_end,
	      "%sno address: page_offset 0x%llx image 0x%llx-0x%llx", who,
	      (unsigned long long)L.page_offset, (unsigned long long)L.image_start,
	      (unsigned long long)L.image_end);
	check_structure(who, true);
	check_expected(who, false);
	if (vis) {
		same = vis->nr == nr;
		for (i = 0; same && i < nr; i++)
			same = vis->r[i].id == R[i].id && vis->r[i].size == R[i].size;
		CHECK(same, "%sthe same %u regions with the same sizes as visible (%u)", who, nr,
		      vis->nr);
	}
	e = do_kaddr(fd, START_KERNEL_MAP + 16 * MB, &k);
	CHECK(e == EPERM, "%sKADDR of a kernel address -> EPERM (got %s)", who,
	      e ? strerror(e) : "an answer");
	e = do_kaddr(fd, (uintptr_t)&local, &k);
	CHECK(e == EPERM, "%sKADDR of a user address -> EPERM (got %s)", who,
	      e ? strerror(e) : "an answer");
}

static int open_dev(void)
{
	int fd = open(VMAINSPECT_DEVICE, O_RDONLY);

	if (fd < 0)
		fail("open %s: %s", VMAINSPECT_DEVICE, strerror(errno));
	return fd;
}

static void take_snap(struct snap *s)
{
	s->nr = nr;
	memcpy(s->r, R, sizeof(R));
	s->l = L;
}

/* kptr_restrict 1 (visible to root), 2 (hidden from root too), 0 (visible) */
static void mode_kptr2(void)
{
	static struct snap vis;
	int old = -1, fd;
	struct vmainspect_kaddr k;
	int e;

	if (read_sysctl(KPTR, &old) || write_sysctl(KPTR, 1)) {
		fail("kptr_restrict: cannot set it to 1: %s", strerror(errno));
		return;
	}
	fd = open_dev();
	if (fd < 0)
		goto out;
	if (get_layout(fd, "kptr_restrict=1: ")) {
		CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN) && L.page_offset,
		      "kptr_restrict=1, root: addresses shown (out_flags 0x%x)", L.out_flags);
		take_snap(&vis);
	}
	close(fd);
	if (write_sysctl(KPTR, 2)) {
		fail("kptr_restrict: cannot set it to 2: %s", strerror(errno));
		goto out;
	}
	fd = open_dev();
	if (fd >= 0) {
		check_hidden(fd, "kptr_restrict=2, root: ", &vis);
		close(fd);
	}
	/* an fd opened before: the rule is applied per call or at open */
	if (write_sysctl(KPTR, 0)) {
		fail("kptr_restrict: cannot set it to 0: %s", strerror(errno));
		goto out;
	}
	fd = open_dev();
	if (fd >= 0) {
		if (get_layout(fd, "kptr_restrict=0: "))
			CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN) && L.page_offset == vis.l.page_offset,
			      "kptr_restrict=0, root (CAP_SYSLOG): addresses shown (out_flags 0x%x, page_offset 0x%llx)",
			      L.out_flags, (unsigned long long)L.page_offset);
		e = do_kaddr(fd, START_KERNEL_MAP + 16 * MB, &k);
		CHECK(e == 0, "kptr_restrict=0, root: KADDR answers (%s)", e ? strerror(e) : "ok");
		close(fd);
	}
out:
	if (old >= 0 && write_sysctl(KPTR, old))
		fail("kptr_restrict: cannot restore %d", old);
}

static void mode_lockdown(void)
{
	const char *p = "/sys/kernel/security/lockdown";
	FILE *f;
	int fd;
	char *s;

	if (access(p, F_OK))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	s = slurp(p, NULL);
	if (!s) {
		info("no %s (lockdown LSM not active): lockdown not checked", p);
		pass("lockdown: skipped, the lockdown LSM is not active");
		return;
	}
	info("lockdown before: %s", strtok(s, "\n"));
	free(s);
	f = fopen(p, "w");
	if (!f || fputs("confidentiality\n", f) < 0 || fclose(f)) {
		fail("lockdown: cannot set confidentiality: %s", strerror(errno));
		return;
	}
	s = slurp(p, NULL);
	info("lockdown now: %s", s ? strtok(s, "\n") : "?");
	free(s);
	fd = open_dev();
	if (fd >= 0) {
		check_hidden(fd, "lockdown=confidentiality, root: ", NULL);
		close(fd);
	}
}

static void mode_root(void)
{
	int old = -1;

	if (read_sysctl(KPTR, &old) || write_sysctl(KPTR, 1)) {
		fail("kptr_restrict: cannot set it to 1 (raw %%pK and kallsyms for root): %s",
		     strerror(errno));
		return;
	}
	/* opened after kptr_restrict is 1, should the module decide at open */
	dev = open_dev();
	if (dev < 0)
		goto out;
	load_kallsyms();
	load_iomem();
	load_vmallocinfo();
	load_modules();
	if (kcore_open())
		fail("/proc/kcore: %s", strerror(errno));
	info("oracles: %zu kallsyms, %d System RAM ranges, %zu vmallocinfo ranges, %d modules, %d kcore segments",
	     nsyms, nram, nvmis, nmods, nkph);
	CHECK(nsyms > 1000 && ksym("_text"), "kallsyms readable with real addresses (%zu symbols)", nsyms);
	CHECK(kcore_u64(ksym("page_offset_base"), &k_page_offset) == 0 &&
	      kcore_u64(ksym("vmalloc_base"), &k_vmalloc) == 0 &&
	      kcore_u64(ksym("vmemmap_base"), &k_vmemmap) == 0,
	      "kcore: page_offset_base, vmalloc_base, vmemmap_base read at their kallsyms addresses");
	/* 6.13 renamed it direct_map_physmem_end */
	have_physmem_end = kcore_u64(ksym("physmem_end"), &k_physmem_end) == 0 ||
			   kcore_u64(ksym("direct_map_physmem_end"), &k_physmem_end) == 0;
	info("physmem_end %s 0x%llx", have_physmem_end ? "(kcore)" : "not in this kernel",
	     (unsigned long long)k_physmem_end);
	fill_expect(true);

	if (get_layout(dev, "")) {
		print_layout();
		CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN), "root, kptr_restrict=1: addresses shown (out_flags 0x%x)",
		      L.out_flags);
		check_structure("", false);
		check_expected("", true);
		check_args();
		check_kcore_bases();
		check_ram();
		check_used();
		check_kaslr();
		check_flags();
		check_vmallocinfo();
		check_modules();
		check_image();
		check_kaddr_args();
		check_kaddr_regions();
		check_kaddr_vmalloc();
		check_kaddr_modules();
		check_kaddr_direct_vmemmap();
		check_kaddr_text();
		check_kaddr_user_misc();
	}
out:
	if (write_sysctl(KPTR, old))
		fail("kptr_restrict: cannot restore %d", old);
}

/* a JSON integer, or a string holding a number ("0xffff..."), as u64 */
static bool json_u64(json_object *o, const char *key, uint64_t *v)
{
	json_object *f;
	char *end;

	if (!json_object_object_get_ex(o, key, &f))
		return false;
	if (json_object_is_type(f, json_type_int)) {
		*v = json_object_get_uint64(f);
		return true;
	}
	if (json_object_is_type(f, json_type_string)) {
		errno = 0;
		*v = strtoull(json_object_get_string(f), &end, 0);
		return !errno && !*end;
	}
	return false;
}

static void mode_cli_json(const char *file)
{
	json_object *j, *regs, *r, *f;
	char *text;
	size_t i, n;
	struct agg a;

	text = slurp(file, NULL);
	j = text ? json_tokener_parse(text) : NULL;
	free(text);
	if (!j) {
		fail("cli: %s is not JSON", file);
		return;
	}
	if (!json_object_object_get_ex(j, "regions", &regs) ||
	    !json_object_is_type(regs, json_type_array)) {
		fail("cli: vmainspect --json kernel: no \"regions\" array");
		json_object_put(j);
		return;
	}
	/* run right after the tool, with the same kptr_restrict */
	dev = open_dev();
	if (dev < 0 || !get_layout(dev, "")) {
		json_object_put(j);
		return;
	}
	n = json_object_array_length(regs);
	CHECK(n == nr, "cli: vmainspect --json kernel: %zu regions, KLAYOUT has %u", n, nr);
	agg_init(&a, "cli: vmainspect --json kernel: regions[] name, start, end == KLAYOUT's");
	for (i = 0; i < n && i < nr; i++) {
		uint64_t st, en;
		const char *name;

		r = json_object_array_get_idx(regs, i);
		name = json_object_object_get_ex(r, "name", &f) ? json_object_get_string(f) : NULL;
		if (!name || !json_u64(r, "start", &st) || !json_u64(r, "end", &en))
			agg_bad(&a, "regions[%zu]: no name, start or end", i);
		else if (strcmp(name, rname(R[i].id)) || st != R[i].start || en != R[i].end)
			agg_bad(&a, "regions[%zu]: %s 0x%llx-0x%llx, KLAYOUT %s 0x%llx-0x%llx", i, name,
				(unsigned long long)st, (unsigned long long)en, rname(R[i].id),
				(unsigned long long)R[i].start, (unsigned long long)R[i].end);
		else
			agg_ok(&a);
	}
	agg_end(&a, true);
	json_object_put(j);
}

/* Does @line hold a kernel address: 16 hex digits that begin with ff? */
static bool regex_kaddr(const char *line)
{
	const char *p = line, *q;

	while (*p) {
		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		for (q = p; isxdigit((unsigned char)*q); q++)
			;
		if (q - p == 16 && (p[0] == 'f' || p[0] == 'F') && (p[1] == 'f' || p[1] == 'F'))
			return true;
		p = q;
	}
	return false;
}

/* Does @line hold @word as a whole word? */
static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(line, word); p; p = strstr(p + 1, word))
		if ((p == line || p[-1] == ' ' || p[-1] == '|') &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == '\n'))
			return true;
	return false;
}

/*
 * --text FILE: a table printed by debugfs kernel_layout or `vmainspect
 * kernel`: every KLAYOUT region has a line with its name, its first and
 * its last address (16 hex digits); hidden (KL_HIDDEN), no line holds a
 * kernel address at all.  --drawing FILE: `vmainspect layout --full`:
 * every kernel-half region's name and start address are in the drawing.
 */
static void mode_text(const char *file, bool drawing)
{
	char *text, *whole, *line, *save = NULL, hex[2][24];
	bool hidden, *seen;
	struct agg a;
	uint32_t i;

	text = slurp(file, NULL);
	/* strtok_r() below cuts text into lines; the drawing check wants it whole */
	whole = text ? strdup(text) : NULL;
	if (!whole) {
		fail("%s: cannot read %s", drawing ? "drawing" : "text", file);
		free(text);
		return;
	}
	dev = open_dev();
	if (dev < 0 || !get_layout(dev, "")) {
		free(text);
		free(whole);
		return;
	}
	hidden = L.out_flags & VMAINSPECT_KL_HIDDEN;
	seen = calloc(nr, sizeof(*seen));
	if (!seen) {
		free(text);
		free(whole);
		fail("out of memory");
		return;
	}
	agg_init(&a, drawing ? "layout --full draws every kernel region: name and start" :
		 hidden ? "text table: every region named, no kernel address" :
		 "text table: every region's name, start and last on one line");
	/* the start of the kernel half is the paging mode's, not a secret */
	snprintf(hex[1], sizeof(hex[1]), "%016llx",
		 (unsigned long long)(~0ULL << (L.va_bits ? L.va_bits - 1 : 47)));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (hidden && regex_kaddr(line) && !(drawing && strstr(line, hex[1])))
			agg_bad(&a, "hidden, yet a kernel address: %.120s", line);
		for (i = 0; i < nr; i++) {
			if (seen[i] || !has_word(line, rname(R[i].id)))
				continue;
			if (drawing || hidden) {
				seen[i] = true;
				continue;
			}
			snprintf(hex[0], sizeof(hex[0]), "%016llx", (unsigned long long)R[i].start);
			snprintf(hex[1], sizeof(hex[1]), "%016llx", (unsigned long long)R[i].end - 1);
			if (strstr(line, hex[0]) && strstr(line, hex[1]))
				seen[i] = true;
		}
	}
	free(text);
	/* the drawing: the start of each region is a boundary line */
	if (drawing && !hidden) {
		for (i = 0; i < nr; i++) {
			snprintf(hex[0], sizeof(hex[0]), "0x%016llx", (unsigned long long)R[i].start);
			if (R[i].start >> 63 && !strstr(whole, hex[0]))
				seen[i] = false;
		}
	}
	free(whole);
	for (i = 0; i < nr; i++) {
		/* the drawing's kernel half: the regions above the user half */
		if (drawing && (R[i].id == VMAINSPECT_KR_USER || R[i].id == VMAINSPECT_KR_USER_GUARD ||
				R[i].id == VMAINSPECT_KR_NONCANONICAL))
			continue;
		if (seen[i])
			agg_ok(&a);
		else
			agg_bad(&a, "%s 0x%llx-0x%llx: not found", rname(R[i].id),
				(unsigned long long)R[i].start, (unsigned long long)R[i].end - 1);
	}
	agg_end(&a, true);
	free(seen);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	l5 = cpu_la57();
	nokaslr = cmdline_has("nokaslr");
	kaslr_on = boot_kaslr_flag();
	/* the decompressor's flag when readable, else the command line */
	kaslr_expected = kaslr_on >= 0 ? kaslr_on == 1 : !nokaslr;
	info("paging: %d-level (la57 cpu flag %s); nokaslr %s; KASLR expected %s", l5 ? 5 : 4,
	     l5 ? "yes" : "no", nokaslr ? "yes" : "no", kaslr_expected ? "yes" : "no");
	if (!strcmp(mode, "--unpriv")) {
		fill_expect(false);
		dev = open_dev();
		if (dev >= 0)
			check_hidden(dev, "unprivileged: ", NULL);
	} else if (!strcmp(mode, "--kptr2")) {
		fill_expect(false);
		mode_kptr2();
	} else if (!strcmp(mode, "--lockdown")) {
		fill_expect(false);
		mode_lockdown();
	} else if (!strcmp(mode, "--cli-json") && argc > 2) {
		mode_cli_json(argv[2]);
	} else if (!strcmp(mode, "--text") && argc > 2) {
		mode_text(argv[2], false);
	} else if (!strcmp(mode, "--drawing") && argc > 2) {
		mode_text(argv[2], true);
	} else if (!strcmp(mode, "--mutate")) {
		mutate = true;
		mode_root();
	} else if (!*mode) {
		mode_root();
	} else {
		fprintf(stderr, "usage: %s [--unpriv | --kptr2 | --lockdown | --mutate | --cli-json FILE |\n"
			"          --text FILE | --drawing FILE]\n", argv[0]);
		return 2;
	}
	return summary();
}
