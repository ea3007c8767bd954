// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: validation of ioctl arguments, and the copy of results back
 * (the one place both directions of the ABI's size rules live).
 *
 * Every argument struct starts with "__u32 size".  It is read with
 * copy_struct_from_user(): a shorter struct from older userspace is
 * zero-extended, a longer one from newer userspace is accepted only if the
 * bytes this module does not know are zero (-E2BIG otherwise).  Structs
 * shorter than the first published version (VMAINSPECT_<NAME>_SIZE_VER0,
 * each handler's minimum) are -EINVAL.  vmainspect_abi_layout.h checks
 * every published size and offset at build time (Documentation/abi.md).
 *
 * Output fields are ignored on input, so a caller may reuse one struct
 * across calls (the cursor loop does).  The vmi_check_*() helpers are pure
 * so that KUnit can cover them.
 */
#include <linux/uaccess.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/limits.h>
#include "vmainspect.h"
#include "vmainspect_abi_layout.h"

/* Largest argument struct we read at all, to bound the zero-tail scan. */
#define VMI_ARG_SIZE_MAX	PAGE_SIZE

int vmi_copy_args(void *karg, size_t ksize, size_t min_size,
		  const void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > VMI_ARG_SIZE_MAX)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

bool vmi_all_zero(const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

int vmi_check_attach_args(const struct vmainspect_attach *a)
{
	if (a->flags & ~VMAINSPECT_ATTACH_FLAGS)
		return -EINVAL;
	if (a->reserved0 || !vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	if (a->pid == 0 || a->pid > (u32)PID_MAX_LIMIT)
		return -ESRCH;
	return 0;
}

int vmi_check_layout_args(const struct vmainspect_layout *a)
{
	if (a->flags)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	return 0;
}

int vmi_check_list_args(const struct vmainspect_vma_list *a)
{
	if (a->flags)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	if (a->vma_size < VMAINSPECT_VMA_SIZE_VER0 || a->vma_size > PAGE_SIZE)
		return -EINVAL;
	if (a->max_vmas == 0 || a->max_vmas > VMAINSPECT_LIST_MAX_VMAS)
		return -EINVAL;
	if (a->strings_size > VMAINSPECT_STRINGS_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_find_args(const struct vmainspect_find *a)
{
	if (a->flags)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	if (a->strings_size > VMAINSPECT_STRINGS_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_pt_path_args(const struct vmainspect_pt_path *a)
{
	if (a->flags || a->reserved0)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	return 0;
}

int vmi_check_pt_runs_args(const struct vmainspect_pt_runs *a)
{
	if (a->flags & ~VMAINSPECT_PT_RUNS_NO_FRAME_BITS)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	if ((a->start | a->end) & ~PAGE_MASK || a->start >= a->end)
		return -EINVAL;
	if (a->run_size < VMAINSPECT_PT_RUN_SIZE_VER0 ||
	    a->run_size > PAGE_SIZE)
		return -EINVAL;
	if (a->max_runs == 0 || a->max_runs > VMAINSPECT_RUNS_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_page_args(const struct vmainspect_page *a)
{
	if (a->flags & ~VMAINSPECT_PAGE_FLAGS)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	/* one of pfn and addr, never both */
	if ((a->flags & VMAINSPECT_PAGE_BY_ADDR) ? a->pfn != 0 : a->addr != 0)
		return -EINVAL;
	if (!a->path != !a->path_size || a->path_size > PATH_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_rmap_args(const struct vmainspect_rmap *a)
{
	if (a->flags & ~VMAINSPECT_PAGE_BY_ADDR)
		return -EINVAL;
	if (a->reserved0 || !vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	if ((a->flags & VMAINSPECT_PAGE_BY_ADDR) ? a->pfn != 0 : a->addr != 0)
		return -EINVAL;
	if (a->owner_size < VMAINSPECT_OWNER_SIZE_VER0 ||
	    a->owner_size > PAGE_SIZE)
		return -EINVAL;
	if (a->max_owners == 0 || a->max_owners > VMAINSPECT_OWNERS_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_klayout_args(const struct vmainspect_klayout *a)
{
	if (a->flags)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	/* regions is not checked: a bad pointer faults, as for LIST_VMAS */
	if (a->region_size < VMAINSPECT_KREGION_SIZE_VER0 ||
	    a->region_size > PAGE_SIZE)
		return -EINVAL;
	if (a->max_regions == 0 || a->max_regions > VMAINSPECT_KREGIONS_MAX)
		return -EINVAL;
	return 0;
}

int vmi_check_kaddr_args(const struct vmainspect_kaddr *a)
{
	if (a->flags)
		return -EINVAL;
	if (!vmi_all_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	return 0;
}

/* Write back a size-first struct, truncated to the caller's size. */
int vmi_copy_out(void __user *uarg, const void *karg, size_t ksize, u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
	       -EFAULT : 0;
}

/*
 * Copy @nr records of @ksize bytes into user records of @usize bytes each:
 * truncated for older userspace, zero-filled for newer.
 */
int vmi_copy_records(u64 uaddr, const void *recs, u32 nr, size_t ksize,
		     u32 usize)
{
	size_t n = min_t(size_t, ksize, usize);
	u32 i;

	if (usize == ksize)
		return copy_to_user(u64_to_user_ptr(uaddr), recs, nr * ksize) ?
		       -EFAULT : 0;
	for (i = 0; i < nr; i++) {
		void __user *dst = u64_to_user_ptr(uaddr + (u64)i * usize);

		if (copy_to_user(dst, recs + i * ksize, n))
			return -EFAULT;
		if (usize > n && clear_user(dst + n, usize - n))
			return -EFAULT;
	}
	return 0;
}
