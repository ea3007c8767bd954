// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: decoding of single page-table entries and the run
 * coalescer's rule, without any page table.
 *
 * Entries are built with the kernel's own constructors (pfn_pte(),
 * pte_mkdirty(), swp_entry_to_pte(), make_readable_migration_entry(),
 * make_pte_marker()...) and read back with its own accessors (pte_pfn(),
 * pte_write(), swp_type()...): those are the oracle, not our constants.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "vmainspect_kunit.h"
#include "compat.h"

/* Some frame that exists: the page of a kmalloc'ed buffer. */
static unsigned long vmi_some_pfn(struct kunit *test)
{
	void *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return page_to_pfn(virt_to_page(buf));
}

static void vmi_decode_pte(struct vmainspect_pt_entry *e, pte_t pte)
{
	vmi_pt_decode(e, VMAINSPECT_LVL_PTE, pte_val(pte));
}

static void vmi_pt_decode_none(struct kunit *test)
{
	struct vmainspect_pt_entry e;

	vmi_decode_pte(&e, __pte(0));
	KUNIT_EXPECT_EQ(test, e.kind, (u32)VMAINSPECT_PT_NONE);
	KUNIT_EXPECT_EQ(test, e.bits, 0ULL);
	KUNIT_EXPECT_EQ(test, e.pfn, 0ULL);
	KUNIT_EXPECT_EQ(test, e.level, (u32)VMAINSPECT_LVL_PTE);
}

/* Present PTEs: every variant's bits agree with the kernel's accessors. */
static void vmi_pt_decode_present(struct kunit *test)
{
	unsigned long pfn = vmi_some_pfn(test);
	pte_t base[] = {
		pfn_pte(pfn, PAGE_READONLY),
		pfn_pte(pfn, PAGE_SHARED),
		pfn_pte(pfn, PAGE_COPY),
	};
	struct vmainspect_pt_entry e;
	int i, v;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		for (v = 0; v < 4; v++) {
			pte_t pte = base[i];

			if (v & 1)
				pte = pte_mkdirty(pte);
			if (v & 2)
				pte = pte_mkyoung(pte);
			vmi_decode_pte(&e, pte);
			KUNIT_EXPECT_EQ_MSG(test, e.kind, (u32)VMAINSPECT_PT_PAGE,
					    "prot %d variant %d", i, v);
			KUNIT_EXPECT_EQ(test, e.pfn, (u64)pte_pfn(pte));
			KUNIT_EXPECT_EQ(test, e.pfn, (u64)pfn);
			KUNIT_EXPECT_EQ(test, e.raw, (u64)pte_val(pte));
			KUNIT_EXPECT_TRUE(test, e.bits & VMAINSPECT_PTE_PRESENT);
			KUNIT_EXPECT_EQ_MSG(test, !!(e.bits & VMAINSPECT_PTE_RW),
					    !!pte_write(pte), "prot %d variant %d",
					    i, v);
			KUNIT_EXPECT_EQ_MSG(test, !!(e.bits & VMAINSPECT_PTE_DIRTY),
					    !!pte_dirty(pte), "prot %d variant %d",
					    i, v);
			KUNIT_EXPECT_EQ_MSG(test,
					    !!(e.bits & VMAINSPECT_PTE_ACCESSED),
					    !!pte_young(pte), "prot %d variant %d",
					    i, v);
			KUNIT_EXPECT_FALSE(test, e.bits & VMAINSPECT_PTE_HUGE);
		}
	}
	/* The constructors themselves differ where we claim they do. */
	vmi_decode_pte(&e, pte_mkdirty(pfn_pte(pfn, PAGE_SHARED)));
	KUNIT_EXPECT_TRUE(test, e.bits & VMAINSPECT_PTE_DIRTY);
	vmi_decode_pte(&e, pfn_pte(pfn, PAGE_READONLY));
	KUNIT_EXPECT_FALSE(test, e.bits & VMAINSPECT_PTE_RW);
}

