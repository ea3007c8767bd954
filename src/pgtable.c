// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the page-table walker.
 *
 * walk_page_range() and pte_offset_map_lock() are not available to modules
 * (6.12 exports neither them nor __pte_offset_map()), so the walk is
 * open-coded in the shape of mm/pagewalk.c: one engine reads each entry
 * once, decodes it and hands it to a consumer (struct vmi_pt_ops).  The
 * translation path and the run coalescer (the note_page() of ptdump, for
 * user memory) are two consumers of it.
 *
 * Why this is safe without the kernel's page-table locks:
 *  - the caller holds the mmap read lock, and we only descend inside VMAs:
 *    there, upper-level tables are only freed under the mmap write lock
 *    (munmap frees the tables of VMAs it has already taken out of the tree);
 *  - since 6.5 a PTE table can be freed without the mmap lock (khugepaged's
 *    retract_page_tables(), RCU-deferred; later kernels reclaim empty ones
 *    the same way): a table's entries are read under rcu_read_lock() into
 *    spans of like entries (struct vmi_pte_span), and the spans are used
 *    only if the PMD still points to that table afterwards;
 *  - every entry is read once (READ_ONCE) and decoded from that value, so
 *    a concurrent fault, split or zap is seen either before or after.
 *
 * Levels the kernel folds (P4D on a 4-level x86_64, PUD and P4D on UML)
 * have trivial pXd_none() helpers at the level above and real ones at the
 * folded level, so an entry is decoded at its lowest alias and reported
 * under the level that owns it.
 *
 * An entry is decoded with the generic helpers (pte_present(), pte_pfn(),
 * pmd_leaf(), the swap-entry ones); what only the architecture can name,
 * its hardware bits, protection key, frame and accessed/dirty masks, comes
 * from its header behind pgtable_arch.h (pgtable_x86.h, pgtable_um.h).
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "vmainspect.h"
#include "compat.h"
#include "pgtable_arch.h"

/* The bits vmi_pagemap_bits() adds: about the frame, not the entry. */
#define VMI_PTE_FRAME_BITS	(VMAINSPECT_PTE_FILE | VMAINSPECT_PTE_EXCLUSIVE)

#if defined(CONFIG_HIGHPTE)
#error "PTE tables in highmem need kmap_local_page(): not supported"
#endif

bool vmi_pt_level_folded(unsigned int level)
{
	switch (level) {
	case VMAINSPECT_LVL_P4D:
		return PTRS_PER_P4D == 1;
	case VMAINSPECT_LVL_PUD:
		return PTRS_PER_PUD == 1;
	case VMAINSPECT_LVL_PMD:
		return PTRS_PER_PMD == 1;
	}
	return false;
}

/* The level that reports an entry of @level: itself, or the one it folds into. */
static unsigned int vmi_pt_owner(unsigned int level)
{
	while (level > VMAINSPECT_LVL_PGD && vmi_pt_level_folded(level))
		level--;
	return level;
}

unsigned int vmi_pt_level_shift(unsigned int level)
{
	switch (level) {
	case VMAINSPECT_LVL_PGD:
		return PGDIR_SHIFT;
	case VMAINSPECT_LVL_P4D:
		return P4D_SHIFT;
	case VMAINSPECT_LVL_PUD:
		return PUD_SHIFT;
	case VMAINSPECT_LVL_PMD:
		return PMD_SHIFT;
	}
	return PAGE_SHIFT;
}

static u32 vmi_pt_index(unsigned int level, unsigned long addr)
{
	switch (level) {
	case VMAINSPECT_LVL_PGD:
		return pgd_index(addr);
	case VMAINSPECT_LVL_P4D:
		/* p4d_index() is x86-only; this is its definition. */
		return (addr >> P4D_SHIFT) & (PTRS_PER_P4D - 1);
	case VMAINSPECT_LVL_PUD:
		return pud_index(addr);
	case VMAINSPECT_LVL_PMD:
		return pmd_index(addr);
	}
	return pte_index(addr);
}

/*
 * The hardware bits of a leaf or table entry (pgtable_arch.h); @large: a
 * PMD or PUD entry.  One copy for the seven decoders, the architecture's
 * part inlined into it (a dozen bit tests on x86).
 */
static noinline u64 vmi_pt_hw_bits(u64 raw, bool large)
{
	return vmi_arch_pte_hw_bits(raw, large);
}

