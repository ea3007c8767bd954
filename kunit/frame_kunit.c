// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: frame state (page.c) and reverse-map owners (rmap.c).
 *
 * Oracles: pages the test allocates itself (a kernel page, a compound
 * page and its tail, a slab object, the zero page), and the test's own
 * address space (mm_fixture.c), where the test knows which addresses map
 * which frame because it faults them in and reads the page table.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/kernel-page-flags.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/vmainspect_page_names.h>
#include "vmainspect_kunit.h"
#include "compat.h"

/* Every bit vmi_kpageflags() can set has a name, the rest none. */
static void vmi_kpf_names_cover(struct kunit *test)
{
	unsigned int bit, other;

	for (bit = 0; bit < VMAINSPECT_KPF_NR_BITS; bit++) {
		bool used = bit <= KPF_PGTABLE ||
			    (bit >= KPF_RESERVED && bit <= 42) ||
			    bit == VMAINSPECT_KPF_WORKINGSET ||
			    bit == VMAINSPECT_KPF_YOUNG ||
			    bit == VMAINSPECT_KPF_LARGE;

		KUNIT_EXPECT_EQ_MSG(test, !!vmainspect_kpf_names[bit], used,
				    "bit %u", bit);
		if (!vmainspect_kpf_names[bit])
			continue;
		for (other = 0; other < bit; other++)
			if (vmainspect_kpf_names[other])
				KUNIT_EXPECT_STRNEQ(test, vmainspect_kpf_names[bit],
						    vmainspect_kpf_names[other]);
	}
	for (bit = 0; bit < VMAINSPECT_MAP_KIND_MAX; bit++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, vmainspect_mapping_kind_names[bit],
					  "kind %u", bit);
}

static struct vmainspect_page *vmi_fill(struct kunit *test, u64 pfn)
{
	struct vmainspect_page *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, vmi_page_fill(pfn, p, NULL, 0), 0);
	return p;
}

static void vmi_frame_kernel_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct vmainspect_page *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	p = vmi_fill(test, page_to_pfn(page));
	KUNIT_EXPECT_EQ(test, p->pfn, (u64)page_to_pfn(page));
	KUNIT_EXPECT_EQ(test, p->head_pfn, p->pfn);
	KUNIT_EXPECT_EQ(test, p->order, 0U);
	KUNIT_EXPECT_EQ(test, p->refcount, 1);	/* ours: alloc_page()'s */
	KUNIT_EXPECT_EQ(test, p->mapcount, 0);
	KUNIT_EXPECT_EQ(test, p->mapping_kind, (u32)VMAINSPECT_MAP_NONE);
	KUNIT_EXPECT_EQ(test, p->nid, (u32)page_to_nid(page));
	KUNIT_EXPECT_STREQ(test, p->zone_name, page_zone(page)->name);
	KUNIT_EXPECT_FALSE(test, p->kpageflags &
			   (BIT_ULL(KPF_ANON) | BIT_ULL(KPF_MMAP) |
			    BIT_ULL(KPF_LRU) | BIT_ULL(KPF_SLAB) |
			    BIT_ULL(KPF_COMPOUND_HEAD) | BIT_ULL(KPF_BUDDY)));
	KUNIT_EXPECT_EQ(test, p->raw_flags, (u64)vmi_flags_word(page));
	__free_page(page);
}

static void vmi_frame_compound(struct kunit *test)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	struct vmainspect_page *p;

	KUNIT_ASSERT_NOT_NULL(test, head);
	p = vmi_fill(test, page_to_pfn(head) + 3);
	KUNIT_EXPECT_TRUE(test, p->kpageflags & BIT_ULL(KPF_COMPOUND_TAIL));
	KUNIT_EXPECT_FALSE(test, p->kpageflags & BIT_ULL(KPF_COMPOUND_HEAD));
	KUNIT_EXPECT_TRUE(test, p->kpageflags & BIT_ULL(VMAINSPECT_KPF_LARGE));
	KUNIT_EXPECT_EQ(test, p->head_pfn, (u64)page_to_pfn(head));
	KUNIT_EXPECT_EQ(test, p->order, 2U);
	KUNIT_EXPECT_EQ(test, p->refcount, 1);
	p = vmi_fill(test, page_to_pfn(head));
	KUNIT_EXPECT_TRUE(test, p->kpageflags & BIT_ULL(KPF_COMPOUND_HEAD));
	KUNIT_EXPECT_FALSE(test, p->kpageflags & BIT_ULL(KPF_COMPOUND_TAIL));
	__free_pages(head, 2);
}

