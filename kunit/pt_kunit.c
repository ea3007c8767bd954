// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: the page-table path and runs over the test's own mm
 * (mm_fixture.c), where exactly one page is resident: the first page of
 * A1, holding VMI_FX_MAGIC.
 *
 * Oracles: the fixture (which pages were touched, where the VMAs are),
 * the contents of the frame the walk reports (it must hold what the test
 * wrote through the user address), and find_vma() for VMA coverage.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vmainspect_kunit.h"

struct vmi_ptt {
	struct vmi_pte_span *scratch;			/* vmi_pt_scratch_alloc() */
	struct vmainspect_pt_path path;
	struct vmainspect_pt_run *runs;
};

#define VMI_PTT_MAX_RUNS	256

static int vmi_pt_init(struct kunit *test)
{
	struct vmi_fx *fx;
	struct vmi_ptt *t;
	int ret;

	ret = vmi_fx_init(test);
	if (ret)
		return ret;
	fx = test->priv;
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->scratch = vmi_pt_scratch_alloc();
	if (!t->scratch)
		return -ENOMEM;
	t->runs = kunit_kcalloc(test, VMI_PTT_MAX_RUNS, sizeof(*t->runs),
				GFP_KERNEL);
	if (!t->runs) {
		kfree(t->scratch);
		return -ENOMEM;
	}
	fx->priv = t;
	return 0;
}

static void vmi_pt_exit(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_ptt *t = fx ? fx->priv : NULL;

	if (t)
		kfree(t->scratch);
	vmi_fx_exit(test);
}

static struct vmi_ptt *vmi_ptt(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;

	return fx->priv;
}

static struct vmainspect_pt_path *vmi_path(struct kunit *test, u64 addr,
					   bool show_pfn)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_ptt *t = vmi_ptt(test);
	struct vmainspect_pt_path *p = &t->path;
	int ret;

	memset(p, 0xa5, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = 0;
	p->addr = addr;
	p->reserved0 = 0;
	memset(p->reserved, 0, sizeof(p->reserved));
	mmap_read_lock(fx->mm);
	ret = vmi_pt_path_fill(fx->mm, p, show_pfn);
	mmap_read_unlock(fx->mm);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_LE(test, p->nr_levels, (u32)VMAINSPECT_LVL_NR);
	return p;
}

static const struct vmainspect_pt_entry *
vmi_leaf(const struct vmainspect_pt_path *p)
{
	return p->nr_levels ? &p->levels[p->nr_levels - 1] : NULL;
}

/* The resident page: a PTE leaf whose frame holds what the test wrote. */
static void vmi_pt_path_resident(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	u64 addr = fx->start[VMI_FX_A1] + 0x10;
	const struct vmainspect_pt_path *p = vmi_path(test, addr, true);
	const struct vmainspect_pt_entry *e = vmi_leaf(p);
	struct page *page;
	u64 *kaddr;
	u32 i;

	KUNIT_EXPECT_TRUE(test, p->out_flags & VMAINSPECT_PT_IN_VMA);
	KUNIT_EXPECT_FALSE(test, p->out_flags & VMAINSPECT_PT_PFN_HIDDEN);
	KUNIT_EXPECT_EQ(test, p->pgtable_levels, (u32)CONFIG_PGTABLE_LEVELS);
	for (i = 0; i < p->nr_levels; i++)
		KUNIT_EXPECT_EQ_MSG(test, p->levels[i].level, i, "entry %u", i);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->level, (u32)VMAINSPECT_LVL_PTE);
	KUNIT_ASSERT_EQ(test, e->kind, (u32)VMAINSPECT_PT_PAGE);
	KUNIT_EXPECT_TRUE(test, e->bits & VMAINSPECT_PTE_PRESENT);
	KUNIT_EXPECT_EQ(test, p->page_size, (u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, p->phys_addr,
			(e->pfn << PAGE_SHIFT) + (addr & ~PAGE_MASK));
	KUNIT_EXPECT_EQ(test, e->index, (u32)((addr >> PAGE_SHIFT) &
					      (PTRS_PER_PTE - 1)));

	KUNIT_ASSERT_TRUE(test, pfn_valid(e->pfn));
	page = pfn_to_page(e->pfn);
	/* the folio holding it, as the kernel sees it */
	KUNIT_EXPECT_EQ(test, e->folio_shift,
			(u32)(PAGE_SHIFT + compound_order(compound_head(page))));
	kaddr = kmap_local_page(page);
	KUNIT_EXPECT_EQ_MSG(test, kaddr[0], VMI_FX_MAGIC,
			    "frame 0x%llx does not hold what was written",
			    e->pfn);
	kunmap_local(kaddr);
}

