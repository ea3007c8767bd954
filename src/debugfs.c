// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: read-only text views in debugfs.
 *
 *   /sys/kernel/debug/vmainspect/self/{layout,maps,pagetables}   the reader
 *   /sys/kernel/debug/vmainspect/<pid>/{layout,maps,pagetables}  published
 *   /sys/kernel/debug/vmainspect/frames/<pfn>/{page,rmap}  debugfs_frames.c
 *
 * Every file is 0444 with no write, ioctl or mmap: lockdown refuses
 * debugfs files that have them.  So a pid cannot be chosen by writing a
 * file; instead an attach with VMAINSPECT_ATTACH_DEBUGFS (CAP_SYS_ADMIN,
 * `vmainspect debugfs PID`) publishes a directory for it, bound to that
 * process (its struct pid), never to a number a later process may reuse.
 *
 * As /proc/PID/maps does, access is decided once, at open, with the
 * opener's credentials (the same rule as an attach), and the open file
 * then keeps the mm it was granted: a descriptor passed to another process
 * shows what its opener was allowed to see, no more (a privileged reader
 * of a passed fd is not a confused deputy), and once that process has
 * exec'd or exited, reads fail with ESRCH.
 */
#include <linux/capability.h>
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
#include "compat.h"

/* Published pids at most; dead ones are swept on each publish. */
#define VMI_DEBUGFS_MAX_PIDS	64
/* One VMA batch per lock hold while rendering maps. */
#define VMI_DEBUGFS_BATCH	256
#define VMI_DEBUGFS_STRINGS	(64 * 1024)
/* Page-table runs per lock hold while rendering pagetables. */
#define VMI_DEBUGFS_RUNS	512

struct vmi_published {
	struct list_head node;
	struct pid *pid;
	struct dentry *dir;
};

static struct dentry *vmi_debugfs_root;
static DEFINE_MUTEX(vmi_published_lock);	/* protects vmi_published */
static LIST_HEAD(vmi_published);
static unsigned int vmi_nr_published;

/*
 * What an open file was granted, decided at open.  mm: mmgrab()'ed (only
 * the <pid>/ and self/ views); the rest for the frame and kernel views.
 */
struct vmi_debugfs_ctx {
	struct mm_struct *mm;
	bool privileged;		/* opener had CAP_SYS_ADMIN */
	bool kaddrs;			/* opener may see kernel addresses */
	u64 pfn;			/* frames/<pfn>/ */
};

/* The process a <pid>/ file is about (NULL for self/). */
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
	ctx->privileged = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	ctx->kaddrs = vmi_kaddrs_visible(ctx->privileged);
	return ctx;
}

static int vmi_debugfs_open(struct inode *inode, struct file *file,
			    struct vmi_debugfs_ctx *ctx,
			    int (*show)(struct seq_file *, void *))
{
	int ret = single_open(file, show, ctx);

	if (ret) {
		if (ctx->mm)
			mmdrop(ctx->mm);
		kfree(ctx);
	}
	return ret;
}

int vmi_debugfs_release(struct inode *inode, struct file *file)
{
	struct vmi_debugfs_ctx *ctx = ((struct seq_file *)file->private_data)->private;

	if (ctx->mm)
		mmdrop(ctx->mm);
	kfree(ctx);
	return single_release(inode, file);
}

/* Open a process view: the opener's right to @inode's process, now. */
static int vmi_debugfs_open_mm(struct inode *inode, struct file *file,
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
	return vmi_debugfs_open(inode, file, ctx, show);
}

/* A user reference on the granted mm, or -ESRCH once it has gone. */
static struct mm_struct *vmi_debugfs_get_mm(struct seq_file *m)
{
	struct vmi_debugfs_ctx *ctx = m->private;

	if (!mmget_not_zero(ctx->mm))
		return ERR_PTR(-ESRCH);
	return ctx->mm;
}

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
	struct vmi_debugfs_ctx *ctx = m->private;
	bool show_pfn = vmi_pt_show_pfn(ctx->privileged);
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
	seq_printf(m, "# %u-level paging; frames %s\n", vmi_pgtable_levels(),
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
	if (!ret)
		seq_printf(m, "# pages: %llu present, %llu swapped, %llu none, %llu other; page-table pages read: PUD %llu, PMD %llu, PTE %llu\n",
			   t->pages[VMAINSPECT_PT_PAGE],
			   t->pages[VMAINSPECT_PT_SWAP],
			   t->pages[VMAINSPECT_PT_NONE],
			   t->pages[VMAINSPECT_PT_MIGRATION] +
			   t->pages[VMAINSPECT_PT_DEVICE_PRIVATE] +
			   t->pages[VMAINSPECT_PT_DEVICE_EXCLUSIVE] +
			   t->pages[VMAINSPECT_PT_HWPOISON] +
			   t->pages[VMAINSPECT_PT_MARKER] +
			   t->pages[VMAINSPECT_PT_BAD],
			   t->tables[VMAINSPECT_LVL_PUD],
			   t->tables[VMAINSPECT_LVL_PMD],
			   t->tables[VMAINSPECT_LVL_PTE]);
out:
	kfree(t);
	kfree(q.spans);
	kvfree(out.runs);
	mmput(mm);
	return ret;
}

