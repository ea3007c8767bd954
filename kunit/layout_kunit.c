// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: the mm layout record and the session's mm tracking.
 *
 * vmainspect_layout: vmi_layout_fill() on the test's own mm (mm_fixture.c)
 * against the mm's fields read directly, and the VMA counters against
 * sums over the kernel's find_vma() walk.
 *
 * vmainspect_session: a session tracks the mm, not the task: a query on an
 * mm whose users are gone (exec or exit) is -ESRCH, an unattached session
 * -ENXIO; kernel threads have no user address space to attach to.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/threads.h>
#include "vmainspect_kunit.h"

static int vmi_layout_init(struct kunit *test)
{
	struct vmi_fx *fx;
	struct mm_struct *mm;
	int ret;

	ret = vmi_fx_init(test);
	if (ret)
		return ret;
	fx = test->priv;
	mm = fx->mm;
	/* Distinct values, so a swapped field cannot go unnoticed. */
	mm->start_code = fx->base - 16 * PAGE_SIZE;
	mm->end_code = fx->base - 15 * PAGE_SIZE + 0x123;
	mm->start_data = fx->base - 14 * PAGE_SIZE;
	mm->end_data = fx->base - 13 * PAGE_SIZE + 0x45;
	spin_lock(&mm->arg_lock);
	mm->arg_start = fx->base - 8 * PAGE_SIZE + 0x10;
	mm->arg_end = fx->base - 8 * PAGE_SIZE + 0x20;
	mm->env_start = fx->base - 8 * PAGE_SIZE + 0x30;
	mm->env_end = fx->base - 8 * PAGE_SIZE + 0x40;
	spin_unlock(&mm->arg_lock);
	return 0;
}

static void vmi_layout_get(struct kunit *test, struct mm_struct *mm,
			   struct vmainspect_layout *l)
{
	memset(l, 0xff, sizeof(*l));
	l->size = sizeof(*l);
	l->flags = 0;
	mmap_read_lock(mm);
	vmi_layout_fill(mm, l);
	mmap_read_unlock(mm);
	/* The input fields are left alone (dev.c copies the struct back). */
	KUNIT_EXPECT_EQ(test, l->size, (u32)sizeof(*l));
	KUNIT_EXPECT_EQ(test, l->flags, 0U);
}

static void vmi_layout_fields(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct mm_struct *mm = fx->mm;
	struct vmainspect_layout l;

	vmi_layout_get(test, mm, &l);
	KUNIT_EXPECT_EQ(test, l.task_size, (u64)mm->task_size);
	KUNIT_EXPECT_EQ(test, l.mmap_base, (u64)mm->mmap_base);
	KUNIT_EXPECT_EQ(test, l.start_code, (u64)mm->start_code);
	KUNIT_EXPECT_EQ(test, l.end_code, (u64)mm->end_code);
	KUNIT_EXPECT_EQ(test, l.start_data, (u64)mm->start_data);
	KUNIT_EXPECT_EQ(test, l.end_data, (u64)mm->end_data);
	KUNIT_EXPECT_EQ(test, l.start_brk, (u64)mm->start_brk);
	KUNIT_EXPECT_EQ(test, l.brk, (u64)mm->brk);
	KUNIT_EXPECT_EQ(test, l.start_stack, (u64)mm->start_stack);
	KUNIT_EXPECT_EQ(test, l.arg_start, (u64)mm->arg_start);
	KUNIT_EXPECT_EQ(test, l.arg_end, (u64)mm->arg_end);
	KUNIT_EXPECT_EQ(test, l.env_start, (u64)mm->env_start);
	KUNIT_EXPECT_EQ(test, l.env_end, (u64)mm->env_end);

	/* What the fixture set up, in the test's own terms. */
	KUNIT_EXPECT_EQ(test, l.task_size, (u64)TASK_SIZE);
	KUNIT_EXPECT_EQ(test, l.start_brk, (u64)fx->start[VMI_FX_A4]);
	KUNIT_EXPECT_EQ(test, l.brk, (u64)fx->end[VMI_FX_A4]);
	KUNIT_EXPECT_EQ(test, l.start_stack,
			(u64)fx->start[VMI_FX_A3] + PAGE_SIZE);
	KUNIT_EXPECT_NE(test, l.mmap_base, 0ULL);
	KUNIT_EXPECT_LT(test, l.mmap_base, l.task_size);
}

