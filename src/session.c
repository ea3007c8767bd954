// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: binding an open file to a target mm (the access rule it
 * applies is access.c's vmi_may_inspect()).
 *
 * Like /proc/PID/maps, access is checked once, at attach, and the file then
 * tracks the mm it saw, not the task: it holds the mm with mmgrab() and each
 * query takes mmget_not_zero(), which fails once the target has exec'd or
 * exited, so an exec never exposes the new image through an old file.
 */
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/mount.h>
#include <linux/cred.h>
#include <linux/string.h>
#include <linux/magic.h>
#include <linux/capability.h>
#include <linux/mmap_lock.h>
#include <linux/err.h>
#include "vmainspect.h"
#include "compat.h"

/* How often to retry an attach that raced with exec or exit. */
#define VMI_ATTACH_TRIES	3

/*
 * Resolve the process @pid to its mm and check the caller's access, by its
 * number in the caller's pid namespace.  On success *mmp holds an mmgrab()
 * reference.  -EAGAIN: the target exec'd or exited while we checked, so
 * the check may have been about another mm.  -ESRCH: gone, not visible in
 * the caller's namespace, or a kernel thread (no user address space).
 */
int vmi_resolve_pid(struct pid *pid, struct mm_struct **mmp, pid_t *tgidp)
{
	struct task_struct *task;
	struct mm_struct *mm, *now;
	pid_t nr;
	int ret;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return -ESRCH;
	nr = pid_vnr(pid);
	mm = nr ? get_task_mm(task) : NULL;
	if (!mm) {
		ret = -ESRCH;
		goto out_task;
	}

	ret = vmi_may_inspect(task, nr);
	if (!ret) {
		/*
		 * The task (and so its pid number) is pinned, and a grabbed mm
		 * is never reinstalled: if the task still runs @mm now, it ran
		 * @mm during the check, and /proc/<nr> was this task.
		 */
		now = get_task_mm(task);
		if (now != mm)
			ret = -EAGAIN;
		if (now)
			mmput(now);
	}
	if (!ret) {
		mmgrab(mm);
		*mmp = mm;
		*tgidp = task_tgid_vnr(task);
	}
	mmput(mm);
out_task:
	put_task_struct(task);
	return ret;
}

/* vmi_resolve_pid() for pid number @nr of the caller's pid namespace. */
int vmi_resolve_target(pid_t nr, struct mm_struct **mmp, pid_t *tgidp)
{
	struct pid *pid;
	int ret;

	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	ret = vmi_resolve_pid(pid, mmp, tgidp);
	put_pid(pid);
	return ret;
}

void vmi_session_init(struct vmi_session *s)
{
	mutex_init(&s->lock);
	s->mm = NULL;
	s->tgid = 0;
	spin_lock_init(&s->gen_lock);
	s->gen_mm = NULL;
}

void vmi_session_release(struct vmi_session *s)
{
	if (s->mm)
		mmdrop(s->mm);
	s->mm = NULL;
	mutex_destroy(&s->lock);
}

/*
 * Resolve pid @nr for an attach (retrying a race with exec or exit): an
 * mmgrab()'ed mm in *mmp, for vmi_session_set() or mmdrop().
 */
int vmi_attach_resolve_pid(struct pid *pid, struct mm_struct **mmp,
			   pid_t *tgidp)
{
	int tries = VMI_ATTACH_TRIES;
	int ret;

	do {
		ret = vmi_resolve_pid(pid, mmp, tgidp);
	} while (ret == -EAGAIN && --tries);
	return ret;
}

int vmi_attach_resolve(pid_t nr, struct mm_struct **mmp, pid_t *tgidp)
{
	struct pid *pid = find_get_pid(nr);
	int ret;

	if (!pid)
		return -ESRCH;
	ret = vmi_attach_resolve_pid(pid, mmp, tgidp);
	put_pid(pid);
	return ret;
}