/* Swap entries: type and offset come back as swp_type()/swp_offset(). */
static void vmi_pt_decode_swap(struct kunit *test)
{
	static const unsigned long offsets[] = { 1, 2, 0x1234, 0xfffff };
	unsigned int type, i;

	for (type = 0; type < min_t(unsigned int, MAX_SWAPFILES, 4); type++) {
		for (i = 0; i < ARRAY_SIZE(offsets); i++) {
			swp_entry_t ent = swp_entry(type, offsets[i]);
			pte_t pte = swp_entry_to_pte(ent);
			struct vmainspect_pt_entry e;

			KUNIT_ASSERT_FALSE(test, pte_none(pte));
			KUNIT_ASSERT_FALSE(test, pte_present(pte));
			vmi_decode_pte(&e, pte);
			KUNIT_EXPECT_EQ_MSG(test, e.kind, (u32)VMAINSPECT_PT_SWAP,
					    "type %u offset 0x%lx", type,
					    offsets[i]);
			KUNIT_EXPECT_EQ(test, e.swap_type, type);
			KUNIT_EXPECT_EQ(test, e.offset, (u64)offsets[i]);
			KUNIT_EXPECT_EQ(test, e.pfn, 0ULL);
			KUNIT_EXPECT_FALSE(test, e.bits & VMAINSPECT_PTE_PRESENT);
		}
	}
}

static void vmi_pt_decode_migration(struct kunit *test)
{
	unsigned long pfn = vmi_some_pfn(test);
	struct vmainspect_pt_entry e;

	if (!IS_ENABLED(CONFIG_MIGRATION))
		kunit_skip(test, "no CONFIG_MIGRATION in this kernel");
	vmi_decode_pte(&e, swp_entry_to_pte(make_readable_migration_entry(pfn)));
	KUNIT_EXPECT_EQ(test, e.kind, (u32)VMAINSPECT_PT_MIGRATION);
	KUNIT_EXPECT_EQ(test, e.pfn, (u64)pfn);
	vmi_decode_pte(&e, swp_entry_to_pte(make_writable_migration_entry(pfn)));
	KUNIT_EXPECT_EQ(test, e.kind, (u32)VMAINSPECT_PT_MIGRATION);
	KUNIT_EXPECT_EQ(test, e.pfn, (u64)pfn);
}

static void vmi_pt_decode_marker(struct kunit *test)
{
#if VMI_HAVE_PTE_MARKERS
	static const pte_marker markers[] = {
		PTE_MARKER_UFFD_WP,
#ifdef PTE_MARKER_POISONED
		PTE_MARKER_POISONED,
#endif
#ifdef PTE_MARKER_GUARD
		PTE_MARKER_GUARD,
#endif
	};
	struct vmainspect_pt_entry e;
	int i;

	for (i = 0; i < ARRAY_SIZE(markers); i++) {
		pte_t pte = make_pte_marker(markers[i]);
		swp_entry_t entry = vmi_pte_to_swp_entry(pte);

		KUNIT_ASSERT_FALSE(test, pte_present(pte));
		KUNIT_ASSERT_TRUE(test, vmi_is_pte_marker_entry(entry));
		vmi_decode_pte(&e, pte);
		KUNIT_EXPECT_EQ_MSG(test, e.kind, (u32)VMAINSPECT_PT_MARKER,
				    "marker 0x%lx", (unsigned long)markers[i]);
		KUNIT_EXPECT_EQ(test, e.offset, (u64)markers[i]);
		KUNIT_EXPECT_EQ(test, e.pfn, 0ULL);
	}
#else
	kunit_skip(test, "no PTE markers in this kernel configuration");
#endif
}

/*
 * Hiding frames keeps the kind and the state, drops frames and slots, and
 * the accessed/dirty bits (no /proc file shows them per page).
 */
static void vmi_pt_decode_hide(struct kunit *test)
{
	const u64 ad = VMAINSPECT_PTE_ACCESSED | VMAINSPECT_PTE_DIRTY;
	unsigned long pfn = vmi_some_pfn(test);
	struct vmainspect_pt_entry e, h;

	vmi_decode_pte(&e, pte_mkyoung(pte_mkdirty(pfn_pte(pfn, PAGE_SHARED))));
	KUNIT_EXPECT_EQ(test, e.bits & ad, ad);
	h = e;
	vmi_pt_hide(&h);
	KUNIT_EXPECT_EQ(test, h.kind, e.kind);
	KUNIT_EXPECT_EQ(test, h.bits, e.bits & ~ad);
	KUNIT_EXPECT_EQ(test, h.pfn, 0ULL);
	/* The raw value keeps its other flag bits, not its frame or A/D. */
	vmi_decode_pte(&h, __pte(h.raw));
	KUNIT_EXPECT_EQ(test, h.pfn, 0ULL);
	KUNIT_EXPECT_EQ(test, h.bits, e.bits & ~ad);

	vmi_decode_pte(&e, swp_entry_to_pte(swp_entry(1, 0x77)));
	h = e;
	vmi_pt_hide(&h);
	KUNIT_EXPECT_EQ(test, h.kind, (u32)VMAINSPECT_PT_SWAP);
	KUNIT_EXPECT_EQ(test, h.offset, 0ULL);
	KUNIT_EXPECT_EQ(test, h.swap_type, 0U);
	KUNIT_EXPECT_EQ(test, h.raw, 0ULL);
}