static void vmi_layout_counters(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct mm_struct *mm = fx->mm;
	struct vmainspect_layout l;

	vmi_layout_get(test, mm, &l);
	KUNIT_EXPECT_EQ(test, l.map_count, (u64)mm->map_count);
	KUNIT_EXPECT_EQ(test, l.total_vm, (u64)mm->total_vm);
	KUNIT_EXPECT_EQ(test, l.locked_vm, (u64)mm->locked_vm);
	KUNIT_EXPECT_EQ(test, l.pinned_vm, (u64)atomic64_read(&mm->pinned_vm));
	KUNIT_EXPECT_EQ(test, l.data_vm, (u64)mm->data_vm);
	KUNIT_EXPECT_EQ(test, l.exec_vm, (u64)mm->exec_vm);
	KUNIT_EXPECT_EQ(test, l.stack_vm, (u64)mm->stack_vm);
	KUNIT_EXPECT_EQ(test, l.hiwater_vm, (u64)get_mm_hiwater_vm(mm));
	KUNIT_EXPECT_EQ(test, l.pgtables_bytes, (u64)mm_pgtables_bytes(mm));
	/* A1 has a page faulted in: there are page tables below the pgd. */
	KUNIT_EXPECT_GT(test, l.pgtables_bytes, 0ULL);
	KUNIT_EXPECT_GE(test, l.hiwater_vm, l.total_vm);
}

/*
 * RSS: the fixture wrote one byte to A1 and touched nothing else, so
 * exactly one anonymous page is resident (whatever per-CPU batching the
 * kernel's counters do), and the high-water mark is at least that.
 */
static void vmi_layout_rss(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmainspect_layout l;

	vmi_layout_get(test, fx->mm, &l);
	KUNIT_EXPECT_EQ(test, l.rss_anon, 1ULL);
	KUNIT_EXPECT_EQ(test, l.rss_file, 0ULL);
	KUNIT_EXPECT_EQ(test, l.rss_shmem, 0ULL);
	KUNIT_EXPECT_EQ(test, l.swap_ents, 0ULL);
	KUNIT_EXPECT_GE_MSG(test, l.hiwater_rss,
			    l.rss_anon + l.rss_file + l.rss_shmem,
			    "VmHWM below VmRSS");
	KUNIT_EXPECT_GE(test, l.hiwater_rss, (u64)fx->mm->hiwater_rss);
}

/*
 * The VMA counters against the kernel's own VMA walk: how many, and how
 * many pages, by the vm_stat_account() classes (mm/internal.h).
 */