/* A non-present, non-empty entry: swap, migration, device, poison, marker. */
static void vmi_pt_decode_swp(struct vmainspect_pt_entry *e, swp_entry_t entry)
{
	if (vmi_is_swap_entry(entry)) {
		e->kind = VMAINSPECT_PT_SWAP;
		e->swap_type = swp_type(entry);
		e->offset = swp_offset(entry);
	} else if (vmi_is_migration_entry(entry)) {
		e->kind = VMAINSPECT_PT_MIGRATION;
		e->pfn = vmi_swp_entry_pfn(entry);
	} else if (vmi_is_device_private_entry(entry)) {
		e->kind = VMAINSPECT_PT_DEVICE_PRIVATE;
		e->pfn = vmi_swp_entry_pfn(entry);
	} else if (vmi_is_device_exclusive_entry(entry)) {
		e->kind = VMAINSPECT_PT_DEVICE_EXCLUSIVE;
		e->pfn = vmi_swp_entry_pfn(entry);
	} else if (is_hwpoison_entry(entry)) {
		e->kind = VMAINSPECT_PT_HWPOISON;
		e->pfn = vmi_swp_entry_pfn(entry);
	} else if (vmi_is_pte_marker_entry(entry)) {
		e->kind = VMAINSPECT_PT_MARKER;
		e->offset = vmi_pte_marker_bits(entry);
	} else {
		e->kind = VMAINSPECT_PT_BAD;
	}
}

static void vmi_pt_decode_pte(struct vmainspect_pt_entry *e, pte_t pte)
{
	if (pte_none(pte))
		return;
	if (pte_present(pte)) {
		e->kind = VMAINSPECT_PT_PAGE;
		e->pfn = pte_pfn(pte);
		e->bits = vmi_pt_hw_bits(e->raw, false) |
			  vmi_arch_pte_saved_dirty(e->raw);
		e->pkey = vmi_arch_pte_pkey(e->raw);
		if (pte_soft_dirty(pte))
			e->bits |= VMAINSPECT_PTE_SOFT_DIRTY;
		if (vmi_pte_uffd(pte))
			e->bits |= VMAINSPECT_PTE_UFFD_WP;
		if (pte_special(pte))
			e->bits |= VMAINSPECT_PTE_SPECIAL;
		if (vmi_pte_devmap(pte))
			e->bits |= VMAINSPECT_PTE_DEVMAP;
		if (vmi_arch_pte_protnone(pte))
			e->bits |= VMAINSPECT_PTE_PROTNONE;
		return;
	}
	if (pte_swp_soft_dirty(pte))
		e->bits |= VMAINSPECT_PTE_SOFT_DIRTY;
	if (vmi_pte_swp_uffd(pte))
		e->bits |= VMAINSPECT_PTE_UFFD_WP;
	if (vmi_pte_swp_exclusive(pte))
		e->bits |= VMAINSPECT_PTE_SWP_EXCLUSIVE;
	vmi_pt_decode_swp(e, vmi_pte_to_swp_entry(pte));
}

static void vmi_pt_decode_pmd(struct vmainspect_pt_entry *e, pmd_t pmd)
{
	if (pmd_none(pmd))
		return;
	if (vmi_is_swap_pmd(pmd)) {
		/* A THP migration entry. */
		if (pmd_swp_soft_dirty(pmd))
			e->bits |= VMAINSPECT_PTE_SOFT_DIRTY;
		vmi_pt_decode_swp(e, vmi_pmd_to_swp_entry(pmd));
		return;
	}
	if (pmd_leaf(pmd)) {
		e->kind = VMAINSPECT_PT_PAGE;
		e->pfn = pmd_pfn(pmd);
		e->bits = vmi_pt_hw_bits(e->raw, true) |
			  vmi_arch_pte_saved_dirty(e->raw);
		e->pkey = vmi_arch_pte_pkey(e->raw);
		if (pmd_soft_dirty(pmd))
			e->bits |= VMAINSPECT_PTE_SOFT_DIRTY;
		if (vmi_pmd_uffd(pmd))
			e->bits |= VMAINSPECT_PTE_UFFD_WP;
		if (vmi_pmd_special(pmd))
			e->bits |= VMAINSPECT_PTE_SPECIAL;
		if (vmi_pmd_devmap(pmd))
			e->bits |= VMAINSPECT_PTE_DEVMAP;
		if (vmi_arch_pmd_protnone(pmd))
			e->bits |= VMAINSPECT_PTE_PROTNONE;
		return;
	}
	e->kind = pmd_bad(pmd) ? VMAINSPECT_PT_BAD : VMAINSPECT_PT_TABLE;
	e->bits = vmi_pt_hw_bits(e->raw, false);
}