/* A run as the coalescer starts it from an entry at @addr. */
static struct vmainspect_pt_run vmi_run_of(const struct vmainspect_pt_entry *e,
					   unsigned long addr)
{
	struct vmainspect_pt_run r = {
		.start = addr, .end = addr + PAGE_SIZE, .pfn = e->pfn,
		.offset = e->offset, .bits = e->bits, .level = e->level,
		.kind = e->kind, .page_shift = PAGE_SHIFT,
		.swap_type = e->swap_type,
	};

	return r;
}

static void vmi_pt_coalesce(struct kunit *test)
{
	unsigned long pfn = vmi_some_pfn(test), addr = 0x400000;
	struct vmainspect_pt_entry a, b;
	struct vmainspect_pt_run r;

	vmi_decode_pte(&a, pfn_pte(pfn, PAGE_SHARED));
	r = vmi_run_of(&a, addr);
	/* The next frame at the next address extends it... */
	vmi_decode_pte(&b, pfn_pte(pfn + 1, PAGE_SHARED));
	KUNIT_EXPECT_TRUE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						   true));
	/* ...not a gap in addresses, nor the same or a far frame... */
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b,
						    addr + 2 * PAGE_SIZE, true));
	vmi_decode_pte(&b, pfn_pte(pfn, PAGE_SHARED));
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));
	/* ...unless frames are hidden: then contiguity is not compared. */
	KUNIT_EXPECT_TRUE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						   false));
	/* Other state ends a run. */
	vmi_decode_pte(&b, pte_mkdirty(pfn_pte(pfn + 1, PAGE_SHARED)));
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));
	vmi_decode_pte(&b, pfn_pte(pfn + 1, PAGE_READONLY));
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));
	/* A folio of another size (an mTHP after base pages) too. */
	vmi_decode_pte(&b, pfn_pte(pfn + 1, PAGE_SHARED));
	b.folio_shift = PAGE_SHIFT + 4;
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));
	vmi_decode_pte(&b, __pte(0));
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));

	/* Empty entries coalesce with each other. */
	vmi_decode_pte(&a, __pte(0));
	r = vmi_run_of(&a, addr);
	KUNIT_EXPECT_TRUE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						   true));

	/* Swap: the next slot of the same device. */
	vmi_decode_pte(&a, swp_entry_to_pte(swp_entry(1, 100)));
	r = vmi_run_of(&a, addr);
	vmi_decode_pte(&b, swp_entry_to_pte(swp_entry(1, 101)));
	KUNIT_EXPECT_TRUE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						   true));
	vmi_decode_pte(&b, swp_entry_to_pte(swp_entry(1, 103)));
	KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b, addr + PAGE_SIZE,
						    true));
	if (MAX_SWAPFILES > 2) {
		vmi_decode_pte(&b, swp_entry_to_pte(swp_entry(2, 101)));
		KUNIT_EXPECT_FALSE(test, vmi_pt_run_extends(&r, &b,
							    addr + PAGE_SIZE,
							    true));
	}
}

static struct kunit_case vmi_pt_decode_cases[] = {
	KUNIT_CASE(vmi_pt_decode_none),
	KUNIT_CASE(vmi_pt_decode_present),
	KUNIT_CASE(vmi_pt_decode_swap),
	KUNIT_CASE(vmi_pt_decode_migration),
	KUNIT_CASE(vmi_pt_decode_marker),
	KUNIT_CASE(vmi_pt_decode_hide),
	KUNIT_CASE(vmi_pt_coalesce),
	{}
};

static struct kunit_suite vmi_pt_decode_suite = {
	.name = "vmainspect_pt_decode",
	.test_cases = vmi_pt_decode_cases,
};

kunit_test_suite(vmi_pt_decode_suite);
