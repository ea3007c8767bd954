// SPDX-License-Identifier: GPL-2.0
/* Client side of the frame queries: VMAINSPECT_IOC_PAGE and _RMAP. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "client.h"
#include "format.h"
#include "main.h"
#include "privilege.h"

/* Owners asked for per RMAP call. */
#define OWNERS_PER_CALL	512
/* RMAP calls for one frame, at most: the tree may keep changing. */
#define RMAP_MAX_CALLS	10000

const char *vmi_frame_errstr(int err)
{
	switch (err) {
	case EPERM:
		if (priv_lockdown_confidential())
			return "refused: the kernel is locked down (lockdown=confidentiality), which hides frame data from everyone";
		return "frame data needs CAP_SYS_ADMIN (run as root)";
	case ENXIO:
		return "not a frame of online RAM (a hole, device memory or an offline memory section)";
	case ENOENT:
		return "no page is mapped at that address";
	case EAGAIN:
		return "the frame's rmap lock stayed contended; try again";
	case ESRCH:
		return "the process has exited or exec'd";
	case ENOTTY:
	case E2BIG:
		return "not understood by the module (does the loaded module match this tool?)";
	}
	return strerror(err);
}

/*
 * No frame at addr (ENOENT): say where the page is instead, from the
 * address's page-table path.  The module hides swap slots from PT_PATH
 * exactly as from the pt command, so they are named with the same rights.
 * The path is read after the failed query: a race only changes the words.
 */
static void absent_err(struct vmi_client *c, const char *what, __u64 addr)
{
	struct vmainspect_pt_path p;
	const struct vmainspect_pt_entry *e;
	unsigned long long a = addr;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = addr;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PT_PATH, &p) || !p.nr_levels ||
	    p.nr_levels > VMAINSPECT_LVL_NR) {
		p_err_errno(ENOENT, "%s at 0x%llx: %s", what, a,
			    vmi_frame_errstr(ENOENT));
		return;
	}
	e = &p.levels[p.nr_levels - 1];
	if (!(p.out_flags & VMAINSPECT_PT_IN_VMA))
		p_err_errno(ENOENT, "%s at 0x%llx: no page is mapped there: the address is in no VMA of pid %d",
			    what, a, c->pid);
	else if (e->kind == VMAINSPECT_PT_SWAP &&
		 (p.out_flags & VMAINSPECT_PT_PFN_HIDDEN))
		p_err_errno(ENOENT, "%s at 0x%llx: swapped out (the frame is not in memory; its swap slot is hidden: %s)",
			    what, a, priv_frames_hidden_reason());
	else if (e->kind == VMAINSPECT_PT_SWAP)
		p_err_errno(ENOENT, "%s at 0x%llx: swapped out to swap:%u:0x%llx (swap type, offset; the frame is not in memory)",
			    what, a, e->swap_type,
			    (unsigned long long)e->offset);
	else if (e->kind == VMAINSPECT_PT_MIGRATION)
		p_err_errno(ENOENT, "%s at 0x%llx: the page is being migrated (a migration entry); try again",
			    what, a);
	else if (e->kind == VMAINSPECT_PT_PAGE)
		p_err_errno(ENOENT, "%s at 0x%llx: mapped, but not to a frame of RAM with a struct page (device or driver memory)",
			    what, a);
	else if (e->kind == VMAINSPECT_PT_NONE)
		p_err_errno(ENOENT, "%s at 0x%llx: no page is mapped at that address (never touched there, or dropped)",
			    what, a);
	else
		p_err_errno(ENOENT, "%s at 0x%llx: no page is mapped at that address (its entry is of kind %s)",
			    what, a, fmt_pt_kind(e->kind));
}

static void frame_err(struct vmi_client *c, const char *what, bool by_addr,
		      __u64 pfn, __u64 addr, int err)
{
	if (by_addr && err == ENOENT)
		absent_err(c, what, addr);
	else if (by_addr)
		p_err_errno(err, "%s at 0x%llx: %s", what, (unsigned long long)addr,
		      vmi_frame_errstr(err));
	else
		p_err_errno(err, "%s of PFN 0x%llx: %s", what, (unsigned long long)pfn,
		      vmi_frame_errstr(err));
}

