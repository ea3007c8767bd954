// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kernel-space region tables.
 *
 * The x86_64 builder is fed the values the x86_64 macros have and must
 * give back the tables of Documentation/arch/x86/x86_64/mm.rst (4- and
 * 5-level, copied here from that file: the oracle), and KASLR-shaped
 * values must give sorted, non-overlapping regions of kaslr.c's sizes.
 * The i386 builder is checked for a 3G/1G split with and without HIGHMEM.
 * The live table of this (UML) kernel must hold kmalloc, vmalloc and text
 * addresses where the kernel's own __pa() and linker symbols say.
 */
#include <kunit/test.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <uapi/vmainspect_kregion_names.h>
#include "vmainspect.h"

struct vmi_kl_row {
	u32 id;
	u64 start;
	u64 last;	/* inclusive, as mm.rst writes it */
};

/* mm.rst, "4-level page tables", with KERNEL_IMAGE_SIZE = 1 GB (KASLR) */
static const struct vmi_kl_row vmi_mmrst_l4[] = {
	{ VMAINSPECT_KR_USER,		0x0000000000000000, 0x00007fffffffefff },
	{ VMAINSPECT_KR_USER_GUARD,	0x00007ffffffff000, 0x00007fffffffffff },
	{ VMAINSPECT_KR_NONCANONICAL,	0x0000800000000000, 0xffff7fffffffffff },
	{ VMAINSPECT_KR_HYPERVISOR,	0xffff800000000000, 0xffff87ffffffffff },
	{ VMAINSPECT_KR_LDT,		0xffff880000000000, 0xffff887fffffffff },
	{ VMAINSPECT_KR_DIRECT_MAP,	0xffff888000000000, 0xffffc87fffffffff },
	{ VMAINSPECT_KR_VMALLOC,	0xffffc90000000000, 0xffffe8ffffffffff },
	{ VMAINSPECT_KR_VMEMMAP,	0xffffea0000000000, 0xffffeaffffffffff },
	{ VMAINSPECT_KR_CPU_ENTRY,	0xfffffe0000000000, 0xfffffe7fffffffff },
	{ VMAINSPECT_KR_ESPFIX,		0xffffff0000000000, 0xffffff7fffffffff },
	{ VMAINSPECT_KR_EFI,		0xffffffef00000000, 0xfffffffeffffffff },
	{ VMAINSPECT_KR_KERNEL_TEXT,	0xffffffff80000000, 0xffffffffbfffffff },
	{ VMAINSPECT_KR_MODULES,	0xffffffffc0000000, 0xfffffffffeffffff },
	{ VMAINSPECT_KR_FIXMAP,		0xffffffffff579000, 0xffffffffff5fffff },
	{ VMAINSPECT_KR_VSYSCALL,	0xffffffffff600000, 0xffffffffff600fff },
};

/* mm.rst, "5-level page tables" */
static const struct vmi_kl_row vmi_mmrst_l5[] = {
	{ VMAINSPECT_KR_USER,		0x0000000000000000, 0x00ffffffffffefff },
	{ VMAINSPECT_KR_USER_GUARD,	0x00fffffffffff000, 0x00ffffffffffffff },
	{ VMAINSPECT_KR_NONCANONICAL,	0x0100000000000000, 0xfeffffffffffffff },
	{ VMAINSPECT_KR_HYPERVISOR,	0xff00000000000000, 0xff0fffffffffffff },
	{ VMAINSPECT_KR_LDT,		0xff10000000000000, 0xff10ffffffffffff },
	{ VMAINSPECT_KR_DIRECT_MAP,	0xff11000000000000, 0xff90ffffffffffff },
	{ VMAINSPECT_KR_VMALLOC,	0xffa0000000000000, 0xffd1ffffffffffff },
	{ VMAINSPECT_KR_VMEMMAP,	0xffd4000000000000, 0xffd5ffffffffffff },
	{ VMAINSPECT_KR_CPU_ENTRY,	0xfffffe0000000000, 0xfffffe7fffffffff },
	{ VMAINSPECT_KR_ESPFIX,		0xffffff0000000000, 0xffffff7fffffffff },
	{ VMAINSPECT_KR_EFI,		0xffffffef00000000, 0xfffffffeffffffff },
	{ VMAINSPECT_KR_KERNEL_TEXT,	0xffffffff80000000, 0xffffffffbfffffff },
	{ VMAINSPECT_KR_MODULES,	0xffffffffc0000000, 0xfffffffffeffffff },
	{ VMAINSPECT_KR_FIXMAP,		0xffffffffff579000, 0xffffffffff5fffff },
	{ VMAINSPECT_KR_VSYSCALL,	0xffffffffff600000, 0xffffffffff600fff },
};

