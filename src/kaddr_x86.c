// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: what a kernel address is, x86's part (klayout_arch.h), for
 * x86_64 and i386 alike: the kernel page-table entry through
 * lookup_address(), the exported x86 helper that set_memory and
 * kernel_page_present() use, and the fixmap slot.
 */
#include <linux/mm.h>
#include <asm/fixmap.h>
#include <asm/pgtable.h>
#include "vmainspect.h"
#include "klayout_arch.h"

/*
 * The entry mapping @addr.  lookup_address() reads init_mm's tables
 * without the locks the kernel's own walkers (ptdump) take, which are not
 * exported: a PTE table of the vmalloc space can be freed meanwhile (a
 * huge vmap replacing it, pmd_free_pte_page()), and memory hot-remove
 * frees direct-map and vmemmap tables.  The read is then of a freed page,
 * still mapped: one wrong answer, no fault, except with debug_pagealloc,
 * which unmaps freed pages, so no lookup there.  Only a copy of the entry
 * is looked at.
 */
void vmi_arch_kaddr_mapping(struct vmainspect_kaddr *a)
{
	unsigned long pfn, addr = a->addr;
	unsigned int level;
	pte_t *ptep, pte;

	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		return;
	ptep = lookup_address(addr, &level);
	if (!ptep)
		return;
	pte = READ_ONCE(*ptep);
	if (!pte_present(pte))
		return;
	a->out_flags |= VMAINSPECT_KA_MAPPED;
	if (pte_write(pte))
		a->out_flags |= VMAINSPECT_KA_WRITE;
	if (pte_exec(pte))
		a->out_flags |= VMAINSPECT_KA_EXEC;
	switch (level) {
	case PG_LEVEL_1G:
		a->page_size = PUD_SIZE;
		pfn = pud_pfn(__pud(pte_val(pte)));
		break;
	case PG_LEVEL_2M:
		a->page_size = PMD_SIZE;
		pfn = pmd_pfn(__pmd(pte_val(pte)));
		break;
	default:
		a->page_size = PAGE_SIZE;
		pfn = pte_pfn(pte);
		break;
	}
	pfn += (addr & (a->page_size - 1)) >> PAGE_SHIFT;
	/* a vmemmap address's pfn is the one whose struct page it holds */
	if (!(a->out_flags & (VMAINSPECT_KA_PFN | VMAINSPECT_KA_STRUCT_PAGE))) {
		a->pfn = pfn;
		a->phys = PFN_PHYS(pfn) | (addr & ~PAGE_MASK);
		a->out_flags |= VMAINSPECT_KA_PFN;
	}
}

/* __virt_to_fix(): slot 0 is the page at FIXADDR_TOP, going down. */
u64 vmi_arch_fixmap_index(u64 addr)
{
	return (FIXADDR_TOP - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}
