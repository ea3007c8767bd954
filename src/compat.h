/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences live.  Every
 * LINUX_VERSION_CODE test of the module is here, behind a small named helper.
 *
 * Supported: Debian 5.10 (rb-tree + vm_next list), 6.1 (first maple-tree
 * kernel), 6.12 (per-VMA locks), UML for KUnit.
 */
#ifndef VMAINSPECT_COMPAT_H
#define VMAINSPECT_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/fs.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/security.h>

/* The only comparison with LINUX_VERSION_CODE in the module. */
#define VMI_KERNEL_AT_LEAST(a, b, c)	(KERNEL_VERSION(a, b, c) <= LINUX_VERSION_CODE)

/*
 * VMA iteration.  6.1 replaced the mm->mmap list and mm_rb with the maple
 * tree; both are walked under mmap_read_lock.  The iterator yields the VMAs
 * with vm_end > addr, in address order (find_vma() semantics).
 */
#if VMI_KERNEL_AT_LEAST(6, 1, 0)
struct vmi_vma_iter {
	struct vma_iterator vmi;
};

static inline void vmi_iter_init(struct vmi_vma_iter *it,
				 struct mm_struct *mm, unsigned long addr)
{
	vma_iter_init(&it->vmi, mm, addr);
}

static inline struct vm_area_struct *vmi_iter_next(struct vmi_vma_iter *it)
{
	return vma_next(&it->vmi);
}
#else
struct vmi_vma_iter {
	struct vm_area_struct *next;
};

static inline void vmi_iter_init(struct vmi_vma_iter *it,
				 struct mm_struct *mm, unsigned long addr)
{
	it->next = find_vma(mm, addr);
}

static inline struct vm_area_struct *vmi_iter_next(struct vmi_vma_iter *it)
{
	struct vm_area_struct *vma = it->next;

	if (vma)
		it->next = vma->vm_next;
	return vma;
}
#endif

/*
 * "[heap]" and "[stack]" as /proc/PID/maps decides them.  6.6 factored the
 * tests into helpers and made the heap bounds strict; older kernels compare
 * inclusively in show_map_vma().
 */
#if VMI_KERNEL_AT_LEAST(6, 6, 0)
static inline bool vmi_vma_is_heap(struct vm_area_struct *vma)
{
	return vma_is_initial_heap(vma);
}

static inline bool vmi_vma_is_stack(struct vm_area_struct *vma)
{
	return vma_is_initial_stack(vma);
}
#else
static inline bool vmi_vma_is_heap(struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->brk &&
	       vma->vm_end >= vma->vm_mm->start_brk;
}

static inline bool vmi_vma_is_stack(struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
	       vma->vm_end >= vma->vm_mm->start_stack;
}
#endif

/*
 * The name given by prctl(PR_SET_VMA_ANON_NAME) (5.17+, CONFIG_ANON_VMA_NAME).
 * anon_vma_name() is not exported; it only asserts the mmap lock, which our
 * callers hold, and returns this field.  Before 6.2 the field shares a union
 * with the i_mmap tree node, so it means something only without a vm_file
 * (6.2 moved it out to name anonymous shmem as well).
 */
static inline const char *vmi_vma_anon_name(struct vm_area_struct *vma)
{
#if defined(CONFIG_ANON_VMA_NAME) && VMI_KERNEL_AT_LEAST(5, 17, 0)
	if (!VMI_KERNEL_AT_LEAST(6, 2, 0) && vma->vm_file)
		return NULL;
	return vma->anon_name ? vma->anon_name->name : NULL;
#else
	return NULL;
#endif
}

/* The path /proc/PID/maps prints (overlayfs backing files since 6.8). */
static inline const struct path *vmi_file_user_path(struct file *file)
{
#if VMI_KERNEL_AT_LEAST(6, 8, 0)
	return file_user_path(file);
#else
	return &file->f_path;
#endif
}

/*
 * An exact RSS counter, as /proc/PID/status prints it.  6.2 made rss_stat
 * per-CPU counters, where get_mm_counter() is only an approximate read
 * (often 0 for a small process); /proc sums them (get_mm_counter_sum(),
 * which only later 6.12 stable releases have).
 */