/* A slab page: reported, not interpreted, and no reverse map. */
static void vmi_frame_slab(struct kunit *test)
{
	void *obj = kmalloc(64, GFP_KERNEL);
	struct vmi_rmap_out out = { .max_owners = 1 };
	struct vmainspect_owner owner;
	struct mm_struct *mm;
	struct vmainspect_page *p;
	u64 pfn;

	KUNIT_ASSERT_NOT_NULL(test, obj);
	pfn = page_to_pfn(virt_to_page(obj));
	p = vmi_fill(test, pfn);
	KUNIT_EXPECT_TRUE(test, p->kpageflags & BIT_ULL(KPF_SLAB));
	KUNIT_EXPECT_EQ(test, p->mapping_kind, (u32)VMAINSPECT_MAP_NONE);
	out.owners = &owner;
	out.mms = &mm;
	KUNIT_EXPECT_EQ(test, vmi_rmap_fill(pfn, &out), 0);
	KUNIT_EXPECT_EQ(test, out.nr_owners, 0U);
	KUNIT_EXPECT_TRUE(test, out.done);
	KUNIT_EXPECT_TRUE(test, out.out_flags & VMAINSPECT_RMAP_NO_RMAP);
	kfree(obj);
}

static void vmi_frame_zero_page(struct kunit *test)
{
	struct vmainspect_page *p = vmi_fill(test, page_to_pfn(ZERO_PAGE(0)));

	KUNIT_EXPECT_TRUE(test, p->kpageflags & BIT_ULL(KPF_ZERO_PAGE));
}

static void vmi_frame_no_ram(struct kunit *test)
{
	struct vmainspect_page p;

	KUNIT_EXPECT_NULL(test, vmi_online_page(1ULL << 52));
	KUNIT_EXPECT_NULL(test, vmi_online_page(U64_MAX));
	KUNIT_EXPECT_EQ(test, vmi_page_fill(1ULL << 52, &p, NULL, 0), -ENXIO);
}

/* The frame behind @addr of the fixture mm, or 0. */
static u64 vmi_fx_pfn(struct kunit *test, unsigned long addr)
{
	struct vmi_fx *fx = test->priv;
	u64 pfn = 0;

	mmap_read_lock(fx->mm);
	if (vmi_pt_addr_to_pfn(fx->mm, addr, &pfn))
		pfn = 0;
	mmap_read_unlock(fx->mm);
	return pfn;
}

/* Owners of @pfn from @cursor, at most @max. */
static struct vmi_rmap_out *vmi_owners(struct kunit *test, u64 pfn,
				       u64 cursor, u32 max)
{
	struct vmi_rmap_out *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	out->max_owners = max;
	out->cursor = cursor;
	out->owners = kunit_kcalloc(test, max, sizeof(*out->owners), GFP_KERNEL);
	out->mms = kunit_kcalloc(test, max, sizeof(*out->mms), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out->owners);
	KUNIT_ASSERT_NOT_NULL(test, out->mms);
	KUNIT_EXPECT_EQ(test, vmi_rmap_fill(pfn, out), 0);
	return out;
}

/* A1's page (written by the fixture): one anonymous owner, then none. */
static void vmi_rmap_anon_owner(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	u64 pfn = vmi_fx_pfn(test, fx->start[VMI_FX_A1]);
	struct vmi_rmap_out *out;
	struct vmainspect_owner *o;

	KUNIT_ASSERT_NE(test, pfn, 0ULL);
	out = vmi_owners(test, pfn, 0, 4);
	KUNIT_EXPECT_EQ(test, out->kind, (u32)VMAINSPECT_MAP_ANON);
	KUNIT_EXPECT_EQ(test, out->mapcount, 1);
	KUNIT_ASSERT_EQ(test, out->nr_owners, 1U);
	KUNIT_EXPECT_TRUE(test, out->done);
	o = &out->owners[0];
	KUNIT_EXPECT_EQ(test, o->address, (u64)fx->start[VMI_FX_A1]);
	KUNIT_EXPECT_EQ(test, o->vma_start, (u64)fx->start[VMI_FX_A1]);
	KUNIT_EXPECT_EQ(test, o->vma_end, (u64)fx->end[VMI_FX_A1]);
	KUNIT_EXPECT_EQ(test, o->level, (u32)VMAINSPECT_LVL_PTE);
	/* only the test's kthread uses this mm, and kthreads are no owners */
	KUNIT_EXPECT_EQ(test, o->pid, 0U);
	KUNIT_EXPECT_EQ(test, o->nr_processes, 0U);

	/* the cursor: everything already seen */
	out = vmi_owners(test, pfn, out->cursor, 4);
	KUNIT_EXPECT_EQ(test, out->nr_owners, 0U);
	KUNIT_EXPECT_TRUE(test, out->done);
}

static int vmi_fx_touch(struct mm_struct *mm, unsigned long addr)
{
	u64 v;
	int ret;

	vmi_fx_enter(mm);
	ret = copy_from_user(&v, (void __user *)addr, sizeof(v)) ? -EFAULT : 0;
	vmi_fx_leave(mm);
	return ret;
}

/*
 * A shmem page mapped at S0 and, after a second vm_mmap() of file a at
 * pgoff 0, there too: two owners in one mm; one call per owner with the
 * cursor gives the same two.
 */
