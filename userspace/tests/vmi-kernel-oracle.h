/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-kernel-oracle.h: what vmi-check-klayout and vmi-check-kaddr share:
 * the kernel's own answers about its address space, read in the same run,
 * and the KLAYOUT answer both programs start from.
 *
 *  - paging mode: "la57" in the flags of /proc/cpuinfo (the kernel clears
 *    it when it does not use 5-level paging) -> 5 levels, 57 bits, else
 *    4/48; the fixed addresses of Documentation/arch/x86/x86_64/mm.rst and
 *    arch/x86/include/asm/ (pgtable_64_types.h, page_64_types.h, fixmap.h);
 *  - KASLR: the decompressor's KASLR_FLAG in /sys/kernel/boot_params/data
 *    (loadflags) and "nokaslr" on /proc/cmdline;
 *  - /proc/kallsyms (sorted by address), /proc/kcore (its PT_LOAD
 *    segments, and reads at any kernel address they cover: the values of
 *    page_offset_base, vmalloc_base, vmemmap_base, physmem_end),
 *    /proc/iomem (System RAM, Kernel code), /proc/vmallocinfo,
 *    /proc/modules;
 *  - kptr_restrict (set to 1 for the checks that need real addresses,
 *    restored after) and the lockdown LSM.
 *
 * Each program is one file, so everything here is static (the functions
 * inline: a program need not use them all), as in vmi-test.h.
 */
#ifndef VMI_KERNEL_ORACLE_H
#define VMI_KERNEL_ORACLE_H

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
/* __START_KERNEL: PHYSICAL_START is 16M */
#define START_KERNEL		0xffffffff81000000ULL
#define KERNEL_IMAGE_SIZE_KASLR	(1 * GB)		/* CONFIG_RANDOMIZE_BASE */
#define MODULES_VADDR_		(START_KERNEL_MAP + KERNEL_IMAGE_SIZE_KASLR)
#define MODULES_END_		0xffffffffff000000ULL
#define VSYSCALL_ADDR_		0xffffffffff600000ULL
/* round_up(VSYSCALL_ADDR + 4K, 2M) - 4K */
#define FIXADDR_TOP_		0xffffffffff7ff000ULL
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

#define CHECK(cond, ...) do { if (cond) pass(__VA_ARGS__); else fail(__VA_ARGS__); } while (0)

/*
 * An aggregated check: one PASS line for many items, or one FAIL line per
 * bad item (the first 10, then a count).
 */
struct agg {
	char name[192];
	unsigned int n, bad;
};

static inline void agg_init(struct agg *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->name, sizeof(a->name), fmt, ap);
	va_end(ap);
	a->n = a->bad = 0;
}

static inline void agg_ok(struct agg *a)
{
	a->n++;
}

static inline void agg_bad(struct agg *a, const char *fmt, ...)
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
static inline void agg_end(struct agg *a, bool need)
{
	if (a->bad > 10)
		fail("%s: %u more failures not shown (%u checked)", a->name, a->bad - 10, a->n);
	else if (!a->bad && !a->n && need)
		fail("%s: nothing to check (oracle empty)", a->name);
	else if (!a->bad)
		pass("%s (%u checked)", a->name, a->n);
}

static inline const char *rname(uint32_t id)
{
	if (id < VMAINSPECT_KR_MAX && vmainspect_kregion_names[id].name)
		return vmainspect_kregion_names[id].name;
	return "?";
}

/* ---- sysctls, the CPU, the command line, the boot parameters ---- */

#define KPTR "/proc/sys/kernel/kptr_restrict"

