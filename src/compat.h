/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences live.  Every
 * LINUX_VERSION_CODE test of the module is here, behind a small named
 * helper, and so is the one feature test (FOLIO_MAPPING_ANON).  Debian's
 * 6.12 carries part of 6.19's softleaf API as macros (softleaf_from_pte(),
 * softleaf_to_pfn()): never define softleaf_* names here, only vmi_* ones.
 *
 * Supported: Debian 5.10 (rb-tree + vm_next list), 6.1 (first maple-tree
 * kernel), 6.12 (per-VMA locks; bookworm's and trixie's), 7.3 (trixie-
 * backports: softleaf entries, memdesc flags, FOLIO_MAPPING_*, pte_uffd()),
 * UML for KUnit.
 */
#ifndef VMAINSPECT_COMPAT_H
#define VMAINSPECT_COMPAT_H

#include <linux/version.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/fs.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/security.h>
#include <linux/kernel-page-flags.h>
#include <linux/memcontrol.h>
#include <linux/memremap.h>
#include <linux/memory_hotplug.h>
#include <linux/cgroup.h>

/* The only comparison with LINUX_VERSION_CODE in the module. */
#define VMI_KERNEL_AT_LEAST(a, b, c)	(KERNEL_VERSION(a, b, c) <= LINUX_VERSION_CODE)

#if VMI_KERNEL_AT_LEAST(6, 19, 0)
/* 6.19: softleaf_t and its helpers replace the swp_entry_t predicates. */
#include <linux/leafops.h>
#define VMI_HAVE_SOFTLEAF	1
#else
#define VMI_HAVE_SOFTLEAF	0
#endif

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
 * The inode whose device and number /proc/PID/maps prints: since 6.8 the
 * user's file of an overlayfs backing file, as file_user_inode() (added a
 * release after file_user_path(); this is its definition).
 */
