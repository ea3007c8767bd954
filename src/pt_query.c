// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the two consumers of the page-table walker.
 *
 *  - the translation path of one address: every level's entry, in order;
 *  - the run coalescer: consecutive pages in the same state, with
 *    consecutive frames (or swap slots), become one record, the way
 *    note_page() in mm/ptdump.c builds ranges for the kernel's tables.
 *
 * Both walk only inside VMAs, through vmi_pt_walk_vmas() (see pgtable.c for
 * why that is what makes the lockless walk safe); the runs, like
 * /proc/PID/pagemap, skip VM_PFNMAP ones.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <uapi/vmainspect_rules.h>
#include "vmainspect.h"
#include "compat.h"
#include "klayout_arch.h"

/* Page-table entries one call may read: bounds the mmap lock hold. */
#define VMI_PT_BUDGET	(64 * PTRS_PER_PTE)

static int vmi_path_entry(struct vmi_pt_walk *w,
			  const struct vmainspect_pt_entry *e,
			  unsigned long addr, unsigned long next)
{
	struct vmainspect_pt_path *p = w->priv;

	p->levels[e->level] = *e;
	if (e->level + 1 > p->nr_levels)
		p->nr_levels = e->level + 1;
	if (e->kind == VMAINSPECT_PT_PAGE) {
		p->page_size = 1ULL << vmi_pt_level_shift(e->level);
		if (w->show_pfn)
			p->phys_addr = ((u64)e->pfn << PAGE_SHIFT) |
				       (p->addr & ~PAGE_MASK);
	}
	return 0;
}

/* Every VMA: PT_PATH shows a VM_PFNMAP mapping's entries too. */
static int vmi_path_test_vma(struct vmi_pt_walk *w, struct vm_area_struct *vma)
{
	struct vmainspect_pt_path *p = w->priv;

	p->out_flags |= VMAINSPECT_PT_IN_VMA;
	return 0;
}

static const struct vmi_pt_ops vmi_path_ops = {
	.entry = vmi_path_entry,
	.test_vma = vmi_path_test_vma,
};

/*
 * Fill @p for p->addr.  Outside any VMA nothing is walked (the tables
 * there may be being freed by a munmap that already dropped to a read
 * lock): nr_levels stays 0.  Caller holds the mmap lock.
 */
int vmi_pt_path_fill(struct mm_struct *mm, struct vmainspect_pt_path *p,
		     bool show_pfn)
{
	struct vmi_pte_span span;	/* a one-page walk scans one PTE */
	struct vmi_pt_walk w = {
		.ops = &vmi_path_ops,
		.priv = p,
		.mm = mm,
		.show_pfn = show_pfn,
		.budget = VMI_PT_BUDGET,
		.spans = &span,
	};
	unsigned long addr = p->addr & PAGE_MASK;
	unsigned int level;
	int ret;

	p->nr_levels = 0;
	p->out_flags = show_pfn ? 0 : VMAINSPECT_PT_PFN_HIDDEN;
	p->page_size = 0;
	p->phys_addr = 0;
	p->pgtable_levels = vmi_arch_pgtable_levels();
	memset(p->levels, 0, sizeof(p->levels));

	if (p->addr > ULONG_MAX)
		return 0;
	ret = vmi_pt_walk_vmas(&w, addr, addr + PAGE_SIZE);
	if (ret < 0)
		return ret;
	/* Folded levels: same entry as their owner, marked as such. */
	for (level = 0; level < p->nr_levels; level++) {
		if (!vmi_pt_level_folded(level))
			continue;
		p->levels[level].level = level;
		p->levels[level].kind = VMAINSPECT_PT_FOLDED;
		p->levels[level].raw = p->levels[level - 1].raw;
		p->levels[level].index = 0;
	}
	return 0;
}

int vmi_pt_runs_query(struct mm_struct *mm, void *arg)
{
	struct vmi_pt_runs_query *q = arg;

	return vmi_pt_runs_fill(mm, q->start, q->end, q->show_pfn,
				q->frame_bits, q->spans, q->out);
}

/* The one-entry run @e at [@addr, @next) would start. */
static void vmi_pt_entry_run(struct vmainspect_pt_run *run,
			     const struct vmainspect_pt_entry *e,
			     unsigned long addr, unsigned long next)
{
	/* every byte set: the run may reach the user */
	memset(run, 0, sizeof(*run));
	run->start = addr;
	run->end = next;
	run->pfn = e->pfn;
	run->offset = e->offset;
	run->bits = e->bits;
	run->level = e->level;
	run->kind = e->kind;
	run->page_shift = vmi_pt_level_shift(e->level);
	run->swap_type = e->swap_type;
	run->folio_shift = e->folio_shift;
}

/* Does @e at @addr continue @run?  vmainspect_pt_run_joins(), the tool's. */
bool vmi_pt_run_extends(const struct vmainspect_pt_run *run,
			const struct vmainspect_pt_entry *e, unsigned long addr,
			bool show_pfn)
{
	struct vmainspect_pt_run cand;

	vmi_pt_entry_run(&cand, e, addr, addr + PAGE_SIZE);
	return vmainspect_pt_run_joins(run, &cand, PAGE_SHIFT, !show_pfn);
}