static inline unsigned long vmi_mm_counter(struct mm_struct *mm, int member)
{
#if VMI_KERNEL_AT_LEAST(6, 2, 0)
	return percpu_counter_sum_positive(&mm->rss_stat[member]);
#else
	return get_mm_counter(mm, member);
#endif
}

/* Page-table depth the running kernel uses (x86_64 picks 4 or 5 at boot). */
static inline unsigned int vmi_pgtable_levels(void)
{
#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
	return pgtable_l5_enabled() ? 5 : 4;
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/*
 * Architecture facts the generic headers do not name.  x86_64 has 1 GiB
 * PUD leaves and PTE_PFN_MASK; UML (KUnit) folds the PUD, has no PUD
 * leaves (6.1 has no pud_pfn() for it) and keeps its flags below
 * PAGE_SHIFT.
 */
#if defined(CONFIG_X86) && !defined(CONFIG_UML)
#define VMI_PTE_PFN_MASK	PTE_PFN_MASK
static inline unsigned long vmi_pud_pfn(pud_t pud)
{
	return pud_pfn(pud);
}
#else
#define VMI_PTE_PFN_MASK	PAGE_MASK
static inline unsigned long vmi_pud_pfn(pud_t pud)
{
	return 0;
}
#endif

/*
 * Page-table entries are read once, into a local copy (pgdp_get() and
 * friends only exist since 6.4; READ_ONCE is what they do).
 */
#define vmi_read_entry(p)	READ_ONCE(*(p))

/* The frame of a migration/device/hwpoison entry (6.1 added swp_offset_pfn). */
static inline unsigned long vmi_swp_entry_pfn(swp_entry_t entry)
{
#if VMI_KERNEL_AT_LEAST(6, 1, 0)
	return swp_offset_pfn(entry);
#else
	return swp_offset(entry);
#endif
}

static inline bool vmi_is_device_exclusive_entry(swp_entry_t entry)
{
#if VMI_KERNEL_AT_LEAST(5, 14, 0)
	return is_device_exclusive_entry(entry);
#else
	return false;
#endif
}

/* PTE markers (uffd-wp, poison, guard) are 6.0+; their bits, or 0. */
static inline bool vmi_is_pte_marker_entry(swp_entry_t entry)
{
#if VMI_KERNEL_AT_LEAST(6, 0, 0)
	return is_pte_marker_entry(entry);
#else
	return false;
#endif
}

/*
 * make_pte_marker() builds a real marker: 6.0-6.x only with
 * CONFIG_PTE_MARKER (selected by uffd-wp); 6.12 has no such option and
 * always has markers.  Used by the KUnit decoding tests.
 */
#if VMI_KERNEL_AT_LEAST(6, 12, 0) || \
	(VMI_KERNEL_AT_LEAST(6, 0, 0) && defined(CONFIG_PTE_MARKER))
#define VMI_HAVE_PTE_MARKERS	1
#else
#define VMI_HAVE_PTE_MARKERS	0
#endif

static inline unsigned long vmi_pte_marker_bits(swp_entry_t entry)
{
#if VMI_KERNEL_AT_LEAST(6, 0, 0)
	return pte_marker_get(entry);
#else
	return 0;
#endif
}

/*
 * Swapped-out anonymous page known exclusive to this mm (5.19+, where an
 * arch says so with __HAVE_ARCH_PTE_SWP_EXCLUSIVE; by 6.12 every arch has
 * it and the macro is gone).
 */
static inline bool vmi_pte_swp_exclusive(pte_t pte)
{
#if defined(__HAVE_ARCH_PTE_SWP_EXCLUSIVE) || VMI_KERNEL_AT_LEAST(6, 12, 0)
	return pte_swp_exclusive(pte);
#else
	return false;
#endif
}

/*
 * Frames, struct page data and kernel addresses are refused under
 * lockdown=confidentiality.  No lockdown reason names "physical frame
 * numbers"; /proc/kcore's is the closest (reading physical memory layout),
 * and it is in the confidentiality class.
 */
static inline bool vmi_locked_down_confidential(void)
{
	return security_locked_down(LOCKDOWN_KCORE) != 0;
}

#endif /* VMAINSPECT_COMPAT_H */
