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

/* How often to retry an attach that raced with exec or exit. */
#define VMI_ATTACH_TRIES	3

/*
 * Is @path the maps file of pid @nr in a procfs of the caller's pid
 * namespace, reached without any mount in between?  That is: the mount is
 * a whole procfs (its root is the superblock's root, not a bind mount of
 * a subdirectory or of a single file), the file is named "maps", its
 * parent is named "<nr>", and that parent hangs directly off the procfs
 * root.  procfs never renames these dentries, and the reference @path
 * holds pins the parent, so d_parent and d_name are stable here.
 *
 * This is what makes the answer of the open below be about pid @nr: in a
 * user+mount namespace an unprivileged caller can bind-mount anything over
 * /proc/<nr> (its own /proc/<self>, say), and a path alone proves nothing.
 */
/* Is @path on a whole procfs mount (no bind of a part) of our pid ns? */
static bool vmi_on_whole_procfs(const struct path *path)
{
	struct super_block *sb = path->dentry->d_sb;

	return sb->s_magic == PROC_SUPER_MAGIC &&
	       proc_sb_info(sb)->pid_ns == task_active_pid_ns(current) &&
	       path->mnt->mnt_root == sb->s_root;
}

static bool vmi_is_proc_maps_of(const struct path *path, pid_t nr)
{
	struct dentry *dentry = path->dentry, *dir = dentry->d_parent;
	char name[16];
	int len;

	if (!vmi_on_whole_procfs(path) || dir->d_parent != dentry->d_sb->s_root)
		return false;
	len = snprintf(name, sizeof(name), "%d", nr);
	return dentry->d_name.len == 4 &&
	       !memcmp(dentry->d_name.name, "maps", 4) &&
	       dir->d_name.len == len && !memcmp(dir->d_name.name, name, len);
}

/*
 * Is @path a whole procfs mount of the caller's pid namespace (its root)?
 * Then the caller has a procfs to ask, and what it says stands.
 */
static bool vmi_is_proc_root(const struct path *path)
{
	return vmi_on_whole_procfs(path) && path->dentry == path->dentry->d_sb->s_root;
}

/*
 * May the caller read /proc/<nr>/maps?  ptrace_may_access() and mm_access()
 * are not exported to modules, and a hand-written uid comparison would
 * bypass the LSMs, Yama and the dumpable rules.  So let the kernel decide,
 * in two steps:
 *  1. look the path up with the caller's credentials (kern_path(): the
 *     lookup of /proc/<nr> applies procfs's hidepid= rules, exactly as for
 *     `cat`), without opening anything, and prove that what was found is
 *     the maps file of pid @nr (vmi_is_proc_maps_of());
 *  2. open that very dentry with the caller's credentials (dentry_open()),
 *     which runs proc_maps_open() -> mm_access(PTRACE_MODE_READ_FSCREDS)
 *     and the LSM file_open hook: the kernel's own decision.
 * Nothing but procfs's maps file is ever opened, so a caller cannot make
 * us open a FIFO, a device or a FUSE file it placed on the path.
 *
 * -ENOENT when /proc is a procfs of ours but the lookup fails: what `cat`
 * would get (hidepid=2 hides the pid; procfs also says -ENOENT when it
 * cannot allocate the inode).  -EXDEV: no such procfs at /proc, or the
 * path leads elsewhere (a mount on top): nobody can ask the kernel.
 */
static int vmi_proc_may_read_maps(pid_t nr)
{
	struct path path;
	struct file *f;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "/proc/%d/maps", nr);
	ret = kern_path(name, 0, &path);
	if (ret == -ENOENT) {
		/* is there a procfs of ours at /proc to have said so? */
		ret = kern_path("/proc", LOOKUP_FOLLOW, &path);
		if (ret)
			return ret == -ENOMEM ? ret : -EXDEV;
		ret = vmi_is_proc_root(&path) ? -ENOENT : -EXDEV;
		path_put(&path);
		return ret;
	}
	/* hidepid=1 says -EACCES; anything else: not procfs's answer */
	if (ret)
		return ret == -EACCES || ret == -ENOMEM ? ret : -EXDEV;
	if (!vmi_is_proc_maps_of(&path, nr)) {
		path_put(&path);
		return -EXDEV;
	}
	f = dentry_open(&path, O_RDONLY, current_cred());
	path_put(&path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fput(f);
	return 0;
}

static int vmi_may_inspect(struct task_struct *task, pid_t nr)
{
	int ret;

	/* One's own process, always (as /proc/self/maps). */
	if (task->tgid == current->tgid)
		return 0;

	ret = vmi_proc_may_read_maps(nr);
	/* Without a usable procfs nobody can ask the kernel: need the cap. */
	if (ret == -EXDEV)
		ret = capable(CAP_SYS_PTRACE) ? 0 : -EACCES;
	return ret;
}

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
	s->mm = mm;
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

int vmi_mm_lock(struct mm_struct *mm)
{
	return mmap_read_lock_killable(mm);
}

void vmi_mm_unlock(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
}
