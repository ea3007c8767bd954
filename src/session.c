// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: binding an open file to a target mm, and the access rule.
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
#include <linux/magic.h>
#include <linux/capability.h>
#include <linux/mmap_lock.h>
#include <linux/err.h>
#include "vmainspect.h"

/* How often to retry an attach that raced with exec or exit. */
#define VMI_ATTACH_TRIES	3

/*
 * May the caller read /proc/<nr>/maps?  ptrace_may_access() and mm_access()
 * are not exported to modules, and a hand-written uid comparison would
 * bypass the LSMs, Yama and the dumpable rules.  So let the kernel decide:
 * open the file with the caller's credentials, exactly as `cat` would,
 * which runs mm_access(PTRACE_MODE_READ_FSCREDS) in proc_maps_open().
 *
 * The answer is only about our target if that /proc is procfs of the
 * caller's own pid namespace; otherwise -ENOENT says "no usable procfs".
 */
static int vmi_proc_may_read_maps(pid_t nr)
{
	struct super_block *sb;
	struct file *f;
	char path[32];
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", nr);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	sb = file_inode(f)->i_sb;
	if (sb->s_magic != PROC_SUPER_MAGIC ||
	    proc_sb_info(sb)->pid_ns != task_active_pid_ns(current))
		ret = -ENOENT;
	filp_close(f, NULL);
	return ret;
}

static int vmi_may_inspect(struct task_struct *task, pid_t nr)
{
	int ret;

	/* One's own process, always (as /proc/self/maps). */
	if (task->tgid == current->tgid)
		return 0;

	ret = vmi_proc_may_read_maps(nr);
	/* Without a usable procfs nobody can ask the kernel: need the cap. */
	if (ret == -ENOENT)
		ret = capable(CAP_SYS_PTRACE) ? 0 : -EACCES;
	return ret;
}

/*
 * Resolve pid @nr (caller's namespace) to its mm and check access.  On
 * success *mmp holds an mmgrab() reference.  -EAGAIN: the target exec'd or
 * exited while we checked, so the check may have been about another mm.
 */
int vmi_resolve_target(pid_t nr, struct mm_struct **mmp, pid_t *tgidp)
{
	struct task_struct *task;
	struct mm_struct *mm, *now;
	struct pid *pid;
	int ret;

	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;

	/* Kernel threads and exited tasks have no user address space. */
	mm = get_task_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_task;
	}

	ret = vmi_may_inspect(task, nr);
	if (!ret) {
		/*
		 * The task (and so its pid number) is pinned, and a grabbed mm
		 * is never reinstalled: if the task still runs @mm now, it ran
		 * @mm during the check.
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

void vmi_session_init(struct vmi_session *s)
{
	mutex_init(&s->lock);
	s->mm = NULL;
	s->tgid = 0;
}

void vmi_session_release(struct vmi_session *s)
{
	if (s->mm)
		mmdrop(s->mm);
	s->mm = NULL;
	mutex_destroy(&s->lock);
}

int vmi_session_attach(struct vmi_session *s, pid_t nr, pid_t *tgidp)
{
	struct mm_struct *mm, *old;
	int tries = VMI_ATTACH_TRIES;
	int ret;

	do {
		ret = vmi_resolve_target(nr, &mm, tgidp);
	} while (ret == -EAGAIN && --tries);
	if (ret)
		return ret;

	mutex_lock(&s->lock);
	old = s->mm;
	s->mm = mm;
	s->tgid = *tgidp;
	mutex_unlock(&s->lock);
	if (old)
		mmdrop(old);
	return 0;
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

int vmi_mm_lock(struct mm_struct *mm)
{
	return mmap_read_lock_killable(mm);
}

void vmi_mm_unlock(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
}
