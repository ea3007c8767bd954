// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-klayout: VMAINSPECT_IOC_KLAYOUT (the kernel-space regions,
 * x86_64) and the views printed from it (debugfs kernel_layout, `vmainspect
 * kernel`, `layout --full`) against the kernel's own oracles, inside the
 * test VM.  The lookups of one address (KADDR) are vmi-check-kaddr's, with
 * the same modes.
 *
 *   vmi-check-klayout            as root: everything below
 *   vmi-check-klayout --unpriv   as an unprivileged user (uid 1000):
 *                                KLAYOUT hides every address
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
 *   vmi-check-klayout --text FILE | --drawing FILE
 *                                FILE holds a table (debugfs kernel_layout,
 *                                `vmainspect kernel`) or `vmainspect layout
 *                                --full`: every region in it, no address
 *                                when KLAYOUT hides them
 *
 * Oracles (never our own output; read by vmi-kernel-oracle.h):
 *  - paging mode: "la57" in the flags of /proc/cpuinfo -> 5 levels, 57
 *    bits, else 4/48; region sizes and fixed starts from
 *    Documentation/arch/x86/x86_64/mm.rst and arch/x86/include/asm/
 *    (pgtable_64_types.h, page_64_types.h, fixmap.h);
 *  - the values of page_offset_base, vmalloc_base, vmemmap_base (and
 *    physmem_end where the kernel has it) read through /proc/kcore at
 *    their /proc/kallsyms addresses (kptr_restrict is set to 1 first,
 *    restored at the end); the PT_LOAD segments of /proc/kcore (RAM
 *    segments: virtual - physical = page_offset_base; the vmalloc and
 *    modules segments);
 *  - /proc/iomem (System RAM), /proc/vmallocinfo, /proc/modules,
 *    /proc/kallsyms (_text, _etext, _end, module symbols);
 *  - KASLR: the decompressor's KASLR_FLAG in /sys/kernel/boot_params/data
 *    (loadflags) and "nokaslr" on /proc/cmdline.
 *
 * Output: KTAP (vmi-report.h), one result per check (each mismatch with
 * its address); exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <json-c/json.h>

#include "vmi-kernel-oracle.h"

static int dev = -1;
static bool mutate;	/* --mutate: corrupt the module's answers */

/* ---- what the kernel's documentation and headers say ---- */

struct expect {
	uint32_t id;
	uint64_t start;		/* when start_known */
	uint64_t size;		/* when size_known */
	bool start_known, size_known, required;
};

static struct expect ex[VMAINSPECT_KR_MAX];

