// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: what a frame is, as /proc/kpageflags and /proc/PID/pagemap
 * see it: an engine, below both the page-table walker (pgtable.c adds
 * pagemap's bits about the frame to each entry) and the frame queries
 * (page.c, rmap.c look frames up).  A snapshot, read without a reference,
 * the way fs/proc/page.c and fs/proc/task_mmu.c read it.
 */
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include "vmainspect.h"
#include "compat.h"
#include "klayout_arch.h"

/*
 * The struct page of @pfn if /proc/kpageflags would look at it: below the
 * kernel's last dumpable frame (vmi_arch_max_dump_pfn()) and online.
 */
struct page *vmi_online_page(u64 pfn)
{
	/* pfn_to_online_page() takes an unsigned long: 32 bits on i386 */
	if (pfn > ULONG_MAX || pfn >= vmi_arch_max_dump_pfn())
		return NULL;
	return vmi_pfn_to_online_page(pfn);
}

/*
 * The order of the folio holding @page, read without a reference: a split
 * or a free may be under way (compound_order() of a page that stopped
 * being a head is 0), so it may be stale, and it is capped at the largest
 * folio a page table maps, a 1 GiB PUD leaf.
 */
static unsigned int vmi_folio_order(struct page *page)
{
	unsigned int order = compound_order(compound_head(page));

	return min_t(unsigned int, order, PUD_SHIFT - PAGE_SHIFT);
}

/*
 * pagemap's PM_FILE and PM_MMAP_EXCLUSIVE for a page-table entry of @kind
 * that maps frame @pfn (@head_pfn: the first frame of a huge leaf), as
 * pte_to_pagemap_entry() and its PMD/hugetlb siblings decide.  They get
 * the page from vm_normal_page() (not exported): a special entry (the
 * zero page, VM_PFNMAP/MIXEDMAP inserts) has none; nor has memory that is
 * not online RAM (ZONE_DEVICE: DAX pages are not reported as file pages).
 * For a present entry also the folio's size (VMI_FOLIO_SHIFT()).
 */
u64 vmi_pagemap_bits(u32 kind, u64 entry_bits, u64 pfn, u64 head_pfn)
{
	bool present = kind == VMAINSPECT_PT_PAGE;
	struct page *page;
	u64 bits = 0;

	if (present ? (entry_bits & VMAINSPECT_PTE_SPECIAL) :
	    !vmi_pagemap_pfn_swap_kind(kind))
		return 0;
	page = vmi_online_page(vmi_pagemap_page_pfn(pfn, head_pfn));
	if (!page)
		return 0;
	if (!PageAnon(page))
		bits |= VMAINSPECT_PTE_FILE;
	if (vmi_pagemap_exclusive(page, present,
				  kind == VMAINSPECT_PT_MIGRATION))
		bits |= VMAINSPECT_PTE_EXCLUSIVE;
	if (present)
		bits |= VMI_FOLIO_SHIFT(PAGE_SHIFT + vmi_folio_order(page));
	return bits;
}