static void vmi_pt_decode_pud(struct vmainspect_pt_entry *e, pud_t pud)
{
	if (pud_none(pud))
		return;
	/*
	 * Only hugetlb leaves a non-present PUD (a 1 GiB page's migration,
	 * hwpoison or uffd-wp marker entry), in the PTE's swap format, as
	 * huge_ptep_get() reads it, and hugetlb tells it apart with
	 * pte_present() (PROT_NONE leaves are present; pud_present() says
	 * otherwise on x86).  Folded PUDs are tables, never read here.
	 */
	if (!vmi_pt_level_folded(VMAINSPECT_LVL_PUD) &&
	    !pte_present(__pte(pud_val(pud)))) {
		pte_t pte = __pte(pud_val(pud));

		if (pte_swp_soft_dirty(pte))
			e->bits |= VMAINSPECT_PTE_SOFT_DIRTY;
		if (vmi_pte_swp_uffd(pte))
			e->bits |= VMAINSPECT_PTE_UFFD_WP;
		vmi_pt_decode_swp(e, vmi_pte_to_swp_entry(pte));
		return;
	}
	if (pud_leaf(pud)) {
		e->kind = VMAINSPECT_PT_PAGE;
		e->pfn = vmi_arch_pud_pfn(pud);
		e->bits = vmi_pt_hw_bits(e->raw, true) |
			  vmi_arch_pte_saved_dirty(e->raw);
		e->pkey = vmi_arch_pte_pkey(e->raw);
		if (vmi_pud_devmap(pud))
			e->bits |= VMAINSPECT_PTE_DEVMAP;
		return;
	}
	e->kind = pud_bad(pud) ? VMAINSPECT_PT_BAD : VMAINSPECT_PT_TABLE;
	e->bits = vmi_pt_hw_bits(e->raw, false);
}

static void vmi_pt_decode_p4d(struct vmainspect_pt_entry *e, p4d_t p4d)
{
	if (p4d_none(p4d))
		return;
	e->kind = p4d_bad(p4d) ? VMAINSPECT_PT_BAD : VMAINSPECT_PT_TABLE;
	e->bits = vmi_pt_hw_bits(e->raw, false);
}

static void vmi_pt_decode_pgd(struct vmainspect_pt_entry *e, pgd_t pgd)
{
	if (pgd_none(pgd))
		return;
	e->kind = pgd_bad(pgd) ? VMAINSPECT_PT_BAD : VMAINSPECT_PT_TABLE;
	e->bits = vmi_pt_hw_bits(e->raw, false);
}

/*
 * Decode the raw value of an entry at @level with that level's own helpers
 * (pure: KUnit feeds it entries built with pfn_pte(), swp_entry_to_pte()...).
 */
void vmi_pt_decode(struct vmainspect_pt_entry *e, unsigned int level, u64 raw)
{
	memset(e, 0, sizeof(*e));
	e->level = level;
	e->raw = raw;
	e->kind = VMAINSPECT_PT_NONE;
	switch (level) {
	case VMAINSPECT_LVL_PGD:
		vmi_pt_decode_pgd(e, __pgd(raw));
		break;
	case VMAINSPECT_LVL_P4D:
		vmi_pt_decode_p4d(e, __p4d(raw));
		break;
	case VMAINSPECT_LVL_PUD:
		vmi_pt_decode_pud(e, __pud(raw));
		break;
	case VMAINSPECT_LVL_PMD:
		vmi_pt_decode_pmd(e, __pmd(raw));
		break;
	default:
		vmi_pt_decode_pte(e, __pte(raw));
		break;
	}
}

/*
 * What a caller without CAP_SYS_ADMIN may see, as /proc/PID/pagemap shows
 * it: no frames and no swap slots; and no accessed/dirty bits, which no
 * /proc file shows per page (pagemap does not; page_idle is root-only):
 * they would tell when another process last touched each page.
 */