/* Without the privilege: same walk, no frames. */
static void vmi_pt_path_hidden(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	const struct vmainspect_pt_path *p =
		vmi_path(test, fx->start[VMI_FX_A1], false);
	const struct vmainspect_pt_entry *e = vmi_leaf(p);
	u32 i;

	KUNIT_EXPECT_TRUE(test, p->out_flags & VMAINSPECT_PT_PFN_HIDDEN);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->kind, (u32)VMAINSPECT_PT_PAGE);
	KUNIT_EXPECT_EQ(test, p->phys_addr, 0ULL);
	for (i = 0; i < p->nr_levels; i++) {
		KUNIT_EXPECT_EQ_MSG(test, p->levels[i].pfn, 0ULL, "level %u", i);
		KUNIT_EXPECT_EQ_MSG(test, p->levels[i].folio_shift, 0U,
				    "level %u", i);
	}
}

/*
 * A read fault on anonymous memory maps the shared zero page: the leaf
 * says so, with or without the privilege (PAGEMAP_SCAN's PAGE_IS_PFNZERO
 * is no secret), and the frame is the kernel's own zero page.  A written
 * page is not one.
 */
static void vmi_pt_path_zero_page(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	unsigned long addr = fx->start[VMI_FX_A0];
	const struct vmainspect_pt_entry *e;
	u64 v;
	int ret;

	vmi_fx_enter(fx->mm);
	ret = copy_from_user(&v, (void __user *)addr, sizeof(v)) ? -EFAULT : 0;
	vmi_fx_leave(fx->mm);
	KUNIT_ASSERT_EQ(test, ret, 0);

	e = vmi_leaf(vmi_path(test, addr, true));
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_EQ(test, e->kind, (u32)VMAINSPECT_PT_PAGE);
	KUNIT_EXPECT_TRUE(test, is_zero_pfn(e->pfn));
	KUNIT_EXPECT_TRUE(test, e->bits & VMAINSPECT_PTE_ZERO_PAGE);
	KUNIT_EXPECT_FALSE(test, e->bits & VMAINSPECT_PTE_UFFD_RWP);

	e = vmi_leaf(vmi_path(test, addr, false));
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->pfn, 0ULL);
	KUNIT_EXPECT_TRUE(test, e->bits & VMAINSPECT_PTE_ZERO_PAGE);

	e = vmi_leaf(vmi_path(test, fx->start[VMI_FX_A1], true));
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_FALSE(test, e->bits & VMAINSPECT_PTE_ZERO_PAGE);
}

/* Never touched: inside a VMA, but nothing maps it. */
static void vmi_pt_path_untouched(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	static const int regions[] = { VMI_FX_A0, VMI_FX_S0, VMI_FX_X0 };
	int i;

	for (i = 0; i < ARRAY_SIZE(regions); i++) {
		const struct vmainspect_pt_path *p =
			vmi_path(test, fx->start[regions[i]], true);
		const struct vmainspect_pt_entry *e = vmi_leaf(p);

		KUNIT_EXPECT_TRUE_MSG(test, p->out_flags & VMAINSPECT_PT_IN_VMA,
				      "region %d", regions[i]);
		KUNIT_EXPECT_EQ_MSG(test, p->page_size, 0ULL, "region %d",
				    regions[i]);
		KUNIT_EXPECT_EQ_MSG(test, p->phys_addr, 0ULL, "region %d",
				    regions[i]);
		if (e)
			KUNIT_EXPECT_EQ_MSG(test, e->kind, (u32)VMAINSPECT_PT_NONE,
					    "region %d", regions[i]);
	}
}

/* Outside every VMA: no walk at all. */
static void vmi_pt_path_gap(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	const u64 addrs[] = { 0, fx->end[VMI_FX_A3], fx->end[VMI_FX_X0],
			      U64_MAX };
	int i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		const struct vmainspect_pt_path *p = vmi_path(test, addrs[i],
							      true);

		KUNIT_EXPECT_FALSE_MSG(test, p->out_flags & VMAINSPECT_PT_IN_VMA,
				       "addr 0x%llx", addrs[i]);
		KUNIT_EXPECT_EQ_MSG(test, p->nr_levels, 0U, "addr 0x%llx",
				    addrs[i]);
		KUNIT_EXPECT_EQ(test, p->page_size, 0ULL);
	}
}

