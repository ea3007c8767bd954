// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the debugfs front end's core: its root, the directories
 * published on request, and what an open file was granted.
 *
 *   /sys/kernel/debug/vmainspect/self/        the reader       debugfs_mm.c
 *   /sys/kernel/debug/vmainspect/<pid>/       published        debugfs_mm.c
 *   /sys/kernel/debug/vmainspect/frames/<pfn>/ published   debugfs_frames.c
 *   /sys/kernel/debug/vmainspect/kernel_layout            debugfs_klayout.c
 *
 * Every file is 0444 with no write, ioctl or mmap: lockdown refuses
 * debugfs files that have them.  So a pid or a frame cannot be chosen by
 * writing a file; instead a CAP_SYS_ADMIN caller publishes a directory
 * for it through the device: an attach with VMAINSPECT_ATTACH_DEBUGFS
 * (`vmainspect debugfs PID`) or a PAGE call with VMAINSPECT_PAGE_DEBUGFS
 * (`vmainspect debugfs --pfn PFN`).  Both kinds live in one registry below.
 * A <pid>/ directory is bound to the process (its struct pid), never to a
 * number a later process may reuse.
 *
 * As /proc/PID/maps does, access is decided once, at open, with the
 * opener's credentials (the same rule as an attach), and the open file
 * then keeps the mm it was granted: a descriptor passed to another process
 * shows what its opener was allowed to see, no more (a privileged reader
 * of a passed fd is not a confused deputy), and once that process has
 * exec'd or exited, reads fail with ESRCH.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "vmainspect.h"

/*
 * The registry of published directories.  Each kind has its own bound:
 * live <pid>/ directories at most VMI_DEBUGFS_MAX_PIDS (dead ones are
 * swept on each publish; then -ENOSPC), frames at most
 * VMI_DEBUGFS_MAX_FRAMES (a frame has no life of its own to end it: the
 * oldest goes first).
 */
#define VMI_DEBUGFS_MAX_PIDS	64
#define VMI_DEBUGFS_MAX_FRAMES	64

enum vmi_published_kind {
	VMI_PUBLISHED_PID,
	VMI_PUBLISHED_FRAME,
	VMI_PUBLISHED_KINDS
};

struct vmi_published {
	struct list_head node;
	enum vmi_published_kind kind;
	struct pid *pid;		/* <pid>/: the process, referenced */
	u64 pfn;			/* frames/<pfn>/ */
	struct dentry *dir;
};

static struct dentry *vmi_debugfs_root;
static struct dentry *vmi_frames_root;
static DEFINE_MUTEX(vmi_published_lock);	/* protects the three below */
static LIST_HEAD(vmi_published);
static unsigned int vmi_nr_published[VMI_PUBLISHED_KINDS];

/*
 * What an open file was granted, decided at open.  mm: mmgrab()'ed (only
 * the <pid>/ and self/ views); pfn: the frames/<pfn>/ views' frame, copied
 * at open (the directory may go while the file is open).
 */
struct vmi_debugfs_ctx {
	struct mm_struct *mm;
	bool privileged;		/* opener had CAP_SYS_ADMIN */
	bool kaddrs;			/* opener may see kernel addresses */
	u64 pfn;
};

/* The directory an inode's file belongs to (NULL: self/ or kernel_layout). */
static struct vmi_published *vmi_debugfs_published(struct inode *inode)
{
	return inode->i_private;
}

/* The mm the opener may see: its own (self/), or @p's if allowed. */
static int vmi_debugfs_grant_mm(struct vmi_published *p,
				struct mm_struct **mmp)
{
	pid_t tgid;

	if (!p) {
		struct mm_struct *mm = get_task_mm(current);

		if (!mm)
			return -ESRCH;
		mmgrab(mm);
		mmput(mm);
		*mmp = mm;
		return 0;
	}
	return vmi_attach_resolve_pid(p->pid, mmp, &tgid);
}

/* The seq_file's context, allocated and checked at open. */
static struct vmi_debugfs_ctx *vmi_debugfs_ctx_new(struct file *file)
{
	struct vmi_debugfs_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return NULL;
	ctx->privileged = vmi_opener_privileged(file);
	ctx->kaddrs = vmi_kaddrs_visible(ctx->privileged);
	return ctx;
}

static void vmi_debugfs_ctx_free(struct vmi_debugfs_ctx *ctx)
{
	if (ctx->mm)
		mmdrop(ctx->mm);
	kfree(ctx);
}

static int vmi_debugfs_open(struct file *file, struct vmi_debugfs_ctx *ctx,
			    int (*show)(struct seq_file *, void *))
{
	int ret = single_open(file, show, ctx);

	if (ret)
		vmi_debugfs_ctx_free(ctx);
	return ret;
}

int vmi_debugfs_release(struct inode *inode, struct file *file)
{
	vmi_debugfs_ctx_free(((struct seq_file *)file->private_data)->private);
	return single_release(inode, file);
}