void vmi_pt_hide(struct vmainspect_pt_entry *e)
{
	e->pfn = 0;
	e->swap_type = 0;
	e->folio_shift = 0;	/* struct page data, as kpageflags */
	if (e->kind != VMAINSPECT_PT_MARKER)
		e->offset = 0;
	e->bits &= ~(u64)(VMAINSPECT_PTE_ACCESSED | VMAINSPECT_PTE_DIRTY |
			  VMAINSPECT_PTE_SAVED_DIRTY);
	if (e->kind == VMAINSPECT_PT_PAGE || e->kind == VMAINSPECT_PT_TABLE)
		e->raw &= ~((u64)VMI_ARCH_PTE_PFN_MASK | VMI_ARCH_PTE_AD_MASK);
	else
		e->raw = 0;
}

/*
 * vmi_pagemap_bits() for a PTE, the hot path of a dense walk.  With
 * ARCH_HAS_PTE_SPECIAL (x86) every PTE mapping a frame without a struct
 * page is special (remap_pfn_range(), vmf_insert_pfn(), DAX devmap
 * entries, the zero page), so any other present PTE maps a frame with a
 * memmap: vm_normal_page()'s own rule, and no pfn_to_online_page() call
 * per page.  An order-0 page answers from its own fields, as
 * PageAnon()/page_mapcount() would; anything else takes the long way.
 * The page may be freed meanwhile (no PTE lock here): a stale answer.
 */
static inline u64 vmi_pagemap_pte_bits(u32 kind, u64 entry_bits, u64 pfn)
{
	struct page *page;
	u64 bits = 0;

	if (kind != VMAINSPECT_PT_PAGE || !IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL))
		return vmi_pagemap_bits(kind, entry_bits, pfn, pfn);
	if (entry_bits & VMAINSPECT_PTE_SPECIAL)
		return 0;
	page = pfn_to_page(pfn);
	if (PageCompound(page))
		return vmi_pagemap_bits(kind, entry_bits, pfn, pfn);
	if (!((unsigned long)READ_ONCE(page->mapping) & VMI_MAPPING_ANON))
		bits |= VMAINSPECT_PTE_FILE;
	if (atomic_read(&page->_mapcount) == 0)
		bits |= VMAINSPECT_PTE_EXCLUSIVE;
	return bits | VMI_FOLIO_SHIFT(PAGE_SHIFT);
}

/*
 * The huge zero folio behind a PMD leaf of @vma?  is_huge_zero_pmd() reads
 * huge_zero_pfn, which is not exported.  An anonymous VMA's PMD leaves map
 * either an anonymous THP, which has its anon_vma in ->mapping from
 * before set_pmd_at() (folio_add_new_anon_rmap()), or the huge zero folio,
 * which never has a mapping: do_huge_pmd_anonymous_page() on a read fault,
 * the only way one gets there.  A THP zapped and freed since we read the
 * entry also has none: a stale answer, as every lockless read here.
 */
static bool vmi_pt_huge_zero(struct vm_area_struct *vma, u64 head_pfn)
{
	struct page *page;

	if (!vma_is_anonymous(vma))
		return false;
	page = vmi_online_page(head_pfn);
	return page && !READ_ONCE(page->mapping);
}

/*
 * What a leaf means in its VMA: the shared zero page (PAGEMAP_SCAN's
 * PAGE_IS_PFNZERO), and, on 7.3, the userfaultfd bit of a VMA registered
 * for read-write protection, which userfaultfd_pte_rwp() reads as RWP
 * (registration refuses WP and RWP together).
 */
static void vmi_pt_vma_bits(struct vm_area_struct *vma,
			    struct vmainspect_pt_entry *e, unsigned int level)
{
	if (e->kind == VMAINSPECT_PT_PAGE &&
	    (level == VMAINSPECT_LVL_PTE ? is_zero_pfn(e->pfn) :
	     level == VMAINSPECT_LVL_PMD && vmi_pt_huge_zero(vma, e->pfn)))
		e->bits |= VMAINSPECT_PTE_ZERO_PAGE;
	if ((e->bits & VMAINSPECT_PTE_UFFD_WP) && vmi_vma_uffd_rwp(vma)) {
		e->bits &= ~VMAINSPECT_PTE_UFFD_WP;
		e->bits |= VMAINSPECT_PTE_UFFD_RWP;
	}
}