static void ex_set(uint32_t id, uint64_t start, uint64_t size, bool sk, bool zk)
{
	ex[id] = (struct expect){ id, start, size, sk, zk, true };
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

/* KLAYOUT into L, R, nr; --mutate corrupts the answer here */
static bool get_layout(int fd, const char *who)
{
	if (!klayout_read(fd, who))
		return false;
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
			info("region_size 128: record %u differs or tail not zero", i);
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
		CHECK(!(k_page_offset & (GB - 1)) && !(k_vmalloc & (GB - 1)) &&
		      !(k_vmemmap & (GB - 1)),
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
					(unsigned long long)p->p_vaddr,
					(unsigned long long)p->p_paddr);
			else if (!dm || p->p_vaddr + p->p_memsz > dm->start + dm->size)
				agg_bad(&a, "RAM segment 0x%llx+0x%llx beyond the direct map",
					(unsigned long long)p->p_vaddr,
					(unsigned long long)p->p_memsz);
			else
				agg_ok(&a);
		} else if (p->p_vaddr == k_vmalloc) {
			if (!vm || p->p_memsz + 1 != vm->size)
				agg_bad(&a, "vmalloc segment 0x%llx+0x%llx: region size 0x%llx",
					(unsigned long long)p->p_vaddr,
					(unsigned long long)p->p_memsz,
					vm ? (unsigned long long)vm->size : 0ULL);
			else
				agg_ok(&a);
		} else if (mo && p->p_vaddr == mo->start) {
			if (p->p_memsz != mo->size)
				agg_bad(&a, "modules segment 0x%llx+0x%llx: region size 0x%llx",
					(unsigned long long)p->p_vaddr,
					(unsigned long long)p->p_memsz,
					(unsigned long long)mo->size);
			else
				agg_ok(&a);
		} else if (vmm && p->p_vaddr >= vmm->start && p->p_vaddr < vmm->end) {
			/* struct pages of RAM */
			if (p->p_vaddr + p->p_memsz > vmm->end)
				agg_bad(&a, "vmemmap segment 0x%llx+0x%llx beyond the vmemmap",
					(unsigned long long)p->p_vaddr,
					(unsigned long long)p->p_memsz);
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

/* ---- hidden ---- */

struct snap {
	unsigned int nr;
	struct vmainspect_kregion r[VMAINSPECT_KREGIONS_MAX];
	struct vmainspect_klayout l;
};

/* KLAYOUT answers, without a single address; the same regions as @vis */
static void check_hidden(int fd, const char *who, const struct snap *vis)
{
	unsigned int i;
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

	if (kptr_set(1, &old, ""))
		return;
	fd = vmi_open_or_fail();
	if (fd < 0)
		goto out;
	if (get_layout(fd, "kptr_restrict=1: ")) {
		CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN) && L.page_offset,
		      "kptr_restrict=1, root: addresses shown (out_flags 0x%x)", L.out_flags);
		take_snap(&vis);
	}
	close(fd);
	if (kptr_set(2, NULL, ""))
		goto out;
	fd = vmi_open_or_fail();
	if (fd >= 0) {
		check_hidden(fd, "kptr_restrict=2, root: ", &vis);
		close(fd);
	}
	/* an fd opened before: the rule is applied per call or at open */
	if (kptr_set(0, NULL, ""))
		goto out;
	fd = vmi_open_or_fail();
	if (fd >= 0) {
		if (get_layout(fd, "kptr_restrict=0: "))
			CHECK(!(L.out_flags & VMAINSPECT_KL_HIDDEN) &&
			      L.page_offset == vis.l.page_offset,
			      "kptr_restrict=0, root (CAP_SYSLOG): addresses shown (out_flags 0x%x, page_offset 0x%llx)",
			      L.out_flags, (unsigned long long)L.page_offset);
		close(fd);
	}
out:
	kptr_restore(old);
}

/* check_hidden() where nothing was seen before (lockdown) */
static void check_hidden_fresh(int fd, const char *who)
{
	check_hidden(fd, who, NULL);
}

/* every KLAYOUT check that needs the addresses, against every oracle */
static void mode_root(void)
{
	int old = -1;

	if (!oracle_root_open(&dev, &old))
		goto out;
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
	}
out:
	kptr_restore(old);
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

	text = slurp_file(file, NULL);
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
	dev = vmi_open_or_fail();
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

	text = slurp_file(file, NULL);
	/* strtok_r() below cuts text into lines; the drawing check wants it whole */
	whole = text ? strdup(text) : NULL;
	if (!whole) {
		fail("%s: cannot read %s", drawing ? "drawing" : "text", file);
		free(text);
		return;
	}
	dev = vmi_open_or_fail();
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
		if (drawing && (R[i].id == VMAINSPECT_KR_USER ||
				R[i].id == VMAINSPECT_KR_USER_GUARD ||
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
	oracle_paging();
	if (!strcmp(mode, "--unpriv")) {
		fill_expect(false);
		dev = vmi_open_or_fail();
		if (dev >= 0)
			check_hidden(dev, "unprivileged: ", NULL);
	} else if (!strcmp(mode, "--kptr2")) {
		fill_expect(false);
		mode_kptr2();
	} else if (!strcmp(mode, "--lockdown")) {
		fill_expect(false);
		oracle_mode_lockdown(check_hidden_fresh);
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
