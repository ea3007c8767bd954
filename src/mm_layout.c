// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the mm_struct layout fields and counters (what /proc/PID/stat
 * and /proc/PID/status show, plus brk and mmap_base, which they do not).
 */
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/spinlock.h>
#include "vmainspect.h"
#include "compat.h"
#include "klayout_arch.h"

/* Caller holds the mmap lock; fills every output field of @l. */
void vmi_layout_fill(struct mm_struct *mm, struct vmainspect_layout *l)
{
	mmap_assert_locked(mm);

	l->task_size = mm->task_size;
	l->mmap_base = mm->mmap_base;
	l->start_code = mm->start_code;
	l->end_code = mm->end_code;
	l->start_data = mm->start_data;
	l->end_data = mm->end_data;
	l->start_brk = mm->start_brk;
	l->brk = mm->brk;
	l->start_stack = mm->start_stack;

	/* prctl(PR_SET_MM) changes these under arg_lock, not the mmap lock. */
	spin_lock(&mm->arg_lock);
	l->arg_start = mm->arg_start;
	l->arg_end = mm->arg_end;
	l->env_start = mm->env_start;
	l->env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);

	l->map_count = mm->map_count;
	l->total_vm = mm->total_vm;
	l->locked_vm = mm->locked_vm;
	l->pinned_vm = atomic64_read(&mm->pinned_vm);
	l->data_vm = mm->data_vm;
	l->exec_vm = mm->exec_vm;
	l->stack_vm = mm->stack_vm;
	l->rss_file = vmi_mm_counter(mm, MM_FILEPAGES);
	l->rss_anon = vmi_mm_counter(mm, MM_ANONPAGES);
	l->rss_shmem = vmi_mm_counter(mm, MM_SHMEMPAGES);
	l->swap_ents = vmi_mm_counter(mm, MM_SWAPENTS);
	l->hiwater_rss = get_mm_hiwater_rss(mm);
	l->hiwater_vm = get_mm_hiwater_vm(mm);
	l->pgtables_bytes = mm_pgtables_bytes(mm);
	l->pgtable_levels = vmi_arch_pgtable_levels();
	l->page_shift = PAGE_SHIFT;
	memset(l->reserved, 0, sizeof(l->reserved));
}

/* vmi_layout_fill() as a vmi_mm_query()/vmi_session_query() fill. */
int vmi_layout_query(struct mm_struct *mm, void *l)
{
	vmi_layout_fill(mm, l);
	return 0;
}