/* What the x86_64 macros give, as klayout_live.c reads them. */
static void vmi_kl_params_x86_64(struct vmi_kl_x86_64 *p, unsigned int levels)
{
	bool l5 = levels == 5;

	memset(p, 0, sizeof(*p));
	p->levels = levels;
	p->struct_page_size = 64;
	p->task_size_max = (1ULL << (l5 ? 56 : 47)) - 4096;
	p->ldt_start = -240ULL << (l5 ? 48 : 39);
	p->ldt_end = p->ldt_start + (1ULL << (l5 ? 48 : 39));
	p->default_page_offset = l5 ? 0xff11000000000000 : 0xffff888000000000;
	p->default_vmalloc = l5 ? 0xffa0000000000000 : 0xffffc90000000000;
	p->default_vmemmap = l5 ? 0xffd4000000000000 : 0xffffea0000000000;
	p->page_offset = p->default_page_offset;
	p->vmalloc_start = p->default_vmalloc;
	p->vmemmap_start = p->default_vmemmap;
	p->direct_map_max = 1ULL << (l5 ? 52 : 46);
	p->vmalloc_end = p->vmalloc_start + ((l5 ? 12800ULL : 32ULL) << 40);
	p->cpu_entry_start = -4ULL << 39;
	p->cpu_entry_size = 1ULL << 39;
	p->espfix_start = -2ULL << 39;
	p->espfix_size = 1ULL << 39;
	p->efi_start = -68ULL << 30;
	p->efi_end = -4ULL << 30;
	p->text_map_start = 0xffffffff80000000;
	p->text_map_size = 1ULL << 30;
	p->modules_start = p->text_map_start + p->text_map_size;
	p->modules_end = 0xffffffffff000000;
	p->fixmap_start = 0xffffffffff579000;
	p->fixmap_end = 0xffffffffff600000;
	p->vsyscall = 0xffffffffff600000;
	p->ram_end = 1ULL << 30;
	p->default_image = 0xffffffff81000000;
	p->image_start = p->default_image;
	p->image_end = p->image_start + (46ULL << 20);
	p->padding_tb = 10;
}

/* Sorted, non-overlapping, sizes consistent, ids and names known. */
static void vmi_kl_expect_sane(struct kunit *test, const struct vmi_klayout *kl)
{
	u32 i;

	KUNIT_EXPECT_GT(test, kl->nr, 0U);
	KUNIT_EXPECT_EQ(test, kl->hdr.total_regions, kl->nr);
	for (i = 0; i < kl->nr; i++) {
		const struct vmainspect_kregion *r = &kl->regions[i];

		KUNIT_EXPECT_GT(test, r->id, (u32)VMAINSPECT_KR_NONE);
		KUNIT_EXPECT_LT(test, r->id, (u32)VMAINSPECT_KR_MAX);
		if (r->id < VMAINSPECT_KR_MAX)
			KUNIT_EXPECT_NOT_NULL(test, vmainspect_kregion_names[r->id].name);
		KUNIT_EXPECT_LT(test, r->start, r->end);
		KUNIT_EXPECT_EQ(test, r->size, r->end - r->start);
		if (r->flags & VMAINSPECT_KRF_USED)
			KUNIT_EXPECT_LE(test, r->used, r->size);
		if (i)
			KUNIT_EXPECT_LE_MSG(test, kl->regions[i - 1].end, r->start,
					    "region %u overlaps region %u", i - 1, i);
	}
}