static inline const struct inode *vmi_file_user_inode(struct file *file)
{
#if VMI_KERNEL_AT_LEAST(6, 8, 0)
	if (unlikely(file->f_mode & FMODE_BACKING))
		return d_inode(file_user_path(file)->dentry);
#endif
	return file_inode(file);
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

/*
 * Does KASLR cut the direct map down to RAM plus padding?  Always in 5.10's
 * kernel_randomize_memory(); from 6.1 (stable; Debian's 6.1 has it) not
 * when ZONE_DEVICE may map any physical address into the direct map.
 */
static inline bool vmi_kaslr_trims_direct_map(void)
{
#if VMI_KERNEL_AT_LEAST(6, 1, 0)
	return !IS_ENABLED(CONFIG_ZONE_DEVICE);
#else
	return true;
#endif
}

/*
 * The physical span the direct map may cover, as kaslr.c set it (physmem_end,
 * what memory hotplug checks against): mhp_get_pluggable_range(), exported
 * from 6.1 on.  0: not told (5.10, or no memory hotplug).
 */
static inline u64 vmi_direct_map_size(void)
{
#if VMI_KERNEL_AT_LEAST(6, 1, 0) && defined(CONFIG_MEMORY_HOTPLUG)
	struct range r = mhp_get_pluggable_range(true);

	return r.end > r.start ? r.end + 1 : 0;
#else
	return 0;
#endif
}

/*
 * Page-table entries are read once, into a local copy (pgdp_get() and
 * friends only exist since 6.4; READ_ONCE is what they do).
 */
#define vmi_read_entry(p)	READ_ONCE(*(p))

/*
 * Non-present entries.  6.19 ("softleaf" series, <linux/leafops.h>)
 * removed pte_to_swp_entry(), pmd_to_swp_entry(), is_swap_pmd(),
 * non_swap_entry(), is_{migration,device_private,device_exclusive,
 * pte_marker}_entry(), pte_marker_get() and swp_offset_pfn().
 * softleaf_t is a typedef of swp_entry_t, so swp_type()/swp_offset() still
 * apply.  (Debian 6.12.117 carries a partial backport: a softleaf_t typedef
 * and softleaf_from_pte()/softleaf_to_pfn() *macros*, no leafops.h -- so
 * never define softleaf_* names here, only vmi_* ones.)
 */
#if VMI_HAVE_SOFTLEAF
static inline swp_entry_t vmi_pte_to_swp_entry(pte_t pte)
{
	return softleaf_from_pte(pte);
}

static inline swp_entry_t vmi_pmd_to_swp_entry(pmd_t pmd)
{
	return softleaf_from_pmd(pmd);
}

static inline bool vmi_is_swap_pmd(pmd_t pmd)
{
	return !pmd_none(pmd) && !pmd_present(pmd);
}

static inline bool vmi_is_migration_entry(swp_entry_t entry)
{
	return softleaf_is_migration(entry);
}

static inline bool vmi_is_device_private_entry(swp_entry_t entry)
{
	return softleaf_is_device_private(entry);
}

static inline unsigned long vmi_swp_entry_pfn(swp_entry_t entry)
{
	return softleaf_to_pfn(entry);
}

static inline bool vmi_is_device_exclusive_entry(swp_entry_t entry)
{
	return softleaf_is_device_exclusive(entry);
}

static inline bool vmi_is_pte_marker_entry(swp_entry_t entry)
{
	return softleaf_is_marker(entry);
}
#else
static inline swp_entry_t vmi_pte_to_swp_entry(pte_t pte)
{
	return pte_to_swp_entry(pte);
}

static inline swp_entry_t vmi_pmd_to_swp_entry(pmd_t pmd)
{
	return pmd_to_swp_entry(pmd);
}

static inline bool vmi_is_swap_pmd(pmd_t pmd)
{
	return is_swap_pmd(pmd);
}

static inline bool vmi_is_migration_entry(swp_entry_t entry)
{
	return is_migration_entry(entry);
}

static inline bool vmi_is_device_private_entry(swp_entry_t entry)
{
	return is_device_private_entry(entry);
}

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
#endif

/* A real swap slot: the old !non_swap_entry(), on every kernel. */
static inline bool vmi_is_swap_entry(swp_entry_t entry)
{
	return swp_type(entry) < MAX_SWAPFILES;
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
#if VMI_HAVE_SOFTLEAF
	return softleaf_to_marker(entry);
#elif VMI_KERNEL_AT_LEAST(6, 0, 0)
	return pte_marker_get(entry);
#else
	return 0;
#endif
}

/*
 * The userfaultfd PTE bit: 7.3 renamed pte_uffd_wp() & co. to pte_uffd()
 * (the bit now also marks UFFDIO_REGISTER_MODE_RWP access tracking).
 */
#if VMI_KERNEL_AT_LEAST(7, 3, 0)
#define vmi_pte_uffd(pte)	pte_uffd(pte)
#define vmi_pmd_uffd(pmd)	pmd_uffd(pmd)
#define vmi_pte_swp_uffd(pte)	pte_swp_uffd(pte)
#else
#define vmi_pte_uffd(pte)	pte_uffd_wp(pte)
#define vmi_pmd_uffd(pmd)	pmd_uffd_wp(pmd)
#define vmi_pte_swp_uffd(pte)	pte_swp_uffd_wp(pte)
#endif

/*
 * A VMA registered for userfaultfd read-write protection (7.3,
 * CONFIG_USERFAULTFD_RWP; VM_UFFD_RWP is VM_NONE without it).
 */
static inline bool vmi_vma_uffd_rwp(struct vm_area_struct *vma)
{
#ifdef VM_UFFD_RWP
	/* under an rmap lock, not the mmap lock: a stale answer at worst */
	return data_race(vma->vm_flags) & VM_UFFD_RWP;
#else
	return false;
#endif
}

/*
 * The count of mmap write-lock releases (mm_lock_seqcount_end(), called
 * by vma_end_write_all() from mmap_write_unlock() and _downgrade()): every
 * change to a VMA's bounds, flags, file or name happens under that lock
 * (but the flags of vmi_vma_gen_flags()), so while we hold it for read an
 * unchanged count means an unchanged VMA set.  A seqcount_t since 6.13,
 * and in later 6.12 stable kernels, with CONFIG_PER_VMA_LOCK: src/Kbuild
 * reads its type off the tree (VMI_MM_LOCK_SEQCOUNT); before, an int that
 * could wrap.  The seqcount's 32 bits wrap after 2^31 write locks between
 * two calls of one file: a stale generation then, never more.  false
 * where there is none.
 */
static inline bool vmi_mm_write_seq(struct mm_struct *mm, u64 *seq)
{
#if defined(VMI_MM_LOCK_SEQCOUNT) && defined(CONFIG_PER_VMA_LOCK)
	mmap_assert_locked(mm);
	*seq = raw_read_seqcount(&mm->mm_lock_seq);
	return true;
#else
	return false;
#endif
}

/*
 * The VMA flags the generation hashes: not those the kernel may set with
 * the mmap lock held only for read (6.19: VM_ATOMIC_SET_ALLOWED, the
 * maybe-guard hint MADV_GUARD_INSTALL sets), which would change the VMA
 * set behind vmi_mm_write_seq()'s back.
 */
static inline unsigned long vmi_vma_gen_flags(struct vm_area_struct *vma)
{
#ifdef VM_ATOMIC_SET_ALLOWED
	return vma->vm_flags & ~VM_ATOMIC_SET_ALLOWED;
#else
	return vma->vm_flags;
#endif
}

/*
 * pagemap's PM_MMAP_EXCLUSIVE of a hugetlb leaf also requires that the
 * table holding @entryp is not shared (hugetlb_pmd_shared(), asked since
 * 6.12 whatever the level: for a PUD leaf it reads the PUD table's
 * pt_share_count, a field that table does not otherwise use).
 */
static inline bool vmi_hugetlb_table_shared(void *entryp)
{
#if VMI_KERNEL_AT_LEAST(6, 12, 0)
	return entryp && hugetlb_pmd_shared(entryp);
#else
	return false;
#endif
}

/* 6.17 removed pte/pmd/pud_devmap() and _PAGE_DEVMAP: no such entries. */
static inline bool vmi_pte_devmap(pte_t pte)
{
#if VMI_KERNEL_AT_LEAST(6, 17, 0)
	return false;
#else
	return pte_devmap(pte);
#endif
}

static inline bool vmi_pmd_devmap(pmd_t pmd)
{
#if VMI_KERNEL_AT_LEAST(6, 17, 0)
	return false;
#else
	return pmd_devmap(pmd);
#endif
}

/*
 * A PMD leaf with no struct page to speak of (6.12: huge VM_PFNMAP
 * mappings; by 7.3 also the huge zero folio), which vm_normal_page_pmd()
 * turns away.  No such bit before 6.12.
 */
static inline bool vmi_pmd_special(pmd_t pmd)
{
#if VMI_KERNEL_AT_LEAST(6, 12, 0)
	return pmd_special(pmd);
#else
	return false;
#endif
}

static inline bool vmi_pud_devmap(pud_t pud)
{
#if VMI_KERNEL_AT_LEAST(6, 17, 0)
	return false;
#else
	return pud_devmap(pud);
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

/*
 * struct page's flags word: 6.18 wrapped it in memdesc_flags_t (.f).
 */
#if VMI_KERNEL_AT_LEAST(6, 18, 0)
#define vmi_flags_word(p)	((p)->flags.f)
#else
#define vmi_flags_word(p)	((p)->flags)
#endif

/*
 * page->mapping low bits: 6.17 renamed PAGE_MAPPING_* to FOLIO_MAPPING_*
 * and replaced PAGE_MAPPING_MOVABLE by a page type + PG_movable_ops
 * (its bit is now FOLIO_MAPPING_ANON_KSM, never set without ANON).
 */
#ifdef FOLIO_MAPPING_ANON
#define VMI_MAPPING_ANON	FOLIO_MAPPING_ANON
#define VMI_MAPPING_KSM		FOLIO_MAPPING_KSM
#define VMI_MAPPING_FLAGS	FOLIO_MAPPING_FLAGS
#define VMI_MAPPING_MOVABLE	FOLIO_MAPPING_ANON_KSM
#else
#define VMI_MAPPING_ANON	PAGE_MAPPING_ANON
#define VMI_MAPPING_KSM		PAGE_MAPPING_KSM
#define VMI_MAPPING_FLAGS	PAGE_MAPPING_FLAGS
#define VMI_MAPPING_MOVABLE	PAGE_MAPPING_MOVABLE
#endif

/* 7.2 removed page_mapped(); folio_mapped() exists since 5.16. */
static inline bool vmi_page_mapped(struct page *page)
{
#if VMI_KERNEL_AT_LEAST(6, 1, 0)
	return folio_mapped(page_folio(page));
#else
	return page_mapped(page);
#endif
}

/* 6.13 removed PageKsm(); folio_test_ksm() is there since 5.16. */
static inline bool vmi_page_ksm(struct page *page)
{
#if VMI_KERNEL_AT_LEAST(6, 1, 0)
	return folio_test_ksm(page_folio(page));
#else
	return PageKsm(page);
#endif
}

/*
 * Where an anonymous folio of @vma sits in its anon_vma's tree.  7.3 gave
 * VMAs an anonymous page offset of their own (vma_start_anon_pgoff()): the
 * anonymous folios of a private file mapping (hugetlb's too) are indexed
 * by the VMA's address at its first fault, no longer by the file offset
 * vm_pgoff; the anon_vma interval tree is keyed by it.
 */
static inline pgoff_t vmi_vma_anon_pgoff(struct vm_area_struct *vma)
{
#if VMI_KERNEL_AT_LEAST(7, 3, 0)
	return vma_start_anon_pgoff(vma);
#else
	return vma->vm_pgoff;
#endif
}

/*
 * Frames (page.c, rmap.c).
 *
 * pfn_to_online_page() is exported since 5.11; 5.10's is open-coded from
 * mm/memory_hotplug.c: a present, online section whose memmap is valid,
 * and not a ZONE_DEVICE range that shares the section.
 */
#if VMI_KERNEL_AT_LEAST(5, 11, 0) || !defined(CONFIG_MEMORY_HOTPLUG)
static inline struct page *vmi_pfn_to_online_page(unsigned long pfn)
{
	return pfn_to_online_page(pfn);
}
#else
static inline struct page *vmi_pfn_to_online_page(unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct dev_pagemap *pgmap;
	struct mem_section *ms;

	if (nr >= NR_MEM_SECTIONS)
		return NULL;
	ms = __nr_to_section(nr);
	if (!online_section(ms) || !pfn_section_valid(ms, pfn))
		return NULL;
	pgmap = get_dev_pagemap(pfn, NULL);
	put_dev_pagemap(pgmap);
	return pgmap ? NULL : pfn_to_page(pfn);
}
#endif

/*
 * /proc/kpageflags bits whose source changed between kernels, exactly as
 * each kernel's stable_page_flags() (fs/proc/page.c) computes them:
 *  - 6.12 reads the folio's flags word, 5.10/6.1 the page's own;
 *  - THP: 6.12 any large rmappable folio; before, a compound page on the
 *    LRU or anonymous;
 *  - PG_error (gone in 6.12), PG_mappedtodisk (6.12: PG_owner_2, same
 *    bit), PG_uncached (x86 before 6.12), PG_arch_2/3.
 * The huge zero folio is not recognised: huge_zero_pfn is not exported.
 */
#define vmi_kpf_copy(k, kpf, pg)	((u64)(((k) >> (pg)) & 1) << (kpf))

/*
 * Whose page type kpageflags reports as OFFLINE and PGTABLE: 6.17's
 * stable_page_flags() reads a snapshot_page() of the folio (tail pages of
 * an order-1 PTI PGD are page tables too); before, the page's own.
 */
static inline struct page *vmi_kpf_type_page(struct page *page,
					     struct page *head)
{
	return VMI_KERNEL_AT_LEAST(6, 17, 0) ? head : page;
}

#if VMI_KERNEL_AT_LEAST(6, 12, 0)
static inline unsigned long vmi_kpf_word(struct page *page)
{
	return vmi_flags_word(page_folio(page));
}

static inline bool vmi_page_thp(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio_test_large(folio) && !folio_test_hugetlb(folio) &&
	       folio_test_large_rmappable(folio);
}

static inline u64 vmi_kpf_version_bits(unsigned long k)
{
	u64 u = vmi_kpf_copy(k, KPF_OWNER_2, PG_owner_2);

#ifdef CONFIG_ARCH_USES_PG_ARCH_2
	u |= vmi_kpf_copy(k, KPF_ARCH_2, PG_arch_2);
#endif
#ifdef CONFIG_ARCH_USES_PG_ARCH_3
	u |= vmi_kpf_copy(k, KPF_ARCH_3, PG_arch_3);
#endif
	return u;
}

/* /proc/kpagecount: folio_precise_page_mapcount() (fs/proc/internal.h). */
static inline int vmi_kpagecount(struct page *page)
{
	int mapcount = atomic_read(&page->_mapcount) + 1;
	struct folio *folio = page_folio(page);

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
}

static inline bool vmi_page_swapcache(struct page *page)
{
	return folio_test_swapcache(page_folio(page));
}

/* 6.13 replaced page_to_pgoff() by page_pgoff(folio, page). */
static inline pgoff_t vmi_page_pgoff(struct page *page)
{
#if VMI_KERNEL_AT_LEAST(6, 13, 0)
	return page_pgoff(page_folio(page), page);
#else
	return page_to_pgoff(page);
#endif
}

/* Mappings of the whole folio, or -1 where the kernel cannot tell us. */
static inline int vmi_folio_mapcount(struct page *head)
{
	return folio_mapcount(page_folio(head));
}

/* 6.12 reuses PG_workingset as PG_large_rmappable on large folios. */
static inline bool vmi_page_workingset(struct page *head)
{
	return !PageCompound(head) && PageWorkingset(head);
}
#else
static inline unsigned long vmi_kpf_word(struct page *page)
{
	return vmi_flags_word(page);
}

static inline bool vmi_page_thp(struct page *page)
{
	struct page *head = compound_head(page);

	return !PageHuge(page) && PageTransCompound(page) &&
	       (PageLRU(head) || PageAnon(head));
}

static inline u64 vmi_kpf_version_bits(unsigned long k)
{
	u64 u = vmi_kpf_copy(k, KPF_ERROR, PG_error) |
		vmi_kpf_copy(k, KPF_MAPPEDTODISK, PG_mappedtodisk);

#ifdef CONFIG_ARCH_USES_PG_UNCACHED
	u |= vmi_kpf_copy(k, KPF_UNCACHED, PG_uncached);
#endif
#ifdef CONFIG_64BIT
	u |= vmi_kpf_copy(k, KPF_ARCH_2, PG_arch_2);
#endif
	return u;
}

static inline bool vmi_page_swapcache(struct page *page)
{
	return PageSwapCache(page);
}

/*
 * page_to_pgoff() calls hugetlb_basepage_index() for hugetlb pages, which
 * is not exported: their index counts huge pages.  As mm/hugetlb.c does.
 */
static inline pgoff_t vmi_page_pgoff(struct page *page)
{
	struct page *head = compound_head(page);

	if (!PageHuge(page))
		return page_to_index(page);
	return (head->index << compound_order(head)) +
	       (page_to_pfn(page) - page_to_pfn(head));
}

/* /proc/kpagecount: page_mapcount(), 0 for slab and typed pages. */
static inline int vmi_kpagecount(struct page *page)
{
	if (PageSlab(page) || page_has_type(page))
		return 0;
	return page_mapcount(page);
}

/*
 * folio_mapcount() is neither inline nor exported before 6.12, and its
 * rule (PG_double_map, subpage counts) is not worth open-coding: known
 * for order-0 pages only.
 */
static inline int vmi_folio_mapcount(struct page *head)
{
	if (PageCompound(head))
		return -1;
	return vmi_kpagecount(head);
}

static inline bool vmi_page_workingset(struct page *head)
{
	return PageWorkingset(head);
}
#endif

/*
 * pagemap's page for an entry (fs/proc/task_mmu.c): 6.12 looks at each
 * page of a huge leaf, earlier kernels at its first page (pmd_page(),
 * pte_page() of hugetlb); swap entries carrying a frame (6.12 counts
 * hwpoison ones among them); exclusive: mapped once, by 6.12's
 * folio_precise_page_mapcount() (hugetlb: the folio not mapped shared)
 * only for present pages, by page_mapcount() before, migration entries
 * excepted.  hugetlb PMD sharing (hugetlb_pmd_shared()) is not seen.
 */
#if VMI_KERNEL_AT_LEAST(6, 12, 0)
static inline u64 vmi_pagemap_page_pfn(u64 pfn, u64 head_pfn)
{
	return pfn;
}

static inline bool vmi_pagemap_pfn_swap_kind(u32 kind)
{
	return kind == VMAINSPECT_PT_MIGRATION ||
	       kind == VMAINSPECT_PT_DEVICE_PRIVATE ||
	       kind == VMAINSPECT_PT_DEVICE_EXCLUSIVE ||
	       kind == VMAINSPECT_PT_HWPOISON;
}

static inline bool vmi_pagemap_exclusive(struct page *page, bool present,
					 bool migration)
{
	if (!present)
		return false;
	if (PageHuge(page))
		return folio_mapcount(page_folio(page)) <= 1;
	return vmi_kpagecount(page) == 1;
}
#else
static inline u64 vmi_pagemap_page_pfn(u64 pfn, u64 head_pfn)
{
	return head_pfn;
}

static inline bool vmi_pagemap_pfn_swap_kind(u32 kind)
{
	return kind == VMAINSPECT_PT_MIGRATION ||
	       kind == VMAINSPECT_PT_DEVICE_PRIVATE ||
	       kind == VMAINSPECT_PT_DEVICE_EXCLUSIVE;
}

static inline bool vmi_pagemap_exclusive(struct page *page, bool present,
					 bool migration)
{
	return !migration && page_mapcount(page) == 1;
}
#endif

/* Free pages inside a buddy block (is_free_buddy_page() exported 5.11+). */
static inline bool vmi_is_free_buddy_page(struct page *page)
{
#if VMI_KERNEL_AT_LEAST(5, 11, 0)
	return is_free_buddy_page(page);
#else
	return false;
#endif
}

/* PG_young/PG_idle are real page flags on 64-bit with PAGE_IDLE_FLAG. */
static inline bool vmi_page_young(struct page *head)
{
#if defined(CONFIG_PAGE_IDLE_FLAG) && defined(CONFIG_64BIT)
	return test_bit(PG_young, &vmi_flags_word(head));
#else
	return false;
#endif
}

static inline bool vmi_page_idle(struct page *head)
{
#if defined(CONFIG_PAGE_IDLE_FLAG) && defined(CONFIG_64BIT)
	return test_bit(PG_idle, &vmi_flags_word(head));
#else
	return false;
#endif
}

/*
 * The memcg's cgroup inode, as page_cgroup_ino() (not exported) finds it
 * for /proc/kpagecgroup: before 6.12 from the page's own memcg_data,
 * which tail pages do not have (so 0 for them, as the kernel says).
 */
static inline unsigned long vmi_page_memcg_ino(struct page *page)
{
	unsigned long ino = 0;
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;

	rcu_read_lock();
#if VMI_KERNEL_AT_LEAST(6, 2, 0)
	memcg = VMI_KERNEL_AT_LEAST(6, 12, 0) ?
		folio_memcg_check(page_folio(page)) :
		page_memcg_check(page);
#elif VMI_KERNEL_AT_LEAST(5, 11, 0)
	memcg = page_memcg_check(page);
#else
	/* 5.10: the low bit marks an obj_cgroup vector (slab), not a memcg */
	memcg = READ_ONCE(page->mem_cgroup);
	if ((unsigned long)memcg & 1UL)
		memcg = NULL;
#endif
	while (memcg && !(memcg->css.flags & CSS_ONLINE))
		memcg = parent_mem_cgroup(memcg);
	if (memcg)
		ino = cgroup_ino(memcg->css.cgroup);
	rcu_read_unlock();
#endif
	return ino;
}

#endif /* VMAINSPECT_COMPAT_H */