/* "la57" among the cpu flags: the kernel clears it unless it uses 5 levels */
static inline bool cpu_la57(void)
{
	char *s = slurp_file("/proc/cpuinfo", NULL), *p;
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

static inline bool cmdline_has(const char *word)
{
	char *s = slurp_file("/proc/cmdline", NULL), *tok, *save = NULL;
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
static inline int boot_kaslr_flag(void)
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

static inline int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static inline void load_kallsyms(void)
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
static inline uint64_t ksym(const char *name)
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

static inline int kcore_open(void)
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

static inline int kcore_read(uint64_t va, void *buf, size_t n)
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

static inline int kcore_u64(uint64_t va, uint64_t *v)
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

static inline void load_iomem(void)
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

static inline bool phys_is_ram(uint64_t phys)
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
static inline bool vmi_still_there(uint64_t start)
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

static inline void load_vmallocinfo(void)
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

static inline void load_modules(void)
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
/* ---- what this run found: paging, KASLR, the bases kcore holds ---- */

static bool l5;			/* 5-level paging (la57 cpu flag) */
static bool nokaslr;		/* on the command line */
static int kaslr_on = -1;	/* boot_params KASLR_FLAG, -1 unknown */
static bool kaslr_expected;	/* memory randomization should have happened */
static uint64_t k_page_offset, k_vmalloc, k_vmemmap, k_physmem_end;	/* kcore */
static bool have_physmem_end;

/* the end of the highest System RAM range, page aligned */
static inline uint64_t ram_end_iomem(void)
{
	uint64_t e = 0;
	int i;

	for (i = 0; i < nram; i++)
		if (ram[i].end > e)
			e = ram[i].end;
	return (e + PAGE - 1) & ~(PAGE - 1);
}

/* Paging mode and KASLR, first thing in main(): every mode needs them. */
static inline void oracle_paging(void)
{
	l5 = cpu_la57();
	nokaslr = cmdline_has("nokaslr");
	kaslr_on = boot_kaslr_flag();
	/* the decompressor's flag when readable, else the command line */
	kaslr_expected = kaslr_on >= 0 ? kaslr_on == 1 : !nokaslr;
	info("paging: %d-level (la57 cpu flag %s); nokaslr %s; KASLR expected %s", l5 ? 5 : 4,
	     l5 ? "yes" : "no", nokaslr ? "yes" : "no", kaslr_expected ? "yes" : "no");
}

/*
 * Read every oracle file, as root with kptr_restrict 1 (else kallsyms
 * shows zeros), and the bases at their kallsyms addresses through kcore;
 * that the oracles are usable is checked, since every later check leans
 * on them.
 */
static inline void oracle_load(void)
{
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
}

/*
 * kptr_restrict to @v, the old value in *@old (-1 if unknown); a FAIL
 * line and -1 if it cannot be set.
 */
static inline int kptr_set(int v, int *old, const char *why)
{
	if ((old && read_int_file(KPTR, old)) || write_int_file(KPTR, v)) {
		fail("kptr_restrict: cannot set it to %d%s: %s", v, why, strerror(errno));
		return -1;
	}
	return 0;
}

/* Put kptr_restrict back to @old, if known. */
static inline void kptr_restore(int old)
{
	if (old >= 0 && write_int_file(KPTR, old))
		fail("kptr_restrict: cannot restore %d", old);
}

/*
 * Lockdown to confidentiality (irreversible: the last thing in a VM).
 * 1 if it is now, 0 if the lockdown LSM is not active (a PASS line that
 * says so: nothing to check), -1 (FAIL) if it cannot be set.  Already in
 * confidentiality mode (the other checker of the pair ran first) is fine:
 * a second write would be refused.
 */
static inline int lockdown_confidentiality(void)
{
	const char *p = "/sys/kernel/security/lockdown";
	bool already;
	char *s;

	if (access(p, F_OK))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	s = slurp_file(p, NULL);
	if (!s) {
		info("no %s (lockdown LSM not active): lockdown not checked", p);
		pass("lockdown: skipped, the lockdown LSM is not active");
		return 0;
	}
	already = strstr(s, "[confidentiality]") != NULL;
	info("lockdown before: %s", strtok(s, "\n"));
	free(s);
	if (!already && write_file(p, "confidentiality\n")) {
		fail("lockdown: cannot set confidentiality: %s", strerror(errno));
		return -1;
	}
	s = slurp_file(p, NULL);
	info("lockdown now: %s", s ? strtok(s, "\n") : "?");
	free(s);
	return 1;
}

/* ---- KLAYOUT: the regions, which both programs check against ---- */

static struct vmainspect_klayout L;
static struct vmainspect_kregion R[VMAINSPECT_KREGIONS_MAX];
static unsigned int nr;

static inline int do_klayout(int fd, struct vmainspect_klayout *l, void *buf, uint32_t rsize,
			     uint32_t max)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->regions = (uintptr_t)buf;
	l->region_size = rsize;
	l->max_regions = max;
	return ioctl(fd, VMAINSPECT_IOC_KLAYOUT, l) ? errno : 0;
}

/* KLAYOUT into L, R and nr; false (and FAIL) if it fails */
static inline bool klayout_read(int fd, const char *who)
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
	return true;
}

static inline void print_layout(void)
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

static inline const struct vmainspect_kregion *region(uint32_t id)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (R[i].id == id)
			return &R[i];
	return NULL;
}

static inline bool in_region(uint32_t id, uint64_t s, uint64_t e)
{
	const struct vmainspect_kregion *r = region(id);

	return r && s >= r->start && e <= r->end && s < e;
}

/*
 * The --lockdown mode of both checkers: lockdown=confidentiality, then
 * @hidden(fd, who) on a device file opened under it.
 */
static inline void oracle_mode_lockdown(void (*hidden)(int fd, const char *who))
{
	int fd;

	if (lockdown_confidentiality() <= 0)
		return;
	fd = vmi_open_or_fail();
	if (fd >= 0) {
		hidden(fd, "lockdown=confidentiality, root: ");
		close(fd);
	}
}

/*
 * The start of both checkers' root mode: kptr_restrict 1 (its old value
 * in *@old, for kptr_restore()), then the device opened in *@dev (after
 * the setting, should the module decide at open) and the oracles read.
 * false (a FAIL line said why) if the checks cannot run.
 */
static inline bool oracle_root_open(int *dev, int *old)
{
	if (kptr_set(1, old, " (raw %pK and kallsyms for root)"))
		return false;
	*dev = vmi_open_or_fail();
	if (*dev < 0)
		return false;
	oracle_load();
	return true;
}

#endif /* VMI_KERNEL_ORACLE_H */