static const struct vmainspect_kregion *
vmi_kl_region(const struct vmi_klayout *kl, u32 id)
{
	u32 i;

	for (i = 0; i < kl->nr; i++)
		if (kl->regions[i].id == id)
			return &kl->regions[i];
	return NULL;
}

static void vmi_kl_expect_rows(struct kunit *test, const struct vmi_klayout *kl,
			       const struct vmi_kl_row *rows, size_t n)
{
	size_t i;

	KUNIT_ASSERT_EQ(test, (size_t)kl->nr, n);
	for (i = 0; i < n; i++) {
		const struct vmainspect_kregion *r = &kl->regions[i];

		KUNIT_EXPECT_EQ_MSG(test, r->id, rows[i].id, "row %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, r->start, rows[i].start, "row %zu (%s)",
				    i, vmainspect_kregion_names[rows[i].id].name);
		KUNIT_EXPECT_EQ_MSG(test, r->end - 1, rows[i].last, "row %zu (%s)",
				    i, vmainspect_kregion_names[rows[i].id].name);
	}
}

static void vmi_kl_x86_64_mmrst(struct kunit *test, unsigned int levels,
				const struct vmi_kl_row *rows, size_t n)
{
	struct vmi_kl_x86_64 p;
	struct vmi_klayout *kl;

	kl = kunit_kzalloc(test, sizeof(*kl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kl);
	vmi_kl_params_x86_64(&p, levels);
	vmi_klayout_build_x86_64(&p, kl);
	vmi_kl_expect_sane(test, kl);
	vmi_kl_expect_rows(test, kl, rows, n);
	KUNIT_EXPECT_EQ(test, kl->hdr.arch, (u32)VMAINSPECT_ARCH_X86_64);
	KUNIT_EXPECT_EQ(test, kl->hdr.va_bits, levels == 5 ? 57U : 48U);
	KUNIT_EXPECT_EQ(test, kl->hdr.out_flags & (VMAINSPECT_KL_KASLR_MEMORY |
						   VMAINSPECT_KL_KASLR_TEXT), 0U);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_IMAGE_KNOWN);
	/* RAM used of the direct map, struct pages of the vmemmap */
	KUNIT_EXPECT_EQ(test, vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP)->used,
			1ULL << 30);
	KUNIT_EXPECT_EQ(test, vmi_kl_region(kl, VMAINSPECT_KR_VMEMMAP)->used,
			((1ULL << 30) >> PAGE_SHIFT) * 64);
	KUNIT_EXPECT_EQ(test, vmi_kl_region(kl, VMAINSPECT_KR_KERNEL_TEXT)->used,
			46ULL << 20);
}

static void vmi_kl_x86_64_l4(struct kunit *test)
{
	vmi_kl_x86_64_mmrst(test, 4, vmi_mmrst_l4, ARRAY_SIZE(vmi_mmrst_l4));
}

static void vmi_kl_x86_64_l5(struct kunit *test)
{
	vmi_kl_x86_64_mmrst(test, 5, vmi_mmrst_l5, ARRAY_SIZE(vmi_mmrst_l5));
}