/* DEFINE_SHOW_ATTRIBUTE(), with the check at open and the ctx released */
#define VMI_DEBUGFS_MM_FOPS(name)					\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return vmi_debugfs_open_mm(inode, file, name##_show);		\
}									\
VMI_DEBUGFS_FOPS(name)

VMI_DEBUGFS_MM_FOPS(vmi_layout);
VMI_DEBUGFS_MM_FOPS(vmi_maps);
VMI_DEBUGFS_MM_FOPS(vmi_pagetables);

/*
 * Open a view that needs no process: frames/<pfn>/ files (@pfn; the PAGE
 * rule, checked here with the opener's credentials) and kernel_layout.
 */
int vmi_debugfs_open_plain(struct inode *inode, struct file *file,
			   int (*show)(struct seq_file *, void *),
			   bool frames, u64 pfn)
{
	struct vmi_debugfs_ctx *ctx = vmi_debugfs_ctx_new(file);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ctx->pfn = pfn;
	if (frames) {
		ret = vmi_frames_check(ctx->privileged);
		if (ret) {
			kfree(ctx);
			return ret;
		}
	}
	return vmi_debugfs_open(inode, file, ctx, show);
}

/* For the show functions of the other debugfs files. */
bool vmi_debugfs_privileged(struct seq_file *m)
{
	return ((struct vmi_debugfs_ctx *)m->private)->privileged;
}

bool vmi_debugfs_kaddrs(struct seq_file *m)
{
	return ((struct vmi_debugfs_ctx *)m->private)->kaddrs &&
	       !vmi_locked_down_confidential();
}

u64 vmi_debugfs_pfn(struct seq_file *m)
{
	return ((struct vmi_debugfs_ctx *)m->private)->pfn;
}

static struct dentry *vmi_debugfs_add_dir(const char *name, void *data)
{
	struct dentry *dir = debugfs_create_dir(name, vmi_debugfs_root);

	if (IS_ERR(dir))
		return dir;
	/* all three or none: a half directory would be "already there" */
	if (IS_ERR(debugfs_create_file("layout", 0444, dir, data,
				       &vmi_layout_fops)) ||
	    IS_ERR(debugfs_create_file("maps", 0444, dir, data,
				       &vmi_maps_fops)) ||
	    IS_ERR(debugfs_create_file("pagetables", 0444, dir, data,
				       &vmi_pagetables_fops))) {
		debugfs_remove(dir);
		return ERR_PTR(-ENOMEM);
	}
	return dir;
}

static void vmi_published_remove(struct vmi_published *p)
{
	/* Waits for readers inside ->read; later reads get -EIO. */
	debugfs_remove(p->dir);
	list_del(&p->node);
	put_pid(p->pid);
	kfree(p);
	vmi_nr_published--;
}

/* Publish <pid>/ for pid @nr (caller's namespace; already attached to). */
int vmi_debugfs_publish(pid_t nr)
{
	struct vmi_published *p, *tmp;
	struct pid *pid;
	char name[16];
	int ret = 0;

	if (!vmi_debugfs_root)
		return -ENODEV;
	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;

	mutex_lock(&vmi_published_lock);
	list_for_each_entry_safe(p, tmp, &vmi_published, node) {
		if (p->pid == pid)
			goto out;	/* already there */
		if (!pid_has_task(p->pid, PIDTYPE_PID))
			vmi_published_remove(p);
	}
	if (vmi_nr_published >= VMI_DEBUGFS_MAX_PIDS) {
		ret = -ENOSPC;
		goto out;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	/* Named by the global pid: debugfs is read from the init namespace. */
	snprintf(name, sizeof(name), "%d", pid_nr(pid));
	p->dir = vmi_debugfs_add_dir(name, p);
	if (IS_ERR(p->dir)) {
		ret = PTR_ERR(p->dir);
		kfree(p);
		goto out;
	}
	p->pid = get_pid(pid);
	list_add_tail(&p->node, &vmi_published);
	vmi_nr_published++;
out:
	mutex_unlock(&vmi_published_lock);
	put_pid(pid);
	return ret;
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
	dir = vmi_debugfs_add_dir("self", NULL);
	if (IS_ERR(dir)) {
		/* and no file of ours outside the root: nothing would remove it */
		debugfs_remove(vmi_debugfs_root);
		vmi_debugfs_root = NULL;
		return 0;
	}
	vmi_debugfs_frames_init(vmi_debugfs_root);
	vmi_debugfs_klayout_init(vmi_debugfs_root);
	return 0;
}

void vmi_debugfs_exit(void)
{
	struct vmi_published *p, *tmp;

	mutex_lock(&vmi_published_lock);
	list_for_each_entry_safe(p, tmp, &vmi_published, node)
		vmi_published_remove(p);
	mutex_unlock(&vmi_published_lock);
	vmi_debugfs_frames_exit();
	debugfs_remove(vmi_debugfs_root);
	vmi_debugfs_root = NULL;
}
