// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-kaddr: VMAINSPECT_IOC_KADDR (what the module says about one
 * kernel address, x86_64: its region, mapping, frame, symbol, module)
 * against the kernel's own oracles, inside the test VM.  The regions are
 * KLAYOUT's, checked by vmi-check-klayout; this program takes the same
 * modes, so that each pair covers one situation.
 *
 *   vmi-check-kaddr            as root: everything below
 *   vmi-check-kaddr --unpriv   as an unprivileged user (uid 1000): KADDR
 *                              EPERM, of a kernel and of a user address
 *   vmi-check-kaddr --kptr2    as root: kptr_restrict 2 refuses KADDR to
 *                              root too, 1 and 0 do not (restored)
 *   vmi-check-kaddr --lockdown as root, LAST thing in a VM (after
 *                              vmi-check-klayout --lockdown, or alone):
 *                              sets lockdown to confidentiality unless it
 *                              is already (irreversible), then KADDR EPERM
 *   vmi-check-kaddr --mutate   as root: the checks above on answers this
 *                              program corrupts first (self-test: must
 *                              fail, with many FAIL lines)
 *
 * Oracles (never our own output; read by vmi-kernel-oracle.h):
 *  - the bytes at the address and at the direct-map address of the frame
 *    KADDR names, both read through /proc/kcore, are the same (for text,
 *    module text and vmalloc pages);
 *  - /proc/kallsyms: the symbol %pS would print (nearest symbol at or
 *    below, its offset, the module), _text, page_offset_base;
 *  - /proc/iomem (System RAM: the RAM flag; Kernel code: _text's frame),
 *    /proc/vmallocinfo (vmalloc'd pages, ioremap's phys=),
 *    /proc/modules (module bases and names);
 *  - page_offset_base and vmemmap_base read through /proc/kcore (the
 *    direct map and struct page of a System RAM frame); the fixed
 *    addresses of Documentation/arch/x86/x86_64/mm.rst and fixmap.h.
 *
 * Output: KTAP (vmi-report.h), one result per check (each mismatch with
 * its address); exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include "vmi-kernel-oracle.h"

static int dev = -1;
static bool mutate;	/* --mutate: corrupt the module's answers */

/* KADDR of @addr into *@a: 0 or errno; --mutate corrupts the answer here */
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
		uint64_t pts[3] = { R[i].start, R[i].start + R[i].size / 2,
				    R[i].start + R[i].size - 1 };
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
					(unsigned long long)pts[j], rname(R[i].id),
					rname(R[i + 1].id),
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
		else if (k.region_id != VMAINSPECT_KR_VMALLOC ||
			 !(k.out_flags & VMAINSPECT_KA_PFN) ||
			 !(k.out_flags & VMAINSPECT_KA_MAPPED) || k.pfn != v->phys >> 12)
			agg_bad(&a, "0x%llx (%s, phys 0x%llx): %s flags %s pfn 0x%llx",
				(unsigned long long)v->start, v->caller,
				(unsigned long long)v->phys,
				rname(k.region_id), kaflags(k.out_flags),
				(unsigned long long)k.pfn);
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
		else if (k.region_id != VMAINSPECT_KR_MODULES ||
			 !(k.out_flags & VMAINSPECT_KA_MODULE) ||
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

			if (!y->mod || strcmp(y->mod, mods[i].name) ||
			    (y->type != 't' && y->type != 'T') ||
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
			    !(k.out_flags & VMAINSPECT_KA_MODULE) ||
			    !symbol_is(k.symbol, y->addr, y->mod))
				agg_bad(&s, "%s [%s] 0x%llx: %s module '%s' flags %s symbol '%s'", y->name,
					y->mod, (unsigned long long)y->addr, rname(k.region_id),
					k.module,
					kaflags(k.out_flags), k.symbol);
			else
				agg_ok(&s);
			if (!(k.out_flags & VMAINSPECT_KA_MAPPED) ||
			    !(k.out_flags & VMAINSPECT_KA_PFN) ||
			    !(k.out_flags & VMAINSPECT_KA_EXEC)) {
				agg_bad(&c, "%s [%s] 0x%llx: flags %s (text must be MAPPED, PFN, EXEC)",
					y->name, y->mod, (unsigned long long)y->addr,
					kaflags(k.out_flags));
			} else {
				r = same_bytes(y->addr, k.phys);
				if (r == 0)
					agg_ok(&c);
				else if (r < 0)
					agg_bad(&c, "%s [%s] 0x%llx: phys 0x%llx: %s", y->name, y->mod,
						(unsigned long long)y->addr,
						(unsigned long long)k.phys,
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
		      (unsigned long long)addr, (unsigned long long)k.pfn,
		      (unsigned long long)k.phys,
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
				      (unsigned long long)addr, (unsigned long long)hp,
				      kaflags(k.out_flags));
		} else {
			info("no hole between System RAM ranges below 4 GiB");
		}
	}

	/* beyond RAM, inside the reserved direct map: not RAM, not mapped */
	if (dm->size > L.ram_end + 2 * GB) {
		addr = k_page_offset + ((ram_end_iomem() + GB) & ~(GB - 1)) + GB;
		if (kaddr_in("direct map beyond RAM", addr, VMAINSPECT_KR_DIRECT_MAP, &k))
			CHECK(!(k.out_flags & (VMAINSPECT_KA_RAM | VMAINSPECT_KA_MAPPED)) &&
			      (!(k.out_flags & VMAINSPECT_KA_PFN) ||
			       k.pfn == (addr - k_page_offset) >> 12),
			      "KADDR direct map beyond RAM 0x%llx: flags %s pfn 0x%llx (not RAM, not mapped)",
			      (unsigned long long)addr, kaflags(k.out_flags),
			      (unsigned long long)k.pfn);
	}

	addr = k_vmemmap + pfn * STRUCT_PAGE_SIZE + 8;
	if (kaddr_in("vmemmap (vmemmap_base + pfn * 64 + 8)", addr, VMAINSPECT_KR_VMEMMAP, &k))
		CHECK((k.out_flags & VMAINSPECT_KA_STRUCT_PAGE) && k.pfn == pfn && k.offset == 8,
		      "KADDR vmemmap 0x%llx: struct page of pfn 0x%llx offset %llu flags %s, expected pfn 0x%llx offset 8",
		      (unsigned long long)addr, (unsigned long long)k.pfn,
		      (unsigned long long)k.offset,
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

/* KADDR refused, of a kernel address and of a user one */
static void check_kaddr_hidden(int fd, const char *who)
{
	struct vmainspect_kaddr k;
	int local = 0, e;

	e = do_kaddr(fd, START_KERNEL_MAP + 16 * MB, &k);
	CHECK(e == EPERM, "%sKADDR of a kernel address -> EPERM (got %s)", who,
	      e ? strerror(e) : "an answer");
	e = do_kaddr(fd, (uintptr_t)&local, &k);
	CHECK(e == EPERM, "%sKADDR of a user address -> EPERM (got %s)", who,
	      e ? strerror(e) : "an answer");
}

/* KADDR of a kernel address answers, on a new fd */
static void check_kaddr_answers(const char *who)
{
	struct vmainspect_kaddr k;
	int fd = vmi_open_or_fail(), e;

	if (fd < 0)
		return;
	e = do_kaddr(fd, START_KERNEL_MAP + 16 * MB, &k);
	CHECK(e == 0, "%sKADDR answers (%s)", who, e ? strerror(e) : "ok");
	close(fd);
}

/* kptr_restrict 1 (answers to root), 2 (refused to root too), 0 (answers) */
static void mode_kptr2(void)
{
	int old = -1, fd;

	if (kptr_set(1, &old, ""))
		return;
	check_kaddr_answers("kptr_restrict=1, root: ");
	if (kptr_set(2, NULL, ""))
		goto out;
	fd = vmi_open_or_fail();
	if (fd >= 0) {
		check_kaddr_hidden(fd, "kptr_restrict=2, root: ");
		close(fd);
	}
	if (kptr_set(0, NULL, ""))
		goto out;
	check_kaddr_answers("kptr_restrict=0, root: ");
out:
	kptr_restore(old);
}

/* every KADDR check that needs the addresses, against every oracle */
static void mode_root(void)
{
	int old = -1;

	if (!oracle_root_open(&dev, &old))
		goto out;
	/* the regions to probe: KLAYOUT's, as it answers (not mutated) */
	if (klayout_read(dev, "")) {
		print_layout();
		CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN), "root, kptr_restrict=1: addresses shown (out_flags 0x%x)",
		      L.out_flags);
		check_kaddr_args();
		check_kaddr_regions();
		check_kaddr_vmalloc();
		check_kaddr_modules();
		check_kaddr_direct_vmemmap();
		check_kaddr_text();
		check_kaddr_user_misc();
	}
out:
	kptr_restore(old);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	oracle_paging();
	if (!strcmp(mode, "--unpriv")) {
		dev = vmi_open_or_fail();
		if (dev >= 0)
			check_kaddr_hidden(dev, "unprivileged: ");
	} else if (!strcmp(mode, "--kptr2")) {
		mode_kptr2();
	} else if (!strcmp(mode, "--lockdown")) {
		oracle_mode_lockdown(check_kaddr_hidden);
	} else if (!strcmp(mode, "--mutate")) {
		mutate = true;
		mode_root();
	} else if (!*mode) {
		mode_root();
	} else {
		/* --cli-json, --text, --drawing: region views, vmi-check-klayout's */
		fprintf(stderr, "usage: %s [--unpriv | --kptr2 | --lockdown | --mutate]\n", argv[0]);
		return 2;
	}
	return summary();
}