static int vmi_runs_entry(struct vmi_pt_walk *w,
			  const struct vmainspect_pt_entry *e,
			  unsigned long addr, unsigned long next)
{
	struct vmi_pt_runs_out *out = w->priv;
	struct vmainspect_pt_run cand, *last;

	if (e->kind == VMAINSPECT_PT_TABLE)
		return 0;
	vmi_pt_entry_run(&cand, e, addr, next);
	if (out->nr_runs) {
		last = &out->runs[out->nr_runs - 1];
		if (vmainspect_pt_run_joins(last, &cand, PAGE_SHIFT,
					    !w->show_pfn)) {
			last->end = next;
			return 0;
		}
	}
	if (out->nr_runs == out->max_runs)
		return 1;
	/* the buffer is not zeroed: cand has every byte set */
	out->runs[out->nr_runs++] = cand;
	return 0;
}

static const struct vmi_pt_ops vmi_runs_ops = {
	.entry = vmi_runs_entry,
	.test_vma = vmi_pt_test_pagemap,
};

/*
 * Runs of [start, end) inside VMAs, until out->runs is full, the budget is
 * spent or, after a table's worth, a writer waits for the mmap lock;
 * out->next_addr is the cursor.  Caller holds the mmap lock.
 */
int vmi_pt_runs_fill(struct mm_struct *mm, u64 start, u64 end,
		     bool show_pfn, bool frame_bits,
		     struct vmi_pte_span *spans, struct vmi_pt_runs_out *out)
{
	struct vmi_pt_walk w = {
		.ops = &vmi_runs_ops,
		.priv = out,
		.mm = mm,
		.show_pfn = show_pfn,
		.no_frame_bits = !frame_bits,
		.budget = VMI_PT_BUDGET,
		.yield_at = VMI_PT_BUDGET - PTRS_PER_PTE,
		.spans = spans,
	};
	int ret;

	out->nr_runs = 0;
	out->done = false;
	out->next_addr = start;
	memset(out->tables, 0, sizeof(out->tables));
	if (start >= end || end - 1 > ULONG_MAX) {
		out->done = true;
		return 0;
	}

	/* no VMA ends above task_size; nor is a 32-bit end of 4 GiB cut to 0 */
	ret = vmi_pt_walk_vmas(&w, start, min_t(u64, end, mm->task_size));
	if (ret < 0)
		return ret;
	if (ret > 0) {
		out->next_addr = w.stop_addr;
	} else {
		out->done = true;
		out->next_addr = end;
	}
	memcpy(out->tables, w.tables, sizeof(out->tables));
	/* The PGD page is visited once per call. */
	out->tables[VMAINSPECT_LVL_PGD] = 1;
	return 0;
}

static int vmi_leaf_entry(struct vmi_pt_walk *w,
			  const struct vmainspect_pt_entry *e,
			  unsigned long addr, unsigned long next)
{
	*(struct vmainspect_pt_entry *)w->priv = *e;
	return 0;
}

static const struct vmi_pt_ops vmi_leaf_ops = {
	.entry = vmi_leaf_entry,
};

static const struct vmi_pt_ops vmi_frame_ops = {
	.entry = vmi_leaf_entry,
	.test_vma = vmi_pt_test_frames,
};

/*
 * The entry that ends the walk of @addr in @vma (frames shown).  The
 * caller keeps the page tables there from being freed: it holds the mmap
 * lock, or (@rmap_locked) the anon_vma or i_mmap lock of @vma (rmap.c
 * explains why that is enough).
 */
int vmi_pt_leaf(struct vm_area_struct *vma, unsigned long addr,
		bool rmap_locked, struct vmainspect_pt_entry *leaf)
{
	struct vmi_pte_span span;	/* a one-page walk scans one PTE */
	struct vmi_pt_walk w = {
		.ops = &vmi_leaf_ops,
		.priv = leaf,
		.mm = vma->vm_mm,
		.show_pfn = true,
		.rmap_locked = rmap_locked,
		.budget = VMI_PT_BUDGET,
		.spans = &span,
	};
	int ret;

	memset(leaf, 0, sizeof(*leaf));
	addr &= PAGE_MASK;
	ret = vmi_pt_walk_vma(&w, vma, addr, addr + PAGE_SIZE);
	return ret < 0 ? ret : 0;
}

/*
 * The frame mapped at @addr of @mm: -ENOENT if none (outside a VMA, not
 * present, or a VM_PFNMAP mapping with no struct page behind it).  Caller
 * holds the mmap lock.
 */
int vmi_pt_addr_to_pfn(struct mm_struct *mm, u64 addr, u64 *pfn)
{
	struct vmainspect_pt_entry leaf = { .kind = VMAINSPECT_PT_NONE };
	struct vmi_pte_span span;	/* a one-page walk scans one PTE */
	struct vmi_pt_walk w = {
		.ops = &vmi_frame_ops,
		.priv = &leaf,
		.mm = mm,
		.show_pfn = true,
		.budget = VMI_PT_BUDGET,
		.spans = &span,
	};
	int ret;

	if (addr > ULONG_MAX)
		return -ENOENT;
	addr &= PAGE_MASK;
	ret = vmi_pt_walk_vmas(&w, addr, addr + PAGE_SIZE);
	if (ret < 0)
		return ret;
	if (leaf.kind != VMAINSPECT_PT_PAGE)
		return -ENOENT;
	*pfn = leaf.pfn;
	return 0;
}
