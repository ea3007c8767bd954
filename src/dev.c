// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the misc device /dev/vmainspect and its ioctls.
 *
 * Each query follows the same steps (ARCHITECTURE.md, section 4): validate
 * the arguments, take a user reference on the attached mm, allocate the
 * kernel buffer, take the mmap lock killably, fill, unlock, drop the mm,
 * and only then copy to user space.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vmainspect.h"

/*
 * The size encoded in an ioctl number is that of the struct this module was
 * built with; extensible structs carry their own size, so dispatch ignores
 * the encoded one.
 */
#define VMI_CMD(cmd)	((cmd) & ~IOCSIZE_MASK)

static long vmi_ioctl_attach(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_attach a;
	struct mm_struct *mm;
	struct pid *pid;
	pid_t tgid;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_ATTACH_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmi_check_attach_args(&a);
	if (ret)
		return ret;
	if (a.flags & VMAINSPECT_ATTACH_DEBUGFS) {
		ret = vmi_may_publish();
		if (ret)
			return ret;
	}
	/*
	 * One lookup of the number: the directory is published for the very
	 * process whose access was checked, not for a reuse of its pid.
	 */
	pid = find_get_pid(a.pid);
	if (!pid)
		return -ESRCH;
	ret = vmi_attach_resolve_pid(pid, &mm, &tgid);
	/* a failed attach leaves the file as it was: publish first */
	if (!ret && (a.flags & VMAINSPECT_ATTACH_DEBUGFS)) {
		ret = vmi_debugfs_publish(pid);
		if (ret)
			mmdrop(mm);
	}
	put_pid(pid);
	if (ret)
		return ret;
	vmi_session_set(s, mm, tgid);
	a.abi_version = VMAINSPECT_ABI_VERSION;
	a.tgid = tgid;
	return vmi_copy_out(uarg, &a, sizeof(a), a.size);
}