/* Open a process view: the opener's right to @inode's process, now. */
int vmi_debugfs_open_mm(struct inode *inode, struct file *file,
			int (*show)(struct seq_file *, void *))
{
	struct vmi_debugfs_ctx *ctx = vmi_debugfs_ctx_new(file);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = vmi_debugfs_grant_mm(vmi_debugfs_published(inode), &ctx->mm);
	if (ret) {
		kfree(ctx);
		return ret;
	}
	return vmi_debugfs_open(file, ctx, show);
}

/* Open a frames/<pfn>/ view: the PAGE rule, with the opener's credentials. */
int vmi_debugfs_open_frame(struct inode *inode, struct file *file,
			   int (*show)(struct seq_file *, void *))
{
	struct vmi_debugfs_ctx *ctx = vmi_debugfs_ctx_new(file);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = vmi_frames_check(ctx->privileged);
	if (ret) {
		kfree(ctx);
		return ret;
	}
	ctx->pfn = vmi_debugfs_published(inode)->pfn;
	return vmi_debugfs_open(file, ctx, show);
}

/* Open a view that needs neither a process nor a frame (kernel_layout). */
int vmi_debugfs_open_plain(struct inode *inode, struct file *file,
			   int (*show)(struct seq_file *, void *))
{
	struct vmi_debugfs_ctx *ctx = vmi_debugfs_ctx_new(file);

	if (!ctx)
		return -ENOMEM;
	return vmi_debugfs_open(file, ctx, show);
}

/* A user reference on the granted mm, or -ESRCH once it has gone. */
struct mm_struct *vmi_debugfs_get_mm(struct seq_file *m)
{
	struct vmi_debugfs_ctx *ctx = m->private;

	if (!mmget_not_zero(ctx->mm))
		return ERR_PTR(-ESRCH);
	return ctx->mm;
}

/* For the show functions of the views. */
bool vmi_debugfs_privileged(struct seq_file *m)
{
	return ((struct vmi_debugfs_ctx *)m->private)->privileged;
}

bool vmi_debugfs_kaddrs(struct seq_file *m)
{
	return vmi_kaddrs_still_visible(((struct vmi_debugfs_ctx *)m->private)->kaddrs);
}

u64 vmi_debugfs_pfn(struct seq_file *m)
{
	return ((struct vmi_debugfs_ctx *)m->private)->pfn;
}

/* Directory @name in @parent with @files, all or none; @data: i_private. */
static struct dentry *vmi_debugfs_add_dir(struct dentry *parent,
					  const char *name,
					  const struct vmi_debugfs_file *files,
					  void *data)
{
	struct dentry *dir = debugfs_create_dir(name, parent);

	if (IS_ERR(dir))
		return dir;
	/* a half directory would be "already there" */
	for (; files->name; files++) {
		if (IS_ERR(debugfs_create_file(files->name, 0444, dir, data,
					       files->fops))) {
			debugfs_remove(dir);
			return ERR_PTR(-ENOMEM);
		}
	}
	return dir;
}

/*
 * Take @p out of the registry onto @gone.  Its directory goes in
 * vmi_published_free(), after the lock is dropped: debugfs_remove() waits
 * for the readers inside ->open and ->read, which a reader can stall (a
 * lookup on a FUSE mount, a user buffer that faults on one), and no other
 * publisher may wait for that behind this lock.
 * Caller: vmi_published_lock.
 */
static void vmi_published_unlink(struct vmi_published *p,
				 struct list_head *gone)
{
	list_move_tail(&p->node, gone);
	vmi_nr_published[p->kind]--;
}

/* Remove the directories on @gone and free their entries; no lock held. */
static void vmi_published_free(struct list_head *gone)
{
	struct vmi_published *p, *tmp;

	list_for_each_entry_safe(p, tmp, gone, node) {
		/* Waits for readers inside ->open and ->read; later reads get -EIO. */
		debugfs_remove(p->dir);
		if (p->pid)
			put_pid(p->pid);
		kfree(p);
	}
	INIT_LIST_HEAD(gone);
}

/*
 * Remove the <pid>/ directories of processes that are gone, before a
 * publish: their names may be wanted again (a reused pid number), and a
 * directory of the same name still there would refuse the new one.
 */
static int vmi_published_sweep(void)
{
	struct vmi_published *p, *tmp;
	LIST_HEAD(gone);
	int ret;

	ret = mutex_lock_killable(&vmi_published_lock);
	if (ret)
		return ret;
	list_for_each_entry_safe(p, tmp, &vmi_published, node)
		if (p->kind == VMI_PUBLISHED_PID &&
		    !pid_has_task(p->pid, PIDTYPE_PID))
			vmi_published_unlink(p, &gone);
	mutex_unlock(&vmi_published_lock);
	vmi_published_free(&gone);
	return 0;
}

/* The entry of @kind for @pid or @pfn, if published.  Caller: the lock. */
static struct vmi_published *vmi_published_find(enum vmi_published_kind kind,
						struct pid *pid, u64 pfn)
{
	struct vmi_published *p;