int vmi_page(struct vmi_client *c, bool by_addr, __u64 pfn, __u64 addr,
	     struct vmainspect_page *p, char *path, size_t path_size)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = by_addr ? VMAINSPECT_PAGE_BY_ADDR : 0;
	p->pfn = by_addr ? 0 : pfn;
	p->addr = by_addr ? addr : 0;
	p->path = path_size ? (__u64)(uintptr_t)path : 0;
	p->path_size = path_size;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PAGE, p)) {
		frame_err(c, "page", by_addr, pfn, addr, errno);
		return -1;
	}
	if (p->path_len >= path_size && p->path_len) {
		errno = EPROTO;
		p_err_errno(EPROTO, "page: the module returned malformed data");
		return -1;
	}
	return 0;
}

int vmi_page_publish(struct vmi_client *c, __u64 pfn,
		     struct vmainspect_page *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = VMAINSPECT_PAGE_DEBUGFS;
	p->pfn = pfn;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PAGE, p)) {
		if (errno == ENODEV)
			p_err_errno(ENODEV, "debugfs page of PFN 0x%llx: debugfs is not available (not mounted, or locked down)",
			      (unsigned long long)pfn);
		else
			frame_err(c, "debugfs page", false, pfn, 0, errno);
		return -1;
	}
	return 0;
}

static int owner_set_grow(struct vmi_owner_set *set, size_t more)
{
	struct vmainspect_owner *n;
	size_t cap = set->cap ? set->cap : 64;

	while (cap < set->nr + more)
		cap *= 2;
	if (cap == set->cap)
		return 0;
	n = realloc(set->owners, cap * sizeof(*n));
	if (!n)
		return -1;
	set->owners = n;
	set->cap = cap;
	return 0;
}

int vmi_rmap(struct vmi_client *c, bool by_addr, __u64 pfn, __u64 addr,
	     struct vmi_owner_set *set, bool quiet)
{
	struct vmainspect_rmap a;
	__u64 cursor = 0;

	memset(set, 0, sizeof(*set));
	for (;;) {
		if (set->calls++ == RMAP_MAX_CALLS) {
			errno = EAGAIN;
			break;
		}
		if (owner_set_grow(set, OWNERS_PER_CALL)) {
			errno = ENOMEM;
			break;
		}
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.flags = by_addr ? VMAINSPECT_PAGE_BY_ADDR : 0;
		a.pfn = by_addr ? 0 : pfn;
		a.addr = by_addr ? addr : 0;
		a.owners = (__u64)(uintptr_t)(set->owners + set->nr);
		a.owner_size = sizeof(*set->owners);
		a.max_owners = OWNERS_PER_CALL;
		a.cursor = cursor;
		if (vmi_xioctl(c->fd, VMAINSPECT_IOC_RMAP, &a))
			break;
		if (a.nr_owners > OWNERS_PER_CALL ||
		    (a.cursor <= cursor && !(a.out_flags & VMAINSPECT_RMAP_DONE))) {
			errno = EPROTO;
			break;
		}
		set->nr += a.nr_owners;
		set->pfn = a.pfn;
		set->mapcount = a.mapcount;
		set->mapping_kind = a.mapping_kind;
		set->out_flags = a.out_flags;
		cursor = a.cursor;
		/* by address: translate once, then follow that frame */
		if (by_addr) {
			by_addr = false;
			pfn = a.pfn;
		}
		if (a.out_flags & VMAINSPECT_RMAP_DONE)
			return 0;
	}
	if (!quiet) {
		int err = errno;

		if (err == EPROTO)
			p_err_errno(EPROTO, "rmap: the module returned malformed data");
		else
			frame_err(c, "rmap", by_addr, pfn, addr, err);
		errno = err;
	}
	vmi_owner_set_free(set);
	return -1;
}

void vmi_owner_set_free(struct vmi_owner_set *set)
{
	free(set->owners);
	set->owners = NULL;
	set->nr = set->cap = 0;
}