/* Label @e with its owner level, adjust leaf frames to @addr, hand it on. */
static int vmi_pt_emit(struct vmi_pt_walk *w, struct vmainspect_pt_entry *e,
		       unsigned int level, unsigned long addr,
		       unsigned long next)
{
	unsigned int owner = vmi_pt_owner(level);
	int ret;

	e->level = owner;
	e->index = vmi_pt_index(owner, addr);
	if (w->vma)
		vmi_pt_vma_bits(w->vma, e, level);
	/* A huge leaf's frame is its first page's: advance to @addr. */
	if (e->pfn && level != VMAINSPECT_LVL_PTE) {
		u64 head = e->pfn;

		e->pfn += (addr & ~(~0UL << vmi_pt_level_shift(level))) >>
			  PAGE_SHIFT;
		if (!w->no_frame_bits)
			e->bits |= vmi_pagemap_bits(e->kind, e->bits, e->pfn,
						    head);
		/*
		 * pagemap_hugetlb_range() also asks hugetlb_pmd_shared() of
		 * the table holding the entry, whatever its level.
		 */
		if ((e->bits & VMAINSPECT_PTE_EXCLUSIVE) && w->vma &&
		    is_vm_hugetlb_page(w->vma) &&
		    vmi_hugetlb_table_shared(w->upper_entryp))
			e->bits &= ~VMAINSPECT_PTE_EXCLUSIVE;
	}
	/* the folio size rode in the frame bits: into its own field */
	e->folio_shift = (e->bits & VMI_FOLIO_SHIFT_MASK) >> VMI_FOLIO_SHIFT_POS;
	e->bits &= ~VMI_FOLIO_SHIFT_MASK;
	if (!w->show_pfn)
		vmi_pt_hide(e);
	ret = w->ops->entry(w, e, addr, next);
	if (ret > 0)
		w->stop_addr = addr;
	return ret;
}

static int vmi_pt_stop(struct vmi_pt_walk *w, unsigned long addr)
{
	w->stop_addr = addr;
	return 1;
}

/*
 * Stop before the next entry (the caller resumes there)?  When the budget
 * is spent, or, as smaps_rollup drops the lock when mmap_lock_is_contended(),
 * when someone waits for the mmap lock we hold and this call has spent
 * its budget down to w->yield_at (at least a table's worth: every call
 * makes progress).  The caller drops the lock between calls, so an mmap(),
 * munmap() or fault of the target waits for one table's scan, not for a
 * whole budget's (seconds on a KASAN kernel under TCG).
 */
static bool vmi_pt_should_stop(const struct vmi_pt_walk *w)
{
	if (w->budget <= 0)
		return true;
	return w->budget <= w->yield_at && !w->rmap_locked &&
	       mmap_lock_is_contended(w->mm);
}

/*
 * How many of the @n PTEs at @ptep (n >= 1) continue the entry @e decoded
 * from s->raw, the value read at ptep[0]: the same bits outside the frame,
 * and empty, or mapping the next frames (raw + k pages, or - k pages for a
 * PROT_NONE entry, whose frame is stored inverted); with @with_frame also
 * the same pagemap file/exclusive bits, s->frame_bits.  Each entry is read
 * once: the value that breaks the span is left in *next for the span it
 * starts.  Such a span is one emit, and consumers treat it as consecutive
 * entries: this is what makes a dense walk cheap.
 */
static unsigned int vmi_pt_span(const pte_t *ptep, unsigned int n,
				const struct vmi_pte_span *s,
				const struct vmainspect_pt_entry *e,
				bool with_frame, u64 *next)
{
	u64 raw = s->raw, want = raw, step = PAGE_SIZE, v = 0;
	unsigned int k;

	if (e->kind == VMAINSPECT_PT_NONE) {
		for (k = 1; k < n; k++) {
			v = pte_val(vmi_read_entry(ptep + k));
			if (v != raw)
				break;
		}
		*next = v;
		return k;
	}
	if (e->kind != VMAINSPECT_PT_PAGE) {
		if (n > 1)
			*next = pte_val(vmi_read_entry(ptep + 1));
		return 1;
	}
	/* x86 stores the frame of a PROT_NONE entry inverted (L1TF) */
	if (pte_pfn(__pte(raw)) != ((raw & VMI_ARCH_PTE_PFN_MASK) >> PAGE_SHIFT))
		step = -(u64)PAGE_SIZE;
	for (k = 1; k < n; k++) {
		want += step;
		v = pte_val(vmi_read_entry(ptep + k));
		/* the same bits, the next frame */
		if (v != want)
			break;
		/* and what pagemap says of the frame: file, mapped once */
		if (with_frame &&
		    vmi_pagemap_pte_bits(e->kind, e->bits, e->pfn + k) !=
		    s->frame_bits)
			break;
	}
	*next = v;
	return k;
}

