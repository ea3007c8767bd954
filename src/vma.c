// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: VMA records.
 *
 * vmi_vma_batch_fill() turns the target's VMAs into struct vmainspect_vma
 * records, the same facts /proc/PID/maps and smaps print (see
 * show_map_vma() in fs/proc/task_mmu.c), into a batch allocated before the
 * caller took the mmap lock: nothing here sleeps or allocates.
 */
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/hugetlb_inline.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/magic.h>
#include <linux/mmap_lock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vmainspect.h"
#include "compat.h"

/* Kernel VM_* bit to stable ABI bit.  A VM_NONE (0) entry never matches. */
static const struct {
	unsigned long kflag;
	u64 uflag;
} vmi_flag_map[] = {
	{ VM_READ,		VMAINSPECT_VM_READ },
	{ VM_WRITE,		VMAINSPECT_VM_WRITE },
	{ VM_EXEC,		VMAINSPECT_VM_EXEC },
	{ VM_SHARED,		VMAINSPECT_VM_SHARED },
	{ VM_MAYREAD,		VMAINSPECT_VM_MAYREAD },
	{ VM_MAYWRITE,		VMAINSPECT_VM_MAYWRITE },
	{ VM_MAYEXEC,		VMAINSPECT_VM_MAYEXEC },
	{ VM_MAYSHARE,		VMAINSPECT_VM_MAYSHARE },
	{ VM_GROWSDOWN,		VMAINSPECT_VM_GROWSDOWN },
	{ VM_GROWSUP,		VMAINSPECT_VM_GROWSUP },
	{ VM_PFNMAP,		VMAINSPECT_VM_PFNMAP },
#ifdef VM_DENYWRITE			/* removed in 5.15 */
	{ VM_DENYWRITE,		VMAINSPECT_VM_DENYWRITE },
#endif
	{ VM_LOCKED,		VMAINSPECT_VM_LOCKED },
	{ VM_IO,		VMAINSPECT_VM_IO },
	{ VM_SEQ_READ,		VMAINSPECT_VM_SEQ_READ },
	{ VM_RAND_READ,		VMAINSPECT_VM_RAND_READ },
	{ VM_DONTCOPY,		VMAINSPECT_VM_DONTCOPY },
	{ VM_DONTEXPAND,	VMAINSPECT_VM_DONTEXPAND },
	{ VM_LOCKONFAULT,	VMAINSPECT_VM_LOCKONFAULT },
	{ VM_ACCOUNT,		VMAINSPECT_VM_ACCOUNT },
	{ VM_NORESERVE,		VMAINSPECT_VM_NORESERVE },
	{ VM_HUGETLB,		VMAINSPECT_VM_HUGETLB },
	{ VM_SYNC,		VMAINSPECT_VM_SYNC },
	{ VM_ARCH_1,		VMAINSPECT_VM_ARCH_1 },
	{ VM_WIPEONFORK,	VMAINSPECT_VM_WIPEONFORK },
	{ VM_DONTDUMP,		VMAINSPECT_VM_DONTDUMP },
	{ VM_SOFTDIRTY,		VMAINSPECT_VM_SOFTDIRTY },
	{ VM_MIXEDMAP,		VMAINSPECT_VM_MIXEDMAP },
	{ VM_HUGEPAGE,		VMAINSPECT_VM_HUGEPAGE },
	{ VM_NOHUGEPAGE,	VMAINSPECT_VM_NOHUGEPAGE },
	{ VM_MERGEABLE,		VMAINSPECT_VM_MERGEABLE },
	{ VM_UFFD_MISSING,	VMAINSPECT_VM_UFFD_MISSING },
	{ VM_UFFD_WP,		VMAINSPECT_VM_UFFD_WP },
#ifdef VM_UFFD_MINOR			/* 5.13 */
	{ VM_UFFD_MINOR,	VMAINSPECT_VM_UFFD_MINOR },
#endif
#ifdef VM_SHADOW_STACK			/* 6.6 */
	{ VM_SHADOW_STACK,	VMAINSPECT_VM_SHADOW_STACK },
#endif
#ifdef VM_SEALED			/* 6.10 */
	{ VM_SEALED,		VMAINSPECT_VM_SEALED },
#endif
#ifdef VM_DROPPABLE			/* 6.11 */
	{ VM_DROPPABLE,		VMAINSPECT_VM_DROPPABLE },
#endif
#ifdef VM_MAYBE_GUARD			/* 6.19: MADV_GUARD_INSTALL was here */
	{ VM_MAYBE_GUARD,	VMAINSPECT_VM_MAYBE_GUARD },
#endif
#ifdef VM_UFFD_RWP			/* 7.3 */
	{ VM_UFFD_RWP,		VMAINSPECT_VM_UFFD_RWP },
#endif
#ifdef VM_MTE
	{ VM_MTE,		VMAINSPECT_VM_MTE },
	{ VM_MTE_ALLOWED,	VMAINSPECT_VM_MTE_ALLOWED },
#endif
#ifdef VM_ARM64_BTI
	{ VM_ARM64_BTI,		VMAINSPECT_VM_BTI },
#endif
#ifdef CONFIG_ARCH_HAS_PKEYS
	{ VM_PKEY_BIT0,		VMAINSPECT_VM_PKEY_BIT0 },
	{ VM_PKEY_BIT1,		VMAINSPECT_VM_PKEY_BIT1 },
	{ VM_PKEY_BIT2,		VMAINSPECT_VM_PKEY_BIT2 },
	{ VM_PKEY_BIT3,		VMAINSPECT_VM_PKEY_BIT3 },
	{ VM_PKEY_BIT4,		VMAINSPECT_VM_PKEY_BIT4 },
#endif
};