static long vmi_ioctl_layout(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_layout l;
	int ret;

	ret = vmi_copy_args(&l, sizeof(l), VMAINSPECT_LAYOUT_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmi_check_layout_args(&l);
	if (ret)
		return ret;
	ret = vmi_session_query(s, vmi_layout_query, &l, &l.generation);
	if (ret)
		return ret;
	return vmi_copy_out(uarg, &l, sizeof(l), l.size);
}

static long vmi_ioctl_list_vmas(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_vma_list a;
	struct vmi_vma_batch b;
	struct vmi_vma_query q = { .b = &b };
	u64 generation;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_VMA_LIST_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmi_check_list_args(&a);
	if (ret)
		return ret;
	ret = vmi_vma_batch_alloc(&b, a.max_vmas, a.strings_size);
	if (ret)
		return ret;
	q.start = a.start_addr;
	ret = vmi_session_query(s, vmi_vma_query, &q, &generation);
	if (ret)
		goto out;

	ret = vmi_copy_records(a.vmas, b.recs, b.nr, sizeof(*b.recs),
			       a.vma_size);
	if (!ret && b.strings_used &&
	    copy_to_user(u64_to_user_ptr(a.strings), b.strings,
			 b.strings_used))
		ret = -EFAULT;
	if (ret)
		goto out;
	a.nr_vmas = b.nr;
	a.strings_used = b.strings_used;
	a.out_flags = b.done ? VMAINSPECT_LIST_DONE : 0;
	a.next_addr = b.next_addr;
	a.generation = generation;
	ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
out:
	vmi_vma_batch_free(&b);
	return ret;
}

static long vmi_ioctl_find_vma(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_find a;
	struct vmi_vma_batch b;
	struct vmi_vma_query q = { .b = &b };
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_FIND_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmi_check_find_args(&a);
	if (ret)
		return ret;
	ret = vmi_vma_batch_alloc(&b, 1, a.strings_size);
	if (ret)
		return ret;
	q.start = a.addr;
	ret = vmi_session_query(s, vmi_vma_query, &q, &a.generation);
	if (ret)
		goto out;

	memset(&a.vma, 0, sizeof(a.vma));
	a.out_flags = 0;
	if (b.nr) {
		a.vma = b.recs[0];
		a.out_flags = VMAINSPECT_FIND_FOUND;
		if (a.addr >= a.vma.start && a.addr < a.vma.end)
			a.out_flags |= VMAINSPECT_FIND_CONTAINS;
		if (b.strings_used &&
		    copy_to_user(u64_to_user_ptr(a.strings), b.strings,
				 b.strings_used)) {
			ret = -EFAULT;
			goto out;
		}
	}
	ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
out:
	vmi_vma_batch_free(&b);
	return ret;
}

struct vmi_path_query {
	struct vmainspect_pt_path *p;
	bool show_pfn;
};

static int vmi_fill_path(struct mm_struct *mm, void *arg)
{
	struct vmi_path_query *q = arg;

	return vmi_pt_path_fill(mm, q->p, q->show_pfn);
}

static long vmi_ioctl_pt_path(struct vmi_session *s, void __user *uarg)
{
	struct vmi_path_query q = { .show_pfn = vmi_pt_show_pfn(s->privileged) };
	struct vmainspect_pt_path *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = vmi_copy_args(p, sizeof(*p), VMAINSPECT_PT_PATH_SIZE_VER0, uarg);
	if (!ret)
		ret = vmi_check_pt_path_args(p);
	if (ret)
		goto out_free;
	q.p = p;
	ret = vmi_session_query(s, vmi_fill_path, &q, NULL);
	if (!ret)
		ret = vmi_copy_out(uarg, p, sizeof(*p), p->size);
out_free:
	kfree(p);
	return ret;
}

static long vmi_ioctl_pt_runs(struct vmi_session *s, void __user *uarg)
{
	struct vmi_pt_runs_out out = {};
	struct vmainspect_pt_runs a;
	struct vmi_pt_runs_query q = {
		.show_pfn = vmi_pt_show_pfn(s->privileged),
		.out = &out,
	};
	u64 generation = 0;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_PT_RUNS_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmi_check_pt_runs_args(&a);
	if (ret)
		return ret;
	/*
	 * Not zeroed (only filled records are copied out) and capped: a
	 * buffer sized for the ABI's 65536 runs costs more to allocate than
	 * most walks; a call that fills the cap just returns its cursor.
	 */
	out.max_runs = min_t(u32, a.max_runs, VMI_PT_RUNS_PER_CALL);
	out.runs = kvmalloc_array(out.max_runs, sizeof(*out.runs),
				  GFP_KERNEL_ACCOUNT);
	q.spans = vmi_pt_scratch_alloc();
	q.start = a.start;
	q.end = a.end;
	q.frame_bits = !(a.flags & VMAINSPECT_PT_RUNS_NO_FRAME_BITS);
	if (!out.runs || !q.spans)
		ret = -ENOMEM;
	else
		ret = vmi_session_query(s, vmi_pt_runs_query, &q, &generation);
	if (!ret)
		ret = vmi_copy_records(a.runs, out.runs, out.nr_runs,
				       sizeof(*out.runs), a.run_size);
	if (!ret) {
		a.nr_runs = out.nr_runs;
		a.out_flags = out.done ? VMAINSPECT_PT_DONE : 0;
		if (!q.show_pfn)
			a.out_flags |= VMAINSPECT_PT_PFN_HIDDEN;
		a.next_addr = out.next_addr;
		a.generation = generation;
		memcpy(a.tables, out.tables, sizeof(a.tables));
		ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
	}
	kfree(q.spans);
	kvfree(out.runs);
	return ret;
}

static long vmi_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vmi_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (VMI_CMD(cmd)) {
	case VMI_CMD(VMAINSPECT_IOC_ATTACH):
		return vmi_ioctl_attach(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_LAYOUT):
		return vmi_ioctl_layout(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_LIST_VMAS):
		return vmi_ioctl_list_vmas(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_FIND_VMA):
		return vmi_ioctl_find_vma(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_PT_PATH):
		return vmi_ioctl_pt_path(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_PT_RUNS):
		return vmi_ioctl_pt_runs(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_PAGE):
		return vmi_ioctl_page(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_RMAP):
		return vmi_ioctl_rmap(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_KLAYOUT):
		return vmi_ioctl_klayout(s, uarg);
	case VMI_CMD(VMAINSPECT_IOC_KADDR):
		return vmi_ioctl_kaddr(s, uarg);
	}
	return -ENOTTY;
}

static int vmi_open(struct inode *inode, struct file *file)
{
	struct vmi_session *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return -ENOMEM;
	vmi_session_init(s);
	/* Like /proc/PID/pagemap: frames only for an opener with the cap. */
	s->privileged = vmi_opener_privileged(file);
	/* Like /proc/kallsyms: kernel addresses decided at open. */
	s->kaddrs = vmi_kaddrs_visible(s->privileged);
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int vmi_release(struct inode *inode, struct file *file)
{
	struct vmi_session *s = file->private_data;

	vmi_session_release(s);
	kfree(s);
	return 0;
}

static const struct file_operations vmi_fops = {
	.owner		= THIS_MODULE,
	.open		= vmi_open,
	.release	= vmi_release,
	.unlocked_ioctl	= vmi_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/*
 * World-usable: every attach is checked against the caller's own right to
 * read /proc/<pid>/maps, so the device grants nothing /proc does not.
 */
static struct miscdevice vmi_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmainspect",
	.fops	= &vmi_fops,
	.mode	= 0666,
};

int vmi_dev_init(void)
{
	return misc_register(&vmi_misc);
}

void vmi_dev_exit(void)
{
	misc_deregister(&vmi_misc);
}