/*
 * Cut the @n PTEs at @ptep into spans (vmi_pt_span()), with each span's
 * frame bits.  Runs under rcu_read_lock(): no copy of the table is kept,
 * only its spans, and a dense table is one pass over the entries and their
 * struct pages.  Returns the number of spans.
 */
static unsigned int vmi_pt_scan_ptes(struct vmi_pt_walk *w, const pte_t *ptep,
				     unsigned int n, struct vmi_pte_span *spans)
{
	u64 raw = pte_val(vmi_read_entry(ptep));
	bool with_frame = !w->no_frame_bits;
	struct vmainspect_pt_entry e;
	struct vmi_pte_span *s = spans;
	unsigned int i;

	for (i = 0; i < n; i += s->len, s++) {
		vmi_pt_decode(&e, VMAINSPECT_LVL_PTE, raw);
		s->raw = raw;
		s->frame_bits = with_frame ?
			vmi_pagemap_pte_bits(e.kind, e.bits, e.pfn) : 0;
		s->len = vmi_pt_span(ptep + i, n - i, s, &e, with_frame, &raw);
	}
	return s - spans;
}

/*
 * The PTEs of [addr, end) under one PMD.  -EAGAIN: the PMD no longer points
 * to the table we scanned (retracted, reclaimed or replaced meanwhile).
 */