/* KASLR-moved bases (PUD aligned, as kaslr.c picks them). */
static void vmi_kl_x86_64_kaslr(struct kunit *test)
{
	const struct vmainspect_kregion *direct, *vmemmap, *text;
	struct vmi_kl_x86_64 p;
	struct vmi_klayout *kl;

	kl = kunit_kzalloc(test, sizeof(*kl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kl);
	vmi_kl_params_x86_64(&p, 4);
	p.page_offset = 0xffff8a4c40000000;
	p.vmalloc_start = 0xffffcc1a80000000;
	p.vmalloc_end = p.vmalloc_start + (32ULL << 40);
	p.vmemmap_start = 0xfffff0b2c0000000;
	p.image_start = 0xffffffff8a200000;
	p.image_end = p.image_start + (46ULL << 20);
	vmi_klayout_build_x86_64(&p, kl);
	vmi_kl_expect_sane(test, kl);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_KASLR_MEMORY);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_KASLR_TEXT);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	vmemmap = vmi_kl_region(kl, VMAINSPECT_KR_VMEMMAP);
	text = vmi_kl_region(kl, VMAINSPECT_KR_KERNEL_TEXT);
	KUNIT_ASSERT_NOT_NULL(test, direct);
	KUNIT_ASSERT_NOT_NULL(test, vmemmap);
	KUNIT_ASSERT_NOT_NULL(test, text);
	/* ZONE_DEVICE kernels keep 1 << MAX_PHYSMEM_BITS, kaslr.c sizes the memmap */
	KUNIT_EXPECT_EQ(test, direct->start, p.page_offset);
	KUNIT_EXPECT_EQ(test, direct->size, 64ULL << 40);
	KUNIT_EXPECT_EQ(test, vmemmap->size, 1ULL << 40);
	KUNIT_EXPECT_TRUE(test, direct->flags & VMAINSPECT_KRF_RANDOMIZED);
	KUNIT_EXPECT_TRUE(test, vmemmap->flags & VMAINSPECT_KRF_RANDOMIZED);
	KUNIT_EXPECT_TRUE(test, text->flags & VMAINSPECT_KRF_RANDOMIZED);
	/* fixed regions do not move */
	KUNIT_EXPECT_FALSE(test, vmi_kl_region(kl, VMAINSPECT_KR_LDT)->flags &
				 VMAINSPECT_KRF_RANDOMIZED);

	/* without ZONE_DEVICE: RAM rounded up to TB plus the padding */
	p.trim_direct_map = true;
	p.ram_end = 2ULL << 30;
	vmi_klayout_build_x86_64(&p, kl);
	vmi_kl_expect_sane(test, kl);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	vmemmap = vmi_kl_region(kl, VMAINSPECT_KR_VMEMMAP);
	KUNIT_EXPECT_EQ(test, direct->size, 11ULL << 40);
	KUNIT_EXPECT_EQ(test, vmemmap->size, 1ULL << 40);

	/* a reserved size running into the next region ends there */
	p.trim_direct_map = false;
	p.vmalloc_start = p.page_offset + (40ULL << 40);
	p.vmalloc_end = p.vmalloc_start + (32ULL << 40);
	p.vmemmap_start = p.vmalloc_end + (1ULL << 40);
	vmi_klayout_build_x86_64(&p, kl);
	vmi_kl_expect_sane(test, kl);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	KUNIT_EXPECT_EQ(test, direct->end, p.vmalloc_start);
	/* hidden, the cut would give vmalloc_base - page_offset_base away */
	vmi_klayout_hide(kl);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	KUNIT_EXPECT_EQ(test, direct->size, 64ULL << 40);

	/* the kernel's own physmem_end, where it tells it, wins */
	p.direct_map_size = 4ULL << 40;
	vmi_klayout_build_x86_64(&p, kl);
	vmi_kl_expect_sane(test, kl);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	vmemmap = vmi_kl_region(kl, VMAINSPECT_KR_VMEMMAP);
	KUNIT_EXPECT_EQ(test, direct->size, 4ULL << 40);
	KUNIT_EXPECT_EQ(test, vmemmap->size, 1ULL << 40);
}