static void vmi_layout_vs_walk(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmi_fx_vma *orc;
	struct vmainspect_layout l;
	u64 pages = 0, data = 0, exec = 0, stack = 0;
	int n, i;

	orc = kunit_kcalloc(test, VMI_FX_MAX_VMAS, sizeof(*orc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orc);
	n = vmi_fx_oracle(test, fx->mm, orc, VMI_FX_MAX_VMAS);
	KUNIT_ASSERT_EQ(test, n, (int)VMI_FX_NR);
	for (i = 0; i < n; i++) {
		u64 np = (orc[i].end - orc[i].start) >> PAGE_SHIFT;
		unsigned long f = orc[i].vm_flags;

		pages += np;
		if ((f & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
			exec += np;
		else if ((f & VM_STACK) == VM_STACK)
			stack += np;
		else if ((f & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
			data += np;
	}

	vmi_layout_get(test, fx->mm, &l);
	KUNIT_EXPECT_EQ(test, l.map_count, (u64)n);
	KUNIT_EXPECT_EQ(test, l.total_vm, pages);
	KUNIT_EXPECT_EQ(test, l.data_vm, data);
	KUNIT_EXPECT_EQ(test, l.exec_vm, exec);
	KUNIT_EXPECT_EQ(test, l.stack_vm, stack);
}

static void vmi_layout_paging(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	struct vmainspect_layout l;
	int i;

	vmi_layout_get(test, fx->mm, &l);
	KUNIT_EXPECT_EQ(test, l.pgtable_levels, (u32)CONFIG_PGTABLE_LEVELS);
	KUNIT_EXPECT_EQ(test, l.page_shift, (u32)PAGE_SHIFT);
	for (i = 0; i < ARRAY_SIZE(l.reserved); i++)
		KUNIT_EXPECT_EQ_MSG(test, l.reserved[i], 0ULL, "reserved[%d]", i);
}

/* After an munmap the counters follow. */
static void vmi_layout_after_munmap(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	unsigned long len = fx->end[VMI_FX_A4] - fx->start[VMI_FX_A4];
	struct vmainspect_layout before, after;
	int ret;

	vmi_layout_get(test, fx->mm, &before);
	vmi_fx_enter(fx->mm);
	ret = vm_munmap(fx->start[VMI_FX_A4], len);
	vmi_fx_leave(fx->mm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	vmi_layout_get(test, fx->mm, &after);
	KUNIT_EXPECT_EQ(test, after.map_count, before.map_count - 1);
	KUNIT_EXPECT_EQ(test, after.total_vm,
			before.total_vm - (len >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, after.data_vm,
			before.data_vm - (len >> PAGE_SHIFT));
}

static struct kunit_case vmi_layout_cases[] = {
	KUNIT_CASE(vmi_layout_fields),
	KUNIT_CASE(vmi_layout_counters),
	KUNIT_CASE(vmi_layout_rss),
	KUNIT_CASE(vmi_layout_vs_walk),
	KUNIT_CASE(vmi_layout_paging),
	KUNIT_CASE(vmi_layout_after_munmap),
	{}
};

static struct kunit_suite vmi_layout_suite = {
	.name = "vmainspect_layout",
	.init = vmi_layout_init,
	.exit = vmi_fx_exit,
	.test_cases = vmi_layout_cases,
};

static void vmi_session_unattached(struct kunit *test)
{
	struct vmi_session s;
	struct mm_struct *mm;

	vmi_session_init(&s);
	mm = vmi_session_get_mm(&s);
	KUNIT_EXPECT_TRUE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, PTR_ERR(mm), -ENXIO);
	vmi_session_release(&s);
}

/* An attached, live mm: each query holds one user reference. */
static void vmi_session_live_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();
	struct mm_struct *got;
	struct vmi_session s;
	int users;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	vmi_session_init(&s);
	mmgrab(mm);
	s.mm = mm;
	users = atomic_read(&mm->mm_users);
	got = vmi_session_get_mm(&s);
	KUNIT_EXPECT_PTR_EQ(test, got, mm);
	KUNIT_EXPECT_EQ(test, atomic_read(&mm->mm_users), users + 1);
	if (!IS_ERR(got))
		mmput(got);
	KUNIT_EXPECT_EQ(test, atomic_read(&mm->mm_users), users);
	vmi_session_release(&s);	/* drops the mmgrab() */
	KUNIT_EXPECT_NULL(test, s.mm);
	mmput(mm);
}

/* The target exec'd or exited: its old mm has no users left. */
static void vmi_session_dead_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();
	struct mm_struct *got;
	struct vmi_session s;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	vmi_session_init(&s);
	mmgrab(mm);
	s.mm = mm;
	mmput(mm);			/* the last user is gone */
	got = vmi_session_get_mm(&s);
	KUNIT_EXPECT_TRUE(test, IS_ERR(got));
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ESRCH);
	if (!IS_ERR(got))
		mmput(got);
	vmi_session_release(&s);	/* frees the mm */
}

/* Kernel threads (this test) have no user mm; bogus pids do not exist. */
static void vmi_session_resolve(struct kunit *test)
{
	struct mm_struct *mm = NULL;
	pid_t tgid = 0;

	KUNIT_ASSERT_NULL(test, current->mm);
	KUNIT_EXPECT_EQ(test, vmi_resolve_target(task_pid_nr(current), &mm,
						 &tgid), -ESRCH);
	KUNIT_EXPECT_NULL(test, mm);
	KUNIT_EXPECT_EQ(test, vmi_resolve_target(0, &mm, &tgid), -ESRCH);
	KUNIT_EXPECT_EQ(test, vmi_resolve_target(PID_MAX_LIMIT, &mm, &tgid),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, vmi_resolve_target(-1, &mm, &tgid), -ESRCH);
	KUNIT_EXPECT_NULL(test, mm);
}

static void vmi_session_attach_kthread(struct kunit *test)
{
	struct vmi_session s;
	struct mm_struct *mm = NULL;
	pid_t tgid = 0;

	vmi_session_init(&s);
	KUNIT_EXPECT_EQ(test, vmi_attach_resolve(task_pid_nr(current), &mm,
						 &tgid), -ESRCH);
	KUNIT_EXPECT_NULL(test, mm);
	KUNIT_EXPECT_NULL(test, s.mm);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmi_session_get_mm(&s)), -ENXIO);
	vmi_session_release(&s);
}

static void vmi_session_mm_lock(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_EXPECT_EQ(test, vmi_mm_lock(mm), 0);
	KUNIT_EXPECT_TRUE(test, rwsem_is_locked(&mm->mmap_lock));
	vmi_mm_unlock(mm);
	KUNIT_EXPECT_FALSE(test, rwsem_is_locked(&mm->mmap_lock));
	mmput(mm);
}

static struct kunit_case vmi_session_cases[] = {
	KUNIT_CASE(vmi_session_unattached),
	KUNIT_CASE(vmi_session_live_mm),
	KUNIT_CASE(vmi_session_dead_mm),
	KUNIT_CASE(vmi_session_resolve),
	KUNIT_CASE(vmi_session_attach_kthread),
	KUNIT_CASE(vmi_session_mm_lock),
	{}
};

static struct kunit_suite vmi_session_suite = {
	.name = "vmainspect_session",
	.test_cases = vmi_session_cases,
};

kunit_test_suites(&vmi_layout_suite, &vmi_session_suite);
