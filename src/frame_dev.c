// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the frame ioctls, VMAINSPECT_IOC_PAGE and VMAINSPECT_IOC_RMAP.
 *
 * Neither needs an attached process unless it is asked for the frame at an
 * address (VMAINSPECT_PAGE_BY_ADDR): then the address is translated under
 * the attached mm's mmap lock, which is dropped before the frame is looked
 * at (page.c and rmap.c take locks of their own, some of which sleep).
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vmainspect.h"

struct vmi_frame_query {
	u64 addr;
	u64 *pfn;
};

static int vmi_fill_frame(struct mm_struct *mm, void *arg)
{
	struct vmi_frame_query *q = arg;

	return vmi_pt_addr_to_pfn(mm, q->addr, q->pfn);
}

/* The frame at @addr of the attached mm (a snapshot: it may change). */
static int vmi_frame_at(struct vmi_session *s, u64 addr, u64 *pfn)
{
	struct vmi_frame_query q = { .addr = addr, .pfn = pfn };

	return vmi_session_query(s, vmi_fill_frame, &q, NULL);
}

long vmi_ioctl_page(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_page p, in;
	char *path = NULL;
	u64 pfn;
	int ret;

	ret = vmi_copy_args(&p, sizeof(p), VMAINSPECT_PAGE_SIZE_VER0, uarg);
	if (!ret)
		ret = vmi_check_page_args(&p);
	if (!ret)
		ret = vmi_frames_check(s->privileged);
	if (!ret && (p.flags & VMAINSPECT_PAGE_DEBUGFS))
		ret = vmi_may_publish();
	if (ret)
		return ret;
	/* keep the inputs, zero every output */
	in = p;
	memset(&p, 0, sizeof(p));
	p.size = in.size;
	p.flags = in.flags;
	p.addr = in.addr;
	p.path = in.path;
	p.path_size = in.path_size;
	pfn = in.pfn;
	if (p.flags & VMAINSPECT_PAGE_BY_ADDR) {
		ret = vmi_frame_at(s, p.addr, &pfn);
		if (ret)
			return ret;
	}
	if (p.path_size) {
		path = kmalloc(p.path_size, GFP_KERNEL);
		if (!path)
			return -ENOMEM;
	}
	ret = vmi_page_fill(pfn, &p, path, p.path_size);
	vmi_page_hide(&p, vmi_session_kaddrs(s));
	if (!ret && (p.flags & VMAINSPECT_PAGE_DEBUGFS))
		ret = vmi_debugfs_publish_frame(pfn);
	if (!ret && p.path_len &&
	    copy_to_user(u64_to_user_ptr(p.path), path, p.path_len + 1))
		ret = -EFAULT;
	if (!ret)
		ret = vmi_copy_out(uarg, &p, sizeof(p), p.size);
	kfree(path);
	return ret;
}

long vmi_ioctl_rmap(struct vmi_session *s, void __user *uarg)
{
	struct vmi_rmap_out out = {};
	struct vmainspect_rmap a;
	u64 pfn;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_RMAP_SIZE_VER0, uarg);
	if (!ret)
		ret = vmi_check_rmap_args(&a);
	if (!ret)
		ret = vmi_frames_check(s->privileged);
	if (ret)
		return ret;
	pfn = a.pfn;
	if (a.flags & VMAINSPECT_PAGE_BY_ADDR) {
		ret = vmi_frame_at(s, a.addr, &pfn);
		if (ret)
			return ret;
	}
	out.max_owners = a.max_owners;
	out.cursor = a.cursor;
	ret = vmi_rmap_fill(pfn, &out);
	if (!ret)
		ret = vmi_copy_records(a.owners, out.owners, out.nr_owners,
				       sizeof(*out.owners), a.owner_size);
	if (!ret) {
		a.pfn = pfn;
		a.nr_owners = out.nr_owners;
		a.out_flags = out.out_flags |
			      (out.done ? VMAINSPECT_RMAP_DONE : 0);
		a.cursor = out.cursor;
		a.mapcount = out.mapcount;
		a.mapping_kind = out.kind;
		a.candidates = out.candidates;
		ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
	}
	vmi_rmap_out_free(&out);
	return ret;
}