/* i386, 3G/1G split: lowmem at most 896 MB, the rest HIGHMEM. */
static void vmi_kl_i386_params(struct vmi_kl_i386 *p, u64 ram)
{
	u64 lowmem = min_t(u64, ram, 896ULL << 20);

	memset(p, 0, sizeof(*p));
	p->levels = 3;
	p->struct_page_size = 32;
	p->page_offset = 0xc0000000;
	p->task_size = 0xc0000000;
	p->high_memory = p->page_offset + lowmem;
	/* VMALLOC_START: high_memory + VMALLOC_OFFSET, 8 MB aligned */
	p->vmalloc_start = (p->high_memory + (8ULL << 20)) & ~((8ULL << 20) - 1);
	p->fixmap_start = 0xffc5f000;
	p->fixmap_end = 0xfffff000;
	p->cpu_entry_start = 0xffa00000;
	p->cpu_entry_size = 0x1e0000;
	p->ldt_start = 0xff800000;
	p->ldt_end = 0xffa00000;
	p->ram_end = ram;
	if (ram > lowmem) {
		p->pkmap_base = 0xff400000;
		p->last_pkmap = 1024;
		p->vmalloc_end = p->pkmap_base - 2 * 4096;
	} else {
		p->vmalloc_end = p->ldt_start - 2 * 4096;
	}
}

static void vmi_kl_i386(struct kunit *test)
{
	const struct vmainspect_kregion *direct, *hole, *pkmap;
	struct vmi_kl_i386 p;
	struct vmi_klayout *kl;

	kl = kunit_kzalloc(test, sizeof(*kl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kl);

	vmi_kl_i386_params(&p, 2ULL << 30);
	vmi_klayout_build_i386(&p, kl);
	vmi_kl_expect_sane(test, kl);
	KUNIT_EXPECT_EQ(test, kl->hdr.arch, (u32)VMAINSPECT_ARCH_I386);
	KUNIT_EXPECT_EQ(test, kl->hdr.va_bits, 32U);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_HIGHMEM);
	KUNIT_EXPECT_EQ(test, kl->hdr.lowmem_end, 896ULL << 20);
	KUNIT_EXPECT_EQ(test, kl->hdr.ram_end - kl->hdr.lowmem_end, 1152ULL << 20);
	direct = vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP);
	hole = vmi_kl_region(kl, VMAINSPECT_KR_VMALLOC_OFFSET);
	pkmap = vmi_kl_region(kl, VMAINSPECT_KR_PKMAP);
	KUNIT_ASSERT_NOT_NULL(test, direct);
	KUNIT_ASSERT_NOT_NULL(test, hole);
	KUNIT_ASSERT_NOT_NULL(test, pkmap);
	KUNIT_EXPECT_EQ(test, direct->start, 0xc0000000ULL);
	KUNIT_EXPECT_EQ(test, direct->size, 896ULL << 20);
	KUNIT_EXPECT_EQ(test, hole->size, 8ULL << 20);
	KUNIT_EXPECT_TRUE(test, hole->flags & VMAINSPECT_KRF_HOLE);
	KUNIT_EXPECT_EQ(test, pkmap->size, 1024ULL * 4096);
	KUNIT_EXPECT_EQ(test, kl->regions[0].id, (u32)VMAINSPECT_KR_USER);
	KUNIT_EXPECT_EQ(test, kl->regions[kl->nr - 1].id, (u32)VMAINSPECT_KR_FIXMAP);

	/* 512 MB: all of it lowmem, no pkmap */
	vmi_kl_i386_params(&p, 512ULL << 20);
	vmi_klayout_build_i386(&p, kl);
	vmi_kl_expect_sane(test, kl);
	KUNIT_EXPECT_FALSE(test, kl->hdr.out_flags & VMAINSPECT_KL_HIGHMEM);
	KUNIT_EXPECT_NULL(test, vmi_kl_region(kl, VMAINSPECT_KR_PKMAP));
	KUNIT_EXPECT_EQ(test, vmi_kl_region(kl, VMAINSPECT_KR_DIRECT_MAP)->size,
			512ULL << 20);
	KUNIT_EXPECT_EQ(test, vmi_kl_region(kl, VMAINSPECT_KR_VMALLOC_OFFSET)->size,
			8ULL << 20);
}