u64 vmi_uflags(unsigned long vm_flags)
{
	u64 uflags = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmi_flag_map); i++)
		if (vm_flags & vmi_flag_map[i].kflag)
			uflags |= vmi_flag_map[i].uflag;
	return uflags;
}

int vmi_vma_batch_alloc(struct vmi_vma_batch *b, u32 max_recs,
			u32 strings_size)
{
	/* At most max_recs distinct names: a half-full table never fills. */
	u32 slots = roundup_pow_of_two(2 * max_recs);

	memset(b, 0, sizeof(*b));
	b->recs = kvcalloc(max_recs, sizeof(*b->recs), GFP_KERNEL_ACCOUNT);
	b->dedup = kvmalloc_array(slots, sizeof(*b->dedup), GFP_KERNEL_ACCOUNT);
	b->pathbuf = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (strings_size)
		b->strings = kvmalloc(strings_size, GFP_KERNEL_ACCOUNT);
	if (!b->recs || !b->dedup || !b->pathbuf ||
	    (strings_size && !b->strings)) {
		vmi_vma_batch_free(b);
		return -ENOMEM;
	}
	b->max_recs = max_recs;
	b->strings_size = strings_size;
	b->dedup_mask = slots - 1;
	return 0;
}

void vmi_vma_batch_reset(struct vmi_vma_batch *b)
{
	b->nr = 0;
	b->strings_used = 0;
	b->next_addr = 0;
	b->done = false;
	memset(b->dedup, 0xff, (b->dedup_mask + 1) * sizeof(*b->dedup));
}

void vmi_vma_batch_free(struct vmi_vma_batch *b)
{
	kvfree(b->recs);
	kvfree(b->dedup);
	kfree(b->pathbuf);
	kvfree(b->strings);
	memset(b, 0, sizeof(*b));
}

/* Put @s in the string area once per batch; -ENOSPC if it does not fit. */
static int vmi_batch_add_string(struct vmi_vma_batch *b, const char *s,
				u32 len, u32 *off)
{
	u32 i = jhash(s, len, 0) & b->dedup_mask;

	for (;; i = (i + 1) & b->dedup_mask) {
		u32 slot = b->dedup[i];

		if (slot == VMAINSPECT_NO_NAME)
			break;
		if (!strcmp(b->strings + slot, s)) {
			*off = slot;
			return 0;
		}
	}
	if (len >= b->strings_size - b->strings_used)
		return -ENOSPC;
	memcpy(b->strings + b->strings_used, s, len + 1);
	*off = b->strings_used;
	b->dedup[i] = b->strings_used;
	b->strings_used += len + 1;
	return 0;
}

/*
 * The name column of /proc/PID/maps, decided in the same order as
 * show_map_vma()/get_vma_name().  arch_vma_name() is not exported; on x86
 * it only names the vsyscall gate area, which is not in the mm's VMA tree.
 */
static const char *vmi_vma_name(struct vm_area_struct *vma, char *buf,
				u32 *kind)
{
	const char *anon_name = vmi_vma_anon_name(vma);
	const char *name;

	if (vma->vm_file) {
		if (anon_name) {
			*kind = VMAINSPECT_KIND_SHMEM_NAMED;
			snprintf(buf, PATH_MAX, "[anon_shmem:%s]", anon_name);
			return buf;
		}
		*kind = is_vm_hugetlb_page(vma) ? VMAINSPECT_KIND_HUGETLB :
						  VMAINSPECT_KIND_FILE;
		name = d_path(vmi_file_user_path(vma->vm_file), buf, PATH_MAX);
		return IS_ERR(name) ? NULL : name;
	}
	if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
		if (name) {
			*kind = VMAINSPECT_KIND_SPECIAL;
			return name;
		}
	}
	if (vmi_vma_is_heap(vma)) {
		*kind = VMAINSPECT_KIND_HEAP;
		return "[heap]";
	}
	if (vmi_vma_is_stack(vma)) {
		*kind = VMAINSPECT_KIND_STACK;
		return "[stack]";
	}
	if (anon_name) {
		*kind = VMAINSPECT_KIND_ANON_NAMED;
		snprintf(buf, PATH_MAX, "[anon:%s]", anon_name);
		return buf;
	}
	*kind = VMAINSPECT_KIND_ANON;
	return NULL;
}