static void vmi_rmap_file_owners(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	unsigned long again = fx->base + 40 * PAGE_SIZE, addr;
	struct vmi_rmap_out *out, *one;
	u64 pfn, cursor = 0;
	unsigned int calls;

	KUNIT_ASSERT_EQ(test, vmi_fx_touch(fx->mm, fx->start[VMI_FX_S0]), 0);
	pfn = vmi_fx_pfn(test, fx->start[VMI_FX_S0]);
	KUNIT_ASSERT_NE(test, pfn, 0ULL);
	out = vmi_owners(test, pfn, 0, 8);
	KUNIT_EXPECT_EQ(test, out->kind, (u32)VMAINSPECT_MAP_SHMEM);
	KUNIT_ASSERT_EQ(test, out->nr_owners, 1U);
	KUNIT_EXPECT_EQ(test, out->owners[0].address, (u64)fx->start[VMI_FX_S0]);

	vmi_fx_enter(fx->mm);
	addr = vm_mmap(fx->shm[0], again, PAGE_SIZE, PROT_READ,
		       MAP_SHARED | MAP_FIXED, 0);
	vmi_fx_leave(fx->mm);
	KUNIT_ASSERT_EQ(test, addr, again);
	KUNIT_ASSERT_EQ(test, vmi_fx_touch(fx->mm, again), 0);
	KUNIT_EXPECT_EQ(test, vmi_fx_pfn(test, again), pfn);

	out = vmi_owners(test, pfn, 0, 8);
	KUNIT_EXPECT_EQ(test, out->nr_owners, 2U);
	KUNIT_EXPECT_EQ(test, out->mapcount, 2);
	for (calls = 0; calls < 10; calls++) {
		one = vmi_owners(test, pfn, cursor, 1);
		KUNIT_ASSERT_LE(test, one->nr_owners, 1U);
		if (one->nr_owners) {
			KUNIT_ASSERT_LT(test, calls, out->nr_owners);
			KUNIT_EXPECT_EQ(test, one->owners[0].address,
					out->owners[calls].address);
		}
		KUNIT_ASSERT_GT(test, one->cursor, cursor);
		cursor = one->cursor;
		if (one->done)
			break;
	}
	KUNIT_EXPECT_TRUE(test, one->done);

	vmi_fx_enter(fx->mm);
	vm_munmap(again, PAGE_SIZE);
	vmi_fx_leave(fx->mm);
}

/* PAGE and RMAP argument rules (include/uapi/vmainspect.h). */
static void vmi_frame_args(struct kunit *test)
{
	struct vmainspect_page p = { .size = sizeof(p), .pfn = 5 };
	struct vmainspect_rmap r = {
		.size = sizeof(r), .pfn = 5, .owners = 0x1000,
		.owner_size = sizeof(struct vmainspect_owner), .max_owners = 1,
	};

	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), 0);
	p.flags = VMAINSPECT_PAGE_BY_ADDR;	/* pfn and addr: one of them */
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), -EINVAL);
	p.pfn = 0;
	p.addr = 0x1000;
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), 0);
	p.flags = 1U << 5;
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), -EINVAL);
	p.flags = 0;
	p.addr = 0;
	p.path_size = 16;			/* size without a buffer */
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), -EINVAL);
	p.path = 0x1000;
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), 0);
	p.path_size = PATH_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), -EINVAL);
	p.path_size = 16;
	p.reserved[3] = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_page_args(&p), -EINVAL);

	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), 0);
	r.flags = VMAINSPECT_PAGE_DEBUGFS;	/* PAGE only */
	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), -EINVAL);
	r.flags = 0;
	r.max_owners = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), -EINVAL);
	r.max_owners = VMAINSPECT_OWNERS_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), -EINVAL);
	r.max_owners = 1;
	r.owner_size = VMAINSPECT_OWNER_SIZE_VER0 - 8;
	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), -EINVAL);
	r.owner_size = VMAINSPECT_OWNER_SIZE_VER0;
	r.reserved0 = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_rmap_args(&r), -EINVAL);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_owner),
			(size_t)VMAINSPECT_OWNER_SIZE_VER0);
}

static struct kunit_case vmi_frame_cases[] = {
	KUNIT_CASE(vmi_kpf_names_cover),
	KUNIT_CASE(vmi_frame_args),
	KUNIT_CASE(vmi_frame_kernel_page),
	KUNIT_CASE(vmi_frame_compound),
	KUNIT_CASE(vmi_frame_slab),
	KUNIT_CASE(vmi_frame_zero_page),
	KUNIT_CASE(vmi_frame_no_ram),
	{}
};

static struct kunit_suite vmi_frame_suite = {
	.name = "vmainspect_frame",
	.test_cases = vmi_frame_cases,
};

static struct kunit_case vmi_rmap_cases[] = {
	KUNIT_CASE(vmi_rmap_anon_owner),
	KUNIT_CASE(vmi_rmap_file_owners),
	{}
};

static struct kunit_suite vmi_rmap_suite = {
	.name = "vmainspect_rmap",
	.init = vmi_fx_init,
	.exit = vmi_fx_exit,
	.test_cases = vmi_rmap_cases,
};

kunit_test_suites(&vmi_frame_suite, &vmi_rmap_suite);