/* Hidden: no address left, names and sizes kept. */
static void vmi_kl_hide(struct kunit *test)
{
	struct vmi_kl_x86_64 p;
	struct vmi_klayout *kl;
	u32 i;

	kl = kunit_kzalloc(test, sizeof(*kl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kl);
	vmi_kl_params_x86_64(&p, 4);
	vmi_klayout_build_x86_64(&p, kl);
	vmi_klayout_hide(kl);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_HIDDEN);
	KUNIT_EXPECT_EQ(test, kl->hdr.page_offset, 0ULL);
	KUNIT_EXPECT_EQ(test, kl->hdr.image_start | kl->hdr.image_end, 0ULL);
	KUNIT_EXPECT_EQ(test, (size_t)kl->nr, ARRAY_SIZE(vmi_mmrst_l4));
	for (i = 0; i < kl->nr; i++) {
		KUNIT_EXPECT_EQ(test, kl->regions[i].start | kl->regions[i].end, 0ULL);
		KUNIT_EXPECT_EQ(test, kl->regions[i].size,
				vmi_mmrst_l4[i].last - vmi_mmrst_l4[i].start + 1);
	}
	/* the ioctl's rule: no CAP_SYS_ADMIN at open, no address */
	KUNIT_EXPECT_FALSE(test, vmi_kaddrs_visible(false));
}

/* The running kernel's own table, and addresses it knows the place of. */
static void vmi_kl_live(struct kunit *test)
{
	struct vmainspect_kaddr *a;
	struct vmi_klayout *kl;
	char *sym;
	void *buf, *vbuf;

	kl = kunit_kzalloc(test, sizeof(*kl), GFP_KERNEL);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	sym = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kl);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, sym);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	vmi_klayout_live(kl);
	vmi_kl_expect_sane(test, kl);
	KUNIT_EXPECT_EQ(test, kl->hdr.page_shift, (u32)PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, kl->hdr.struct_page_size, (u32)sizeof(struct page));
	KUNIT_EXPECT_EQ(test, kl->hdr.page_offset, (u64)PAGE_OFFSET);

	/* kmalloc memory: the direct map, at the frame __pa() says */
	memset(a, 0, sizeof(*a));
	a->addr = (unsigned long)buf;
	vmi_kaddr_fill(kl, a, sym);
	KUNIT_EXPECT_EQ(test, a->region_id, (u32)VMAINSPECT_KR_DIRECT_MAP);
	KUNIT_EXPECT_TRUE(test, a->out_flags & VMAINSPECT_KA_PFN);
	KUNIT_EXPECT_EQ(test, a->pfn, (u64)PFN_DOWN(__pa(buf)));
	KUNIT_EXPECT_EQ(test, a->phys, (u64)__pa(buf));
	/* UML registers no "System RAM" resource: RAM is the VM test's */

	/* vmalloc memory: the vmalloc region */
	vbuf = vmalloc(2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vbuf);
	memset(a, 0, sizeof(*a));
	a->addr = (unsigned long)vbuf + PAGE_SIZE;
	vmi_kaddr_fill(kl, a, sym);
	vfree(vbuf);
	KUNIT_EXPECT_EQ(test, a->region_id, (u32)VMAINSPECT_KR_VMALLOC);

	/* a function of ours: in the image, with its own name */
	memset(a, 0, sizeof(*a));
	a->addr = (unsigned long)vmi_klayout_live;
	vmi_kaddr_fill(kl, a, sym);
	KUNIT_EXPECT_TRUE(test, kl->hdr.out_flags & VMAINSPECT_KL_IMAGE_KNOWN);
	KUNIT_EXPECT_TRUE(test, a->out_flags & VMAINSPECT_KA_IN_IMAGE);
	KUNIT_EXPECT_EQ(test, a->offset,
			(unsigned long)vmi_klayout_live - kl->hdr.image_start);
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(a->symbol, "vmi_klayout_live+0x0/", 21),
			      "symbol '%s'", a->symbol);
	KUNIT_EXPECT_FALSE(test, a->out_flags & VMAINSPECT_KA_MODULE);

	/* below every region: none */
	memset(a, 0, sizeof(*a));
	a->addr = kl->regions[0].start ? kl->regions[0].start - 1 : 0;
	vmi_kaddr_fill(kl, a, sym);
	if (kl->regions[0].start)
		KUNIT_EXPECT_EQ(test, a->region_id, (u32)VMAINSPECT_KR_NONE);
}