static int vmi_vma_record(struct vm_area_struct *vma,
			  struct vmainspect_vma *rec, struct vmi_vma_batch *b)
{
	const char *name;
	u32 len;

	memset(rec, 0, sizeof(*rec));
	rec->start = vma->vm_start;
	rec->end = vma->vm_end;
	rec->vm_flags = vma->vm_flags;
	rec->uflags = vmi_uflags(vma->vm_flags);
	rec->pgoff = vma->vm_pgoff;
	rec->page_prot = pgprot_val(vma->vm_page_prot);
	if (vma->anon_vma)
		rec->attrs |= VMAINSPECT_ATTR_ANON_VMA;
	if (vma_is_anonymous(vma))
		rec->attrs |= VMAINSPECT_ATTR_ANONYMOUS;
	if (vma->vm_file) {
		const struct inode *inode = vmi_file_user_inode(vma->vm_file);

		rec->attrs |= VMAINSPECT_ATTR_FILE;
		rec->inode = inode->i_ino;
		rec->dev_major = MAJOR(inode->i_sb->s_dev);
		rec->dev_minor = MINOR(inode->i_sb->s_dev);
		/*
		 * shmem_mapping() is not exported on 6.1: tmpfs's magic is.
		 * The memory's file system, not the one the user opened.
		 */
		if (file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC)
			rec->attrs |= VMAINSPECT_ATTR_SHMEM;
	}

	rec->name_off = VMAINSPECT_NO_NAME;
	name = vmi_vma_name(vma, b->pathbuf, &rec->kind);
	if (!name)
		return 0;
	len = strlen(name);
	rec->name_len = len;
	return vmi_batch_add_string(b, name, len, &rec->name_off);
}

/*
 * Fill @b with the VMAs that end above @start.  Caller holds the mmap lock.
 * The batch ends when the records or the string area are full; -ENOSPC
 * only if not even the first record's name fits.
 */
int vmi_vma_batch_fill(struct mm_struct *mm, u64 start,
		       struct vmi_vma_batch *b)
{
	struct vm_area_struct *vma;
	struct vmi_vma_iter it;
	int ret;

	mmap_assert_locked(mm);
	vmi_vma_batch_reset(b);
	b->next_addr = start;
	if (start > ULONG_MAX) {
		b->done = true;
		return 0;
	}

	vmi_iter_init(&it, mm, start);
	while (b->nr < b->max_recs) {
		vma = vmi_iter_next(&it);
		if (!vma) {
			b->done = true;
			return 0;
		}
		ret = vmi_vma_record(vma, &b->recs[b->nr], b);
		if (ret == -ENOSPC && b->nr)
			return 0;
		if (ret)
			return ret;
		b->nr++;
		b->next_addr = vma->vm_end;
	}
	/* Full: say "done" now rather than make the caller ask again. */
	if (!vmi_iter_next(&it))
		b->done = true;
	return 0;
}

int vmi_vma_query(struct mm_struct *mm, void *arg)
{
	struct vmi_vma_query *q = arg;

	return vmi_vma_batch_fill(mm, q->start, q->b);
}

static inline u64 vmi_hash_mix(u64 h, u64 v)
{
	h ^= v;
	h *= 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* Mix a name (anon names are at most 80 bytes) into @h; NULL mixes nothing. */
static u64 vmi_hash_name(u64 h, const char *name)
{
	if (!name)
		return h;
	while (*name)
		h = vmi_hash_mix(h, (u8)*name++);
	return vmi_hash_mix(h, 0);
}

/*
 * A generation for the VMA set: changes when any VMA's bounds, flags
 * (but 6.19's maybe-guard hint: vmi_vma_gen_flags()), offset, mapped file
 * (device and inode) or anon name change, or VMAs come and go.  No kernel
 * pointer enters it.  Full walk under the caller's mmap lock, bounded by
 * max_map_count; vmi_session_generation() saves most of them.
 */
u64 vmi_mm_generation(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	struct vmi_vma_iter it;
	u64 h = 0xcbf29ce484222325ULL;

	mmap_assert_locked(mm);
	vmi_iter_init(&it, mm, 0);
	while ((vma = vmi_iter_next(&it))) {
		h = vmi_hash_mix(h, vma->vm_start);
		h = vmi_hash_mix(h, vma->vm_end);
		h = vmi_hash_mix(h, vmi_vma_gen_flags(vma));
		h = vmi_hash_mix(h, vma->vm_pgoff);
		if (vma->vm_file) {
			const struct inode *inode =
				vmi_file_user_inode(vma->vm_file);

			h = vmi_hash_mix(h, inode->i_ino);
			h = vmi_hash_mix(h, inode->i_sb->s_dev);
		}
		h = vmi_hash_name(h, vmi_vma_anon_name(vma));
	}
	return vmi_hash_mix(h, mm->map_count);
}