static int vmi_runs(struct kunit *test, u64 start, u64 end, u32 max_runs,
		    struct vmi_pt_runs_out *out)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_ptt *t = vmi_ptt(test);
	int ret;

	memset(out, 0, sizeof(*out));
	out->runs = t->runs;
	out->max_runs = max_runs;
	mmap_read_lock(fx->mm);
	ret = vmi_pt_runs_fill(fx->mm, start, end, true, true, t->scratch, out);
	mmap_read_unlock(fx->mm);
	return ret;
}

/*
 * The whole address range of the fixture: runs are ordered, disjoint,
 * only inside VMAs (a run may go on across adjacent VMAs in the same
 * state) and cover every page of every VMA; the one resident page is the
 * only PAGE run, with the frame the path reports.
 */
static void vmi_pt_runs_cover(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_fx_vma *orc;
	struct vmi_pt_runs_out out;
	const struct vmainspect_pt_entry *leaf;
	u64 covered = 0, vma_bytes = 0, page_bytes = 0, prev_end = 0;
	u64 pfn;
	int n, i, j;

	leaf = vmi_leaf(vmi_path(test, fx->start[VMI_FX_A1], true));
	KUNIT_ASSERT_NOT_NULL(test, leaf);
	pfn = leaf->pfn;

	orc = kunit_kcalloc(test, VMI_FX_MAX_VMAS, sizeof(*orc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orc);
	n = vmi_fx_oracle(test, fx->mm, orc, VMI_FX_MAX_VMAS);
	KUNIT_ASSERT_GT(test, n, 0);
	for (j = 0; j < n; j++)
		vma_bytes += orc[j].end - orc[j].start;

	KUNIT_ASSERT_EQ(test, vmi_runs(test, 0, fx->end[VMI_FX_X0] + PAGE_SIZE,
				       VMI_PTT_MAX_RUNS, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.done);
	KUNIT_ASSERT_LT(test, out.nr_runs, (u32)VMI_PTT_MAX_RUNS);
	for (i = 0; i < out.nr_runs; i++) {
		const struct vmainspect_pt_run *r = &out.runs[i];
		u64 cur = r->start;

		KUNIT_EXPECT_LT_MSG(test, r->start, r->end, "run %d", i);
		KUNIT_EXPECT_GE_MSG(test, r->start, prev_end, "run %d", i);
		prev_end = r->end;
		/* Every page of the run is in a VMA (adjacent ones may share). */
		for (j = 0; j < n && cur < r->end; j++)
			if (cur >= orc[j].start && cur < orc[j].end)
				cur = orc[j].end;
		KUNIT_EXPECT_GE_MSG(test, cur, r->end,
				    "run %d [0x%llx, 0x%llx): 0x%llx is in no VMA",
				    i, r->start, r->end, cur);
		covered += r->end - r->start;
		if (r->kind == VMAINSPECT_PT_PAGE) {
			page_bytes += r->end - r->start;
			KUNIT_EXPECT_EQ(test, r->start,
					(u64)fx->start[VMI_FX_A1]);
			KUNIT_EXPECT_EQ(test, r->pfn, pfn);
			KUNIT_EXPECT_EQ(test, r->page_shift, (u32)PAGE_SHIFT);
		}
	}
	KUNIT_EXPECT_EQ(test, covered, vma_bytes);
	KUNIT_EXPECT_EQ(test, page_bytes, (u64)PAGE_SIZE);
}

/* One run per call: the cursor walks the same runs, in order. */
static void vmi_pt_runs_cursor(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmainspect_pt_run *all;
	struct vmi_pt_runs_out out;
	u64 start = fx->start[VMI_FX_A0], end = fx->end[VMI_FX_A4];
	u32 nr_all, seen = 0;
	int calls = 0;

	KUNIT_ASSERT_EQ(test, vmi_runs(test, start, end, VMI_PTT_MAX_RUNS,
				       &out), 0);
	KUNIT_ASSERT_TRUE(test, out.done);
	nr_all = out.nr_runs;
	KUNIT_ASSERT_GT(test, nr_all, 1U);
	all = kunit_kmalloc_array(test, nr_all, sizeof(*all), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	memcpy(all, out.runs, nr_all * sizeof(*all));

	for (;;) {
		KUNIT_ASSERT_EQ(test, vmi_runs(test, start, end, 1, &out), 0);
		KUNIT_ASSERT_LE(test, out.nr_runs, 1U);
		if (out.nr_runs) {
			KUNIT_ASSERT_LT(test, seen, nr_all);
			KUNIT_EXPECT_EQ(test, out.runs[0].start, all[seen].start);
			KUNIT_EXPECT_EQ(test, out.runs[0].end, all[seen].end);
			KUNIT_EXPECT_EQ(test, out.runs[0].kind, all[seen].kind);
			seen++;
		}
		if (out.done)
			break;
		KUNIT_ASSERT_GT(test, out.next_addr, start);
		start = out.next_addr;
		KUNIT_ASSERT_LT(test, ++calls, 4 * VMI_PTT_MAX_RUNS);
	}
	KUNIT_EXPECT_EQ(test, seen, nr_all);
}

/* Any budget the walk of A4 does not spend before its first level. */
#define VMI_PT_BUDGET_TEST	1000

/* A writer that waits for the mmap lock of @mm until we drop ours. */
struct vmi_waiting_writer {
	struct mm_struct *mm;
	struct completion done;
};

static int vmi_waiting_writer_fn(void *arg)
{
	struct vmi_waiting_writer *ww = arg;

	mmap_write_lock(ww->mm);
	mmap_write_unlock(ww->mm);
	complete(&ww->done);
	return 0;
}

static int vmi_count_entry(struct vmi_pt_walk *w,
			   const struct vmainspect_pt_entry *e,
			   unsigned long addr, unsigned long next)
{
	(*(u32 *)w->priv)++;
	return 0;
}

static const struct vmi_pt_ops vmi_count_ops = {
	.entry = vmi_count_entry,
};

/* A walk of A4 with yield_at just below its budget; the mmap lock held. */
static int vmi_yield_walk(struct kunit *test, u32 *entries,
			  unsigned long *stop)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_pt_walk w = {
		.ops = &vmi_count_ops,
		.priv = entries,
		.mm = fx->mm,
		.budget = VMI_PT_BUDGET_TEST,
		.yield_at = VMI_PT_BUDGET_TEST - 1,
		.spans = vmi_ptt(test)->scratch,
	};
	struct vm_area_struct *vma = find_vma(fx->mm, fx->start[VMI_FX_A4]);
	int ret;

	*entries = 0;
	KUNIT_ASSERT_NOT_NULL(test, vma);
	ret = vmi_pt_walk_vma(&w, vma, fx->start[VMI_FX_A4], fx->end[VMI_FX_A4]);
	*stop = w.stop_addr;
	return ret;
}

/*
 * Bounded hold times: a walk stops (and its caller drops the mmap lock)
 * once its budget is down to yield_at while a writer waits for the lock,
 * as smaps_rollup yields; the same walk without a waiter runs to the end.
 */
static void vmi_pt_yield_to_writer(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_waiting_writer ww = { .mm = fx->mm };
	struct task_struct *writer;
	unsigned long stop;
	u32 entries;
	int i;

	mmap_read_lock(fx->mm);
	KUNIT_EXPECT_EQ(test, vmi_yield_walk(test, &entries, &stop), 0);
	KUNIT_EXPECT_GT(test, entries, 0U);

	init_completion(&ww.done);
	writer = kthread_run(vmi_waiting_writer_fn, &ww, "vmi-kunit-writer");
	if (IS_ERR(writer)) {
		mmap_read_unlock(fx->mm);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(writer));
		return;
	}
	for (i = 0; i < 50 && !mmap_lock_is_contended(fx->mm); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, mmap_lock_is_contended(fx->mm));
	KUNIT_EXPECT_EQ(test, vmi_yield_walk(test, &entries, &stop), 1);
	KUNIT_EXPECT_GE(test, stop, fx->start[VMI_FX_A4]);
	KUNIT_EXPECT_LT(test, stop, fx->end[VMI_FX_A4]);
	mmap_read_unlock(fx->mm);
	wait_for_completion(&ww.done);
}

static struct kunit_case vmi_pt_cases[] = {
	KUNIT_CASE(vmi_pt_path_resident),
	KUNIT_CASE(vmi_pt_path_hidden),
	KUNIT_CASE(vmi_pt_path_zero_page),
	KUNIT_CASE(vmi_pt_path_untouched),
	KUNIT_CASE(vmi_pt_path_gap),
	KUNIT_CASE(vmi_pt_runs_cover),
	KUNIT_CASE(vmi_pt_runs_cursor),
	KUNIT_CASE(vmi_pt_yield_to_writer),
	{}
};

static struct kunit_suite vmi_pt_suite = {
	.name = "vmainspect_pt",
	.init = vmi_pt_init,
	.exit = vmi_pt_exit,
	.test_cases = vmi_pt_cases,
};

kunit_test_suite(vmi_pt_suite);
