// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the debugfs views of a process, as text.
 *
 *   /sys/kernel/debug/vmainspect/self/{layout,maps,pagetables}   the reader
 *   /sys/kernel/debug/vmainspect/<pid>/{layout,maps,pagetables}  published
 *
 * debugfs.c publishes the directories and decides at open which mm the
 * opener may see; these files only render it, through the same queries as
 * the ioctls (vmi_mm_query()), a batch per lock hold, and write to the
 * seq_file only after the lock is dropped.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "vmainspect.h"
#include "klayout_arch.h"

/* One VMA batch per lock hold while rendering maps. */
#define VMI_DEBUGFS_BATCH	256
#define VMI_DEBUGFS_STRINGS	(64 * 1024)
/* Page-table runs per lock hold while rendering pagetables. */
#define VMI_DEBUGFS_RUNS	512

static int vmi_layout_show(struct seq_file *m, void *v)
{
	struct vmainspect_layout *l;
	struct mm_struct *mm;
	int ret;

	mm = vmi_debugfs_get_mm(m);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		ret = -ENOMEM;
		goto out_mm;
	}
	ret = vmi_mm_query(mm, vmi_layout_query, l);
	if (ret)
		goto out_free;
	vmi_seq_layout(m, l);
out_free:
	kfree(l);
out_mm:
	mmput(mm);
	return ret;
}

static int vmi_maps_show(struct seq_file *m, void *v)
{
	struct vmi_vma_batch b;
	struct vmi_vma_query q = { .b = &b };
	struct mm_struct *mm;
	u64 addr = 0;
	u32 i;
	int ret;

	mm = vmi_debugfs_get_mm(m);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = vmi_vma_batch_alloc(&b, VMI_DEBUGFS_BATCH, VMI_DEBUGFS_STRINGS);
	if (ret)
		goto out_mm;
	do {
		q.start = addr;
		ret = vmi_mm_query(mm, vmi_vma_query, &q);
		if (ret)
			break;
		/* Render outside the lock: seq_file may allocate. */
		for (i = 0; i < b.nr; i++)
			vmi_seq_vma(m, &b.recs[i], b.strings);
		addr = b.next_addr;
	} while (!b.done && !fatal_signal_pending(current));
	vmi_vma_batch_free(&b);
out_mm:
	mmput(mm);
	return ret;
}

/* Pages of each kind, for the summary line of pagetables. */
struct vmi_pt_tally {
	u64 pages[VMAINSPECT_PT_KIND_MAX];
	u64 tables[VMAINSPECT_LVL_NR];
};

static void vmi_pt_tally_runs(struct vmi_pt_tally *t,
			      const struct vmi_pt_runs_out *out)
{
	unsigned int i;

	for (i = 0; i < out->nr_runs; i++) {
		const struct vmainspect_pt_run *r = &out->runs[i];

		if (r->kind < VMAINSPECT_PT_KIND_MAX)
			t->pages[r->kind] += (r->end - r->start) >> PAGE_SHIFT;
	}
	for (i = 0; i < VMAINSPECT_LVL_NR; i++)
		t->tables[i] += out->tables[i];
}

/*
 * The runs of every VMA, ptdump-style, as `vmainspect pages` prints them
 * (empty runs left out).  Frames need CAP_SYS_ADMIN of the opener, as in
 * /proc/PID/pagemap, and are never shown under lockdown.
 */
static int vmi_pagetables_show(struct seq_file *m, void *v)
{
	bool show_pfn = vmi_pt_show_pfn(vmi_debugfs_privileged(m));
	struct vmi_pt_runs_out out = { .max_runs = VMI_DEBUGFS_RUNS };
	struct vmi_pt_runs_query q = {
		.show_pfn = show_pfn,
		.frame_bits = true,
		.out = &out,
	};
	struct vmi_pt_tally *t;
	struct mm_struct *mm;
	u64 addr = 0;
	unsigned int i;
	int ret;

	mm = vmi_debugfs_get_mm(m);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	q.end = mm->task_size;
	out.runs = kvmalloc_array(out.max_runs, sizeof(*out.runs), GFP_KERNEL);
	q.spans = vmi_pt_scratch_alloc();
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!out.runs || !q.spans || !t) {
		ret = -ENOMEM;
		goto out;
	}
	seq_printf(m, "# %u-level paging; frames %s\n", vmi_arch_pgtable_levels(),
		   show_pfn ? "shown" : "hidden (needs CAP_SYS_ADMIN)");
	do {
		q.start = addr;
		ret = vmi_mm_query(mm, vmi_pt_runs_query, &q);
		if (ret)
			break;
		/* Render outside the lock: seq_file may allocate. */
		for (i = 0; i < out.nr_runs; i++)
			if (out.runs[i].kind != VMAINSPECT_PT_NONE)
				vmi_seq_pt_run(m, &out.runs[i], show_pfn);
		vmi_pt_tally_runs(t, &out);
		addr = out.next_addr;
	} while (!out.done && !fatal_signal_pending(current));
	if (!ret) {
		seq_printf(m, "# page-table pages read: PUD %llu, PMD %llu, PTE %llu\n",
			   t->tables[VMAINSPECT_LVL_PUD],
			   t->tables[VMAINSPECT_LVL_PMD],
			   t->tables[VMAINSPECT_LVL_PTE]);
		seq_printf(m, "# pages: %llu present, %llu swapped, %llu none, %llu other\n",
			   t->pages[VMAINSPECT_PT_PAGE],
			   t->pages[VMAINSPECT_PT_SWAP],
			   t->pages[VMAINSPECT_PT_NONE],
			   t->pages[VMAINSPECT_PT_MIGRATION] +
			   t->pages[VMAINSPECT_PT_DEVICE_PRIVATE] +
			   t->pages[VMAINSPECT_PT_DEVICE_EXCLUSIVE] +
			   t->pages[VMAINSPECT_PT_HWPOISON] +
			   t->pages[VMAINSPECT_PT_MARKER] +
			   t->pages[VMAINSPECT_PT_BAD]);
	}
out:
	kfree(t);
	kfree(q.spans);
	kvfree(out.runs);
	mmput(mm);
	return ret;
}

VMI_DEBUGFS_VIEW(vmi_layout, vmi_debugfs_open_mm);
VMI_DEBUGFS_VIEW(vmi_maps, vmi_debugfs_open_mm);
VMI_DEBUGFS_VIEW(vmi_pagetables, vmi_debugfs_open_mm);

/* The files of a self/ or <pid>/ directory. */
const struct vmi_debugfs_file vmi_debugfs_mm_files[] = {
	{ "layout", &vmi_layout_fops },
	{ "maps", &vmi_maps_fops },
	{ "pagetables", &vmi_pagetables_fops },
	{ }
};