/* Bind @s to @mm (its mmgrab() reference passes to @s). */
void vmi_session_set(struct vmi_session *s, struct mm_struct *mm, pid_t tgid)
{
	struct mm_struct *old;

	mutex_lock(&s->lock);
	old = s->mm;
	/*
	 * A new mm may sit where a freed one was: forget the last one's
	 * generation, in the same gen_lock section that a query's store
	 * checks s->mm in (vmi_session_generation()).
	 */
	spin_lock(&s->gen_lock);
	s->mm = mm;
	s->gen_mm = NULL;
	spin_unlock(&s->gen_lock);
	s->tgid = tgid;
	mutex_unlock(&s->lock);
	if (old)
		mmdrop(old);
}

/*
 * A user reference on the attached mm for one query, or ERR_PTR: -ENXIO if
 * nothing is attached, -ESRCH if the target has exec'd or exited.
 */
struct mm_struct *vmi_session_get_mm(struct vmi_session *s)
{
	struct mm_struct *mm;

	mutex_lock(&s->lock);
	mm = s->mm;
	if (!mm)
		mm = ERR_PTR(-ENXIO);
	else if (!mmget_not_zero(mm))
		mm = ERR_PTR(-ESRCH);
	mutex_unlock(&s->lock);
	return mm;
}

/*
 * The generation of @mm's VMA set (vmi_mm_generation()); the caller holds
 * its mmap lock.  Hashing every VMA costs a walk of the maple tree, and a
 * tool's cursor loop over a large process makes a call per VMA or more.
 * Where the kernel counts the releases of the mmap lock taken for write
 * (vmi_mm_write_seq()), a count unchanged since this session's last call
 * means no VMA changed since: that answer stands.  Reset by each attach.
 */
u64 vmi_session_generation(struct vmi_session *s, struct mm_struct *mm)
{
	bool counted;
	u64 seq = 0, gen;

	counted = vmi_mm_write_seq(mm, &seq);
	if (counted) {
		spin_lock(&s->gen_lock);
		if (s->gen_mm == mm && s->gen_seq == seq) {
			gen = s->gen;
			spin_unlock(&s->gen_lock);
			return gen;
		}
		spin_unlock(&s->gen_lock);
	}
	gen = vmi_mm_generation(mm);
	if (counted) {
		spin_lock(&s->gen_lock);
		/* not if an attach came since: @mm may be gone after our mmput */
		if (s->mm == mm) {
			s->gen_mm = mm;
			s->gen_seq = seq;
			s->gen = gen;
		}
		spin_unlock(&s->gen_lock);
	}
	return gen;
}

/*
 * @fill(@mm, @arg) under @mm's mmap lock, taken for read and killably.
 * What @fill needs is allocated before (no sleeping allocation under the
 * target's lock) and copied to the user after, by the caller.
 */
int vmi_mm_query(struct mm_struct *mm,
		 int (*fill)(struct mm_struct *mm, void *arg), void *arg)
{
	int ret = vmi_mm_lock(mm);

	if (ret)
		return ret;
	ret = fill(mm, arg);
	vmi_mm_unlock(mm);
	return ret;
}

/*
 * One query of the attached mm, the sequence of every ioctl that reads it:
 * a user reference for the call (-ENXIO unattached, -ESRCH exec'd or
 * exited), vmi_mm_query(), and, if @generation, the VMA set's generation
 * as @fill saw it, under the same lock.
 */
int vmi_session_query(struct vmi_session *s,
		      int (*fill)(struct mm_struct *mm, void *arg), void *arg,
		      u64 *generation)
{
	struct mm_struct *mm = vmi_session_get_mm(s);
	int ret;

	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = vmi_mm_lock(mm);
	if (!ret) {
		ret = fill(mm, arg);
		if (generation)
			*generation = vmi_session_generation(s, mm);
		vmi_mm_unlock(mm);
	}
	mmput(mm);
	return ret;
}

int vmi_mm_lock(struct mm_struct *mm)
{
	return mmap_read_lock_killable(mm);
}

void vmi_mm_unlock(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
}