static int vmi_pt_walk_ptes(struct vmi_pt_walk *w, pmd_t *pmdp, pmd_t pmdv,
			    unsigned long addr, unsigned long end)
{
	unsigned int i, nr, n = (end - addr) >> PAGE_SHIFT;
	struct vmainspect_pt_entry e;
	struct vmi_pte_span *s;
	unsigned long next;
	bool same;
	int ret;

	/*
	 * As __pte_offset_map() does: the PMD is read again *inside* the RCU
	 * section before its table is touched.  @pmdv was read before, and
	 * the consumer ran since: khugepaged may have retracted the table
	 * and pte_free_defer()'d it meanwhile, and only a PMD seen under
	 * rcu_read_lock() keeps its table from being freed until we unlock.
	 * After the scan the PMD is compared once more: entries read from a
	 * table that was retracted meanwhile are not reported.
	 */
	rcu_read_lock();
	if (!pmd_same(vmi_read_entry(pmdp), pmdv)) {
		rcu_read_unlock();
		return -EAGAIN;
	}
	nr = vmi_pt_scan_ptes(w, (pte_t *)pmd_page_vaddr(pmdv) +
			      pte_index(addr), n, w->spans);
	same = pmd_same(vmi_read_entry(pmdp), pmdv);
	rcu_read_unlock();
	if (!same)
		return -EAGAIN;

	w->tables[VMAINSPECT_LVL_PTE]++;
	w->budget -= n;
	for (i = 0, s = w->spans; i < nr; i++, s++) {
		vmi_pt_decode(&e, VMAINSPECT_LVL_PTE, s->raw);
		e.bits |= s->frame_bits;
		next = addr + s->len * PAGE_SIZE;
		ret = vmi_pt_emit(w, &e, VMAINSPECT_LVL_PTE, addr, next);
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

/* Count a table page of @level we are about to read. */
static void vmi_pt_count_table(struct vmi_pt_walk *w, unsigned int level)
{
	if (!vmi_pt_level_folded(level))
		w->tables[level]++;
}

/*
 * Decode and report one upper-level entry; *descend says whether it points
 * to a table.  A table entry whose next level is folded is not reported:
 * that level re-reads the same value with real helpers and reports it
 * under this level.
 */
static int vmi_pt_visit(struct vmi_pt_walk *w, unsigned int level, u64 raw,
			unsigned long addr, unsigned long next, bool *descend)
{
	struct vmainspect_pt_entry e;

	vmi_pt_decode(&e, level, raw);
	w->budget--;
	*descend = e.kind == VMAINSPECT_PT_TABLE;
	if (*descend && vmi_pt_level_folded(level + 1))
		return 0;
	return vmi_pt_emit(w, &e, level, addr, next);
}

/* Retries of one PMD whose PTE table changed under us. */
#define VMI_PT_PMD_TRIES	3

static int vmi_pt_walk_pmd(struct vmi_pt_walk *w, pmd_t *pmdp,
			   unsigned long addr, unsigned long next)
{
	int tries, ret = 0;
	bool descend;
	pmd_t pmdv;

	for (tries = 0; tries < VMI_PT_PMD_TRIES; tries++) {
		pmdv = vmi_read_entry(pmdp);
		w->upper_entryp = pmdp;
		ret = vmi_pt_visit(w, VMAINSPECT_LVL_PMD, pmd_val(pmdv), addr,
				   next, &descend);
		if (ret || !descend)
			return ret;
		ret = vmi_pt_walk_ptes(w, pmdp, pmdv, addr, next);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

/* The levels above the PTE: each walks the table its parent's copy names. */
static int vmi_pt_walk_pmds(struct vmi_pt_walk *w, pud_t *pudv,
			    unsigned long addr, unsigned long end)
{
	pmd_t *pmdp = pmd_offset(pudv, addr);
	unsigned long next;
	int ret;

	vmi_pt_count_table(w, VMAINSPECT_LVL_PMD);
	do {
		if (vmi_pt_should_stop(w))
			return vmi_pt_stop(w, addr);
		next = pmd_addr_end(addr, end);
		ret = vmi_pt_walk_pmd(w, pmdp, addr, next);
		if (ret)
			return ret;
	} while (pmdp++, addr = next, addr != end);
	return 0;
}

static int vmi_pt_walk_puds(struct vmi_pt_walk *w, p4d_t *p4dv,
			    unsigned long addr, unsigned long end)
{
	pud_t *pudp = pud_offset(p4dv, addr), pudv;
	unsigned long next;
	bool descend;
	int ret;

	vmi_pt_count_table(w, VMAINSPECT_LVL_PUD);
	do {
		if (vmi_pt_should_stop(w))
			return vmi_pt_stop(w, addr);
		next = pud_addr_end(addr, end);
		pudv = vmi_read_entry(pudp);
		w->upper_entryp = pudp;
		ret = vmi_pt_visit(w, VMAINSPECT_LVL_PUD, pud_val(pudv), addr,
				   next, &descend);
		if (!ret && descend)
			ret = vmi_pt_walk_pmds(w, &pudv, addr, next);
		if (ret)
			return ret;
	} while (pudp++, addr = next, addr != end);
	return 0;
}

static int vmi_pt_walk_p4ds(struct vmi_pt_walk *w, pgd_t *pgdv,
			    unsigned long addr, unsigned long end)
{
	p4d_t *p4dp = p4d_offset(pgdv, addr), p4dv;
	unsigned long next;
	bool descend;
	int ret;

	vmi_pt_count_table(w, VMAINSPECT_LVL_P4D);
	do {
		if (vmi_pt_should_stop(w))
			return vmi_pt_stop(w, addr);
		next = p4d_addr_end(addr, end);
		p4dv = vmi_read_entry(p4dp);
		ret = vmi_pt_visit(w, VMAINSPECT_LVL_P4D, p4d_val(p4dv), addr,
				   next, &descend);
		if (!ret && descend)
			ret = vmi_pt_walk_puds(w, &p4dv, addr, next);
		if (ret)
			return ret;
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

static int vmi_pt_walk_pgds(struct vmi_pt_walk *w, unsigned long addr,
			    unsigned long end)
{
	pgd_t *pgdp = pgd_offset(w->mm, addr), pgdv;
	unsigned long next;
	bool descend;
	int ret;

	do {
		if (vmi_pt_should_stop(w))
			return vmi_pt_stop(w, addr);
		next = pgd_addr_end(addr, end);
		pgdv = vmi_read_entry(pgdp);
		ret = vmi_pt_visit(w, VMAINSPECT_LVL_PGD, pgd_val(pgdv), addr,
				   next, &descend);
		if (!ret && descend)
			ret = vmi_pt_walk_p4ds(w, &pgdv, addr, next);
		if (ret)
			return ret;
	} while (pgdp++, addr = next, addr != end);
	return 0;
}

/*
 * Walk [addr, end), which must lie inside one VMA of w->mm, with the mmap
 * lock held (or, with w->rmap_locked, the anon_vma or i_mmap lock of that
 * VMA: see rmap.c).  0: done; 1: stopped at w->stop_addr (consumer full or
 * budget spent); <0: error.
 */
int vmi_pt_walk_range(struct vmi_pt_walk *w, unsigned long addr,
		      unsigned long end)
{
	if (!w->rmap_locked)
		mmap_assert_locked(w->mm);
	return vmi_pt_walk_pgds(w, addr, end);
}

/*
 * Walk [addr, end) of @vma (see vmi_pt_walk_range()).  A shared hugetlb
 * mapping's PMD tables may be shared between processes, and
 * huge_pmd_unshare() (fallocate(PUNCH_HOLE), truncate, mprotect) frees
 * them under i_mmap_rwsem and the hugetlb VMA lock held for write, without
 * this mm's mmap lock: as walk_hugetlb_range() needs the VMA lock, we take
 * i_mmap_rwsem for read (the hugetlb VMA lock is not exported), killably.
 * An rmap walk of a file folio already holds it (w->rmap_locked).
 */
int vmi_pt_walk_vma(struct vmi_pt_walk *w, struct vm_area_struct *vma,
		    unsigned long addr, unsigned long end)
{
	struct address_space *mapping = NULL;
	int ret;

	if (!w->rmap_locked && is_vm_hugetlb_page(vma) &&
	    (vma->vm_flags & VM_MAYSHARE) && vma->vm_file) {
		mapping = vma->vm_file->f_mapping;
		if (down_read_killable(&mapping->i_mmap_rwsem))
			return -EINTR;
	}
	w->vma = vma;
	ret = vmi_pt_walk_range(w, addr, end);
	w->vma = NULL;
	if (mapping)
		i_mmap_unlock_read(mapping);
	return ret;
}

/*
 * pagemap's rule, walk_page_test()'s: a VM_PFNMAP VMA's frames may have no
 * struct page and its tables are the driver's: not walked (a hole).
 */
int vmi_pt_test_pagemap(struct vmi_pt_walk *w, struct vm_area_struct *vma)
{
	return !!(vma->vm_flags & VM_PFNMAP);
}

/*
 * The rule of a frame looked up by address (VMAINSPECT_PAGE_BY_ADDR):
 * also not VM_IO, whose frames are device memory, as get_user_pages()
 * refuses both (check_vma_flags()).
 */
int vmi_pt_test_frames(struct vmi_pt_walk *w, struct vm_area_struct *vma)
{
	return !!(vma->vm_flags & (VM_PFNMAP | VM_IO));
}

/*
 * Walk the parts of [start, end) that lie inside VMAs of w->mm, as
 * walk_page_range() does: never the gaps between them (whose tables a
 * munmap() that downgraded its lock may be freeing), each VMA after
 * w->ops->test_vma() said so.  Caller holds the mmap lock.  0: done;
 * 1: stopped at w->stop_addr (resume there); <0: error.
 */
int vmi_pt_walk_vmas(struct vmi_pt_walk *w, unsigned long start,
		     unsigned long end)
{
	struct vm_area_struct *vma;
	struct vmi_vma_iter it;
	int ret;

	mmap_assert_locked(w->mm);
	vmi_iter_init(&it, w->mm, start);
	while ((vma = vmi_iter_next(&it)) && vma->vm_start < end) {
		ret = w->ops->test_vma ? w->ops->test_vma(w, vma) : 0;
		if (ret < 0)
			return ret;
		if (ret > 0)
			continue;
		ret = vmi_pt_walk_vma(w, vma, max(start, vma->vm_start),
				      min(end, vma->vm_end));
		if (ret)
			return ret;
	}
	return 0;
}

/* Scratch for one PTE table's spans: allocate before taking the lock. */
struct vmi_pte_span *vmi_pt_scratch_alloc(void)
{
	return kmalloc_array(PTRS_PER_PTE, sizeof(struct vmi_pte_span),
			     GFP_KERNEL_ACCOUNT);
}