	list_for_each_entry(p, &vmi_published, node)
		if (p->kind == kind &&
		    (kind == VMI_PUBLISHED_PID ? p->pid == pid : p->pfn == pfn))
			return p;
	return NULL;
}

/* Make room for one more of @kind: -ENOSPC, or the oldest frame goes. */
static int vmi_published_make_room(enum vmi_published_kind kind,
				   struct list_head *gone)
{
	struct vmi_published *p;

	if (kind == VMI_PUBLISHED_PID) {
		if (vmi_nr_published[kind] >= VMI_DEBUGFS_MAX_PIDS)
			return -ENOSPC;
		return 0;
	}
	if (vmi_nr_published[kind] < VMI_DEBUGFS_MAX_FRAMES)
		return 0;
	list_for_each_entry(p, &vmi_published, node) {
		if (p->kind == kind) {
			vmi_published_unlink(p, gone);
			return 0;
		}
	}
	return 0;
}

/*
 * Publish a directory of @kind for @pid (referenced here) or @pfn, named
 * @name in @parent with @files, unless it is there already.  -EAGAIN if a
 * directory of that name is still being removed by another caller (an
 * evicted frame published again, a dead process's <pid>/ whose number a
 * new process has).
 */
static int vmi_publish(enum vmi_published_kind kind, struct pid *pid, u64 pfn,
		       struct dentry *parent, const char *name,
		       const struct vmi_debugfs_file *files)
{
	struct vmi_published *p;
	LIST_HEAD(gone);
	int ret;

	if (!parent)
		return -ENODEV;
	ret = vmi_published_sweep();
	if (ret)
		return ret;
	ret = mutex_lock_killable(&vmi_published_lock);
	if (ret)
		return ret;
	if (vmi_published_find(kind, pid, pfn))
		goto out;
	ret = vmi_published_make_room(kind, &gone);
	if (ret)
		goto out;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	p->kind = kind;
	p->pfn = pfn;
	/* before the files exist: an open may look at it at once */
	p->pid = pid ? get_pid(pid) : NULL;
	p->dir = vmi_debugfs_add_dir(parent, name, files, p);
	if (IS_ERR(p->dir)) {
		ret = PTR_ERR(p->dir) == -EEXIST ? -EAGAIN : PTR_ERR(p->dir);
		if (p->pid)
			put_pid(p->pid);
		kfree(p);
		goto out;
	}
	list_add_tail(&p->node, &vmi_published);
	vmi_nr_published[kind]++;
out:
	mutex_unlock(&vmi_published_lock);
	vmi_published_free(&gone);
	return ret;
}

/* Publish <pid>/ for @pid, the process just attached to (the caller holds @pid). */
int vmi_debugfs_publish(struct pid *pid)
{
	char name[16];

	if (!vmi_debugfs_root)
		return -ENODEV;
	/* Named by the global pid: debugfs is read from the init namespace. */
	snprintf(name, sizeof(name), "%d", pid_nr(pid));
	return vmi_publish(VMI_PUBLISHED_PID, pid, 0, vmi_debugfs_root, name,
			   vmi_debugfs_mm_files);
}

/* Publish frames/<pfn>/ (the caller checked the frame and the privilege). */
int vmi_debugfs_publish_frame(u64 pfn)
{
	char name[24];

	snprintf(name, sizeof(name), "0x%llx", pfn);
	return vmi_publish(VMI_PUBLISHED_FRAME, NULL, pfn, vmi_frames_root,
			   name, vmi_debugfs_frame_files);
}

int vmi_debugfs_init(void)
{
	struct dentry *dir;

	vmi_debugfs_root = debugfs_create_dir("vmainspect", NULL);
	if (IS_ERR(vmi_debugfs_root)) {
		/* debugfs disabled or locked down: the device still works. */
		vmi_debugfs_root = NULL;
		return 0;
	}
	dir = vmi_debugfs_add_dir(vmi_debugfs_root, "self",
				  vmi_debugfs_mm_files, NULL);
	if (IS_ERR(dir)) {
		/* and no file of ours outside the root: nothing would remove it */
		debugfs_remove(vmi_debugfs_root);
		vmi_debugfs_root = NULL;
		return 0;
	}
	dir = debugfs_create_dir("frames", vmi_debugfs_root);
	vmi_frames_root = IS_ERR(dir) ? NULL : dir;
	vmi_debugfs_klayout_init(vmi_debugfs_root);
	return 0;
}

void vmi_debugfs_exit(void)
{
	struct vmi_published *p, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&vmi_published_lock);
	list_for_each_entry_safe(p, tmp, &vmi_published, node)
		vmi_published_unlink(p, &gone);
	mutex_unlock(&vmi_published_lock);
	vmi_published_free(&gone);
	debugfs_remove(vmi_debugfs_root);	/* and all below it */
	vmi_debugfs_root = NULL;
	vmi_frames_root = NULL;
}