static void vmi_kl_args(struct kunit *test)
{
	struct vmainspect_klayout l = {
		.size = sizeof(l), .regions = 0x1000,
		.region_size = VMAINSPECT_KREGION_SIZE_VER0,
		.max_regions = VMAINSPECT_KREGIONS_MAX,
	};
	struct vmainspect_kaddr a = { .size = sizeof(a) };

	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_kregion),
			(size_t)VMAINSPECT_KREGION_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), 0);
	l.flags = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), -EINVAL);
	l.flags = 0;
	l.region_size = VMAINSPECT_KREGION_SIZE_VER0 - 1;
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), -EINVAL);
	l.region_size = VMAINSPECT_KREGION_SIZE_VER0;
	l.max_regions = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), -EINVAL);
	l.max_regions = VMAINSPECT_KREGIONS_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), -EINVAL);
	l.max_regions = VMAINSPECT_KREGIONS_MAX;
	l.reserved[2] = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_klayout_args(&l), -EINVAL);

	KUNIT_EXPECT_EQ(test, vmi_check_kaddr_args(&a), 0);
	a.flags = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_kaddr_args(&a), -EINVAL);
	a.flags = 0;
	a.reserved[3] = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_kaddr_args(&a), -EINVAL);
}

/* Every id has a name and a description; names are unique. */
static void vmi_kl_names(struct kunit *test)
{
	u32 i, j;

	for (i = 0; i < VMAINSPECT_KR_MAX; i++) {
		KUNIT_EXPECT_NOT_NULL(test, vmainspect_kregion_names[i].name);
		KUNIT_EXPECT_NOT_NULL(test, vmainspect_kregion_names[i].desc);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, vmainspect_kregion_names[i].name,
					    vmainspect_kregion_names[j].name);
	}
	KUNIT_EXPECT_STREQ(test, vmainspect_arch_names[VMAINSPECT_ARCH_X86_64], "x86_64");
	KUNIT_EXPECT_STREQ(test, vmainspect_arch_names[VMAINSPECT_ARCH_I386], "i386");
	KUNIT_EXPECT_STREQ(test, vmainspect_arch_names[VMAINSPECT_ARCH_UM], "um");
}

static struct kunit_case vmi_klayout_cases[] = {
	KUNIT_CASE(vmi_kl_names),
	KUNIT_CASE(vmi_kl_args),
	KUNIT_CASE(vmi_kl_x86_64_l4),
	KUNIT_CASE(vmi_kl_x86_64_l5),
	KUNIT_CASE(vmi_kl_x86_64_kaslr),
	KUNIT_CASE(vmi_kl_i386),
	KUNIT_CASE(vmi_kl_hide),
	KUNIT_CASE(vmi_kl_live),
	{}
};

static struct kunit_suite vmi_klayout_suite = {
	.name = "vmainspect_klayout",
	.test_cases = vmi_klayout_cases,
};

kunit_test_suites(&vmi_klayout_suite);
